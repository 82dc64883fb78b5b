#!/usr/bin/env bash
# Assemble the flowprobe release from a built checkout (`make build` first):
#   provisioning/make-release.sh OUT_DIR
# OUT_DIR gets the layout installed at /usr/lib/flowprobe:
#   package.json, node_modules/ (production dependencies only),
#   dataplane/ controlplane/ appliance/ (package.json + dist, the C shims),
#   portal/ (the built Angular static files), runtime/node (the build host's
#   Node 20 binary) and SHA256SUMS for the runtime.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: make-release.sh OUT_DIR}"
node_bin="${FLOWPROBE_NODE:-$(command -v node)}"

node_version="$("$node_bin" --version)"
case "$node_version" in
  v20.*) ;;
  *) echo "make-release: Node 20 required for the runtime, $node_bin is $node_version" >&2; exit 1 ;;
esac
for f in appliance/dist/cli.js controlplane/dist/index.js dataplane/dist/dataplane.js \
         dataplane/native/build/libflowprobe_dpdk.so dataplane/native/build/libflowprobe_ndpi.so \
         portal/dist/portal/browser/index.html; do
  [ -e "$repo/$f" ] || { echo "make-release: $f missing: run make build first" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$out/runtime" "$out/dataplane/native" "$out/controlplane" "$out/appliance" "$out/portal"
cp -a "$repo/dataplane/package.json" "$repo/dataplane/dist" "$out/dataplane/"
mkdir -p "$out/dataplane/native/build"
cp -a "$repo"/dataplane/native/build/*.so "$out/dataplane/native/build/"
cp -a "$repo/controlplane/package.json" "$repo/controlplane/dist" "$out/controlplane/"
cp -a "$repo/appliance/package.json" "$repo/appliance/dist" "$repo/appliance/bin" "$out/appliance/"
cp -a "$repo/portal/dist/portal/browser/." "$out/portal/"
# Only the runtime workspaces: the portal's packages are build tools.
node -e '
  const p = require(process.argv[1]);
  p.workspaces = ["dataplane", "controlplane", "appliance"];
  delete p.devDependencies;
  require("fs").writeFileSync(process.argv[2], JSON.stringify(p, null, 2) + "\n");
' "$repo/package.json" "$out/package.json"
cp "$repo/package-lock.json" "$out/package-lock.json"
(cd "$out" && npm install --omit=dev --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
rm -f "$out/package-lock.json"
# Native addons: npm ran no install scripts (no compiler on the appliance, none
# needed): sqlite3's binding is the one `make build` compiled for this Node.
mkdir -p "$out/node_modules/sqlite3/build/Release"
cp "$repo/node_modules/sqlite3/build/Release/node_sqlite3.node" "$out/node_modules/sqlite3/build/Release/"
# Every native module loads with the shipped runtime (a missing binding fails here, not on the appliance).
(cd "$out" && "$node_bin" -e '
  // [module, the folder that loads it]; express: @nestjs/serve-static loads it at start-up.
  for (const [m, dir] of [["sqlite3", "controlplane"], ["@duckdb/node-api", "controlplane"], ["koffi", "dataplane"],
                          ["express", "node_modules/@nestjs/serve-static"]]) {
    try { require(require.resolve(m, { paths: [`${process.cwd()}/${dir}`] })); }
    catch (err) { console.error(`make-release: ${m} does not load: ${err.message}`); process.exit(1); }
  }')
# Test fixtures and type maps are not needed at run time.
find "$out" -name '*.d.ts' -delete -o -name '*.map' -delete -o -name '*.spec.js' -delete

install -m 0755 "$node_bin" "$out/runtime/node"
echo "$node_version" > "$out/runtime/node.version"
(cd "$out" && sha256sum runtime/node > runtime/SHA256SUMS)
echo "make-release: $out ($(du -sh "$out" | cut -f1), node $node_version)"
