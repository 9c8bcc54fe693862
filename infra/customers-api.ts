import { Construct } from 'constructs';
import { Fn, ITerraformDependable, TerraformResource } from 'cdktf';
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
import { createCustomerRoute } from '../service/src/routes';
import type { Route } from '../service/src/routes';
import { AccessLog } from './access-log';
import { deploymentTrigger } from './deployment-trigger';
import { NodejsFunction } from './nodejs-function';
import { StageAddress, UsagePlanLimits } from './profiles';
import { RequestValidation } from './request-validation';

/** A route and the function that serves it. */
export interface ServedRoute {
  readonly route: Route;
  readonly handler: NodejsFunction;
}

export interface CustomersApiProps {
  readonly namePrefix: string;
  readonly routes: readonly ServedRoute[];
  readonly stageName: string;
  readonly usagePlan: UsagePlanLimits;
  readonly stageUrl: (stage: StageAddress) => string;
  /** Asks an emulator for this id (see Profile.fixedRestApiId); unset on AWS. */
  readonly fixedRestApiId?: string;
  readonly accessLog: AccessLog;
  /** What must exist before the stage may log: API Gateway's account-wide CloudWatch role, when this stack sets it. */
  readonly stageDependsOn?: ITerraformDependable[];
}

/**
 * REST API with one API-key protected method per declared route (service/src/routes.ts), each request-validated and
 * proxied to the route's own function.
 */
export class CustomersApi extends Construct {
  readonly restApi: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly apiKey: ApiGatewayApiKey;
  readonly usagePlan: ApiGatewayUsagePlan;
  /** Base URL of the stage, without a trailing slash. */
  readonly stageUrl: string;
  /** Full URL of `POST /customers` (what `make url` prints and the README calls). */
  readonly url: string;
  private readonly resources = new Map<string, ApiGatewayResource>();

  constructor(scope: Construct, id: string, props: CustomersApiProps) {
    super(scope, id);
    const { namePrefix } = props;
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
    // Malformed requests stop at the gateway, before a Lambda runs; each handler still validates everything itself.
    const validation = new RequestValidation(this, 'validation', { restApiId });
    const shaping: TerraformResource[] = [];
    for (const { route, handler } of props.routes) {
      const resource = this.resourceFor(route.path);
      const method = new ApiGatewayMethod(this, `${route.name}-method`, {
        restApiId,
        resourceId: resource.id,
        httpMethod: route.method,
        authorization: 'NONE',
        apiKeyRequired: route.apiKeyRequired,
        ...validation.forRoute(route),
      });
      const integration = new ApiGatewayIntegration(this, `${route.name}-integration`, {
        restApiId,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: handler.lambda.invokeArn,
        // The route, not the function, waits for the function's log group and permissions: no call before both exist.
        dependsOn: handler.ready,
      });
      // Path parameters are `*` in an execute-api ARN: this function may be invoked for its own method and path only.
      const permission = new LambdaPermission(this, `${route.name}-invoke`, {
        statementId: `AllowApiGateway-${route.name}`,
        action: 'lambda:InvokeFunction',
        functionName: handler.lambda.functionName,
        principal: 'apigateway.amazonaws.com',
        sourceArn: `${this.restApi.executionArn}/*/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`,
      });
      shaping.push(method, integration, permission);
    }

    // A deployment is a snapshot: a new one whenever anything that shapes the API changes. The trigger is derived
    // from every resource above as synthesized and from the route declarations (deployment-trigger.ts), never from
    // a hand-kept list.
    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId,
      triggers: {
        redeployment: deploymentTrigger([...this.resources.values(), ...validation.resources, ...shaping], props.routes.map(({ route }) => route)),
      },
      dependsOn: shaping,
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

    this.stageUrl = props.stageUrl({ apiId: restApiId, stageName: this.stage.stageName, invokeUrl: this.stage.invokeUrl });
    this.url = `${this.stageUrl}${createCustomerRoute.path}`;
  }

  /** The resource for `path`, its parents first; each path prefix is made once, however many routes share it. */
  private resourceFor(path: string): ApiGatewayResource | { id: string } {
    const segments = path.split('/').filter(Boolean);
    if (segments.length === 0) return { id: this.restApi.rootResourceId };
    let parentId = this.restApi.rootResourceId;
    let resource: ApiGatewayResource | undefined;
    for (const [index, pathPart] of segments.entries()) {
      const prefix = segments.slice(0, index + 1);
      const key = `/${prefix.join('/')}`;
      resource = this.resources.get(key);
      if (!resource) {
        // Named by its path (`customers`, `customers_id`), so a route added elsewhere never renames it.
        resource = new ApiGatewayResource(this, prefix.map((part) => part.replace(/[{}]/g, '')).join('_'), { restApiId: this.restApi.id, parentId, pathPart });
        this.resources.set(key, resource);
      }
      parentId = resource.id;
    }
    return resource as ApiGatewayResource;
  }
}
