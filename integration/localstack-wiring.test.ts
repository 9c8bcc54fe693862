// LocalStack cannot run on our CI machines (its DynamoDB needs DynamoDB Local, whose licence rules it out there),
// so what it is given is checked here: the container testcontainers would create, and the compose file as Compose
// resolves it. The users' CI (.github/workflows/ci.yml) runs the suites against it for real.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EMULATOR_ENV_FILE, localStackContainer, readEnvFile } from './support/emulator-container';

const repoRoot = path.resolve(__dirname, '..');

// What the container would be created with (testcontainers keeps it in these protected fields until start).
const definitionOf = (container: object) =>
  container as unknown as { environment: Record<string, string>; hostConfig: { Binds?: string[] } };

describe('the LocalStack container testcontainers starts', () => {
  it('mounts the engine socket it was given, so LocalStack can start Lambda containers', () => {
    const container = definitionOf(localStackContainer('localstack/localstack:4.14.0', '/run/user/1000/docker.sock', {}));
    expect(container.hostConfig.Binds).toEqual(['/run/user/1000/docker.sock:/var/run/docker.sock:rw']);
  });

  it('gets every setting of localstack/emulator.env, the file compose gives its emulator', () => {
    const container = definitionOf(localStackContainer('localstack/localstack:4.14.0', '/var/run/docker.sock', {}));
    expect(container.environment).toMatchObject({
      SERVICES: 'apigateway,lambda,dynamodb,kms,ssm,iam,sts,logs',
      DISABLE_EVENTS: '1',
      LAMBDA_IGNORE_ARCHITECTURE: '1',
    });
    expect(container.environment).toMatchObject(readEnvFile(EMULATOR_ENV_FILE));
  });

  it('passes LOCALSTACK_AUTH_TOKEN only when it is set', () => {
    const without = definitionOf(localStackContainer('localstack/localstack:4.14.0', '/var/run/docker.sock', {}));
    expect(without.environment).not.toHaveProperty('LOCALSTACK_AUTH_TOKEN');

    const env = { LOCALSTACK_AUTH_TOKEN: 'ls-token-for-test' };
    const withToken = definitionOf(localStackContainer('localstack/localstack:4.16.0', '/var/run/docker.sock', env));
    expect(withToken.environment.LOCALSTACK_AUTH_TOKEN).toBe('ls-token-for-test');
  });
});

describe('readEnvFile', () => {
  const fileWith = (text: string) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'env-file-')), 'emulator.env');
    writeFileSync(file, text);
    return file;
  };

  it('reads KEY=value lines, skipping blank lines and comments', () => {
    expect(readEnvFile(fileWith('# a comment\n\nSERVICES=a,b\n  DEBUG=1  \nEMPTY=\n'))).toEqual({ SERVICES: 'a,b', DEBUG: '1', EMPTY: '' });
  });

  it.each([['a quoted value', 'A="x"'], ['an interpolation', 'A=${B}'], ['a line without =', 'SERVICES'], ['a lowercase key', 'a=1']])(
    'refuses %s, naming the file and line, instead of reading it differently from Compose',
    (_case, line) => {
      const file = fileWith(`# first\n${line}\n`);
      expect(() => readEnvFile(file)).toThrow(`${file}:2: expected KEY=value`);
    },
  );
});

