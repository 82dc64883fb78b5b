#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=../lib.sh
. "$PROV/lib.sh"

# nftables: only SSH, HTTPS and HTTP (redirect) on the management interface.
put_file "$PROV/files/etc/nftables.conf" /etc/nftables.conf 0755
if [ ! -e /etc/flowprobe/nftables-mgmt.nft ]; then
  put_file "$PROV/files/etc/flowprobe/nftables-mgmt.nft" /etc/flowprobe/nftables-mgmt.nft 0644
fi
enable_unit nftables.service
