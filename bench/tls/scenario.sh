# The `tls` scenario of bench/run.sh (sourced by it; uses its helpers, the http scenario's wrk helpers and the ws
# scenario's load generator runner): Hub with --tls-port beside Kestrel with UseHttps, same self-signed ECDSA P-256
# certificate (made with openssl for the run), each server pinned to SERVER_CPU, the load on LOAD_CPU.
#
#   keepalive   HTTPS keep-alive GET / with wrk (TLS_CONNS connections, DURATION s, REPEAT runs): req/s and p99
#   handshake   new TLS connections per second: wrk with "Connection: close", so every request is a new connection
#               and a full handshake (TLS_HANDSHAKE_CONNS concurrent clients): connections/s = req/s
#   idle        KiB per idle TLS WebSocket: bench/loadgen idle --url wss://…/ws at TLS_IDLE_STEPS open sockets
#
# Only hub and kestrel take part (Node and Tornado are not set up for TLS here).

declare -F http_wrk_start >/dev/null || source "$BENCH_DIR/http/scenario.sh"
declare -F ws_loadgen >/dev/null || source "$BENCH_DIR/ws/scenario.sh"

TLS_CONNS=${TLS_CONNS:-100}
TLS_HANDSHAKE_CONNS=${TLS_HANDSHAKE_CONNS:-50}
TLS_IDLE_STEPS=${TLS_IDLE_STEPS:-"1000 5000"}
TLS_PORT_OFFSET=${TLS_PORT_OFFSET:-1000}

TLS_TSV=""
TLS_COLUMNS="server point run value p99_ms errors server_cpu_pct"

tls_requirements() {
    NEED_HUB_HOST=1
    NEED_LOADGEN=1
    NEED_WRK=1
    local n
    for n in $TLS_IDLE_STEPS; do ((n > FD_NEED)) && FD_NEED=$n; done
    command -v openssl >/dev/null || die "tls: openssl (Debian's openssl package) makes the test certificate"
}

tls_scenario() {
    TLS_TSV="$RUN_DIR/tls.tsv"
    : >"$TLS_TSV"
    local cert="$RUN_DIR/tls-cert.pem" key="$RUN_DIR/tls-key.pem" server port tls_port run
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$key" -out "$cert" 2>/dev/null \
        || die "tls: openssl could not make the test certificate"
    for server in $SERVERS; do
        [[ $server == hub || $server == kestrel ]] || { log "tls: $server is not set up for TLS here, left out"; continue; }
        port=$(server_port "$server")
        tls_port=$((port + TLS_PORT_OFFSET))
        SERVER_ARGS=(--tls-port "$tls_port" --tls-cert "$cert" --tls-key "$key")
        start_server "$server"
        SERVER_ARGS=()
        tls_wait "$server" "$tls_port"
        if ((WARMUP > 0)); then
            log "$server: warming up for ${WARMUP}s (wrk over TLS, not measured)"
            tls_wrk "$tls_port" "$TLS_CONNS" "$WARMUP" "$RUN_DIR/tls-$server-warmup.txt"
        fi
        for ((run = 1; run <= REPEAT; run++)); do
            tls_wrk_measure "$server" "$tls_port" keepalive "$TLS_CONNS" "$run"
            tls_wrk_measure "$server" "$tls_port" handshake "$TLS_HANDSHAKE_CONNS" "$run" -H "Connection: close"
        done
        log "stopping $server (pid $SERVER_PID)"
        stop_pid "$SERVER_PID"
        for ((run = 1; run <= REPEAT; run++)); do tls_idle "$server" "$port" "$tls_port" "$cert" "$key" "$run"; done
    done
}

# The TLS listener binds after the plain one start_server waited for: wait until it answers too.
tls_wait() {
    local deadline=$((SECONDS + STARTUP_TIMEOUT))
    until curl -skf -o /dev/null --max-time 1 "https://127.0.0.1:$2/"; do
        ((SECONDS < deadline)) || die "$1: GET https://127.0.0.1:$2/ did not answer within ${STARTUP_TIMEOUT}s"
        sleep 0.2
    done
}

# wrk against https://127.0.0.1:$1/ with $2 connections for $3 s into $4, extra wrk arguments after; waits for it.
tls_wrk() {
    local port=$1 conns=$2 seconds=$3 out=$4
    shift 4
    taskset -c "$LOAD_CPU" wrk -t1 -c"$conns" -d"${seconds}s" --latency "$@" "https://127.0.0.1:$port/" >"$out" 2>&1 &
    WRK_PID=$!
    STARTED+=("$WRK_PID")
    http_wrk_wait "$seconds"
}

