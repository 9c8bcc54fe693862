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

/** Limits KMS use to requests DynamoDB makes on the caller's behalf in this region. */
export const viaDynamoDb = (region: string): Condition => ({
  StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` },
});
