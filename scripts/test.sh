#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian machine: installs the real components the tests start
# (the Distribution registry, skopeo, htpasswd, groff, Azurite) when they are missing, then runs the Maven build.
# Usage: scripts/test.sh [extra mvn args]
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
command -v groff >/dev/null 2>&1 || missing+=(groff-base)   # ReleaseIT checks the man page
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (apt)..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v azurite-blob >/dev/null 2>&1; then
  echo "Installing azurite (npm)..."
  as_root npm install -g --no-fund --no-audit azurite@3 >/dev/null
fi

exec mvn -B -ntp verify "$@"
