// Facts in the docs that would go stale silently are checked against what they describe: the variables against
// what the code reads, the make targets against `make help`, links against the files and headings they point at.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { kitEnvReads } from './env-reads';
import { assignedNames, templateEntries } from './env-template';
import { created } from '../../service/src/responses';
import { checkedTable, checkedTableRows, handTypedTestCounts, headingAnchors, localLinks, makeTargetsIn } from './markdown';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const markdownUnder = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? markdownUnder(path.join(dir, entry.name)) : entry.name.endsWith('.md') ? [path.join(dir, entry.name)] : [],
  );
const DOCS = ['README.md', ...markdownUnder('docs')];
const sorted = (names: Iterable<string>) => [...new Set(names)].sort();
const missing = (wanted: Iterable<string>, present: Iterable<string>) => {
  const have = new Set(present);
  return sorted([...wanted].filter((name) => !have.has(name)));
};

// Listed because you set them for an ENV=aws deploy; read by the AWS SDK and the provider, not by our code.
const READ_BY_AWS_TOOLS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];

describe('environment variables', () => {
  const template = templateEntries(read('.env.template'));
  const listed = template.map(({ name }) => name);
  const reads = kitEnvReads(ROOT);
  const configurationTable = checkedTable(read('docs/configuration.md'), '.env.template') ?? [];

  it('lists in .env.template every variable the code, scripts, Makefile and compose files read', () => {
    expect(missing(reads.keys(), listed)).toEqual([]);
  });

  it('lists in .env.template only variables something reads', () => {
    expect(missing(listed, [...reads.keys(), ...READ_BY_AWS_TOOLS])).toEqual([]);
  });

  it('gives each listed name once, with a one-line comment, and marks the secrets', () => {
    expect(listed.filter((name, index) => listed.indexOf(name) !== index)).toEqual([]);
    expect(template.filter(({ comment }) => !comment).map(({ name }) => name)).toEqual([]);
    const secrets = template.filter(({ name }) => /SECRET|TOKEN|PASSWORD|ACCESS_KEY/.test(name));
    expect(secrets.filter(({ comment }) => !comment.startsWith('(secret)')).map(({ name }) => name)).toEqual([]);
  });

  it('documents exactly the listed variables in docs/configuration.md', () => {
    expect(configurationTable.length).toBeGreaterThan(0);
    expect({ undocumented: missing(listed, configurationTable), notListed: missing(configurationTable, listed) }).toEqual({
      undocumented: [],
      notListed: [],
    });
  });

  it('says for each variable whether compose passes it to tools, as the template does', () => {
    const page = read('docs/configuration.md');
    const said = (name: string) => new RegExp(`^\\| \`${name}\` \\|.*\\| (yes|no) \\|$`, 'm').exec(page)?.[1];
    const wrong = template.filter(({ name, passedToTools }) => said(name) !== (passedToTools ? 'yes' : 'no'));
    expect(wrong.map(({ name }) => name)).toEqual([]);
  });

  it("names only listed variables in the README's configuration table and in .env.example", () => {
    const readmeTable = checkedTable(read('README.md'), '.env.template') ?? [];
    expect(readmeTable.length).toBeGreaterThan(0);
    expect(missing([...readmeTable, ...assignedNames(read('.env.example'))], listed)).toEqual([]);
  });

  it('hands the tools container the names in the template, and nothing else', () => {
    const envFile = /env_file:\n((?:\s+- .*\n(?:\s+required: .*\n)?)+)/.exec(read('docker-compose.yml'))?.[1] ?? '';
    expect([...envFile.matchAll(/- (?:path: )?(\S+)/g)].map(([, file]) => file)).toEqual(['.env.template']);
  });
});

