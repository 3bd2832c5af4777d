#!/usr/bin/env bash
# Prints where a Java Flight Recorder recording spent its CPU samples: the top frames (the method running when
# sampled, "self"), the top methods anywhere on the sampled stacks ("total", to depth 64), and samples per thread.
# Record with: JAVA_OPTS="-XX:StartFlightRecording=filename=x.jfr,settings=profile" ./transfer ...
# Usage: bench/jfr-top.sh x.jfr [N=15] [FILTER=regex on frames for the "total" table, default everything]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/jfr-top.sh recording.jfr [top-n] [frame-regex]" >&2; exit 2; }
file=$1; top=${2:-15}; filter=${3:-.}
command -v jfr >/dev/null || { echo "jfr-top: the JDK's jfr tool is not on PATH" >&2; exit 1; }
jfr print --stack-depth 64 --events jdk.ExecutionSample "$file" | awk -v top="$top" -v filter="$filter" '
  function report(title, counts, total,   n, k, keys, i, j, t) {
    n = 0
    for (k in counts) keys[++n] = k
    for (i = 2; i <= n; i++) { t = keys[i]; for (j = i - 1; j > 0 && counts[keys[j]] < counts[t]; j--) keys[j + 1] = keys[j]; keys[j + 1] = t }
    printf "%s\n", title
    for (i = 1; i <= n && i <= top; i++) printf "  %5d %5.1f%%  %s\n", counts[keys[i]], 100 * counts[keys[i]] / total, keys[i]
  }
  /^jdk.ExecutionSample/ { samples++; depth = 0; delete seen; next }
  /sampledThread = / { t = $0; sub(/.*sampledThread = "/, "", t); sub(/".*/, "", t); gsub(/[0-9]+$/, "#", t); threads[t]++; next }
  /stackTrace = \[/ { instack = 1; next }
  instack && /^[[:space:]]*\]/ { instack = 0; next }
  instack {
    f = $0; sub(/^[[:space:]]+/, "", f); sub(/[[:space:]]+line:.*/, "", f); sub(/\(.*/, "", f)
    if (f == "...") next
    if (depth++ == 0) self[f]++
    if (!(f in seen) && f ~ filter) { seen[f] = 1; total[f]++ }
  }
  END {
    if (samples == 0) { print "no jdk.ExecutionSample events in the recording"; exit }
    printf "%d execution samples\n", samples
    report("top frames (self)", self, samples)
    report("on the stack (total)", total, samples)
    report("threads", threads, samples)
  }'
