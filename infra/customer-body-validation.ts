import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { ApiGatewayModel } from '@cdktf/provider-aws/lib/api-gateway-model';
import { ApiGatewayRequestValidator } from '@cdktf/provider-aws/lib/api-gateway-request-validator';
import { MAX_EMAIL_LENGTH, MAX_NAME_LENGTH } from '../service/src/customer';

export const JSON_CONTENT_TYPE = 'application/json';

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });

/**
 * The handler's body rules (service/src/customer.ts) that JSON schema draft-04 can state, and no stricter ones:
 * the handler trims before it measures, so blank names pass here and get their field-level 400 from the handler,
 * and e-mail syntax stays the handler's. Lengths count code points here, in AWS and in the handler alike.
 * The one difference: a value that fits only after trimming (over the limit with its surrounding whitespace)
 * is refused here.
 */
export const CUSTOMER_INPUT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'CustomerInput',
  type: 'object',
  required: ['firstname', 'lastname', 'email'],
  additionalProperties: false,
  properties: {
    firstname: text(MAX_NAME_LENGTH),
    lastname: text(MAX_NAME_LENGTH),
    email: text(MAX_EMAIL_LENGTH),
  },
} as const;

/** A model of the customer body and a validator that applies it, so API Gateway refuses bad bodies with 400. */
export class CustomerBodyValidation extends Construct {
  readonly model: ApiGatewayModel;
  readonly validator: ApiGatewayRequestValidator;
  /** Pass as the method's `requestModels`. */
  readonly requestModels: Record<string, string>;
  /**
   * SHA-256 of the schema as configured, for the deployment's trigger: the model's `schema` attribute comes back
   * from the API reformatted (MiniStack changes its whitespace), so hashing it would redeploy on every refresh.
   */
  readonly schemaDigest: string;

  constructor(scope: Construct, id: string, props: { readonly restApiId: string }) {
    super(scope, id);
    const schema = JSON.stringify(CUSTOMER_INPUT_SCHEMA);
    this.schemaDigest = createHash('sha256').update(schema).digest('hex');
    this.model = new ApiGatewayModel(this, 'model', {
      restApiId: props.restApiId,
      name: CUSTOMER_INPUT_SCHEMA.title,
      description: 'POST /customers body',
      contentType: JSON_CONTENT_TYPE,
      schema,
    });
    // Body only: the route declares no request parameters (the API key is enforced by apiKeyRequired).
    this.validator = new ApiGatewayRequestValidator(this, 'validator', {
      restApiId: props.restApiId,
      name: 'body',
      validateRequestBody: true,
      validateRequestParameters: false,
    });
    this.requestModels = { [JSON_CONTENT_TYPE]: this.model.name };
  }
}
