// IAM/KMS policy JSON built from plain objects. Tokens (ARNs of resources not yet created) survive
// JSON.stringify as placeholders that cdktf turns into `${...}` references at synth.

export type Condition = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow';
  readonly Principal?: Readonly<Record<string, string | readonly string[]>>;
  readonly Action: readonly string[] | string;
  readonly Resource?: readonly string[] | string;
  readonly Condition?: Condition;
}

export const policyDocument = (statements: readonly PolicyStatement[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** KMS calls a DynamoDB client needs when its table is encrypted with a customer managed key. */
export const DYNAMODB_KMS_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

/** What a client that only reads needs of the key (what AWS CDK's Table.grantReadData grants on the table's key). */
export const DYNAMODB_KMS_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];

// DynamoDB actions that write nothing: the key is only decrypted for them.
const READ_ONLY_DYNAMODB_ACTIONS = new Set([
  'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable',
]);

/** Whether `actions` (on a table) include one that writes, and so needs the key's encrypt and data-key actions too. */
export const writesWith = (actions: readonly string[]): boolean => actions.some((action) => !READ_ONLY_DYNAMODB_ACTIONS.has(action));

/** The key actions DynamoDB needs for a caller that writes, or only reads. */
export const dynamoDbKmsActions = (writes: boolean): string[] => (writes ? DYNAMODB_KMS_ACTIONS : DYNAMODB_KMS_READ_ACTIONS);

/** Limits KMS use to requests DynamoDB makes on the caller's behalf in this region. */
export const viaDynamoDb = (region: string): Condition => ({
  StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` },
});
