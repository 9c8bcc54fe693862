import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { KmsKey } from './kms-key';
import { AlarmSettings } from './profiles';

export interface AlarmsProps {
  /** Every alarm's name starts with it (the deployer policy allows alarms named so). */
  readonly namePrefix: string;
  /** Encrypts the topic; its policy then lets CloudWatch publish. */
  readonly key: KmsKey;
  readonly settings: AlarmSettings;
  /** API Gateway publishes per API name and stage. */
  readonly stageName: string;
}

type Metric = Pick<CloudwatchMetricAlarmConfig, 'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'extendedStatistic'>;

/** `api/create-customer/function` -> `create-customer-function`: a construct id that names what is watched. */
const idOf = (watched: Construct): string => watched.node.path.split('/').slice(1).join('-');

/**
 * The aws profile's alarms, all to one SNS topic encrypted with the stack's key: per REST API its 5XX rate and p99
 * latency, per function its errors and throttles, per table its throttled reads and writes and its system errors.
 * What is watched is read from the stack, so a route's new function or table gets its alarms without a line here:
 * create this construct after everything else in the stack.
 */
export class Alarms extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];
  private readonly props: AlarmsProps;

  constructor(stack: TerraformStack, id: string, props: AlarmsProps) {
    super(stack, id);
    this.props = props;
    const existing = stack.node.findAll();
    const of = <T>(type: abstract new (...args: never[]) => T) => existing.filter((c): c is Construct & T => c instanceof type);

    const topicName = `${props.namePrefix}-alarms`;
    props.key.allowCloudWatchAlarms(topicName);
    this.topic = new SnsTopic(this, 'topic', { name: topicName, kmsMasterKeyId: props.key.arn });
    if (props.settings.email) {
      new SnsTopicSubscription(this, 'email', { topicArn: this.topic.arn, protocol: 'email', endpoint: props.settings.email });
    }

    const t = props.settings.thresholds;
    for (const api of of(ApiGatewayRestApi)) {
      const name = required(api.nameInput, api);
      const dimensions = { ApiName: name, Stage: props.stageName };
      this.alarm(api, '5xx-rate', `${name}-${props.stageName}-5xx-rate`, t.api5xxRate,
        `Share of requests answered 5XX reached ${t.api5xxRate * 100} %`,
        { namespace: 'AWS/ApiGateway', metricName: '5XXError', dimensions, statistic: 'Average' });
      this.alarm(api, 'latency-p99', `${name}-${props.stageName}-latency-p99`, t.apiLatencyP99Ms,
        `p99 latency reached ${t.apiLatencyP99Ms} ms`,
        { namespace: 'AWS/ApiGateway', metricName: 'Latency', dimensions, extendedStatistic: 'p99' });
    }
    for (const fn of of(LambdaFunction)) {
      const name = required(fn.functionNameInput, fn);
      const metric = (metricName: string): Metric =>
        ({ namespace: 'AWS/Lambda', metricName, dimensions: { FunctionName: name }, statistic: 'Sum' });
      this.alarm(fn, 'errors', `${name}-errors`, t.lambdaErrors, `${t.lambdaErrors}+ failed invocations`, metric('Errors'));
      this.alarm(fn, 'throttles', `${name}-throttles`, t.lambdaThrottles, `${t.lambdaThrottles}+ throttled invocations`, metric('Throttles'));
    }
    for (const table of of(DynamodbTable)) {
      // The customers table's name is read from SSM, so it may be a reference: the alarm name then resolves at apply.
      const name = required(table.nameInput, table);
      const metric = (metricName: string, extra: Record<string, string> = {}): Metric =>
        ({ namespace: 'AWS/DynamoDB', metricName, dimensions: { TableName: name, ...extra }, statistic: 'Sum' });
      for (const kind of ['Read', 'Write']) {
        this.alarm(table, `${kind.toLowerCase()}-throttles`, `${props.namePrefix}-${name}-${kind.toLowerCase()}-throttles`,
          t.dynamoDbThrottles, `${t.dynamoDbThrottles}+ throttled ${kind.toLowerCase()} events`, metric(`${kind}ThrottleEvents`));
      }
      for (const operation of t.dynamoDbOperations) {
        this.alarm(table, `system-errors-${operation}`, `${props.namePrefix}-${name}-system-errors-${operation}`,
          t.dynamoDbSystemErrors, `${t.dynamoDbSystemErrors}+ DynamoDB system errors on ${operation}`,
          metric('SystemErrors', { Operation: operation }));
      }
    }
  }

  private alarm(watched: Construct, what: string, alarmName: string, threshold: number, description: string, metric: Metric): void {
    const { thresholds } = this.props.settings;
    this.alarms.push(new CloudwatchMetricAlarm(this, `${idOf(watched)}-${what}`, {
      alarmName,
      alarmDescription: `${description} in ${thresholds.periodSeconds / 60} min (infra/profiles.ts thresholds)`,
      ...metric,
      period: thresholds.periodSeconds,
      evaluationPeriods: thresholds.evaluationPeriods,
      threshold,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      // No traffic is no trouble: an idle API stays OK instead of going INSUFFICIENT_DATA.
      treatMissingData: 'notBreaching',
      actionsEnabled: true,
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    }));
  }
}

function required(name: string | undefined, watched: Construct): string {
  if (!name) throw new Error(`${watched.node.path} has no name to watch: give it one`);
  return name;
}
