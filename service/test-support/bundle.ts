import { spawn } from 'node:child_process';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export interface BundleRun {
  exitCode: number | null;
  result?: APIGatewayProxyResult;
  logLines: string[];
  stderr: string;
}

const RESULT_MARKER = 'BUNDLE_RESULT ';
// Loads the bundle the way the Lambda runtime does (require + call handler) and prints the result on a marked line.
const RUNNER = `
const { handler } = require(process.argv[1]);
let input = '';
process.stdin.on('data', (chunk) => (input += chunk)).on('end', async () => {
  const result = await handler(JSON.parse(input), { awsRequestId: 'bundle-test' });
  process.stdout.write('\\n${RESULT_MARKER}' + JSON.stringify(result) + '\\n');
});`;

/** Invokes a built bundle in a fresh Node process with exactly `env` (plus PATH), outside jest's module sandbox. */
export function invokeBundle(bundlePath: string, event: APIGatewayProxyEvent, env: Record<string, string>): Promise<BundleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', RUNNER, bundlePath], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const lines = stdout.split('\n').filter(Boolean);
      const resultLine = lines.find((line) => line.startsWith(RESULT_MARKER));
      resolve({
        exitCode,
        result: resultLine ? (JSON.parse(resultLine.slice(RESULT_MARKER.length)) as APIGatewayProxyResult) : undefined,
        logLines: [...lines, ...stderr.split('\n')].filter((line) => line.startsWith('{')),
        stderr,
      });
    });
    child.stdin.end(JSON.stringify(event));
  });
}
