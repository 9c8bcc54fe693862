#!/usr/bin/env bash
# Runs MiniStack (the pinned one from scripts/toolchain.sh) in the background on loopback: the kit's one MiniStack
# launcher (make emulator-up, the e2e suite, and through scripts/lib/ministack.ts the fast suite and the benchmark).
#   scripts/emulator.sh start|stop|status
# Port: EMULATOR_PORT (default 4566). Pid and log: .state/emulator/ministack-<port>.{pid,log}.
# MiniStack's own settings pass through the environment, e.g. SERVICES=dynamodb, LOG_LEVEL=WARNING.
# EMULATOR_WATCH_PID: stop MiniStack once that process is gone, so a test run that is killed leaks no emulator.
# Lambdas run as `node` subprocesses (LAMBDA_EXECUTOR=local) on the toolchain's Node 24, so no Docker is needed.
# AUTH=true by default: MiniStack evaluates IAM, and runs each function with its execution role's session, so a
# function whose role lacks an action fails here as on AWS (AUTH=false turns it off). The access key `test` stays
# root (the kit's deploys and scripts use it), and no other key works unless made in the emulator's IAM.
# scripts/emulator-guard/ on PYTHONPATH refuses requests from web pages (foreign Origin, Sec-Fetch-Site, a Host
# that is not this machine): see emulator_guard.py there.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${EMULATOR_PORT:-4566}
STATE=$ROOT/.state/emulator
PIDFILE=$STATE/ministack-$PORT.pid
LOGFILE=$STATE/ministack-$PORT.log
HEALTH_URL=http://127.0.0.1:$PORT/_ministack/health
START_TIMEOUT=${EMULATOR_START_TIMEOUT:-60}
STOP_TIMEOUT=10
WATCH_PID=${EMULATOR_WATCH_PID:-}
# A shell in MiniStack's process group that polls the watched pid and then ends the group. $0: MiniStack, $1: pid.
# shellcheck disable=SC2016 # expanded by that shell, not this one
WATCHDOG='trap "kill -TERM -- -\$\$ 2>/dev/null" EXIT; "$0" & ms=$!
while kill -0 "$1" 2>/dev/null && kill -0 "$ms" 2>/dev/null; do sleep 1; done'

log() { printf '[emulator] %s\n' "$*" >&2; }

running_pid() {
  local pid args
  [[ -f $PIDFILE ]] || return 1
  pid=$(<"$PIDFILE")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # A recycled pid would belong to another program: only trust it while it is still MiniStack. /proc first: slim
  # images (the compose tools container) have no ps.
  args=$({ tr '\0' ' ' <"/proc/$pid/cmdline" || ps -p "$pid" -o args=; } 2>/dev/null) || return 1
  [[ $args == *ministack* ]] && echo "$pid"
}

# Polls the health endpoint until it answers 200, the process dies, or the timeout passes.
wait_healthy() {
  local pid=$1 deadline=$((SECONDS + START_TIMEOUT))
  until "$PYTHON" - "$HEALTH_URL" <<'EOF' 2>/dev/null; do
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=1).read()
EOF
    kill -0 "$pid" 2>/dev/null || { log "MiniStack exited during start; log:"; tail -n 30 "$LOGFILE" >&2; return 1; }
    ((SECONDS < deadline)) || { log "not healthy after ${START_TIMEOUT}s; log: $LOGFILE"; return 1; }
    sleep 0.2
  done
}

start() {
  if pid=$(running_pid); then
    log "already running (pid $pid) on 127.0.0.1:$PORT"
    return
  fi
  "$ROOT/scripts/toolchain.sh" ministack
  eval "$("$ROOT/scripts/toolchain.sh" env)"
  local node_bin
  node_bin=$("$ROOT/scripts/toolchain.sh" node-bin)
  PYTHON=$(dirname "$MINISTACK_BIN")/python
  mkdir -p "$STATE"
  local began=$SECONDS launch=("$MINISTACK_BIN")
  if [[ -n $WATCH_PID ]]; then
    if ! [[ $WATCH_PID =~ ^[0-9]+$ ]] || ! kill -0 "$WATCH_PID" 2>/dev/null; then
      log "EMULATOR_WATCH_PID=$WATCH_PID is no running process"
      exit 2
    fi
    launch=(bash -c "$WATCHDOG" "$MINISTACK_BIN" "$WATCH_PID")
  fi
  # setsid: own process group, so stop can also end the node workers it spawns for Lambdas (and the watchdog).
  # The Lambda workers run on Node >= 24 (the toolchain's when the host's is older): the major of the stack's
  # nodejs24.x runtime.
  PATH=$node_bin:$PATH GATEWAY_PORT=$PORT BIND_HOST=127.0.0.1 LAMBDA_EXECUTOR=local AUTH=${AUTH:-true} \
    PYTHONPATH=$ROOT/scripts/emulator-guard${PYTHONPATH:+:$PYTHONPATH} \
    setsid "${launch[@]}" >"$LOGFILE" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PIDFILE"
  if ! wait_healthy "$pid"; then
    stop
    exit 1
  fi
  log "MiniStack up (pid $pid${WATCH_PID:+, stops when pid $WATCH_PID exits}) on http://127.0.0.1:$PORT in $((SECONDS - began))s; log: $LOGFILE"
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$PIDFILE"
    log "not running on port $PORT"
    return
  fi
  kill -TERM -- "-$pid"
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 -- "-$pid" 2>/dev/null; then
    log "process group $pid ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL -- "-$pid"
  fi
  rm -f "$PIDFILE"
  log "stopped (pid $pid)"
}

status() {
  local pid
  if pid=$(running_pid); then
    log "running (pid $pid) on http://127.0.0.1:$PORT"
  else
    log "not running on port $PORT"
    return 3
  fi
}

case ${1:-} in
  start | stop | status) "$1" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
