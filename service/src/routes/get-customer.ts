// GET /customers/{id}: validate the id, read the customer (strongly consistent), answer 200 or 404.
import type { Customer } from '../customer';
import { RequestRejected } from '../errors';
import { getItem } from '../repository';
import { readPathParameters } from '../request';
import { customerBody, json } from '../responses';
import { routeHandler, type ApiHandler, type HandlerDependencies } from '../route-handler';
import { getCustomerRoute } from '../routes';

export function createHandler({ client, tables, logger }: HandlerDependencies<'customers'>): ApiHandler {
  return routeHandler(getCustomerRoute, logger, async (event, deadline) => {
    const { id } = readPathParameters(getCustomerRoute, event);
    const customer = (await getItem({ client, deadline }, tables.customers, { id })) as Customer | undefined;
    if (!customer) throw new RequestRejected(404, [{ field: 'id', rule: 'exists' }]);
    return json(200, customerBody(customer));
  });
}
