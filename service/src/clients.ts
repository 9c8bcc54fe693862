import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface HttpTimeouts {
  connectionTimeout: number;
  requestTimeout: number;
}

// Worst case per put: 3 attempts x (1 s connect + 3 s response) plus backoff, well inside API Gateway's 29 s.
export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectionTimeout: 1_000, requestTimeout: 3_000 };
export const DYNAMODB_MAX_ATTEMPTS = 3;

/**
 * The endpoint is left to the SDK so the standard AWS_ENDPOINT_URL(_DYNAMODB) variables select an emulator.
 * Call once per container (module scope of the entry point) so connections are reused across invocations.
 */
export function createDynamoDbClient(timeouts: HttpTimeouts = DEFAULT_TIMEOUTS): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: DYNAMODB_MAX_ATTEMPTS,
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes and keeps waiting.
    requestHandler: { ...timeouts, throwOnRequestTimeout: true },
  });
}
