# shellcheck shell=bash
# shellcheck disable=SC2154 # stacks, logs, env, stack_name, db_name_parameter: set by scripts/deploy.sh, which sources this
# Sourced by scripts/deploy.sh after scripts/lib/engine.sh: runs OpenTofu so that Ctrl-C never leaves state or lock
# half written. Needs $stacks (synth output) and $logs (the workspace's log directory).
#
# Each engine step runs in a session of its own (setsid), so a terminal's Ctrl-C reaches this script, not OpenTofu
# directly: the first one is forwarded to OpenTofu exactly once (it then finishes the calls in flight, writes state
# and releases its lock), further ones only say what it is still doing. A second SIGINT would make OpenTofu exit at
# once ("Two interrupts received"), which is how a state loses a resource it just created, or keeps a stale lock.
# Nothing here ever sends SIGKILL.

tf() { local stack=$1; shift; "$TF_BIN" -chdir="$stacks/$stack" "$@"; }

engine_pid=
engine_starting=
engine_log=
engine_interrupts=0

# What OpenTofu is doing: the resources it has started on and not yet reported finished, from its log.
engine_activity() {
  grep -E ': (Creating|Modifying|Destroying|Refreshing state|Still [a-z]+)\.\.\.' "$engine_log" 2>/dev/null | tail -n 5 || true
}

on_interrupt() {
  # Between the fork and the assignment of engine_pid, $! already names the engine.
  if [ -z "$engine_pid" ] && [ -n "$engine_starting" ]; then engine_pid=$!; fi
  if [ -z "$engine_pid" ]; then
    echo "interrupted (no OpenTofu step was running)" >&2
    exit 130
  fi
  engine_interrupts=$((engine_interrupts + 1))
  if [ "$engine_interrupts" -eq 1 ]; then
    echo >&2
    echo "Interrupted: asking OpenTofu to stop (one SIGINT). It finishes the calls in flight, saves state and releases" >&2
    echo "the lock, which can take a few minutes. Do not kill it: that is how state loses track of resources." >&2
    kill -INT "$engine_pid" 2>/dev/null || true
  else
    echo "still waiting for OpenTofu to stop cleanly (not interrupting it again)." >&2
  fi
  echo "OpenTofu's latest activity ($engine_log):" >&2
  engine_activity | sed 's/^/  /' >&2
}
trap on_interrupt INT TERM

# engine NAME STACK ARGS...: runs `tofu -chdir=<stack> ARGS` with its output in $logs/NAME.log and returns its status.
engine() {
  local name=$1 stack=$2 status=0; shift 2
  engine_log="$logs/$name.log"
  engine_interrupts=0
  # Without job control (a script) the background job shares this shell's process group, so setsid execs in place
  # and $! is OpenTofu itself.
  engine_starting=1
  setsid "$TF_BIN" -chdir="$stacks/$stack" "$@" >"$engine_log" 2>&1 </dev/null &
  engine_pid=$!
  engine_starting=
  # `wait` returns early when a trapped signal arrives: keep waiting until OpenTofu itself has exited.
  while kill -0 "$engine_pid" 2>/dev/null; do
    wait "$engine_pid" && status=0 || status=$?
  done
  engine_pid=
  if [ "$engine_interrupts" -gt 0 ]; then
    if [ "$status" = 0 ]; then
      echo "OpenTofu finished the calls it had started, which were all of them (exit 0); state and lock are consistent." >&2
      echo "Stopping here, as asked. Last lines of $engine_log:" >&2
    else
      echo "OpenTofu stopped after the interrupt (exit $status); state and lock are consistent. Last lines of $engine_log:" >&2
    fi
    tail -n 15 "$engine_log" >&2
    exit 130
  fi
  return "$status"
}

# step NAME STACK COMMAND ARGS...: one engine step; prints the engine's summary line, or the log's tail when it fails.
# The common flags go right after the command: a saved plan is a positional argument, after which tofu takes none.
step() {
  local name=$1 stack=$2 command=$3 start=$SECONDS; shift 3
  if engine "$name" "$stack" "$command" -input=false -no-color "$@"; then
    echo "$name: $(grep -E '^(Apply|Destroy) complete|has been successfully initialized|^No changes' "$logs/$name.log" | tail -n 1) ($(( SECONDS - start )) s)"
  else
    echo "$name failed; last lines of $logs/$name.log:" >&2; tail -n 40 "$logs/$name.log" >&2; exit 1
  fi
}

# The resource addresses in a stack's state, one a line; nothing when it has no state yet. Any other failure (a
# backend it cannot read, a state it cannot decrypt) stops the script: an empty answer would be taken for "nothing
# deployed".
state_addresses() {
  local stack=$1 log="$logs/state-list-$1.log"
  if tf "$stack" state list -no-color >"$log.out" 2>"$log"; then
    cat "$log.out"
  elif grep -q 'No state file was found' "$log"; then
    : # never applied: no resources
  else
    echo "state list of $stack failed; $log:" >&2; cat "$log" >&2; exit 1
  fi
  rm -f "$log.out"
}
