#!/usr/bin/env bash
# Upgrade test of the built image under qemu TCG (docs/upgrades.md), one VM for
# the whole sequence:
#   N (the image) -> bad bundles refused -> N+1 through the API -> reboot into the
#   other slot, user and setting kept -> broken N+2 -> back on N+1 by itself.
# N+1 and N+2 are bundles of the image's own root with only the version (and for
# N+2 a flowprobe that exits at start) changed: packer/bundle.sh, built while N boots.
# qemu runs in its own process group and is stopped by its PID on every exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
image="${FLOWPROBE_IMAGE:-$repo/build/image/flowprobe.qcow2}"
password="upgrade-test-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
tmp="$(mktemp -d /tmp/flowprobe-upgrade.XXXXXX)"
qemu_pid="" bundles_pid=""
passed=0 failed=0
t_start=$(date +%s)
product="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$repo/controlplane/package.json" | head -1)"
v1="$product-up1" v2="$product-up2-broken"

vm_ssh() {
  ssh -n -i "$tmp/key" -p "$p22" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=10 -o BatchMode=yes -o LogLevel=ERROR root@127.0.0.1 "$@"
}
cleanup() {
  local rc=$?
  [ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
  if [ "$failed" -gt 0 ] && [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    timeout 120 bash -c "$(declare -f vm_ssh); tmp=$tmp p22=$p22; vm_ssh 'journalctl -b --no-pager; systemctl --failed --no-pager; rauc status; cat /var/lib/flowprobe/upgrade/state; grub-editenv /boot/efi/grub/grubenv list'" \
      > "$tmp/vm-journal.log" 2>&1 || true
  fi
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill -TERM -- "-$qemu_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$qemu_pid" 2>/dev/null || true
  fi
  if [ -n "$bundles_pid" ] && kill -0 "$bundles_pid" 2>/dev/null; then kill -TERM -- "-$bundles_pid" 2>/dev/null || true; fi
  rm -f "$tmp"/*.raucb
  if [ "$failed" -gt 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "upgrade-test: logs kept in $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - upgrade: $*"; }
fail() { failed=$((failed + 1)); echo "not ok - upgrade: $*"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp() { python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
load() { uptime | sed 's/.*average: //'; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const v=JSON.parse(s);const r=process.argv[1].split(".").reduce((o,k)=>o==null?o:o[k],v);console.log(r===undefined?"":typeof r==="object"?JSON.stringify(r):r)}catch{console.log("")}})' "$1"; }

[ -s "$image" ] || { echo "upgrade-test: $image missing: run make image" >&2; exit 1; }

# --- bundles N+1, N+2 (in the background, while N boots) and the bad ones -------
setsid bash -c "FLOWPROBE_BUNDLE_VERSION='$v1' '$repo/packer/bundle.sh' '$tmp/n1.raucb' && \
  FLOWPROBE_BUNDLE_VERSION='$v2' FLOWPROBE_BUNDLE_BROKEN=1 '$repo/packer/bundle.sh' '$tmp/n2.raucb'" > "$tmp/bundles.log" 2>&1 &
bundles_pid=$!
# Small bundles the appliance must refuse: signed by a key it does not trust,
# for another compatible string (signed by the trusted key), and truncated.
keys="$("$repo/packer/rauc/dev-keys.sh")"
mkdir -p "$tmp/small"
head -c 300000 /dev/urandom > "$tmp/small/payload.img"
small_bundle() { # small_bundle OUT COMPATIBLE KEY CERT
  printf '[update]\ncompatible=%s\nversion=%s-bad\n\n[bundle]\nformat=verity\n\n[image.rootfs]\nfilename=payload.img\n' "$2" "$product" > "$tmp/small/manifest.raucm"
  rauc bundle --cert "$4" --key "$3" "$tmp/small" "$1" > "$tmp/small-bundle.log" 2>&1
}
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=not the flowprobe project" \
  -keyout "$tmp/other.key" -out "$tmp/other.cert" 2>/dev/null
small_bundle "$tmp/badsig.raucb" flowprobe-x86_64 "$tmp/other.key" "$tmp/other.cert"
small_bundle "$tmp/othercompat.raucb" other-arm64 "$keys/dev.key.pem" "$keys/dev.cert.pem"
small_bundle "$tmp/small-good.raucb" flowprobe-x86_64 "$keys/dev.key.pem" "$keys/dev.cert.pem"
head -c $(( $(stat -c %s "$tmp/small-good.raucb") / 2 )) "$tmp/small-good.raucb" > "$tmp/truncated.raucb"

# --- seed and VM (as the BIOS boot test, but the VM may reboot) --------------------
mkdir -p "$tmp/seed"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/key"
echo "local-hostname: probe-upgrade" > "$tmp/seed/meta-data"
cat > "$tmp/seed/user-data" <<SEED
#cloud-config
flowprobe:
  management:
    interface: ens4
    address: 10.0.2.15/24
    gateway: 10.0.2.2
    dns: [10.0.2.3]
  ntp: [10.0.2.2]
  capture_interfaces: [ens5]
  admin_password: "$password"
ssh_authorized_keys: ["$(cat "$tmp/key.pub")"]
SEED
cloud-localds "$tmp/seed.img" "$tmp/seed/user-data" "$tmp/seed/meta-data"
qemu-img create -q -f qcow2 -b "$image" -F qcow2 "$tmp/disk.qcow2"
p443=$(free_port) p22=$(free_port) cap_vm=$(free_udp) cap_host=$(free_udp)
setsid qemu-system-x86_64 -machine pc -accel tcg -cpu max -smp 2 -m 2048 -display none \
  -drive "file=$tmp/disk.qcow2,if=virtio,format=qcow2" \
  -drive "file=$tmp/seed.img,if=virtio,format=raw,readonly=on" \
  -netdev "user,id=mgmt,hostfwd=tcp:127.0.0.1:$p443-:443,hostfwd=tcp:127.0.0.1:$p22-:22" -device virtio-net-pci,netdev=mgmt,addr=0x4 \
  -netdev "socket,id=cap,udp=127.0.0.1:$cap_host,localaddr=127.0.0.1:$cap_vm" -device virtio-net-pci,netdev=cap,addr=0x5 \
  -serial "file:$tmp/serial.log" >"$tmp/qemu.log" 2>&1 &
qemu_pid=$!
base="https://127.0.0.1:$p443"

api() { curl -ks --max-time 30 -b "$tmp/cookies" "$@"; }
version_is() { [ "$(api "$base/api/v1/system" | json version)" = "$1" ]; }
login() {
  curl -ks --max-time 30 -o /dev/null -w '%{http_code}' -c "$tmp/cookies" -H 'content-type: application/json' \
    --data "{\"username\":\"admin\",\"password\":\"$password\"}" "$base/api/v1/auth/login"
}
# wait_version VERSION SECONDS: the portal answers, the login works and /system reports VERSION.
wait_version() {
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$qemu_pid" 2>/dev/null || { echo "upgrade-test: qemu exited" >&2; return 1; }
    if [ "$(login 2>/dev/null)" = 200 ] && version_is "$1"; then return 0; fi
    sleep 5
  done
  return 1
}
upgrade_state() { api "$base/api/v1/system/upgrade" | json "$1"; }
# wait_state STATE SECONDS
wait_state() {
  local deadline=$(( $(date +%s) + $2 )) s=""
  while [ "$(date +%s)" -lt "$deadline" ]; do
    s="$(upgrade_state state)"; [ "$s" = "$1" ] && return 0
    case "$s" in install-failed) return 1 ;; esac
    sleep 5; [ "$(login 2>/dev/null)" = 200 ] || true
  done
  return 1
}
upload() { # upload FILE -> "HTTP_CODE BODY"
  curl -ks --max-time 1800 -o "$tmp/upload.json" -w '%{http_code}' -b "$tmp/cookies" \
    -H 'content-type: application/octet-stream' --data-binary "@$1" "$base/api/v1/system/upgrade"
}
slot_b_fingerprint() { vm_ssh 'head -c 16777216 /dev/disk/by-partlabel/root-b | sha256sum | cut -c1-16; grub-editenv /boot/efi/grub/grubenv list | sort | tr "\n" " "'; }

# --- N ---------------------------------------------------------------------------
t=$(date +%s)
check "N ($product) boots to the portal, admin login" wait_version "$product" 1200
echo "upgrade-test: boot N to the portal: $(( $(date +%s) - t )) s (load $(load))"
check "N runs from slot A" test "$(upgrade_state booted_slot)" = A
code=$(api -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
  --data '{"username":"upgrade-keeper","password":"kept-across-upgrades-1","role":"viewer"}' "$base/api/v1/users")
check "a user is created on N" test "$code" = 201
code=$(api -o /dev/null -w '%{http_code}' -X PUT -H 'content-type: application/json' --data '{"live_interval_ms":2500}' "$base/api/v1/settings")
check "a setting is changed on N" test "$code" = 200

# Bad bundles: refused with a reason, nothing written (slot B and grubenv unchanged).
before="$(slot_b_fingerprint)"
for bad in badsig:"signed by a key the appliance does not trust" truncated:"truncated" othercompat:"for another compatible string"; do
  name="${bad%%:*}" what="${bad#*:}"
  code="$(upload "$tmp/$name.raucb")"
  reason="$(json message < "$tmp/upload.json")"
  echo "upgrade-test: $name -> $code $reason"
  check "a bundle $what is refused (400 with a reason)" test "$code" = 400 -a -n "$reason"
done
code=$(curl -ks --max-time 30 -o /dev/null -w '%{http_code}' -H 'content-type: application/octet-stream' \
  --data-binary "@$tmp/truncated.raucb" "$base/api/v1/system/upgrade")
check "the upload needs a login (401)" test "$code" = 401
after="$(slot_b_fingerprint)"
echo "upgrade-test: slot B / grubenv before: $before; after: $after"
check "refused bundles wrote nothing (slot B, grubenv unchanged)" test -n "$before" -a "$before" = "$after"
check "the state still says no upgrade" test "$(upgrade_state state)" = none

# --- N -> N+1 ------------------------------------------------------------------------
t=$(date +%s)
wait "$bundles_pid" || { bundles_pid=""; cat "$tmp/bundles.log" >&2; fail "bundles N+1 and N+2 built"; exit 1; }
bundles_pid=""
cat "$tmp/bundles.log"
echo "upgrade-test: bundles ready $(( $(date +%s) - t_start )) s after the start (waited $(( $(date +%s) - t )) s)"
t=$(date +%s)
code="$(upload "$tmp/n1.raucb")"
echo "upgrade-test: upload of N+1 ($(du -h "$tmp/n1.raucb" | cut -f1)): $code $(cat "$tmp/upload.json") in $(( $(date +%s) - t )) s"
check "N+1 is accepted (202)" test "$code" = 202
check "N+1 is written to slot B" wait_state installed 1800
echo "upgrade-test: N+1 upload + install: $(( $(date +%s) - t )) s (load $(load))"
check "the installed slot is B, N still runs" test "$(upgrade_state slot)" = B -a "$(upgrade_state running_version)" = "$product"
check "capture kept running during the install" bash -c "curl -ks --max-time 30 -b '$tmp/cookies' '$base/api/v1/interfaces' | grep -q '\"running\":true'"
api -o /dev/null -X POST -H 'content-type: application/json' --data '{}' "$base/api/v1/system/reboot" || true
t=$(date +%s)
sleep 20
check "the VM reboots into N+1 ($v1)" wait_version "$v1" 1500
echo "upgrade-test: reboot into N+1 to the portal: $(( $(date +%s) - t )) s (load $(load))"
check "N+1 runs from slot B" test "$(upgrade_state booted_slot)" = B
check "the user is kept" bash -c "curl -ks --max-time 30 -b '$tmp/cookies' '$base/api/v1/users' | grep -q '\"upgrade-keeper\"'"
check "the setting is kept" test "$(api "$base/api/v1/settings" | json live_interval_ms)" = 2500
check "N+1 is marked good (state upgraded)" wait_state upgraded 900

# --- N+1 -> broken N+2 -> back on N+1 --------------------------------------------------
t=$(date +%s)
code="$(upload "$tmp/n2.raucb")"
check "N+2 (broken) is accepted (202)" test "$code" = 202
check "N+2 is written to slot A" wait_state installed 1800
check "the installed slot is A" test "$(upgrade_state slot)" = A
echo "upgrade-test: N+2 upload + install: $(( $(date +%s) - t )) s (load $(load))"
api -o /dev/null -X POST -H 'content-type: application/json' --data '{}' "$base/api/v1/system/reboot" || true
t=$(date +%s)
sleep 20
check "without any action the appliance comes back on N+1 ($v1)" wait_version "$v1" 2400
echo "upgrade-test: broken N+2 -> back on N+1 at the portal: $(( $(date +%s) - t )) s (load $(load))"
check "N+1 runs from slot B again" test "$(upgrade_state booted_slot)" = B
wait_state rolled-back 600 || true
api "$base/api/v1/system/upgrade" > "$tmp/state.json" || true
echo "upgrade-test: upgrade state: $(cat "$tmp/state.json")"
check "the portal reports the rolled-back upgrade and why" test "$(json state < "$tmp/state.json")" = rolled-back \
  -a "$(json version < "$tmp/state.json")" = "$v2" -a "$(json from_version < "$tmp/state.json")" = "$v1"
check "the reason says flowprobe $v2 did not start" bash -c "grep -q 'did not start' '$tmp/state.json'"
check "the user is still there" bash -c "curl -ks --max-time 30 -b '$tmp/cookies' '$base/api/v1/users' | grep -q '\"upgrade-keeper\"'"
echo "upgrade-test: done in $(( $(date +%s) - t_start )) s (load $(load))"
echo "upgrade-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
