#!/usr/bin/env bash
# The appliance's root file system in a folder:
#   packer/rootfs.sh RELEASE_DIR ROOT_DIR BUILD_KEY.pub
# debootstrap (minbase + the appliance's packages, .debs cached in
# $FLOWPROBE_IMAGE_CACHE) -> provisioning/provision.sh in a chroot -> cleanup.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
release="$1" root="$2" pubkey="$3"
cache="${FLOWPROBE_IMAGE_CACHE:-/var/cache/flowprobe-image}"
mirror="${FLOWPROBE_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$cache/debs"
# .debs this machine already downloaded for itself serve debootstrap too.
cp -ln /var/cache/apt/archives/*.deb "$cache/debs/" 2>/dev/null || true

umount_all() {
  local m
  for m in dev/pts dev proc sys var/cache/apt/archives; do
    mountpoint -q "$root/$m" && umount -l "$root/$m" || true
  done
}
trap umount_all EXIT

# The debootstrapped base (no flowprobe file in it) is cached as a tarball keyed
# by the package list: a rebuild on the same machine skips debootstrap.
# polkitd depends on virtual packages (default-dbus-system-bus | ...), which
# debootstrap's resolver does not follow: provisioning's apt-get installs it.
pkgs="$(cat "$repo/provisioning/packages.base" "$repo/provisioning/packages.image" | tr -s ' \n' '\n\n' \
  | grep -vx -e polkitd -e '' | tr '\n' ',' | sed 's/,$//')"
key="$(printf '%s\n%s\n' "$pkgs" "$mirror" | sha256sum | cut -c1-16)"
base="$cache/base-$key.tar"
rm -rf "$root"; mkdir -p "$root"
# A base made for another package list still serves: provisioning's first step
# installs what it lacks from Debian (the .debs cached in $cache/apt-archives).
[ -s "$base" ] || base="$(ls -t "$cache"/base-*.tar 2>/dev/null | head -1 || true)"
if [ -n "$base" ] && [ -s "$base" ]; then
  echo "rootfs: base from cache $base"
  tar -C "$root" -xpf "$base"
else
  base="$cache/base-$key.tar"
  echo "rootfs: debootstrap bookworm ($pkgs)"
  debootstrap --variant=minbase --include="$pkgs" --cache-dir="$cache/debs" bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 \
    || { tail -30 "$root.debootstrap.log" >&2; exit 1; }
  rm -f "$root"/var/cache/apt/archives/*.deb
  tar -C "$root" -cpf "$base.tmp" . && mv "$base.tmp" "$base"
fi

# Chroot provisioning, exactly the steps an admin runs on a server.
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mkdir -p "$cache/apt-archives/partial"
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod +x "$root/usr/sbin/policy-rc.d"
rm -f "$root/etc/resolv.conf"; cp -L /etc/resolv.conf "$root/etc/resolv.conf"
rm -rf "$root/tmp/fp-prov" "$root/tmp/fp-release"
cp -a "$repo/provisioning" "$root/tmp/fp-prov"
cp -a "$release" "$root/tmp/fp-release"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin FLOWPROBE_IMAGE_BUILD=1 LANG=C.UTF-8 \
  /tmp/fp-prov/provision.sh --release /tmp/fp-release

# Image-only settings.
echo flowprobe > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tflowprobe\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
cat > "$root/etc/fstab" <<'FSTAB'
# The root slot is given by GRUB (root=LABEL=flowprobe-rootA|B).
LABEL=flowprobe-data  /var/lib/flowprobe  ext4  defaults,noatime  0  2
LABEL=FP-ESP          /boot/efi           vfat  umask=0077,nofail,x-systemd.device-timeout=90s  0  2
FSTAB
mkdir -p "$root/boot/efi"
# Updates (docs/upgrades.md): rauc with the A/B slots, trusting the project's
# bundle-signing certificate only (the dev pair of packer/rauc/dev-keys.sh
# unless FLOWPROBE_BUNDLE_CERT names the release one).
cert="${FLOWPROBE_BUNDLE_CERT:-$("$repo/packer/rauc/dev-keys.sh")/dev.cert.pem}"
install -d -m 0755 "$root/etc/rauc"
install -m 0644 "$repo/packer/rauc/system.conf" "$root/etc/rauc/system.conf"
install -m 0644 "$cert" "$root/etc/rauc/keyring.pem"
# The build's SSH key lets packer check the booted image; finalize.sh removes it.
install -d -m 0700 "$root/root/.ssh"
install -m 0600 "$pubkey" "$root/root/.ssh/authorized_keys"

# Nothing per-machine in the image: host keys and machine-id come at first boot.
rm -f "$root"/etc/ssh/ssh_host_* "$root/usr/sbin/policy-rc.d"
: > "$root/etc/machine-id"; rm -f "$root/var/lib/dbus/machine-id"
ln -sfn ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"
rm -rf "$root/tmp/fp-prov" "$root/tmp/fp-release" "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old

# What a headless probe never reads, out of the image and so out of every update
# bundle (docs/upgrades.md: smaller is faster to build, boot, upload and write):
# apt's package caches (rebuilt by apt when needed), documentation except the
# copyright files, manual pages, message translations, and the kernel modules of
# hardware a rackable probe has not: sound, video capture/TV, Wi-Fi, Bluetooth,
# industrial sensors, ISDN, CAN, joysticks, touchscreens, staging drivers.
# The provisioning steps install only what is missing (dpkg-query), so a second
# run does not bring them back (provisioning/test/idempotence.sh).
rm -f "$root"/var/cache/apt/*.bin
find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*/
for kver in $(ls "$root/usr/lib/modules"); do
  k="$root/usr/lib/modules/$kver/kernel"
  rm -rf "$k/sound" "$k/drivers/media" "$k/drivers/net/wireless" "$k/net/wireless" "$k/net/mac80211" \
    "$k/net/bluetooth" "$k/drivers/bluetooth" "$k/drivers/staging" "$k/drivers/iio" "$k/drivers/isdn" \
    "$k/drivers/net/can" "$k/net/can" "$k/drivers/input/joystick" "$k/drivers/input/touchscreen"
  chroot "$root" depmod -a "$kver"
done
umount_all
echo "rootfs: $(du -sh "$root" | cut -f1)"
