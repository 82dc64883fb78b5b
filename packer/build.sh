#!/usr/bin/env bash
# `make image`: the appliance disk image from this checkout (after `make build`).
#   packer/build.sh           the image (build/image/)
#   packer/build.sh rootfs    only the provisioned root folder (build/rootfs/)
#   release (provisioning/make-release.sh) -> root folder (rootfs.sh: debootstrap +
#   chroot provisioning) -> raw disk (disk.sh) -> packer qemu builder boots it
#   under TCG, checks and cleans it (scripts/finalize.sh) -> qcow2 + raw + SHA256SUMS.
# Output: build/image/ (git-ignored). Rebuilds only when an input changed: the
# release's content, provisioning/ or packer/.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${FLOWPROBE_BUILD_DIR:-$repo/build}"
out="$build/image"
mkdir -p "$build"
t0=$(date +%s)

# FLOWPROBE_RELEASE_DIR: an already assembled release (make-release.sh) instead of this checkout's.
if [ -n "${FLOWPROBE_RELEASE_DIR:-}" ]; then cp -a "$FLOWPROBE_RELEASE_DIR" "$build/release.new"
else "$repo/provisioning/make-release.sh" "$build/release.new" >/dev/null; fi
# Keep the release folder's mtimes when nothing changed (content hash below): without
# --no-times rsync would give every unchanged file and folder the fresh assembly's
# mtimes, and the root provisioned from the previous assembly would no longer match
# it (the idempotence test, run after a second `make image` that found the image up to date).
mkdir -p "$build/release"
rsync -a --no-times --delete --checksum "$build/release.new/" "$build/release/"; rm -rf "$build/release.new"

# `packer/build.sh rootfs`: only the provisioned root folder (build/rootfs), for
# the provisioning idempotence test.
if [ "${1:-}" = rootfs ]; then
  [ -s "$build/build-key" ] || ssh-keygen -q -t ed25519 -N '' -f "$build/build-key" >/dev/null
  "$repo/packer/rootfs.sh" "$build/release" "$build/rootfs" "$build/build-key.pub"
  exit 0
fi

# The tests of the image (packer/test, provisioning/test) are not inputs of it.
inputs="$( (cd "$repo" && find provisioning packer \( -path packer/test -o -path provisioning/test \) -prune -o -type f -print0 | sort -z | xargs -0 sha256sum;
           cd "$build" && find release -type f -print0 | sort -z | xargs -0 sha256sum;
           sha256sum "${FLOWPROBE_BUNDLE_CERT:-$("$repo/packer/rauc/dev-keys.sh")/dev.cert.pem}") | sha256sum | cut -c1-64)"
if [ -s "$out/SHA256SUMS" ] && [ "$(cat "$out/inputs.sha256" 2>/dev/null)" = "$inputs" ] && [ -d "$build/rootfs" ] \
   && (cd "$out" && sha256sum --quiet -c SHA256SUMS); then
  echo "image: up to date ($out)"; exit 0
fi

rm -rf "$out" "$build/packer-out" "$build/rootfs"
ssh-keygen -q -t ed25519 -N '' -f "$build/build-key" <<<y >/dev/null 2>&1 || true
t1=$(date +%s)
"$repo/packer/rootfs.sh" "$build/release" "$build/rootfs" "$build/build-key.pub"
t2=$(date +%s)
"$repo/packer/disk.sh" "$build/rootfs" "$build/disk.raw"
t3=$(date +%s)
export PACKER_LOG=0 CHECKPOINT_DISABLE=1 PACKER_CACHE_DIR="$build/packer-cache"
packer build -color=false \
  -var "disk=$build/disk.raw" -var "output=$build/packer-out" -var "ssh_key=$build/build-key" \
  "$repo/packer/flowprobe.json" > "$build/packer.log" 2>&1 || { tail -40 "$build/packer.log" >&2; exit 1; }
t4=$(date +%s)
mkdir -p "$out"
mv "$build/packer-out/flowprobe.qcow2" "$out/flowprobe.qcow2"
qemu-img convert -O raw "$out/flowprobe.qcow2" "$out/flowprobe.raw"
(cd "$out" && sha256sum flowprobe.qcow2 flowprobe.raw > SHA256SUMS)
echo "$inputs" > "$out/inputs.sha256"
rm -rf "$build/packer-out" "$build/disk.raw" "$build/packer-cache"
t5=$(date +%s)
{
  echo "release: $((t1 - t0)) s"
  echo "rootfs (debootstrap + provisioning): $((t2 - t1)) s"
  echo "disk (partitions, file systems, GRUB): $((t3 - t2)) s"
  echo "packer (boot under TCG, check, clean): $((t4 - t3)) s"
  echo "outputs (raw, checksums): $((t5 - t4)) s"
  echo "total: $((t5 - t0)) s"
  echo "qcow2: $(du -h --apparent-size "$out/flowprobe.qcow2" | cut -f1) ($(du -h "$out/flowprobe.qcow2" | cut -f1) on disk); raw: $(du -h --apparent-size "$out/flowprobe.raw" | cut -f1) ($(du -h "$out/flowprobe.raw" | cut -f1) allocated)"
  echo "load: $(uptime | sed 's/.*load average: //')"
} | tee "$out/build-times.txt"
