#!/usr/bin/env bash
# The transfer benchmark: starts real Distribution registries, generates the dataset of issue 7 deterministically,
# times our export and import (the ./transfer command line) against skopeo doing the same job on the same data in
# the same run, measures the limits (registry GET, dd + sync of the same bytes, the registry's own PUT ingest) and
# the command line's start-up (list, show), exports the same set to Azurite with parallel blocks and with one
# sequential stream, checks a 10 GiB single-layer artifact under -Xmx64m. For every timed run of ours it prints wall
# time, MiB/s, our JVM's CPU seconds (user + system) and CPU per GiB, peak RSS, and the ratio to its limit.
#
# Usage: bench/run.sh            (about 10 minutes on 2 cores; needs about 30 GiB free under $BENCH_DIR)
# Environment:
#   BENCH_DIR=/path        where registries, archives and state go (default: bench/target/work); removed at the end
#                          unless BENCH_KEEP=1
#   BENCH_SWEEP="1 2 4 8"  also time our export and import at each of these concurrencies
#   BENCH_BIG_BYTES=n      size of the single-layer artifact (default 10 GiB); BENCH_BIG=0 skips it
#   BENCH_ONLY=big         runs only the single-layer artifact (its limits measured on a 512 MiB sample of the layer)
#   BENCH_AZURE=0          skips the Azurite part
#   BENCH_DIFF=0           skips the differential export part
#   BENCH_PARTS=0          skips the archive in parts (the set with --max-part-size 100MiB)
#   BENCH_HEAP=64m         our JVMs' -Xmx
# Needs: java 17, mvn, docker-registry, skopeo, curl, sha256sum, /usr/bin/time (GNU time), python3; azurite-blob
# (npm azurite) for the Azure part.
# Our runs are the command line as users run it: JAVA_OPTS="-Xmx64m" ./transfer ... pipeline-run create; the
# concurrency, when varied, through -Docitransfer.concurrency. skopeo runs with --preserve-digests (and
# --dest-oci-accept-uncompressed-layers on export) so it does the same job: the same bytes and digests; without
# them it recompresses the layers and changes every digest.
# Not part of the test command: nothing here asserts timings.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${BENCH_DIR:-$ROOT/bench/target/work}"
HEAP="${BENCH_HEAP:-64m}"
BIG="${BENCH_BIG:-1}"
BIG_BYTES="${BENCH_BIG_BYTES:-10737418240}"
ONLY="${BENCH_ONLY:-}"
case $ONLY in ''|big) ;; *) printf 'bench: BENCH_ONLY=%s is not known: use BENCH_ONLY=big, or leave it unset\n' "$ONLY" >&2; exit 1 ;; esac
MIB=1048576

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

for tool in java mvn docker-registry skopeo curl sha256sum python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install -y docker-registry skopeo curl python3; JDK 17 and Maven for java/mvn)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install -y time)"

# Every server is started in the background with its pid in $WORK/<name>/pid (registries are started inside command
# substitutions, so the pid file is the only record of them).
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
say "== building (the command line, and the bench's generator; tests skipped)"
(cd "$ROOT" && mvn -q -B -ntp -Pbench -pl bench -am package -DskipTests) || die "the build failed"
"$ROOT/transfer" --version >/dev/null || die "the command line does not start"
CP="$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
JAVA=(java "-Xmx$HEAP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP")

# ------------------------------------------------------------------------------------------------------- helpers
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
rate() { python3 -c "print(f'{$1 / $MIB / $2:.1f}')"; }           # bytes seconds -> MiB/s
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
free_gib() { df -P -B1G "$WORK" | awk 'NR==2 {print $4}'; }

# start_registry NAME -> prints its port; storage in $WORK/NAME
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

# reg_cpu NAME -> CPU seconds (user + system) the registry NAME has used so far, from /proc
reg_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$(cat "$WORK/$1/pid")/stat"; }

stop_registry() {
  kill_pid "$(cat "$WORK/$1/pid")"
  rm -rf "${WORK:?}/$1"
}

# peak_rss FILE -> the "Maximum resident set size" of a /usr/bin/time -v report, in MiB
peak_rss() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$1"; }
# cpu_s TIMEFILE -> our JVM's CPU seconds (user + system) from GNU time's report
cpu_s() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u + s}' "$1"; }
# per_gib SECONDS BYTES -> seconds per GiB
per_gib() { python3 -c "print(f'{$1 / ($2 / 1073741824):.2f}')"; }

cli() { "$ROOT/transfer" --state-dir "${OURS_STATE:-$WORK/state}" "$@"; }

# ours TAG HEAP CONCURRENCY <pipeline-run create arguments...> -> wall seconds of the command; its JSON in
# $WORK/TAG.out, /usr/bin/time's report in $WORK/TAG.time, the wall seconds in $WORK/TAG.wall and the seconds until a
# sync after it has returned (the written bytes on disk) in $WORK/TAG.synced. The run is named TAG unless OURS_RUN is
# set; records go to $OURS_STATE (default $WORK/state).
ours() {
  local tag=$1 heap=$2 concurrency=$3 t0 t1 opts
  shift 3
  opts="-Xmx$heap"
  [ "$concurrency" = default ] || opts="$opts -Docitransfer.concurrency=$concurrency"
  sync; t0=$(now)
  if ! JAVA_OPTS="$opts" /usr/bin/time -v -o "$WORK/$tag.time" "$ROOT/transfer" --state-dir "${OURS_STATE:-$WORK/state}" \
      pipeline-run create -n "${OURS_RUN:-$tag}" -q -o json "$@" >"$WORK/$tag.out" 2>"$WORK/$tag.err"; then
    return 1
  fi
  t1=$(now)
  sync
  elapsed "$t0" "$(now)" >"$WORK/$tag.synced"
  elapsed "$t0" "$t1" | tee "$WORK/$tag.wall"
}

