// The deployed stack's outputs for the scripts a user runs against it (make items, console, seed): the file make
// deploy writes once, .state/<DEPLOY_ID or ENV>/outputs.json, with a clear error before anything is deployed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readOutputs } from '../dev/deployment';
import type { StackOutputs } from '../../integration/support/stack';

const ROOT = path.resolve(__dirname, '../..');

export function deployedOutputs(env = process.env.ENV?.trim() || 'local'): StackOutputs {
  const workspace = process.env.DEPLOY_ID?.trim() || env;
  const file = path.join(ROOT, '.state', workspace, 'outputs.json');
  if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} not found: deploy first (make deploy ENV=${env})`);
  return readOutputs({ root: ROOT, workspace });
}

/** A positive whole number from the environment (N=…), or the default; names the variable when it is not one. */
export function countFrom(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number (got "${raw}")`);
  return value;
}
