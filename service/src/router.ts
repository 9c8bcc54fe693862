// Routing from the route list (routes.ts) alone: which route an event is for, 404 for a resource no route declares,
// 405 with the `Allow` the list gives for one it declares under other methods. Each function uses it as a guard
// (API Gateway should only ever send it its own route); a local process serving every route dispatches with it.
import { RequestRejected } from './errors';
import { ROUTES, type HttpMethod, type Route } from './routes';

/** The methods the list declares on `path`, sorted: the `Allow` header of a 405 there. */
export function allowedMethods(path: string, routes: readonly Route[] = ROUTES): HttpMethod[] {
  return routes.filter((route) => route.path === path).map((route) => route.method).sort();
}

/**
 * The route declared for `method` on the resource template `resource` (what API Gateway puts in `event.resource`,
 * e.g. `/customers/{id}`: behind a custom domain's base path mapping `event.path` carries the base path too).
 */
export function resolveRoute(method: string, resource: string, routes: readonly Route[] = ROUTES): Route {
  const allowed = allowedMethods(resource, routes);
  if (allowed.length === 0) throw new RequestRejected(404, [{ field: 'path', rule: 'route' }]);
  const found = routes.find((route) => route.path === resource && route.method === method);
  if (!found) throw new RequestRejected(405, [{ field: 'method', rule: 'allowed_methods' }], { Allow: allowed.join(', ') });
  return found;
}

/** A function's guard: the event must be for `route`; another route's resource is as unknown to it as any. */
export function guardRoute(route: Route, event: { httpMethod: string; resource: string }, routes: readonly Route[] = ROUTES): void {
  if (resolveRoute(event.httpMethod, event.resource, routes) !== route) {
    throw new RequestRejected(404, [{ field: 'path', rule: 'route' }]);
  }
}

/**
 * The route that reads one item of `route`'s collection: GET on `route.path` + `/{parameter}` (GET /customers/{id}
 * for POST /customers), whose URL a 201's Location gives. Undefined when the list declares none.
 */
export function itemReadRoute(route: Route, routes: readonly Route[] = ROUTES): Route | undefined {
  const prefix = `${route.path}/`;
  return routes.find(({ method, path }) => method === 'GET' && path.startsWith(prefix) && /^\{\w+\}$/.test(path.slice(prefix.length)));
}

export interface MatchedRequest {
  route: Route;
  /** The resource template the path matched, for `event.resource`. */
  resource: string;
  pathParameters: Record<string, string> | null;
}

/**
 * A concrete path (`/customers/3f2c...`, no stage) matched against the declared templates, as API Gateway does: a
 * literal segment wins over a `{parameter}`. For a local process that receives raw requests rather than events.
 */
export function matchRequest(method: string, path: string, routes: readonly Route[] = ROUTES): MatchedRequest {
  const segments = splitPath(path);
  const candidates = [...new Set(routes.map((route) => route.path))]
    .map((template) => ({ template, parameters: matchTemplate(splitPath(template), segments) }))
    .filter((candidate): candidate is { template: string; parameters: Record<string, string> } => candidate.parameters !== undefined)
    .sort((a, b) => Object.keys(a.parameters).length - Object.keys(b.parameters).length);
  const best = candidates[0];
  if (!best) throw new RequestRejected(404, [{ field: 'path', rule: 'route' }]);
  const route = resolveRoute(method, best.template, routes);
  return { route, resource: best.template, pathParameters: Object.keys(best.parameters).length > 0 ? best.parameters : null };
}

const splitPath = (path: string): string[] => path.split('/').filter(Boolean);

function matchTemplate(template: string[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const parameter = /^\{(\w+)\}$/.exec(part)?.[1];
    if (parameter) parameters[parameter] = decodeSegment(segments[index]);
    else if (part !== segments[index]) return undefined;
  }
  return parameters;
}

// API Gateway hands path parameters over decoded; a malformed escape stays as sent (and fails validation).
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
