# Sourced. Chooses the IaC engine and exports TF_BIN (+ TF_CLI_CONFIG_FILE when the cached provider mirror is used).
# Order: $TF_BIN if set; tofu on PATH; the toolchain's cached tofu; terraform on PATH. When the toolchain's provider
# mirror exists it is always used, so an air-gapped machine never asks a registry.
eval "$(scripts/toolchain.sh env)"
if [ -z "${TF_BIN:-}" ]; then
  TF_BIN=$(command -v tofu || true)
  [ -n "$TF_BIN" ] || TF_BIN=${TOOLCHAIN_TOFU:-}
  [ -n "$TF_BIN" ] || TF_BIN=$(command -v terraform || true)
fi
if [ -z "$TF_BIN" ]; then
  echo "No OpenTofu/Terraform found. Install one, or run 'make toolchain' to build OpenTofu and the AWS" >&2
  echo "provider from Go modules into ${CUSTOMERS_API_CACHE:-$HOME/.cache/customers-api} (one-time)." >&2
  exit 1
fi
export TF_BIN TF_IN_AUTOMATION=1
echo "engine: $("$TF_BIN" version | head -n 1) ($TF_BIN)"
