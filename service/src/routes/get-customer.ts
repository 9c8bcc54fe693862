// GET /customers/{id}: validate the id, read the customer (strongly consistent), answer 200 or 404.
import { customerIdSchema } from '../customer';
import { RequestRejected } from '../errors';
import { readCustomer } from '../repository';
import { found } from '../responses';
import { routeHandler, type ApiHandler, type HandlerDependencies } from '../route-handler';
import { getCustomerRoute } from '../routes';
import { validate } from '../validation';

export function createHandler({ client, tables, logger }: HandlerDependencies<'customers'>): ApiHandler {
  return routeHandler(getCustomerRoute, logger, async (event, deadline) => {
    const { id } = validate(customerIdSchema, event.pathParameters ?? {});
    const customer = await readCustomer({ client, deadline }, tables.customers, id);
    if (!customer) throw new RequestRejected(404, [{ field: 'id', rule: 'exists' }]);
    return found(customer);
  });
}
