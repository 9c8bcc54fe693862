# shellcheck shell=bash
# Sourced with the profile name. The shell side of a profile: what SDK-based scripts (and OpenTofu's KMS key
# provider) need to reach the target. Sets ON_EMULATOR=yes|no. (The stack's own view of a profile lives in
# infra/profiles.ts.)
use_emulator() {
  export AWS_ENDPOINT_URL=$1
  export AWS_REGION=${AWS_REGION:-us-east-1}
  # The deployer-role rehearsal (AWS_REHEARSAL_CREDENTIALS=caller) keeps the assumed role's keys it was given.
  if [ "${AWS_REHEARSAL_CREDENTIALS:-}" = caller ] && [ -n "${AWS_REHEARSAL_ENDPOINT:-}" ]; then ON_EMULATOR=yes; return; fi
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  unset AWS_PROFILE AWS_SESSION_TOKEN
  ON_EMULATOR=yes
}
# ON_EMULATOR is read by the scripts that source this one (scripts/deploy.sh).
# shellcheck disable=SC2034
case "$1" in
  local)
    export EMULATOR_ENDPOINT=${EMULATOR_ENDPOINT:-http://localhost:4566}
    use_emulator "$EMULATOR_ENDPOINT"
    ;;
  aws)
    # The user's own credentials/profile and AWS_REGION, as for any AWS tool; or, for the rehearsal test only,
    # the aws profile's settings deployed to an emulator (infra/profiles.ts, AWS_REHEARSAL_ENDPOINT).
    ON_EMULATOR=no
    if [ -n "${AWS_REHEARSAL_ENDPOINT:-}" ]; then use_emulator "$AWS_REHEARSAL_ENDPOINT"; fi
    ;;
  *) echo "unknown ENV '$1' (expected local or aws)" >&2; exit 2 ;;
esac
