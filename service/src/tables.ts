// The stack's tables, declared once: infra/api-stack.ts creates each (on demand, PITR, the stack's KMS key, named
// DA_Serverless + suffix, DA_Serverless being the db-name parameter's value), routes name them in `tables`
// (service/src/routes.ts), and the tests create the same ones on MiniStack (service/test-support/dynamodb.ts).
export interface TableDeclaration {
  /** Appended to the DB_NAME read from SSM: '' for DA_Serverless itself. */
  readonly suffix: string;
  /** The partition key, a string attribute; no sort key. */
  readonly hashKey: string;
  /** A number attribute (epoch seconds) after which DynamoDB deletes the item. */
  readonly ttlAttribute?: string;
}

export const TABLES = {
  /** DA_Serverless: one item per customer, keyed by id. */
  customers: { suffix: '', hashKey: 'id' },
  /**
   * The unique constraint on email: one claim per normalized email (`customerId` the holder), written in the same
   * transaction as the customer, in a table of its own so DA_Serverless holds customers only.
   */
  emails: { suffix: '_emails', hashKey: 'email' },
  /** Idempotency-Key records, written in the create's transaction and expired by DynamoDB TTL after 24 h. */
  idempotency: { suffix: '_idempotency', hashKey: 'id', ttlAttribute: 'expiration' },
} as const satisfies Record<string, TableDeclaration>;

export type TableName = keyof typeof TABLES;

export const TABLE_NAMES = Object.keys(TABLES) as TableName[];
