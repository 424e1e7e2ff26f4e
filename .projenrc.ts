import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { awscdk, javascript, JsonFile } from 'projen';
import { ReleaseTrigger } from 'projen/lib/release';

// Versions proven to work together offline (see docs/toolchain.md).
const CDK_VERSION = '2.257.0';
const CONSTRUCTS_VERSION = '10.8.1';
const CDK_CLI_VERSION = '2.1115.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: '@org/membrane-cdk',
  description: 'AWS CDK constructs to self-host Membrane on AWS: S3 + CloudFront storage, ElastiCache, Fargate services, autoscaling on Membrane '
    + 'metrics.',
  author: 'membrane-cdk maintainers',
  authorAddress: 'dev@example.com',
  repositoryUrl: 'https://github.com/org/membrane-cdk',
  keywords: ['cdk', 'awscdk', 'membrane', 'ecs', 'fargate', 'elasticache', 'cloudfront'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: CDK_VERSION,
  cdkVersionPinning: false,
  constructsVersion: CONSTRUCTS_VERSION,
  jsiiVersion: '~6.0.16',
  typescriptVersion: '~6.0.3',
  // projen would otherwise ask for @types/node@ts6.0, a tag the registry mirror lacks.
  minNodeVersion: '20.0.0',

  // The design card wants the source in lib/. Compiled JavaScript goes to out/ (projen reserves dist/
  // for packaged artifacts and keeps it out of the npm tarball).
  srcdir: 'lib',
  libdir: 'out',
  entrypoint: 'out/index.js',
  testdir: 'test',
  sampleCode: false,
  eslintOptions: { dirs: ['lib'], devdirs: ['test', 'bin', 'integ', 'bench', 'upgrade', 'projenrc', '.projenrc.ts'] },

  jestOptions: {
    jestVersion: '^30',
    // Snapshots change only through `npx projen test:update`, after reading the diff.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/consumer-app/'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
      // Only our sources, instrumented by babel: v8 coverage slows every line of aws-cdk-lib the tests run (the suite took
      // 266 s with it, 152 s with babel and 148 s without coverage, on 2 cores).
      coverageProvider: 'babel',
      collectCoverageFrom: ['lib/**/*.ts'],
      // Jest's default (cores - 1) runs a single worker on the 2-core machines this project builds on.
      maxWorkers: 2,
      // No creation stack traces in test apps (test/setup-env.ts).
      setupFiles: ['<rootDir>/test/setup-env.ts'],
    },
  },
  tsJestOptions: {},

  // CI runs .ci/run on a clean clone; no hosted workflows. Releases are cut by hand and offline: `npx projen release`
  // bumps the 0.x version from the conventional commits (commit-and-tag-version), builds, writes CHANGELOG.md, refreshes
  // the upgrade-check baseline, commits and tags; nothing is pushed or published (docs/upgrading.md).
  github: false,
  release: true,
  releaseTrigger: ReleaseTrigger.manual({ changelog: false, gitPushCommand: '' }),
  majorVersion: 0,
  // commit-and-tag-version keeps 0.x (a breaking change bumps the minor version). The first release is 0.1.0, not 0.0.0,
  // and migration notes under "Unreleased" in CHANGELOG.md make a release at least minor (upgrade/release.ts).
  nextVersionCommand: 'TS_NODE_TRANSPILE_ONLY=true ts-node upgrade/release.ts next-version',
  // commit-and-tag-version 13 (projen's default) needs Node 22; 12 runs on the Node 20 this project supports.
  bumpPackage: 'commit-and-tag-version@^12',
  depsUpgrade: false,
  pullRequestTemplate: false,
  buildWorkflow: false,

  // MembraneChecks is a cdk-nag pack; consumers bring cdk-nag like aws-cdk-lib.
  peerDeps: ['cdk-nag@^3.0.2'],
  devDeps: [
    `aws-cdk@${CDK_CLI_VERSION}`,
    '@cdklabs/cdk-validator-cfnguard@0.0.62',
    '@aws/cloudformation-validate@1.9.0-beta',
    '@aws-cdk/integ-runner@2.197.10',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    'ts-jest@29.4.15',
    // Optional for consumers (MembraneMongo.atlas loads it only when called): see docs/mongodb.md.
    'awscdk-resources-mongodbatlas@4.0.0',
    'ts-node',
    // The template diff of the CDK CLI (which property changes replace a resource): `npx projen upgrade-check` and the
    // packaged membrane-upgrade-check, which loads it from the consumer's devDependencies (docs/upgrading.md).
    '@aws-cdk/cloudformation-diff@2.187.5',
  ],
  // Integ snapshots get copies of aws-cdk-lib's and integ-tests-alpha's handler code (up to 2 MB of npm code): not
  // ours to commit, and integ-runner's offline check compares templates, not asset contents.
  gitignore: ['cdk.out', '*.cdk.out', '.tmp/', 'integ/**/cdk-integ.out.*', 'integ/**/asset.*/'],
});

// Line length applies to strings, templates and comments too: no 250-character messages hiding in a string.
project.eslint?.addRules({
  '@stylistic/max-len': ['error', { code: 150, ignoreUrls: true, ignoreRegExpLiterals: true }],
});

// The consumer app is linted by nobody but its own compiler: it imports the packed library, which only exists
// inside the consumer check.
project.eslint?.addIgnorePattern('test/consumer-app/');

// `npm ci` with jest 30 needs this pin, or the lockfile misses the resolver's native bindings.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Keep task output readable and free of version-check network calls.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
project.tasks.addEnvironment('CDK_DISABLE_VERSION_CHECK', '1');

