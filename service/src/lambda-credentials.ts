import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for @aws-sdk/credential-provider-node in the Lambda bundle only (service/build.ts aliases it): Lambda
 * hands the function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, so the
 * rest of the default chain (ini files, SSO, STS web identity, process, container and instance metadata) never runs
 * there; leaving it out takes about 95 KB off the bundle. Tests and scripts keep the SDK's full chain.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
