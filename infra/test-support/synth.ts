// Synthesizes the real stacks into a temp dir and exposes the Terraform JSON in a shape tests can read.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { ROUTES, type Route } from '../../service/src/routes';
import { AppPaths, createApp, CustomersApp } from '../app';
import { loadProfile, Profile } from '../profiles';

type Block = Record<string, unknown>;
export interface TerraformJson {
  resource: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
  output: Record<string, { value: unknown }>;
  provider: { aws: Block[] };
  terraform: { backend: Record<string, Block>; required_providers: Record<string, Block> };
}

export interface Synthesized {
  profile: Profile;
  paths: AppPaths;
  stacks: CustomersApp;
  /** Testing.synth output, for the cdktf jest matchers. */
  params: string;
  api: string;
  paramsJson: TerraformJson;
  apiJson: TerraformJson;
}

export const tempDir = (): string => mkdtempSync(path.join(tmpdir(), 'customers-infra-'));

/**
 * Opaque stand-ins for dist/<route>.zip, one per route (each its own content): synth only hashes and copies a bundle,
 * it never opens it. Returns the directory.
 */
export function fixtureBundles(dir: string, content = 'exports.handler = async () => ({ statusCode: 201 });', routes: readonly Route[] = ROUTES): string {
  for (const { name } of routes) writeFileSync(path.join(dir, `${name}.zip`), `// ${name}\n${content}`);
  return dir;
}

export function synthProfile(env: Record<string, string>, overrides: Partial<AppPaths> = {}, routes?: readonly Route[]): Synthesized {
  const root = tempDir();
  const profile = loadProfile(env);
  const paths: AppPaths = {
    outdir: path.join(root, 'cdktf.out', profile.workspace),
    bundleDir: fixtureBundles(root, undefined, routes),
    stateDir: path.join(root, '.state'),
    ...overrides,
  };
  const stacks = createApp(profile, paths, routes);
  const params = Testing.synth(stacks.params);
  const api = Testing.synth(stacks.api);
  return { profile, paths, stacks, params, api, paramsJson: JSON.parse(params), apiJson: JSON.parse(api) };
}

/** The single resource of `type`; fails loudly when there are none or several. */
export function only(json: TerraformJson, type: string, kind: 'resource' | 'data' = 'resource'): { id: string; config: Block } {
  const entries = Object.entries(json[kind][type] ?? {});
  if (entries.length !== 1) throw new Error(`expected exactly one ${kind} ${type}, found ${entries.length}`);
  const [id, config] = entries[0];
  return { id, config };
}

/** The single resource of `type` whose `name` (or `key`) is `name`; fails loudly when there are none or several. */
export function named(json: TerraformJson, type: string, name: string, key = type === 'aws_lambda_function' ? 'function_name' : 'name'): { id: string; config: Block } {
  const entries = Object.entries(json.resource[type] ?? {}).filter(([, config]) => config[key] === name);
  if (entries.length !== 1) throw new Error(`expected exactly one ${type} named ${name}, found ${entries.length}`);
  const [id, config] = entries[0];
  return { id, config };
}

/** Terraform reference to an attribute of the resource of `type` named `name`. */
export const refNamed = (json: TerraformJson, type: string, name: string, attribute: string): string =>
  `\${${type}.${named(json, type, name).id}.${attribute}}`;

/** Terraform reference to an attribute of the resource of `type` with logical id `id`. */
export const refById = (type: string, id: string, attribute: string): string => `\${${type}.${id}.${attribute}}`;

/** Terraform reference to an attribute of the single resource (or data source) of `type`. */
export function ref(json: TerraformJson, type: string, attribute: string, kind: 'resource' | 'data' = 'resource'): string {
  const prefix = kind === 'data' ? 'data.' : '';
  return `\${${prefix}${type}.${only(json, type, kind).id}.${attribute}}`;
}

export const stackDir = (synthesized: Synthesized, stack: TerraformStack): string =>
  path.join(synthesized.paths.outdir, 'stacks', stack.node.id);
