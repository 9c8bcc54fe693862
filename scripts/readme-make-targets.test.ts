// The README promises `make <target>` commands; each one it names must be a target `make help` lists, so a renamed
// or removed target cannot leave the README pointing at nothing.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..');
// The README's explanation of the 3 Musketeers convention (`make x` runs `make _x`) uses `x` as a placeholder.
const PLACEHOLDERS = new Set(['x', '_x']);

/** Every target named after `make` in the README's code: inline spans and fenced blocks. */
function makeTargetsIn(markdown: string): Set<string> {
  const fenced = [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].flatMap(([, body]) => body.split('\n'));
  const inline = [...markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)].map(([, span]) => span);
  const targets = new Set<string>();
  for (const code of [...fenced, ...inline]) {
    for (const [, rest] of code.matchAll(/(?:^|\s)make\s+([^#[]*)/g)) {
      for (const word of rest.trim().split(/\s+/)) {
        if (/^[A-Z_][A-Z0-9_]*=/.test(word)) continue; // a variable (ENV=aws)
        if (!/^[a-z_][a-z0-9_-]*$/.test(word)) break;
        if (!PLACEHOLDERS.has(word)) targets.add(word);
      }
    }
  }
  return targets;
}

function helpTargets(): Set<string> {
  const help = execFileSync('make', ['--no-print-directory', 'help'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return new Set([...help.matchAll(/^ {2}([a-z][a-z0-9_-]*)\s/gm)].map(([, target]) => target));
}

describe('README make targets', () => {
  it('reads targets from inline code and fenced blocks, skipping variables, options and comments', () => {
    const markdown = [
      'Run `make deploy [ENV=local|aws]` or `API_KEY=x make clean ENV=aws`, then `make emulator-down emulator-up clean`.',
      '```sh',
      'make test        # the tests',
      '```',
      'Not code: make believe. Placeholder: `make x` runs `make _x`.',
    ].join('\n');

    expect([...makeTargetsIn(markdown)].sort()).toEqual(['clean', 'deploy', 'emulator-down', 'emulator-up', 'test']);
  });

  it('names only targets that `make help` lists', () => {
    const named = makeTargetsIn(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));
    const listed = helpTargets();

    expect(named.size).toBeGreaterThan(10);
    expect([...named].filter((target) => !listed.has(target)).sort()).toEqual([]);
  });
});
