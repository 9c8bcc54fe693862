// SDK clients aimed at the emulator, with the local profile's test credentials (the emulator's root) unless given others.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

export type AwsClients = ReturnType<typeof awsClients>;
export interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

export function awsClients(endpoint: string, credentials: Credentials = { accessKeyId: 'test', secretAccessKey: 'test' }) {
  const config = { endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials };
  return {
    apiGateway: new APIGatewayClient(config),
    cloudWatch: new CloudWatchClient(config),
    dynamodb: new DynamoDBClient(config),
    iam: new IAMClient(config),
    kms: new KMSClient(config),
    lambda: new LambdaClient(config),
    sns: new SNSClient(config),
    ssm: new SSMClient(config),
    sts: new STSClient(config),
  };
}
