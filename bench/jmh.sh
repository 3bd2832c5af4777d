#!/usr/bin/env bash
# JMH micro-benchmarks of the archive's hot paths (org.ocitransfer.bench.jmh.ArchiveBenchmarks): a region streamed
# and verified, a whole archive written, an archive's headers indexed. Usage: bench/jmh.sh [JMH options, e.g. -f 1]
# Not part of the test command.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$ROOT" && mvn -q -B -ntp -Pbench -pl bench -am package -DskipTests)
exec java -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*" org.openjdk.jmh.Main \
  'org.ocitransfer.bench.jmh.ArchiveBenchmarks' "$@"
