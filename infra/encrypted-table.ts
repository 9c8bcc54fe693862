import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsKey } from './kms-key';

export interface EncryptedTableProps {
  /** For the customers table, the name as read from SSM, so the function's DB_NAME and the table never disagree. */
  readonly name: string;
  /** The partition key, a string attribute; no sort key. */
  readonly hashKey: string;
  readonly key: KmsKey;
  readonly deletionProtection: boolean;
  /** A number attribute (epoch seconds) after which DynamoDB deletes the item. */
  readonly ttlAttribute?: string;
}

/** An on-demand table with point-in-time recovery, encrypted with our own KMS key. */
export class EncryptedTable extends Construct {
  readonly table: DynamodbTable;
  /** The name passed in (for the customers table, the SSM value), not the resource attribute. */
  readonly name: string;
  readonly arn: string;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EncryptedTableProps) {
    super(scope, id);
    this.name = props.name;
    this.key = props.key;
    this.table = new DynamodbTable(this, 'table', {
      name: props.name,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: props.hashKey,
      attribute: [{ name: props.hashKey, type: 'S' }],
      serverSideEncryption: { enabled: true, kmsKeyArn: props.key.arn },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection,
      ...(props.ttlAttribute && { ttl: { attributeName: props.ttlAttribute, enabled: true } }),
    });
    this.arn = this.table.arn;
  }
}
