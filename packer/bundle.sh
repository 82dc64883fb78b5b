#!/usr/bin/env bash
# `make bundle`: the built image's root file system as a signed rauc update bundle.
#   packer/bundle.sh [OUT.raucb]     default build/image/flowprobe-VERSION.raucb
# Input: build/image/flowprobe.raw (make image): its root slot A, i.e. exactly
# what the image boots. The ext4 file system is copied out (no mount) and packed with packer/rauc/hook.sh into a verity bundle signed with the key
# of packer/rauc/dev-keys.sh (outside the repository). docs/upgrades.md.
# Environment:
#   FLOWPROBE_BUNDLE_VERSION     bundle version, also written as the product version
#                                inside the bundle's root (default: the product version)
#   FLOWPROBE_BUNDLE_COMPATIBLE  default flowprobe-x86_64 (the image's /etc/rauc/system.conf)
#   FLOWPROBE_BUNDLE_KEY/_CERT   signing key and certificate (default: the dev pair)
#   FLOWPROBE_BUNDLE_BROKEN=1    tests only: a flowprobe that cannot start (exits at once)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${FLOWPROBE_BUILD_DIR:-$repo/build}"
raw="${FLOWPROBE_IMAGE_RAW:-$build/image/flowprobe.raw}"
product="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$repo/controlplane/package.json" | head -1)"
version="${FLOWPROBE_BUNDLE_VERSION:-$product}"
compatible="${FLOWPROBE_BUNDLE_COMPATIBLE:-flowprobe-x86_64}"
keys="$("$repo/packer/rauc/dev-keys.sh")"
key="${FLOWPROBE_BUNDLE_KEY:-$keys/dev.key.pem}" cert="${FLOWPROBE_BUNDLE_CERT:-$keys/dev.cert.pem}"
out="${1:-$build/image/flowprobe-$version.raucb}"
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+~-]{0,63}$ ]] || { echo "bundle: bad version '$version'" >&2; exit 1; }
[ -s "$raw" ] || { echo "bundle: $raw missing: run make image" >&2; exit 1; }
t0=$(date +%s)
work="$(mktemp -d "$build/bundle.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir "$work/content"

# Root slot A (GPT name root-a) of the image, copied out sparse.
read -r start size < <(sfdisk -d "$raw" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\),.*name="root-a".*/\1 \2/p')
[ -n "${size:-}" ] || { echo "bundle: no root-a partition in $raw" >&2; exit 1; }
img="$work/content/rootfs.ext4"
dd if="$raw" of="$img" bs=1M iflag=skip_bytes,count_bytes skip=$((start * 512)) count=$((size * 512)) conv=sparse status=none
e2fsck -fy "$img" >/dev/null 2>&1 || [ $? -le 1 ] || { echo "bundle: e2fsck found errors in the root slot" >&2; exit 1; }

# The version the bundle's flowprobe reports (the API, the portal, /metrics).
debugfs -R "cat /usr/lib/flowprobe/controlplane/package.json" "$img" 2>/dev/null > "$work/package.json"
grep -q '"version"' "$work/package.json" || { echo "bundle: no flowprobe release in the root slot" >&2; exit 1; }
sed -i "0,/\"version\": \"[^\"]*\"/s//\"version\": \"$version\"/" "$work/package.json"
chmod 0644 "$work/package.json"
{ echo "rm /usr/lib/flowprobe/controlplane/package.json"
  echo "write $work/package.json /usr/lib/flowprobe/controlplane/package.json"
  echo "sif /usr/lib/flowprobe/controlplane/package.json uid 0"
  echo "sif /usr/lib/flowprobe/controlplane/package.json gid 0"
  if [ "${FLOWPROBE_BUNDLE_BROKEN:-0}" = 1 ]; then
    printf '#!/usr/bin/env node\nconsole.error("flowprobe: deliberately broken build (FLOWPROBE_BUNDLE_BROKEN)");\nprocess.exit(1);\n' > "$work/broken.js"
    chmod 0755 "$work/broken.js"
    echo "rm /usr/lib/flowprobe/appliance/bin/flowprobe.js"
    echo "write $work/broken.js /usr/lib/flowprobe/appliance/bin/flowprobe.js"
    echo "sif /usr/lib/flowprobe/appliance/bin/flowprobe.js uid 0"
    echo "sif /usr/lib/flowprobe/appliance/bin/flowprobe.js gid 0"
  fi
} > "$work/debugfs.cmd"
debugfs -w -f "$work/debugfs.cmd" "$img" >/dev/null 2>"$work/debugfs.err" || { cat "$work/debugfs.err" >&2; exit 1; }
! grep -qiE "error|not found|could not" "$work/debugfs.err" || { cat "$work/debugfs.err" >&2; exit 1; }
e2fsck -fy "$img" >/dev/null 2>&1 || [ $? -le 1 ] || { echo "bundle: e2fsck after the edit failed" >&2; exit 1; }
# The smallest file system that holds the root: rauc writes the whole image to the
# slot, so the free space of the 1.5 GiB slot would be written too (as zeros). The
# hook grows the file system to its partition once written (hook.sh).
resize2fs -M "$img" >/dev/null 2>"$work/resize.err" || { cat "$work/resize.err" >&2; exit 1; }
e2fsck -fy "$img" >/dev/null 2>&1 || [ $? -le 1 ] || { echo "bundle: e2fsck after shrinking failed" >&2; exit 1; }
truncate -s "$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Block count/{c=$2} /^Block size/{b=$2} END{print c*b}')" "$img"

install -m 0755 "$repo/packer/rauc/hook.sh" "$work/content/hook.sh"
cat > "$work/content/manifest.raucm" <<MANIFEST
[update]
compatible=$compatible
version=$version
description=flowprobe $version
build=$(date -u +%Y%m%dT%H%M%SZ)

[bundle]
format=verity

[hooks]
filename=hook.sh

[image.rootfs]
filename=rootfs.ext4
hooks=post-install
MANIFEST
mkdir -p "$(dirname "$out")"
rm -f "$out"
# zstd level 3: about the size of mksquashfs' default gzip -9 (378 vs 356 MiB) for a
# tenth of the CPU here, and fast to unpack on the appliance while it installs.
rauc bundle --cert "$cert" --key "$key" --mksquashfs-args="-comp zstd -Xcompression-level 3" \
  "$work/content" "$out" >"$work/rauc.log" 2>&1 || { cat "$work/rauc.log" >&2; exit 1; }
echo "bundle: $out (version $version, $compatible, $(du -h --apparent-size "$out" | cut -f1), $(( $(date +%s) - t0 )) s, load $(uptime | sed 's/.*average: //'))"
