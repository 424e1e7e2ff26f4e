import { Stack } from 'aws-cdk-lib';
import { exampleApp } from '../example-app';
import { acknowledgements, nagFindings, nagVerdict, rawFindings } from '../rule-packs';

// The harness judges a stack from one run of the packs without acknowledgements (the packs are the slow part of the
// tests) and matches the acknowledgements itself. That is only sound while the match is cdk-nag's: here both ways are
// compared on the production example, which acknowledges findings on resources, on parents of resources, and findings
// qualified by the resource they name (`AwsSolutions-IAM5[Resource::...]`).

describe('the one-run verdict of the rule packs', () => {
  const stack = exampleApp().production as Stack;
  const verdict = nagVerdict(stack);

  test('the example acknowledges findings on parents and qualified findings, so the comparison below means something', () => {
    const acks = acknowledgements(stack).map(a => a.slice(0, a.indexOf(': ')));
    const raw = rawFindings(stack);
    expect(acks.some(a => a.includes('['))).toBe(true);
    expect(acks.some(a => raw.some(f => f.split(' at ')[0] === a.split(' at ')[0] && f.split(' at ')[1].startsWith(`${a.split(' at ')[1]}/`))))
      .toBe(true);
  });

  test('finds what the packs find with the acknowledgements in place', () => {
    expect(verdict.findings).toEqual(nagFindings(stack));
  });

  test('finds no stale acknowledgement on the example', () => {
    expect(verdict.stale).toEqual([]);
  });
});
