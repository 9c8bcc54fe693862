// Finds every environment variable the kit's own code and scripts read, by language, so the docs' lists of variables
// (.env.template, docs/configuration.md) can be checked against the code instead of kept by hand.
// It reads source text, not a parse tree: each rule below is the way this repository reads the environment, and
// env-reads.test.ts pins each one, so a new way of reading it that no rule sees shows up there first.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where the kit reads its environment: the code, its scripts, its tests, the Makefile, compose and CI's files. */
export const SCANNED = ['infra', 'service', 'scripts', 'integration', '.ci', 'Makefile', 'docker-compose.yml'];

/**
 * Read but not ours to document: the shell's, make's and the OS's own variables, and Docker's client config, which
 * the tests pass on unchanged. Everything else the kit reads belongs in .env.template.
 */
export const STANDARD_VARIABLES = new Set([
  // the OS and every CI
  'PATH', 'HOME', 'TMPDIR', 'TERM', 'CI',
  // bash's own
  'BASH_SOURCE', 'BASH_COMMAND', 'LINENO', 'SECONDS', 'EUID', 'UID', 'PWD', 'RANDOM', 'PIPESTATUS', 'FUNCNAME', 'IFS',
  'OPTARG', 'OPTIND', 'REPLY',
  // make's own
  'MAKE', 'MAKEFLAGS', 'MAKELEVEL', 'MFLAGS', 'MAKEFILE_LIST', 'SHELL', 'CURDIR',
  // the Docker CLI's config directory (the tests pass it on to the docker they start); /etc/os-release's codename
  'DOCKER_CONFIG', 'VERSION_CODENAME',
  // set by jest in each of its workers (the suites give each worker its own emulator port)
  'JEST_WORKER_ID',
]);

/** This checker's own folder: its tests hold made-up reads as fixtures. */
const NOT_SCANNED = new Set(['scripts/docs-truth']);

export type EnvReads = Map<string, Set<string>>;

const NAME = '[A-Z][A-Z0-9_]*';

const add = (reads: EnvReads, name: string, file: string) => {
  if (!reads.has(name)) reads.set(name, new Set());
  reads.get(name)?.add(file);
};

/** String constants declared anywhere in the TypeScript sources, for `process.env[SOME_CONSTANT]`. */
export function stringConstants(sources: readonly string[]): Map<string, string> {
  const constants = new Map<string, string>();
  for (const source of sources) {
    for (const [, name, value] of source.matchAll(/\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*['"]([^'"\n]*)['"]/g)) {
      constants.set(name, value);
    }
  }
  return constants;
}

/** The arguments of the call whose `(` is at `open`, split at its top-level commas (strings and nesting respected). */
function callArguments(source: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let index = open + 1; index < source.length; index += 1) {
    const char = source[index];
    if (quote) {
      current += char;
      if (char === '\\') current += source[(index += 1)] ?? '';
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') quote = char;
    else if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) {
      if (depth === 0) return [...args, current.trim()].filter((arg, position, all) => arg || position < all.length - 1);
      depth -= 1;
    } else if (char === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  return args;
}

/** Where a function's own text ends: the first line at its indentation closing a brace, or a blank line. */
function bodyAfter(source: string, start: number): string {
  const rest = source.slice(start);
  const end = rest.search(/\n\}|\n\s*\n/);
  return end < 0 ? rest : rest.slice(0, end);
}

const paramNames = (list: string) =>
  list.split(',').map((param) => /^\s*(?:readonly\s+)?([A-Za-z_$][\w$]*)/.exec(param)?.[1] ?? '');

/**
 * Functions that read the variable a parameter names (`const setting = (env, name) => env[name]`, `function option(
 * flag, variable) { … process.env[variable] … }`), and the ones that pass a parameter on to such a function: for each,
 * which argument is the variable's name. Their calls with a literal there are reads (`setting(env, 'TF_STATE_BUCKET')`).
 */
