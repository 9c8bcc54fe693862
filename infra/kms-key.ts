import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey as KmsKeyResource } from '@cdktf/provider-aws/lib/kms-key';
import { DYNAMODB_KMS_ACTIONS, PolicyStatement, policyDocument, viaDynamoDb } from './policy-document';

export interface KmsKeyProps {
  readonly alias: string;
  readonly region: string;
  readonly description: string;
}

/** What CloudWatch Logs needs to encrypt and read back a log group's events with a customer managed key. */
const LOGS_KMS_ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'];

/**
 * Customer managed key. The key policy names the roles that may use it, and only through DynamoDB;
 * roles get their own IAM statements separately (see NodejsFunction.useTable), which is what keeps
 * key -> role -> role policy -> key free of a dependency cycle. CloudWatch Logs may use it only for
 * the log groups named here.
 */
export class KmsKey extends Construct {
  readonly key: KmsKeyResource;
  readonly arn: string;
  readonly region: string;
  private readonly adminStatement: PolicyStatement;
  private readonly dynamoDbUsers: IamRole[] = [];
  private readonly logGroupArns: string[] = [];
  private readonly accountId: string;
  private readonly partition: string;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    this.region = props.region;
    this.accountId = new DataAwsCallerIdentity(this, 'account').accountId;
    this.partition = new DataAwsPartition(this, 'partition').partition;
    // Delegates to IAM in this account (the AWS default key policy); without it the key is unmanageable.
    this.adminStatement = {
      Sid: 'AccountAdministers',
      Effect: 'Allow',
      Principal: { AWS: `arn:${this.partition}:iam::${this.accountId}:root` },
      Action: 'kms:*',
      Resource: '*',
    };
    this.key = new KmsKeyResource(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      policy: this.renderPolicy(),
    });
    this.arn = this.key.arn;
    new KmsAlias(this, 'alias', { name: props.alias, targetKeyId: this.key.keyId });
  }

  /** Lets `role` use the key, but only for requests DynamoDB makes on its behalf. */
  allowUseViaDynamoDb(role: IamRole): void {
    if (this.dynamoDbUsers.includes(role)) return;
    this.dynamoDbUsers.push(role);
    this.key.policy = this.renderPolicy();
  }

  /**
   * Lets CloudWatch Logs in this region encrypt the log group `name` with the key. The ARN is built from the
   * name, not read from the group, because the group needs the key (and its policy) first.
   */
  allowCloudWatchLogs(name: string): void {
    const arn = `arn:${this.partition}:logs:${this.region}:${this.accountId}:log-group:${name}`;
    if (this.logGroupArns.includes(arn)) return;
    this.logGroupArns.push(arn);
    this.key.policy = this.renderPolicy();
  }

  private renderPolicy(): string {
    const users: PolicyStatement[] = this.dynamoDbUsers.length === 0 ? [] : [{
      Sid: 'RolesUseKeyThroughDynamoDb',
      Effect: 'Allow',
      Principal: { AWS: this.dynamoDbUsers.map((role) => role.arn) },
      Action: DYNAMODB_KMS_ACTIONS,
      Resource: '*', // in a key policy, "*" means this key
      Condition: viaDynamoDb(this.region),
    }];
    const logs: PolicyStatement[] = this.logGroupArns.length === 0 ? [] : [{
      Sid: 'CloudWatchLogsEncryptsOwnLogGroups',
      Effect: 'Allow',
      Principal: { Service: `logs.${this.region}.amazonaws.com` },
      Action: LOGS_KMS_ACTIONS,
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': [...this.logGroupArns] } },
    }];
    return policyDocument([this.adminStatement, ...users, ...logs]);
  }
}
