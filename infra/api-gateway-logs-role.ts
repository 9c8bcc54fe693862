import { Construct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { policyDocument } from './policy-document';

const ASSUME_ROLE = policyDocument([
  { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
]);

/**
 * The role API Gateway writes every stage's logs through. It is a setting of the whole account and region, not
 * of one API, and destroying it resets that setting for every API there: only deploy it where nothing else
 * relies on the setting (see docs/aws.md, "Access logs").
 */
export class ApiGatewayLogsRole extends Construct {
  readonly account: ApiGatewayAccount;

  constructor(scope: Construct, id: string, props: { readonly name: string; readonly permissionsBoundary?: string }) {
    super(scope, id);
    const role = new IamRole(this, 'role', {
      name: props.name,
      assumeRolePolicy: ASSUME_ROLE,
      permissionsBoundary: props.permissionsBoundary,
    });
    // The actions of AWS's AmazonAPIGatewayPushToCloudWatchLogs, on any log group: execution logs of any API in
    // the region create their own groups, so this account-wide role cannot name them in advance.
    const policy = new IamRolePolicy(this, 'push-logs', {
      name: 'push-to-cloudwatch-logs',
      role: role.name,
      policy: policyDocument([{
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams',
          'logs:PutLogEvents', 'logs:GetLogEvents', 'logs:FilterLogEvents',
        ],
        Resource: '*',
      }]),
    });
    this.account = new ApiGatewayAccount(this, 'account', { cloudwatchRoleArn: role.arn, dependsOn: [policy] });
  }
}
