import { Construct } from 'constructs';
import { Fn, ITerraformDependable } from 'cdktf';
import { ApiGatewayApiKey } from '@cdktf/provider-aws/lib/api-gateway-api-key';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { ApiGatewayUsagePlanKey } from '@cdktf/provider-aws/lib/api-gateway-usage-plan-key';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AccessLog } from './access-log';
import { CustomerBodyValidation } from './customer-body-validation';
import { NodejsFunction } from './nodejs-function';
import { StageAddress, UsagePlanLimits } from './profiles';

export const CUSTOMERS_PATH = 'customers';

export interface CustomersApiProps {
  readonly namePrefix: string;
  readonly handler: NodejsFunction;
  readonly stageName: string;
  readonly usagePlan: UsagePlanLimits;
  readonly stageUrl: (stage: StageAddress) => string;
  /** Asks an emulator for this id (see Profile.fixedRestApiId); unset on AWS. */
  readonly fixedRestApiId?: string;
  readonly accessLog: AccessLog;
  /** What must exist before the stage may log: API Gateway's account-wide CloudWatch role, when this stack sets it. */
  readonly stageDependsOn?: ITerraformDependable[];
}

/** REST API with one API-key protected route, `POST /customers`, body-validated, proxied to the handler. */
export class CustomersApi extends Construct {
  readonly restApi: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly apiKey: ApiGatewayApiKey;
  readonly usagePlan: ApiGatewayUsagePlan;
  /** Full URL of `POST /customers`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: CustomersApiProps) {
    super(scope, id);
    const { namePrefix, handler } = props;
    this.restApi = new ApiGatewayRestApi(this, 'rest-api', {
      name: namePrefix,
      description: 'Customers API',
      endpointConfiguration: { types: ['REGIONAL'] },
      // MiniStack reads `ms-custom-id` and LocalStack `_custom_id_` when the API is created (each ignores the other).
      tags: props.fixedRestApiId ? { 'ms-custom-id': props.fixedRestApiId, _custom_id_: props.fixedRestApiId } : undefined,
      // A replacement API is created before the old one goes, so a changed API never leaves a gap without one.
      // (No argument of the REST API forces a replacement, so a fixed id never meets its own replacement.)
      lifecycle: { createBeforeDestroy: true },
    });
    const restApiId = this.restApi.id;
    const customers = new ApiGatewayResource(this, 'customers', {
      restApiId,
      parentId: this.restApi.rootResourceId,
      pathPart: CUSTOMERS_PATH,
    });
    // Malformed bodies stop here, before the Lambda runs; the handler still validates everything itself.
    const body = new CustomerBodyValidation(this, 'body', { restApiId });
    const create = new ApiGatewayMethod(this, 'create', {
      restApiId,
      resourceId: customers.id,
      httpMethod: 'POST',
      authorization: 'NONE',
      apiKeyRequired: true,
      requestValidatorId: body.validator.id,
      requestModels: body.requestModels,
    });
    const integration = new ApiGatewayIntegration(this, 'create-integration', {
      restApiId,
      resourceId: customers.id,
      httpMethod: create.httpMethod,
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: handler.lambda.invokeArn,
      // The route, not the function, waits for the function's log group and permissions: no call before both exist.
      dependsOn: handler.ready,
    });
    new LambdaPermission(this, 'invoke', {
      statementId: 'AllowApiGatewayPostCustomers',
      action: 'lambda:InvokeFunction',
      functionName: handler.lambda.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.restApi.executionArn}/*/POST/${CUSTOMERS_PATH}`,
    });

    // A deployment is a snapshot: a new one is needed whenever the route or its wiring changes.
    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId,
      triggers: {
        redeployment: Fn.sha1(Fn.jsonencode([
          customers.id, customers.pathPart,
          create.id, create.apiKeyRequired, create.authorization, create.requestValidatorId, create.requestModels,
          body.validator.id, body.validator.validateRequestBody, body.model.id, body.schemaDigest,
          integration.id, integration.type, integration.uri,
        ])),
      },
      lifecycle: { createBeforeDestroy: true },
    });
    // Access logs only (see access-log.ts for the fields). No method settings: execution logging and data
    // tracing stay off, so request bodies (PII) never reach logs.
    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId,
      deploymentId: deployment.id,
      stageName: props.stageName,
      xrayTracingEnabled: false,
      accessLogSettings: { destinationArn: props.accessLog.logGroup.arn, format: props.accessLog.format },
      dependsOn: props.stageDependsOn,
    });

    // Unset, the provider sends value "" (AWS then generates one, MiniStack rejects it), so Terraform generates it:
    // 244 random bits, never in synth output, fixed after creation; replace the key to rotate it.
    const randomHex = () => Fn.replace(Fn.uuid(), '-', '');
    this.apiKey = new ApiGatewayApiKey(this, 'api-key', {
      name: `${namePrefix}-default`,
      enabled: true,
      value: Fn.join('', [randomHex(), randomHex()]),
      lifecycle: { ignoreChanges: ['value'] },
    });
    const limits = props.usagePlan;
    this.usagePlan = new ApiGatewayUsagePlan(this, 'usage-plan', {
      name: `${namePrefix}-default`,
      apiStages: [{ apiId: restApiId, stage: this.stage.stageName }],
      throttleSettings: { burstLimit: limits.burstLimit, rateLimit: limits.rateLimit },
      quotaSettings: { limit: limits.quotaLimit, period: limits.quotaPeriod },
    });
    new ApiGatewayUsagePlanKey(this, 'usage-plan-key', {
      keyId: this.apiKey.id,
      keyType: 'API_KEY',
      usagePlanId: this.usagePlan.id,
    });

    const stageUrl = props.stageUrl({ apiId: restApiId, stageName: this.stage.stageName, invokeUrl: this.stage.invokeUrl });
    this.url = `${stageUrl}/${CUSTOMERS_PATH}`;
  }
}