export function envAccessors(sources: readonly string[]): Map<string, number> {
  const definitions = sources.flatMap((source) => {
    const code = withoutTypescriptComments(source);
    const pattern = /(?:\bfunction\s+([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\(([^)]*)\)|\b(?:const|let)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?\(([^)]*)\)[^=\n]*=>)/g;
    return [...code.matchAll(pattern)].map((match) => ({
      name: match[1] ?? match[3],
      params: paramNames(match[2] ?? match[4]),
      body: bodyAfter(code, (match.index ?? 0) + match[0].length),
    }));
  });
  const accessors = new Map<string, number>();
  for (const { name, params, body } of definitions) {
    const index = params.findIndex((param) => param && new RegExp(`\\b\\w*[eE]nv\\??\\.?\\[\\s*${param.replace(/\$/g, '\\$')}\\s*\\]`).test(body));
    if (index >= 0) accessors.set(name, index);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const { name, params, body } of definitions) {
      if (accessors.has(name)) continue;
      for (const [accessor, position] of accessors) {
        for (const call of body.matchAll(new RegExp(`\\b${accessor}\\s*\\(`, 'g'))) {
          const passed = callArguments(body, (call.index ?? 0) + call[0].length - 1)[position];
          const index = passed ? params.indexOf(passed) : -1;
          if (index >= 0 && !accessors.has(name)) {
            accessors.set(name, index);
            changed = true;
          }
        }
      }
    }
  }
  return accessors;
}

/**
 * TypeScript and JavaScript: `process.env.X`, `process.env['X']`, `process.env[CONSTANT]`, `{ X } = process.env`,
 * any `…env.X` / `…Env['X']` (a typed env object handed to a function), a literal handed to one of the `accessors`
 * where it takes the variable's name (`setting(env, 'TF_STATE_BUCKET')`), and a declaration of the variable a
 * function reads (`{ variable: 'DB_NAME' }`, service/src/routes.ts: the stack sets it, the function's config reads it).
 */
