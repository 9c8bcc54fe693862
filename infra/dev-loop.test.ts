// What `make dev` relies on from the stack: a REST API id the emulator keeps across destroy and redeploy (a stable
// local URL), and a function that declares its zip's CodeSha256 (so a deploy replaces code the loop pushed).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROUTES } from '../service/src/routes';
import { named, only, synthProfile } from './test-support/synth';

describe('a stable local URL', () => {
  const local = () => synthProfile({ DEPLOY_ENV: 'local', EMULATOR_ENDPOINT: 'http://127.0.0.1:4599' });

  it('asks MiniStack (ms-custom-id) and LocalStack (_custom_id_) for the same fixed, lowercase 8-hex id', () => {
    const { config } = only(local().apiJson, 'aws_api_gateway_rest_api');
    const tags = config.tags as Record<string, string>;
    expect(tags['ms-custom-id']).toMatch(/^[0-9a-f]{8}$/);
    expect(tags._custom_id_).toBe(tags['ms-custom-id']);
  });

  it('derives the id from the name prefix, so every synth of the local profile asks for the same one', () => {
    const tagsOf = (env: Record<string, string>) =>
      only(synthProfile(env).apiJson, 'aws_api_gateway_rest_api').config.tags as Record<string, string>;
    const first = tagsOf({ DEPLOY_ENV: 'local' });
    expect(tagsOf({ DEPLOY_ENV: 'local', DEPLOY_ID: 'another-workspace' })).toEqual(first);
    expect(first['ms-custom-id']).toBe(createHash('sha256').update('customers-api-local').digest('hex').slice(0, 8));
  });

  it('sets no id tags on AWS, which assigns its own ids', () => {
    const { config } = only(synthProfile({ DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-3' }).apiJson, 'aws_api_gateway_rest_api');
    expect(config).not.toHaveProperty('tags');
  });
});

describe('code pushed by make dev is replaced by the next deploy', () => {
  it.each(['local', 'aws'])('%s: each route\'s function declares code_sha256 = base64 SHA-256 of its own bundle zip', (env) => {
    const synthesized = synthProfile({ DEPLOY_ENV: env });
    for (const { name } of ROUTES) {
      const zip = readFileSync(path.join(synthesized.paths.bundleDir, `${name}.zip`));
      expect(named(synthesized.apiJson, 'aws_lambda_function', `customers-api-${env}-${name}`).config.code_sha256).toBe(
        createHash('sha256').update(zip).digest('base64'),
      );
    }
  });
});