tls_wrk_measure() {
    local server=$1 port=$2 point=$3 conns=$4 run=$5
    shift 5
    local out="$RUN_DIR/tls-$server-$point-run$run.txt" srv0 srv1 ns0 ns1 parsed cpu
    srv0=$(cpu_ticks "$SERVER_PID"); ns0=$(date +%s%N)
    tls_wrk "$port" "$conns" "$DURATION" "$out" "$@"
    srv1=$(cpu_ticks "$SERVER_PID"); ns1=$(date +%s%N)
    kill -0 "$SERVER_PID" 2>/dev/null || server_died "$server"
    cpu=$(cpu_percent "$srv0" "$srv1" "$ns0" "$ns1")
    # parse-wrk.awk: "rps p50 p99 requests socket_errors non_2xx".
    parsed=$(awk -f "$BENCH_DIR/http/parse-wrk.awk" "$out")
    # shellcheck disable=SC2086
    set -- $parsed
    printf '%s %s %s %s %s %s %s\n' "$server" "$point" "$run" "$1" "$3" "$(($5 + $6))" "$cpu" >>"$TLS_TSV"
    log "$server tls $point run $run/$REPEAT: $1 /s, p99 $3 ms, errors $(($5 + $6)), server CPU $cpu %"
}

# A fresh server per idle run (memory of earlier load would count), the load generator opening TLS WebSockets.
tls_idle() {
    local server=$1 port=$2 tls_port=$3 cert=$4 key=$5 run=$6 out="$RUN_DIR/tls-$server-idle-run$run.txt" step kb
    SERVER_ARGS=(--tls-port "$tls_port" --tls-cert "$cert" --tls-key "$key")
    start_server "$server"
    SERVER_ARGS=()
    tls_wait "$server" "$tls_port"
    ws_loadgen "$out" 900 idle --url "wss://127.0.0.1:$tls_port/ws" --steps "${TLS_IDLE_STEPS// /,}"
    ws_require_result "$out" "$server tls idle"
    for step in $TLS_IDLE_STEPS; do
        kb=$(ws_field "$out" "n${step}_kb_per_conn")
        printf '%s idle-%s %s %s 0 %s 0\n' "$server" "$step" "$run" "${kb:-nan}" "$(ws_field "$out" closed_early)" >>"$TLS_TSV"
        log "$server tls idle run $run: $step open → ${kb:-?} KiB per TLS WebSocket"
    done
    stop_pid "$SERVER_PID"
}

tls_column() {
    awk -v s="$1" -v p="$2" -v col="$3" -v names="$TLS_COLUMNS" '
        BEGIN { n = split(names, h, " "); for (i = 1; i <= n; i++) idx[h[i]] = i }
        $1 == s && $2 == p { print $(idx[col]) }' "$TLS_TSV"
}

tls_points() { awk '{ print $2 }' "$TLS_TSV" | awk '!seen[$0]++'; }

tls_report_md() {
    local point server med min max base others other
    printf '## tls: HTTPS keep-alive, new TLS connections per second, KiB per idle TLS WebSocket\n\n'
    printf '| point | server | value median (min–max) | p99 ms | errors | server CPU %% |\n|---|---|---:|---:|---:|---:|\n'
    for point in $(tls_points); do
        for server in $SERVERS; do
            [[ -n $(tls_column "$server" "$point" value) ]] || continue
            read -r med min max < <(tls_column "$server" "$point" value | stats)
            printf '| %s | %s | %.1f (%.1f–%.1f) | %s | %s | %s |\n' "$point" "$server" "$med" "$min" "$max" \
                "$(tls_column "$server" "$point" p99_ms | stats | cut -d' ' -f1)" \
                "$(tls_column "$server" "$point" errors | awk '{ t += $1 } END { print t + 0 }')" \
                "$(tls_column "$server" "$point" server_cpu_pct | stats | cut -d' ' -f1)"
        done
    done
    printf '\nkeepalive and handshake: requests (= new TLS connections for handshake) per second; idle-N: KiB per\n'
    printf 'connection with N TLS WebSockets open (lower is better).\n'
}

tls_report_csv() { summary_csv_rows tls "$TLS_TSV" "$TLS_COLUMNS" value p99_ms errors server_cpu_pct; }

tls_report_json() {
    printf '{"runs":['
    awk -v names="$TLS_COLUMNS" '
        BEGIN { n = split(names, h, " ") }
        { printf "%s{", (NR > 1 ? "," : "")
          for (i = 1; i <= n; i++) printf "%s\"%s\":%s", (i > 1 ? "," : ""), h[i], (i <= 2 ? "\"" $i "\"" : $i)
          printf "}" }' "$TLS_TSV"
    printf ']}'
}
