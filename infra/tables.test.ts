// The tables beside DA_Serverless (see api-stack.test.ts for it): how each is keyed, encrypted and protected, and
// exactly what the function may do with it.
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { PolicyStatement } from './policy-document';
import { named, ref, refById, refNamed, synthProfile, Synthesized, TerraformJson } from './test-support/synth';

setupJest();

interface TableCase {
  suffix: string;
  variable: string;
  hashKey: string;
  actions: string[];
  ttlAttribute?: string;
}

const TABLES: TableCase[] = [
  { suffix: '_emails', variable: 'EMAILS_TABLE_NAME', hashKey: 'email', actions: ['dynamodb:PutItem'] },
  {
    suffix: '_idempotency',
    variable: 'IDEMPOTENCY_TABLE_NAME',
    hashKey: 'id',
    actions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
    // service/src/idempotency.ts stores the expiry there (IDEMPOTENCY_EXPIRY_ATTRIBUTE).
    ttlAttribute: 'expiration',
  },
];

const asList = (value: readonly string[] | string | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

describe.each([
  ['local', { DEPLOY_ENV: 'local', EMULATOR_ENDPOINT: 'http://127.0.0.1:4599' }],
  ['aws', { DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-3' }],
])('tables of the %s profile', (env, settings) => {
  let s: Synthesized;
  let json: TerraformJson;
  let statements: PolicyStatement[];
  beforeAll(() => {
    s = synthProfile(settings);
    json = s.apiJson;
    statements = rolePolicyStatements('create-customer');
  });
  const dbName = () => ref(json, 'aws_ssm_parameter', 'insecure_value', 'data');
  const rolePolicyStatements = (route: string): PolicyStatement[] => {
    const role = refNamed(json, 'aws_iam_role', `customers-api-${env}-${route}`, 'name');
    const policy = Object.values(json.resource.aws_iam_role_policy).find((config) => config.role === role);
    return JSON.parse(policy?.policy as string).Statement;
  };
  const variablesOf = (route: string) =>
    (named(json, 'aws_lambda_function', `customers-api-${env}-${route}`).config.environment as { variables: Record<string, string> }).variables;

  it('has DA_Serverless plus one table per case below, and nothing else', () => {
    const names = Object.values(json.resource.aws_dynamodb_table).map((table) => table.name);
    expect(names.sort()).toEqual([dbName(), ...TABLES.map(({ suffix }) => `${dbName()}${suffix}`)].sort());
  });

  describe.each(TABLES)('DA_Serverless$suffix', ({ suffix, variable, hashKey, actions, ttlAttribute }) => {
    const table = () => named(json, 'aws_dynamodb_table', `${dbName()}${suffix}`);
    const tableRef = (attribute: string) => refById('aws_dynamodb_table', table().id, attribute);

    it(`is named after the db-name parameter, keyed by ${hashKey} (S) only, on demand, with PITR`, () => {
      expect(table().config).toMatchObject({
        hash_key: hashKey,
        attribute: [{ name: hashKey, type: 'S' }],
        billing_mode: 'PAY_PER_REQUEST',
        point_in_time_recovery: { enabled: true },
      });
      expect(table().config).not.toHaveProperty('range_key');
    });

    it(ttlAttribute ? `expires items by TTL on ${ttlAttribute}` : 'keeps items (no TTL)', () => {
      if (ttlAttribute) expect(table().config.ttl).toEqual({ attribute_name: ttlAttribute, enabled: true });
      else expect(table().config).not.toHaveProperty('ttl');
    });

    it('is encrypted with the same customer managed key as DA_Serverless', () => {
      expect(table().config.server_side_encryption).toEqual({ enabled: true, kms_key_arn: ref(json, 'aws_kms_key', 'arn') });
    });

    it('is protected from deletion only on real AWS', () => {
      expect(table().config.deletion_protection_enabled).toBe(env === 'aws');
    });

    it(`reaches the create function as ${variable}, and not the get function, which never uses it`, () => {
      expect(variablesOf('create-customer')[variable]).toBe(`${dbName()}${suffix}`);
      expect(variablesOf('get-customer')).not.toHaveProperty(variable);
    });

    it(`may be used by the create function for ${actions.join(', ')} only, and not at all by the get function`, () => {
      const grantedTo = (route: string) =>
        rolePolicyStatements(route).filter((st) => asList(st.Resource).includes(tableRef('arn'))).flatMap((st) => asList(st.Action));
      expect([...grantedTo('create-customer')].sort()).toEqual([...actions].sort());
      expect(grantedTo('get-customer')).toEqual([]);
    });

    it('is exported as an output', () => {
      expect(json.output[`${suffix.slice(1)}_table_name`]).toEqual({ value: tableRef('name') });
    });
  });

  it('grants the key to the role once, through DynamoDB, however many tables share it', () => {
    const keyStatements = statements.filter((st) => asList(st.Resource).includes(ref(json, 'aws_kms_key', 'arn')));
    expect(keyStatements).toHaveLength(1);
    expect(keyStatements[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': `dynamodb.${s.profile.region}.amazonaws.com` } });
  });
});
