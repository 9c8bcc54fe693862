// The tables beside DA_Serverless (see api-stack.test.ts for it), as service/src/tables.ts declares them: how each is
// keyed, encrypted and protected, and exactly what each function may do with it (what its route declares; each
// route's own test pins that).
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { ROUTES } from '../service/src/routes';
import { TABLE_NAMES, TABLES as DECLARED, type TableDeclaration } from '../service/src/tables';
import { PolicyStatement } from './policy-document';
import { named, ref, refById, refNamed, synthProfile, Synthesized, TerraformJson } from './test-support/synth';

setupJest();

interface TableCase {
  suffix: string;
  hashKey: string;
  ttlAttribute?: string;
  /** The routes that declare the table, with the variable and actions each declares. */
  uses: { route: string; variable: string; actions: readonly string[] }[];
}

const TABLES: TableCase[] = TABLE_NAMES.filter((name) => name !== 'customers').map((name) => {
  const { suffix, hashKey, ttlAttribute }: TableDeclaration = DECLARED[name];
  const uses = ROUTES.flatMap((route) => {
    const use = route.tables[name];
    return use ? [{ route: route.name, variable: use.variable, actions: use.actions }] : [];
  });
  return { suffix, hashKey, ttlAttribute, uses };
});

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

  it('has DA_Serverless plus one table per declared table (service/src/tables.ts), and nothing else', () => {
    const names = Object.values(json.resource.aws_dynamodb_table).map((table) => table.name);
    expect(names.sort()).toEqual([dbName(), ...TABLES.map(({ suffix }) => `${dbName()}${suffix}`)].sort());
  });

  describe.each(TABLES)('DA_Serverless$suffix', ({ suffix, hashKey, ttlAttribute, uses }) => {
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

    it('reaches each function whose route declares it, as the variable it declares, and no other function', () => {
      expect(uses.length).toBeGreaterThan(0);
      for (const { route, variable } of uses) expect(variablesOf(route)[variable]).toBe(`${dbName()}${suffix}`);
      for (const route of ROUTES.filter(({ name }) => !uses.some((use) => use.route === name))) {
        expect(Object.values(variablesOf(route.name))).not.toContain(`${dbName()}${suffix}`);
      }
    });

    it('may be used by each function for the actions its route declares only, and not at all by the others', () => {
      const grantedTo = (route: string) =>
        rolePolicyStatements(route).filter((st) => asList(st.Resource).includes(tableRef('arn'))).flatMap((st) => asList(st.Action));
      for (const { route, actions } of uses) expect([...grantedTo(route)].sort()).toEqual([...actions].sort());
      for (const route of ROUTES.filter(({ name }) => !uses.some((use) => use.route === name))) expect(grantedTo(route.name)).toEqual([]);
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
