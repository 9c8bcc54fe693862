#!/usr/bin/env bash
# deploy.sh up|down ENV — applies or destroys the synthesized stacks of one profile (run `make synth` first).
# `params` holds the SSM parameter with the table name that `api` reads through a data source, so it is applied
# first and destroyed last: the honest answer to "read DB_NAME from SSM at deploy time".
# `down` of a profile whose tables have deletion protection (aws) refuses unless CONFIRM=customers-api-<workspace>;
# confirmed, it turns the protection off (an apply of the tables only), then destroys everything.
set -euo pipefail
# No silent exit: a failing command names itself (the engine steps print their own log's tail as well).
trap 'echo "deploy.sh: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
action=${1:?usage: deploy.sh up|down ENV}
env=${2:?usage: deploy.sh up|down ENV}
cd "$(dirname "$0")/.."
# Nothing this script or the engine writes (state, logs, outputs, the passphrase) is readable by other users.
umask 077
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

# True when the synthesized api stack declares a table with deletion protection on (the profile decides).
tables_protected() {
  [ -f "$stacks/api/cdk.tf.json" ] && node -e '
    const tables = Object.values(require(process.argv[1]).resource?.aws_dynamodb_table ?? {});
    process.exit(tables.some((t) => t.deletion_protection_enabled === true) ? 0 : 1);' "$PWD/$stacks/api/cdk.tf.json"
}

# Before anything is destroyed (and before an engine is needed): protected tables are only destroyed on an explicit
# confirmation naming the stack.
if [ "$action" = down ] && tables_protected; then
  if [ "${CONFIRM:-}" != "$stack_name" ]; then
    cat >&2 <<EOF
Refusing to destroy '$workspace' ($env profile): its DynamoDB tables have deletion protection, and destroying
deletes every customer in them (the KMS key follows after its deletion window). Nothing was destroyed.
To destroy everything, tables and data included, confirm with the stack's name:
  make clean ENV=$env CONFIRM=$stack_name
EOF
    exit 3
  fi
  echo "confirmed ($stack_name): turning table deletion protection off, then destroying everything"
fi

source scripts/lib/engine.sh "$env" "$ON_EMULATOR"

# The local profile's state key is derived from a passphrase (infra/provider.ts): generated once, mode 0600, in the
# gitignored .state/ unless STATE_PASSPHRASE_FILE points elsewhere. Losing it makes the state unreadable.
if [ -f "$stacks/params/cdk.tf.json" ] && grep -q '"state_passphrase"' "$stacks/params/cdk.tf.json"; then
  passphrase_file=${STATE_PASSPHRASE_FILE:-.state/state-passphrase}
  if [ ! -s "$passphrase_file" ]; then
    mkdir -p "$(dirname "$passphrase_file")"
    head -c 32 /dev/urandom | base64 >"$passphrase_file"
    echo "state passphrase generated: $passphrase_file (mode 0600; state is encrypted with a key derived from it)"
  fi
  chmod 600 "$passphrase_file"
  TF_VAR_state_passphrase=$(<"$passphrase_file")
  export TF_VAR_state_passphrase
fi

tf() { local stack=$1; shift; "$TF_BIN" -chdir="$stacks/$stack" "$@"; }
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
# Runs one engine step with its full log in $logs/<step>.log; prints the engine's summary line, or the log's tail
# when the step fails.
step() {
  local name=$1 stack=$2 log="$logs/$1.log" start=$SECONDS; shift 2
  if tf "$stack" "$@" -input=false -no-color >"$log" 2>&1; then
    echo "$name: $(grep -E '^(Apply|Destroy) complete|has been successfully initialized' "$log" | tail -n 1) ($(( SECONDS - start )) s)"
  else
    echo "$name failed; last lines of $log:" >&2; tail -n 40 "$log" >&2; exit 1
  fi
}

# Turns deletion protection off on the tables that exist (an apply targeted at them, so nothing is created), after
# re-synthesizing the profile with TABLE_DELETION_PROTECTION=off.
unprotect_tables() {
  DEPLOY_ENV=$env TABLE_DELETION_PROTECTION=off npx tsx infra/main.ts
  init api
  local targets
  targets=$(tf api state list 2>/dev/null | grep '^aws_dynamodb_table\.' | sed 's/^/-target=/' || true)
  if [ -z "$targets" ]; then
    echo "no tables in the api state: nothing to unprotect"
    return
  fi
  # shellcheck disable=SC2086 # one -target=<address> per word
  step unprotect-tables api apply -auto-approve $targets
}

case "$action" in
  up)
    # api's init needs nothing from params: it runs while params is checked and applied.
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
    tf api output -json | node -e '
      const raw = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const flat = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
      process.stdout.write(JSON.stringify(flat, null, 2) + "\n");' >"$outputs"
    echo "outputs: $outputs"
    # shellcheck disable=SC2016 # a JavaScript template literal, not a shell expansion
    node -e 'const o = require("./'"$outputs"'"); console.log(`POST ${o.api_url}\napi key: SSM ${o.api_key_parameter_name} (SecureString)`)'
    ;;
  down)
    parameter_present() { npx tsx scripts/read-parameter.ts "$db_name_parameter" >/dev/null 2>&1; }
    destroy_stack() { [ -d "$stacks/$1" ] || return 0; init "$1"; step "destroy-$1" "$1" destroy -auto-approve "${@:2}"; }
    # The careful order: anything that refreshes api (unprotecting the tables, its destroy) reads its data source,
    # which needs the parameter, so put it back when it is gone (hand-deleted, an emulator restarted empty); then
    # api, then params.
    destroy_in_order() {
      [ ! -d "$stacks/api" ] || init api
      # Only when api has something to destroy: a second `make clean` finds nothing and creates nothing.
      if [ -n "$(tf api state list 2>/dev/null)" ] && [ -d "$stacks/params" ] && ! parameter_present; then
        echo "SSM $db_name_parameter is missing: re-applying params so api can be refreshed"
        init params
        step apply-params params apply -auto-approve
      fi
      if tables_protected; then unprotect_tables; fi
      destroy_stack api
      destroy_stack params
    }
    if [ "$ON_EMULATOR" = yes ] && ! tables_protected && parameter_present; then
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
    rm -f "$outputs" "$logs/params.applied"
    echo "destroyed everything deploy created in '$workspace' ($env profile)"
    ;;
  *) echo "usage: deploy.sh up|down ENV" >&2; exit 2 ;;
esac
