import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsKey } from './kms-key';

export interface CustomersTableProps {
  /** Table name as read from SSM, so the function's DB_NAME and the table can never disagree. */
  readonly name: string;
  readonly key: KmsKey;
  readonly deletionProtection: boolean;
}

export class CustomersTable extends Construct {
  readonly table: DynamodbTable;
  /** The name passed in (the SSM value), not the resource attribute. */
  readonly name: string;
  readonly arn: string;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: CustomersTableProps) {
    super(scope, id);
    this.name = props.name;
    this.key = props.key;
    this.table = new DynamodbTable(this, 'table', {
      name: props.name,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'id',
      attribute: [{ name: 'id', type: 'S' }],
      serverSideEncryption: { enabled: true, kmsKeyArn: props.key.arn },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection,
    });
    this.arn = this.table.arn;
  }
}
