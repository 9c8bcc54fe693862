#!/usr/bin/env bash
# Build the MiniStack emulator image without any image registry: a Debian rootfs made
# with debootstrap from this machine's apt mirror, MiniStack from PyPI in a venv, then
# `docker import`. Prints the image tag on the last line of stdout.
#
# Debian trixie rather than bookworm: bookworm's nodejs is 18, and the Lambda bundle's
# AWS SDK needs node >= 20 (MiniStack runs nodejs handlers with the `node` on PATH).
#
# Needs root and a running daemon (scripts/dockerd.sh start).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The same hash-locked closure scripts/toolchain.sh installs on the host.
requirements="$repo_root/scripts/toolchain/ministack/requirements.txt"
cache_dir="${CUSTOMERS_API_CACHE:-$HOME/.cache/customers-api}/emulator-image"

suite=trixie
base_packages=python3,python3-venv,ca-certificates,nodejs
# Package downloads, docs and translations (a third of the rootfs, unused at run time);
# globs, expanded inside the rootfs.
base_trim='var/cache/apt/archives/*.deb var/cache/apt/*.bin var/lib/apt/lists/*
  usr/share/doc usr/share/man usr/share/info usr/share/locale'
# Matches the wheels in $requirements: trixie ships CPython 3.13 on glibc 2.41.
wheel_platform=(--python-version 3.13 --implementation cp --abi cp313 --abi abi3 --abi none
  --platform manylinux_2_34_x86_64 --platform manylinux_2_28_x86_64
  --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform any)

ministack_version="$(sed -n 's/^ministack==\([^ ]*\).*/\1/p' "$requirements")"
recipe_hash="$(cat "${BASH_SOURCE[0]}" "$requirements" | sha256sum | cut -c1-12)"
image="customers-api/ministack:${ministack_version}-${recipe_hash}"

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "emulator-image: $image already built" >&2
  echo "$image"
  exit 0
fi

started=$SECONDS
mkdir -p "$cache_dir"
work="$(mktemp -d "$cache_dir/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

debian_mirror() {
  local codename mirror
  codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
  mirror="$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' |
    awk -v c="$codename" '$2 == c { print $1; exit }')"
  echo "${DEBIAN_MIRROR:-${mirror:-http://deb.debian.org/debian/}}"
}

# The debootstrap tarball outlives docker state, so losing the daemon's images only
# costs the (fast) Python layer and the import.
base_recipe="$suite $base_packages $base_trim"
base_tar="$cache_dir/rootfs-$suite-$(echo "$base_recipe" | sha256sum | cut -c1-12).tar"
if [[ ! -f "$base_tar" ]]; then
  if ! command -v debootstrap >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
  fi
  mirror="$(debian_mirror)"
  echo "emulator-image: debootstrap $suite from $mirror" >&2
  debootstrap --variant=minbase --include="$base_packages" "$suite" "$work/base" "$mirror" >&2
  # shellcheck disable=SC2086 # split and glob on purpose
  (cd "$work/base" && rm -rf $base_trim)
  tar --numeric-owner -C "$work/base" -cf "$base_tar.partial" .
  mv "$base_tar.partial" "$base_tar"
  rm -rf "$work/base"
fi

rootfs="$work/rootfs"
mkdir "$rootfs"
tar --numeric-owner -C "$rootfs" -xf "$base_tar"

# Wheels come through the host's pip (its PyPI access and config); the chroot then
# installs them offline, hash-checked.
PIP_FIND_LINKS='' pip download --quiet --no-deps --only-binary=:all: "${wheel_platform[@]}" \
  --require-hashes -r "$requirements" -d "$rootfs/tmp/wheels" >&2
cp "$requirements" "$rootfs/tmp/wheels/requirements.txt"
# env -i: the host's PIP_* settings (find-links, cert paths) don't exist in the chroot.
in_rootfs() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$rootfs" "$@"; }
in_rootfs python3 -m venv /opt/ministack
in_rootfs /opt/ministack/bin/pip install --quiet --no-index --no-deps \
  --no-cache-dir --require-hashes --find-links /tmp/wheels -r /tmp/wheels/requirements.txt >&2
rm -rf "$rootfs/tmp/wheels"

# PYTHONUNBUFFERED: log waits (e.g. testcontainers' "Ready") see lines as they happen.
# IOT_MTLS_ENABLED=0: should the lock gain `cryptography`, MiniStack would also bind 8883,
# which collides between two emulators on --network host; the kit uses no IoT.
tar --numeric-owner -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/opt/ministack/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV PYTHONUNBUFFERED=1' \
  --change 'ENV LAMBDA_EXECUTOR=local' \
  --change 'ENV IOT_MTLS_ENABLED=0' \
  --change 'EXPOSE 4566' \
  --change 'CMD ["ministack"]' \
  --message "MiniStack $ministack_version on Debian $suite, recipe $recipe_hash" \
  - "$image" >/dev/null

size_mb=$(($(docker image inspect -f '{{.Size}}' "$image") / 1024 / 1024))
echo "emulator-image: built $image in $((SECONDS - started))s, ${size_mb} MiB" >&2
echo "$image"
