#!/usr/bin/env bash
# Fuzzes one target with AFL++ for a bounded time. See fuzz/README.md.
#
#   fuzz/run.sh TARGET SECONDS      targets: http-head http-body websocket utf8 route hocon
#
# Builds fuzz/Hub.Fuzz (Release) into fuzz/out/TARGET/bin, instruments that copy of Hub.Core.dll with sharpfuzz (and,
# for hocon, Akka.dll's Akka.Configuration types, where the HOCON parser lives), runs afl-fuzz niced on the seed corpus
# fuzz/corpus/TARGET, then prints execs, crashes and hangs. Exits 1 when there is any crash or hang; the inputs are in
# fuzz/out/TARGET/findings/default/{crashes,hangs} (replay one with: dotnet fuzz/out/TARGET/bin/Hub.Fuzz.dll TARGET FILE).
#
# Environment: AFL_TIMEOUT_MS [5000] per-input time before an input counts as a hang; NO_BUILD [0] 1 = reuse the
# instrumented build in fuzz/out/TARGET/bin. Installs what is missing: Debian's afl++ (apt-get) and the dotnet tool
# SharpFuzz.CommandLine 2.3.0 (into fuzz/.tools).
set -euo pipefail

FUZZ_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARGETS="http-head http-body websocket utf8 route hocon"
TARGET=${1:-}
SECONDS_TO_RUN=${2:-}
[[ -n $TARGET && " $TARGETS " == *" $TARGET "* && $SECONDS_TO_RUN =~ ^[0-9]+$ ]] ||
    { echo "usage: fuzz/run.sh TARGET SECONDS   (targets: $TARGETS)" >&2; exit 2; }

AFL_TIMEOUT_MS=${AFL_TIMEOUT_MS:-5000}
NO_BUILD=${NO_BUILD:-0}
OUT="$FUZZ_DIR/out/$TARGET"
BIN="$OUT/bin"
FINDINGS="$OUT/findings"
TOOLS="$FUZZ_DIR/.tools"

log() { printf '[fuzz %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if ! command -v afl-fuzz >/dev/null; then
    log "installing afl++ (apt-get)"
    sudo=(); ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq afl++ >/dev/null
fi
if [[ ! -x $TOOLS/sharpfuzz ]]; then
    log "installing the dotnet tool SharpFuzz.CommandLine 2.3.0 into $TOOLS"
    dotnet tool install --tool-path "$TOOLS" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

if [[ $NO_BUILD != 1 ]]; then
    log "building Hub.Fuzz (Release) into $BIN"
    rm -rf "$BIN"
    mkdir -p "$OUT"
    nice -n 19 dotnet build "$FUZZ_DIR/Hub.Fuzz/Hub.Fuzz.csproj" -c Release -o "$BIN" -nologo > "$OUT/build.log" 2>&1 ||
        { tail -30 "$OUT/build.log" >&2; log "build failed"; exit 1; }
    # Only this copy is instrumented: the solution's own Hub.Core.dll stays as built.
    "$TOOLS/sharpfuzz" "$BIN/Hub.Core.dll" >&2
    if [[ $TARGET == hocon ]]; then "$TOOLS/sharpfuzz" "$BIN/Akka.dll" Akka.Configuration >&2; fi
fi

log "afl-fuzz $TARGET for ${SECONDS_TO_RUN}s (corpus fuzz/corpus/$TARGET, timeout ${AFL_TIMEOUT_MS} ms)"
# dotnet itself is not instrumented (SharpFuzz reports coverage from the managed code), hence SKIP_BIN_CHECK; the
# machine is shared, so no core pinning, the lowest priority, and a minute for the runtime to start. On a busy
# machine the dry run now and then sees no coverage or no fork server: such a start is retried, up to 3 times.
for attempt in 1 2 3; do
    rm -rf "$FINDINGS"
    mkdir -p "$FINDINGS"
    if AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
        AFL_FORKSRV_INIT_TMOUT=60000 \
        nice -n 19 afl-fuzz -i "$FUZZ_DIR/corpus/$TARGET" -o "$FINDINGS" -t "$AFL_TIMEOUT_MS" -m none -V "$SECONDS_TO_RUN" \
        -- dotnet "$BIN/Hub.Fuzz.dll" "$TARGET" > "$OUT/afl.log" 2>&1; then
        break
    fi
    if [[ -f $FINDINGS/default/fuzzer_stats ]] || ! grep -q -e 'No instrumentation detected' -e 'Unable to communicate with fork server' "$OUT/afl.log" || ((attempt == 3)); then
        tail -30 "$OUT/afl.log" >&2
        log "afl-fuzz failed"
        exit 1
    fi
    log "afl-fuzz could not start ($(grep -o -e 'No instrumentation detected' -e 'Unable to communicate with fork server' "$OUT/afl.log" | head -1)); retrying"
done

count() { find "$FINDINGS/default/$1" -type f ! -name README.txt 2>/dev/null | wc -l; }
stat_of() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$FINDINGS/default/fuzzer_stats"; }
crashes=$(count crashes)
hangs=$(count hangs)
echo "target=$TARGET run_time=$(stat_of run_time)s execs=$(stat_of execs_done) execs_per_sec=$(stat_of execs_per_sec)" \
    "corpus=$(stat_of corpus_count) edges=$(stat_of edges_found) crashes=$crashes hangs=$hangs"
((crashes == 0 && hangs == 0)) || { log "findings in $FINDINGS/default/crashes and hangs"; exit 1; }
