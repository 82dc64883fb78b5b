#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=../lib.sh
. "$PROV/lib.sh"

# journald limits, log rotation, SSH, chrony, the disk guard, kernel settings.
put_file "$PROV/files/etc/systemd/journald.conf" /etc/systemd/journald.conf.d/flowprobe.conf 0644
put_file "$PROV/files/etc/logrotate.d/flowprobe" /etc/logrotate.d/flowprobe 0644
put_file "$PROV/files/etc/ssh/sshd_config.d/flowprobe.conf" /etc/ssh/sshd_config.d/flowprobe.conf 0644
put_file "$PROV/files/etc/sysctl.d/60-flowprobe.conf" /etc/sysctl.d/60-flowprobe.conf 0644
put_file "$PROV/files/etc/issue" /etc/issue 0644
ensure_dir /etc/chrony/sources.d 0755 root:root
# Reboot and shutdown from the portal: systemctl as flowprobe, allowed by polkit.
put_file "$PROV/files/etc/polkit-1/rules.d/50-flowprobe-power.rules" /etc/polkit-1/rules.d/50-flowprobe-power.rules 0644
