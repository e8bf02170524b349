# What the local service scripts (scripts/kafka, scripts/redis-cluster) share, sourced by them:
# `say` writes one line to stderr behind the script's tag (`say_tag`), `die` says and exits 1, and
# `live_pid` reads a pid file and prints the pid when that process still runs the expected command.
say() { echo "[$say_tag] $*" >&2; }
die() { say "$*"; exit 1; }

# live_pid PID_FILE PATTERN: the pid in PID_FILE when it is alive and its command line matches
# PATTERN (grep -E: pids get reused, so a live pid alone proves nothing); else returns 1.
live_pid() {
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -Eq "$2" || return 1
  echo "$pid"
}