# step LABEL TAG BYTES [LIMIT_SECONDS LIMIT_NAME [SECONDS_FILE]] -> one report line for the timed run TAG (see ours):
# wall (or the seconds in $WORK/TAG.SECONDS_FILE, e.g. synced), MiB/s of BYTES, our JVM's CPU (user + system) and
# CPU per GiB of BYTES (start-up included), peak RSS, and the ratio of the limit's time to ours (above 1: faster)
step() {
  local label=$1 tag=$2 bytes=$3 limit=${4:-} lname=${5:-} secs cpu
  secs=$(cat "$WORK/$tag.${6:-wall}")
  cpu=$(cpu_s "$WORK/$tag.time")
  printf '  %-27s %7.2f s %7s MiB/s   CPU %6.2f s = %5s s/GiB   peak RSS %6s MiB' "$label" "$secs" \
    "$(rate "$bytes" "$secs")" "$cpu" "$(per_gib "$cpu" "$bytes")" "$(peak_rss "$WORK/$tag.time")"
  if [ -n "$limit" ]; then printf '   %sx %s' "$(ratio "$limit" "$secs")" "$lname"; fi
  printf '\n'
}

# cli_median N ARGS... -> "WALL CPU RSS": the medians of N runs of ./transfer ARGS (wall seconds; user + system
# seconds; peak RSS in MiB)
cli_median() {
  local n=$1 i
  shift
  : >"$WORK/cli.times"
  for i in $(seq 1 "$n"); do
    /usr/bin/time -o "$WORK/cli.time" -f '%e %U %S %M' "$ROOT/transfer" --state-dir "${OURS_STATE:-$WORK/state}" "$@" \
      >/dev/null || die "transfer $* failed"
    cat "$WORK/cli.time" >>"$WORK/cli.times"
  done
  python3 - "$WORK/cli.times" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
print(f"{statistics.median(float(r[0]) for r in rows):.2f} {statistics.median(float(r[1]) + float(r[2]) for r in rows):.2f}"
      f" {statistics.median(float(r[3]) for r in rows) / 1024:.1f}")
PY
}

# children_cpu FILE: records in FILE the user + system seconds used so far by this shell's finished children (skopeo);
# call it directly, not in $(...), whose subshell would count its own children
children_cpu() {
  times >"$WORK/times.txt"
  python3 - "$WORK/times.txt" >"$1" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
secs = lambda t: sum(float(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", t))
print(f"{secs(lines[1]):.2f}")
PY
}
# cpu_since BEFORE_FILE AFTER_FILE -> the seconds between two children_cpu records
cpu_since() { python3 -c "print(f'{$(cat "$2") - $(cat "$1"):.2f}')"; }

catalog_of() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['response']['catalogDigest'])" "$1"; }

export_pipeline() { # NAME REGISTRY_PORT CONTAINER_URI [SECRET_URI]
  cli export-pipeline create -n "$1" -r "http://127.0.0.1:$2" -c "$3" ${4:+-s "$4"} -o json >/dev/null
}

import_pipeline() { # NAME REGISTRY_PORT CONTAINER_URI
  cli import-pipeline create -n "$1" -r "http://127.0.0.1:$2" -c "$3" -e false -o json >/dev/null
}

skopeo_export() { # SRC_PORT ARTIFACTS DIR
  local port=$1 list=$2 dir=$3 ref all n=0
  mkdir -p "$dir"
  while read -r ref all; do
    n=$((n + 1))
    skopeo copy -q ${all:+--all} --preserve-digests --dest-oci-accept-uncompressed-layers --src-tls-verify=false \
      "docker://127.0.0.1:$port/$ref" "oci-archive:$dir/$n.tar:$ref" >/dev/null || die "skopeo export of $ref failed"
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

# one blob POST, then one monolithic PUT, with curl
put_blob() { # PORT REPOSITORY DIGEST FILE
  local port=$1 repo=$2 digest=$3 file=$4 location
  location=$(curl -fsS -o /dev/null -D - -X POST "http://127.0.0.1:$port/v2/$repo/blobs/uploads/" | tr -d '\r' \
    | awk -F': ' 'tolower($1)=="location" {print $2}')
  case $location in http*) ;; *) location="http://127.0.0.1:$port$location" ;; esac
  case $location in *\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
  curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' -T "$file" "$location" \
    || die "PUT $digest failed"
}

# every unique non-manifest blob PUT (POST, then one monolithic PUT) into an empty registry, one at a time, from files
# saved beforehand: the import limit of one stream; prints total seconds, then the largest blob's seconds
put_limit() { # SRC_PORT BLOBS_FILE DIR DST_PORT
  local src=$1 list=$2 dir=$3 dst=$4 repo digest size kind t0 t1 b0 b1 largest=0 largest_s=0 total
  mkdir -p "$dir"
  while read -r repo digest size kind; do
    [ "$kind" = blobs ] || continue
    curl -fsS "http://127.0.0.1:$src/v2/$repo/blobs/$digest" -o "$dir/${digest#sha256:}" || die "GET $digest failed"
  done <"$list"
  sync
  t0=$(now)
  while read -r repo digest size kind; do
    [ "$kind" = blobs ] || continue
    b0=$(now)
    put_blob "$dst" "$repo" "$digest" "$dir/${digest#sha256:}"
    b1=$(now)
    if [ "$size" -gt "$largest" ]; then largest=$size; largest_s=$(elapsed "$b0" "$b1"); fi
  done <"$list"
  t1=$(now)
  total=$(elapsed "$t0" "$t1")
  rm -rf "$dir"
  echo "$total $largest_s $largest"
}

