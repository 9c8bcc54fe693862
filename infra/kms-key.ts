import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey as KmsKeyResource } from '@cdktf/provider-aws/lib/kms-key';
import { dynamoDbKmsActions, PolicyStatement, policyDocument, viaDynamoDb } from './policy-document';

export interface KmsKeyProps {
  readonly alias: string;
  readonly region: string;
  readonly description: string;
  /** 7 to 30 days between destroy and the key's deletion. */
  readonly deletionWindowInDays: number;
  readonly rotation: boolean;
}

/** What CloudWatch Logs needs to encrypt and read back a log group's events with a customer managed key. */
const LOGS_KMS_ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'];

/**
 * What the services that hold our data do with the key on the deployer's behalf, as AWS documents it:
 * - "How Amazon DynamoDB uses AWS KMS" (https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html):
 *   DynamoDB uses grants on a customer managed key, created on behalf of the principal that creates the table, so
 *   that principal needs kms:CreateGrant plus kms:DescribeKey and the data-key actions, through kms:ViaService;
 * - "AWS KMS encryption for Parameter Store SecureString parameters"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html): a standard SecureString
 *   value is encrypted under the key with kms:Encrypt when it is written, and whoever reads it back decrypted
 *   (here the provider refreshing the parameter) needs kms:Decrypt;
 * - "Encrypt log data in CloudWatch Logs using AWS KMS"
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html): CloudWatch Logs makes KMS
 *   calls on the caller's behalf through kms:ViaService, to be allowed for roles that call it, in the key policy or
 *   in IAM.
 * This is the "key users" part of AWS's default key policy, narrowed to those three services in this region.
 */
export const DEPLOYER_KMS_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
/**
 * What the deployer does to the key itself, granted here by name rather than in its IAM policy by tag: a tag can be
 * put on any key (tagging on create cannot be told apart from tagging another team's untagged key), a key policy
 * only on a key whose policy already names the deployer (infra/deployer-policy.json grants no key administration).
 */
export const DEPLOYER_KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:EnableKeyRotation',
  'kms:DisableKeyRotation', 'kms:ListResourceTags', 'kms:TagResource', 'kms:UntagResource', 'kms:UpdateKeyDescription',
  'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias',
];
export const deployerServices = (region: string): string[] =>
  ['dynamodb', 'ssm', 'logs'].map((service) => `${service}.${region}.amazonaws.com`);

/**
 * Customer managed key, with a policy shaped like AWS's default policy for a key with key users:
 * - the account root, i.e. delegation to IAM. Kept (not narrowed): it is what keeps the key manageable if the
 *   deployer's role is deleted or renamed (an administrator's IAM policy still reaches it);
 * - the deployer (the IAM role or user behind the caller identity): administration of this key (by name, see
 *   DEPLOYER_KEY_ADMIN_ACTIONS), use of the key, and grants for AWS resources, both only through DynamoDB, SSM and
 *   CloudWatch Logs in this region;
 * - the roles that may use it, and only through DynamoDB; roles get their own IAM statements separately (see
 *   NodejsFunction.useTable), which keeps key -> role -> role policy -> key free of a dependency cycle;
 * - CloudWatch Logs, only for the log groups named here.
 */
