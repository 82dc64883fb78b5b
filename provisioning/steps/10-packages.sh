#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=../lib.sh
. "$PROV/lib.sh"
# Debian packages of the appliance (packages.base); the kernel and initramfs
# (packages.image) only for the image: an existing server keeps its own.
# shellcheck disable=SC2046
if image_build; then ensure_packages $(cat "$PROV/packages.base" "$PROV/packages.image")
else ensure_packages $(cat "$PROV/packages.base"); fi
