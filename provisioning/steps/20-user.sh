#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=../lib.sh
. "$PROV/lib.sh"

# The flowprobe system user: owns /var/lib/flowprobe, runs flowprobe.service.
if ! getent group flowprobe >/dev/null; then groupadd --system flowprobe; echo "changed: group flowprobe"; fi
if ! getent passwd flowprobe >/dev/null; then
  useradd --system --gid flowprobe --home-dir /var/lib/flowprobe --no-create-home --shell /usr/sbin/nologin flowprobe
  echo "changed: user flowprobe"
fi
