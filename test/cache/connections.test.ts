import { CfnElement } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { vpcIn } from './support';
import { MembraneCache } from '../../lib';
import { describeCdkTest, templateOf } from '../harness';
import { testStack } from '../rule-packs';

// MembraneCache connections: who may reach the cache port.

describeCdkTest('MembraneCache connections', () => {
  test('allowDefaultPortFrom opens the cache port to the given peer only', () => {
    const stack = testStack();
    const vpc = vpcIn(stack);
    const cache = new MembraneCache(stack, 'Cache', { vpc });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
    cache.connections.allowDefaultPortFrom(client);
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 6380,
      ToPort: 6380,
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(client.node.defaultChild as CfnElement), 'GroupId'] },
    });
  });
});
