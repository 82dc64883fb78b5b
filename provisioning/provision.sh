#!/usr/bin/env bash
# Turn a Debian 12 system into the flowprobe appliance.
#
#   provisioning/provision.sh --release DIR     # DIR from provisioning/make-release.sh
#
# Runs steps/NN-*.sh in order. Every step is idempotent: a second run changes
# nothing and prints no "changed:" line. The image build (packer/) runs the same
# steps in a chroot with FLOWPROBE_IMAGE_BUILD=1 (no service is started there;
# the first boot generates the per-appliance secrets).
set -euo pipefail
PROV="$(cd "$(dirname "$0")" && pwd)"
RELEASE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --release) RELEASE="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "provision.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$RELEASE" ] && [ ! -x /usr/lib/flowprobe/runtime/node ]; then
  echo "provision.sh: --release DIR is needed on the first run" >&2; exit 2
fi
[ "$(id -u)" = 0 ] || { echo "provision.sh: run as root" >&2; exit 2; }
export PROV RELEASE
for step in "$PROV"/steps/[0-9][0-9]-*.sh; do
  echo "== $(basename "$step")"
  bash "$step"
done
echo "provision.sh: done"
