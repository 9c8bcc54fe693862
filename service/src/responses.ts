import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Customer } from './customer';
import type { Failure } from './errors';

// Responses carry personal data: keep them out of shared caches and stop content sniffing.
const COMMON_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...COMMON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

// Fields in a fixed order, so a replayed customer (read back from the idempotency store, whose maps DynamoDB does
// not keep in order) serializes to the same bytes as the first response.
export function created({ id, firstname, lastname, email, createdAt }: Customer): APIGatewayProxyResult {
  return json(201, { id, firstname, lastname, email, createdAt }, { Location: `/customers/${id}` });
}

export function failed({ status, message, errors, headers }: Failure, requestId: string): APIGatewayProxyResult {
  return json(status, { message, errors, requestId }, headers);
}
