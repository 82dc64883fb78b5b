#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=../lib.sh
. "$PROV/lib.sh"

# Management network by systemd-networkd (DHCP until flowprobe-setup writes
# 10-flowprobe-mgmt.network), names by systemd-resolved.
put_file "$PROV/files/etc/systemd/network/90-flowprobe-default.network" /etc/systemd/network/90-flowprobe-default.network 0644
put_file "$PROV/files/etc/systemd/wait-online.conf" /etc/systemd/system/systemd-networkd-wait-online.service.d/flowprobe.conf 0644
put_file "$PROV/files/etc/systemd/resolved.conf.d/flowprobe.conf" /etc/systemd/resolved.conf.d/flowprobe.conf 0644
enable_unit systemd-networkd.service systemd-resolved.service
if image_build; then ensure_link ../run/systemd/resolve/stub-resolv.conf /etc/resolv.conf; fi
