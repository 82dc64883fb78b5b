#!/usr/bin/env bash
# Runs inside the image booted by packer: checks that the appliance came up,
# then removes everything the check boot made, so the image's first boot on an
# appliance is its real first boot.
set -euo pipefail
echo "finalize: waiting for boot"
# (The system stays "starting" while the setup dialog waits on the console:
# wait for the units themselves.)
for _ in $(seq 1 90); do
  systemctl list-jobs --no-legend | grep -Eq 'flowprobe-firstboot|redis-server|nftables|systemd-networkd|dpdk|boot-efi' || break
  sleep 2
done
bad=0
for u in flowprobe-firstboot redis-server ssh nftables systemd-networkd dpdk; do
  state="$(systemctl is-active "$u" || true)"
  printf 'finalize: %-20s %s\n' "$u" "$state"
  [ "$state" = active ] || { bad=1; journalctl -b -u "$u" --no-pager | tail -15; }
done
# flowprobe itself takes minutes to start under TCG: reported, not awaited.
printf 'finalize: %-20s %s\n' flowprobe "$(systemctl is-active flowprobe || true)"
/usr/lib/flowprobe/runtime/node --version
findmnt /var/lib/flowprobe || bad=1
findmnt /boot/efi || bad=1
[ "$bad" = 0 ] || { echo "finalize: the appliance did not come up" >&2; exit 1; }

# Back to the image's first-boot state.
systemctl stop flowprobe-health.timer flowprobe-health.service flowprobe.service redis-server.service
find /var/lib/flowprobe -mindepth 1 -delete
rm -f /etc/ssh/ssh_host_* /etc/redis/flowprobe-auth.conf /root/.ssh/authorized_keys /etc/flowprobe/setup.conf /etc/flowprobe/setup-done
sed -i 's#^\(  url: \)redis://.*#\1redis://127.0.0.1:6379#' /etc/flowprobe/flowprobe.yaml
chown root:flowprobe /etc/flowprobe/flowprobe.yaml; chmod 0640 /etc/flowprobe/flowprobe.yaml
rm -rf /var/lib/redis/* /var/log/journal/* /var/lib/systemd/random-seed /var/lib/chrony/* /var/lib/systemd/timers/*
: > /etc/machine-id
# This check boot tried slot A (A_TRY=1): the image starts from rauc's initial boot order.
grub-editenv /boot/efi/grub/grubenv set ORDER="A B" A_OK=1 A_TRY=0 B_OK=0 B_TRY=0
sync
echo "finalize: image cleaned"