describe('make targets', () => {
  const help = execFileSync('make', ['--no-print-directory', 'help', 'RUNNER=native'], { cwd: ROOT, encoding: 'utf8' });
  const helpTargets = [...help.matchAll(/^ {2}([a-z][a-z0-9_-]*)\s/gm)].map(([, target]) => target);

  it("docs/local-development.md's target table lists exactly what `make help` prints", () => {
    const table = (checkedTable(read('docs/local-development.md'), 'make help') ?? []).map((cell) => /^make\s+(\S+)/.exec(cell)?.[1] ?? cell);
    expect(helpTargets.length).toBeGreaterThan(10);
    expect({ notInTable: missing(helpTargets, table), notInHelp: missing(table, helpTargets) }).toEqual({ notInTable: [], notInHelp: [] });
  });

  it.each(DOCS)('%s names only targets `make help` lists', (file) => {
    expect(missing(makeTargetsIn(read(file)), helpTargets)).toEqual([]);
  });
});

describe('jest projects', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.config.js is CommonJS, as jest reads it
  const projects = (require('../../jest.config.js') as { projects: { displayName: string }[] }).projects.map(({ displayName }) => displayName);

  it.each(DOCS)('%s names only jest projects jest.config.js defines', (file) => {
    const named = [...read(file).matchAll(/--selectProjects((?:\s+[a-z][\w-]*)+)/g)].flatMap(([, list]) => list.trim().split(/\s+/));
    expect(missing(named, projects)).toEqual([]);
  });
});

describe('links between the docs', () => {
  it.each(DOCS)('%s links only to files and headings that exist', (file) => {
    const broken = localLinks(read(file)).filter(({ target }) => {
      const [filePart, anchor] = target.split('#', 2);
      const linked = filePart ? path.join(path.dirname(file), decodeURIComponent(filePart)) : file;
      let text: string;
      try {
        text = readFileSync(path.join(ROOT, linked), 'utf8');
      } catch {
        return !filePart || !isDirectory(linked);
      }
      return anchor !== undefined && linked.endsWith('.md') && !headingAnchors(text).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});

function isDirectory(file: string): boolean {
  try {
    readdirSync(path.join(ROOT, file));
    return true;
  } catch {
    return false;
  }
}

describe('pinned versions', () => {
  it("docs/toolchain.md's table gives each part the version scripts/toolchain pins", () => {
    const pins = Object.fromEntries([...read('scripts/toolchain/versions.env').matchAll(/^([A-Z_]+_VERSION)=(\S+)$/gm)].map(([, name, value]) => [name, value]));
    const compose = /^\s*github\.com\/docker\/compose\/v\d+ (v\S+)/m.exec(read('scripts/toolchain/compose/go.mod'))?.[1];
    const expected: Record<string, string | undefined> = {
      OpenTofu: pins.TOFU_VERSION,
      'AWS provider': pins.AWS_PROVIDER_VERSION,
      MiniStack: pins.MINISTACK_VERSION,
      checkov: pins.CHECKOV_VERSION,
      schemathesis: pins.SCHEMATHESIS_VERSION,
      parliament: pins.PARLIAMENT_VERSION,
      actionlint: pins.ACTIONLINT_VERSION,
      'Node.js': pins.NODE_VERSION,
      'Docker Compose': compose,
    };
    const rows = checkedTableRows(read('docs/toolchain.md'), 'scripts/toolchain') ?? [];
    const shown = Object.fromEntries(rows.map(([part, pinned = '']) => [part, /`([^`]+)`/.exec(pinned)?.[1]]));

    expect(Object.values(expected)).toEqual(expect.arrayContaining(Object.values(pins)));
    expect(shown).toEqual(expected);
  });
});

describe("the README's quick start", () => {
  it('shows a 201 with every header the handler sets', () => {
    const block = /<!-- quick-start:response -->\s*```\n([\s\S]*?)\n\n/.exec(read('README.md'))?.[1] ?? '';
    const shown = [...block.matchAll(/^([A-Za-z-]+): /gm)].map(([, name]) => name.toLowerCase());
    const customer = { id: 'x', firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', createdAt: '' };
    const sent = Object.keys(created(customer, 'customers/x').headers ?? {}).map((name) => name.toLowerCase());

    expect(block).toMatch(/^HTTP\/1\.1 201 Created/);
    expect(missing(sent, shown)).toEqual([]);
  });
});

describe('counts', () => {
  it.each(DOCS)('%s types no test counts (jest prints them)', (file) => {
    expect(handTypedTestCounts(read(file))).toEqual([]);
  });
});
