#!/usr/bin/env bash
# Upgrade test of the built image under qemu TCG (docs/upgrades.md), one VM for
# the whole sequence:
#   N (the image; the BIOS boot test's checks run on it) -> bad bundles refused -> N+1 through the API -> reboot into the
#   other slot, user and setting kept -> broken N+2 (from the console) -> back on
#   N+1 by itself.
# N+1 and N+2 are bundles of the image's own root with only the version (and for
# N+2 a flowprobe that exits at start) changed: packer/bundle.sh, built while N boots.
# Every step asserts the VM's own state: rauc's view of the slots and GRUB's
# environment over SSH, the booted slot (kernel command line, root file system),
# the API's version and upgrade state, logins, the setting.
# qemu runs in its own process group and is stopped by its PID on every exit.
# 3 GiB for the VM: a slot write goes through the page cache (1.3 GiB image).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
image="${FLOWPROBE_IMAGE:-$repo/build/image/flowprobe.qcow2}"
password="upgrade-test-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
tmp="$(mktemp -d /tmp/flowprobe-upgrade.XXXXXX)"
qemu_pid="" bundles_pid="" p22=""
passed=0 failed=0
t_start=$(date +%s)
product="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$repo/controlplane/package.json" | head -1)"
v1="$product-up1" v2="$product-up2-broken"
keeper_password="kept-across-upgrades-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"

