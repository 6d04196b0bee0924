#!/usr/bin/env bash
# `npm run test:fresh`: the README's two commands, exactly as written, on a fresh machine as far as this project can
# make one: a clean clone of the committed HEAD, an empty npm cache and an empty n8n cache (both inside a new temp
# folder), and none of the npm_config_* settings `npm run` hands down. The demo's command leaves n8n running until
# Ctrl-C, so it is interrupted with SIGINT once it says so, as a user would; the tests' command runs to its end.
# Prints each command's wall time; exits non-zero if either fails.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/cloud-sync-fresh-XXXXXX")"
keep="${FRESH_KEEP:-0}"
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

for name in $(env | sed -n 's/^\(npm_[a-z_]*\)=.*/\1/p'); do unset "$name"; done
export npm_config_cache="$work/npm-cache" CLOUD_SYNC_CACHE="$work/n8n-cache"
git clone --quiet "$repo" "$work/clone"
[ -d "$repo/../shared" ] && ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
cd "$work/clone"
echo "fresh rehearsal in $work (clone of $(git rev-parse --short HEAD), empty npm and n8n caches)"

step() { printf '\n=== %s (%s) ===\n' "$1" "$(date -u +%H:%M:%S)"; }

step 'npm ci && npm run demo'
started=$SECONDS
log="$work/demo.log"
setsid bash -c 'npm ci && npm run demo' > "$log" 2>&1 &
demo=$!
ready=0
while kill -0 "$demo" 2>/dev/null; do
	if grep -q 'Press Ctrl-C to stop' "$log"; then ready=1; break; fi
	sleep 2
done
demo_seconds=$((SECONDS - started))
cat "$log"
if [ "$ready" != 1 ]; then
	wait "$demo" || true
	echo "FAILED: the demo ended before n8n's editor was ready (after ${demo_seconds} s)"
	exit 1
fi
kill -INT -- "-$demo"
status=0
wait "$demo" || status=$?
sleep 2
# npm itself answers Ctrl-C with 130 once its script has ended; what counts is that the demo stopped everything.
if ! grep -q 'stopping n8n and the fake clouds' "$log" || pgrep -f "$work/n8n-cache" > /dev/null; then
	echo "FAILED: the demo did not stop cleanly on Ctrl-C (exit $status)"
	exit 1
fi

step 'npm ci && npm test'
started=$SECONDS
bash -c 'npm ci && npm test'
test_seconds=$((SECONDS - started))

printf '\nfresh rehearsal passed: "npm ci && npm run demo" ready in %d s; "npm ci && npm test" %d s\n' "$demo_seconds" "$test_seconds"
