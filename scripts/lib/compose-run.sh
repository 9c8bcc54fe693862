#!/usr/bin/env bash
# `docker compose run "$@"` (the Makefile's RUNNER=compose), whose container stops on Ctrl-C, SIGINT or SIGTERM and
# lives no longer than this command.
#
# Why not plain `docker compose run`: when its output is not a terminal (a script, CI, `make dev | tee`), a signal to
# make's process group reaches the docker CLI too, which then closes its socket to the compose plugin and so cancels
# the plugin's context. Compose's signal forwarding (pkg/compose/run.go: ForwardAllSignals) then either passes the
# signal on to the container or returns first, and compose exits leaving the container running: a `make dev` whose
# loop never stopped (1 run in 8 here). Where both of compose's forwarders do fire, the container gets the signal
# twice, which OpenTofu takes as "exit immediately". So compose runs in a process group of its own, which the signal
# never reaches, and the signal goes to the container once, by name; its init hands it to make's process group inside
# (docker-compose.yml). Compose ends with the container, so make returns once the loop in it has stopped.
# With a terminal, compose runs as is: the CLI keeps the socket open, and Ctrl-C reaches the container through its TTY.
set -uo pipefail

if [[ -t 1 ]]; then exec docker compose run "$@"; fi

# A terminal on stdin (`make dev | tee dev.log`) is not compose's: from a process group of its own, reading it or
# restoring its settings stops compose (SIGTTIN, SIGTTOU). Nothing typed would reach the container anyway: with its
# output not a terminal compose gives it no TTY, and the kit's prompts refuse without one (scripts/lib/plan-review.sh).
if [[ -t 0 ]]; then exec </dev/null; fi

name="customers-api-run-$$-$RANDOM"
compose=
signalled=
# shellcheck disable=SC2317 # called by the traps below
forward() {
  signalled=$1
  [[ -n $compose ]] || exit $((128 + $(kill -l "$1")))
  # Not created yet: stop compose itself, before it starts the container.
  docker kill --signal "$1" "$name" >/dev/null 2>&1 || kill -TERM -- "-$compose" 2>/dev/null || true
}
trap 'forward INT' INT
trap 'forward TERM' TERM
trap 'forward HUP' HUP

set -m # the next job gets a process group of its own
docker compose run --name "$name" "$@" &
compose=$!
set +m

# `wait` returns early when a trapped signal arrives: wait again until compose has ended.
while :; do
  wait "$compose"
  status=$?
  kill -0 "$compose" 2>/dev/null || break
done
# Compose can end before its container: its output broke (`make dev | head`, or a Ctrl-C that ended `tee`), or it
# was killed. A running container is stopped as `docker stop` would (unless a signal is already on its way: a second
# one is not the same as one) and waited for; one a signal caught between create and start is removed.
case $(docker inspect --format '{{.State.Status}}' "$name" 2>/dev/null) in
  running)
    [[ -n $signalled ]] || docker kill --signal TERM "$name" >/dev/null 2>&1
    docker wait "$name" >/dev/null 2>&1
    ;;
  created) docker rm --force "$name" >/dev/null 2>&1 ;;
esac
exit "$status"