vm_ssh() {
  ssh -n -i "$tmp/key" -p "$p22" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=10 -o BatchMode=yes -o LogLevel=ERROR root@127.0.0.1 "$@"
}
cleanup() {
  local rc=$?
  [ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
  if [ "$failed" -gt 0 ] && [ -n "$qemu_pid" ] && [ -n "$p22" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    timeout 120 bash -c "$(declare -f vm_ssh); tmp=$tmp p22=$p22; vm_ssh 'journalctl -b --no-pager; systemctl --failed --no-pager; rauc status --detailed; cat /var/lib/flowprobe/upgrade/state; grub-editenv /boot/efi/grub/grubenv list'" \
      > "$tmp/vm-journal.log" 2>&1 || true
  fi
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill -TERM -- "-$qemu_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$qemu_pid" 2>/dev/null || true
  fi
  if [ -n "$bundles_pid" ] && kill -0 "$bundles_pid" 2>/dev/null; then kill -TERM -- "-$bundles_pid" 2>/dev/null || true; fi
  rm -f "$tmp"/*.raucb "$tmp/disk.qcow2" "$tmp/bundles.img"
  if [ "$failed" -gt 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "upgrade-test: logs kept in $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - upgrade: $*"; }
fail() { failed=$((failed + 1)); echo "not ok - upgrade: $*"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp() { python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
load() { uptime | sed 's/.*average: //'; }
since() { echo $(( $(date +%s) - $1 )); }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
mibps() { awk -v m="$1" -v s="$2" 'BEGIN { printf "%.2f", m / s }'; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const v=JSON.parse(s);const r=process.argv[1].split(".").reduce((o,k)=>o==null?o:o[k],v);console.log(r===undefined||r===null?"":typeof r==="object"?JSON.stringify(r):r)}catch{console.log("")}})' "$1"; }

[ -s "$image" ] || { echo "upgrade-test: $image missing: run make image" >&2; exit 1; }

# --- bundles N+1, N+2 (in the background, while N boots) and the bad ones -------
setsid nice -n 5 bash -c "FLOWPROBE_BUNDLE_VERSION='$v1' '$repo/packer/bundle.sh' '$tmp/n1.raucb' && \
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
# The console install of N+2 reads the bundle from a third disk (an ext4 file system
# written on the host once the bundle is built; the VM sees it read-only).
truncate -s 512M "$tmp/bundles.img"
p443=$(free_port) p22=$(free_port) p80=$(free_port) p6379=$(free_port) p3000=$(free_port) cap_vm=$(free_udp) cap_host=$(free_udp)
# detect-zeroes: the zero blocks of a written slot cost no space in the overlay.
# cache=unsafe: the overlay is thrown away, so the guest's flushes need not reach the host's disk.
setsid nice -n "${FLOWPROBE_QEMU_NICE:-0}" qemu-system-x86_64 -machine pc -accel tcg,thread=multi -cpu max -smp 2 -m 3072 -display none \
  -drive "file=$tmp/disk.qcow2,if=virtio,format=qcow2,detect-zeroes=on,cache=unsafe" \
  -drive "file=$tmp/seed.img,if=virtio,format=raw,readonly=on" \
  -drive "file=$tmp/bundles.img,if=virtio,format=raw,readonly=on" \
  -netdev "user,id=mgmt,hostfwd=tcp:127.0.0.1:$p443-:443,hostfwd=tcp:127.0.0.1:$p22-:22,hostfwd=tcp:127.0.0.1:$p80-:80,hostfwd=tcp:127.0.0.1:$p6379-:6379,hostfwd=tcp:127.0.0.1:$p3000-:3000" -device virtio-net-pci,netdev=mgmt,addr=0x4 \
  -netdev "socket,id=cap,udp=127.0.0.1:$cap_host,localaddr=127.0.0.1:$cap_vm" -device virtio-net-pci,netdev=cap,addr=0x5 \
  -serial "file:$tmp/serial.log" >"$tmp/qemu.log" 2>&1 &
qemu_pid=$!
base="https://127.0.0.1:$p443"

api() { curl -ks --max-time 120 -b "$tmp/cookies" "$@"; }
login() { # login [USER PASSWORD] -> HTTP status; the admin's cookie in $tmp/cookies
  local user="${1:-admin}" pw="${2:-$password}" jar="$tmp/cookies"
  [ "$user" = admin ] || jar="$tmp/cookies-$user"
  curl -ks --max-time 120 -o "$tmp/login-$user.json" -w '%{http_code}' -c "$jar" -H 'content-type: application/json' \
    --data "{\"username\":\"$user\",\"password\":\"$pw\"}" "$base/api/v1/auth/login"
}
# get PATH: the admin's GET; the session lives in the database on the data partition,
# so it outlives reboots: log in again only on a 401 (logins are rate-limited, 10 a minute).
get() {
  local code
  code="$(curl -ks --max-time 120 -b "$tmp/cookies" -o "$tmp/get.json" -w '%{http_code}' "$base$1" 2>/dev/null)" || true
  if [ "$code" = 401 ]; then
    [ "$(login 2>/dev/null)" = 200 ] || return 1
    code="$(curl -ks --max-time 120 -b "$tmp/cookies" -o "$tmp/get.json" -w '%{http_code}' "$base$1" 2>/dev/null)" || true
  fi
  [ "$code" = 200 ] && cat "$tmp/get.json"
}
# wait_version VERSION SECONDS: the portal answers to the admin and /system reports VERSION.
wait_version() {
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$qemu_pid" 2>/dev/null || { echo "upgrade-test: qemu exited" >&2; return 1; }
    [ "$( (get /api/v1/system || true) | json version)" = "$1" ] && return 0
    sleep 5
  done
  return 1
}
upgrade_state() { (get /api/v1/system/upgrade || true) | json "$1"; }
# wait_state STATE SECONDS
wait_state() {
  local deadline=$(( $(date +%s) + $2 )) s=""
  while [ "$(date +%s)" -lt "$deadline" ]; do
    s="$(upgrade_state state)"; [ "$s" = "$1" ] && return 0
    case "$s" in install-failed) echo "upgrade-test: install failed: $(get /api/v1/system/upgrade)" >&2; return 1 ;; esac
    sleep 5
  done
  echo "upgrade-test: state is '$s', not '$1' after $2 s" >&2
  return 1
}
upload() { # upload FILE -> HTTP code; the answer in $tmp/upload.json
  : > "$tmp/upload.json"
  curl -ks --max-time 1800 -o "$tmp/upload.json" -w '%{http_code}' -b "$tmp/cookies" \
    -H 'content-type: application/octet-stream' --data-binary "@$1" "$base/api/v1/system/upgrade" || true
}
slot_b_fingerprint() { vm_ssh 'head -c 16777216 /dev/disk/by-partlabel/root-b | sha256sum | cut -c1-16; grub-editenv /boot/efi/grub/grubenv list | sort | tr "\n" " "'; }
# The VM's own view, one line: booted=A root=flowprobe-rootA primary=A A=booted/good/VERSION B=inactive/bad/-
#   env: ORDER=... A_OK=... (GRUB's environment as rauc left it)
vm_view() {
  vm_ssh 'echo "cmdline=$(sed -n "s/.*rauc\.slot=\([AB]\).*/\1/p" /proc/cmdline) root=$(findmnt -no LABEL /)";
    rauc status --detailed --output-format=json 2>/dev/null; echo;
    echo "env: $(grub-editenv /boot/efi/grub/grubenv list | sort | tr "\n" " ")"' > "$tmp/view.raw" 2>&1 || return 1
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
    const head = lines[0]; const env = lines.find((l) => l.startsWith("env: ")) || "env: ?";
    const st = JSON.parse(lines.find((l) => l.startsWith("{")));
    const slots = {};
    for (const entry of st.slots) for (const [name, s] of Object.entries(entry)) slots[name] = s;
    const byName = (n) => slots[n] && slots[n].bootname;
    const out = [head, "booted=" + st.booted, "primary=" + (byName(st.boot_primary) || st.boot_primary)];
    for (const s of Object.values(slots).sort((a, b) => a.bootname.localeCompare(b.bootname))) {
      const v = s.slot_status && s.slot_status.bundle && s.slot_status.bundle.version;
      out.push(s.bootname + "=" + s.state + "/" + s.boot_status + "/" + (v || "-"));
    }
    console.log(out.join(" ") + " " + env);' "$tmp/view.raw"
}
# view_has WORD...: every WORD is in the VM's view (printed once per call).
view_has() {
  local v w
  v="$(vm_view)" || { echo "upgrade-test: no view of the VM: $(cat "$tmp/view.raw" 2>/dev/null | head -c 500)" >&2; return 1; }
  echo "upgrade-test: VM: $v"
  for w in "$@"; do case " $v " in *" $w "*) ;; *) echo "upgrade-test: '$w' missing" >&2; return 1 ;; esac; done
}
boot_id() { vm_ssh cat /proc/sys/kernel/random/boot_id 2>/dev/null || true; }
# reboot_api: reboot through the API, then wait until the VM runs another boot (SSH sees a new boot id).
reboot_api() {
  local old new deadline
  old="$(boot_id)"
  [ -n "$old" ] || { echo "upgrade-test: no boot id before the reboot" >&2; return 1; }
  code="$(api -o "$tmp/reboot.json" -w '%{http_code}' -X POST -H 'content-type: application/json' --data '{}' "$base/api/v1/system/reboot" || true)"
  # 202, or no answer at all when the box went down before the answer left it.
  case "$code" in 202|000) ;; *) echo "upgrade-test: reboot answered $code: $(cat "$tmp/reboot.json" 2>/dev/null)" >&2; return 1 ;; esac
  deadline=$(( $(date +%s) + 900 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    new="$(boot_id)"; [ -n "$new" ] && [ "$new" != "$old" ] && return 0
    sleep 5
  done
  return 1
}
keeper_logs_in() {
  [ "$(login upgrade-keeper "$keeper_password")" = 200 ] && [ "$(json user.username < "$tmp/login-upgrade-keeper.json")" = upgrade-keeper ]
}
kept() { # kept STEP: the user logs in, the setting has its value
  check "$1: the user made on N logs in" keeper_logs_in
  check "$1: the setting changed on N is kept (live_interval_ms 2500)" test "$( (get /api/v1/settings || true) | json live_interval_ms)" = 2500
}
capture_runs() { (get /api/v1/interfaces || true) | grep -q '"running":true'; }

# --- N ---------------------------------------------------------------------------
t=$(date +%s)
check "N ($product) boots to the portal, admin login" wait_version "$product" 1500
echo "upgrade-test: boot N to the portal: $(since "$t") s (load $(load))"
# The image's BIOS boot test (seeded boot: listeners, login, capture through DPDK,
# flows exact) runs its checks on this VM, booted with the same seed, rather than
# on a boot of its own (packer/test/boot-test.sh, FLOWPROBE_BOOT_ATTACH).
t=$(date +%s)
check "N: the BIOS boot test's checks pass on this VM (boot-test.sh bios, attached)" \
  env FLOWPROBE_BOOT_ATTACH="$p443 $p80 $p22 $p6379 $p3000 $cap_vm" FLOWPROBE_BOOT_ATTACH_KEY="$tmp/key" \
  FLOWPROBE_BOOT_ATTACH_PASSWORD="$password" "$here/boot-test.sh" bios
echo "upgrade-test: the BIOS boot test's checks on N: $(since "$t") s (load $(load))"
# Where a boot's time goes under TCG (evidence for docs/upgrades.md, not a check).
vm_ssh 'systemd-analyze 2>/dev/null | head -2; systemd-analyze blame 2>/dev/null | head -12;
  echo "flowprobe started: $(systemctl show -p ActiveEnterTimestamp --value flowprobe)"; echo "now: $(date)"' 2>/dev/null \
  | sed 's/^/upgrade-test: N boot: /' || true
check "N runs from slot A (API)" test "$(upgrade_state booted_slot)" = A
check "N: booted slot A, rauc marks it good, B not bootable" view_has cmdline=A root=flowprobe-rootA booted=A primary=A "A=booted/good/-"
code=$(api -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
  --data "{\"username\":\"upgrade-keeper\",\"password\":\"$keeper_password\",\"role\":\"viewer\"}" "$base/api/v1/users" || true)
check "a user is created on N" test "$code" = 201
code=$(api -o /dev/null -w '%{http_code}' -X PUT -H 'content-type: application/json' --data '{"live_interval_ms":2500}' "$base/api/v1/settings" || true)
check "a setting is changed on N" test "$code" = 200
kept "N"
# The health check's bound for a new slot, raised for an emulated CPU on a loaded host
# (an admin's setting, carried to the new slot by the bundle's hook); and the SSH host
# key, which the hook carries too.
check "N: boot-ok's bound set to 2400 s" vm_ssh 'echo FLOWPROBE_BOOT_OK_TIMEOUT=2400 > /etc/default/flowprobe-boot-ok'
host_key="$(vm_ssh 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' || true)"
carried() { # carried STEP: the files of the running slot came along
  check "$1: SSH host key and boot-ok's bound carried to the new slot" \
    test -n "$host_key" -a "$(vm_ssh 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' || true)" = "$host_key" \
    -a "$(vm_ssh 'cat /etc/default/flowprobe-boot-ok' || true)" = FLOWPROBE_BOOT_OK_TIMEOUT=2400
}

# Bad bundles: refused with a reason, nothing written (slot B and grubenv unchanged).
t=$(date +%s)
before="$(slot_b_fingerprint || true)"
for bad in badsig:"signed by a key the appliance does not trust" truncated:"truncated" othercompat:"for another compatible string"; do
  name="${bad%%:*}" what="${bad#*:}"
  code="$(upload "$tmp/$name.raucb")"
  reason="$(json message < "$tmp/upload.json")"
  echo "upgrade-test: $name -> $code $reason"
  check "a bundle $what is refused (400 with a reason)" test "$code" = 400 -a -n "$reason"
done
code=$(curl -ks --max-time 120 -o /dev/null -w '%{http_code}' -H 'content-type: application/octet-stream' \
  --data-binary "@$tmp/truncated.raucb" "$base/api/v1/system/upgrade" || true)
check "the upload needs a login (401)" test "$code" = 401
after="$(slot_b_fingerprint || true)"
echo "upgrade-test: slot B / grubenv before: $before; after: $after"
check "refused bundles wrote nothing (slot B, grubenv unchanged)" test -n "$before" -a "$before" = "$after"
check "the state still says no upgrade" test "$(upgrade_state state)" = none
echo "upgrade-test: bad bundles refused, nothing written: $(since "$t") s (load $(load))"

# --- N -> N+1 ------------------------------------------------------------------------
t=$(date +%s)
wait "$bundles_pid" || { bundles_pid=""; cat "$tmp/bundles.log" >&2; fail "bundles N+1 and N+2 built"; exit 1; }
bundles_pid=""
cat "$tmp/bundles.log"
echo "upgrade-test: bundles ready $(since "$t_start") s after the start (waited $(since "$t") s)"
t=$(date +%s) tu=$(date +%s.%N)
code="$(upload "$tmp/n1.raucb")"
dt=$(elapsed "$tu")
echo "upgrade-test: upload of N+1 ($(( $(stat -c %s "$tmp/n1.raucb") / 1048576 )) MiB) over HTTPS, rauc info included: $code $(cat "$tmp/upload.json") in $dt s = $(mibps "$(( $(stat -c %s "$tmp/n1.raucb") / 1048576 ))" "$dt") MiB/s (load $(load))"
check "N+1 is accepted (202)" test "$code" = 202
t2=$(date +%s)
check "N+1 is written to slot B" wait_state installed 1800
echo "upgrade-test: N+1 from accepted to installed in slot B: $(since "$t2") s; upload + install $(since "$t") s (load $(load))"
check "the installed slot is B, N still runs" test "$(upgrade_state slot)" = B -a "$(upgrade_state version)" = "$v1" -a "$(upgrade_state running_version)" = "$product"
check "rauc: B holds N+1 and boots first, A still booted" view_has booted=A primary=B "B=inactive/good/$v1" "A=booted/good/-" B_OK=1 B_TRY=0
check "capture kept running during the install" capture_runs
t=$(date +%s)
check "the reboot through the API starts a new boot" reboot_api
check "the VM comes up with N+1 ($v1)" wait_version "$v1" 1500
echo "upgrade-test: reboot into N+1 to the portal: $(since "$t") s (load $(load))"
check "N+1 is marked good (state upgraded, from $product)" wait_state upgraded 900
echo "upgrade-test: reboot into N+1 until marked good by boot-ok: $(since "$t") s (load $(load))"
check "the API reports N+1 from slot B, upgraded from N in slot A" test "$(upgrade_state booted_slot)" = B -a "$(upgrade_state version)" = "$v1" \
  -a "$(upgrade_state from_version)" = "$product" -a "$(upgrade_state from_slot)" = A
check "N+1: booted slot B, marked good by boot-ok" view_has cmdline=B root=flowprobe-rootB booted=B primary=B "B=booted/good/$v1" B_TRY=0
kept "N+1"
carried "N+1"
# The bundle holds the smallest file system for the root (packer/bundle.sh); the hook grows it to the slot.
root_mib="$(vm_ssh 'df -BM --output=size / | tail -1 | tr -dc 0-9' || true)"
echo "upgrade-test: N+1 root file system: ${root_mib:-?} MiB"
check "N+1: the root file system fills its 1536 MiB slot (grown by the hook)" test "${root_mib:-0}" -ge 1400
check "capture runs on N+1" capture_runs

# --- N+1 -> broken N+2 (installed from the console) -> back on N+1 ------------------
# N+2 is installed as an admin does at the console (flowprobe-upgrade FILE), from a
# disk: the HTTP path was shown with N+1, and this saves a second upload.
t=$(date +%s)
mkdir -p "$tmp/n2disk" && mv "$tmp/n2.raucb" "$tmp/n2disk/n2.raucb"
mke2fs -q -F -t ext4 -L fp-bundles -d "$tmp/n2disk" "$tmp/bundles.img" 2>"$tmp/mke2fs.err" || cat "$tmp/mke2fs.err" >&2
rm -rf "$tmp/n2disk"
check "N+2 (broken) is written to slot A by flowprobe-upgrade at the console" \
  vm_ssh 'set -e; blockdev --flushbufs /dev/vdc; mkdir -p /run/fp-bundles; mount -o ro /dev/vdc /run/fp-bundles;
    trap "umount /run/fp-bundles" EXIT; flowprobe-upgrade /run/fp-bundles/n2.raucb'
echo "upgrade-test: N+2 install from the console: $(since "$t") s (load $(load))"
check "the state says N+2 is installed" wait_state installed 60
check "the installed slot is A" test "$(upgrade_state slot)" = A -a "$(upgrade_state version)" = "$v2"
check "rauc: A holds N+2 and boots first" view_has booted=B primary=A "A=inactive/good/$v2" A_OK=1 A_TRY=0
t=$(date +%s)
check "the reboot through the API starts a new boot" reboot_api
check "without any action the appliance comes back on N+1 ($v1)" wait_version "$v1" 2400
echo "upgrade-test: broken N+2 -> back on N+1 at the portal: $(since "$t") s (load $(load))"
wait_state rolled-back 600 || true
get /api/v1/system/upgrade > "$tmp/state.json" || true
echo "upgrade-test: upgrade state: $(cat "$tmp/state.json")"
check "the portal reports the upgrade to N+2 rolled back to N+1" test "$(json state < "$tmp/state.json")" = rolled-back \
  -a "$(json version < "$tmp/state.json")" = "$v2" -a "$(json from_version < "$tmp/state.json")" = "$v1" \
  -a "$(json slot < "$tmp/state.json")" = A -a "$(json booted_slot < "$tmp/state.json")" = B
check "the reason: flowprobe $v2 did not start, with its own last words" \
  bash -c "grep -q 'flowprobe $v2 did not start' '$tmp/state.json' && grep -q 'deliberately broken build' '$tmp/state.json'"
check "back on N+1: booted slot B, A marked bad" view_has cmdline=B root=flowprobe-rootB booted=B primary=B "B=booted/good/$v1" "A=inactive/bad/$v2" A_OK=0
kept "after the rollback"
echo "upgrade-test: done in $(since "$t_start") s (load $(load))"
echo "upgrade-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
