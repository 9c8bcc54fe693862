// The settings recorded per workspace (infra/workspace-settings.ts), for scripts/deploy.sh and `make settings-update`.
//   settings.ts check ENV          exit 4, saying what changed, when the settings differ from a record; 0 otherwise
//   settings.ts check-destroy ENV  the same, except TABLE_DELETION_PROTECTION (a confirmed destroy turns it off)
//   settings.ts record ENV         writes the record where it is missing (deploy.sh: before the first apply)
//   settings.ts update ENV         prints what changes and records the current settings (a change on purpose)
//   settings.ts forget ENV         deletes the record (deploy.sh: after a confirmed destroy)
// The record is kept twice: in the target account and region as an SSM parameter, which a teammate's fresh clone
// finds whatever backend settings it has (the backend is the very thing that may be missing), and beside the
// workspace (.state/<workspace>/settings.json), which catches a shell pointed at another region or account.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { APP_NAME, loadProfile } from '../infra/profiles';
import {
  describeChanges, settingChanges, SettingChange, workspaceSettings, WorkspaceSettings,
} from '../infra/workspace-settings';

const SETTINGS_CHANGED = 4;
const repoRoot = path.resolve(__dirname, '..');

interface Record { readonly where: string; readonly settings: WorkspaceSettings }

const [action, env] = process.argv.slice(2);
let profile: ReturnType<typeof loadProfile>;
try {
  profile = loadProfile({ ...process.env, DEPLOY_ENV: env });
} catch (error) {
  console.error(`settings: ${(error as Error).message}`);
  process.exit(2);
}
const current = workspaceSettings(profile);
const parameterName = `/${APP_NAME}/${profile.env}/deploy-settings/${profile.workspace}`;
const localFile = path.join(repoRoot, '.state', profile.workspace, 'settings.json');
const ssm = new SSMClient({});

function readLocal(): Record | undefined {
  if (!existsSync(localFile)) return undefined;
  return { where: path.relative(process.cwd(), localFile), settings: JSON.parse(readFileSync(localFile, 'utf8')) as WorkspaceSettings };
}

async function readRemote(): Promise<Record | undefined> {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: parameterName }));
    return { where: `SSM ${parameterName} in ${profile.region}`, settings: JSON.parse(Parameter?.Value ?? '{}') as WorkspaceSettings };
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound') return undefined;
    throw error;
  }
}

const writeLocal = () => {
  mkdirSync(path.dirname(localFile), { recursive: true, mode: 0o700 });
  writeFileSync(localFile, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
};
const writeRemote = () => ssm.send(new PutParameterCommand({
  Name: parameterName,
  Type: 'String',
  Overwrite: true,
  Description: 'customers-api: settings recorded at the first deploy (scripts/settings.ts); make settings-update changes them',
  Value: JSON.stringify(current),
}));

/** The first record that differs from the current settings, with its changes (local first: it needs no call). */
async function firstDifference(ignore: readonly string[]): Promise<{ record: Record; changes: SettingChange[] } | undefined> {
  for (const read of [async () => readLocal(), readRemote]) {
    const record = await read();
    if (!record) continue;
    const changes = settingChanges(record.settings, current).filter((c) => !ignore.includes(c.name));
    if (changes.length > 0) return { record, changes };
  }
  return undefined;
}

async function check(ignore: readonly string[], quiet = false): Promise<void> {
  const difference = await firstDifference(ignore);
  if (difference) {
    console.error(describeChanges(difference.changes, difference.record.where, profile.env));
    process.exit(SETTINGS_CHANGED);
  }
  if (quiet) return;
  const recorded = readLocal() ?? await readRemote();
  console.log(recorded
    ? `settings: as recorded for '${profile.workspace}' (${recorded.where})`
    : `settings: none recorded yet for '${profile.workspace}' (recorded at its first apply)`);
}

async function main(): Promise<void> {
  switch (action) {
    case 'check': return check([]);
    case 'check-destroy': return check(['TABLE_DELETION_PROTECTION']);
    case 'record': {
      await check([], true);
      const [local, remote] = [readLocal(), await readRemote()];
      if (!remote) await writeRemote();
      if (!local) writeLocal();
      if (!local || !remote) console.log(`settings recorded: ${parameterName} in ${profile.region} and ${path.relative(process.cwd(), localFile)}`);
      return;
    }
    case 'update': {
      const before = readLocal() ?? await readRemote();
      const changes = before ? settingChanges(before.settings, current) : [];
      for (const c of changes) console.log(`  ${c.name}: ${c.recorded} -> ${c.current}`);
      await writeRemote();
      writeLocal();
      console.log(`settings recorded for '${profile.workspace}' (${changes.length} changed): ${parameterName} in ${profile.region} and ${path.relative(process.cwd(), localFile)}`);
      return;
    }
    case 'forget': {
      await ssm.send(new DeleteParameterCommand({ Name: parameterName })).catch((error: Error) => {
        if (error.name !== 'ParameterNotFound') throw error;
      });
      rmSync(localFile, { force: true });
      console.log(`settings record of '${profile.workspace}' removed (the next deploy is a first one)`);
      return;
    }
    default:
      throw new Error('usage: settings.ts check|check-destroy|record|update|forget ENV');
  }
}

main().catch((error: Error) => {
  console.error(`settings: ${error.name}: ${error.message} (reading or writing ${parameterName} in ${profile.region})`);
  process.exit(1);
});
