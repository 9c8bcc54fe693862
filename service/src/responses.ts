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

/** At most this many errors in a response: a 10 KB body of unknown fields would otherwise list hundreds. */
export const MAX_RESPONSE_ERRORS = 10;

// Fields in a fixed order, so the body does not depend on the order the customer object (or item) was built in.
const customerBody = ({ id, firstname, lastname, email, createdAt }: Customer) => ({ id, firstname, lastname, email, createdAt });

/** `location`: where GET reads the customer, relative to the request URL (service/src/location.ts). */
export function created(customer: Customer, location: string): APIGatewayProxyResult {
  return json(201, customerBody(customer), { Location: location });
}

export function found(customer: Customer): APIGatewayProxyResult {
  return json(200, customerBody(customer));
}

/** The failure's message and rules; past MAX_RESPONSE_ERRORS, the first ones and `errorCount`, the total. */
export function failed({ status, message, errors, headers }: Failure, requestId: string): APIGatewayProxyResult {
  if (errors.length <= MAX_RESPONSE_ERRORS) return json(status, { message, errors, requestId }, headers);
  return json(status, { message, errors: errors.slice(0, MAX_RESPONSE_ERRORS), errorCount: errors.length, requestId }, headers);
}
