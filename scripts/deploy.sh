#!/usr/bin/env bash
# deploy.sh up|down|plan|drift ENV — applies, destroys, plans or drift-checks the synthesized stacks of one profile
# (run `make synth` first).
# `params` holds the SSM parameter with the table name that `api` reads through a data source, so it is applied
# first and destroyed last: the honest answer to "read DB_NAME from SSM at deploy time".
# aws profile (docs/aws.md): every change is a saved plan, shown and applied only after a typed confirmation
# (AUTO_APPROVE=1 for CI); the settings recorded at the first deploy must match (scripts/settings.ts); `down` refuses
# unless CONFIRM=customers-api-<workspace>, whatever else is set, and confirmed turns the tables' deletion protection
# off (an apply of the tables only), then destroys everything. The local profile applies at once, as before.
set -euo pipefail
# No silent exit: a failing command names itself (the engine steps print their own log's tail as well).
trap 'echo "deploy.sh: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
usage="usage: deploy.sh up|down|plan|drift ENV"
action=${1:?$usage}
env=${2:?$usage}
case "$action" in up | down | plan | drift) ;; *) echo "$usage" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
# Nothing this script or the engine writes (state, logs, outputs, plans, the passphrase) is readable by other users.
umask 077
# A destroy never honours the caller's TABLE_DELETION_PROTECTION: only the confirmed path below turns it off.
if [ "$action" = down ]; then unset TABLE_DELETION_PROTECTION; fi
source scripts/lib/profile-env.sh "$env"

# A workspace (synth output + state) per profile; test suites set DEPLOY_ID to keep theirs apart from yours.
workspace=${DEPLOY_ID:-$env}
stacks=cdktf.out/$workspace/stacks
logs=.state/$workspace
outputs=$logs/outputs.json
db_name_parameter=/customers-api/$env/db-name
stack_name=customers-api-$workspace
mkdir -p "$logs"
# Directories and files an older kit created with the default umask.
chmod 700 .state "$logs"
find "$logs" -maxdepth 1 -type f -exec chmod 600 {} +

# Before anything is destroyed, and before an engine is needed: an aws workspace is only destroyed on an explicit
# confirmation naming the stack. It depends on the profile alone, never on the synthesized config (which a caller's
# TABLE_DELETION_PROTECTION=off used to change).
if [ "$action" = down ] && [ "$env" = aws ]; then
  if [ "${CONFIRM:-}" != "$stack_name" ]; then
    cat >&2 <<MESSAGE
Refusing to destroy '$workspace' ($env profile) without a confirmation: destroying deletes every customer in its
tables (the KMS key follows after its deletion window). Nothing was destroyed.
To destroy everything, tables and data included, confirm with the stack's name:
  make clean ENV=$env CONFIRM=$stack_name
MESSAGE
    exit 3
  fi
  echo "confirmed ($stack_name): turning table deletion protection off, then destroying everything"
fi

source scripts/lib/engine.sh "$env" "$ON_EMULATOR"
source scripts/lib/engine-step.sh

# The settings recorded for the workspace at its first aws deploy (scripts/settings.ts): a difference stops here,
# before any engine step, naming each setting.
settings() { [ "$env" = aws ] || return 0; npx tsx scripts/settings.ts "$1" "$env" || exit $?; }
case "$action" in up | plan | drift) settings check ;; down) settings check-destroy ;; esac

# The local profile's state key is derived from a passphrase (infra/provider.ts): generated once, mode 0600, in the
# gitignored .state/ unless STATE_PASSPHRASE_FILE points elsewhere. Losing it makes the state unreadable.
if [ -f "$stacks/params/cdk.tf.json" ] && grep -q '"state_passphrase"' "$stacks/params/cdk.tf.json"; then
  source scripts/lib/state-passphrase.sh
  TF_VAR_state_passphrase=$(state_passphrase "${STATE_PASSPHRASE_FILE:-.state/state-passphrase}")
  export TF_VAR_state_passphrase
fi

# What `init` depends on for a stack: its backend and provider requirements, the engine, and where providers come from.
init_key() {
  { node -e 'const t = require(process.argv[1]).terraform; process.stdout.write(JSON.stringify([t.backend, t.required_providers]))' \
      "$PWD/$stacks/$1/cdk.tf.json"; echo " $TF_BIN ${TF_CLI_CONFIG_FILE:-registry}"; } | sha256sum | cut -d' ' -f1
}
# `init` only when what it depends on changed since the last successful one (synth keeps .terraform/): it takes 1 to
# 3 s even when nothing changed.
init() {
  local stack=$1 marker="$stacks/$1/.terraform/customers-api-init" key
  key=$(init_key "$stack")
  if [ -f "$stacks/$stack/.terraform.lock.hcl" ] && [ -f "$marker" ] && [ "$(<"$marker")" = "$key" ]; then
    echo "init-$stack: already initialized for this backend, engine and provider source (skipped)"
    return
  fi
  step "init-$stack" "$stack" init
  echo "$key" >"$marker"
}
# Both inits at once: neither needs anything from the other.
init_both() {
  init api & local init_api=$!
  init params
  wait "$init_api"
}