describe('the compose file, as `docker compose config` resolves it', () => {
  // Compose interpolates from the environment: resolve with a known one (no EMULATOR_IMAGE, no token, no CI files).
  const config = (env: Record<string, string>, cwd = repoRoot) =>
    JSON.parse(
      execFileSync('docker', ['compose', '--file', 'docker-compose.yml', 'config', '--format', 'json'], {
        cwd,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOCKER_CONFIG: process.env.DOCKER_CONFIG ?? '', ...env },
      }),
    ) as ComposeConfig;
  interface ComposeConfig {
    services: Record<string, {
      image?: string;
      environment?: Record<string, string | null>;
      ports?: { host_ip?: string; published?: string; target: number }[];
      volumes?: { type: string; source?: string; target: string; read_only?: boolean }[];
      build?: { args?: Record<string, string | null> };
    }>;
  }

  it('gives the emulator the settings of localstack/emulator.env, the ones testcontainers passes too', () => {
    expect(config({}).services.emulator.environment).toMatchObject(readEnvFile(EMULATOR_ENV_FILE));
  });

  it('defaults the emulator to LocalStack 4.14.0, published on 127.0.0.1 only, with the Docker socket for its Lambdas', () => {
    const { emulator } = config({}).services;
    expect(emulator.image).toBe('localstack/localstack:4.14.0');
    expect(emulator.ports).toEqual([expect.objectContaining({ host_ip: '127.0.0.1', published: '4566', target: 4566 })]);
    expect(emulator.volumes).toContainEqual(
      expect.objectContaining({ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' }),
    );
  });

  it('keeps web pages out: no CORS headers from LocalStack, whose CORS checks stay on; the guard on for MiniStack', () => {
    const { emulator } = config({}).services;
    // localstack/aws/handlers/cors.py (4.14.0): CorsEnforcer refuses a foreign Origin or Referer with a 403 unless
    // DISABLE_CORS_CHECKS; execute-api calls are left to API Gateway's own CORS unless DISABLE_CUSTOM_CORS_APIGATEWAY
    // (the kit's API answers no preflight); DISABLE_CORS_HEADERS=1 sends no CORS headers even to the origins it
    // allows by default (its web app, file://, localhost), so no preflight passes and no response is readable.
    expect(emulator.environment).toMatchObject({ DISABLE_CORS_HEADERS: '1' });
    for (const loosening of ['DISABLE_CORS_CHECKS', 'EXTRA_CORS_ALLOWED_ORIGINS', 'DISABLE_CUSTOM_CORS_APIGATEWAY', 'DISABLE_PREFLIGHT_PROCESSING']) {
      expect(emulator.environment ?? {}).not.toHaveProperty(loosening);
    }
    // MiniStack images: scripts/emulator-guard, read-only, loaded by Python from PYTHONPATH; the tools container's
    // name for the emulator is the one Host it allows beyond loopback.
    expect(emulator.volumes).toContainEqual(expect.objectContaining({
      type: 'bind', source: path.join(repoRoot, 'scripts/emulator-guard'), target: '/opt/customers-api/emulator-guard', read_only: true,
    }));
    expect(emulator.environment).toMatchObject({ PYTHONPATH: '/opt/customers-api/emulator-guard', EMULATOR_ALLOWED_HOSTS: 'emulator' });
  });

  it('runs MiniStack with IAM enforced (AUTH=true; LocalStack ignores it)', () => {
    expect(config({}).services.emulator.environment).toMatchObject({ AUTH: 'true' });
  });

  it('passes the token to the emulator, never to the tools container', () => {
    const { emulator, tools } = config({ LOCALSTACK_AUTH_TOKEN: 'ls-token-for-test' }).services;
    expect(emulator.environment?.LOCALSTACK_AUTH_TOKEN).toBe('ls-token-for-test');
    expect(tools.environment ?? {}).not.toHaveProperty('LOCALSTACK_AUTH_TOKEN');
  });

  it('passes a Lambda network of your own to the emulator, and none by default (LocalStack then finds its own)', () => {
    expect(config({}).services.emulator.environment?.LAMBDA_DOCKER_NETWORK).toBe('');
    const { emulator, tools } = config({ LAMBDA_DOCKER_NETWORK: 'my-network' }).services;
    expect(emulator.environment?.LAMBDA_DOCKER_NETWORK).toBe('my-network');
    expect(tools.environment ?? {}).not.toHaveProperty('LAMBDA_DOCKER_NETWORK');
  });

  it("passes the token from the user's .env to the emulator only, and the kit's variables from it to tools", () => {
    // A copy of the compose project with a .env of its own, so the checkout's .env (yours) plays no part.
    const project = mkdtempSync(path.join(tmpdir(), 'compose-env-'));
    mkdirSync(path.join(project, 'localstack'));
    for (const file of ['docker-compose.yml', '.env.template', 'localstack/emulator.env']) {
      copyFileSync(path.join(repoRoot, file), path.join(project, file));
    }
    writeFileSync(path.join(project, '.env'), 'LOCALSTACK_AUTH_TOKEN=ls-token-from-dotenv\nTF_STATE_BUCKET=bucket-from-dotenv\n');
    const { emulator, tools } = config({}, project).services;
    expect(emulator.environment?.LOCALSTACK_AUTH_TOKEN).toBe('ls-token-from-dotenv');
    expect(tools.environment ?? {}).not.toHaveProperty('LOCALSTACK_AUTH_TOKEN');
    expect(tools.environment?.TF_STATE_BUCKET).toBe('bucket-from-dotenv');
    // The shell still wins over .env.
    expect(config({ TF_STATE_BUCKET: 'bucket-from-shell' }, project).services.tools.environment?.TF_STATE_BUCKET).toBe('bucket-from-shell');
  });

  it("gives the tools container the user's AWS settings from the shell and the emulator by its service name", () => {
    const { tools } = config({ AWS_REGION: 'eu-west-3', TF_STATE_BUCKET: 'my-state', API_GATEWAY_LOGS_ROLE: 'managed' }).services;
    expect(tools.environment).toMatchObject({
      AWS_REGION: 'eu-west-3',
      TF_STATE_BUCKET: 'my-state',
      API_GATEWAY_LOGS_ROLE: 'managed',
      EMULATOR_ENDPOINT: 'http://emulator:4566',
      EMULATOR_PUBLIC_ENDPOINT: 'http://localhost:4566',
    });
    // Unset in the shell: not set in the container either (no empty strings that would shadow ~/.aws).
    expect(tools.environment ?? {}).not.toHaveProperty('AWS_PROFILE');
  });

  it('builds the tools image on the official bases unless the build args are set', () => {
    const official = config({}).services.tools.build?.args ?? {};
    expect(official.NODE_IMAGE ?? null).toBeNull();
    const local = config({ NODE_IMAGE: 'customers-api/node:test', TOFU_IMAGE: 'customers-api/opentofu:test' }).services.tools;
    expect(local.build?.args).toEqual({ NODE_IMAGE: 'customers-api/node:test', TOFU_IMAGE: 'customers-api/opentofu:test' });
  });
});
