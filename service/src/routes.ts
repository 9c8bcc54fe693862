// The one declaration of the API: every route's method, path, handler, tables (with the exact DynamoDB actions it
// may call and the variable that names each table) and request schemas. Pure TypeScript: infra/ builds the gateway
// resources, methods, models, functions, roles and deployment trigger from it; service/build.ts bundles one function
// per route; service/src/router.ts answers 404 and 405 from it; service/openapi.ts documents it.
// Adding a route: docs/adding-a-route.md.
import { strictObject, uuid, type core } from 'zod/mini';
import { customerInputSchema, customerSchema } from './customer';
import type { TableName } from './tables';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type { TableName } from './tables';

/** What a route may do with one table, and the environment variable its function reads the table's name from. */
export interface TableUse {
  readonly variable: string;
  readonly actions: readonly `dynamodb:${string}`[];
}

export interface DocumentedResponse {
  readonly description: string;
  /** The body's schema and its name in the OpenAPI document; without one, the error body (responses.ts `failed`). */
  readonly body?: { readonly name: string; readonly schema: core.$ZodType };
  /** Response headers it sets, with what each means. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A route; `T` names its tables, so its handler is typed with exactly those (a bare `Route` is any route). */
export interface Route<T extends TableName = never> {
  /** Names the function (`<namePrefix>-<name>`), its role and its bundle: lowercase letters and dashes. */
  readonly name: string;
  readonly method: HttpMethod;
  /** API Gateway resource path; `{name}` segments are path parameters. */
  readonly path: string;
  /** Repository path of the module exporting `createHandler(dependencies)`. */
  readonly handler: string;
  readonly summary: string;
  /** Callers must send the API key (`x-api-key`); API Gateway answers 403 without it. */
  readonly apiKeyRequired: boolean;
  readonly tables: Readonly<Partial<Record<TableName, TableUse>> & Record<T, TableUse>>;
  readonly request: {
    /** A JSON body, validated by the gateway (a model derived from the schema) and by the handler. */
    readonly body?: { readonly model: string; readonly schema: core.$ZodType };
    /** Every path parameter of `path`, validated by the handler (the gateway can only require them). */
    readonly pathParameters?: core.$ZodObject;
    /** The route reads the optional Idempotency-Key header. */
    readonly idempotencyKey?: boolean;
  };
  /** The route's own statuses; service/openapi.ts adds those every route shares (400, 403, 429, 500, 503). */
  readonly responses: Readonly<Record<number, DocumentedResponse>>;
}

/** Keeps each route's table names as a type, so its handler gets exactly those tables. */
const route = <const T extends TableName>(declaration: Route<T>): Route<T> => declaration;

export const createCustomerRoute = route({
  name: 'create-customer',
  method: 'POST',
  path: '/customers',
  handler: 'service/src/routes/create-customer.ts',
  summary: 'Create a customer',
  apiKeyRequired: true,
  tables: {
    // One TransactWriteItems puts the customer, its email claim and (with an Idempotency-Key) the key's record; on a
    // claim conflict it reads whether the claimed customer exists and, repairing an orphaned claim, checks in the
    // transaction that it is still absent (service/src/repository.ts).
    customers: { variable: 'DB_NAME', actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:ConditionCheckItem'] },
    emails: { variable: 'EMAILS_TABLE_NAME', actions: ['dynamodb:PutItem'] },
    // GetItem only when a cancellation does not return the record (ALL_OLD).
    idempotency: { variable: 'IDEMPOTENCY_TABLE_NAME', actions: ['dynamodb:PutItem', 'dynamodb:GetItem'] },
  },
  request: { body: { model: 'CustomerInput', schema: customerInputSchema }, idempotencyKey: true },
  responses: {
    201: {
      description: 'Created: the customer as stored',
      body: { name: 'Customer', schema: customerSchema },
      headers: { Location: 'The customer\'s URL, relative to the request URL (RFC 9110 §10.2.2): GET it to read the customer' },
    },
    409: { description: 'A customer with this email (compared trimmed and lowercased) already exists' },
    413: { description: 'The body is over 10 KB' },
    415: { description: 'The body is not JSON (Content-Type)' },
    422: { description: 'The Idempotency-Key was used with another body, or more than 24 hours ago' },
  },
});

export const getCustomerRoute = route({
  name: 'get-customer',
  method: 'GET',
  path: '/customers/{id}',
  handler: 'service/src/routes/get-customer.ts',
  summary: 'Read a customer',
  apiKeyRequired: true,
  tables: { customers: { variable: 'DB_NAME', actions: ['dynamodb:GetItem'] } },
  // An id as this API generates them (a UUID: version 4, or 5 from an Idempotency-Key), checked before DynamoDB is
  // asked, so a 2 KB id is a 400 naming `id`, never a DynamoDB error.
  request: { pathParameters: strictObject({ id: uuid() }) },
  responses: {
    200: { description: 'The customer as stored (the same fields, in the same order, as the 201)', body: { name: 'Customer', schema: customerSchema } },
    404: { description: 'No customer has this id' },
  },
});

export const ROUTES: readonly Route[] = [createCustomerRoute, getCustomerRoute];

/** Each table a route declares, with its use. */
export const tableUses = (route: Route): [TableName, TableUse][] =>
  (Object.entries(route.tables) as [TableName, TableUse | undefined][]).filter((entry): entry is [TableName, TableUse] => entry[1] !== undefined);
