# The `broadcast-10k` scenario of bench/run.sh (sourced by it): issue 5's "broadcast 10,000 subscribers × 100 msgs",
# the ws-broadcast measurement (bench/ws/scenario.sh) at another size, reported on its own. Each server is started
# pinned to SERVER_CPU and warmed up with echo, then BROADCAST_10K_SIZE subscribers join /chat, WS_PUBLISHERS
# publishers send the messages, and the load generator (pinned to LOAD_CPU) checks that every connection gets every
# message in order: deliveries/s, publish-to-receive p50/p99, lost and out-of-order messages.
#
# Sockets: 10,000 subscribers hold 10,000 descriptors in the load generator and as many in the server, each under
# this machine's per-process cap of 20,000 open files (run.sh raises the soft limit to the hard one).
#
#   BROADCAST_10K_SIZE [10000x100]   SUBSCRIBERSxMESSAGES
#   BROADCAST_10K_TIMEOUT [300]      seconds for all messages to arrive (1,000,000 deliveries: Tornado needs ~70 s)
# Warm-up runs, publishers, payload and window are ws-broadcast's: WS_BROADCAST_WARMUP_RUNS, WS_PUBLISHERS,
# WS_PAYLOAD, WS_WINDOW.

# The load generator runner and the broadcast measurement live there.
declare -F ws_broadcast_sizes >/dev/null || source "$BENCH_DIR/ws/scenario.sh"

BROADCAST_10K_SIZE=${BROADCAST_10K_SIZE:-10000x100}
BROADCAST_10K_TIMEOUT=${BROADCAST_10K_TIMEOUT:-300}
BROADCAST_10K_TSV=""
BROADCAST_10K_COLUMNS=$WS_BROADCAST_COLUMNS

broadcast_10k_requirements() {
    ws_requirements
    ws_broadcast_fd_need "$BROADCAST_10K_SIZE"
}

broadcast_10k_scenario() {
    BROADCAST_10K_TSV="$RUN_DIR/broadcast-10k.tsv"
    # Seen by ws_broadcast_run, which bounds the load generator by WS_TIMEOUT.
    local WS_TIMEOUT=$BROADCAST_10K_TIMEOUT
    ws_broadcast_sizes broadcast-10k "$BROADCAST_10K_TSV" "$BROADCAST_10K_SIZE"
}

broadcast_10k_report_md() { ws_broadcast_md broadcast-10k "$BROADCAST_10K_TSV" "$BROADCAST_10K_SIZE"; }
broadcast_10k_report_json() { ws_broadcast_json "$BROADCAST_10K_TSV" "$BROADCAST_10K_SIZE"; }
broadcast_10k_report_csv() {
    summary_csv_rows broadcast-10k "$BROADCAST_10K_TSV" "$BROADCAST_10K_COLUMNS" deliveries_per_s p50_ms p99_ms lost \
        out_of_order server_cpu_pct loadgen_cpu_pct rss_kb
}
