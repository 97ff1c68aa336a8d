# The `http` scenario of bench/run.sh (sourced by it; uses its helpers and settings).
# HTTP/1.1 keep-alive `GET /` → "Hello, world", measured with wrk: one wrk thread pinned to LOAD_CPU, CONNS
# connections, REPEAT runs of DURATION seconds per server after WARMUP seconds of unmeasured load.
#
# Per run it records: req/s, p50 and p99 latency, request and error counts (wrk); the server's and wrk's CPU use
# over the steady part of the run (/proc/PID/stat; a wrk near 100 % of its core is the bottleneck, not the
# server); how much of each of the two cores other processes took meanwhile (/proc/stat; on a shared machine this
# says whether a run can be trusted); the server's RSS in the middle of the run and its peak RSS (/proc/PID/status).

HTTP_TSV=""   # one line per measured run, see HTTP_COLUMNS
HTTP_COLUMNS="server conns run rps p50_ms p99_ms requests socket_errors non_2xx server_cpu_pct wrk_cpu_pct server_core_other_pct load_core_other_pct rss_mid_kb rss_peak_kb"
HTTP_RESPONSES=""   # "server header_bytes body_bytes" per server

http_scenario() {
    HTTP_TSV="$RUN_DIR/http.tsv"
    : >"$HTTP_TSV"
    local server port conns run
    for server in $SERVERS; do
        port=$(server_port "$server")
        start_server "$server"
        http_check_response "$server" "$port"
        if ((WARMUP > 0)); then
            log "$server: warming up for ${WARMUP}s (wrk, 100 connections, not measured)"
            http_wrk_start "$port" 100 "$WARMUP" "$RUN_DIR/http-$server-warmup.txt"
            http_wrk_wait "$WARMUP"
        fi
        for conns in $CONNS; do
            for ((run = 1; run <= REPEAT; run++)); do
                http_measure "$server" "$port" "$conns" "$run"
            done
        done
        log "stopping $server (pid $SERVER_PID)"
        stop_pid "$SERVER_PID"
    done
}

# Fails unless the server answers `GET /` with 200 "Hello, world"; records its header and body sizes, so the
# report shows that every server puts about the same bytes on the wire.
http_check_response() {
    local server=$1 port=$2 body sizes
    body=$(curl -sf --max-time 5 "http://127.0.0.1:$port/") || die "$server: GET / failed"
    [[ $body == "Hello, world" ]] || die "$server: GET / answered '$body', expected 'Hello, world'"
    sizes=$(curl -sf --max-time 5 -o /dev/null -w '%{size_header} %{size_download}' "http://127.0.0.1:$port/")
    HTTP_RESPONSES+="$server $sizes"$'\n'
    log "$server: GET / → 200, header+body bytes: $sizes"
}

# Starts wrk pinned to LOAD_CPU against port $1 with $2 connections for $3 seconds, output to file $4; sets WRK_PID
# (taskset execs wrk, so it is wrk's own PID). wrk runs in the background because bash defers a trap until its
# foreground child ends: this way Ctrl-C or SIGTERM stops the script within 0.2 s and the EXIT trap stops wrk.
http_wrk_start() {
    taskset -c "$LOAD_CPU" wrk -t1 -c"$2" -d"${3}s" --latency "http://127.0.0.1:$1/" >"$4" 2>&1 &
    WRK_PID=$!
    STARTED+=("$WRK_PID")
}

# Waits for wrk, which stops itself after its $1 seconds; should it overrun by 30 s, it is stopped.
http_wrk_wait() {
    local deadline=$((SECONDS + $1 + 30))
    while kill -0 "$WRK_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -0 "$WRK_PID" 2>/dev/null && log "wrk overran its duration, stopping it"
    stop_pid "$WRK_PID"
}

server_died() { tail -n 20 "$RUN_DIR/$1.log" >&2; die "$1 exited during the run"; }

# Percent of one core used between two samples: ticks $1 → $2, nanoseconds $3 → $4.
cpu_percent() {
    awk -v t=$(($2 - $1)) -v hz="$CLK_TCK" -v ns=$(($4 - $3)) 'BEGIN { printf "%.1f", 100 * (t / hz) / (ns / 1e9) }'
}

