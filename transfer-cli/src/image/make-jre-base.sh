#!/usr/bin/env bash
# Builds a JRE 17 base image for the CLI's container image (mvn -Pimage) where no registry with JRE images is
# reachable and no Docker engine runs: the host JDK's jlink makes a headless runtime, the shared libraries it loads
# (found with ldd) are copied beside it, and buildah (vfs storage of its own, no daemon) commits that as one layer and
# writes it as a docker-archive tarball, which jib reads with -Djib.from.image=tar://<that file>.
# The image's layout follows eclipse-temurin:17-jre (JAVA_HOME=/opt/java/openjdk, java on the PATH), the base a
# release uses instead. Nothing is installed on the host; the tarball is the only output.
# Usage: make-jre-base.sh OUT.tar
set -euo pipefail

out="${1:?usage: make-jre-base.sh OUT.tar}"
for tool in jlink ldd buildah; do
  command -v "$tool" >/dev/null || { echo "error: make-jre-base.sh needs '$tool' (jlink: openjdk-17-jdk-headless; buildah: apt-get install -y buildah)" >&2; exit 1; }
done

work="$(mktemp -d)"
buildah() { command buildah --root "$work/storage" --runroot "$work/run" --storage-driver vfs "$@"; }
cleanup() { buildah rm --all >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

rootfs="$work/rootfs"
java_home=/opt/java/openjdk
# The modules the CLI's dependencies use (jdeps --print-module-deps on transfer.jar) plus TLS's EC ciphers, XML, zip
# file systems and the logging API; no X11/sound libraries, as in Debian's openjdk-17-jre-headless.
modules=java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.unsupported,jdk.zipfs
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --exclude-files='**/libawt_xawt.so,**/libjawt.so,**/libjsound.so,**/libsplashscreen.so' --output "$rootfs$java_home"

# Every shared library the runtime's executables and libraries link to (libjvm.so itself is in lib/server), with the
# dynamic loader; symbolic links are followed, so each lands as a file at the path the loader looks up.
libs="$(
  for f in "$rootfs$java_home"/bin/* "$rootfs$java_home"/lib/*.so "$rootfs$java_home"/lib/server/*.so \
           "$rootfs$java_home"/lib/jspawnhelper; do
    LD_LIBRARY_PATH="$rootfs$java_home/lib/server:$rootfs$java_home/lib" ldd "$f"
  done | awk '/not found/ { print "MISSING " $1; next } $2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' \
       | grep -v "^$rootfs" | sort -u
)"
if grep -q '^MISSING' <<<"$libs"; then
  echo "error: libraries the runtime needs are missing on this host: $(grep '^MISSING' <<<"$libs" | tr '\n' ' ')" >&2
  exit 1
fi
for lib in $libs; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done

# What the JVM and the CLI expect of a Linux system: users (user.home), name resolution order, a writable /tmp.
mkdir -p "$rootfs/etc" "$rootfs/root" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

container="$(buildah from scratch)"
buildah copy --quiet "$container" "$rootfs" / >/dev/null
buildah config --env JAVA_HOME="$java_home" --env PATH="$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --env LANG=C.UTF-8 --os linux --arch amd64 \
  --label org.opencontainers.image.description="JRE $(java -version 2>&1 | awk -F'"' '/version/ { print $2; exit }') (jlink, headless) for the transfer CLI image" \
  "$container"
buildah commit --quiet --format docker "$container" transfer-jre-base >/dev/null
mkdir -p "$(dirname "$out")"
# Written beside and then moved, so an interrupted run never leaves a half tarball under the name callers cache.
rm -f "$out.partial"
buildah push --quiet transfer-jre-base "docker-archive:$out.partial:transfer-jre-base:17" >/dev/null
mv -f "$out.partial" "$out"
echo "JRE base image: $out ($(du -h "$out" | cut -f1))"
