# shellcheck shell=bash
# Sourced. Chooses the IaC engine and exports TF_BIN, plus TF_CLI_CONFIG_FILE when the toolchain's provider mirror
# exists (so an air-gapped machine never asks a registry; your ~/.terraformrc is never read or changed).
# Order: $TF_BIN if you set it; tofu on PATH; the toolchain's cached tofu; terraform on PATH.
chosen_tf_bin=${TF_BIN:-}
eval "$(scripts/toolchain.sh env)"
toolchain_tofu=$TF_BIN
[ -f "$TF_CLI_CONFIG_FILE" ] || unset TF_CLI_CONFIG_FILE
TF_BIN=$chosen_tf_bin
[ -n "$TF_BIN" ] || TF_BIN=$(command -v tofu || true)
[ -n "$TF_BIN" ] || { [ -x "$toolchain_tofu" ] && TF_BIN=$toolchain_tofu; } || true
[ -n "$TF_BIN" ] || TF_BIN=$(command -v terraform || true)
if [ -z "$TF_BIN" ]; then
  # Nothing installed: build the pinned engine and provider rather than fail, so `make deploy` stays one command.
  echo "No OpenTofu/Terraform found: building OpenTofu and the AWS provider from Go modules into" >&2
  echo "$CUSTOMERS_API_CACHE (one-time, about an hour on 2 cores; or install tofu and rerun)." >&2
  scripts/toolchain.sh provider >&2 # builds tofu first when missing
  eval "$(scripts/toolchain.sh env)"
fi
export TF_BIN TF_IN_AUTOMATION=1
echo "engine: $("$TF_BIN" version | head -n 1) ($TF_BIN)${TF_CLI_CONFIG_FILE:+, providers from $TF_CLI_CONFIG_FILE}"