// Example app (bin/) is run by the CDK CLI through ts-node against the TypeScript source.
new JsonFile(project, 'cdk.json', {
  obj: {
    // Transpile only: the typecheck task type-checks bin/ with the tests; checking again on every synth doubled its time.
    app: 'npx ts-node --transpile-only --prefer-ts-exts --project bin/tsconfig.json bin/app.ts',
    output: 'cdk.out',
    // What `cdk init` writes for this aws-cdk-lib version, so the example behaves like a new consumer app.
    context: CURRENTLY_RECOMMENDED_FLAGS,
  },
});
for (const dir of ['bin', 'integ', 'bench', 'upgrade']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..' },
      include: ['**/*.ts'],
      exclude: ['node_modules'],
    },
  });
}
project.npmignore?.exclude('/bin/', '/integ/', '/bench/', '/upgrade/', '/cdk.json', '/cdk.out/', '/.ci/', '/docs/', '/tsconfig.typecheck.json');

// Offline integ snapshot check: re-synthesizes integ/integ.*.ts and compares with the committed snapshots.
// Integ files are type-checked by the typecheck task; ts-node only transpiles them, which is 3x faster.
const integEnv = { TS_NODE_TRANSPILE_ONLY: 'true' };
const integ = project.addTask('integ', {
  description: 'Verify integration test snapshots offline (no deployment)',
  env: integEnv,
  exec: 'integ-runner --directory integ --language typescript',
  receiveArgs: true,
});
project.addTask('integ:update', {
  env: integEnv,
  description: 'Re-synthesize integration test snapshots (no deployment); review the diff before committing',
  exec: 'integ-runner --directory integ --language typescript --update-on-failed --dry-run',
  receiveArgs: true,
});
// ts-jest compiles tests as isolated modules (no type check) and integ-runner only transpiles: check them here,
// in one program (aws-cdk-lib's types are loaded once).
new JsonFile(project, 'tsconfig.typecheck.json', {
  obj: {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '.' },
    include: ['lib/**/*.ts', 'test/**/*.ts', 'bin/**/*.ts', 'integ/**/*.ts', 'bench/**/*.ts', 'upgrade/**/*.ts'],
    exclude: ['node_modules', 'test/consumer-app'],
  },
});
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests, the example app, the integration tests and the benchmarks',
  exec: 'tsc -p tsconfig.typecheck.json',
});
project.testTask.spawn(typecheck);
// The scaling simulator replays load scenarios against the production example's synthesized policies
// (bench/scaling, model in docs/scaling-model.md); `-- --json` prints the results as JSON. The tests run it too.
// Idle monthly cost of the example stacks from their templates at their region's list prices (bench/cost.ts; `-- --region`,
// `--prices`, `--json`), and what scale-out costs in image pulls through the NAT gateways.
project.addTask('cost', {
  description: 'Idle monthly cost of the example stacks at their region\'s list prices (-- --region, --prices, --json), and scale-out image pulls',
  env: { TS_NODE_TRANSPILE_ONLY: 'true' },
  exec: 'ts-node bench/cost.ts',
  receiveArgs: true,
});
project.addTask('bench:scaling', {
  description: 'Scaling benchmark: time to decision and to capacity, actions and task-hours per service and scenario, KEDA and sensitivity',
  env: { TS_NODE_TRANSPILE_ONLY: 'true' },
  exec: 'ts-node bench/scaling/run.ts',
  receiveArgs: true,
});
project.testTask.spawn(integ);
// Packs the compiled library and runs a consumer's snapshot test twice against the installed tarball.
project.testTask.spawn(project.addTask('test:consumer', {
  description: 'Install the packed library into a fresh CDK app and check its snapshot is deterministic (needs compile)',
  exec: 'bash test/consumer-app/run.sh',
}));

// Upgrade guard (docs/upgrading.md): the example app's templates against the last release's (upgrade/baseline/), with the
// CDK CLI's template diff; fails when a stateful resource would be replaced or removed without a changelog entry.
// The baseline is written by the release, never by hand: review the release commit, not these files.
project.gitattributes.addAttributes('/upgrade/baseline/*.template.json', 'linguist-generated');
const upgradeCheck = project.addTask('upgrade-check', {
  description: 'List the resources an upgrade from the last release replaces or removes; fail on a stateful one without a changelog entry',
  env: { TS_NODE_TRANSPILE_ONLY: 'true' },
  exec: 'ts-node upgrade/check.ts',
  receiveArgs: true,
});
project.testTask.spawn(upgradeCheck);
// The same comparison for consumers, against their last deployed template: `npx membrane-upgrade-check --old ... --new ...`.
project.addBins({ 'membrane-upgrade-check': 'out/upgrade/cli.js' });
// Last step of `npx projen release`, before the tag: the release's CHANGELOG.md section (commit-and-tag-version's
// sections plus the notes under "Unreleased"), the example app's templates as the next baseline, one release commit.
const releaseCommit = project.addTask('release:commit', {
  description: 'Release step: CHANGELOG.md section, upgrade-check baseline and the chore(release) commit (run by `release`)',
  env: { TS_NODE_TRANSPILE_ONLY: 'true' },
  exec: 'ts-node upgrade/release.ts commit',
});
project.tasks.tryFind('publish:git')!.prependSpawn(releaseCommit);

project.addTask('synth:example', {
  description: 'Synthesize the example app in bin/',
  exec: 'cdk synth --no-notices --quiet',
});

project.synth();
