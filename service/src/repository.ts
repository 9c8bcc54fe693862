import {
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { normalizeEmail, type Customer } from './customer';
import { CustomerIdCollision, EmailAlreadyRegistered } from './errors';

export interface TableNames {
  /** DA_Serverless: one item per customer, keyed by id. */
  customers: string;
  /** One claim per normalized email (key `email`, value `customerId`): the unique constraint on email. */
  emails: string;
  /** Powertools idempotency records (key `id`, TTL attribute `expiration`); used by idempotency.ts, not here. */
  idempotency: string;
}

// Positions in the transaction, which is also the order of its CancellationReasons.
const CUSTOMER = 0;
const EMAIL_CLAIM = 1;

/**
 * Writes the customer and claims its normalized email in one transaction. Both puts are conditional, so a
 * registered email (or a colliding id) cancels both and nothing is written, however many requests race.
 */
export async function putCustomer(client: DynamoDBClient, tables: TableNames, customer: Customer): Promise<void> {
  const puts = [
    { TableName: tables.customers, Item: toItem(customer), ConditionExpression: 'attribute_not_exists(id)' },
    {
      TableName: tables.emails,
      Item: toItem({ email: normalizeEmail(customer.email), customerId: customer.id }),
      ConditionExpression: 'attribute_not_exists(email)',
    },
  ];
  try {
    // The SDK gives each send a fresh ClientRequestToken and reuses it on its retries, so DynamoDB answers a retry
    // of a transaction that landed (its response lost) with success, not two failed conditions and a false 409.
    // Not our customer id: tokens are account-wide and tests reuse fixed ids. handler.faults.test.ts proves it.
    await client.send(new TransactWriteItemsCommand({ TransactItems: puts.map((Put) => ({ Put })) }));
  } catch (error) {
    throw uniqueConstraintViolation(error) ?? error;
  }
}

// A registered email is the client's conflict and wins when both conditions failed; an id collision means the id
// generator repeated itself. Any other cancellation (conflict, throttling) is left for errors.ts to classify.
function uniqueConstraintViolation(error: unknown): Error | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const failed = (index: number) => error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';
  if (failed(EMAIL_CLAIM)) return new EmailAlreadyRegistered();
  if (failed(CUSTOMER)) return new CustomerIdCollision();
  return undefined;
}

// Every attribute is a string, so marshalling by hand avoids another dependency.
function toItem(values: Record<string, string>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { S: value }]));
}
