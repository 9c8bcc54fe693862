import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { createDbNameParameter } from './parameters';
import { Profile } from './profiles';
import { configureDeployTarget } from './provider';

export interface ParamsStackOptions {
  readonly profile: Profile;
  /** Directory holding `<env>/<stack>.tfstate` for the local backend. */
  readonly stateDir: string;
}

/** Deployed first: the api stack reads the table name from the parameter created here. */
export class ParamsStack extends TerraformStack {
  constructor(scope: Construct, id: string, { profile, stateDir }: ParamsStackOptions) {
    super(scope, id);
    configureDeployTarget(this, profile, stateDir);
    createDbNameParameter(this, profile.parameterNames.dbName, profile.dbName);
  }
}
