import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { KmsKey } from './kms-key';

/**
 * One JSON line per request, from safe `$context` fields only: who (source IP, the API key's id, never its
 * value), what (method, resource template, not the raw path), the outcome and timing. No body, no headers,
 * and no `$context.error.validationErrorString`, which can quote the rejected values.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  apiKeyId: '$context.identity.apiKeyId',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  errorType: '$context.error.responseType',
} as const;

export const ACCESS_LOG_FORMAT = JSON.stringify(ACCESS_LOG_FIELDS);

export interface AccessLogProps {
  readonly name: string;
  readonly retentionDays: number;
  readonly key: KmsKey;
}

/** The stage's access log group: managed retention, encrypted with the stack's key. */
export class AccessLog extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly format = ACCESS_LOG_FORMAT;

  constructor(scope: Construct, id: string, props: AccessLogProps) {
    super(scope, id);
    props.key.allowCloudWatchLogs(props.name);
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: props.name,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.key.arn,
    });
  }
}
