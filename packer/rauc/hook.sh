#!/bin/sh
# The bundle's slot hook (rauc, slot-post-install): runs after the new root
# file system was written to the inactive slot, with that slot mounted.
#  - carries the appliance's own files (made by first boot and setup) from the
#    running slot to the new one: boot config, setup, SSH host keys, Redis
#    password, management network, capture ports, NTP, root's SSH keys;
#  - labels the file system for its slot (flowprobe-rootA/B: GRUB and the
#    kernel find the root by it) and grows it to the partition.
# The data partition (/var/lib/flowprobe) is not touched: both slots mount it.
set -eu
[ "${1:-}" = slot-post-install ] || exit 0
[ "${RAUC_SLOT_CLASS:-}" = rootfs ] || exit 0
new="${RAUC_SLOT_MOUNT_POINT:?}"
for f in /etc/flowprobe /etc/ssh/ssh_host_* /etc/redis/flowprobe-auth.conf /etc/hostname /etc/hosts \
         /etc/machine-id /etc/default/flowprobe /etc/default/flowprobe-boot-ok /etc/systemd/network/10-flowprobe-mgmt.network \
         /etc/systemd/network/05-flowprobe-capture-* /etc/dpdk/interfaces \
         /etc/chrony/sources.d/flowprobe.sources /root/.ssh/authorized_keys; do
  [ -e "$f" ] || continue
  rm -rf "${new:?}$f"
  cp -a --parents "$f" "$new"
done
e2label "$RAUC_SLOT_DEVICE" "flowprobe-root$RAUC_SLOT_BOOTNAME"
resize2fs "$RAUC_SLOT_DEVICE" >/dev/null 2>&1 || echo "hook: could not grow the file system of $RAUC_SLOT_DEVICE" >&2
echo "hook: slot $RAUC_SLOT_BOOTNAME ($RAUC_SLOT_DEVICE) carries the appliance's configuration"
