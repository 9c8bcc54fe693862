import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Customer } from './customer';
import type { Failure } from './errors';

// Responses carry personal data: keep them out of shared caches and stop content sniffing.
const COMMON_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** A JSON response with the headers every response carries. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...COMMON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** At most this many errors in a response: a 10 KB body of unknown fields would otherwise list hundreds. */
export const MAX_RESPONSE_ERRORS = 10;

/** A customer as every route returns it: its fields in a fixed order, whatever order the object or item had. */
export const customerBody = ({ id, firstname, lastname, email, createdAt }: Customer) => ({ id, firstname, lastname, email, createdAt });

/** `location`: where GET reads the customer, relative to the request URL (service/src/location.ts), if a route does. */
export function created(customer: Customer, location?: string): APIGatewayProxyResult {
  return json(201, customerBody(customer), location === undefined ? {} : { Location: location });
}


/** The failure's message and rules; past MAX_RESPONSE_ERRORS, the first ones and `errorCount`, the total. */
export function failed({ status, message, errors, headers }: Failure, requestId: string): APIGatewayProxyResult {
  if (errors.length <= MAX_RESPONSE_ERRORS) return json(status, { message, errors, requestId }, headers);
  return json(status, { message, errors: errors.slice(0, MAX_RESPONSE_ERRORS), errorCount: errors.length, requestId }, headers);
}
