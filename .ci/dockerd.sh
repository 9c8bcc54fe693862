#!/usr/bin/env bash
# Start/stop a local Docker daemon for machines that have no image registry and no
# init system. Uses the daemon already answering if there is one; otherwise runs
# Debian's dockerd (docker.io) in the background and owns it through a pidfile.
#   scripts/dockerd.sh start|stop|status
set -euo pipefail

cache_dir="${CUSTOMERS_API_CACHE:-$HOME/.cache/customers-api}/dockerd"
pidfile="$cache_dir/dockerd.pid"
logfile="$cache_dir/dockerd.log"
ready_timeout_s=60
stop_timeout_s=30

# No DOCKER_API_VERSION needed: bookworm's dockerd 20.10 speaks API 1.41, and both the
# docker 28 CLI and testcontainers negotiate down to it.

daemon_answers() { docker info >/dev/null 2>&1; }

owned_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid
  pid="$(cat "$pidfile")"
  # The comm check guards against a recycled pid after a crash or reboot.
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == dockerd ]] && echo "$pid"
}

install_dockerd() {
  command -v dockerd >/dev/null && return
  echo "dockerd: installing Debian docker.io"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io
}

start() {
  if daemon_answers; then
    echo "dockerd: a daemon already answers; using it"
    return
  fi
  [[ $EUID -eq 0 ]] || { echo "dockerd: must run as root to start dockerd" >&2; exit 1; }
  install_dockerd
  mkdir -p "$cache_dir"
  if ! owned_pid >/dev/null; then
    setsid dockerd >>"$logfile" 2>&1 </dev/null &
    echo $! >"$pidfile"
  fi
  local deadline=$((SECONDS + ready_timeout_s))
  until daemon_answers; do
    if ! owned_pid >/dev/null; then
      echo "dockerd: exited during startup; last log lines ($logfile):" >&2
      tail -n 20 "$logfile" >&2
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "dockerd: no answer after ${ready_timeout_s}s; see $logfile" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "dockerd: ready (pid $(cat "$pidfile"), server $(docker version -f '{{.Server.Version}}'), log $logfile)"
}

stop() {
  local pid
  if ! pid="$(owned_pid)"; then
    rm -f "$pidfile"
    echo "dockerd: none started by this script; nothing to stop"
    return
  fi
  kill "$pid"
  local deadline=$((SECONDS + stop_timeout_s))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "dockerd: pid $pid still running after ${stop_timeout_s}s" >&2
      exit 1
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
  echo "dockerd: stopped (pid $pid)"
}

status() {
  if daemon_answers; then
    local owner="external"
    owned_pid >/dev/null && owner="pid $(cat "$pidfile"), started by this script"
    echo "dockerd: running, server $(docker version -f '{{.Server.Version}}') ($owner)"
  else
    echo "dockerd: not running"
    return 1
  fi
}

case "${1:-}" in
  start | stop | status) "$1" ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
