import type { TableNames } from './repository';

/** Everything the function reads from its environment, validated once at cold start. */
export interface ServiceConfig {
  tables: TableNames;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return {
    tables: {
      customers: required(env, 'DB_NAME'),
      emails: required(env, 'EMAILS_TABLE_NAME'),
      idempotency: required(env, 'IDEMPOTENCY_TABLE_NAME'),
    },
  };
}

// Failing here makes a misconfigured deploy fail its first invocation loudly instead of writing nowhere.
function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}
