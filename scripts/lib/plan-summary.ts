// What a saved OpenTofu plan does, resource by resource, from `tofu show -json <plan>`. Only addresses and actions
// are read: the JSON also holds every planned value, secrets included, so it is never printed or written.

export type Action = 'create' | 'update' | 'delete' | 'replace' | 'read' | 'no-op';

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly action: Action;
}

export interface PlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly replace: number;
}

interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: readonly string[]; readonly before?: unknown; readonly after?: unknown };
}

interface PlanJson {
  readonly resource_changes?: readonly ResourceChange[];
  readonly resource_drift?: readonly ResourceChange[];
}

const isEmpty = (value: unknown): boolean => value === null || value === undefined
  || (Array.isArray(value) && value.length === 0)
  || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);

/** Equal, counting unset, [] and {} as one: the provider reads an unset tag map back as {}, which is no drift. */
export function equivalent(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equivalent(item, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
    return [...new Set([...Object.keys(x), ...Object.keys(y)])].every((key) => equivalent(x[key], y[key]));
  }
  return a === b;
}

/** Resource types whose destruction loses data or makes data unreadable: flagged in the summary. */
export const HOLDS_DATA = new Set(['aws_dynamodb_table', 'aws_kms_key', 'aws_ssm_parameter']);

function actionOf(actions: readonly string[]): Action {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  const [first] = actions;
  return (['create', 'update', 'delete', 'read'].includes(first) ? first : 'no-op') as Action;
}

/** The resources a plan changes (reads and no-ops left out); `drift`: what refresh found changed outside OpenTofu. */
export function plannedChanges(plan: PlanJson, what: 'changes' | 'drift' = 'changes'): PlannedChange[] {
  const entries = (what === 'drift'
    ? (plan.resource_drift ?? []).filter((entry) => !equivalent(entry.change.before, entry.change.after))
    : plan.resource_changes) ?? [];
  return entries
    .map((entry) => ({ address: entry.address, type: entry.type, action: actionOf(entry.change.actions) }))
    .filter((change) => change.action !== 'no-op' && change.action !== 'read');
}

export function countChanges(changes: readonly PlannedChange[]): PlanCounts {
  const count = (action: Action) => changes.filter((c) => c.action === action).length;
  const replace = count('replace');
  return { add: count('create') + replace, change: count('update'), destroy: count('delete') + replace, replace };
}

const SYMBOL: Record<Action, string> = { create: '+', update: '~', delete: '-', replace: '-/+', read: '<=', 'no-op': ' ' };
const VERB: Record<Action, string> = {
  create: 'create', update: 'update in place', delete: 'DESTROY', replace: 'REPLACE (destroy, then create)', read: 'read', 'no-op': '',
};

/** One line per resource, then tofu's own totals line; destroying a resource that holds data says so. */
export function formatSummary(stack: string, changes: readonly PlannedChange[]): string {
  const counts = countChanges(changes);
  if (changes.length === 0) return `${stack}: no changes`;
  const lines = changes.map((c) => {
    const data = (c.action === 'delete' || c.action === 'replace') && HOLDS_DATA.has(c.type) ? '   <- holds data' : '';
    return `  ${SYMBOL[c.action].padEnd(3)} ${c.address}  (${VERB[c.action]})${data}`;
  });
  const replaced = counts.replace > 0 ? ` (${counts.replace} replaced)` : '';
  return [`${stack}: ${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy${replaced}`, ...lines].join('\n');
}
