#!/usr/bin/env bash
# `docker compose run "$@"` (the Makefile's RUNNER=compose), stopped with its container on Ctrl-C, SIGINT or SIGTERM.
#
# Why not plain `docker compose run`: when its output is not a terminal (a script, CI, `make dev | tee`), a signal to
# make's process group reaches the docker CLI too, which then closes its socket to the compose plugin; that cancels
# the plugin's context, and compose's signal forwarding (pkg/compose/run.go: ForwardAllSignals) either sends the signal
# on to the container or returns first. When it returns first compose exits and the container runs on, detached: a
# `make dev` whose loop never stopped (integration/compose-dev.test.ts caught it about one run in three under load).
# So here compose runs in a process group of its own, which the signal never reaches, and the signal goes to the
# container by name (docker kill), whose init hands it to make's process group inside (docker-compose.yml). This
# waits for compose, which ends with the container, so make returns once the loop in it has stopped.
# With a terminal, compose runs as is: the CLI keeps the socket open, and Ctrl-C reaches the container through its TTY.
set -uo pipefail

if [[ -t 1 ]]; then exec docker compose run "$@"; fi

name="customers-api-run-$$-$RANDOM"
set -m # the next job gets a process group of its own
docker compose run --name "$name" "$@" &
compose=$!
set +m

forward() {
  # Not created yet: stop compose itself, before it starts the container.
  docker kill --signal "$1" "$name" >/dev/null 2>&1 || kill -TERM -- "-$compose" 2>/dev/null || true
}
trap 'forward INT' INT
trap 'forward TERM' TERM
trap 'forward HUP' HUP

# `wait` returns early when a trapped signal arrives: wait again until compose has ended.
while :; do
  wait "$compose"
  status=$?
  kill -0 "$compose" 2>/dev/null || exit "$status"
done
