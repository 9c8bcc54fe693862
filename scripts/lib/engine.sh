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
  echo "No OpenTofu/Terraform found. Install one, or run 'make toolchain' to build OpenTofu and the AWS" >&2
  echo "provider from Go modules into $CUSTOMERS_API_CACHE (one-time)." >&2
  exit 1
fi
export TF_BIN TF_IN_AUTOMATION=1
echo "engine: $("$TF_BIN" version | head -n 1) ($TF_BIN)${TF_CLI_CONFIG_FILE:+, providers from $TF_CLI_CONFIG_FILE}"
