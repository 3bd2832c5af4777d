#!/usr/bin/env bash
# The transfer benchmark: starts real Distribution registries, generates the dataset of issue 7 deterministically,
# times our export and import against skopeo doing the same job on the same data in the same run, measures the
# disk limit, checks a 10 GiB single-layer artifact under -Xmx64m, and prints MiB/s and ratios.
#
# Usage: bench/run.sh            (everything; about 5 minutes on 2 cores, needs ~32 GiB free under $BENCH_DIR)
# Environment:
#   BENCH_DIR=/path        where registries, archives and state go (default: bench/target/work); removed
#                          at the end unless BENCH_KEEP=1
#   BENCH_CONCURRENCY=n    our runs' concurrency (default: the SDK's default)
#   BENCH_SWEEP="1 4 8"    also time export and import at each of these concurrencies (to pick the default)
#   BENCH_BIG_BYTES=n      size of the single-layer artifact (default 10 GiB); BENCH_BIG=0 skips it
#   BENCH_HEAP=64m         our JVMs' -Xmx
# Needs: java 17, mvn, docker-registry, skopeo, curl, sha256sum, /usr/bin/time (GNU time), python3.
# Not part of the test command: nothing here asserts timings.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${BENCH_DIR:-$ROOT/bench/target/work}"
HEAP="${BENCH_HEAP:-64m}"
BIG="${BENCH_BIG:-1}"
BIG_BYTES="${BENCH_BIG_BYTES:-10737418240}"
MIB=1048576

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

for tool in java mvn docker-registry skopeo curl sha256sum python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install -y docker-registry skopeo curl python3; JDK 17 and Maven for java/mvn)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install -y time)"

# Registries are started in command substitutions (subshells), so each records its pid in $WORK/<name>/pid.
kill_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local f
  for f in "$WORK"/*/pid; do
    [ -f "$f" ] && kill_pid "$(cat "$f")"
  done
  if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

rm -rf "$WORK"
mkdir -p "$WORK"

# ---------------------------------------------------------------------------------------------------------- build
say "== building (mvn -Pbench package, tests skipped)"
(cd "$ROOT" && mvn -q -B -ntp -Pbench -pl bench -am package -DskipTests) || die "the build failed"
CP="$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
JAVA=(java "-Xmx$HEAP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP")

# ------------------------------------------------------------------------------------------------------- helpers
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
rate() { python3 -c "print(f'{$1 / $MIB / $2:.1f}')"; }           # bytes seconds -> MiB/s
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
free_gib() { df -P -B1G "$WORK" | awk 'NR==2 {print $4}'; }

# start_registry NAME -> prints the port; storage in $WORK/NAME
start_registry() {
  local name=$1 port dir
  port=$(free_port)
  dir="$WORK/$name"
  mkdir -p "$dir/storage"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  echo "$!" >"$dir/pid"
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then echo "$port"; return 0; fi
    sleep 0.1
  done
  die "registry $name did not answer on port $port (see $dir/registry.log)"
}

stop_registry() {
  local name=$1 pid
  pid=$(cat "$WORK/$name/pid")
  kill_pid "$pid"
  rm -rf "$WORK/$name"
}

# peak_rss FILE -> the "Maximum resident set size" of a /usr/bin/time -v report, in MiB
peak_rss() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$1"; }

# ours TAG <BenchTransfer arguments...> -> wall seconds of the JVM; /usr/bin/time's report in $WORK/TAG.time
ours() {
  local tag=$1; shift
  local t0 t1
  t0=$(now)
  /usr/bin/time -v -o "$WORK/$tag.time" "${JAVA[@]}" org.ocitransfer.bench.BenchTransfer "$@" >"$WORK/$tag.out" 2>&1 \
    || { cat "$WORK/$tag.out" >&2; die "our $tag run failed"; }
  t1=$(now)
  elapsed "$t0" "$t1"
}

skopeo_export() { # SRC_PORT ARTIFACTS DIR
  local port=$1 list=$2 dir=$3 ref all n=0
  mkdir -p "$dir"
  while read -r ref all; do
    n=$((n + 1))
    skopeo copy -q ${all:+--all} --preserve-digests --dest-oci-accept-uncompressed-layers --src-tls-verify=false \
      "docker://127.0.0.1:$port/$ref" \
      "oci-archive:$dir/$n.tar:$ref" >/dev/null || die "skopeo export of $ref failed"
  done <"$list"
}

skopeo_import() { # DIR ARTIFACTS DST_PORT
  local dir=$1 list=$2 port=$3 ref all n=0
  while read -r ref all; do
    n=$((n + 1))
    skopeo copy -q ${all:+--all} --preserve-digests --dest-tls-verify=false "oci-archive:$dir/$n.tar:$ref" \
      "docker://127.0.0.1:$port/$ref" >/dev/null || die "skopeo import of $ref failed"
  done <"$list"
}

# every unique blob of the set, GET from the registry into one file: the write limit
write_limit() { # PORT BLOBS_FILE OUT
  local port=$1 list=$2 out=$3 repo digest size kind
  : >"$out"
  while read -r repo digest size kind; do
    curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' \
      "http://127.0.0.1:$port/v2/$repo/$kind/$digest" >>"$out" || die "GET $repo $kind $digest failed"
  done <"$list"
}

# check that every artifact arrived in a target registry with the source's digest
verify_target() { # SRC_PORT DST_PORT ARTIFACTS
  local src=$1 dst=$2 list=$3 ref all repo tag a b
  while read -r ref all; do
    repo=${ref%:*}; tag=${ref##*:}
    a=$(curl -fsSI -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' \
      "http://127.0.0.1:$src/v2/$repo/manifests/$tag" | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest" {print $2}')
    b=$(curl -fsSI -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' \
      "http://127.0.0.1:$dst/v2/$repo/manifests/$tag" | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest" {print $2}')
    [ -n "$a" ] && [ "$a" = "$b" ] || die "$ref differs in the target ($b) from the source ($a)"
  done <"$list"
}

CONC_ARGS="${BENCH_CONCURRENCY:-$(sed -n 's/.*DEFAULT_CONCURRENCY = \([0-9]*\);.*/\1/p' "$ROOT/transfer-core/src/main/java/org/ocitransfer/core/run/ExportRunner.java")}"

