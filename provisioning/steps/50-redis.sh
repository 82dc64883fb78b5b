#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=../lib.sh
. "$PROV/lib.sh"

# Redis: loopback and a unix socket only, with a password generated on the
# appliance (flowprobe-firstboot), never baked into the image.
put_file "$PROV/files/etc/redis/flowprobe.conf" /etc/redis/flowprobe.conf 0640 redis:redis
if ! grep -qx 'include /etc/redis/flowprobe.conf' /etc/redis/redis.conf; then
  echo 'include /etc/redis/flowprobe.conf' >> /etc/redis/redis.conf; echo "changed: /etc/redis/redis.conf"
fi
# On a running server the secrets are made now; the image makes them at first boot.
image_build || /usr/libexec/flowprobe/firstboot
