import {
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { normalizeEmail, type Customer } from './customer';
import type { Deadline } from './deadline';
import { CustomerIdCollision, EmailAlreadyRegistered, IdempotencyKeyExpired, IdempotencyKeyReused } from './errors';
import { IDEMPOTENCY_EXPIRY_ATTRIBUTE, IDEMPOTENCY_TTL_SECONDS, type IdempotentCreate } from './idempotency';

/** The name of each table the create writes (service/src/tables.ts says what each holds). */
export type TableNames = Record<'customers' | 'emails' | 'idempotency', string>;

/** A keyed create: its record is written with the customer, holding the response to replay. */
export interface IdempotencyRecord extends IdempotentCreate {
  response: APIGatewayProxyResult;
  /** When the request is handled, in epoch seconds: the record replays until IDEMPOTENCY_TTL_SECONDS after it. */
  nowSeconds: number;
}

/** What a read needs: the client and the request's deadline. */
export interface Reader {
  client: DynamoDBClient;
  deadline: Deadline;
}

export interface Store extends Reader {
  tables: TableNames;
}

/** What a create came to: written now, or the stored response of the key's first request. */
export type SaveOutcome = { kind: 'created' } | { kind: 'replayed'; response: APIGatewayProxyResult };

// Positions in the transaction, which is also the order of its CancellationReasons.
const CUSTOMER = 0;
const EMAIL_CLAIM = 1;
const RECORD = 2;

/**
 * One TransactWriteItems: the customer, the claim on its normalized email and (with an Idempotency-Key) the key's
 * record, all conditional, so a registered email, a used key or a colliding id cancels everything and nothing is
 * written, however many requests race. Only a cancellation costs more calls: the orphaned-claim check and repair.
 */
export function saveCustomer(store: Store, customer: Customer, record?: IdempotencyRecord): Promise<SaveOutcome> {
  return write(store, customer, record, createItems(store.tables, customer, record), 'may-repair');
}

async function write(
  store: Store,
  customer: Customer,
  record: IdempotencyRecord | undefined,
  items: TransactWriteItem[],
  mode: 'may-repair' | 'repairing',
): Promise<SaveOutcome> {
  try {
    await transactWrite(store, items);
    return { kind: 'created' };
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (!reasons) throw error;
    if (record && reasons.failed(RECORD)) {
      return { kind: 'replayed', response: replay(record, reasons.oldItem(RECORD) ?? (await readRecord(store, record))) };
    }
    // With a key the id is derived from it: taken while the record is gone means the key's 24 h are over.
    if (record && reasons.failed(CUSTOMER)) throw new IdempotencyKeyExpired();
    // A registered email is the client's conflict and wins over an id collision (the id generator repeating itself).
    if (mode === 'may-repair' && reasons.failed(EMAIL_CLAIM)) return repairOrphanedClaim(store, customer, record, reasons.oldItem(EMAIL_CLAIM));
    if (reasons.failed(CUSTOMER)) throw new CustomerIdCollision();
    // While repairing, any failed condition means the claim moved on or its customer came back: the email is taken.
    if (mode === 'repairing' && reasons.anyFailed()) throw new EmailAlreadyRegistered();
    throw error;
  }
}

function createItems(tables: TableNames, customer: Customer, record?: IdempotencyRecord): TransactWriteItem[] {
  const items: TransactWriteItem[] = [
    { Put: { TableName: tables.customers, Item: marshall(customer), ConditionExpression: 'attribute_not_exists(id)' } },
    {
      Put: {
        TableName: tables.emails,
        Item: marshall({ email: normalizeEmail(customer.email), customerId: customer.id }),
        ConditionExpression: 'attribute_not_exists(email)',
        // The claim's holder comes back with the cancellation, so checking for an orphan needs no extra read.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  ];
  if (record) {
    const { recordId, customerId, fingerprint, response, nowSeconds } = record;
    const expiresAt = nowSeconds + IDEMPOTENCY_TTL_SECONDS;
    items.push({
      Put: {
        TableName: tables.idempotency,
        Item: marshall({ id: recordId, customerId, fingerprint, response: JSON.stringify(response), [IDEMPOTENCY_EXPIRY_ATTRIBUTE]: expiresAt }),
        // A record past its expiry no longer counts, even before DynamoDB's TTL has deleted it.
        ConditionExpression: 'attribute_not_exists(id) OR #expiry < :now',
        ExpressionAttributeNames: { '#expiry': IDEMPOTENCY_EXPIRY_ATTRIBUTE },
        ExpressionAttributeValues: marshall({ ':now': nowSeconds }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
  }
  return items;
}

/** The first request's response, byte for byte, if this one carries the same body; otherwise a 422. */
function replay(record: IdempotencyRecord, stored: Record<string, unknown> | undefined): APIGatewayProxyResult {
  if (typeof stored?.response !== 'string') throw new Error('idempotency record without a response');
  if (stored.fingerprint !== record.fingerprint) throw new IdempotencyKeyReused();
  return JSON.parse(stored.response) as APIGatewayProxyResult;
}

/**
 * A claim whose customer no longer exists (deleted, or lost in a restore) must not refuse its email forever. If the
 * claimed customer is gone, the claim is taken over in a transaction that also checks, on the same snapshot, that
 * the customer is still absent and the claim still points at it; any other outcome is the ordinary 409.
 */
async function repairOrphanedClaim(
  store: Store,
  customer: Customer,
  record: IdempotencyRecord | undefined,
  claim: Record<string, unknown> | undefined,
): Promise<SaveOutcome> {
  const holder = claim?.customerId;
  if (typeof holder !== 'string' || (await customerExists(store, holder))) throw new EmailAlreadyRegistered();
  const items = createItems(store.tables, customer, record);
  const claimPut = items[EMAIL_CLAIM].Put;
  if (!claimPut) throw new Error('transaction without an email claim');
  Object.assign(claimPut, {
    ConditionExpression: 'customerId = :holder',
    ExpressionAttributeValues: marshall({ ':holder': holder }),
  });
  // When the holder is this very id (a keyed create whose customer was deleted), the customer put's own condition
  // already says it is absent; a second operation on the same item would be refused.
  if (holder !== customer.id) {
    items.push({
      ConditionCheck: { TableName: store.tables.customers, Key: marshall({ id: holder }), ConditionExpression: 'attribute_not_exists(id)' },
    });
  }
  return write(store, customer, record, items, 'repairing');
}

async function customerExists(store: Store, id: string): Promise<boolean> {
  return (await getItem(store, store.tables.customers, { id }, 'id')) !== undefined;
}

// DynamoDB returns the record with the cancellation (ALL_OLD); an emulator that does not gets it read once.
function readRecord(store: Store, record: IdempotencyRecord) {
  return getItem(store, store.tables.idempotency, { id: record.recordId });
}

/**
 * One item by its key, read strongly consistent (a read right after a write sees it), unmarshalled; undefined when
 * there is none. Within the request's deadline.
 */
export async function getItem({ client, deadline }: Reader, TableName: string, key: Record<string, string>, ProjectionExpression?: string) {
  const { Item } = await deadline.run((abortSignal) =>
    client.send(new GetItemCommand({ TableName, Key: marshall(key), ConsistentRead: true, ProjectionExpression }), { abortSignal }),
  );
  return Item ? unmarshall(Item) : undefined;
}

async function transactWrite({ client, deadline }: Store, items: TransactWriteItem[]): Promise<void> {
  // The SDK gives each send a fresh ClientRequestToken and reuses it on its retries, so DynamoDB answers a retry of
  // a transaction that landed (its response lost) with success, not failed conditions and a false 409.
  await deadline.run((abortSignal) => client.send(new TransactWriteItemsCommand({ TransactItems: items }), { abortSignal }));
}

function cancellationReasons(error: unknown) {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  return {
    failed: (index: number) => reasons[index]?.Code === 'ConditionalCheckFailed',
    anyFailed: () => reasons.some((reason) => reason.Code === 'ConditionalCheckFailed'),
    oldItem: (index: number) => {
      const item = reasons[index]?.Item;
      return item ? unmarshall(item) : undefined;
    },
  };
}
