import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadProfile } from './profiles';
import { CONSEQUENCES, describeChanges, settingChanges, UNSET, workspaceSettings } from './workspace-settings';

describe('the settings recorded per workspace', () => {
  const teamState = { DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-1', TF_STATE_BUCKET: 'team-state', TF_STATE_LOCK_TABLE: 'locks' };

  it('hold the backend and every setting that decides an account-wide or stateful resource', () => {
    expect(workspaceSettings(loadProfile({ ...teamState, API_GATEWAY_LOGS_ROLE: 'managed', ALARM_EMAIL: 'ops@example.com' }))).toEqual({
      AWS_REGION: 'eu-west-1',
      TF_STATE_BUCKET: 'team-state',
      TF_STATE_REGION: 'eu-west-1',
      TF_STATE_LOCK_TABLE: 'locks',
      TF_STATE_KMS_KEY: 'alias/customers-api-state',
      STATE_LOCATION: 's3://team-state/customers-api/aws/{params,api}.tfstate',
      API_GATEWAY_LOGS_ROLE: 'managed',
      TABLE_DELETION_PROTECTION: 'on',
      ALARM_EMAIL: 'ops@example.com',
    });
    expect(workspaceSettings(loadProfile({ DEPLOY_ENV: 'aws', DEPLOY_ID: 'pr-7' }))).toMatchObject({
      TF_STATE_BUCKET: UNSET, STATE_LOCATION: '.state/pr-7/{params,api}.tfstate', ALARM_EMAIL: UNSET,
    });
  });

  it('explain what changing each of them does', () => {
    expect(Object.keys(workspaceSettings(loadProfile(teamState))).filter((name) => !CONSEQUENCES[name])).toEqual([]);
  });

  it('name each change, how to restore it (unset what was unset) and how to change it on purpose', () => {
    const recorded = workspaceSettings(loadProfile({ DEPLOY_ENV: 'aws' }));
    const current = workspaceSettings(loadProfile({ DEPLOY_ENV: 'aws', API_GATEWAY_LOGS_ROLE: 'managed', ALARM_EMAIL: 'a@b.io' }));
    const changes = settingChanges(recorded, current);
    expect(changes.map((c) => c.name)).toEqual(['API_GATEWAY_LOGS_ROLE', 'ALARM_EMAIL']);
    const message = describeChanges(changes, 'SSM /x', 'aws');
    expect(message).toContain('API_GATEWAY_LOGS_ROLE: recorded "existing", now "managed"');
    expect(message).toContain('  export API_GATEWAY_LOGS_ROLE=existing\n  unset ALARM_EMAIL');
    expect(message).toContain('make settings-update ENV=aws');
    expect(message).not.toContain('migrate-state'); // only a backend change needs the state moved
  });

  it('are each named in docs/aws.md', () => {
    const docs = readFileSync(path.join(__dirname, '..', 'docs', 'aws.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Settings recorded per workspace'), docs.indexOf('## Teardown'));
    expect(Object.keys(workspaceSettings(loadProfile(teamState))).filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
  });
});
