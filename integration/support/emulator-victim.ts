// What a web page would be after on a developer's local emulator, set up through the SDK (no deploy needed): the
// API key parameter (a SecureString), a table with a customer in it, and a function that leaves a mark on disk each
// time it runs, so a test can tell whether an attack invoked it even when the attacker never saw a response.
import { appendFileSync, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ZipFile } from 'yazl';
import { awsClients } from './aws-clients';

export const VICTIM = {
  parameterName: '/customers-api/local/api-key',
  parameterValue: 'victim-api-key-value-0123456789',
  tableName: 'DA_Serverless',
  customerEmail: 'victim@example.com',
  functionName: 'customers-api-local-create-customer',
} as const;

export interface Victim {
  /** How many times the function has run since the victim was set up. */
  invocations(): number;
}

// Runs on the host (MiniStack's local executor), so it can write where the test reads.
const MARKING_HANDLER = `exports.handler = async () => {
  require('node:fs').appendFileSync(process.env.MARK_FILE, 'x');
  return { statusCode: 200, body: 'invoked' };
};`;

function zipOf(name: string, source: string): Promise<Buffer> {
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(source), name, { mtime: new Date(0) });
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** Sets the victim up on the emulator at `endpoint` with the local profile's credentials (root on MiniStack). */
export async function setUpVictim(endpoint: string): Promise<Victim> {
  const clients = awsClients(endpoint);
  const markFile = path.join(mkdtempSync(path.join(tmpdir(), 'victim-')), 'invocations');
  appendFileSync(markFile, '');
  await clients.ssm.send(new PutParameterCommand({
    Name: VICTIM.parameterName, Value: VICTIM.parameterValue, Type: 'SecureString', Overwrite: true,
  }));
  await clients.dynamodb.send(new CreateTableCommand({
    TableName: VICTIM.tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  await clients.dynamodb.send(new PutItemCommand({
    TableName: VICTIM.tableName,
    Item: { id: { S: 'c-1' }, email: { S: VICTIM.customerEmail } },
  }));
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const { Role } = await iam.send(new CreateRoleCommand({
    RoleName: VICTIM.functionName,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
  }));
  iam.destroy();
  await clients.lambda.send(new CreateFunctionCommand({
    FunctionName: VICTIM.functionName,
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Role: Role?.Arn,
    Code: { ZipFile: await zipOf('index.js', MARKING_HANDLER) },
    Environment: { Variables: { MARK_FILE: markFile } },
  }));
  await waitUntilFunctionActiveV2({ client: clients.lambda, maxWaitTime: 60 }, { FunctionName: VICTIM.functionName });
  for (const client of Object.values(clients)) client.destroy();
  return { invocations: () => (existsSync(markFile) ? readFileSync(markFile, 'utf8').length : 0) };
}

/** The emulator's log lines in which the guard refused a request (scripts/emulator-guard/emulator_guard.py). */
export const guardRefusals = (logFile: string): string[] =>
  readFileSync(logFile, 'utf8').split('\n').filter((line) => line.startsWith('emulator-guard: refused'));
