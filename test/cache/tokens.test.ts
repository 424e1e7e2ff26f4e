import { CfnParameter, Token } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { vpcIn } from './support';
import { MembraneCache, MembraneCacheEngine } from '../../lib';
import { annotationsOf, describeCdkTest, expectFindings, templateOf } from '../harness';
import { testStack } from '../rule-packs';

// MembraneCache accepts values known only at deploy time (CloudFormation parameters, tokens).

describeCdkTest('MembraneCache accepts tokens', () => {
  test('engine and version as tokens: the family comes from a mapping of <engine><major version>', () => {
    const stack = testStack();
    const engine = new CfnParameter(stack, 'Engine', { default: 'valkey' }).valueAsString as MembraneCacheEngine;
    const version = new CfnParameter(stack, 'EngineVersion', { default: '8.0' }).valueAsString;
    new MembraneCache(stack, 'Cache', { vpc: vpcIn(stack), engine, engineVersion: version });
    // cdk-nag cannot tell the engine's default port without the engine: the finding stays for the user to see.
    expectFindings(stack, 'AwsSolutions-AEC5');
    const template = templateOf(stack);
    const mapping = Object.values(template.findMappings('*'))[0];
    expect(mapping).toEqual({
      redis6: { family: 'redis6.x' }, redis7: { family: 'redis7' }, valkey7: { family: 'valkey7' }, valkey8: { family: 'valkey8' },
    });
    const key = { 'Fn::Join': ['', [{ Ref: 'Engine' }, { 'Fn::Select': [0, { 'Fn::Split': ['.', { Ref: 'EngineVersion' }] }] }]] };
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: { 'Fn::FindInMap': [Match.anyValue(), key, 'family'] },
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Engine: { Ref: 'Engine' }, EngineVersion: { Ref: 'EngineVersion' } });
  });

  test('a node type as a token', () => {
    const stack = testStack();
    const nodeType = new CfnParameter(stack, 'NodeType', { default: 'cache.t4g.small' }).valueAsString;
    new MembraneCache(stack, 'Cache', { vpc: vpcIn(stack), cacheNodeType: nodeType });
    templateOf(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheNodeType: { Ref: 'NodeType' } });
  });

  test('shards as a token: no memory alarm (the nodes are unknown), with a warning saying so', () => {
    const stack = testStack();
    const shards = Token.asNumber(new CfnParameter(stack, 'Shards', { type: 'Number', default: 2 }).value);
    const cache = new MembraneCache(stack, 'Cache', { vpc: vpcIn(stack), clusterMode: { shards } });
    expect(cache.alarms).toEqual([]);
    templateOf(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    annotationsOf(stack).hasWarning('/Test/Cache', Match.stringLikeRegexp('no memory alarm'));
  });
});