export function typescriptReads(
  text: string,
  constants: ReadonlyMap<string, string> = new Map(),
  accessors: Iterable<readonly [string, number]> = envAccessors([text]),
): Set<string> {
  const source = withoutTypescriptComments(text);
  const names = new Set<string>();
  for (const [, name] of source.matchAll(new RegExp(`\\b\\w*[eE]nv\\??\\.(${NAME})\\b`, 'g'))) names.add(name);
  for (const [, name] of source.matchAll(new RegExp(`\\b\\w*[eE]nv\\??\\.?\\[\\s*['"\`](${NAME})['"\`]\\s*\\]`, 'g'))) names.add(name);
  for (const [, identifier] of source.matchAll(/\bprocess\.env\[\s*([A-Za-z_$][\w$]*)\s*\]/g)) {
    const value = constants.get(identifier);
    if (value && new RegExp(`^${NAME}$`).test(value)) names.add(value);
  }
  for (const [, list] of source.matchAll(/\{([^{}]*)\}\s*=\s*process\.env\b/g)) {
    for (const [, name] of list.matchAll(new RegExp(`(?:^|[\\s,])(${NAME})\\b`, 'g'))) names.add(name);
  }
  for (const [, name] of source.matchAll(new RegExp(`\\b(?:variable|envVar|environmentVariable)\\s*:\\s*['"](${NAME})['"]`, 'g'))) {
    names.add(name);
  }
  for (const [accessor, position] of accessors) {
    for (const call of source.matchAll(new RegExp(`(?<![\\w.])${accessor}\\s*\\(`, 'g'))) {
      const literal = /^['"]([A-Z][A-Z0-9_]*)['"]$/.exec(callArguments(source, (call.index ?? 0) + call[0].length - 1)[position] ?? '');
      if (literal) names.add(literal[1]);
    }
  }
  return names;
}

/** Drops comments (a `//` only at a line's start or after whitespace, so URLs in strings stay). */
function withoutTypescriptComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** Names a shell script assigns itself (NAME=…, export/local/readonly/declare NAME, read NAME, for NAME in). */
function shellAssigned(source: string): Set<string> {
  const assigned = new Set<string>();
  for (const [, name] of source.matchAll(new RegExp(`(?:^|[\\s;&|(])(${NAME})(?:\\[[^\\]]*\\])?\\+?=`, 'gm'))) assigned.add(name);
  for (const [, list] of source.matchAll(/\b(?:export|local|readonly|declare(?:\s+-\w+)*|read(?:\s+-\w+)*)\s+([^\n;&|=]*)/g)) {
    for (const [, name] of list.matchAll(new RegExp(`(?:^|\\s)(${NAME})\\b`, 'g'))) assigned.add(name);
  }
  for (const [, name] of source.matchAll(new RegExp(`\\bfor\\s+(${NAME})\\s+in\\b`, 'g'))) assigned.add(name);
  return assigned;
}

const shellCode = (source: string) => source.replace(/(^|\s)#.*$/gm, '$1').replace(/'[^'\n]*'/g, "''");

/**
 * Shell: a `${X:-…}` / `${X-…}` / `${X:?…}` / `${X:=…}` is always a read from the environment (a default only makes
 * sense for a value that may come from outside); a plain `$X` or `${X}` is one when no script of the kit assigns X
 * (scripts share names by `source` and by `eval "$(scripts/toolchain.sh env)"`). `assignedElsewhere` holds what
 * the other scripts and the sourced `.env` pin files assign.
 */
export function shellReads(source: string, assignedElsewhere: ReadonlySet<string> = new Set()): Set<string> {
  const code = shellCode(source);
  const names = new Set<string>();
  for (const [, name] of code.matchAll(new RegExp(`\\$\\{(${NAME}):?[-?=]`, 'g'))) names.add(name);
  const assigned = new Set([...shellAssigned(code), ...assignedElsewhere]);
  for (const [, braced, bare] of code.matchAll(new RegExp(`\\$(?:\\{(${NAME})[}:#%/\\[]|(${NAME})\\b)`, 'g'))) {
    const name = braced ?? bare;
    if (!assigned.has(name)) names.add(name);
  }
  return names;
}

/**
 * Makefile: `$(X)` / `${X}` for an X the Makefile never assigns, an X it assigns with `?=` (a default the environment
 * or command line overrides), and the recipes' shell reads (`$${X:-…}`).
 */
export function makefileReads(source: string): Set<string> {
  const code = source.replace(/(^|\s)#.*$/gm, '$1');
  const assigned = new Set<string>();
  const defaults = new Set<string>();
  for (const [, name, operator] of code.matchAll(new RegExp(`^(?:[^\\s:#=]+(?:\\s+[^\\s:#=]+)*:\\s*)?(${NAME})\\s*([:?+!]?)=`, 'gm'))) {
    (operator === '?' ? defaults : assigned).add(name);
  }
  for (const [, name] of code.matchAll(new RegExp(`^export\\s+(${NAME})\\b`, 'gm'))) assigned.add(name);
  const names = new Set(defaults);
  for (const [, paren, brace] of code.matchAll(new RegExp(`(?<!\\$)\\$(?:\\((${NAME})\\)|\\{(${NAME})\\})`, 'g'))) {
    const name = paren ?? brace;
    if (!assigned.has(name) && !defaults.has(name)) names.add(name);
  }
  for (const [, name] of code.matchAll(new RegExp(`\\$\\$\\{(${NAME})(?::?[-?=]|\\})`, 'g'))) names.add(name);
  return names;
}

/** Compose files: `${X}` / `${X:-…}` interpolation, and build args given by name only (their value comes from the environment). */
export function composeReads(source: string): Set<string> {
  const code = source.replace(/(^|\s)#.*$/gm, '$1');
  const names = new Set<string>();
  for (const [, name] of code.matchAll(new RegExp(`(?<!\\$)\\$\\{(${NAME})`, 'g'))) names.add(name);
  for (const [, , items] of code.matchAll(/^(\s+)args:\s*\n((?:\1\s+- .*\n?)+)/gm)) {
    for (const [, name] of items.matchAll(new RegExp(`-\\s+(${NAME})\\s*$`, 'gm'))) names.add(name);
  }
  return names;
}

/**
 * Python: `os.environ['X']`, `os.environ.get('X')`, `os.getenv('X')`, and a literal handed to a function that reads
 * the variable its parameter names (`def _listed(variable): … os.environ.get(variable …` then `_listed("X")`).
 */
export function pythonReads(source: string): Set<string> {
  const names = new Set<string>();
  const pattern = new RegExp(`os\\.(?:environ(?:\\.get\\(|\\[)|getenv\\()\\s*['"](${NAME})['"]`, 'g');
  for (const [, name] of source.matchAll(pattern)) names.add(name);
  for (const match of source.matchAll(/^def\s+(\w+)\s*\(([^)]*)\):\n((?:[ \t]+.*\n|\s*\n)*)/gm)) {
    const [, accessor, params, body] = match;
    const position = paramNames(params).findIndex(
      (param) => param && new RegExp(`os\\.(?:environ(?:\\.get\\(|\\[)|getenv\\()\\s*${param}\\b`).test(body),
    );
    if (position < 0) continue;
    for (const call of source.matchAll(new RegExp(`(?<![\\w.])${accessor}\\s*\\(`, 'g'))) {
      const literal = /^['"]([A-Z][A-Z0-9_]*)['"]$/.exec(callArguments(source, (call.index ?? 0) + call[0].length - 1)[position] ?? '');
      if (literal) names.add(literal[1]);
    }
  }
  return names;
}

type Language = 'typescript' | 'shell' | 'makefile' | 'compose' | 'python';

export function languageOf(file: string, source: string): Language | undefined {
  const base = path.basename(file);
  if (/\.(?:[cm]?[jt]s)$/.test(base)) return 'typescript';
  if (base === 'Makefile' || base.endsWith('.mk')) return 'makefile';
  if (/\.ya?ml$/.test(base)) return 'compose';
  if (base.endsWith('.py')) return 'python';
  if (base.endsWith('.sh') || /^#!.*\b(?:ba)?sh\b/.test(source.split('\n', 1)[0])) return 'shell';
  return undefined;
}

/** The accessors a file can call: its own, then every other file's, at each position they take the name. */
function accessorsFor(source: string, everywhere: readonly Map<string, number>[]): [string, number][] {
  const own = envAccessors([source]);
  const others = everywhere.flatMap((accessors) => [...accessors].filter(([name]) => !own.has(name)));
  return [...own, ...others];
}

function filesUnder(root: string, entry: string): string[] {
  const full = path.join(root, entry);
  if (NOT_SCANNED.has(entry)) return [];
  if (statSync(full).isFile()) return [entry];
  return readdirSync(full, { withFileTypes: true })
    .filter((child) => child.name !== 'node_modules')
    .flatMap((child) => filesUnder(root, path.join(entry, child.name)));
}

/** Every variable the scanned files read, with the files that read it (paths relative to `root`). */
export function kitEnvReads(root: string, scanned: readonly string[] = SCANNED): EnvReads {
  const files = scanned.flatMap((entry) => filesUnder(root, entry)).map((file) => ({ file, source: readFileSync(path.join(root, file), 'utf8') }));
  const typed = files.filter(({ file, source }) => languageOf(file, source));
  const typescript = typed.filter(({ file, source }) => languageOf(file, source) === 'typescript').map(({ source }) => source);
  const constants = stringConstants(typescript);
  // A name defined in several files (a local `setting`) may take the variable at different positions: each file's
  // own definitions win, and a call to one defined elsewhere counts at any position it has there.
  const everywhere = typescript.map((source) => envAccessors([source]));
  const assignedByShell = new Set(
    files
      .filter(({ file, source }) => languageOf(file, source) === 'shell' || file.endsWith('.env'))
      .flatMap(({ source }) => [...shellAssigned(shellCode(source))]),
  );
  const reads: EnvReads = new Map();
  for (const { file, source } of typed) {
    const language = languageOf(file, source);
    const names =
      language === 'typescript' ? typescriptReads(source, constants, accessorsFor(source, everywhere))
      : language === 'shell' ? new Set([...shellReads(source, assignedByShell), ...pythonReads(source)]) // + heredocs
      : language === 'makefile' ? makefileReads(source)
      : language === 'compose' ? composeReads(source)
      : pythonReads(source);
    for (const name of names) if (!STANDARD_VARIABLES.has(name)) add(reads, name, file);
  }
  return reads;
}
