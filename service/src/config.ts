import { tableUses, type Route, type TableName } from './routes';

/** Everything a route's function reads from its environment, validated once at cold start. */
export interface ServiceConfig<T extends TableName> {
  /** The name of each table the route declares, from the variable it declares for it. */
  tables: Record<T, string>;
}

export function loadConfig<T extends TableName>(route: Route<T>, env: NodeJS.ProcessEnv = process.env): ServiceConfig<T> {
  const names = tableUses(route).map(([table, { variable }]) => [table, required(env, variable)]);
  return { tables: Object.fromEntries(names) as Record<T, string> };
}

// Failing here makes a misconfigured deploy fail its first invocation loudly instead of writing nowhere.
function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}
