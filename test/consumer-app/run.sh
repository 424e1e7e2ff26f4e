#!/usr/bin/env bash
# Consumer experience check: pack the library, install the tarball into a fresh CDK app with the declared
# peer dependencies, and run a consumer's jest snapshot test twice in separate processes: the first run
# writes the snapshot, the second must match it (deterministic synth).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
[ -f "$repo/out/index.js" ] && [ -f "$repo/.jsii" ] || { echo "compile first (npx projen compile)"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball="$(cd "$repo" && npm pack --silent --pack-destination "$work" 2>/dev/null | tail -1)"
mkdir "$work/app"
cp "$repo/test/consumer-app/membrane.test.js" "$work/app/"
peer() { node -p "require('$repo/package.json').devDependencies['$1']"; }
cat > "$work/app/package.json" <<JSON
{ "name": "membrane-consumer", "private": true, "version": "0.0.0" }
JSON
cd "$work/app"
npm install --no-audit --no-fund --prefer-offline --loglevel=error \
  "$work/$tarball" "aws-cdk-lib@$(peer aws-cdk-lib)" "constructs@$(peer constructs)" "cdk-nag@$(peer cdk-nag)" >/dev/null
node -e "require('@org/membrane-cdk'); console.log('installed', require('@org/membrane-cdk/package.json').name, 'from', '$tarball')"

jest="$repo/node_modules/.bin/jest"
config='{"testEnvironment":"node","transform":{}}'
"$jest" --rootDir "$work/app" --config "$config" --ci=false
"$jest" --rootDir "$work/app" --config "$config" --ci
test -s "$work/app/__snapshots__/membrane.test.js.snap"
echo "consumer snapshot written and matched"
