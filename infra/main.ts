// Synthesizes both stacks of the profile named by DEPLOY_ENV (local | aws) into cdktf.out/<DEPLOY_ID or env>.
import * as path from 'node:path';
import { createApp, defaultPaths } from './app';
import { loadProfile } from './profiles';

try {
  const profile = loadProfile(process.env);
  const paths = defaultPaths(profile);
  const { app, params, api } = createApp(profile, paths);
  app.synth();
  const outdir = path.relative(process.cwd(), paths.outdir);
  console.log(`synthesized ${profile.env} (${profile.region}): ${outdir}/stacks/{${params.node.id},${api.node.id}}/cdk.tf.json`);
} catch (error) {
  // Message only: a stack trace adds nothing to "run `make build` first".
  console.error(`synth failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
