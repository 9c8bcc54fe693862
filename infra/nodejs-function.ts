import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { AssetType, ITerraformDependable, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { EncryptedTable } from './encrypted-table';
import { KmsKey } from './kms-key';
import { dynamoDbKmsActions, PolicyStatement, policyDocument, viaDynamoDb, writesWith } from './policy-document';

export interface NodejsFunctionProps {
  readonly functionName: string;
  /** Absolute path of the zip with `index.js` exporting `handler`. */
  readonly bundlePath: string;
  readonly logRetentionDays: number;
  /** Encrypts the function's log group. */
  readonly logKey: KmsKey;
  readonly environment?: Readonly<Record<string, string>>;
  /** The bundle is plain JavaScript (esbuild, no native modules), so it runs on either. */
  readonly architecture: 'arm64' | 'x86_64';
  /** ARN of the managed policy that caps the role (the aws profile's deployer may only create bounded roles). */
  readonly permissionsBoundary?: string;
}

/** What a function may do with one table, and the environment variable that names it. */
export interface TableAccess {
  readonly variable: string;
  /** Statement id: letters and digits, unique within the role policy. */
  readonly sid: string;
  readonly actions: readonly `dynamodb:${string}`[];
}

const ASSUME_ROLE = policyDocument([
  { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
]);

/**
 * Lambda + its role + its log group. Access is granted through `use*` helpers that set the
 * environment variable and the IAM statements together, so permissions never drift from usage.
 */
export class NodejsFunction extends Construct {
  readonly lambda: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  /** What a first call needs: its log group and its permissions. Whatever routes calls to the function waits for it. */
  readonly ready: ITerraformDependable[];
  private readonly rolePolicy: IamRolePolicy;
  private readonly statements: PolicyStatement[] = [];
  private readonly environment: Record<string, string>;
  /** Each key its tables use, and whether any of those uses writes. */
  private readonly keysInUse = new Map<KmsKey, boolean>();

  constructor(scope: Construct, id: string, props: NodejsFunctionProps) {
    super(scope, id);
    if (!existsSync(props.bundlePath)) {
      throw new Error(`Lambda bundle ${path.relative(process.cwd(), props.bundlePath)} not found: run \`make build\` first`);
    }
    // The bundle ships index.js.map (service/build.ts): with it an ERROR's stack names our .ts files and lines.
    this.environment = { NODE_OPTIONS: '--enable-source-maps', ...props.environment };

    // Created by us (not by Lambda on first log line) so retention, encryption and deletion are managed.
    const logGroupName = `/aws/lambda/${props.functionName}`;
    props.logKey.allowCloudWatchLogs(logGroupName);
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKey.arn,
    });
    this.role = new IamRole(this, 'role', {
      name: props.functionName,
      assumeRolePolicy: ASSUME_ROLE,
      permissionsBoundary: props.permissionsBoundary,
    });
    this.statements.push({
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${this.logGroup.arn}:*`,
    });
    this.rolePolicy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.name,
      policy: policyDocument(this.statements),
    });

    // The asset copies the zip next to the synthesized stack; its content hash redeploys on code change.
    const bundle = new TerraformAsset(this, 'bundle', { path: props.bundlePath, type: AssetType.FILE });
    this.lambda = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      role: this.role.arn,
      runtime: 'nodejs24.x',
      handler: 'index.handler',
      filename: bundle.path,
      sourceCodeHash: bundle.assetHash,
      memorySize: 256,
      // The handler's deadline (service/src/deadline.ts) ends every DynamoDB call 1 s before this runs out, so a slow
      // DynamoDB gets a 503 with Retry-After rather than a killed function; below API Gateway's 29 s.
      timeout: 15,
      architectures: [props.architecture],
      environment: { variables: this.environment },
      // No depends_on the log group or the policy: both wait for the KMS key, and the function (whose create the
      // provider polls for 5 s) is created alongside them instead, a quarter of a fresh apply. Lambda never makes an
      // unmanaged log group anyway (the role is never granted logs:CreateLogGroup), and callers wait on `ready`.
    });
    this.ready = [this.logGroup, this.rolePolicy];
    // What Lambda reports as CodeSha256 for this zip (provider >= 6.x; no binding field in @cdktf/provider-aws): code
    // pushed around Terraform (`make dev`) shows up as a difference on refresh, so the next deploy puts the bundle back.
    this.lambda.addOverride('code_sha256', createHash('sha256').update(readFileSync(props.bundlePath)).digest('base64'));
  }

  /**
   * Sets `access.variable` to the table's name and grants exactly `access.actions` on that table, plus its key
   * through DynamoDB (one statement per key, however many tables share it): decrypt only, unless a use writes.
   */
  useTable(table: EncryptedTable, access: TableAccess): void {
    this.setEnvironment(access.variable, table.name);
    this.statements.push({ Sid: access.sid, Effect: 'Allow', Action: access.actions, Resource: table.arn });
    const writes = (this.keysInUse.get(table.key) ?? false) || writesWith(access.actions);
    this.keysInUse.set(table.key, writes);
    this.rolePolicy.policy = policyDocument([...this.statements, ...this.keyStatements()]);
    table.key.allowUseViaDynamoDb(this.role, writes);
  }

  private keyStatements(): PolicyStatement[] {
    return [...this.keysInUse].map(([key, writes], index) => ({
      Sid: `UseTableKeyThroughDynamoDb${index > 0 ? index + 1 : ''}`,
      Effect: 'Allow',
      Action: dynamoDbKmsActions(writes),
      Resource: key.arn,
      Condition: viaDynamoDb(key.region),
    }));
  }

  /**
   * X-Ray: Lambda traces every invocation (Active) and the role may send the segments. X-Ray's write actions have no
   * resource-level permissions, hence `*`.
   */
  enableTracing(): void {
    this.lambda.putTracingConfig({ mode: 'Active' });
    this.statements.push({ Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' });
    this.rolePolicy.policy = policyDocument([...this.statements, ...this.keyStatements()]);
  }

  private setEnvironment(name: string, value: string): void {
    this.environment[name] = value;
    this.lambda.putEnvironment({ variables: { ...this.environment } });
  }
}
