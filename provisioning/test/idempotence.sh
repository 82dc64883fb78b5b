#!/usr/bin/env bash
# Provisioning idempotence: provision.sh run a second time in a chroot of the
# image's provisioned root (build/rootfs, made by `make image`) changes nothing:
# no "changed:" line, and every file's content (sha256), mode, owner and mtime
# are the same before and after.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${FLOWPROBE_BUILD_DIR:-$repo/build}"
[ -d "$build/rootfs/usr/lib/flowprobe" ] || { echo "idempotence: $build/rootfs missing: run packer/build.sh rootfs" >&2; exit 1; }
tmp="$(mktemp -d /tmp/flowprobe-idem.XXXXXX)"
root="$tmp/root"
passed=0 failed=0
cleanup() {
  local m
  for m in dev/pts dev proc; do mountpoint -q "$root/$m" && umount -l "$root/$m" || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
t0=$(date +%s)
cp -a "$build/rootfs" "$root"
rm -rf "$root/tmp/fp-prov" "$root/tmp/fp-release"
cp -a "$repo/provisioning" "$root/tmp/fp-prov"
mkdir -p "$root/tmp/fp-release"; cp -a "$build/release/." "$root/tmp/fp-release/"

manifest() {
  (cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run -o -path ./tmp \) -prune -o \
    -printf '%p %M %u %g %s %T@ %l\n' | sort)
  (cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run -o -path ./tmp \) -prune -o \
    -type f -print0 | sort -z | xargs -0 sha256sum)
}
manifest > "$tmp/before"
mount -t proc proc "$root/proc"; mount --bind /dev "$root/dev"; mount --bind /dev/pts "$root/dev/pts"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin FLOWPROBE_IMAGE_BUILD=1 LANG=C.UTF-8 \
  /tmp/fp-prov/provision.sh --release /tmp/fp-release > "$tmp/second-run.log" 2>&1 \
  && { passed=$((passed + 1)); echo "ok - provision.sh runs a second time"; } \
  || { failed=$((failed + 1)); echo "not ok - provision.sh failed the second time"; tail -20 "$tmp/second-run.log"; }
for m in dev/pts dev proc; do umount -l "$root/$m"; done
manifest > "$tmp/after"
if grep -q '^changed:' "$tmp/second-run.log"; then
  failed=$((failed + 1)); echo "not ok - the second run reported changes:"; grep '^changed:' "$tmp/second-run.log" | head -20
else
  passed=$((passed + 1)); echo "ok - the second run reported no change"
fi
if diff -q "$tmp/before" "$tmp/after" >/dev/null; then
  passed=$((passed + 1)); echo "ok - no file changed (content, mode, owner, mtime of $(grep -c . "$tmp/before") entries)"
else
  failed=$((failed + 1)); echo "not ok - files changed:"; diff "$tmp/before" "$tmp/after" | head -20
fi
echo "idempotence: $(( $(date +%s) - t0 )) s"
echo "provisioning idempotence: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
