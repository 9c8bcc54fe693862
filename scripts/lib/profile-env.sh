# shellcheck shell=bash
# Sourced with the profile name. The shell side of a profile: what SDK-based scripts need to reach the target.
# (The stack's own view of a profile lives in infra/profiles.ts.)
case "$1" in
  local)
    export EMULATOR_ENDPOINT=${EMULATOR_ENDPOINT:-http://localhost:4566}
    export AWS_ENDPOINT_URL=$EMULATOR_ENDPOINT
    export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
    export AWS_REGION=${AWS_REGION:-us-east-1}
    unset AWS_PROFILE AWS_SESSION_TOKEN
    ;;
  aws) : ;; # the user's own credentials/profile and AWS_REGION, as for any AWS tool
  *) echo "unknown ENV '$1' (expected local or aws)" >&2; exit 2 ;;
esac
