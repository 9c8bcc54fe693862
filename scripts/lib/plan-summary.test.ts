import { countChanges, formatSummary, plannedChanges } from './plan-summary';

const entry = (address: string, actions: string[]) => ({ address, type: address.split('.')[0], change: { actions } });

describe('plan summary', () => {
  const plan = {
    resource_changes: [
      entry('aws_cloudwatch_metric_alarm.errors', ['create']),
      entry('aws_lambda_function.create', ['update']),
      entry('aws_api_gateway_deployment.d', ['create', 'delete']),
      entry('aws_dynamodb_table.customers', ['delete']),
      entry('aws_kms_key.key', ['delete', 'create']),
      entry('aws_iam_role.r', ['no-op']),
      entry('data.aws_ssm_parameter.db', ['read']),
    ],
    resource_drift: [
      { ...entry('aws_lambda_function.create', ['update']), change: { actions: ['update'], before: { memory_size: 256 }, after: { memory_size: 512 } } },
      { ...entry('aws_sns_topic.alarms', ['update']), change: { actions: ['update'], before: { tags: null, n: [] }, after: { tags: {}, n: null } } },
    ],
  };

  it('counts a replacement as one add and one destroy, as tofu does, and leaves out no-ops and reads', () => {
    const changes = plannedChanges(plan);
    expect(changes.map((c) => c.action)).toEqual(['create', 'update', 'replace', 'delete', 'replace']);
    expect(countChanges(changes)).toEqual({ add: 3, change: 1, destroy: 3, replace: 2 });
  });

  it('prints one line per resource and flags destroying a resource that holds data', () => {
    const summary = formatSummary('api', plannedChanges(plan));
    expect(summary.split('\n')).toEqual([
      'api: 3 to add, 1 to change, 3 to destroy (2 replaced)',
      '  +   aws_cloudwatch_metric_alarm.errors  (create)',
      '  ~   aws_lambda_function.create  (update in place)',
      '  -/+ aws_api_gateway_deployment.d  (REPLACE (destroy, then create))',
      '  -   aws_dynamodb_table.customers  (DESTROY)   <- holds data',
      '  -/+ aws_kms_key.key  (REPLACE (destroy, then create))   <- holds data',
    ]);
  });

  it('reads what refresh found changed outside OpenTofu from resource_drift, unset and empty counting as one', () => {
    expect(plannedChanges(plan, 'drift')).toEqual([{ address: 'aws_lambda_function.create', type: 'aws_lambda_function', action: 'update' }]);
    expect(formatSummary('api', [])).toBe('api: no changes');
  });
});
