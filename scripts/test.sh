#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian machine: installs the real components the tests start
# (the Distribution registry, skopeo, htpasswd, groff, buildah, Azurite) when they are missing, runs the Maven build up to install
# (tests, then the jars with their sources and Javadoc into ~/.m2), then builds consumer-test/ against those jars:
# a project with no parent of ours and no BOM that runs the README's Java quickstart and checks convergence.
# Usage: scripts/test.sh [extra mvn args for the main build]
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

# ---- Container image of the CLI (issue 13 item 6; this block is the image's alone) ----------------------------------
# jib builds the image in transfer-cli's 'image' profile and ContainerImageIT moves it registry to registry. No Docker
# engine and no registry with JRE images here: the base is a JRE 17 image made from this JDK with jlink + buildah
# (transfer-cli/src/image/make-jre-base.sh), kept in a cache named after the JDK and the script, so made once.
if ! command -v buildah >/dev/null 2>&1; then
  echo "Installing buildah (apt)..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah >/dev/null
fi
image_base="${XDG_CACHE_HOME:-$HOME/.cache}/ocitransfer/jre-$(jlink --version)-$(sha256sum transfer-cli/src/image/make-jre-base.sh | cut -c1-12).tar"
if [ ! -f "$image_base" ]; then
  echo "Making the JRE base image for the CLI image ($image_base)..."
  transfer-cli/src/image/make-jre-base.sh "$image_base"
fi
image_args=(-Pimage "-Djib.from.image=tar://$image_base")
# ---- end of the container image block --------------------------------------------------------------------------------

mvn -B -ntp install "${image_args[@]}" "$@"
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)"
exec mvn -B -ntp -f consumer-test/pom.xml verify -Dtransfer.version="$version"
