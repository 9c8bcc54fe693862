// The committed .vscode/launch.json must attach where make dev DEBUG=1 listens and find the bundles it writes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inspectorAddress } from './session';

const root = path.resolve(__dirname, '../../..');
// launch.json is JSON with comments (VS Code's format): drop whole-line comments before parsing.
const launch = JSON.parse(readFileSync(path.join(root, '.vscode/launch.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as {
  configurations: Array<{ name: string; request: string; address: string; port: number; outFiles: string[]; remoteRoot?: string }>;
};

describe('.vscode/launch.json', () => {
  it('attaches to the inspector address make dev DEBUG=1 uses by default', () => {
    const { host, port } = inspectorAddress({});
    for (const configuration of launch.configurations) {
      expect(configuration).toMatchObject({ request: 'attach', address: host, port });
    }
  });

  it('maps breakpoints through the debug bundles the loop writes (dist/dev/debug), and /app in the tools container', () => {
    for (const configuration of launch.configurations) expect(configuration.outFiles).toEqual(['${workspaceFolder}/dist/dev/debug/**/*.js']);
    const makefile = readFileSync(path.join(root, 'Makefile'), 'utf8');
    expect(makefile).toMatch(/^DEBUG_PORT \?= 9229$/m);
    const compose = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
    expect(compose).toMatch(/working_dir: \/app/);
    expect(launch.configurations.map((c) => c.remoteRoot)).toContain('/app');
  });
});
