import { Construct } from 'constructs';
import { ApiGatewayModel } from '@cdktf/provider-aws/lib/api-gateway-model';
import { ApiGatewayRequestValidator } from '@cdktf/provider-aws/lib/api-gateway-request-validator';
import { requestSchema } from '../service/request-schemas';
import type { Route } from '../service/src/routes';

export const JSON_CONTENT_TYPE = 'application/json';

/** What a method takes from its route's request validation. */
export interface MethodValidation {
  readonly requestValidatorId?: string;
  readonly requestModels?: Record<string, string>;
  readonly requestParameters?: Record<string, boolean>;
}

/**
 * The API's request validators (one that checks bodies, one that checks parameters, made only when a route needs
 * it) and a model per route body, derived from the route's zod schema (service/request-schemas.ts), so API Gateway
 * refuses malformed requests with 400 before a Lambda runs. The handler still validates everything itself; the
 * gateway can only require path parameters, not check their format.
 */
export class RequestValidation extends Construct {
  private readonly restApiId: string;
  private readonly validators = new Map<string, ApiGatewayRequestValidator>();
  private readonly models: ApiGatewayModel[] = [];

  constructor(scope: Construct, id: string, props: { readonly restApiId: string }) {
    super(scope, id);
    this.restApiId = props.restApiId;
  }

  /** The method settings that validate `route`'s request. */
  forRoute(route: Route): MethodValidation {
    const { body, pathParameters } = route.request;
    if (!body && !pathParameters) return {};
    const settings: { -readonly [K in keyof MethodValidation]: MethodValidation[K] } = {
      requestValidatorId: this.validator(body !== undefined, pathParameters !== undefined).id,
    };
    if (body) {
      const model = new ApiGatewayModel(this, `${route.name}-model`, {
        restApiId: this.restApiId,
        name: body.model,
        description: `${route.method} ${route.path} body`,
        contentType: JSON_CONTENT_TYPE,
        schema: JSON.stringify(requestSchema(body.schema, body.model)),
      });
      this.models.push(model);
      settings.requestModels = { [JSON_CONTENT_TYPE]: model.name };
    }
    if (pathParameters) {
      const names = Object.keys(pathParameters._zod.def.shape);
      settings.requestParameters = Object.fromEntries(names.map((name) => [`method.request.path.${name}`, true]));
    }
    return settings;
  }

  /** Everything this construct made, for the deployment's trigger. */
  get resources(): Construct[] {
    return [...this.models, ...this.validators.values()];
  }

  // One validator per combination of checks, made when a route first needs it.
  private validator(validateRequestBody: boolean, validateRequestParameters: boolean): ApiGatewayRequestValidator {
    const name = [validateRequestBody && 'body', validateRequestParameters && 'parameters'].filter(Boolean).join('-and-');
    let validator = this.validators.get(name);
    if (!validator) {
      validator = new ApiGatewayRequestValidator(this, `${name}-validator`, { restApiId: this.restApiId, name, validateRequestBody, validateRequestParameters });
      this.validators.set(name, validator);
    }
    return validator;
  }
}
