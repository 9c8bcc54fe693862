#!/usr/bin/env bash
# IaC scan: checkov over the synthesized Terraform JSON (cdktf.out/<env>/stacks/*/cdk.tf.json) of each profile
# given (default: local aws), with the settings and reasoned skips of .checkov.yaml; then parliament over the deployer
# policies and the boundary as bootstrap renders them, with the reasoned suppressions of .parliament.yaml. Prints
# checkov's passed/failed/skipped counts per profile and parliament's findings; exits non-zero when any check fails or
# parliament reports a finding not accepted there. `make scan` synthesizes first.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

scripts/toolchain.sh checkov
scripts/toolchain.sh parliament
eval "$(scripts/toolchain.sh env)"

envs=("$@")
((${#envs[@]})) || envs=(local aws)
# checkov leaves config-skipped checks out of its counts, so say how many there are.
config_skips=$(sed -nE 's/^ +- (CKV[A-Z0-9_]+).*/\1/p' .checkov.yaml | paste -sd, -)
# One profile's own findings, accepted on top of .checkov.yaml. local: key rotation off (CKV_AWS_7), since an
# emulator never rotates and the provider polls a new key's rotation for about 4 s (infra/profiles.ts); X-Ray off on
# the stage (CKV_AWS_73) and the function (CKV_AWS_50), since an emulator has no X-Ray to send traces to. The aws
# profile is scanned with all three on.
profile_skips() { case $1 in local) echo CKV_AWS_7,CKV_AWS_50,CKV_AWS_73 ;; esac; }
status=0
for env in "${envs[@]}"; do
  files=()
  for file in cdktf.out/"$env"/stacks/*/cdk.tf.json; do [[ -f $file ]] && files+=(--file "$file"); done
  ((${#files[@]})) || { echo "scan: nothing synthesized in cdktf.out/$env: run \`make synth ENV=$env\`" >&2; exit 2; }
  extra=$(profile_skips "$env")
  # checkov's --skip-check replaces the config file's list rather than adding to it, so it gets the whole list.
  skips=(); [ -z "$extra" ] || skips=(--skip-check "$config_skips,$extra")
  echo "=== checkov $("$CHECKOV_BIN" --version), profile $env ($(tr , '\n' <<<"$config_skips" | wc -l) check ids skipped in" \
    ".checkov.yaml, each with its reason${extra:+; for this profile also $extra, see scripts/scan.sh})"
  "$CHECKOV_BIN" --config-file .checkov.yaml "${skips[@]}" "${files[@]}" || status=1
done

policies=$(mktemp -d)
trap 'rm -rf "$policies"' EXIT
npx tsx scripts/render-deployer-policies.ts "$policies" >/dev/null
echo "=== $("$PARLIAMENT_BIN" --version 2>&1 </dev/null | tail -n 1) on $(find "$policies" -name '*.json' | wc -l) policies" \
  "(the deployer's and the boundary, rendered; accepted findings with their reasons in .parliament.yaml)"
# stdin closed, or parliament reads a policy from it. It exits 1 when it prints findings (and when it crashes: then it
# prints none); the verdict is scripts/lib/parliament-accept.py's, which applies .parliament.yaml (1.6.4 ignores it).
parliament_status=0
findings=$("$PARLIAMENT_BIN" --directory "$policies" --include-community-auditors --json </dev/null) || parliament_status=$?
if { [ "$parliament_status" = 0 ] || { [ "$parliament_status" = 1 ] && [ -n "$findings" ]; }; } \
  && "$(dirname "$PARLIAMENT_BIN")/python" scripts/lib/parliament-accept.py .parliament.yaml <<<"$findings"; then
  echo "parliament: no findings beyond those accepted in .parliament.yaml"
else
  echo "parliament: failed (exit $parliament_status) or reported a finding .parliament.yaml does not accept" >&2
  status=1
fi
exit "$status"
