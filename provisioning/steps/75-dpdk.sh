#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=../lib.sh
. "$PROV/lib.sh"

# Hugepages and capture-NIC binding at boot by Debian's dpdk.service
# (/etc/dpdk/dpdk.conf, /etc/dpdk/interfaces written by flowprobe-setup).
put_file "$PROV/files/etc/dpdk/dpdk.conf" /etc/dpdk/dpdk.conf 0644
[ -e /etc/dpdk/interfaces ] || put_file "$PROV/files/etc/dpdk/interfaces" /etc/dpdk/interfaces 0644
put_file "$PROV/files/etc/modules-load.d/flowprobe-dpdk.conf" /etc/modules-load.d/flowprobe-dpdk.conf 0644
put_file "$PROV/files/etc/modprobe.d/flowprobe-vfio.conf" /etc/modprobe.d/flowprobe-vfio.conf 0644
put_file "$PROV/files/etc/modprobe.d/flowprobe-blacklist.conf" /etc/modprobe.d/flowprobe-blacklist.conf 0644
enable_unit dpdk.service
