#!/usr/bin/env bash
# deploy.sh up|down ENV — applies or destroys the synthesized stacks of one profile (run `make synth` first).
# `params` holds the SSM parameter with the table name that `api` reads through a data source, so it is applied
# first and destroyed last: the honest answer to "read DB_NAME from SSM at deploy time".
set -euo pipefail
action=${1:?usage: deploy.sh up|down ENV}
env=${2:?usage: deploy.sh up|down ENV}
cd "$(dirname "$0")/.."
source scripts/lib/profile-env.sh "$env"
source scripts/lib/engine.sh

# A workspace (synth output + state) per profile; test suites set DEPLOY_ID to keep theirs apart from yours.
workspace=${DEPLOY_ID:-$env}
stacks=cdktf.out/$workspace/stacks
logs=.state/$workspace
outputs=$logs/outputs.json
db_name_parameter=/customers-api/$env/db-name
mkdir -p "$logs"

tf() { local stack=$1; shift; "$TF_BIN" -chdir="$stacks/$stack" "$@"; }
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

case "$action" in
  up)
    step init-params params init
    step apply-params params apply -auto-approve
    db_name=$(npx tsx scripts/read-parameter.ts "$db_name_parameter")
    echo "DB_NAME read from SSM $db_name_parameter: $db_name"
    step init-api api init
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
    # api's destroy refreshes its data source first, which fails when the parameter is gone (an emulator restarted
    # without persistence, or a hand-deleted parameter); put it back so the destroy can run, then remove it last.
    if [ -d "$stacks/params" ] && ! npx tsx scripts/read-parameter.ts "$db_name_parameter" >/dev/null 2>&1; then
      echo "SSM $db_name_parameter is missing (emulator restarted?): re-applying params so api can be destroyed"
      step init-params params init
      step apply-params params apply -auto-approve
    fi
    for stack in api params; do
      [ -d "$stacks/$stack" ] || continue
      step "init-$stack" "$stack" init
      step "destroy-$stack" "$stack" destroy -auto-approve
    done
    rm -f "$outputs"
    echo "destroyed everything deploy created in '$workspace' ($env profile)"
    ;;
  *) echo "usage: deploy.sh up|down ENV" >&2; exit 2 ;;
esac
