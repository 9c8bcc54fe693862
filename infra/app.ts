import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { ApiStack } from './api-stack';
import { ParamsStack } from './params-stack';
import { Profile } from './profiles';
import type { Route } from '../service/src/routes';

const REPO_ROOT = path.resolve(__dirname, '..');

export interface AppPaths {
  /** Synth output; stacks land in `<outdir>/stacks/<stack>`. */
  readonly outdir: string;
  /** Where each route's zip is, as `<route>.zip` (service/build.ts writes them to dist/). */
  readonly bundleDir: string;
  /** Local backend state lives in `<stateDir>/<workspace>/<stack>.tfstate`. */
  readonly stateDir: string;
}

export const defaultPaths = (profile: Profile): AppPaths => ({
  outdir: path.join(REPO_ROOT, 'cdktf.out', profile.workspace),
  bundleDir: path.join(REPO_ROOT, 'dist'),
  stateDir: path.join(REPO_ROOT, '.state'),
});

export interface CustomersApp {
  readonly app: App;
  readonly params: ParamsStack;
  readonly api: ApiStack;
}

/** Both stacks of one profile; `params` must be applied before `api` reads its parameter. */
export function createApp(profile: Profile, paths: AppPaths = defaultPaths(profile), routes?: readonly Route[]): CustomersApp {
  mkdirSync(paths.outdir, { recursive: true }); // App creates only the last path segment
  const app = new App({ outdir: paths.outdir });
  const params = new ParamsStack(app, 'params', { profile, stateDir: paths.stateDir });
  const api = new ApiStack(app, 'api', { profile, stateDir: paths.stateDir, bundleDir: paths.bundleDir, routes });
  api.addDependency(params);
  return { app, params, api };
}
