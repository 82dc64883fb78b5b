#!/usr/bin/env bash
# Runs inside the image booted by packer: checks that the appliance came up,
# then removes everything the check boot made, so the image's first boot on an
# appliance is its real first boot.
set -euo pipefail
echo "finalize: waiting for boot"
timeout 180 systemctl is-system-running --wait >/dev/null 2>&1 || true  # "starting" while the setup dialog waits on the console
for u in redis-server ssh nftables systemd-networkd dpdk flowprobe; do
  printf 'finalize: %-18s %s\n' "$u" "$(systemctl is-active "$u" || true)"
done
/usr/bin/flowprobe --version || /usr/bin/flowprobe --help | head -3
/usr/lib/flowprobe/runtime/node --version
systemctl is-active --quiet redis-server
findmnt /var/lib/flowprobe >/dev/null

# Back to the image's first-boot state.
systemctl stop flowprobe.service redis-server.service
find /var/lib/flowprobe -mindepth 1 -delete
rm -f /etc/ssh/ssh_host_* /etc/redis/flowprobe-auth.conf /root/.ssh/authorized_keys /etc/flowprobe/setup.conf /etc/flowprobe/setup-done
sed -i 's#^\(  url: \)redis://.*#\1redis://127.0.0.1:6379#' /etc/flowprobe/flowprobe.yaml
rm -rf /var/lib/redis/* /var/log/journal/* /var/lib/systemd/random-seed /var/lib/chrony/* /var/lib/systemd/timers/*
: > /etc/machine-id
sync
echo "finalize: image cleaned"
