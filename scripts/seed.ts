// `make seed [N=25]`: creates N realistic customers through the deployed API (POST /customers with the API key, so
// the gateway's validation and the function's rules apply, exactly as for a client), each with its own deterministic
// Idempotency-Key (scripts/data/seed-customers.ts): a second run creates nothing new. Prints how many were created,
// replayed or already there, and the time taken. SEED_CONCURRENCY (4) requests at a time.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { fetchRespectingThrottle } from '../integration/support/throttled-fetch';
import { mapConcurrently } from './lib/concurrency-pool';
import { countFrom, deployedOutputs } from './data/deployed-outputs';
import { classifySeedAnswer, seedCustomers, type SeedCustomer, type SeedOutcome } from './data/seed-customers';

const REQUEST_TIMEOUT_MS = 30_000;
const UNAVAILABLE_RETRIES = 3;

/**
 * The URL outputs.json names is the one you call (localhost); inside the compose tools container the emulator is
 * EMULATOR_ENDPOINT instead (`emulator:4566`).
 */
export function reachableUrl(apiUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const published = env.EMULATOR_PUBLIC_ENDPOINT;
  const own = env.EMULATOR_ENDPOINT;
  return published && own && apiUrl.startsWith(published) ? own + apiUrl.slice(published.length) : apiUrl;
}

async function post(url: string, key: string, customer: SeedCustomer, runStartedAt: Date): Promise<SeedOutcome> {
  const { idempotencyKey, ...body } = customer;
  for (let attempt = 0; ; attempt++) {
    // The key makes a retry safe: a 503 (throttled DynamoDB, a transaction conflict) is retried after Retry-After.
    const { response } = await fetchRespectingThrottle(url, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    }, REQUEST_TIMEOUT_MS);
    const answer = (await response.json().catch(() => ({}))) as { createdAt?: unknown; message?: unknown };
    if (response.status === 503 && attempt < UNAVAILABLE_RETRIES) {
      await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
      continue;
    }
    const outcome = classifySeedAnswer(response.status, answer.createdAt, runStartedAt);
    if (outcome === 'failed') console.error(`seed: ${customer.idempotencyKey}: HTTP ${response.status} ${String(answer.message ?? '')}`);
    return outcome;
  }
}

async function main(): Promise<void> {
  const count = countFrom('N', 25);
  const concurrency = countFrom('SEED_CONCURRENCY', 4);
  const outputs = deployedOutputs();
  const { Parameter } = await new SSMClient({}).send(
    new GetParameterCommand({ Name: outputs.api_key_parameter_name, WithDecryption: true }),
  );
  if (!Parameter?.Value) throw new Error(`the API key parameter ${outputs.api_key_parameter_name} has no value`);
  const url = reachableUrl(outputs.api_url);
  const runStartedAt = new Date();
  const began = performance.now();
  const outcomes = await mapConcurrently(seedCustomers(count), concurrency, (customer) =>
    post(url, Parameter.Value as string, customer, runStartedAt));
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  const tally = (outcome: SeedOutcome) => outcomes.filter((o) => o === outcome).length;
  console.log(`seed: ${count} customers in ${seconds} s: ${tally('created')} created, ${tally('replayed')} replayed, ` +
    `${tally('existing')} already there${tally('failed') ? `, ${tally('failed')} failed` : ''} (POST ${outputs.api_url})`);
  if (tally('failed') > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`make seed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    process.exit(1);
  });
}
