#!/usr/bin/env bash
# Runs shellcheck over every shell script the repository tracks (installed from Debian when missing), from the repository
# root so `source` directives resolve; info-level notes count too.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v shellcheck >/dev/null; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q shellcheck
fi
mapfile -t scripts < <(git ls-files '*.sh' .ci/run)
shellcheck --version | sed -n 2p
shellcheck -x "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts clean"
