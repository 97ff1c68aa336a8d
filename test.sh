#!/usr/bin/env bash
# The README's test command: every test of the repository, on a fresh machine that has only the .NET SDK.
#
#   ./test.sh                 install what the tests need when it is missing, build Release, run every test
#
# 1. Installs what the tests need when it is missing, from Debian's packages: Chromium for the browser tests
#    (tests/Hub.Browser.Tests drive it through Playwright, which never downloads a browser here) and Node >= 20 for
#    the JavaScript client's tests (clients/js, node:test). Needs root or sudo only when something is missing; a
#    browser elsewhere is used through HUB_CHROMIUM=/path/to/chromium.
# 2. Restores and builds Hub.sln (Release), then runs `dotnet test Hub.sln` (every .NET test project, with TRX
#    results) and the JavaScript client's tests.
# 3. Prints "N passed, N failed[, N skipped]" computed from the real results (TRX counters + the TAP summary) and
#    exits non-zero when anything failed or could not run.
#
# `dotnet test Hub.sln` alone still works on a machine that has Chromium (Debug build, no JS tests).
# Options come from the environment: RESULTS (results folder, default TestResults/run), CONFIGURATION (Release),
# PACK=1 (also pack the NuGet packages into artifacts/packages after the build; a failed pack counts as one failure).
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
results="${RESULTS:-TestResults/run}"
configuration="${CONFIGURATION:-Release}"
rm -rf "$results"
mkdir -p "$results"

# --- what the tests need ------------------------------------------------------------------------------------------
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "need root (or sudo) to run: $*" >&2; return 1
  fi
}
apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || { echo "no apt-get: install $* yourself" >&2; return 1; }
  echo "installing $* from Debian's packages (log: $results/apt.log)"
  if [ "$apt_updated" = 0 ]; then as_root apt-get update >>"$results/apt.log" 2>&1 && apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >>"$results/apt.log" 2>&1
}

chromium="${HUB_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ -n "${HUB_CHROMIUM:-}" ]; then
    echo "warning: HUB_CHROMIUM=$HUB_CHROMIUM is not executable; the browser tests will fail" >&2
  else
    apt_install chromium || echo "warning: chromium could not be installed; the browser tests will fail" >&2
  fi
fi
node_ok() { command -v node >/dev/null 2>&1 && node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; }
node_ok || apt_install nodejs || echo "warning: Node could not be installed; the JavaScript client's tests will fail" >&2

# --- build and .NET tests -----------------------------------------------------------------------------------------
dotnet restore Hub.sln || { echo "0 passed, 1 failed"; exit 1; }
dotnet build Hub.sln -c "$configuration" --no-restore || { echo "0 passed, 1 failed"; exit 1; }
pack_failed=0
if [ "${PACK:-0}" = 1 ]; then
  rm -rf artifacts/packages
  dotnet pack Hub.sln -c "$configuration" --no-build -o artifacts/packages || { echo "dotnet pack failed"; pack_failed=1; }
fi

timeout 3000 dotnet test Hub.sln -c "$configuration" --no-build \
  --logger "trx" --results-directory "$results" \
  --blame-hang --blame-hang-timeout 10m
status=$?

# --- JavaScript client ---------------------------------------------------------------------------------------------
# .ci/js-tests prints "passed failed skipped" (one failure when the tests cannot run at all).
read -r js_passed js_failed js_skipped < <(.ci/js-tests "$results/js-client.tap")
: "${js_passed:=0}" "${js_failed:=1}" "${js_skipped:=0}"

# --- totals from the real results (plain bash: the machine may have only the .NET SDK) ------------------------------
if ! ls "$results"/*.trx >/dev/null 2>&1; then
  echo "0 passed, 1 failed"
  exit 1
fi
passed=0; failed=0; skipped=0
attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2"; }
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  v=$(attr passed "$counters"); passed=$((passed + ${v:-0}))
  for a in failed error timeout aborted; do v=$(attr $a "$counters"); failed=$((failed + ${v:-0})); done
  v=$(attr notExecuted "$counters"); skipped=$((skipped + ${v:-0}))
done
passed=$((passed + js_passed)); failed=$((failed + js_failed + pack_failed)); skipped=$((skipped + js_skipped))
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -gt 0 ] && exit 1
exit $status
