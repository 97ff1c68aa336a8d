# Hub.Host cluster nodes on loopback, for the `cluster` and `scale` scenarios (sourced by their scenario.sh; uses
# bench/run.sh's helpers: die, log, STARTED, RUN_DIR, HUB_DLL, STARTUP_TIMEOUT). Each scenario keeps its own
# settings (ports, cores, --set overrides) and passes them in; logs go to $RUN_DIR/<label>-node<i>.log.

# Starts Hub.Host as node $2 of <label> $1, with the cluster flags unless $3 = single: HTTP port $4 + node, remoting
# port $5 + node (node 0's is the seed), pinned to cores $6, with the HOCON overrides in $7 (space-separated);
# waits until it answers GET /. Sets HUB_NODE_PID.
hub_node_start() {
    local label=$1 node=$2 mode=$3 http_base=$4 remote_base=$5 cpus=$6 set=$7 cmd o pid deadline
    local port=$((http_base + node)) remote=$((remote_base + node)) logf="$RUN_DIR/$label-node$node.log"
    [[ -f $HUB_DLL ]] || die "$HUB_DLL missing (build first)"
    [[ -z $(ss -Htln "( sport = :$port )") ]] || die "port $port is already in use"
    cmd=(dotnet "$HUB_DLL" --port "$port" --bind 127.0.0.1)
    if [[ $mode != single ]]; then
        [[ -z $(ss -Htln "( sport = :$remote )") ]] || die "port $remote is already in use"
        cmd+=(--cluster-port "$remote" --seed "127.0.0.1:$remote_base")
    fi
    for o in $set; do cmd+=(--set "$o"); done
    taskset -c "$cpus" "${cmd[@]}" >>"$logf" 2>&1 &
    pid=$!
    STARTED+=("$pid")
    HUB_NODE_PID=$pid
    deadline=$((SECONDS + STARTUP_TIMEOUT))
    until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; do
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$logf" >&2; die "$label node $node exited during start"; }
        ((SECONDS < deadline)) || { tail -n 20 "$logf" >&2; die "$label node $node did not answer within ${STARTUP_TIMEOUT}s"; }
        sleep 0.2
    done
}

# Waits until nodes 0..$2-1 of <label> $1 (HTTP ports from $3) each report $2 members in /health, for at most $4 s.
hub_nodes_wait_members() {
    local label=$1 n=$2 http_base=$3 timeout=$4 i ready members deadline
    deadline=$((SECONDS + timeout))
    while :; do
        ready=0
        for ((i = 0; i < n; i++)); do
            members=$(curl -s --max-time 2 "http://127.0.0.1:$((http_base + i))/health" | grep -o '"address"' | wc -l || true)
            ((members >= n)) && ready=$((ready + 1))
        done
        ((ready == n)) && return 0
        ((SECONDS < deadline)) || die "the $label cluster did not reach $n members in ${timeout}s (logs: $RUN_DIR/$label-node*.log)"
        sleep 0.5
    done
}

# $2 nodes of <label> $1 (arguments $3.. as hub_node_start's $4..$7, then the members timeout) whose room "chat" is
# owned by node 0: node 0 starts alone, GET /presence/chat asks the room's owner and so starts it there (the only
# node), then the other nodes join — every join and broadcast crosses the network. Sets HUB_NODE_PIDS.
hub_cluster_start() {
    local label=$1 n=$2 http_base=$3 remote_base=$4 cpus=$5 set=$6 timeout=$7 i
    HUB_NODE_PIDS=()
    log "$label: starting node 0 (seed) and opening the room there"
    hub_node_start "$label" 0 cluster "$http_base" "$remote_base" "$cpus" "$set"
    HUB_NODE_PIDS+=("$HUB_NODE_PID")
    hub_nodes_wait_members "$label" 1 "$http_base" "$timeout"
    curl -sf -o /dev/null --max-time 30 "http://127.0.0.1:$http_base/presence/chat" || die "GET /presence/chat failed on node 0"
    for ((i = 1; i < n; i++)); do
        hub_node_start "$label" "$i" cluster "$http_base" "$remote_base" "$cpus" "$set"
        HUB_NODE_PIDS+=("$HUB_NODE_PID")
    done
    hub_nodes_wait_members "$label" "$n" "$http_base" "$timeout"
    log "$label: $n nodes up (pids ${HUB_NODE_PIDS[*]})"
}
