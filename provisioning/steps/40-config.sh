#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=../lib.sh
. "$PROV/lib.sh"

# /etc/flowprobe (boot config: installed once, then owned by the admin and
# flowprobe-setup) and the OS helpers in /usr/libexec/flowprobe.
ensure_dir /etc/flowprobe 0750 root:flowprobe
if [ ! -e /etc/flowprobe/flowprobe.yaml ]; then
  put_file "$PROV/files/etc/flowprobe/flowprobe.yaml" /etc/flowprobe/flowprobe.yaml 0640 root:flowprobe
else
  ensure_attrs /etc/flowprobe/flowprobe.yaml 640 root:flowprobe
fi
for f in "$PROV"/files/libexec/*; do
  put_file "$f" "/usr/libexec/flowprobe/$(basename "$f")" 0755 root:root
done
put_file "$PROV/files/sbin/flowprobe-setup" /usr/sbin/flowprobe-setup 0755 root:root
put_file "$PROV/files/sbin/flowprobe-upgrade" /usr/sbin/flowprobe-upgrade 0755 root:root
# The data partition is mounted here on the image; a plain folder elsewhere.
ensure_dir /var/lib/flowprobe 0750 flowprobe:flowprobe
# An empty capture (pcap header only): the source until setup names capture ports.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' \
  | put /usr/share/flowprobe/empty.pcap 0644
