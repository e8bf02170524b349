#!/usr/bin/env bash
# A local Redis Cluster for development, tests and CI: three masters started with
# `redis-server --cluster-enabled yes`, joined with `redis-cli --cluster create`; optionally one
# replica per master (six nodes), so that a master's death is followed by a failover.
#
#   scripts/redis-cluster/local-cluster.sh start [--replicas 1]  # start, wait for cluster_state:ok, print REDIS_CLUSTER_NODES=...
#   scripts/redis-cluster/local-cluster.sh stop                  # stop every node, remove the folder
#   scripts/redis-cluster/local-cluster.sh status                # each node's state; exit 0 when all run
#   scripts/redis-cluster/local-cluster.sh start-node PORT       # start again one node that died (the chaos suite's
#                                                                # master kill): it rejoins with its nodes.conf
#
# Starting a cluster that runs already says so, prints the variable and exits 0. Nodes keep no data
# on disk (no RDB, no AOF); their folders (nodes.conf, logs, pids) are under REDIS_CLUSTER_DIR.
#
# Environment (all optional):
#   REDIS_CLUSTER_HOST (127.0.0.1), REDIS_CLUSTER_PORT (17001: the first node's port, the others follow),
#   REDIS_CLUSTER_DIR (<repo>/.redis-cluster), REDIS_CLUSTER_NODE_TIMEOUT (2000 ms: how long a master
#   may be unreachable before its replica takes over), REDIS_CLUSTER_START_TIMEOUT (30 s).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
host="${REDIS_CLUSTER_HOST:-127.0.0.1}"
first_port="${REDIS_CLUSTER_PORT:-17001}"
dir="${REDIS_CLUSTER_DIR:-$root/.redis-cluster}"
node_timeout="${REDIS_CLUSTER_NODE_TIMEOUT:-2000}"
start_timeout="${REDIS_CLUSTER_START_TIMEOUT:-30}"
masters=3
marker="$dir/.local-cluster"

say_tag="redis-cluster"
# shellcheck source=../shell/common.sh
source "$root/scripts/shell/common.sh"

# The ports of the nodes this folder holds (after a start), else none.
ports() {
  [ -f "$marker" ] || return 0
  local count
  count="$(cat "$marker")"
  for ((i = 0; i < count; i++)); do echo $((first_port + i)); done
}

# The pid of the node on `port`, when it runs (and is still our redis-server: pids get reused).
node_pid() { live_pid "$dir/$1/redis.pid" "redis-server.*:$1"; }

seeds() {
  local list=() port
  for port in $(ports); do list+=("$host:$port"); done
  (IFS=,; echo "${list[*]}")
}

print_variable() { echo "REDIS_CLUSTER_NODES=$(seeds)"; }

cluster_ok() { redis-cli -h "$host" -p "$1" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

cmd_status() {
  local port all=0 some=0
  if [ ! -f "$marker" ]; then say "not started"; return 1; fi
  for port in $(ports); do
    if node_pid "$port" >/dev/null; then
      some=1
      local role
      role="$(redis-cli -h "$host" -p "$port" role 2>/dev/null | head -n1 || echo '?')"
      say "$host:$port running ($role$(cluster_ok "$port" && echo ', cluster_state:ok' || echo ', cluster not ok'))"
    else
      all=1
      say "$host:$port not running"
    fi
  done
  [ "$some" = 1 ] && [ "$all" = 0 ]
}

# Starts the redis-server of `port` (its folder exists), daemonized; returns once it answers PING.
start_node() {
  local port="$1" deadline=$((SECONDS + start_timeout))
  redis-server --port "$port" --bind "$host" --daemonize yes \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout "$node_timeout" \
    --save "" --appendonly no --dir "$dir/$port" \
    --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" >/dev/null \
    || die "redis-server on port $port did not start (see $dir/$port/redis.log)"
  until redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "node $port does not answer (see $dir/$port/redis.log)"
    sleep 0.1
  done
}

# A node that died comes back on its port with its nodes.conf (no data: nodes keep none on disk):
# it rejoins the cluster, and a master whose slots a replica took over comes back as its replica.
cmd_start_node() {
  local port="${1:-}"
  [ -f "$marker" ] || die "not started"
  local known=0 p
  for p in $(ports); do [ "$p" = "$port" ] && known=1; done
  [ "$known" = 1 ] || die "no node on port '$port' in this cluster ($(seeds))"
  if node_pid "$port" >/dev/null; then say "$host:$port runs already"; return 0; fi
  start_node "$port"
  say "$host:$port started again"
}

cmd_start() {
  local replicas=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --replicas) replicas="${2:-}"; shift 2 ;;
      --replicas=*) replicas="${1#*=}"; shift ;;
      *) die "unknown option $1 (expected --replicas 0|1)" ;;
    esac
  done
  [[ "$replicas" =~ ^[01]$ ]] || die "--replicas must be 0 or 1"
  command -v redis-server >/dev/null || die "redis-server is not installed"
  command -v redis-cli >/dev/null || die "redis-cli is not installed"
  local count=$((masters * (1 + replicas))) port running=0 stopped=0
  if [ -f "$marker" ]; then
    for port in $(ports); do
      if node_pid "$port" >/dev/null; then running=$((running + 1)); else stopped=$((stopped + 1)); fi
    done
    if [ "$stopped" = 0 ] && [ "$running" -gt 0 ]; then
      [ "$running" = "$count" ] || say "note: the running cluster has $running nodes (asked for $count); stop it first to change that"
      say "already running"
      print_variable
      return 0
    fi
    if [ "$running" -gt 0 ]; then die "$running node(s) run and $stopped do not: run '$0 stop' first"; fi
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  echo "$count" >"$marker"
  local addresses=()
  for port in $(ports); do
    mkdir -p "$dir/$port"
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then die "port $port is taken by another process"; fi
    start_node "$port"
    addresses+=("$host:$port")
  done
  local deadline=$((SECONDS + start_timeout))
  say "joining ${#addresses[@]} nodes ($masters masters, $replicas replica(s) each)"
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas "$replicas" --cluster-yes >"$dir/create.log" 2>&1 \
    || { cat "$dir/create.log" >&2; die "redis-cli --cluster create failed"; }
  for port in $(ports); do
    until cluster_ok "$port"; do
      [ $SECONDS -lt $deadline ] || die "node $port: cluster_state is not ok after ${start_timeout}s"
      sleep 0.1
    done
  done
  if [ "$replicas" = 1 ]; then
    # Each replica has its master's data before the cluster is handed out (a failover needs it).
    for port in $(ports); do
      if redis-cli -h "$host" -p "$port" role 2>/dev/null | head -n1 | grep -q slave; then
        until redis-cli -h "$host" -p "$port" info replication 2>/dev/null | grep -q '^master_link_status:up'; do
          [ $SECONDS -lt $deadline ] || die "replica $port is not linked to its master after ${start_timeout}s"
          sleep 0.1
        done
      fi
    done
  fi
  say "cluster_state:ok on ${#addresses[@]} nodes"
  print_variable
}

cmd_stop() {
  if [ ! -f "$marker" ]; then say "not started"; return 0; fi
  local port pid
  for port in $(ports); do
    if pid="$(node_pid "$port")"; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$dir"
  say "stopped"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  start-node) shift; cmd_start_node "$@" ;;
  *) echo "usage: $0 start [--replicas 1] | stop | status | start-node PORT" >&2; exit 2 ;;
esac
