import { loadProfile } from './profiles';

describe('loadProfile', () => {
  it('defaults to the local profile against http://localhost:4566 in us-east-1', () => {
    const profile = loadProfile({});
    expect(profile).toMatchObject({
      env: 'local',
      workspace: 'local',
      region: 'us-east-1',
      namePrefix: 'customers-api-local',
      target: { kind: 'emulator', endpoint: 'http://localhost:4566' },
    });
  });

  it('rejects an unknown DEPLOY_ENV, naming the allowed values', () => {
    expect(() => loadProfile({ DEPLOY_ENV: 'prod' })).toThrow('DEPLOY_ENV must be one of local, aws (got "prod")');
  });

  it('takes the region from AWS_REGION first, then AWS_DEFAULT_REGION', () => {
    expect(loadProfile({ DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' }).region).toBe('eu-west-1');
    expect(loadProfile({ DEPLOY_ENV: 'aws', AWS_DEFAULT_REGION: 'us-west-2' }).region).toBe('us-west-2');
    expect(loadProfile({ DEPLOY_ENV: 'aws', AWS_REGION: ' ' }).region).toBe('us-east-1');
  });

  it('rejects an EMULATOR_ENDPOINT that is not an http(s) URL', () => {
    expect(() => loadProfile({ EMULATOR_ENDPOINT: 'localhost:4566' })).toThrow(/EMULATOR_ENDPOINT must be an http\(s\) URL/);
  });

  it('builds the local URL from EMULATOR_PUBLIC_ENDPOINT when the deployer reaches the emulator elsewhere', () => {
    const profile = loadProfile({ EMULATOR_ENDPOINT: 'http://emulator:4566', EMULATOR_PUBLIC_ENDPOINT: 'http://localhost:4566' });
    expect(profile.target).toEqual({ kind: 'emulator', endpoint: 'http://emulator:4566' });
    expect(profile.stageUrl({ apiId: 'abc', stageName: 'v1', invokeUrl: '' })).toBe('http://localhost:4566/_aws/execute-api/abc/v1');
    expect(loadProfile({}).stageUrl({ apiId: 'abc', stageName: 'v1', invokeUrl: '' })).toBe(
      'http://localhost:4566/_aws/execute-api/abc/v1',
    );
  });

  it('rejects a DEPLOY_ID that cannot name a directory safely', () => {
    expect(() => loadProfile({ DEPLOY_ID: '../elsewhere' })).toThrow(/DEPLOY_ID must be lowercase letters, digits and dashes/);
  });

  it('names SSM parameters per env and keeps the table name DA_Serverless', () => {
    for (const env of ['local', 'aws']) {
      expect(loadProfile({ DEPLOY_ENV: env })).toMatchObject({
        dbName: 'DA_Serverless',
        parameterNames: { dbName: `/customers-api/${env}/db-name`, apiKey: `/customers-api/${env}/api-key` },
        stageName: 'v1',
        logRetentionDays: 14,
      });
    }
  });

  it('protects the table and throttles harder on real AWS than on the emulator', () => {
    const local = loadProfile({ DEPLOY_ENV: 'local' });
    const aws = loadProfile({ DEPLOY_ENV: 'aws' });
    expect([local.tableDeletionProtection, aws.tableDeletionProtection]).toEqual([false, true]);
    expect(aws.usagePlan.rateLimit).toBeLessThan(local.usagePlan.rateLimit);
  });

  it('manages the API Gateway logging role on the emulator, and on AWS only when API_GATEWAY_LOGS_ROLE=managed', () => {
    expect(loadProfile({ DEPLOY_ENV: 'local' }).apiGatewayLogsRole).toBe('managed');
    expect(loadProfile({ DEPLOY_ENV: 'aws' }).apiGatewayLogsRole).toBe('existing');
    expect(loadProfile({ DEPLOY_ENV: 'aws', API_GATEWAY_LOGS_ROLE: 'managed' }).apiGatewayLogsRole).toBe('managed');
    expect(() => loadProfile({ DEPLOY_ENV: 'aws', API_GATEWAY_LOGS_ROLE: 'yes' }))
      .toThrow('API_GATEWAY_LOGS_ROLE must be one of managed, existing (got "yes")');
  });

  it('reads the S3 state settings only for the aws profile, encrypting the objects with the state key', () => {
    expect(loadProfile({ DEPLOY_ENV: 'aws', TF_STATE_BUCKET: 'b', AWS_REGION: 'eu-west-1' }).target).toEqual({
      kind: 'aws',
      s3State: { bucket: 'b', region: 'eu-west-1', lockTable: undefined, kmsKeyId: 'alias/customers-api-state' },
    });
    expect(loadProfile({ DEPLOY_ENV: 'local', TF_STATE_BUCKET: 'b' }).target.kind).toBe('emulator');
  });

  it('encrypts state with a passphrase-derived key locally and with the state KMS key on aws', () => {
    expect(loadProfile({ DEPLOY_ENV: 'local' }).stateEncryption).toEqual({ keyProvider: 'pbkdf2' });
    expect(loadProfile({ DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-1' }).stateEncryption)
      .toEqual({ keyProvider: 'aws_kms', kmsKeyId: 'alias/customers-api-state', region: 'eu-west-1' });
    expect(loadProfile({ DEPLOY_ENV: 'aws', TF_STATE_KMS_KEY: 'alias/other' }).stateEncryption)
      .toEqual(expect.objectContaining({ kmsKeyId: 'alias/other' }));
  });

  it('keeps the key 30 days after destroy on aws (backups outlive the table), the minimum 7 on the emulator', () => {
    expect(loadProfile({ DEPLOY_ENV: 'aws' }).keyDeletionWindowDays).toBe(30);
    expect(loadProfile({ DEPLOY_ENV: 'local' }).keyDeletionWindowDays).toBe(7);
  });

  it('turns table deletion protection off on aws only for TABLE_DELETION_PROTECTION=off (the confirmed clean)', () => {
    expect(loadProfile({ DEPLOY_ENV: 'aws', TABLE_DELETION_PROTECTION: 'off' }).tableDeletionProtection).toBe(false);
    expect(loadProfile({ DEPLOY_ENV: 'aws', TABLE_DELETION_PROTECTION: 'no' }).tableDeletionProtection).toBe(true);
  });

  it('rehearses the aws settings on an emulator only when AWS_REHEARSAL_ENDPOINT is set', () => {
    const rehearsal = loadProfile({ DEPLOY_ENV: 'aws', AWS_REHEARSAL_ENDPOINT: 'http://127.0.0.1:4603/' });
    const aws = loadProfile({ DEPLOY_ENV: 'aws' });
    expect(rehearsal.target).toEqual({ kind: 'emulator', endpoint: 'http://127.0.0.1:4603' });
    expect(rehearsal.stageUrl({ apiId: 'abc', stageName: 'v1', invokeUrl: 'https://x' })).toBe('http://127.0.0.1:4603/_aws/execute-api/abc/v1');
    // Everything but where it deploys is the aws profile's.
    expect({ ...rehearsal, target: undefined, stageUrl: undefined }).toEqual({ ...aws, target: undefined, stageUrl: undefined });
    expect(loadProfile({ DEPLOY_ENV: 'local', AWS_REHEARSAL_ENDPOINT: 'http://127.0.0.1:4603' }).target)
      .toEqual({ kind: 'emulator', endpoint: 'http://localhost:4566' });
    expect(() => loadProfile({ DEPLOY_ENV: 'aws', AWS_REHEARSAL_ENDPOINT: 'localhost:4603' })).toThrow(/AWS_REHEARSAL_ENDPOINT must be an http\(s\) URL/);
  });
});
