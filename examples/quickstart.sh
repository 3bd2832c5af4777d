#!/usr/bin/env bash
# The README's first command on a fresh machine (Java 17 + Maven; no registry, no Azure): builds the command line,
# exports a sample OCI layout (two images sharing a layer, and a two-platform index) into one archive blob in a local
# directory container, imports that blob into a second, empty layout, prints the runs, and checks that every artifact
# has the same digest on both sides. Each run uses a fresh work directory under ./work, so it can be run again.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$root/work"
work="$(mktemp -d "$root/work/quickstart.XXXXXX")"
artifacts=(samples/hello:1.0 samples/world:1.0 samples/multi:1.0)

# Every command keeps its pipelines and runs in the work directory, not in ~/.transfer.
transfer() {
  "$root/transfer" --state-dir "$work/state" "$@"
}

step() {
  printf '\n== %s\n' "$*"
}

step "Build (first use only) and version"
transfer --version

step "Sample layout: $work/source-layout"
cp -R "$root/examples/sample-layout" "$work/source-layout"
mkdir -p "$work/container"

step "Export pipeline: oci-layout:$work/source-layout -> file://$work/container"
transfer export-pipeline create --name quickexport --registry "oci-layout:$work/source-layout" \
  --storage-container-uri "file://$work/container"

step "Export run: ${artifacts[*]} -> samples.tar"
transfer pipeline-run create --name quickexportrun --pipeline quickexport --pipeline-type export \
  --storage-blob samples.tar --artifacts "${artifacts[@]}"

step "Import pipeline: file://$work/container -> oci-layout:$work/target-layout"
transfer import-pipeline create --name quickimport --registry "oci-layout:$work/target-layout" \
  --storage-container-uri "file://$work/container" --source-trigger-enabled false

step "Import run: samples.tar"
transfer pipeline-run create --name quickimportrun --pipeline quickimport --pipeline-type import \
  --storage-blob samples.tar

step "Runs"
transfer pipeline-run list

step "Digests: source layout vs target layout"
java -cp "$root/transfer-cli/target/transfer.jar" "$root/examples/LayoutDigests.java" "$work/source-layout" \
  | sort > "$work/source-digests.txt"
java -cp "$root/transfer-cli/target/transfer.jar" "$root/examples/LayoutDigests.java" "$work/target-layout" \
  | sort > "$work/target-digests.txt"
sed 's/^/  /' "$work/target-digests.txt"
for artifact in "${artifacts[@]}"; do
  grep -q "^$artifact sha256:" "$work/target-digests.txt" || { echo "error: $artifact is missing from the target layout" >&2; exit 1; }
done
if ! diff -u "$work/source-digests.txt" "$work/target-digests.txt"; then
  echo "error: the target layout's digests differ from the source's (diff above)" >&2
  exit 1
fi
printf '\nOK: %d artifacts moved through %s with identical digests.\nWork directory: %s\n' \
  "${#artifacts[@]}" "file://$work/container/samples.tar" "$work"