http_measure() {
    local server=$1 port=$2 conns=$3 run=$4
    local out="$RUN_DIR/http-$server-c$conns-run$run.txt"
    local edge half ns0 ns1 wrk0 wrk1 srv0 srv1 rss_mid parsed server_cpu wrk_cpu
    local score0 score1 lcore0 lcore1 server_other load_other

    # CPU is sampled over the steady part of the run, leaving out the first and last second (connection set-up
    # and teardown); RSS halfway through, while every connection is open.
    edge=$(awk -v d="$DURATION" 'BEGIN { print (d >= 4 ? 1 : d / 4) }')
    half=$(awk -v d="$DURATION" -v e="$edge" 'BEGIN { print d / 2 - e }')
    http_wrk_start "$port" "$conns" "$DURATION" "$out"
    sleep "$edge"
    score0=$(core_ticks "$SERVER_CPU"); lcore0=$(core_ticks "$LOAD_CPU")
    ns0=$(date +%s%N); wrk0=$(cpu_ticks "$WRK_PID" 2>/dev/null || true); srv0=$(cpu_ticks "$SERVER_PID") || server_died "$server"
    sleep "$half"
    rss_mid=$(rss_kb "$SERVER_PID" VmRSS) || server_died "$server"
    sleep "$half"
    ns1=$(date +%s%N); wrk1=$(cpu_ticks "$WRK_PID" 2>/dev/null || true); srv1=$(cpu_ticks "$SERVER_PID") || server_died "$server"
    score1=$(core_ticks "$SERVER_CPU"); lcore1=$(core_ticks "$LOAD_CPU")
    http_wrk_wait "$DURATION"

    parsed=$(awk -f "$BENCH_DIR/http/parse-wrk.awk" "$out") || { cat "$out" >&2; die "could not parse wrk output $out"; }
    [[ -n $wrk0 && -n $wrk1 ]] || { cat "$out" >&2; die "wrk ended before its ${DURATION}s were up"; }
    server_cpu=$(cpu_percent "$srv0" "$srv1" "$ns0" "$ns1")
    wrk_cpu=$(cpu_percent "$wrk0" "$wrk1" "$ns0" "$ns1")
    server_other=$(other_percent "$score0" "$score1" "$server_cpu")
    load_other=$(other_percent "$lcore0" "$lcore1" "$wrk_cpu")

    # In HTTP_COLUMNS order; $parsed is "rps p50 p99 requests socket_errors non_2xx".
    printf '%s %s %s %s %s %s %s %s %s %s\n' "$server" "$conns" "$run" "$parsed" "$server_cpu" "$wrk_cpu" \
        "$server_other" "$load_other" "$rss_mid" "$(rss_kb "$SERVER_PID" VmHWM)" >>"$HTTP_TSV"
    # shellcheck disable=SC2086
    set -- $parsed
    log "$server c=$conns run $run/$REPEAT: $1 req/s, p99 $3 ms, errors $(($5 + $6)), server CPU $server_cpu %, wrk CPU $wrk_cpu %, others on the cores $server_other % / $load_other %, RSS $((rss_mid / 1024)) MiB"
}

# Column of the runs of one server and connection count, e.g. http_column hub 100 rps.
http_column() {
    awk -v s="$1" -v c="$2" -v col="$3" -v names="$HTTP_COLUMNS" '
        BEGIN { n = split(names, h, " "); for (i = 1; i <= n; i++) idx[h[i]] = i }
        $1 == s && $2 == c { print $(idx[col]) }' "$HTTP_TSV"
}

http_errors() { http_column "$1" "$2" socket_errors | awk '{ t += $1 } END { print t + 0 }'; }
http_non2xx() { http_column "$1" "$2" non_2xx | awk '{ t += $1 } END { print t + 0 }'; }

# The first server in SERVERS (hub by default) is compared with each other one. "null" when undefined (JSON-ready;
# the Markdown report shows it as it is).
http_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "null" }'; }

# Median and maximum of one column for one server and connection count.
http_median() { http_column "$1" "$2" "$3" | stats | cut -d' ' -f1; }
http_max() { http_column "$1" "$2" "$3" | stats | cut -d' ' -f3; }

