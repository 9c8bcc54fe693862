import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import type { Customer, CustomerInput } from './customer';

/** How long a key replays its first response; DynamoDB's TTL deletes the record some time after. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** The record attribute holding that expiry in epoch seconds: the idempotency table's TTL attribute. */
export const IDEMPOTENCY_EXPIRY_ATTRIBUTE = 'expiration';

export interface CreateRequest {
  /** The Idempotency-Key header, already validated; without one the create simply runs. */
  idempotencyKey?: string;
  /** The validated (trimmed) input: a replay must carry the same, or it is refused. */
  input: CustomerInput;
}

export type CreateCustomer = (request: CreateRequest, context?: Context) => Promise<Customer>;

/**
 * Makes `create` run at most once per Idempotency-Key for 24 h, with Powertools' DynamoDB persistence layer:
 * the first request stores an INPROGRESS record (conditional put), then the customer it created; a repeat with
 * the same input gets that customer back (same id, same Location) and writes nothing. A repeat with other input
 * fails with IdempotencyValidationError, one that arrives while the first still runs with
 * IdempotencyAlreadyInProgressError (errors.ts maps both). A create that throws deletes its record, so only
 * successes are remembered and a failed request can be retried with the same key.
 */
export function makeIdempotentCreate(
  create: (input: CustomerInput) => Promise<Customer>,
  client: DynamoDBClient,
  tableName: string,
): CreateCustomer {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    expiryAttr: IDEMPOTENCY_EXPIRY_ATTRIBUTE,
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    payloadValidationJmesPath: 'input',
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    hashFunction: 'sha256',
  });
  // A Lambda context as second argument is registered by Powertools, so a record left INPROGRESS by a timed-out
  // invocation stops blocking its key once that invocation's remaining time has passed.
  const run: CreateCustomer = ({ input }) => create(input);
  return makeIdempotent(run, { persistenceStore, config, keyPrefix: 'create-customer' });
}