# check that every artifact arrived in a target registry with the source's digest
verify_target() { # SRC_PORT DST_PORT ARTIFACTS
  local src=$1 dst=$2 list=$3 ref all repo tag a b accept
  accept='Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json'
  while read -r ref all; do
    repo=${ref%:*}; tag=${ref##*:}
    a=$(curl -fsSI -H "$accept" "http://127.0.0.1:$src/v2/$repo/manifests/$tag" | tr -d '\r' \
      | awk -F': ' 'tolower($1)=="docker-content-digest" {print $2}')
    b=$(curl -fsSI -H "$accept" "http://127.0.0.1:$dst/v2/$repo/manifests/$tag" | tr -d '\r' \
      | awk -F': ' 'tolower($1)=="docker-content-digest" {print $2}')
    [ -n "$a" ] && [ "$a" = "$b" ] || die "$ref differs in the target ($b) from the source ($a)"
  done <"$list"
}

DEFAULT_CONC=$(sed -n 's/.*DEFAULT_CONCURRENCY = \([0-9]*\);.*/\1/p' \
  "$ROOT/transfer-core/src/main/java/org/ocitransfer/core/internal/run/ExportRunner.java")

# ------------------------------------------------------------------------------------------------------ warm-up
# The launcher records a class-data-sharing archive on its first `pipeline-run create` (a one-time cost, like the
# build): made with one small export, so that no timed run pays for it.
warm_up() { # REGISTRY_PORT REFERENCE
  say "== warm-up: one small export (the launcher's class-data archive, made once)"
  mkdir -p "$WORK/container"
  export_pipeline benchwarm "$1" "file://$WORK/container"
  ours warmup "$HEAP" default -p benchwarm -t export -b warmup.tar -a "$2" >/dev/null \
    || { cat "$WORK/warmup.err" >&2; die "the warm-up export failed"; }
  rm -f "$WORK/container/warmup.tar"
  [ -f "$ROOT/transfer-cli/target/transfer.jsa" ] || ls "$ROOT"/transfer-cli/target/transfer.jsa.* >/dev/null 2>&1 \
    || say "   (no class-data archive was made: runs start without it)"
}

# ------------------------------------------------------------------------------------------- one big artifact
# One layer of $BIG_BYTES bytes, generated straight into the source registry's storage (BenchDataset big: one pass
# that generates, digests, writes and syncs it; timed), exported and imported under -Xmx$HEAP. Its limits: dd + sync
# of the archive (export until synced), with a sha256sum of it (generation: hashing and writing once); the
# registry's GET and one-blob PUT at the rates of the set's GET limit and largest PUT, or with BENCH_ONLY=big of a
# GET and a PUT of a 512 MiB sample of the layer.
BIG_LINES=()
big_step() {
  local need avail t0 t1 layer sample digest port get_s put_s get_rate put_rate big_get_s big_put_s be bi gen_limit
  [ "$BIG" = 1 ] || return 0
  need=$(( (BIG_BYTES * 2 + 1073741823) / 1073741824 + 2 ))
  avail=$(free_gib)
  if [ "$avail" -lt "$need" ]; then
    BIG_LINES+=("  skipped: $avail GiB free under $WORK, the single-layer run needs $need GiB")
    return 0
  fi
  say "== one $BIG_BYTES-byte layer: generate, export and import under -Xmx$HEAP"
  BSRC=$(start_registry bigsrc)
  sync; t0=$(now)
  /usr/bin/time -v -o "$WORK/biggen.time" "${JAVA[@]}" org.ocitransfer.bench.BenchDataset big \
    "http://127.0.0.1:$BSRC" "$WORK/big" "$BIG_BYTES" "$WORK/bigsrc/storage" >"$WORK/biggen.out" \
    || die "generating the large layer failed (see above)"
  t1=$(now)
  elapsed "$t0" "$t1" >"$WORK/biggen.wall"
  sed -n 's/^layer of [0-9]* bytes .* in \([0-9.]*\) s = .*/\1/p' "$WORK/biggen.out" >"$WORK/biggen.layer"
  cat "$WORK/biggen.out" >&2
  if [ "$ONLY" = big ]; then
    # no set: the registry's GET and PUT rates from a sample of the layer, PUT into an empty registry then GET back
    layer=$(awk '$4 == "blobs" {print $3, $2}' "$WORK/big/blobs.txt" | sort -n | tail -1 | cut -d' ' -f2)
    sample=$(( BIG_BYTES < 536870912 ? BIG_BYTES : 536870912 ))
    head -c "$sample" "$WORK/bigsrc/storage/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer#sha256:}/data" \
      >"$WORK/sample.bin"
    digest="sha256:$(sha256sum <"$WORK/sample.bin" | cut -d' ' -f1)"
    port=$(start_registry biglimit)
    sync; t0=$(now); put_blob "$port" bench/sample "$digest" "$WORK/sample.bin"; t1=$(now)
    put_s=$(elapsed "$t0" "$t1")
    rm -f "$WORK/sample.bin"; sync
    t0=$(now)
    curl -fsS "http://127.0.0.1:$port/v2/bench/sample/blobs/$digest" -o "$WORK/sample.bin" || die "GET $digest failed"
    t1=$(now)
    get_s=$(elapsed "$t0" "$t1")
    stop_registry biglimit
    rm -f "$WORK/sample.bin"
    get_rate="a GET of a $sample-byte sample of it ($get_s s)"
    put_rate="a PUT of that sample ($put_s s)"
    big_get_s=$(python3 -c "print(f'{$BIG_BYTES * $get_s / $sample:.2f}')")
    big_put_s=$(python3 -c "print(f'{$BIG_BYTES * $put_s / $sample:.2f}')")
  else
    get_rate="the set's GET limit"
    put_rate="the set's largest PUT"
    big_get_s=$(python3 -c "print(f'{$BIG_BYTES * $LIMIT_S / $UNIQUE:.2f}')")
    big_put_s=$(python3 -c "print(f'{$BIG_BYTES * $LARGEST_S / $LARGEST_BYTES:.2f}')")
  fi
  mkdir -p "$WORK/bigcontainer"
  export_pipeline bigexp "$BSRC" "file://$WORK/bigcontainer"
  be=$(ours bigexport "$HEAP" default -p bigexp -t export -b big.tar -a bench/big:v1) \
    || { cat "$WORK/bigexport.err" >&2; die "our export of the large layer failed"; }
  stop_registry bigsrc   # frees the source's copy before the target's is written
  # the export's limit: dd of the archive's bytes (from the page cache as far as it holds them) plus sync
  sync; t0=$(now); dd if="$WORK/bigcontainer/big.tar" of="$WORK/bigdd.bin" bs=4M status=none; sync; t1=$(now)
  BIG_DD_S=$(elapsed "$t0" "$t1")
  rm -f "$WORK/bigdd.bin"
  # the generation's limit: hashing the bytes once (sha256sum of the archive) and writing them once (dd + sync)
  t0=$(now); sha256sum "$WORK/bigcontainer/big.tar" >/dev/null; t1=$(now)
  gen_limit=$(python3 -c "print(f'{$(elapsed "$t0" "$t1") + $BIG_DD_S:.2f}')")
  BDST=$(start_registry bigdst)
  import_pipeline bigimp "$BDST" "file://$WORK/bigcontainer"
  bi=$(ours bigimport "$HEAP" default -p bigimp -t import -b big.tar) \
    || { cat "$WORK/bigimport.err" >&2; die "our import of the large layer failed"; }
  stop_registry bigdst
  rm -rf "$WORK/bigcontainer"
  say "   generated in $(cat "$WORK/biggen.layer") s, export $be s, import $bi s"
  BIG_LINES+=("$(step "generate (one pass)" biggen "$BIG_BYTES" "$gen_limit" \
    "sha256sum + dd + sync ($gen_limit s)" layer)   (the layer written and synced into the registry's storage; CPU: the whole command)")
  BIG_LINES+=("$(step "export" bigexport "$BIG_BYTES" "$big_get_s" "the registry's GET ($big_get_s s at the rate of $get_rate)")")
  BIG_LINES+=("$(step "export, until synced" bigexport "$BIG_BYTES" "$BIG_DD_S" "dd + sync ($BIG_DD_S s)" synced)")
  BIG_LINES+=("$(step "import" bigimport "$BIG_BYTES" "$big_put_s" \
    "the registry's one-blob ingest ($big_put_s s at the rate of $put_rate)")")
  BIG_LINES+=("  (-Xmx$HEAP; CPU per GiB includes the JVM's start-up)")
}

big_report() {
  if [ ${#BIG_LINES[@]} -gt 0 ]; then
    echo; echo "single layer of $BIG_BYTES bytes ($(python3 -c "print(f'{$BIG_BYTES / 1073741824:.1f}')") GiB)"
    printf '%s\n' "${BIG_LINES[@]}"
  fi
}

report_header() {
  echo
  echo "== OCI transfer benchmark ($(nproc) cores; load average before the report: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%M:%SZ))"
}

if [ "$ONLY" = big ]; then
  # the launcher's class-data archive from the export of a 1 MiB layer made by the same generator
  WARM=$(start_registry warm)
  "${JAVA[@]}" org.ocitransfer.bench.BenchDataset big "http://127.0.0.1:$WARM" "$WORK/warm/out" 1048576 \
    "$WORK/warm/storage" >/dev/null || die "generating the warm-up layer failed"
  warm_up "$WARM" bench/big:v1
  stop_registry warm
  big_step
  report_header
  echo "BENCH_ONLY=big: ours is ./transfer pipeline-run create, JAVA_OPTS=-Xmx$HEAP, concurrency $DEFAULT_CONC (the default)"
  big_report
  exit 0
fi

# ------------------------------------------------------------------------------------------------------- dataset
avail=$(free_gib)
[ "$avail" -ge 8 ] || die "only $avail GiB free under $WORK; the dataset needs about 8 GiB"
say "== starting the source registry; generating the dataset (22 images + 1 index, 912 MiB unique)"
SRC=$(start_registry src)
"${JAVA[@]}" org.ocitransfer.bench.BenchDataset set "http://127.0.0.1:$SRC" "$WORK/set" | grep -v '^pushed' >&2
UNIQUE=$(cat "$WORK/set/unique-bytes")
ARTS="$WORK/set/artifacts.txt"
mapfile -t ARTS_LIST < <(cut -d' ' -f1 "$ARTS")
sync

# ------------------------------------------------------------------------------------------------ disk limits
say "== disk limit: the registry's GET of every unique blob into one file; cat + sha256sum of it"
sync; t0=$(now); write_limit "$SRC" "$WORK/set/blobs.txt" "$WORK/limit.bin"; t1=$(now); sync; t2=$(now)
LIMIT_S=$(elapsed "$t0" "$t1")
# The GET until its file is synced: what an export until synced does at best with the source registry serving the
# bytes (dd + sync below reads them from the page cache instead).
GET_SYNC_S=$(elapsed "$t0" "$t2")
[ "$(stat -c %s "$WORK/limit.bin")" = "$UNIQUE" ] || die "the write-limit file is not $UNIQUE bytes"
sync; t0=$(now); cat "$WORK/limit.bin" | sha256sum >/dev/null; t1=$(now)
HASH_S=$(elapsed "$t0" "$t1")
# The disk's own speed for these bytes: dd from the page cache into a new file, 4 MiB writes, then sync (an export's
# limit: its archive is the same bytes plus headers, and it is on disk only after a sync).
sync; t0=$(now); dd if="$WORK/limit.bin" of="$WORK/dd.bin" bs=4M status=none; sync; t1=$(now)
DD_S=$(elapsed "$t0" "$t1")
rm -f "$WORK/limit.bin" "$WORK/dd.bin"
sync
say "   GET $LIMIT_S s (+ sync $GET_SYNC_S s), cat | sha256sum $HASH_S s, dd + sync $DD_S s"
say "== import limit: every unique blob PUT into an empty registry with curl, one at a time"
PUTD=$(start_registry putdst)
read -r PUT_S LARGEST_S LARGEST_BYTES < <(put_limit "$SRC" "$WORK/set/blobs.txt" "$WORK/putblobs" "$PUTD")
PUT_BYTES=$(awk '$4=="blobs" {s+=$3} END {print s}' "$WORK/set/blobs.txt")
PUT_CPU=$(reg_cpu putdst)
stop_registry putdst
say "   PUT $PUT_S s (largest blob, $LARGEST_BYTES bytes: $LARGEST_S s)"

# ------------------------------------------------------------------------------------------------------ warm-up
warm_up "$SRC" "${ARTS_LIST[0]}"

# ---------------------------------------------------------------------------------------------------- exports
say "== our export (./transfer, concurrency $DEFAULT_CONC by default, -Xmx$HEAP)"
export_pipeline benchexp "$SRC" "file://$WORK/container"
OURS_EXPORT_S=$(ours exportset "$HEAP" default -p benchexp -t export -b set.tar -a "${ARTS_LIST[@]}") \
  || { cat "$WORK/exportset.err" >&2; die "our export failed"; }
ARCHIVE_BYTES=$(stat -c %s "$WORK/container/set.tar")
CATALOG=$(catalog_of "$WORK/exportset.out")
say "   $OURS_EXPORT_S s"

say "== skopeo export (one oci-archive per artifact)"
children_cpu "$WORK/cpu0"
sync; t0=$(now); skopeo_export "$SRC" "$ARTS" "$WORK/skopeo"; t1=$(now)
SKOPEO_EXPORT_S=$(elapsed "$t0" "$t1")
children_cpu "$WORK/cpu1"
SKOPEO_EXPORT_CPU=$(cpu_since "$WORK/cpu0" "$WORK/cpu1")
SKOPEO_BYTES=$(du -cb "$WORK"/skopeo/*.tar | awk 'END {print $1}')
say "   $SKOPEO_EXPORT_S s"

# ---------------------------------------------------------------------------------------------------- imports
say "== our import into an empty registry"
DST=$(start_registry dst)
import_pipeline benchimp "$DST" "file://$WORK/container"
OURS_IMPORT_S=$(ours importset "$HEAP" default -p benchimp -t import -b set.tar) \
  || { cat "$WORK/importset.err" >&2; die "our import failed"; }
DST_CPU=$(reg_cpu dst)
verify_target "$SRC" "$DST" "$ARTS"
stop_registry dst
say "   $OURS_IMPORT_S s"

say "== skopeo import into an empty registry"
DSTS=$(start_registry dsts)
children_cpu "$WORK/cpu0"
sync; t0=$(now); skopeo_import "$WORK/skopeo" "$ARTS" "$DSTS"; t1=$(now)
SKOPEO_IMPORT_S=$(elapsed "$t0" "$t1")
children_cpu "$WORK/cpu1"
SKOPEO_IMPORT_CPU=$(cpu_since "$WORK/cpu0" "$WORK/cpu1")
DSTS_CPU=$(reg_cpu dsts)
verify_target "$SRC" "$DSTS" "$ARTS"
stop_registry dsts
rm -rf "$WORK/skopeo"
say "   $SKOPEO_IMPORT_S s"

say "== the command line's start-up: pipeline-run list and export-pipeline show, 10 runs each"
read -r LIST_WALL LIST_CPU LIST_RSS < <(cli_median 10 pipeline-run list)
read -r SHOW_WALL SHOW_CPU SHOW_RSS < <(cli_median 10 export-pipeline show -n benchexp)
say "   list $LIST_WALL s, show $SHOW_WALL s (medians)"

# ------------------------------------------------------------------------------------------------------ sweep
SWEEP_LINES=()
for c in ${BENCH_SWEEP:-}; do
  say "== sweep: concurrency $c"
  rm -f "$WORK/container/sweep.tar"
  e=$(ours "sweepexport$c" "$HEAP" "$c" -p benchexp -t export -b sweep.tar -a "${ARTS_LIST[@]}") \
    || { cat "$WORK/sweepexport$c.err" >&2; die "sweep export failed"; }
  d=$(start_registry sweepdst)
  import_pipeline sweepimp "$d" "file://$WORK/container"
  i=$(ours "sweepimport$c" "$HEAP" "$c" -p sweepimp -t import -b sweep.tar) \
    || { cat "$WORK/sweepimport$c.err" >&2; die "sweep import failed"; }
  stop_registry sweepdst
  SWEEP_LINES+=("$(step "concurrency $c export" "sweepexport$c" "$UNIQUE" "$LIMIT_S" "the registry GET limit")")
  SWEEP_LINES+=("$(step "concurrency $c import" "sweepimport$c" "$UNIQUE" "$PUT_S" "the one-stream PUT")")
done
rm -f "$WORK/container/sweep.tar"

# -------------------------------------------------------------------------------------------------- Azurite
AZ_LINES=()
if [ "${BENCH_AZURE:-1}" != 1 ]; then
  AZ_LINES+=("  skipped (BENCH_AZURE=0)")
elif ! command -v azurite-blob >/dev/null 2>&1; then
  AZ_LINES+=("  skipped: azurite-blob is not installed (npm install -g azurite)")
else
  say "== export of the same set to Azurite: parallel blocks, then one sequential stream (concurrency 1)"
  AZP=$(free_port)
  mkdir -p "$WORK/azurite"
  (cd "$WORK/azurite" && exec azurite-blob --blobHost 127.0.0.1 --blobPort "$AZP" --inMemoryPersistence \
    --skipApiVersionCheck --loose --disableTelemetry >azurite.log 2>&1) &
  echo "$!" >"$WORK/azurite/pid"
  for _ in $(seq 1 150); do
    curl -s -o /dev/null "http://127.0.0.1:$AZP/devstoreaccount1?comp=list" && break
    sleep 0.2
  done
  (umask 077 && "${JAVA[@]}" org.ocitransfer.bench.AzuriteContainer "http://127.0.0.1:$AZP/devstoreaccount1" bench \
    >"$WORK/azurite/sas")
  # The same pipeline and run names in two state directories, so both archives have the same catalog.
  for state in azpar azseq; do
    OURS_STATE="$WORK/$state" export_pipeline benchazure "$SRC" "http://127.0.0.1:$AZP/devstoreaccount1/bench" \
      "file:$WORK/azurite/sas"
  done
  ap=$(OURS_STATE="$WORK/azpar" OURS_RUN=azureexport ours azureparallel "$HEAP" default -p benchazure -t export \
    -b parallel.tar -a "${ARTS_LIST[@]}") \
    || { cat "$WORK/azureparallel.err" >&2; die "our parallel export to Azurite failed"; }
  seq_heap=$HEAP
  seq_note=""
  if ! as=$(OURS_STATE="$WORK/azseq" OURS_RUN=azureexport ours azuresequential "$HEAP" 1 -p benchazure -t export \
      -b sequential.tar -a "${ARTS_LIST[@]}"); then
    # The sequential stream's block buffers (AzureBlobStore defaults) may not fit the heap: say so, retry larger.
    seq_note="  (under -Xmx$HEAP it failed: $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['response'].get('pipelineRunErrorMessage','')[:90])" "$WORK/azuresequential.out" 2>/dev/null || head -c 90 "$WORK/azuresequential.err"); measured again with -Xmx256m)"
    seq_heap=256m
    rm -rf "$WORK/azseq2"
    OURS_STATE="$WORK/azseq2" export_pipeline benchazure "$SRC" "http://127.0.0.1:$AZP/devstoreaccount1/bench" \
      "file:$WORK/azurite/sas"
    as=$(OURS_STATE="$WORK/azseq2" OURS_RUN=azureexport ours azuresequential2 256m 1 -p benchazure -t export \
      -b sequential2.tar -a "${ARTS_LIST[@]}") \
      || { cat "$WORK/azuresequential2.err" >&2; die "our sequential export to Azurite failed"; }
    cp "$WORK/azuresequential2.out" "$WORK/azuresequential.out"
    cp "$WORK/azuresequential2.time" "$WORK/azuresequential.time"
    cp "$WORK/azuresequential2.wall" "$WORK/azuresequential.wall"
  fi
  dp=$(catalog_of "$WORK/azureparallel.out")
  ds=$(catalog_of "$WORK/azuresequential.out")
  say "== import from Azurite (ranged reads in parallel) into an empty registry"
  AZD=$(start_registry azdst)
  OURS_STATE="$WORK/azpar" cli import-pipeline create -n benchazimp -r "http://127.0.0.1:$AZD" \
    -c "http://127.0.0.1:$AZP/devstoreaccount1/bench" -s "file:$WORK/azurite/sas" -e false -o json >/dev/null
  ai=$(OURS_STATE="$WORK/azpar" ours azureimport "$HEAP" default -p benchazimp -t import -b parallel.tar) \
    || { cat "$WORK/azureimport.err" >&2; die "our import from Azurite failed"; }
  verify_target "$SRC" "$AZD" "$ARTS"
  stop_registry azdst
  kill_pid "$(cat "$WORK/azurite/pid")"
  rm -rf "$WORK/azurite"
  AZ_LINES+=("$(step "parallel blocks (conc. $DEFAULT_CONC)" azureparallel "$UNIQUE" "$LIMIT_S" \
    "the registry GET limit")   (-Xmx$HEAP)")
  AZ_LINES+=("$(step "one sequential stream" azuresequential "$UNIQUE" "$LIMIT_S" "the registry GET limit")   (-Xmx$seq_heap)$seq_note")
  AZ_LINES+=("  parallel / sequential            $(ratio "$as" "$ap")x   (catalogDigest $([ "$dp" = "$ds" ] \
    && echo "identical" || echo "DIFFERENT: $dp vs $ds"))")
  AZ_LINES+=("$(step "import of it (parallel ranges)" azureimport "$UNIQUE" "$PUT_S" \
    "the registry's one-stream PUT")   (-Xmx$HEAP)")
fi
# --------------------------------------------------------------------------------------- differential export
# A full export of the set, one new image pushed (sharing the set's base layer), a differential export with the full
# archive as base (--base-blob): its size against the new image's unique bytes plus the metadata, its time against
# the full export's; imported into a registry that had the full import (every tag, equal digests) and into an empty
# one (must fail before any write, naming the base). BENCH_DIFF=0 skips it.
DIFF_LINES=()
if [ "${BENCH_DIFF:-1}" != 1 ]; then
  DIFF_LINES+=("  skipped (BENCH_DIFF=0)")
else
  say "== differential export: full export, one new image, export with the full one as base, imports"
  mkdir -p "$WORK/diffcontainer"
  export_pipeline diffexp "$SRC" "file://$WORK/diffcontainer"
  dfull=$(ours difffull "$HEAP" default -p diffexp -t export -b full.tar -a "${ARTS_LIST[@]}") \
    || { cat "$WORK/difffull.err" >&2; die "the full export failed"; }
  "${JAVA[@]}" org.ocitransfer.bench.BenchDataset new "http://127.0.0.1:$SRC" "$WORK/diffnew" >&2
  NEW_UNIQUE=$(cat "$WORK/diffnew/unique-bytes")
  ours diffdelta "$HEAP" default -p diffexp -t export -b delta.tar -a "${ARTS_LIST[@]}" bench/new:v1 \
    --base-blob full.tar >/dev/null || { cat "$WORK/diffdelta.err" >&2; die "the differential export failed"; }
  DELTA_BYTES=$(stat -c %s "$WORK/diffcontainer/delta.tar")
  # metadata: the oci-layout, index.json and catalog.json entries (headers and padding included) and the trailer
  DELTA_META=$(python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    print(sum(m.offset_data - m.offset + -(-m.size // 512) * 512 for m in t.getmembers()
              if not m.name.startswith("blobs/")) + 1024)' "$WORK/diffcontainer/delta.tar")
  DELTA_BLOBS=$(tar -tf "$WORK/diffcontainer/delta.tar" | grep -c '^blobs/')
  { cat "$ARTS"; echo "bench/new:v1"; } >"$WORK/diffnew/all.txt"
  DBASE=$(start_registry diffbase)
  import_pipeline diffimpbase "$DBASE" "file://$WORK/diffcontainer"
  ours diffimportfull "$HEAP" default -p diffimpbase -t import -b full.tar >/dev/null \
    || { cat "$WORK/diffimportfull.err" >&2; die "the full import failed"; }
  ours diffimportdelta "$HEAP" default -p diffimpbase -t import -b delta.tar >/dev/null \
    || { cat "$WORK/diffimportdelta.err" >&2; die "the differential import onto the full import failed"; }
  verify_target "$SRC" "$DBASE" "$WORK/diffnew/all.txt"
  stop_registry diffbase
  DEMPTY=$(start_registry diffempty)
  import_pipeline diffimpempty "$DEMPTY" "file://$WORK/diffcontainer"
  before=$(find "$WORK/diffempty/storage" -type f | wc -l)
  if ours diffimportempty "$HEAP" default -p diffimpempty -t import -b delta.tar >/dev/null; then
    die "the differential import into an empty registry succeeded"
  fi
  after=$(find "$WORK/diffempty/storage" -type f | wc -l)
  grep -q "full.tar (catalog $(catalog_of "$WORK/difffull.out"))" "$WORK/diffimportempty.err" \
    || { cat "$WORK/diffimportempty.err" >&2; die "the refused import does not name the base"; }
  repos=$(curl -fsS "http://127.0.0.1:$DEMPTY/v2/_catalog" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["repositories"]))')
  stop_registry diffempty
  rm -rf "$WORK/diffcontainer"
  # the differential import's limit: the registry's one-stream PUT of its bytes, at the rate of the set's
  dput=$(python3 -c "print(f'{$PUT_S * $DELTA_BYTES / $PUT_BYTES:.2f}')")
  DIFF_LINES+=("$(step "full export" difffull "$UNIQUE" "$LIMIT_S" "the registry GET limit")")
  DIFF_LINES+=("$(step "differential export" diffdelta "$DELTA_BYTES" "$dfull" "the full export")   (per GiB of its archive)")
  DIFF_LINES+=("  its size                    $DELTA_BYTES bytes, $DELTA_BLOBS blobs = $(python3 -c "print(f'{$DELTA_BYTES / ($NEW_UNIQUE + $DELTA_META):.4f}')")x (new image's unique $NEW_UNIQUE + metadata $DELTA_META bytes)   (target <= 1.01)")
  DIFF_LINES+=("$(step "import full" diffimportfull "$UNIQUE" "$PUT_S" "the registry's one-stream PUT")")
  DIFF_LINES+=("$(step "then differential onto it" diffimportdelta "$DELTA_BYTES" "$dput" \
    "the registry's one-stream PUT of its bytes ($dput s)")   every tag of both, equal digests")
  DIFF_LINES+=("  differential into an empty registry: refused naming the base; storage files $before -> $after, repositories $repos")
fi
# ----------------------------------------------------------------------------------------------- archives in parts
# The set exported again in parts of 100 MiB (same pipeline and run names, in a state of its own, so the catalog is
# the single archive's): the parts and their sizes, cat of the parts against the single archive's sha256, an import
# from the parts under -Xmx$HEAP, and an import with one part moved away (refused, naming it). BENCH_PARTS=0 skips it.
PARTS_LINES=()
if [ "${BENCH_PARTS:-1}" != 1 ]; then
  PARTS_LINES+=("  skipped (BENCH_PARTS=0)")
else
  say "== the set in parts of 100 MiB: export, cat | sha256sum against the single archive, import under -Xmx$HEAP"
  OURS_STATE="$WORK/partstate" export_pipeline benchexp "$SRC" "file://$WORK/container"
  OURS_STATE="$WORK/partstate" OURS_RUN=exportset ours partsexport "$HEAP" default -p benchexp -t export \
    -b parts.tar -a "${ARTS_LIST[@]}" --max-part-size 100MiB >/dev/null \
    || { cat "$WORK/partsexport.err" >&2; die "our export in parts failed"; }
  [ "$(catalog_of "$WORK/partsexport.out")" = "$CATALOG" ] || die "the parts' catalogDigest differs from set.tar's"
  PARTS_LINES+=("$(step "export in parts" partsexport "$UNIQUE" "$LIMIT_S" "the registry GET limit")")
  while read -r size name; do
    PARTS_LINES+=("$(printf '    %-14s %10s bytes' "$name" "$size")")
  done < <(cd "$WORK/container" && stat -c '%s %n' parts.tar.0*)
  single=$(sha256sum <"$WORK/container/set.tar" | cut -d' ' -f1)
  joined=$(cat "$WORK"/container/parts.tar.0* | sha256sum | cut -d' ' -f1)
  [ "$joined" = "$single" ] || die "cat parts.tar.0* | sha256sum is $joined, set.tar's is $single"
  PARTS_LINES+=("  cat parts.tar.0* | sha256sum = sha256sum set.tar = $single")
  PDST=$(start_registry partsdst)
  OURS_STATE="$WORK/partstate" import_pipeline partsimp "$PDST" "file://$WORK/container"
  OURS_STATE="$WORK/partstate" ours partsimport "$HEAP" default -p partsimp -t import -b parts.tar >/dev/null \
    || { cat "$WORK/partsimport.err" >&2; die "our import from parts failed"; }
  verify_target "$SRC" "$PDST" "$ARTS"
  stop_registry partsdst
  PARTS_LINES+=("$(step "import from parts" partsimport "$UNIQUE" "$PUT_S" "the registry's one-stream PUT")   (-Xmx$HEAP)")
  mv "$WORK/container/parts.tar.005" "$WORK/parts.tar.005"
  MDST=$(start_registry partsmissing)
  OURS_STATE="$WORK/partstate" import_pipeline partsmis "$MDST" "file://$WORK/container"
  if OURS_STATE="$WORK/partstate" ours partsmissing "$HEAP" default -p partsmis -t import -b parts.tar >/dev/null; then
    die "an import with parts.tar.005 missing succeeded"
  fi
  [ "$(curl -fsS "http://127.0.0.1:$MDST/v2/_catalog")" = '{"repositories":[]}' ] \
    || die "the refused import wrote repositories"
  PARTS_LINES+=("  parts.tar.005 moved away: import refused, target registry still empty: $(python3 -c \
    "import json,sys; print(json.load(open(sys.argv[1]))['response']['pipelineRunErrorMessage'])" \
    "$WORK/partsmissing.out" | cut -c1-110)")
  stop_registry partsmissing
  rm -f "$WORK"/container/parts.tar.0* "$WORK/parts.tar.005"
fi

stop_registry src
rm -rf "$WORK/container"

# ------------------------------------------------------------------------------------------- one big artifact
big_step

# ------------------------------------------------------------------------------------------------------ report
UNIQUE_MIB=$(python3 -c "print(f'{$UNIQUE / $MIB:.1f}')")
report_header
cat <<EOF
dataset: $(wc -l <"$ARTS") artifacts (22 images + 1 index), $UNIQUE bytes unique ($UNIQUE_MIB MiB); rates are unique MiB/s
ours: ./transfer pipeline-run create, JAVA_OPTS=-Xmx$HEAP, concurrency $DEFAULT_CONC (the default); times are wall
time of the whole command (JVM start-up included, from the launcher's class-data archive made by a warm-up
run); skopeo: one copy per artifact, --preserve-digests; every timed step starts after a sync (no dirty pages
of an earlier step still being written back)

limits (same bytes)
  registry GET into one file  $(printf '%7.2f s %7s MiB/s' "$LIMIT_S" "$(rate "$UNIQUE" "$LIMIT_S")")   (the write limit)
  registry GET + sync         $(printf '%7.2f s %7s MiB/s' "$GET_SYNC_S" "$(rate "$UNIQUE" "$GET_SYNC_S")")   (the GET above until its file is on disk: an export until synced, with the source registry serving the bytes)
  cat | sha256sum             $(printf '%7.2f s %7s MiB/s' "$HASH_S" "$(rate "$UNIQUE" "$HASH_S")")
  dd + sync of the same bytes $(printf '%7.2f s %7s MiB/s' "$DD_S" "$(rate "$UNIQUE" "$DD_S")")   (4 MiB writes from the page cache, then sync: the disk's speed, an export's limit)
  registry PUT, one at a time $(printf '%7.2f s %7s MiB/s' "$PUT_S" "$(rate "$PUT_BYTES" "$PUT_S")")   (curl; the import limit of one stream; $PUT_BYTES bytes, manifests excluded; the registry's CPU: $PUT_CPU s)
  of which the largest blob   $(printf '%7.2f s %7s MiB/s' "$LARGEST_S" "$(rate "$LARGEST_BYTES" "$LARGEST_S")")   ($LARGEST_BYTES bytes: one blob is one upload, so no import is faster)

export (CPU: our JVM's user + system seconds, start-up included; ratios: the limit's time / ours)
$(step "ours" exportset "$UNIQUE" "$LIMIT_S" "the registry GET limit")
$(step "ours, until synced" exportset "$UNIQUE" "$DD_S" "dd + sync (target >= 0.8)" synced)
$(step "ours, until synced" exportset "$UNIQUE" "$GET_SYNC_S" "the registry GET + sync" synced)
  skopeo (23 oci-archives)    $(printf '%7.2f s %7s MiB/s   CPU %6.2f s = %5s s/GiB' "$SKOPEO_EXPORT_S" "$(rate "$UNIQUE" "$SKOPEO_EXPORT_S")" "$SKOPEO_EXPORT_CPU" "$(per_gib "$SKOPEO_EXPORT_CPU" "$UNIQUE")")
  ours / skopeo               $(ratio "$SKOPEO_EXPORT_S" "$OURS_EXPORT_S")x   (target >= 5)
  ours / write limit          $(ratio "$LIMIT_S" "$OURS_EXPORT_S")x   (target >= 0.5)

import
$(step "ours" importset "$UNIQUE" "$PUT_S" "the registry's one-stream PUT (its own ingest)")
  skopeo (23 oci-archives)    $(printf '%7.2f s %7s MiB/s   CPU %6.2f s = %5s s/GiB' "$SKOPEO_IMPORT_S" "$(rate "$UNIQUE" "$SKOPEO_IMPORT_S")" "$SKOPEO_IMPORT_CPU" "$(per_gib "$SKOPEO_IMPORT_CPU" "$UNIQUE")")
  ours / skopeo               $(ratio "$SKOPEO_IMPORT_S" "$OURS_IMPORT_S")x   (target >= 3)
  ours / one-stream PUT limit $(ratio "$PUT_S" "$OURS_IMPORT_S")x
  the target registry's CPU   ours ${DST_CPU} s, skopeo ${DSTS_CPU} s   (user + system, /proc; the machine has $(nproc) cores)

command line start-up (medians of 10 runs, with the class-data archive; no bytes moved, so no CPU per GiB)
  pipeline-run list           $LIST_WALL s wall, $LIST_CPU s CPU, peak RSS $LIST_RSS MiB   $(ratio 0.6 "$LIST_WALL")x the target (wall <= 0.6 s)
  export-pipeline show        $SHOW_WALL s wall, $SHOW_CPU s CPU, peak RSS $SHOW_RSS MiB   $(ratio 0.6 "$SHOW_WALL")x the target (wall <= 0.6 s)

archive size
  ours                        $ARCHIVE_BYTES bytes = $(python3 -c "print(f'{$ARCHIVE_BYTES / $UNIQUE:.4f}')")x unique   (target <= 1.01)   catalogDigest $CATALOG
  skopeo                      $SKOPEO_BYTES bytes = $(python3 -c "print(f'{$SKOPEO_BYTES / $UNIQUE:.4f}')")x unique
EOF
if [ ${#SWEEP_LINES[@]} -gt 0 ]; then
  echo; echo "concurrency sweep (ours, same data, -Docitransfer.concurrency)"; printf '%s\n' "${SWEEP_LINES[@]}"
fi
echo; echo "Azurite (in memory; same set, same source registry)"; printf '%s\n' "${AZ_LINES[@]}"
big_report
if [ ${#DIFF_LINES[@]} -gt 0 ]; then
  echo; echo "differential export (the set, then one new image; --base-blob the full archive)"; printf '%s\n' "${DIFF_LINES[@]}"
fi
if [ ${#PARTS_LINES[@]} -gt 0 ]; then
  echo; echo "archives in parts (the set, --max-part-size 100MiB)"; printf '%s\n' "${PARTS_LINES[@]}"
fi
