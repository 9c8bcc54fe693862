// Prints one SSM parameter's value (decrypted). Used by deploy.sh to read DB_NAME from SSM, as the seed asks.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

async function main(name: string | undefined): Promise<void> {
  if (!name) throw new Error('usage: read-parameter.ts <name>');
  const { Parameter } = await new SSMClient({}).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  process.stdout.write(`${Parameter?.Value ?? ''}\n`);
}

main(process.argv[2]).catch((error: Error) => {
  console.error(`read-parameter: ${error.name}: ${error.message}`);
  process.exit(1);
});
