#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=../lib.sh
. "$PROV/lib.sh"

# The release (make-release.sh) under /usr/lib/flowprobe: Node 20 runtime
# (checksum verified), dist + production node_modules, the portal's static files.
if [ -n "${RELEASE:-}" ]; then
  (cd "$RELEASE" && sha256sum --quiet -c runtime/SHA256SUMS) || { echo "30-release: runtime checksum mismatch" >&2; exit 1; }
  case "$(cat "$RELEASE/runtime/node.version")" in v20.*) ;; *) echo "30-release: runtime is not Node 20" >&2; exit 1 ;; esac
  mkdir -p /usr/lib/flowprobe
  rsync -a --delete --checksum --chown=root:root --itemize-changes "$RELEASE/" /usr/lib/flowprobe/ | sed 's/^/changed: /'
fi
put /usr/bin/flowprobe 0755 <<'SH'
#!/bin/sh
# The flowprobe command on the appliance (Node 20 shipped in /usr/lib/flowprobe/runtime).
exec /usr/lib/flowprobe/runtime/node /usr/lib/flowprobe/appliance/bin/flowprobe.js "$@"
SH