# ------------------------------------------------------------------------------------------------------- dataset
avail=$(free_gib)
[ "$avail" -ge 8 ] || die "only $avail GiB free under $WORK; the dataset needs about 8 GiB"
say "== starting registries; generating the dataset (22 images + 1 index, 912 MiB unique)"
SRC=$(start_registry src)
"${JAVA[@]}" org.ocitransfer.bench.BenchDataset set "http://127.0.0.1:$SRC" "$WORK/set" >&2
UNIQUE=$(cat "$WORK/set/unique-bytes")
ARTS="$WORK/set/artifacts.txt"
sync

# ------------------------------------------------------------------------------------------------ disk limits
say "== disk limit: the registry's GET of every unique blob into one file; cat + sha256sum of it"
t0=$(now); write_limit "$SRC" "$WORK/set/blobs.txt" "$WORK/limit.bin"; sync -f "$WORK/limit.bin" 2>/dev/null || true; t1=$(now)
LIMIT_S=$(elapsed "$t0" "$t1")
[ "$(stat -c %s "$WORK/limit.bin")" = "$UNIQUE" ] || die "the write-limit file is not $UNIQUE bytes"
t0=$(now); cat "$WORK/limit.bin" | sha256sum >/dev/null; t1=$(now)
HASH_S=$(elapsed "$t0" "$t1")
say "   GET $LIMIT_S s, cat | sha256sum $HASH_S s"
rm -f "$WORK/limit.bin"

