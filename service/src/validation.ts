import { safeParse, type core } from 'zod/mini';
import { RequestRejected, type FieldError } from './errors';

/** `value` parsed by `schema`, or a 400 naming every field and the rule it broke. */
export function validate<T extends core.$ZodType>(schema: T, value: unknown): core.output<T> {
  const result = safeParse(schema, value);
  if (result.success) return result.data;
  throw new RequestRejected(400, result.error.issues.flatMap((issue) => toFieldErrors(issue, value)));
}

function toFieldErrors(issue: core.$ZodIssue, value: unknown): FieldError[] {
  const field = issue.path.join('.');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ field: key, rule: 'unknown_field' }));
    case 'invalid_type':
      return [{ field, rule: isMissing(value, field) ? 'required' : 'type' }];
    case 'too_small':
      return [{ field, rule: 'min_length' }];
    case 'too_big':
      return [{ field, rule: 'max_length' }];
    case 'invalid_format':
      return [{ field, rule: issue.format }];
    case 'custom':
      return [{ field, rule: String(issue.params?.rule ?? 'invalid') }];
    default:
      return [{ field, rule: 'invalid' }];
  }
}

function isMissing(value: unknown, field: string): boolean {
  return typeof value !== 'object' || value === null || !Object.hasOwn(value, field);
}
