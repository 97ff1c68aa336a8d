#!/usr/bin/env bash
# Start N Hub.Host nodes on loopback as one cluster, wait until every node reports N members in /health, print
# their addresses, and stop them (by PID) on Ctrl-C, on `stop` typed at the prompt, or on `local-cluster.sh stop`.
#
#   deploy/local-cluster.sh 3            # HTTP on 8888.., cluster on 4053..
#   HTTP_BASE=9000 CLUSTER_BASE=5000 deploy/local-cluster.sh 2
#   deploy/local-cluster.sh stop         # stop the nodes a previous run left in the background (NO_WAIT=1)
set -euo pipefail
cd "$(dirname "$0")/.."

STATE_DIR="${STATE_DIR:-/tmp/hub-local-cluster}"
HTTP_BASE="${HTTP_BASE:-8888}"
CLUSTER_BASE="${CLUSTER_BASE:-4053}"
FORM_TIMEOUT="${FORM_TIMEOUT:-60}"

stop_nodes() {
  [ -f "$STATE_DIR/pids" ] || return 0
  while read -r pid; do
    # Only our own nodes: the PIDs this script started and recorded.
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  done < "$STATE_DIR/pids"
  for _ in $(seq 1 30); do
    alive=0
    while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$STATE_DIR/pids"
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  while read -r pid; do kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true; done < "$STATE_DIR/pids"
  rm -f "$STATE_DIR/pids"
  echo "stopped"
}

if [ "${1:-}" = "stop" ]; then stop_nodes; exit 0; fi

N="${1:-3}"
if ! [[ "$N" =~ ^[0-9]+$ ]] || [ "$N" -lt 1 ]; then echo "usage: $0 N | stop" >&2; exit 2; fi
mkdir -p "$STATE_DIR"
stop_nodes >/dev/null

echo "building Hub.Host (Release)"
dotnet build src/Hub.Host -c Release -nologo -v q >/dev/null
HOST_DLL="src/Hub.Host/bin/Release/net10.0/Hub.Host.dll"

trap 'echo; stop_nodes; exit 0' INT TERM
: > "$STATE_DIR/pids"
for i in $(seq 0 $((N - 1))); do
  http=$((HTTP_BASE + i)); cluster=$((CLUSTER_BASE + i))
  dotnet "$HOST_DLL" --port "$http" --bind 127.0.0.1 --cluster-port "$cluster" --seed "127.0.0.1:$CLUSTER_BASE" \
    > "$STATE_DIR/node$i.log" 2>&1 &
  echo $! >> "$STATE_DIR/pids"
done

echo "waiting for $N members on every node (up to ${FORM_TIMEOUT}s)"
deadline=$((SECONDS + FORM_TIMEOUT))
while :; do
  ready=0
  for i in $(seq 0 $((N - 1))); do
    members=$(curl -s --max-time 2 "http://127.0.0.1:$((HTTP_BASE + i))/health" | grep -o '"address"' | wc -l || true)
    [ "$members" -ge "$N" ] && ready=$((ready + 1))
  done
  [ "$ready" = "$N" ] && break
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "the cluster did not form in ${FORM_TIMEOUT}s; logs in $STATE_DIR" >&2
    stop_nodes; exit 1
  fi
  sleep 1
done

for i in $(seq 0 $((N - 1))); do
  echo "node $i: http://127.0.0.1:$((HTTP_BASE + i))  (cluster akka.tcp://hub@127.0.0.1:$((CLUSTER_BASE + i)), pid $(sed -n "$((i + 1))p" "$STATE_DIR/pids"))"
done
echo "cluster of $N up; logs in $STATE_DIR"

if [ "${NO_WAIT:-0}" = 1 ]; then trap - INT TERM; exit 0; fi
echo "type 'stop' (or press Ctrl-C) to stop every node"
while read -r line; do [ "$line" = "stop" ] && break; done
stop_nodes
