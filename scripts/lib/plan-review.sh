# shellcheck shell=bash
# shellcheck disable=SC2154 # stacks, logs, env, stack_name, db_name_parameter: set by scripts/deploy.sh, which sources this
# Sourced by scripts/deploy.sh: review before change (docs/aws.md "Deploying to AWS"). A plan is saved per stack in
# $logs/<stack>.tfplan (encrypted by OpenTofu like the state: the stacks' `encryption` block covers plans), shown as
# a summary per resource, and applied as saved, so what is applied is exactly what was shown; OpenTofu refuses a
# saved plan whose state has changed since. `params` is planned first: `api` reads the parameter it creates.
# `make deploy` always plans afresh: a plan saved earlier by `make plan` misses whatever changed outside OpenTofu
# since (it does not touch the state, so OpenTofu would not call that plan stale) and would quietly leave it.

# plan_stack STACK: saves and summarizes the stack's plan; returns 0 when it changes nothing, 2 when it does.
plan_stack() {
  local stack=$1 plan="$PWD/$logs/$1.tfplan" status=0
  rm -f "$plan" "$plan".*
  engine "plan-$stack" "$stack" plan -input=false -no-color -lock-timeout=120s -detailed-exitcode -out="$plan" || status=$?
  if [ "$status" != 0 ] && [ "$status" != 2 ]; then
    echo "plan-$stack failed; last lines of $logs/plan-$stack.log:" >&2; tail -n 40 "$logs/plan-$stack.log" >&2; exit 1
  fi
  # The JSON holds every planned value, secrets included: it only ever flows into the summarizer.
  if ! tf "$stack" show -json -no-color "$plan" | npx tsx scripts/plan-summary.ts "$stack" "$plan.counts" >"$plan.summary"; then
    echo "could not summarize the plan of $stack" >&2; exit 1
  fi
  cat "$plan.summary"
  return "$status"
}

destroys_in() { node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).destroy' "$logs/$1.tfplan.counts"; }

# confirm STACK...: the typed confirmation before the saved plans of STACK... are applied. "yes" for a plan that
# only adds and changes; the stack's name for one that destroys or replaces anything.
confirm() {
  local destroys=0 stack answer expected=yes
  for stack in "$@"; do destroys=$((destroys + $(destroys_in "$stack"))); done
  if [ "${AUTO_APPROVE:-}" = 1 ]; then
    echo "AUTO_APPROVE=1: applying the plan above without a confirmation"
    return
  fi
  if [ ! -t 0 ]; then
    cat >&2 <<EOF
Refusing to apply to '$stack_name' without a confirmation: there is no terminal to ask on, and AUTO_APPROVE is not 1.
Nothing was applied. The plan above is saved in $logs/ (encrypted). Run \`make deploy ENV=$env\` in a terminal to
review and confirm it, or set AUTO_APPROVE=1 where a pipeline has reviewed it (e.g. behind a protected environment).
EOF
    exit 5
  fi
  if [ "$destroys" -gt 0 ]; then
    expected=$stack_name
    echo "This plan destroys or replaces $destroys resource(s): see the lines marked DESTROY / REPLACE above."
  fi
  read -r -p "Apply this plan to '$stack_name'? Type '$expected' to apply, anything else to stop: " answer
  if [ "$answer" != "$expected" ]; then
    echo "Not applied (the answer was not '$expected'). The plan stays saved in $logs/." >&2
    exit 5
  fi
}

# apply_saved STACK: applies the stack's saved plan, then forgets it (a plan can be applied once). Then a
# refresh-only apply, which changes no remote object, records what the provider reads back (a role's inline policy
# that another resource attached, tags read as {}), so `make drift` later finds only what changed outside OpenTofu.
apply_saved() {
  local stack=$1 plan="$PWD/$logs/$1.tfplan"
  step "apply-$stack" "$stack" apply -lock-timeout=120s "$plan"
  rm -f "$plan" "$plan".*
  step "refresh-$stack" "$stack" apply -refresh-only -auto-approve -lock-timeout=120s
}

# The aws `up`: plan, show, confirm, apply exactly that, params first. When params changes (a first deploy), api
# can only be planned once params is applied, so there are two reviews; otherwise one for both.
reviewed_up() {
  local params_status=0 api_status=0
  init_both
  plan_stack params || params_status=$?
  if [ "$params_status" = 2 ]; then
    echo "(api is planned once params is applied: its plan reads the parameter params creates or changes)"
    confirm params
    settings record
    apply_saved params
  fi
  echo "DB_NAME read from SSM $db_name_parameter: $(npx tsx scripts/read-parameter.ts "$db_name_parameter")"
  plan_stack api || api_status=$?
  if [ "$api_status" = 2 ]; then
    confirm api
    settings record
    apply_saved api
  else
    settings record
    echo "apply-api: nothing to apply"
  fi
  rm -f "$PWD/$logs"/*.tfplan "$PWD/$logs"/*.tfplan.*
}

# `make plan`: both stacks' plans saved for `make deploy`, or params' alone when api cannot be planned yet (always
# planned afresh).
plan_both() {
  local params_status=0 api_status=0
  plan_stack params || params_status=$?
  if [ "$params_status" = 2 ]; then
    echo "api: planned at \`make deploy\`, once params is applied (its plan reads the parameter params creates or changes)"
  else
    plan_stack api || api_status=$?
  fi
  echo "plans saved in $logs/ (encrypted; \`tofu show\` them in cdktf.out/$workspace/stacks/<stack>). \`make deploy ENV=$env\` plans again, shows it and applies exactly that after a confirmation"
}

# `make drift`: exit 2 when a deployed stack differs from the code, either way round: changed outside OpenTofu
# (a refresh-only plan finds it) or code not yet applied (a normal plan finds it). Nothing is applied or saved.
drift_check() {
  local stack kind status drifted=0 plan summary
  for stack in params api; do
    for kind in refresh code; do
      plan="$PWD/$logs/$stack.drift-$kind.tfplan" status=0
      local args=(plan -input=false -no-color -lock-timeout=120s -detailed-exitcode -out="$plan")
      [ "$kind" = code ] || args+=(-refresh-only)
      engine "drift-$kind-$stack" "$stack" "${args[@]}" || status=$?
      if [ "$status" = 2 ]; then
        # What differs, per resource; a refresh that only finds unset read back as empty is no drift.
        summary=$(tf "$stack" show -json -no-color "$plan" \
          | npx tsx scripts/plan-summary.ts "$stack" "$plan.counts" "$([ "$kind" = refresh ] && echo drift || echo changes)") \
          || { echo "could not summarize the drift plan of $stack" >&2; exit 1; }
        node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.exit(c.add + c.change + c.destroy > 0 ? 0 : 1)' \
          "$plan.counts" || status=0
      fi
      case "$status" in
        0) echo "drift-$kind-$stack: no differences" ;;
        2)
          drifted=1
          if [ "$kind" = refresh ]; then echo "drift: $stack was changed outside OpenTofu:"; else echo "drift: $stack's code is not what is deployed:"; fi
          echo "$summary"
          ;;
        *) echo "drift-$kind-$stack failed; last lines of $logs/drift-$kind-$stack.log:" >&2; tail -n 40 "$logs/drift-$kind-$stack.log" >&2; exit 1 ;;
      esac
      rm -f "$plan" "$plan".*
    done
  done
  if [ "$drifted" = 1 ]; then
    echo "drift found in '$stack_name': review it with \`make plan ENV=$env\`, then \`make deploy ENV=$env\` puts the code's version back" >&2
    exit 2
  fi
  echo "no drift: '$stack_name' is what the code describes"
}
