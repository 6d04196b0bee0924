#!/usr/bin/env bash
# The independent-client suite (issue 15): rclone against the fakes on the real host names, in a network
# namespace. Installs rclone from Debian when missing (needs root, as the namespace does).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v rclone >/dev/null 2>&1; then
	echo "installing rclone (Debian package)"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone >/dev/null
fi
exec node -r ts-node/register/transpile-only test/clients/index.ts "$@"
