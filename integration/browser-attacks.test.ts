// A hostile web page in a real browser (headless Chromium) against the local emulator as the kit starts it
// (scripts/emulator.sh: MiniStack with AUTH=true behind scripts/emulator-guard). The page comes from a foreign origin
// (http://attacker.example:<port>, resolved to loopback by the browser) and tries to read the API key parameter,
// scan the table and invoke the function with the real AWS SDK and the well-known `test` credentials, plus the
// requests a page can send without a preflight. A DNS rebinding is stood for by a name the browser resolves to
// 127.0.0.1 and loads from the emulator's own port. The control run tells the guard to allow exactly this page
// and name: the same attacks then succeed, so the guarded run shows the guard stopped them, not the browser.
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'puppeteer-core';
import { freeLoopbackPort } from '../scripts/lib/free-port';
import { RunningMiniStack, startMiniStack, stopMiniStack } from '../scripts/lib/ministack';
import { ATTACKS, type AttackResult, type runAttacks } from './support/attack-page';
import { launchBrowser } from './support/browser';
import { guardRefusals, setUpVictim, Victim, VICTIM } from './support/emulator-victim';

const ATTACKER = 'attacker.example';
const REBOUND = 'rebound.example';
const targets = { parameterName: VICTIM.parameterName, tableName: VICTIM.tableName, functionName: VICTIM.functionName };

async function attackScript(): Promise<string> {
  const { outputFiles } = await build({
    entryPoints: [path.join(__dirname, 'support/attack-page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    write: false,
    logLevel: 'error',
  });
  return outputFiles[0].text;
}

/** The attacker's site: one page that loads the attack script. */
async function serveAttackPage(script: string): Promise<{ server: Server; origin: string }> {
  const port = await freeLoopbackPort();
  const server = createServer((request, response) => {
    if (request.url === '/attack.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/attack.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, origin: `http://${ATTACKER}:${port}` };
}

interface Run {
  emulator: RunningMiniStack;
  victim: Victim;
  /** From the attacker's page, aimed at http://127.0.0.1:<emulator port>. */
  fromAttacker: AttackResult[];
  /** Loading http://rebound.example:<emulator port>/ (the rebinding), its status, then the attacks from that page. */
  reboundStatus: number | undefined;
  fromRebound: AttackResult[];
}

const step = (text: string) => process.stderr.write(`[browser-attacks] ${text}\n`);

async function attack(browser: Browser, script: string, attackerOrigin: string, allowThisPage: boolean): Promise<Run> {
  const port = await freeLoopbackPort();
  const reboundOrigin = `http://${REBOUND}:${port}`;
  const allowance = { EMULATOR_ALLOWED_ORIGINS: `${attackerOrigin},${reboundOrigin}`, EMULATOR_ALLOWED_HOSTS: REBOUND };
  const emulator = await startMiniStack({ port, env: allowThisPage ? allowance : {} });
  const victim = await setUpVictim(emulator.endpoint);
  step(`emulator on ${emulator.endpoint}${allowThisPage ? ', told to allow the page' : ''}: attacking from ${attackerOrigin}`);
  const page = await browser.newPage();
  try {
    await page.goto(`${attackerOrigin}/`);
    const fromAttacker = await page.evaluate(
      (endpoint, names) => (globalThis as unknown as { runAttacks: typeof runAttacks }).runAttacks(endpoint, names),
      emulator.endpoint,
      targets,
    );
    step(`attacking from ${reboundOrigin} (the rebound name)`);
    const response = await page.goto(`${reboundOrigin}/`);
    await page.evaluate(script); // the attack script, run in the rebound page
    const fromRebound = await page.evaluate(
      (endpoint, names) => (globalThis as unknown as { runAttacks: typeof runAttacks }).runAttacks(endpoint, names),
      reboundOrigin,
      targets,
    );
    step(`results: ${JSON.stringify({ fromAttacker, fromRebound })}`);
    return { emulator, victim, fromAttacker, reboundStatus: response?.status(), fromRebound };
  } finally {
    await page.close();
  }
}

const outcomeOf = (results: AttackResult[], attack: string) => results.find((result) => result.attack === attack);

describe('a web page against the local emulator (headless Chromium)', () => {
  let browser: Browser;
  let server: Server;
  let guarded: Run;
  let allowed: Run;

  beforeAll(async () => {
    const script = await attackScript();
    const site = await serveAttackPage(script);
    server = site.server;
    browser = await launchBrowser({ loopbackNames: [ATTACKER, REBOUND] });
    guarded = await attack(browser, script, site.origin, false);
    allowed = await attack(browser, script, site.origin, true);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    for (const run of [guarded, allowed]) if (run) await stopMiniStack(run.emulator);
  });

  describe('as the kit starts it (guarded)', () => {
    it.each([ATTACKS.readKey, ATTACKS.scanTable, ATTACKS.invoke])('gets nothing from %s', (name) => {
      const result = outcomeOf(guarded.fromAttacker, name);
      expect(result?.outcome).toBe('failed');
      expect(result?.detail).not.toContain(VICTIM.parameterValue);
    });

    it('never runs the function, with or without a preflight', () => {
      expect(guarded.victim.invocations()).toBe(0);
    });

    it('was refused by the guard: the preflights, the simple POST and the image GET', () => {
      const refusals = guardRefusals(guarded.emulator.logFile);
      expect(refusals).toEqual(expect.arrayContaining([
        expect.stringMatching(/^emulator-guard: refused OPTIONS \/: .*Origin 'http:\/\/attacker\.example:\d+'/),
        expect.stringMatching(/^emulator-guard: refused POST \/2015-03-31\/functions\/[^/]+\/invocations: .*Origin/),
        expect.stringMatching(/^emulator-guard: refused GET \/2015-03-31\/functions: .*Sec-Fetch-Site 'cross-site'/),
      ]));
    });

    it('refuses a page loaded through a rebound name, and everything that page tries', () => {
      expect(guarded.reboundStatus).toBe(403);
      for (const name of [ATTACKS.readKey, ATTACKS.scanTable, ATTACKS.invoke]) {
        expect(outcomeOf(guarded.fromRebound, name)).toMatchObject({ outcome: 'failed' });
      }
      expect(guardRefusals(guarded.emulator.logFile)).toContainEqual(
        expect.stringMatching(/Host 'rebound\.example:\d+' is not this machine/),
      );
    });
  });

  describe('control: the guard told to allow this page and name (the attacks are real)', () => {
    it('lets the page read the decrypted API key, scan the table and invoke the function', () => {
      expect(outcomeOf(allowed.fromAttacker, ATTACKS.readKey)).toMatchObject({ outcome: 'answered', detail: VICTIM.parameterValue });
      expect(outcomeOf(allowed.fromAttacker, ATTACKS.scanTable)?.detail).toContain(VICTIM.customerEmail);
      expect(outcomeOf(allowed.fromAttacker, ATTACKS.invoke)?.detail).toContain('invoked');
    });

    it('runs the function for the simple POST too (no preflight needed)', () => {
      // The SDK's invoke from each page, and the simple POST from each.
      expect(allowed.victim.invocations()).toBe(4);
    });
  });
});
