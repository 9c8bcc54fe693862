// SDK clients aimed at the emulator with the local profile's test credentials.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';

export type AwsClients = ReturnType<typeof awsClients>;

export function awsClients(endpoint: string) {
  const config = {
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  return {
    apiGateway: new APIGatewayClient(config),
    cloudWatch: new CloudWatchClient(config),
    dynamodb: new DynamoDBClient(config),
    kms: new KMSClient(config),
    lambda: new LambdaClient(config),
    sns: new SNSClient(config),
    ssm: new SSMClient(config),
  };
}
