// scripts/lib/state-passphrase.sh, as deploy.sh runs it: first deploys at once agree on one passphrase.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../..');

/** One deploy's `state_passphrase FILE`: what it printed on stdout (the passphrase) and on stderr. */
const statePassphrase = (file: string) =>
  new Promise<{ stdout: string; stderr: string; status: number | null }>((resolve, reject) => {
    const child = spawn('bash', ['-c', 'source scripts/lib/state-passphrase.sh && state_passphrase "$1"', 'state-passphrase', file], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ stdout, stderr, status }));
  });

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'state-passphrase-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('gives eight first deploys at once one passphrase, generated once, mode 0600, no temporary file left', async () => {
  const file = path.join(dir, '.state', 'state-passphrase');

  const runs = await Promise.all(Array.from({ length: 8 }, () => statePassphrase(file)));

  expect(runs.map((run) => run.status)).toEqual(Array(8).fill(0));
  const stored = readFileSync(file, 'utf8').trim();
  expect(stored).toMatch(/^[A-Za-z0-9+/]{43}=$/); // 32 random bytes, base64
  expect(runs.map((run) => run.stdout.trim())).toEqual(Array(8).fill(stored));
  expect(runs.filter((run) => run.stderr.includes('state passphrase generated'))).toHaveLength(1);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readdirSync(path.dirname(file))).toEqual(['state-passphrase']);
});

it('keeps an existing passphrase, and replaces an empty file', async () => {
  const kept = path.join(dir, 'kept');
  writeFileSync(kept, 'the-existing-passphrase\n', { mode: 0o644 });
  const empty = path.join(dir, 'empty');
  writeFileSync(empty, '');

  const [fromKept, fromEmpty] = await Promise.all([statePassphrase(kept), statePassphrase(empty)]);

  expect(fromKept.stdout.trim()).toBe('the-existing-passphrase');
  expect(statSync(kept).mode & 0o777).toBe(0o600);
  expect(fromEmpty.stdout.trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  expect(readFileSync(empty, 'utf8').trim()).toBe(fromEmpty.stdout.trim());
});
