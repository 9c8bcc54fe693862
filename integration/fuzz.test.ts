// `make fuzz`: schemathesis against the deployed API on MiniStack (AUTH=true, started by the suite), from the
// OpenAPI document the routes declare (dist/openapi.json, `make openapi`): no 5xx, every status, header and body as
// documented, negative data rejected, positive data accepted, no route answering without the key
// (integration/fuzz/schemathesis.toml). One `it`, since schemathesis runs every check in one process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deployToHostMiniStack } from './support/host-deployment';
import { repoRoot } from './support/stack';

const openApiDocument = path.resolve(repoRoot, process.env.FUZZ_OPENAPI ?? 'dist/openapi.json');
const config = path.join(__dirname, 'fuzz/schemathesis.toml');

interface Summary {
  operations: number;
  cases: number;
  failures: number;
}

/** The counts from schemathesis's JUnit report: one testcase per operation, each with its cases and failures. */
function summaryOf(junitXml: string): Summary {
  const cases = [...junitXml.matchAll(/<testcase\b[^>]*>/g)];
  const failures = [...junitXml.matchAll(/<(failure|error)\b/g)].length;
  const examples = [...junitXml.matchAll(/(\d+) (?:generated )?test cases?/gi)].reduce((sum, [, n]) => sum + Number(n), 0);
  return { operations: cases.length, cases: examples, failures };
}

describe('schemathesis against the deployed API', () => {
  beforeAll(() => {
    if (!existsSync(openApiDocument)) throw new Error(`${openApiDocument} is missing: run \`make openapi\` first`);
  });
  const deployment = deployToHostMiniStack({ deployId: 'fuzz' }, process.env.FUZZ_EMULATOR_PORT ?? '4596');

  it('finds no failure in any operation the document declares', () => {
    const reports = mkdtempSync(path.join(tmpdir(), 'fuzz-'));
    const junit = path.join(reports, 'junit.xml');
    const stageUrl = deployment.outputs.stage_url;
    const st = spawnSync(
      process.env.SCHEMATHESIS_BIN ?? 'st',
      ['--config-file', config, 'run', openApiDocument, '--url', stageUrl, '--no-color', '--report', 'junit',
        '--report-junit-path', junit],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, CUSTOMERS_API_KEY: deployment.apiKey } },
    );
    process.stdout.write(`${st.stdout}${st.stderr}`);
    const summary = existsSync(junit) ? summaryOf(readFileSync(junit, 'utf8')) : undefined;
    process.stdout.write(`fuzz: ${JSON.stringify(summary)}\n`);
    expect(st.error).toBeUndefined();
    expect(st.status).toBe(0);
    expect(summary?.operations).toBeGreaterThan(0);
  }, 15 * 60_000);
});
