import { TerraformStack } from 'cdktf';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { NodejsFunction } from './nodejs-function';

/**
 * X-Ray on every API stage and every function of the stack (each function's role may then send traces), read from
 * the stack so a new route is traced without a line here: call it after everything else in the stack.
 */
export function enableTracing(stack: TerraformStack): void {
  for (const construct of stack.node.findAll()) {
    if (construct instanceof NodejsFunction) construct.enableTracing();
    if (construct instanceof ApiGatewayStage) construct.xrayTracingEnabled = true;
  }
}
