// Runs in every jest worker before the tests (jest `setupFiles`). Test apps skip what only a human debugging a
// synthesis reads: the creation stack trace aws-cdk-lib records for every resource and annotation, which jest maps
// through its source maps (about an eighth of the time of the heaviest suites). Templates do not carry them; the
// example app's context check ignores aws-cdk-lib's own `aws:cdk:*` keys.
const context: Record<string, unknown> = JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}');
process.env.CDK_CONTEXT_JSON = JSON.stringify({ ...context, 'aws:cdk:disable-creation-stack-traces': true });
process.env.CDK_DISABLE_STACK_TRACE = '1';
