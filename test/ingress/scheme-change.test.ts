import { build, EDGE } from './support';
import { MembraneExposure } from '../../lib';
import { describeCdkTest } from '../harness';

// MembraneEcsServices exposure: what a change of scheme replaces in a live stack, and what it keeps.

describeCdkTest('MembraneEcsServices exposure: a change of scheme on a live stack', () => {
  type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const resources = (exposure?: MembraneExposure): Resources => build(exposure ? { exposure } : {}).template.toJSON().Resources;
  const ids = (r: Resources, type: string) => Object.keys(r).filter(id => r[id].Type === type).sort();
  const TARGET_GROUP = 'AWS::ElasticLoadBalancingV2::TargetGroup';
  const internetFacing = resources();
  const internal = resources(MembraneExposure.internal());
  const withEdge = resources(MembraneExposure.internalWithPublicEdge(EDGE));

  test('the internet-facing target groups keep the logical ids they always had (blue/green adds an alternate one to each)', () => {
    expect(ids(internetFacing, TARGET_GROUP)).toEqual([
      'MembraneLoadBalancerHttpsApiAlternateGroup95DFDAA3', 'MembraneLoadBalancerHttpsApiGroup1F942469',
      'MembraneLoadBalancerHttpsConsoleAlternateGroup8BC36314', 'MembraneLoadBalancerHttpsConsoleGroupBDF349FC',
      'MembraneLoadBalancerHttpsUiAlternateGroupB959881F', 'MembraneLoadBalancerHttpsUiGroup1C23AECB',
    ]);
  });

  test('the load balancer is replaced (its Scheme is create-only), and every target group of it with it', () => {
    const lb = ids(internetFacing, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb.map(id => [internetFacing[id].Properties.Scheme, internal[id]?.Properties.Scheme])).toEqual([['internet-facing', 'internal']]);
    const before = ids(internetFacing, TARGET_GROUP);
    const after = ids(internal, TARGET_GROUP);
    expect(after).toHaveLength(before.length);
    expect(after.filter(id => before.includes(id))).toEqual([]);
  });

  test('no listener rule of the new load balancer forwards to a target group the old one still uses', () => {
    for (const [from, to] of [[internetFacing, internal], [internal, internetFacing]]) {
      const forwarded = ids(to, 'AWS::ElasticLoadBalancingV2::ListenerRule')
        .flatMap(id => JSON.stringify(to[id].Properties.Actions).match(/"Ref":"[A-Za-z0-9]+"/g) ?? []).map(ref => ref.slice(7, -1));
      expect(forwarded.length).toBeGreaterThan(0);
      expect(forwarded.filter(id => from[id]?.Type === TARGET_GROUP)).toEqual([]);
    }
  });

  test('the services keep their logical ids: ECS updates their target groups in place, with a rolling deployment', () => {
    expect(ids(internal, 'AWS::ECS::Service')).toEqual(ids(internetFacing, 'AWS::ECS::Service'));
  });

  test('nothing stateful changes', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::ElastiCache::ReplicationGroup',
      'AWS::KMS::Key']) {
      expect(ids(internal, type)).toEqual(ids(internetFacing, type));
      for (const id of ids(internal, type)) expect(internal[id].Properties).toEqual(internetFacing[id].Properties);
    }
  });

  test('adding the public edge to an internal deployment keeps the main target groups (same scheme)', () => {
    const main = (r: Resources) => ids(r, TARGET_GROUP).filter(id => !id.includes('Edge'));
    expect(main(withEdge)).toEqual(main(internal));
  });
});
