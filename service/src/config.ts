/** Everything the function reads from its environment, validated once at cold start. */
export interface ServiceConfig {
  tableName: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const tableName = env.DB_NAME?.trim();
  // Failing here makes a misconfigured deploy fail its first invocation loudly instead of writing nowhere.
  if (!tableName) throw new Error('Missing required environment variable DB_NAME');
  return { tableName };
}
