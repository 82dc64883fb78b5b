#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=../lib.sh
. "$PROV/lib.sh"

# systemd units: flowprobe, its health check, first boot, seed, console setup, disk guard.
for u in "$PROV"/files/systemd/*; do
  put_file "$u" "/etc/systemd/system/$(basename "$u")" 0644
done
if ! image_build; then systemctl daemon-reload; fi
enable_unit flowprobe.service flowprobe-health.timer flowprobe-firstboot.service flowprobe-seed.service   flowprobe-disk-guard.timer flowprobe-boot-ok.service flowprobe-upgrade.path flowprobe-issue.path flowprobe-setup@tty1.service flowprobe-setup@ttyS0.service redis-server.service   chrony.service ssh.service
