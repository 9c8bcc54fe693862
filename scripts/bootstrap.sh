#!/usr/bin/env bash
# bootstrap.sh up|down — what an administrator applies once per account and region before ENV=aws deploys, like
# `cdk bootstrap` (infra/bootstrap-stack.ts): state bucket and key, lock table, boundary, deployer policies and the
# deployer role with its GitHub OIDC trust. Its own state: .state/bootstrap/bootstrap.tfstate (names and policies, no
# secret; keep it, or nobody can change or remove the bootstrap with the kit).
#   up:   plan, show it, apply exactly that plan after you type `yes` (AUTO_APPROVE=1: without asking); prints the
#         settings the deploys and the workflow need
#   down: destroys it, only with CONFIRM=customers-api-bootstrap (the state bucket must be empty first)
# Settings: see infra/bootstrap.ts. BOOTSTRAP_REHEARSAL_ENDPOINT rehearses on an emulator (tests only).
set -euo pipefail
trap 'echo "bootstrap.sh: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
action=${1:?usage: bootstrap.sh up|down}
cd "$(dirname "$0")/.."
umask 077
workspace=${BOOTSTRAP_WORKSPACE:-bootstrap}
stack=cdktf.out/$workspace/stacks/bootstrap
logs=.state/$workspace
plan=$PWD/$logs/bootstrap.tfplan
mkdir -p "$logs"
chmod 700 .state "$logs"

on_emulator=no
if [ -n "${BOOTSTRAP_REHEARSAL_ENDPOINT:-}" ]; then
  on_emulator=yes
  export AWS_ENDPOINT_URL=$BOOTSTRAP_REHEARSAL_ENDPOINT AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  export AWS_REGION=${AWS_REGION:-us-east-1}
fi
if [ "$action" = down ] && [ "${CONFIRM:-}" != customers-api-bootstrap ]; then
  cat >&2 <<'EOF2'
Refusing to destroy the bootstrap: it holds the state bucket and key of every ENV=aws deploy (without the key, their
state is unreadable) and the deployer role CI uses. Nothing was destroyed. Destroy the aws stacks first
(make clean ENV=aws CONFIRM=...), empty the bucket, then:
  make bootstrap-destroy ENV=aws CONFIRM=customers-api-bootstrap
EOF2
  exit 3
fi
npx tsx infra/bootstrap.ts
source scripts/lib/engine.sh aws "$on_emulator"
tf() { "$TF_BIN" -chdir="$stack" "$@"; }
tf init -input=false -no-color >"$logs/init.log" 2>&1 || { tail -n 40 "$logs/init.log" >&2; exit 1; }

case "$action" in
  up)
    tf plan -input=false -no-color -out="$plan"
    if [ "${AUTO_APPROVE:-}" != 1 ]; then
      read -r -p "Apply this plan to the account above? Type yes: " answer
      [ "$answer" = yes ] || { echo "Not applied." >&2; rm -f "$plan"; exit 3; }
    fi
    tf apply -input=false -no-color "$plan"
    rm -f "$plan"
    # What ENV=aws deploys read (README, docs/aws.md) and the workflow's environment variables.
    # shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
    tf output -json | node -e '
      const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const v = (name) => o[name].value;
      console.log(["", "Bootstrap done. For ENV=aws deploys (your shell, or the variables of the GitHub environment):",
        `  TF_STATE_BUCKET=${v("state_bucket")}`, `  TF_STATE_KMS_KEY=${v("state_kms_key_arn")}`,
        `  TF_STATE_LOCK_TABLE=${v("state_lock_table")}`, `  AWS_DEPLOYER_ROLE_ARN=${v("deployer_role_arn")}`].join("\n"));'
    ;;
  down)
    tf destroy -input=false -no-color -auto-approve
    ;;
  *) echo "usage: bootstrap.sh up|down" >&2; exit 2 ;;
esac