source scripts/lib/plan-review.sh

write_outputs() {
  tf api output -json | node -e '
    const raw = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const flat = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
    process.stdout.write(JSON.stringify(flat, null, 2) + "\n");' >"$outputs"
  echo "outputs: $outputs"
  # shellcheck disable=SC2016 # a JavaScript template literal, not a shell expansion
  node -e 'const o = require("./'"$outputs"'"); console.log(`POST ${o.api_url}\napi key: SSM ${o.api_key_parameter_name} (SecureString)`)'
}

# Turns deletion protection off on the tables that exist (an apply targeted at them, so nothing is created), after
# re-synthesizing the profile with TABLE_DELETION_PROTECTION=off.
unprotect_tables() {
  DEPLOY_ENV=$env TABLE_DELETION_PROTECTION=off npx tsx infra/main.ts
  init api
  local addresses targets
  addresses=$(state_addresses api)
  targets=$(grep '^aws_dynamodb_table\.' <<<"$addresses" | sed 's/^/-target=/' || true)
  if [ -z "$targets" ]; then
    echo "no tables in the api state: nothing to unprotect"
    return
  fi
  # shellcheck disable=SC2086 # one -target=<address> per word
  step unprotect-tables api apply -auto-approve $targets
}

case "$action" in
  up)
    if [ "$env" = aws ]; then
      reviewed_up
      write_outputs
      exit 0
    fi
    # The local fast path, no review. api's init needs nothing from params: it runs while params is checked and applied.
    init api & init_api=$!
    # params holds one parameter that never changes unless its config does: when the config is the one last applied
    # and SSM still has the value, the apply (about 6 s, most of it starting the provider) is skipped.
    params_key=$(sha256sum "$stacks/params/cdk.tf.json" | cut -d' ' -f1)
    expected_db_name=$(node -p 'Object.values(require(process.argv[1]).resource.aws_ssm_parameter)[0].value' \
      "$PWD/$stacks/params/cdk.tf.json")
    if [ -s "$logs/params.tfstate" ] && [ -f "$logs/params.applied" ] && [ "$(<"$logs/params.applied")" = "$params_key" ] \
      && [ "$(npx tsx scripts/read-parameter.ts "$db_name_parameter" 2>/dev/null)" = "$expected_db_name" ]; then
      echo "apply-params: config unchanged since the last apply and SSM has $db_name_parameter (skipped)"
    else
      init params
      step apply-params params apply -auto-approve
      echo "$params_key" >"$logs/params.applied"
    fi
    wait "$init_api"
    db_name=$(npx tsx scripts/read-parameter.ts "$db_name_parameter")
    echo "DB_NAME read from SSM $db_name_parameter: $db_name"
    step apply-api api apply -auto-approve
    write_outputs
    ;;
  plan)
    init_both
    plan_both
    ;;
  drift)
    init_both
    drift_check
    ;;
  down)
    parameter_present() { npx tsx scripts/read-parameter.ts "$db_name_parameter" >/dev/null 2>&1; }
    destroy_stack() { [ -d "$stacks/$1" ] || return 0; init "$1"; step "destroy-$1" "$1" destroy -auto-approve "${@:2}"; }
    # The careful order: anything that refreshes api (unprotecting the tables, its destroy) reads its data source,
    # which needs the parameter, so put it back when it is gone (hand-deleted, an emulator restarted empty); then
    # api, then params.
    destroy_in_order() {
      local addresses=
      if [ -d "$stacks/api" ]; then init api; addresses=$(state_addresses api); fi
      # Only when api has something to destroy: a second `make clean` finds nothing and creates nothing.
      if [ -n "$addresses" ] && [ -d "$stacks/params" ] && ! parameter_present; then
        echo "SSM $db_name_parameter is missing: re-applying params so api can be refreshed"
        init params
        step apply-params params apply -auto-approve
      fi
      if [ "$env" = aws ]; then unprotect_tables; fi
      destroy_stack api
      destroy_stack params
    }
    if [ "$ON_EMULATOR" = yes ] && [ "$env" != aws ] && parameter_present; then
      # The fast way on an emulator whose parameter is still there (so it did not restart empty): only this kit
      # changes what it deployed there, so state is current and neither destroy refreshes. api's then reads
      # nothing, not even the parameter, and both stacks go at once. Should a resource be gone after all (a
      # delete the provider does not forgive), api is destroyed again the careful way.
      destroy_stack api -refresh=false & destroy_api=$!
      destroy_stack params -refresh=false
      wait "$destroy_api" || { echo "destroying api again, refreshing first"; destroy_in_order; }
    else
      destroy_in_order
    fi
    rm -f "$outputs" "$logs/params.applied" "$logs"/*.tfplan "$logs"/*.tfplan.*
    settings forget
    echo "destroyed everything deploy created in '$workspace' ($env profile)"
    ;;
esac