export class KmsKey extends Construct {
  readonly key: KmsKeyResource;
  readonly arn: string;
  readonly region: string;
  private readonly adminStatement: PolicyStatement;
  /** The roles that use the key through DynamoDB, and whether each writes (or only reads). */
  private readonly dynamoDbUsers = new Map<IamRole, boolean>();
  private readonly logGroupArns: string[] = [];
  private readonly alarmTopicArns: string[] = [];
  private readonly deployerStatements: PolicyStatement[];
  /** The deploying account and partition, as the key's policy names them. */
  readonly accountId: string;
  readonly partition: string;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    this.region = props.region;
    const caller = new DataAwsCallerIdentity(this, 'account');
    this.accountId = caller.accountId;
    this.partition = new DataAwsPartition(this, 'partition').partition;
    // An assumed role's caller ARN is its session (arn:...:sts::...:assumed-role/...), which a key policy cannot
    // name; the session context gives the role's own ARN (a user's ARN passes through unchanged).
    const deployer = new DataAwsIamSessionContext(this, 'deployer', { arn: caller.arn }).issuerArn;
    const viaServices = { 'kms:ViaService': deployerServices(props.region) };
    this.deployerStatements = [
      {
        Sid: 'DeployerAdministersKey',
        Effect: 'Allow',
        Principal: { AWS: deployer },
        Action: DEPLOYER_KEY_ADMIN_ACTIONS,
        Resource: '*',
      },
      {
        Sid: 'DeployerUsesKeyThroughServices',
        Effect: 'Allow',
        Principal: { AWS: deployer },
        Action: DEPLOYER_KMS_ACTIONS,
        Resource: '*',
        Condition: { StringEquals: viaServices },
      },
      {
        Sid: 'DeployerLetsServicesCreateGrants',
        Effect: 'Allow',
        Principal: { AWS: deployer },
        Action: ['kms:CreateGrant'],
        Resource: '*',
        // Only grants an AWS service creates for its own resource (DynamoDB's for the tables), never one the
        // deployer could hand to an arbitrary principal.
        Condition: { StringEquals: viaServices, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
    ];
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
      enableKeyRotation: props.rotation,
      deletionWindowInDays: props.deletionWindowInDays,
      policy: this.renderPolicy(),
    });
    this.arn = this.key.arn;
    new KmsAlias(this, 'alias', { name: props.alias, targetKeyId: this.key.keyId });
  }

  /**
   * Lets `role` use the key, but only for requests DynamoDB makes on its behalf: to decrypt, and to encrypt and make
   * data keys too when it `writes` (a role that writes once stays a writer).
   */
  allowUseViaDynamoDb(role: IamRole, writes = true): void {
    this.dynamoDbUsers.set(role, (this.dynamoDbUsers.get(role) ?? false) || writes);
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

  /**
   * Lets CloudWatch alarms publish to the SNS topic `name`, which is encrypted with the key: SNS encrypts each
   * message under the key on the publisher's behalf, so the publisher (CloudWatch) needs kms:GenerateDataKey* and
   * kms:Decrypt ("Configure AWS KMS permissions for AWS services", Amazon SNS developer guide). Only for that topic:
   * SNS sets its ARN as the encryption context.
   */
  allowCloudWatchAlarms(topicName: string): string {
    const arn = `arn:${this.partition}:sns:${this.region}:${this.accountId}:${topicName}`;
    if (!this.alarmTopicArns.includes(arn)) {
      this.alarmTopicArns.push(arn);
      this.key.policy = this.renderPolicy();
    }
    return arn;
  }

  private renderPolicy(): string {
    const usersThat = (writes: boolean): PolicyStatement[] => {
      const roles = [...this.dynamoDbUsers].filter(([, writer]) => writer === writes).map(([role]) => role.arn);
      return roles.length === 0 ? [] : [{
        Sid: writes ? 'RolesUseKeyThroughDynamoDb' : 'RolesReadThroughDynamoDb',
        Effect: 'Allow',
        Principal: { AWS: roles },
        Action: dynamoDbKmsActions(writes),
        Resource: '*', // in a key policy, "*" means this key
        Condition: viaDynamoDb(this.region),
      }];
    };
    const users = [...usersThat(true), ...usersThat(false)];
    const logs: PolicyStatement[] = this.logGroupArns.length === 0 ? [] : [{
      Sid: 'CloudWatchLogsEncryptsOwnLogGroups',
      Effect: 'Allow',
      Principal: { Service: `logs.${this.region}.amazonaws.com` },
      Action: LOGS_KMS_ACTIONS,
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': [...this.logGroupArns] } },
    }];
    const alarms: PolicyStatement[] = this.alarmTopicArns.length === 0 ? [] : [{
      Sid: 'CloudWatchAlarmsPublishToOwnTopic',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': [...this.alarmTopicArns] } },
    }];
    return policyDocument([this.adminStatement, ...this.deployerStatements, ...users, ...logs, ...alarms]);
  }
}
