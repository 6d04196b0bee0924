#!/usr/bin/env bash
# The independent-client suite (issue 15): rclone against the fakes on the real host names, in a network
# namespace with no route out. Installs what it needs from Debian when missing (rclone; ip and openssl, which a
# minimal image may lack); needs root, as the namespace does. Exits non-zero on any failed step.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v rclone >/dev/null 2>&1 || missing+=(rclone)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${#missing[@]}" -gt 0 ]; then
	echo "installing ${missing[*]} (Debian packages)"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
exec node -r ts-node/register/transpile-only test/clients/index.ts "$@"
