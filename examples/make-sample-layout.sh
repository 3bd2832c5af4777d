#!/usr/bin/env bash
# Regenerates examples/sample-layout: a small, deterministic OCI image layout that quickstart.sh exports and imports.
# It holds two images that share a layer (samples/hello:1.0, samples/world:1.0) and a two-platform image index
# (samples/multi:1.0: linux/amd64 is the hello image itself, linux/arm64 its own image sharing the same layer).
# The layout is committed; this script only documents and reproduces it. Needs GNU tar, gzip and sha256sum.
set -euo pipefail

out="${1:-$(cd "$(dirname "$0")" && pwd)/sample-layout}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"
mkdir -p "$out/blobs/sha256"

# store FILE MEDIATYPE: copies FILE into the layout by digest and prints its descriptor (JSON).
store() {
  local digest size
  digest="$(sha256sum "$1" | cut -d' ' -f1)"
  size="$(stat -c %s "$1")"
  cp "$1" "$out/blobs/sha256/$digest"
  printf '{"mediaType":"%s","digest":"sha256:%s","size":%s}' "$2" "$digest" "$size"
}

# layer NAME TEXT: a gzip layer holding NAME.txt; sets LAYER (descriptor) and DIFF_ID (digest of the plain tar).
layer() {
  mkdir -p "$tmp/$1"
  printf '%s\n' "$2" > "$tmp/$1/$1.txt"
  tar --format=ustar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode='a=r,u+w' \
      -C "$tmp/$1" -cf "$tmp/$1.tar" "$1.txt"
  DIFF_ID="sha256:$(sha256sum "$tmp/$1.tar" | cut -d' ' -f1)"
  gzip -n -9 -c "$tmp/$1.tar" > "$tmp/$1.tar.gz"
  LAYER="$(store "$tmp/$1.tar.gz" application/vnd.oci.image.layer.v1.tar+gzip)"
}

# image NAME ARCH DIFF_IDS LAYERS: stores a config and a manifest; sets MANIFEST (descriptor).
image() {
  printf '{"architecture":"%s","os":"linux","config":{"Cmd":["cat","/%s.txt"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
      "$2" "$1" "$3" > "$tmp/$1.config.json"
  local config
  config="$(store "$tmp/$1.config.json" application/vnd.oci.image.config.v1+json)"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":%s,"layers":[%s]}' \
      "$config" "$4" > "$tmp/$1.manifest.json"
  MANIFEST="$(store "$tmp/$1.manifest.json" application/vnd.oci.image.manifest.v1+json)"
}

# named DESCRIPTOR REF: the descriptor with the layout's ref.name annotation.
named() {
  printf '%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}' "${1%\}}" "$2"
}

# platform DESCRIPTOR ARCH: the descriptor with a linux platform.
platform() {
  printf '%s,"platform":{"architecture":"%s","os":"linux"}}' "${1%\}}" "$2"
}

layer shared "a layer both images share"
shared="$LAYER"; shared_id="$DIFF_ID"
layer hello "hello from samples/hello"
image hello amd64 "\"$shared_id\",\"$DIFF_ID\"" "$shared,$LAYER"
hello="$MANIFEST"
layer world "hello from samples/world"
image world amd64 "\"$shared_id\",\"$DIFF_ID\"" "$shared,$LAYER"
world="$MANIFEST"
layer arm "hello from the arm64 variant"
image arm arm64 "\"$shared_id\",\"$DIFF_ID\"" "$shared,$LAYER"
arm="$MANIFEST"

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' \
    "$(platform "$hello" amd64)" "$(platform "$arm" arm64)" > "$tmp/multi.index.json"
multi="$(store "$tmp/multi.index.json" application/vnd.oci.image.index.v1+json)"

printf '{"imageLayoutVersion":"1.0.0"}' > "$out/oci-layout"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s,%s]}\n' \
    "$(named "$hello" samples/hello:1.0)" "$(named "$world" samples/world:1.0)" \
    "$(named "$multi" samples/multi:1.0)" > "$out/index.json"
echo "Wrote $out"
