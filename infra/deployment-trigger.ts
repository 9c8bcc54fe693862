import { createHash } from 'node:crypto';
import { IConstruct } from 'constructs';
import { Lazy, TerraformElement } from 'cdktf';
import { requestSchema } from '../service/request-schemas';
import { tableUses, type Route } from '../service/src/routes';

// `${a.b.c}` references inside a synthesized value (no nested braces: what resource arguments hold).
const REFERENCE = /\$\{([^{}]+)\}/g;

/**
 * The redeployment trigger of an API Gateway deployment, derived from `elements` as they are synthesized: the
 * SHA-256 of their Terraform JSON (every argument, literal or reference, of every resource, method, integration,
 * model, validator and permission) and of the route declarations they come from (a new handler entry redeploys
 * too), plus the values, at apply time, of every reference in that JSON (a replaced resource's new id, a function's
 * new ARN). Anything that changes either starts a new deployment, so no change can be left out the way an entry
 * forgotten in a hand-kept list is. Resolved at synth, after every construct is complete.
 */
export function deploymentTrigger(elements: readonly IConstruct[], routes: readonly Route[]): string {
  return Lazy.stringValue({
    produce: (context) => {
      const synthesized = JSON.stringify(context.resolve(elements.map((element) => (element as TerraformElement).toTerraform())));
      const digest = createHash('sha256').update(synthesized).update(JSON.stringify(routes.map(declaration))).digest('hex');
      const references = [...new Set([...synthesized.matchAll(REFERENCE)].map((match) => match[1]))].sort();
      return `\${sha1(jsonencode([${[JSON.stringify(digest), ...references].join(', ')}]))}`;
    },
  });
}

/** What a route declares, as plain JSON (its zod schemas as the JSON Schemas the gateway and OpenAPI get). */
function declaration(route: Route): unknown {
  const { body, pathParameters, idempotencyKey } = route.request;
  return {
    ...route,
    tables: tableUses(route),
    request: {
      body: body && { model: body.model, schema: requestSchema(body.schema) },
      pathParameters: pathParameters && requestSchema(pathParameters),
      idempotencyKey,
    },
    responses: Object.keys(route.responses),
  };
}
