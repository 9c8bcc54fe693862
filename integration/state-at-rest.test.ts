// After a real local deploy: no file the kit wrote (state, step logs, outputs, synth output, .terraform) holds the
// API key's value, the state is OpenTofu-encrypted, and .state is private to the user (0700 dirs, 0600 files).
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { deployToHostMiniStack } from './support/host-deployment';
import { repoRoot } from './support/stack';

const deployId = 'state-at-rest';

/** Every regular file under `dir` (symlinks are not followed: they point outside, e.g. into the provider mirror). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}
const mode = (file: string) => (lstatSync(file).mode & 0o777).toString(8);

describe('secrets at rest after a local deploy', () => {
  const deployment = deployToHostMiniStack({ deployId });

  const stateDir = path.join(repoRoot, '.state', deployId);
  const synthDir = path.join(repoRoot, 'cdktf.out', deployId);

  it('finds the API key in SSM (so the search below looks for a real value)', () => {
    expect(deployment.apiKey.length).toBeGreaterThanOrEqual(20);
  });

  it.each([['.state', stateDir], ['cdktf.out', synthDir]])('no file under %s/<workspace> contains the API key', (_name, dir) => {
    const files = filesUnder(dir);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => readFileSync(file).includes(deployment.apiKey))).toEqual([]);
  });

  it('keeps both stacks\' state encrypted by OpenTofu with the passphrase-derived key', () => {
    for (const stack of ['params', 'api']) {
      const state = JSON.parse(readFileSync(path.join(stateDir, `${stack}.tfstate`), 'utf8')) as Record<string, unknown>;
      expect(Object.keys(state.meta as object)).toEqual(['key_provider.pbkdf2.state']);
      expect(state).toHaveProperty('encrypted_data');
      expect(state).not.toHaveProperty('resources');
    }
  });

  it('makes .state and the workspace 0700 and every file in it, and the passphrase file, 0600', () => {
    expect([mode(path.join(repoRoot, '.state')), mode(stateDir)]).toEqual(['700', '700']);
    const files = readdirSync(stateDir).map((name) => path.join(stateDir, name));
    expect(files.map((file) => path.basename(file))).toEqual(expect.arrayContaining(['api.tfstate', 'params.tfstate', 'outputs.json', 'apply-api.log']));
    expect(files.filter((file) => mode(file) !== '600')).toEqual([]);
    expect(mode(path.join(repoRoot, '.state', 'state-passphrase'))).toBe('600');
  });
});
