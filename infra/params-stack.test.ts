import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { synthProfile } from './test-support/synth';

setupJest();

describe.each(['local', 'aws'])('params stack for the %s profile', (env) => {
  const s = synthProfile({ DEPLOY_ENV: env });

  it('publishes the table name DA_Serverless as a plain String parameter', () => {
    expect(s.params).toHaveResourceWithProperties(SsmParameter, {
      name: `/customers-api/${env}/db-name`,
      type: 'String',
      value: 'DA_Serverless',
    });
  });

  it('holds nothing else, so it can be applied before the api stack exists', () => {
    expect(Object.keys(s.paramsJson.resource)).toEqual(['aws_ssm_parameter']);
    expect(Object.keys(s.paramsJson.resource.aws_ssm_parameter)).toHaveLength(1);
    expect(s.paramsJson).not.toHaveProperty('data');
    expect(s.paramsJson).not.toHaveProperty('output');
  });
});
