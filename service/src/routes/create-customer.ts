// POST /customers: validate the body (and the optional Idempotency-Key), write the customer once, answer 201 with
// where to read it.
import { buildCustomer, validateCustomer } from '../customer';
import { idempotentCreate } from '../idempotency';
import { relativeReference } from '../location';
import { saveCustomer, type IdempotencyRecord } from '../repository';
import { readIdempotencyKey, readJsonObject } from '../request';
import { created } from '../responses';
import { routeHandler, type ApiHandler, type HandlerDependencies } from '../route-handler';
import { itemReadRoute } from '../router';
import { createCustomerRoute } from '../routes';

// Where a created customer is read: the list's GET /customers/{id}, if it declares one.
const readRoute = itemReadRoute(createCustomerRoute);

export function createHandler({ client, tables, logger, newId, now }: HandlerDependencies<'customers' | 'emails' | 'idempotency'>): ApiHandler {
  return routeHandler(createCustomerRoute, logger, async (event, deadline) => {
    const body = readJsonObject(event);
    const idempotencyKey = readIdempotencyKey(event);
    const input = validateCustomer(body);
    const startedAt = now();
    // With a key the id is derived from it, so the response (and the record that replays it) is known up front.
    const keyed = idempotencyKey === undefined ? undefined : idempotentCreate(event.requestContext?.identity?.apiKeyId ?? undefined, idempotencyKey, input);
    const customer = buildCustomer(input, keyed?.customerId ?? newId(), startedAt);
    const requested = event.path?.endsWith('/') ? `${createCustomerRoute.path}/` : createCustomerRoute.path;
    const location = readRoute && relativeReference(requested, readRoute.path.replace(/\{\w+\}/, customer.id));
    const response = created(customer, location);
    const record: IdempotencyRecord | undefined = keyed && { ...keyed, response, nowSeconds: Math.floor(startedAt.getTime() / 1000) };
    const outcome = await saveCustomer({ client, tables, deadline }, customer, record);
    return outcome.kind === 'replayed' ? outcome.response : response;
  });
}
