#!/usr/bin/env bash
# IaC scan: checkov over the synthesized Terraform JSON (cdktf.out/<env>/stacks/*/cdk.tf.json) of each profile
# given (default: local aws), with the settings and reasoned skips of .checkov.yaml. Prints checkov's
# passed/failed/skipped counts per profile; exits non-zero when any check fails. `make scan` synthesizes first.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

scripts/toolchain.sh checkov
eval "$(scripts/toolchain.sh env)"

envs=("$@")
((${#envs[@]})) || envs=(local aws)
# checkov leaves config-skipped checks out of its counts, so say how many there are.
skipped_by_config=$(grep -cE '^ +- CKV' .checkov.yaml)
status=0
for env in "${envs[@]}"; do
  files=()
  for file in cdktf.out/"$env"/stacks/*/cdk.tf.json; do [[ -f $file ]] && files+=(--file "$file"); done
  ((${#files[@]})) || { echo "scan: nothing synthesized in cdktf.out/$env: run \`make synth ENV=$env\`" >&2; exit 2; }
  echo "=== checkov $("$CHECKOV_BIN" --version), profile $env ($skipped_by_config check ids skipped in .checkov.yaml, each with its reason)"
  "$CHECKOV_BIN" --config-file .checkov.yaml "${files[@]}" || status=1
done
exit "$status"
