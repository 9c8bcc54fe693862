// The JSON Schemas (draft-04, what API Gateway models take) of each route's request, derived from its zod schemas
// (service/src/routes.ts): the API Gateway model (infra/request-validation.ts) and the OpenAPI document
// (service/openapi.ts) both use these, so neither can drift from the handler.
import { toJSONSchema, type core } from 'zod';

export type JsonSchema = Record<string, unknown>;

interface CheckedSchema {
  _zod: { def: { checks?: { _zod: { def: { check: string } } }[] } };
}

/**
 * A request schema as a gateway may check it: never stricter than the handler. The handler trims (zod's `trim()`,
 * an overwrite) before it measures, so a name that fits only once trimmed is valid: a length limit on the untrimmed
 * value would refuse it. So a string rewritten before its checks keeps its minimum (trimming only shortens, and a
 * blank name then gets its field-level 400 from the handler) but loses its maximum, which the handler keeps. Rules
 * JSON Schema cannot state (zod refinements, the email check after the trim) stay the handler's alone. Lengths count
 * code points in API Gateway's validator, in ajv and in zod alike.
 */
export function requestSchema(schema: core.$ZodType, title?: string): JsonSchema {
  const json = toJSONSchema(schema, {
    target: 'draft-4',
    // The input side: what a client sends, before the handler's transforms.
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      const checks = (zodSchema as unknown as CheckedSchema)._zod.def.checks ?? [];
      if (checks.some((check) => check._zod.def.check === 'overwrite')) delete jsonSchema.maxLength;
    },
  }) as JsonSchema;
  return title === undefined ? json : { $schema: json.$schema, title, ...json };
}

/** A response schema, as the handler produces it (the output side). */
export function responseSchema(schema: core.$ZodType): JsonSchema {
  const json = toJSONSchema(schema, { target: 'draft-4', io: 'output' }) as JsonSchema;
  delete json.$schema;
  return json;
}
