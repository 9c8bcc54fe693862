// Each way this repository reads its environment, with a fixture, and what must not count as a read.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeReads, envAccessors, kitEnvReads, makefileReads, pythonReads, shellReads, stringConstants, typescriptReads } from './env-reads';

const sorted = (names: Set<string>) => [...names].sort();

describe('finding environment reads', () => {
  it('TypeScript: process.env by name, by key, by constant and destructured; typed env objects', () => {
    const source = [
      "const port = process.env.E2E_EMULATOR_PORT ?? '4599';",
      "const image = process.env['EMULATOR_IMAGE'];",
      'const endpoint = process.env[ENDPOINT_VAR];',
      'const { LOGS_SINCE, DEPLOY_ID: id } = process.env;',
      'const token = env.LOCALSTACK_AUTH_TOKEN?.trim();',
      "// process.env.IN_A_COMMENT, and a URL: 'http://x'",
      "const mode = { billingMode: 'PAY_PER_REQUEST' }; send('POST');",
    ].join('\n');
    const constants = stringConstants(["export const ENDPOINT_VAR = 'CUSTOMERS_API_TEST_DYNAMODB_ENDPOINT';"]);

    expect(sorted(typescriptReads(source, constants))).toEqual([
      'CUSTOMERS_API_TEST_DYNAMODB_ENDPOINT', 'DEPLOY_ID', 'E2E_EMULATOR_PORT', 'EMULATOR_IMAGE', 'LOCALSTACK_AUTH_TOKEN',
      'LOGS_SINCE',
    ]);
  });

  it('TypeScript: a literal handed to a function that reads the variable its parameter names, directly or passed on', () => {
    const source = [
      'const setting = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;',
      '',
      'function option(name: string, variable: string, fallback: string): string {',
      '  const flag = process.argv.find((arg) => arg.startsWith(`--${name}=`));',
      '  return flag ?? process.env[variable] ?? fallback;',
      '}',
      '',
      'function endpoint(env: Env, variable: string, fallback: string): string {',
      '  return setting(env, variable) ?? fallback;',
      '}',
      "const bucket = setting(env, 'TF_STATE_BUCKET');",
      "option('n', 'BENCH_N', '1000');",
      "endpoint(env, 'EMULATOR_ENDPOINT', DEFAULT);",
      "const loosenings = ['DISABLE_CORS_CHECKS', 'EXTRA_CORS_ALLOWED_ORIGINS', 'DISABLE_PREFLIGHT'];",
      "retry('ALL_OLD', 'PROVISIONED_THROUGHPUT');",
    ].join('\n');

    expect(envAccessors([source])).toEqual(new Map([['setting', 1], ['option', 1], ['endpoint', 1]]));
    expect(sorted(typescriptReads(source))).toEqual(['BENCH_N', 'EMULATOR_ENDPOINT', 'TF_STATE_BUCKET']);
  });

  it("TypeScript: each file's own accessor wins over one of the same name elsewhere", () => {
    const root = mkdtempSync(path.join(tmpdir(), 'env-reads-'));
    mkdirSync(path.join(root, 'infra'));
    writeFileSync(path.join(root, 'infra/a.ts'), "const setting = (env: Env, name: string) => env[name];\nsetting(env, 'FROM_A');\n");
    writeFileSync(path.join(root, 'infra/b.ts'), "const setting = (name: string) => process.env[name];\nsetting('FROM_B');\n");

    expect(sorted(new Set(kitEnvReads(root, ['infra']).keys()))).toEqual(['FROM_A', 'FROM_B']);
  });

  it('shell: defaults always count; a plain $X only when no script assigns X', () => {
    const source = [
      'PORT=${EMULATOR_PORT:-4566}',
      'START_TIMEOUT=${EMULATOR_START_TIMEOUT:-60}',
      'echo "$PORT $CONFIRM ${DEPLOY_ID} $TF_BIN $lower"',
      'export GOGC=${GOGC:-400}',
      "echo '$IN_SINGLE_QUOTES' # and $IN_A_COMMENT",
      'for NAME in a b; do echo "$NAME"; done',
      'local CHOSEN; read -r ANSWER; echo "$CHOSEN $ANSWER"',
    ].join('\n');

    expect(sorted(shellReads(source, new Set(['TF_BIN'])))).toEqual(['CONFIRM', 'DEPLOY_ID', 'EMULATOR_PORT', 'EMULATOR_START_TIMEOUT', 'GOGC']);
  });

  it('Makefile: ?= defaults, variables it never assigns, and recipe shell reads', () => {
    const source = [
      'ENV ?= local',
      'HAVE_COMPOSE := $(shell docker info)',
      'url api-key: COMPOSE_RUN_FLAGS := --no-TTY',
      'export PATH := $(NODE_BIN_DIR):$(PATH)',
      'DESC = $(or $(EMULATOR_PORT),4566) $(HAVE_COMPOSE) $(COMPOSE_RUN_FLAGS)',
      '_clean:',
      '\trm -rf cdktf.out/$${DEPLOY_ID:-$(ENV)} # $(NOT_IN_A_COMMENT)',
      '\t$(RUN) _clean $(if $(CONFIRM),CONFIRM=$(CONFIRM))',
    ].join('\n');

    expect(sorted(makefileReads(source))).toEqual(['CONFIRM', 'DEPLOY_ID', 'EMULATOR_PORT', 'ENV', 'NODE_BIN_DIR', 'RUN']);
  });

  it('compose: interpolation and build args given by name', () => {
    const source = [
      'services:',
      '  emulator:',
      '    image: ${EMULATOR_IMAGE:-localstack/localstack:4.14.0}',
      '    # ${NOT_IN_A_COMMENT}',
      '  tools:',
      '    build:',
      '      args:',
      '        - NODE_IMAGE',
      '        - FIXED=value',
      '    environment:',
      '      SET_HERE: "1"',
      '      ESCAPED: $${NOT_INTERPOLATED}',
    ].join('\n');

    expect(sorted(composeReads(source))).toEqual(['EMULATOR_IMAGE', 'NODE_IMAGE']);
  });

  it('Python: os.environ and os.getenv, directly or through a function given the name', () => {
    const source = [
      "os.environ['A_B']; os.environ.get('C_D', ''); os.getenv(\"E\")",
      'def _listed(variable):',
      '    return set(os.environ.get(variable, "").split(","))',
      '',
      'hosts = _listed("EMULATOR_ALLOWED_HOSTS")',
      'other = print("NOT_A_READ")',
    ].join('\n');

    expect(sorted(pythonReads(source))).toEqual(['A_B', 'C_D', 'E', 'EMULATOR_ALLOWED_HOSTS']);
  });

  it('TypeScript: a declaration of the variable a function reads its table name from', () => {
    expect(sorted(typescriptReads("customers: { variable: 'DB_NAME', actions: ['dynamodb:GetItem'] },"))).toEqual(['DB_NAME']);
  });
});
