#!/usr/bin/env bash
# Consumer experience check: pack the library and install the tarball into fresh CDK apps, one on the lowest
# and one on the newest aws-cdk-lib, constructs and cdk-nag inside the peer ranges; each runs a consumer's jest
# snapshot test twice in separate processes (deterministic synth, no warnings). Then the tarball's upgrade check
# (membrane-upgrade-check) runs once on a clean upgrade and once on a replaced bucket.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
[ -f "$repo/out/index.js" ] && [ -f "$repo/.jsii" ] || { echo "compile first (npx projen compile)"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball="$(cd "$repo" && npm pack --silent --pack-destination "$work" 2>/dev/null | tail -1)"
peer() { node -p "require('$repo/package.json').devDependencies['$1']"; }
range() { node -p "require('$repo/package.json').peerDependencies['$1']"; }
jest="$repo/node_modules/.bin/jest"
config='{"testEnvironment":"node","transform":{}}'

# A consumer app on the given aws-cdk-lib, constructs and cdk-nag: its snapshot test runs twice, in separate
# processes; the first writes the snapshot, the second must match it (deterministic synth, no warnings).
consumer() {
  local label="$1"; shift
  local app="$work/$label"
  mkdir "$app"
  cp "$repo/test/consumer-app/membrane.test.js" "$app/"
  echo '{ "name": "membrane-consumer", "private": true, "version": "0.0.0" }' > "$app/package.json"
  (cd "$app" && npm install --no-audit --no-fund --loglevel=error "$work/$tarball" "$@" >/dev/null)
  (cd "$app" && node -e "console.log('$label: aws-cdk-lib', require('aws-cdk-lib/package.json').version, 'cdk-nag', require('cdk-nag/package.json').version)")
  "$jest" --rootDir "$app" --config "$config" --ci=false
  "$jest" --rootDir "$app" --config "$config" --ci
  test -s "$app/__snapshots__/membrane.test.js.snap"
}

# The lowest versions the library supports (the ones it is built with) ...
consumer pinned "aws-cdk-lib@$(peer aws-cdk-lib)" "constructs@$(peer constructs)" "cdk-nag@$(peer cdk-nag)"
# ... and the newest the registry serves inside the peer ranges, which is what npm gives a new consumer.
consumer newest "aws-cdk-lib@$(range aws-cdk-lib)" "constructs@$(range constructs)" "cdk-nag@$(range cdk-nag)"
echo "consumer snapshots written and matched on both ends of the peer range"

# A consumer as `cdk init` makes one, on the newest versions: strict TypeScript with the README's Usage block,
# the rule packs and MembraneChecks attached as synth plugins (aws-cdk-lib 2.258+), and a CDK CLI as new as
# aws-cdk-lib (an older CLI refuses its cloud assembly). `cdk synth` fails on any unacknowledged finding.
app="$work/newest"
cp "$repo/test/consumer-app/app/app.ts" "$repo/test/consumer-app/app/tsconfig.json" "$app/"
(cd "$app" && npm install --no-audit --no-fund --loglevel=error "aws-cdk@^2" "@aws-cdk/cloudformation-diff@$(peer @aws-cdk/cloudformation-diff)" >/dev/null)
"$repo/node_modules/.bin/tsc" -p "$app/tsconfig.json"
# aws-cdk-lib also validates the templates against the CloudFormation schemas (e.g. a WAF description with
# parentheses, which fails the deployment): any such finding fails the check.
(cd "$app" && CDK_DISABLE_VERSION_CHECK=1 ./node_modules/.bin/cdk synth --app "node out/app.js" --no-notices --quiet -o cdk.out) 2>&1 \
  | tee "$work/synth.log"
test "${PIPESTATUS[0]}" -eq 0
if grep -q "Template validation found issues" "$work/synth.log"; then
  echo "the consumer's templates have CloudFormation validation findings (above)" >&2
  exit 1
fi
test -s "$app/cdk.out/Membrane.template.json"
echo "strict TypeScript consumer synthesized with the rule packs attached: $(cd "$app" && ./node_modules/.bin/cdk --version)"

# The upgrade check a consumer's CI runs (docs/upgrading.md), from the tarball's membrane-upgrade-check command: the
# template the pinned app made stands for the one deployed last. A clean upgrade (aws-cdk-lib from the lowest to the
# newest version) must pass; a replaced bucket (a BucketName set) must fail and name the bucket.
check="$app/node_modules/.bin/membrane-upgrade-check"
"$check" --old "$work/pinned/Consumer.template.json" --new "$app/Consumer.template.json"
node -e "
  const t = require('$app/Consumer.template.json');
  const [id, bucket] = Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::S3::Bucket' && /TmpBucket/.test(r.Metadata['aws:cdk:path']));
  bucket.Properties.BucketName = 'membrane-tmp-renamed';
  require('fs').mkdirSync('$work/next');
  require('fs').writeFileSync('$work/next/Consumer.template.json', JSON.stringify(t));
  console.log('replacing ' + id);"
set +e
"$check" --old "$work/pinned/Consumer.template.json" --new "$work/next/Consumer.template.json" | tee "$work/upgrade-check.log"
status="${PIPESTATUS[0]}"
set -e
test "$status" -eq 1 || { echo "the upgrade check should have failed on the replaced bucket (exit $status)" >&2; exit 1; }
grep -q 'AWS::S3::Bucket replaced, Consumer/Membrane/Storage/TmpBucket' "$work/upgrade-check.log"
echo "upgrade check from the tarball: a clean upgrade passed, a replaced bucket failed naming it"
