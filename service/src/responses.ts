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

export function created(customer: Customer): APIGatewayProxyResult {
  return json(201, customer, { Location: `/customers/${customer.id}` });
}

export function failed({ status, message, errors, headers }: Failure, requestId: string): APIGatewayProxyResult {
  return json(status, { message, errors, requestId }, headers);
}
