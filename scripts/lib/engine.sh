# shellcheck shell=bash
# Sourced with the profile name and whether it deploys to an emulator: `source scripts/lib/engine.sh ENV yes|no`.
# Chooses the IaC engine and exports TF_BIN, plus TF_CLI_CONFIG_FILE when providers come from the toolchain's mirror.
# Order: $TF_BIN if you set it; tofu on PATH; the toolchain's cached tofu.
#
# Providers: an emulator deploy uses the toolchain's locally built hashicorp/aws (the mirror: an air-gapped machine
# never asks a registry). A deploy to real AWS hands your credentials to the provider, so it uses the registry's
# signed release (tofu init checks its signature and records its hashes) and never a locally built binary, unless
# you opt in with USE_TOOLCHAIN_PROVIDER=1. Your ~/.terraformrc or TF_CLI_CONFIG_FILE is never changed.
engine_env=${1:?usage: source scripts/lib/engine.sh ENV yes|no}
engine_on_emulator=${2:?usage: source scripts/lib/engine.sh ENV yes|no}
chosen_tf_bin=${TF_BIN:-}
users_cli_config=${TF_CLI_CONFIG_FILE:-}
eval "$(scripts/toolchain.sh env)"
toolchain_tofu=$TF_BIN
if [ "$engine_on_emulator" = no ] && [ "${USE_TOOLCHAIN_PROVIDER:-}" != 1 ]; then
  TF_CLI_CONFIG_FILE=$users_cli_config
  provider_source="hashicorp/aws from the registry (signed)"
else
  provider_source="providers from $TF_CLI_CONFIG_FILE (the toolchain's mirror)"
fi
if [ -z "$TF_CLI_CONFIG_FILE" ] || [ ! -f "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
TF_BIN=$chosen_tf_bin
[ -n "$TF_BIN" ] || TF_BIN=$(command -v tofu || true)
[ -n "$TF_BIN" ] || { [ -x "$toolchain_tofu" ] && TF_BIN=$toolchain_tofu; } || true
if [ -z "$TF_BIN" ]; then
  if [ "$engine_on_emulator" = no ]; then
    # Building the provider takes 20-40 minutes and would not be used for AWS anyway: say how to get the engine.
    cat >&2 <<EOF
No OpenTofu found. ENV=$engine_env deploys with OpenTofu and the registry's signed hashicorp/aws provider:
  install OpenTofu (https://opentofu.org/docs/intro/install/, e.g. \`brew install opentofu\` or the official
  .deb/.rpm packages), or build the pinned one from Go modules: scripts/toolchain.sh tofu (3-8 minutes);
  or set TF_BIN=/path/to/tofu. Then rerun.
(Terraform is not enough: it has no state encryption, and this kit's state holds the API key.)
EOF
    exit 1
  fi
  # Nothing installed: build the pinned engine and provider rather than fail, so `make deploy` stays one command.
  echo "No OpenTofu found: building OpenTofu and the AWS provider from Go modules into" >&2
  echo "$CUSTOMERS_API_CACHE (one-time, 20-45 minutes on 2 cores; or install tofu and rerun)." >&2
  scripts/toolchain.sh provider >&2 # builds tofu first when missing
  eval "$(scripts/toolchain.sh env)"
fi
# sed reads all of it: `head -n 1` can close the pipe while tofu still writes, and under pipefail its SIGPIPE made the
# whole deploy exit here at random, silently.
engine_version=$("$TF_BIN" version 2>/dev/null | sed -n 1p)
case "$engine_version" in
  OpenTofu*) ;;
  *)
    cat >&2 <<EOF
$TF_BIN is "$engine_version", not OpenTofu. Terraform has no state encryption: its state would hold the API key
(and the key's SSM parameter) in plaintext, and it refuses the stacks' \`terraform { encryption }\` block. Use
OpenTofu (https://opentofu.org/docs/intro/install/, or scripts/toolchain.sh tofu) and set TF_BIN to it.
EOF
    exit 1
    ;;
esac
# Each engine command starts the AWS provider three or four times, and each start spends over a second building its
# schema. A lazier garbage collector makes tofu and the provider about 15 % faster for about 15 % more peak memory
# (a plan of the api stack here: 6.1 -> 5.2 s, 644 -> 742 MB). A GOGC of your own wins.
export GOGC=${GOGC:-400}
export TF_BIN TF_IN_AUTOMATION=1
echo "engine: $engine_version ($TF_BIN), $provider_source"
