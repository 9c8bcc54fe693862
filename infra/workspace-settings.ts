// The settings that decide whether an account-wide or stateful resource exists, or where the state that tracks them
// lives, as one flat record per workspace: scripts/settings.ts writes it at the first aws deploy and stops a later
// deploy, plan, drift check or clean whose settings differ. Each key is the variable that sets it.
import { Profile } from './profiles';

export type WorkspaceSettings = Readonly<Record<string, string>>;

export const UNSET = '(unset)';

/** Why a change of each setting is not a detail: printed with the difference. */
export const CONSEQUENCES: Readonly<Record<string, string>> = {
  AWS_REGION: 'the stack and its state key live in the recorded region; another region plans a second stack from this state',
  TF_STATE_BUCKET: 'the state lives there: another bucket (or none: local state) starts from an empty state and creates everything again',
  TF_STATE_REGION: 'the region of the state bucket',
  TF_STATE_LOCK_TABLE: 'two deploys with different locks can run at once and corrupt the state',
  TF_STATE_KMS_KEY: 'the state is encrypted with this key: another key cannot read it',
  API_GATEWAY_LOGS_ROLE: 'managed -> existing destroys the account-wide API Gateway CloudWatch role (every API in the region loses logging); existing -> managed replaces the account\'s',
  TABLE_DELETION_PROTECTION: 'off lets a destroy, or a replacement, delete every customer',
  ALARM_EMAIL: 'the alarm topic\'s email subscription is created, replaced or removed',
  STATE_LOCATION: 'where both stacks\' state is read and written (TF_STATE_BUCKET, TF_STATE_REGION, DEPLOY_ID)',
};

/** What to change on purpose instead: the backend settings need the state moved first. */
export const BACKEND_SETTINGS = ['TF_STATE_BUCKET', 'TF_STATE_REGION', 'TF_STATE_LOCK_TABLE', 'TF_STATE_KMS_KEY', 'STATE_LOCATION'];

export function workspaceSettings(profile: Profile): WorkspaceSettings {
  const s3 = profile.target.kind === 'aws' ? profile.target.s3State : undefined;
  const stateKey = profile.stateEncryption.keyProvider === 'aws_kms' ? profile.stateEncryption.kmsKeyId : UNSET;
  const stacks = `customers-api/${profile.workspace}/{params,api}.tfstate`;
  return {
    AWS_REGION: profile.region,
    TF_STATE_BUCKET: s3?.bucket ?? UNSET,
    TF_STATE_REGION: s3?.region ?? UNSET,
    TF_STATE_LOCK_TABLE: s3 ? (s3.lockTable ?? UNSET) : UNSET,
    TF_STATE_KMS_KEY: stateKey,
    STATE_LOCATION: s3 ? `s3://${s3.bucket}/${stacks}` : `.state/${profile.workspace}/{params,api}.tfstate`,
    API_GATEWAY_LOGS_ROLE: profile.apiGatewayLogsRole,
    TABLE_DELETION_PROTECTION: profile.tableDeletionProtection ? 'on' : 'off',
    ALARM_EMAIL: profile.alarms?.email ?? UNSET,
  };
}

export interface SettingChange {
  readonly name: string;
  readonly recorded: string;
  readonly current: string;
}

/** Every setting whose value differs from the record, in the record's order; a setting the record lacks is new. */
export function settingChanges(recorded: WorkspaceSettings, current: WorkspaceSettings): SettingChange[] {
  const names = [...new Set([...Object.keys(recorded), ...Object.keys(current)])];
  return names
    .map((name) => ({ name, recorded: recorded[name] ?? UNSET, current: current[name] ?? UNSET }))
    .filter((change) => change.recorded !== change.current);
}

const shown = (value: string) => (value === UNSET ? 'unset' : `"${value}"`);

/** The refusal: which settings changed, what each change would do, and both ways out. */
export function describeChanges(changes: readonly SettingChange[], where: string, env: string): string {
  const restore = changes
    .filter((c) => c.name !== 'STATE_LOCATION')
    .map((c) => (c.recorded === UNSET ? `unset ${c.name}` : `export ${c.name}=${c.recorded}`));
  const backend = changes.some((c) => BACKEND_SETTINGS.includes(c.name));
  return [
    `The settings differ from the ones recorded for this workspace (${where}). Nothing was changed.`,
    ...changes.map((c) => `  ${c.name}: recorded ${shown(c.recorded)}, now ${shown(c.current)}\n    (${CONSEQUENCES[c.name] ?? 'decides what is deployed'})`),
    'To go on with the recorded settings, set them again:',
    ...restore.map((line) => `  ${line}`),
    'To change them on purpose (the next plan shows what that does), record the current ones:',
    `  make settings-update ENV=${env}`,
    ...(backend ? ['  A backend change also needs the state moved first (tofu init -migrate-state in each stack\'s', '  cdktf.out/<workspace>/stacks/<stack>); settings-update only changes the record.'] : []),
  ].join('\n');
}
