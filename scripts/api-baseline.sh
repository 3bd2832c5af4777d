#!/usr/bin/env bash
# Rebuilds the public API baselines, api-baseline/<artifactId>.jar, from the current tree: the jars japicmp compares
# each published module's build with (see the parent POM and README "Public API"). Run it when a breaking change of
# the public API has been decided on (or after merging branches that changed the API), then commit the jars with the
# change, so that the break is a visible decision in review. Builds with Maven inside the reactor (package, no tests);
# installs nothing. Usage: scripts/api-baseline.sh [extra mvn args, e.g. -o]
set -euo pipefail
cd "$(dirname "$0")/.."

modules=(transfer-api transfer-core transfer-azure transfer-testkit)
mvn -B -ntp -q package -pl "$(IFS=,; echo "${modules[*]}")" -am -DskipTests -Djapicmp.skip=true \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true "$@"
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)"
mkdir -p api-baseline
for m in "${modules[@]}"; do
  cp "$m/target/$m-$version.jar" "api-baseline/$m.jar"
  echo "api-baseline/$m.jar <- $m/target/$m-$version.jar"
done