# ---------------------------------------------------------------------------------------------------- exports
say "== our export (concurrency $CONC_ARGS, -Xmx$HEAP)"
mkdir -p "$WORK/container"
OURS_EXPORT_S=$(ours export export "http://127.0.0.1:$SRC" "file://$WORK/container" set.tar "$ARTS" "$CONC_ARGS" "$WORK/state")
OURS_EXPORT_RSS=$(peak_rss "$WORK/export.time")
ARCHIVE_BYTES=$(stat -c %s "$WORK/container/set.tar")
say "   $OURS_EXPORT_S s"
CATALOG=$(sed -n 's/.*catalogDigest=\(sha256:[0-9a-f]*\).*/\1/p' "$WORK/export.out")

say "== skopeo export (one oci-archive per artifact)"
t0=$(now); skopeo_export "$SRC" "$ARTS" "$WORK/skopeo"; t1=$(now)
SKOPEO_EXPORT_S=$(elapsed "$t0" "$t1")
say "   $SKOPEO_EXPORT_S s"
SKOPEO_BYTES=$(du -cb "$WORK"/skopeo/*.tar | awk 'END {print $1}')

# ---------------------------------------------------------------------------------------------------- imports
say "== our import into an empty registry"
DST=$(start_registry dst)
OURS_IMPORT_S=$(ours import import "http://127.0.0.1:$DST" "file://$WORK/container" set.tar "$CONC_ARGS" "$WORK/state")
OURS_IMPORT_RSS=$(peak_rss "$WORK/import.time")
say "   $OURS_IMPORT_S s"
verify_target "$SRC" "$DST" "$ARTS"
stop_registry dst

say "== skopeo import into an empty registry"
DSTS=$(start_registry dsts)
t0=$(now); skopeo_import "$WORK/skopeo" "$ARTS" "$DSTS"; t1=$(now)
SKOPEO_IMPORT_S=$(elapsed "$t0" "$t1")
say "   $SKOPEO_IMPORT_S s"
verify_target "$SRC" "$DSTS" "$ARTS"
stop_registry dsts
rm -rf "$WORK/skopeo"

# ------------------------------------------------------------------------------------------------------ sweep
SWEEP_LINES=()
for c in ${BENCH_SWEEP:-}; do
  say "== sweep: concurrency $c"
  rm -f "$WORK/container/sweep.tar"
  e=$(ours "sweep-export-$c" export "http://127.0.0.1:$SRC" "file://$WORK/container" sweep.tar "$ARTS" "$c" "$WORK/state")
  d=$(start_registry sweepdst)
  i=$(ours "sweep-import-$c" import "http://127.0.0.1:$d" "file://$WORK/container" sweep.tar "$c" "$WORK/state")
  stop_registry sweepdst
  SWEEP_LINES+=("$(printf '  concurrency %-3s export %7.2f s %7s MiB/s   import %7.2f s %7s MiB/s' "$c" "$e" "$(rate "$UNIQUE" "$e")" "$i" "$(rate "$UNIQUE" "$i")")")
done
rm -f "$WORK/container/sweep.tar"
stop_registry src
rm -rf "$WORK/container"

# ------------------------------------------------------------------------------------------- one big artifact
BIG_LINES=()
if [ "$BIG" = 1 ]; then
  need=$(( (BIG_BYTES * 2 + 1073741823) / 1073741824 + 2 ))
  avail=$(free_gib)
  if [ "$avail" -lt "$need" ]; then
    BIG_LINES+=("  skipped: $avail GiB free under $WORK, the single-layer run needs $need GiB")
  else
    say "== one $BIG_BYTES-byte layer: generate, export and import under -Xmx$HEAP"
    BSRC=$(start_registry bigsrc)
    "${JAVA[@]}" org.ocitransfer.bench.BenchDataset big "http://127.0.0.1:$BSRC" "$WORK/big" "$BIG_BYTES" >&2
    mkdir -p "$WORK/bigcontainer"
    be=$(ours big-export export "http://127.0.0.1:$BSRC" "file://$WORK/bigcontainer" big.tar "$WORK/big/artifacts.txt" "$CONC_ARGS" "$WORK/state")
    stop_registry bigsrc   # frees the source's copy before the target's is written
    BDST=$(start_registry bigdst)
    bi=$(ours big-import import "http://127.0.0.1:$BDST" "file://$WORK/bigcontainer" big.tar "$CONC_ARGS" "$WORK/state")
    stop_registry bigdst
    rm -rf "$WORK/bigcontainer"
    BIG_LINES+=("$(printf '  export %8.2f s %7s MiB/s   peak RSS %7s MiB (-Xmx%s)' "$be" "$(rate "$BIG_BYTES" "$be")" "$(peak_rss "$WORK/big-export.time")" "$HEAP")")
    BIG_LINES+=("$(printf '  import %8.2f s %7s MiB/s   peak RSS %7s MiB (-Xmx%s)' "$bi" "$(rate "$BIG_BYTES" "$bi")" "$(peak_rss "$WORK/big-import.time")" "$HEAP")")
  fi
fi

# ------------------------------------------------------------------------------------------------------ report
UNIQUE_MIB=$(python3 -c "print(f'{$UNIQUE / $MIB:.1f}')")
cat <<EOF

== OCI transfer benchmark ($(nproc) cores; $(date -u +%Y-%m-%dT%H:%M:%SZ))
dataset: $(wc -l <"$ARTS") artifacts (22 images + 1 index), $UNIQUE bytes unique ($UNIQUE_MIB MiB); rates are unique MiB/s
our runs: concurrency $CONC_ARGS, -Xmx$HEAP, wall time of the whole JVM process (start-up included)

limits (same bytes)
  registry GET into one file  $(printf '%7.2f s %7s MiB/s' "$LIMIT_S" "$(rate "$UNIQUE" "$LIMIT_S")")   (the write limit)
  cat | sha256sum             $(printf '%7.2f s %7s MiB/s' "$HASH_S" "$(rate "$UNIQUE" "$HASH_S")")

export
  ours                        $(printf '%7.2f s %7s MiB/s' "$OURS_EXPORT_S" "$(rate "$UNIQUE" "$OURS_EXPORT_S")")   peak RSS $OURS_EXPORT_RSS MiB
  skopeo (23 oci-archives)    $(printf '%7.2f s %7s MiB/s' "$SKOPEO_EXPORT_S" "$(rate "$UNIQUE" "$SKOPEO_EXPORT_S")")
  ours / skopeo               $(ratio "$SKOPEO_EXPORT_S" "$OURS_EXPORT_S")x   (target >= 5)
  ours / write limit          $(ratio "$LIMIT_S" "$OURS_EXPORT_S")x   (target >= 0.5)

import
  ours                        $(printf '%7.2f s %7s MiB/s' "$OURS_IMPORT_S" "$(rate "$UNIQUE" "$OURS_IMPORT_S")")   peak RSS $OURS_IMPORT_RSS MiB
  skopeo (23 oci-archives)    $(printf '%7.2f s %7s MiB/s' "$SKOPEO_IMPORT_S" "$(rate "$UNIQUE" "$SKOPEO_IMPORT_S")")
  ours / skopeo               $(ratio "$SKOPEO_IMPORT_S" "$OURS_IMPORT_S")x   (target >= 3)

archive size
  ours                        $ARCHIVE_BYTES bytes = $(python3 -c "print(f'{$ARCHIVE_BYTES / $UNIQUE:.4f}')")x unique   (target <= 1.01)   catalogDigest $CATALOG
  skopeo                      $SKOPEO_BYTES bytes = $(python3 -c "print(f'{$SKOPEO_BYTES / $UNIQUE:.4f}')")x unique
EOF
if [ ${#SWEEP_LINES[@]} -gt 0 ]; then
  echo; echo "concurrency sweep (ours, same data)"; printf '%s\n' "${SWEEP_LINES[@]}"
fi
if [ ${#BIG_LINES[@]} -gt 0 ]; then
  echo; echo "single layer of $BIG_BYTES bytes ($(python3 -c "print(f'{$BIG_BYTES / 1073741824:.1f}')") GiB)"; printf '%s\n' "${BIG_LINES[@]}"
fi
