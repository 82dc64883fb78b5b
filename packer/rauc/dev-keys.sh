#!/usr/bin/env bash
# The development signing key and certificate of update bundles, made once per
# machine OUTSIDE the repository (never committed, never in the image):
#   packer/rauc/dev-keys.sh   -> $FLOWPROBE_KEYS_DIR/{dev.key.pem,dev.cert.pem}
# The image trusts that certificate only (/etc/rauc/keyring.pem). A release
# build points FLOWPROBE_KEYS_DIR at the project's real key instead.
set -euo pipefail
dir="${FLOWPROBE_KEYS_DIR:-/var/lib/flowprobe-dev-keys}"
if [ -s "$dir/dev.key.pem" ] && [ -s "$dir/dev.cert.pem" ]; then echo "$dir"; exit 0; fi
install -d -m 0700 "$dir"
( umask 077
  openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 3650 \
    -subj "/O=flowprobe development/CN=flowprobe dev bundle signing $(hostname)" \
    -keyout "$dir/dev.key.pem.tmp" -out "$dir/dev.cert.pem.tmp" 2>/dev/null )
chmod 0644 "$dir/dev.cert.pem.tmp"
mv "$dir/dev.key.pem.tmp" "$dir/dev.key.pem"; mv "$dir/dev.cert.pem.tmp" "$dir/dev.cert.pem"
echo "dev-keys: made $dir/dev.key.pem and dev.cert.pem" >&2
echo "$dir"
