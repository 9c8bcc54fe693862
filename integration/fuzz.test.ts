// `make fuzz`: schemathesis against the deployed API on MiniStack (AUTH=true, started by the suite), from the
// OpenAPI document the routes declare (dist/openapi.json, `make openapi`): no 5xx, every status, header and body as
// documented, negative data rejected, positive data accepted, no route answering without the key
// (integration/fuzz/schemathesis.toml). One `it`, since schemathesis runs every check in one process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deployToHostMiniStack } from './support/host-deployment';
import { repoRoot } from './support/stack';

const openApiDocument = path.resolve(repoRoot, process.env.FUZZ_OPENAPI ?? 'dist/openapi.json');
const config = path.join(__dirname, 'fuzz/schemathesis.toml');
// Schemathesis's whole report goes to a file, printed only when it found something: its closing rule
// ("=== 3 warnings in 9.49s ===") reads like a pytest run that executed no test, and CI reads closing lines.
const report = path.join(repoRoot, '.state', 'fuzz', 'schemathesis-report.txt');

interface Summary {
  operations: number;
  cases: number;
  failures: number;
}

/** The counts schemathesis prints in its summary ("Tested: 2", "296 generated, 2 found 2 unique failures"). */
function summaryOf(output: string): Summary {
  const count = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  return {
    operations: count(/^\s*Tested: (\d+)/m),
    cases: count(/^\s*(\d+) generated/m),
    failures: count(/found (\d+) unique failures/),
  };
}

describe('schemathesis against the deployed API', () => {
  beforeAll(() => {
    if (!existsSync(openApiDocument)) throw new Error(`${openApiDocument} is missing: run \`make openapi\` first`);
  });
  const deployment = deployToHostMiniStack({ deployId: 'fuzz' }, process.env.FUZZ_EMULATOR_PORT ?? '4596');

  it('finds no failure in any operation the document declares', () => {
    const stageUrl = deployment.outputs.stage_url;
    const st = spawnSync(
      process.env.SCHEMATHESIS_BIN ?? 'st',
      ['--config-file', config, 'run', openApiDocument, '--url', stageUrl, '--no-color'],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, CUSTOMERS_API_KEY: deployment.apiKey } },
    );
    mkdirSync(path.dirname(report), { recursive: true });
    writeFileSync(report, `${st.stdout}${st.stderr}`);
    const summary = summaryOf(st.stdout ?? '');
    if (st.status !== 0) process.stdout.write(`${st.stdout}${st.stderr}`);
    process.stdout.write(`fuzz: ${summary.operations} operations, ${summary.cases} cases, ${summary.failures} failures (report: ${path.relative(repoRoot, report)})\n`);
    expect(st.error).toBeUndefined();
    expect(st.status).toBe(0);
    expect(summary.operations).toBeGreaterThan(0);
  }, 15 * 60_000);
});