http_report_md() {
    local server conns rps_med rps_min rps_max p99 cpu wrk rss busy base others other
    printf '## http: keep-alive GET / (wrk -t1 --latency)\n\n'
    printf '| server | conns | req/s median (min–max) | p99 ms median | server CPU %% | wrk CPU %% | RSS MiB (mid-run) | errors / non-2xx | others on server/wrk core %%, max |\n'
    printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
    for conns in $CONNS; do
        for server in $SERVERS; do
            read -r rps_med rps_min rps_max < <(http_column "$server" "$conns" rps | stats)
            p99=$(http_median "$server" "$conns" p99_ms)
            cpu=$(http_median "$server" "$conns" server_cpu_pct)
            wrk=$(http_median "$server" "$conns" wrk_cpu_pct)
            rss=$(http_column "$server" "$conns" rss_mid_kb | stats | awk '{ printf "%.0f", $1 / 1024 }')
            busy="$(http_max "$server" "$conns" server_core_other_pct) / $(http_max "$server" "$conns" load_core_other_pct)"
            printf '| %s | %s | %.0f (%.0f–%.0f) | %.2f | %.0f | %.0f | %s | %s / %s | %s |\n' "$server" "$conns" \
                "$rps_med" "$rps_min" "$rps_max" "$p99" "$cpu" "$wrk" "$rss" \
                "$(http_errors "$server" "$conns")" "$(http_non2xx "$server" "$conns")" "$busy"
        done
    done
    read -r base others <<<"$SERVERS"
    if [[ -n ${others:-} ]]; then
        printf '\n| conns | ratio | req/s | p99 |\n|---:|---|---:|---:|\n'
        for conns in $CONNS; do
            for other in $others; do
                printf '| %s | %s/%s | %s | %s |\n' "$conns" "$base" "$other" \
                    "$(http_ratio "$(http_median "$base" "$conns" rps)" \
                                  "$(http_median "$other" "$conns" rps)")" \
                    "$(http_ratio "$(http_median "$base" "$conns" p99_ms)" \
                                  "$(http_median "$other" "$conns" p99_ms)")"
            done
        done
        printf '\nreq/s ratio > 1: %s serves more; p99 ratio < 1: %s answers faster at the tail.\n' "$base" "$base"
    fi
    printf '\n- Response sizes, header + body bytes: %s.\n' \
        "$(awk 'NF == 3 { printf "%s%s %s + %s", sep, $1, $2, $3; sep = "; " }' <<<"$HTTP_RESPONSES")"
    printf -- '- A wrk CPU near 100 %% means the load generator, not the server, set the pace (issue 5: one wrk thread\n'
    printf '  saturates near 45–50 K req/s on this kind of machine); treat ratios above ~1.3 as unresolved.\n'
    printf -- '- "others": core time not charged to the server or wrk (other processes, interrupt and softirq work).\n'
    printf '  More than a few %% makes a run untrustworthy: rerun on an idle machine.\n'
    printf -- '- wrk counts a request slower than 2 s as a timeout (in "errors") and leaves it out of the latencies.\n'
}

http_report_csv() {
    summary_csv_rows http "$HTTP_TSV" "$HTTP_COLUMNS" rps p50_ms p99_ms socket_errors non_2xx server_cpu_pct wrk_cpu_pct \
        rss_mid_kb
}

http_report_json() {
    local server conns first=1 base others rps_med rps_min rps_max
    printf '{"runs":['
    awk -v names="$HTTP_COLUMNS" '
        BEGIN { n = split(names, h, " ") }
        { printf "%s{", (NR > 1 ? "," : "")
          for (i = 1; i <= n; i++) printf "%s\"%s\":%s", (i > 1 ? "," : ""), h[i], (i == 1 ? "\"" $i "\"" : $i)
          printf "}" }' "$HTTP_TSV"
    printf '],"responses":{'
    awk 'NF == 3 { printf "%s\"%s\":{\"header_bytes\":%s,\"body_bytes\":%s}", sep, $1, $2, $3; sep = "," }' <<<"$HTTP_RESPONSES"
    printf '},"summary":['
    read -r base others <<<"$SERVERS"
    for conns in $CONNS; do
        for server in $SERVERS; do
            ((first)) || printf ','
            first=0
            read -r rps_med rps_min rps_max < <(http_column "$server" "$conns" rps | stats)
            printf '{"server":"%s","conns":%s,"rps_median":%s,"rps_min":%s,"rps_max":%s,"p99_ms_median":%s,' \
                "$server" "$conns" "$rps_med" "$rps_min" "$rps_max" \
                "$(http_median "$server" "$conns" p99_ms)"
            printf '"server_cpu_pct_median":%s,"wrk_cpu_pct_median":%s,"rss_mid_kb_median":%s,"socket_errors":%s,"non_2xx":%s,' \
                "$(http_median "$server" "$conns" server_cpu_pct)" \
                "$(http_median "$server" "$conns" wrk_cpu_pct)" \
                "$(http_median "$server" "$conns" rss_mid_kb)" \
                "$(http_errors "$server" "$conns")" "$(http_non2xx "$server" "$conns")"
            printf '"server_core_other_pct_max":%s,"load_core_other_pct_max":%s' \
                "$(http_max "$server" "$conns" server_core_other_pct)" "$(http_max "$server" "$conns" load_core_other_pct)"
            if [[ $server != "$base" ]]; then
                printf ',"%s_ratio_rps":%s,"%s_ratio_p99":%s' "$base" \
                    "$(http_ratio "$(http_median "$base" "$conns" rps)" "$rps_med")" "$base" \
                    "$(http_ratio "$(http_median "$base" "$conns" p99_ms)" \
                                  "$(http_median "$server" "$conns" p99_ms)")"
            fi
            printf '}'
        done
    done
    printf ']}'
}
