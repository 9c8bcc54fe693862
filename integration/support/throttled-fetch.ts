// A well-behaved API client's fetch: the usage plan throttles bursts with 429 (AWS and MiniStack alike), which is
// the gateway working, not the code under test failing. Suites and the benchmark that send many requests wait and
// retry those, and count them, so what they assert and measure is the API's own answer.

const MAX_THROTTLE_RETRIES = 10;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 3_000;

export interface ThrottledResponse {
  response: Response;
  /** How many 429s came before this response. */
  throttled: number;
}

/** fetch, retrying 429 after Retry-After (when given) or a jittered exponential backoff; other statuses return. */
export async function fetchRespectingThrottle(url: string, init: RequestInit, timeoutMs: number): Promise<ThrottledResponse> {
  for (let throttled = 0; ; throttled++) {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    if (response.status !== 429 || throttled === MAX_THROTTLE_RETRIES) return { response, throttled };
    await response.arrayBuffer();
    await sleep(backoffMs(response.headers.get('retry-after'), throttled));
  }
}

function backoffMs(retryAfter: string | null, attempt: number): number {
  const seconds = Number(retryAfter);
  if (retryAfter !== null && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const cap = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt);
  return cap / 2 + Math.random() * (cap / 2);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
