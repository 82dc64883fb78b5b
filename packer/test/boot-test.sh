#!/usr/bin/env bash
# Boot test of the built image (build/image/flowprobe.qcow2) under qemu TCG:
#   packer/test/boot-test.sh bios   seeded boot: capture through DPDK, HTTPS, flows
#   packer/test/boot-test.sh uefi   OVMF boot: login refused, then the console dialog
# The image is never written: each boot runs on a qcow2 overlay in a temp dir.
# qemu runs in its own process group and is stopped by its PID on every exit.
# The BIOS checks can also run against a VM someone else started and owns (the
# upgrade test, packer/test/upgrade-test.sh, runs them on its image N, which is
# booted with the same seed, instead of booting the image once more):
#   FLOWPROBE_BOOT_ATTACH="P443 P80 P22 P6379 P3000 CAP_VM" FLOWPROBE_BOOT_ATTACH_KEY=SSH_KEY \
#   FLOWPROBE_BOOT_ATTACH_PASSWORD=ADMIN_PASSWORD packer/test/boot-test.sh bios
# (the host ports forwarded to the VM's 443, 80, 22, 6379, 3000, and the UDP port
# of its capture port); this script then neither starts nor stops that VM.
set -euo pipefail
mode="${1:?usage: boot-test.sh bios|uefi}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
image="${FLOWPROBE_IMAGE:-$repo/build/image/flowprobe.qcow2}"
pcap="${FLOWPROBE_BOOT_PCAP:-$repo/../shared/pcaps/ndpi/firefox.pcap}"
[ -e "$pcap" ] || pcap="$(cd "$repo" && git rev-parse --show-toplevel)/../shared/pcaps/ndpi/firefox.pcap"
password="boot-test-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
tmp="$(mktemp -d /tmp/flowprobe-boot.XXXXXX)"
qemu_pid=""
attach="${FLOWPROBE_BOOT_ATTACH:-}"
[ -z "$attach" ] || [ "$mode" = bios ] || { echo "boot-test: FLOWPROBE_BOOT_ATTACH is for the BIOS checks only" >&2; exit 2; }
passed=0 failed=0
t_start=$(date +%s)

vm_ssh() {
  ssh -n -i "$tmp/key" -p "$p22" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=10 -o BatchMode=yes -o LogLevel=ERROR root@127.0.0.1 "$@"
}
cleanup() {
  local rc=$?
  [ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1  # an unexpected exit (set -e) keeps the logs too
  if [ "$failed" -gt 0 ] && [ -n "$qemu_pid" ] && [ -n "${p22:-}" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    timeout 120 bash -c "$(declare -f vm_ssh); tmp=$tmp p22=$p22; vm_ssh 'journalctl -b --no-pager; systemctl --failed --no-pager; ip -br link; cat /etc/dpdk/interfaces /etc/flowprobe/flowprobe.yaml; grep -i huge /proc/meminfo'" \
      > "$tmp/vm-journal.log" 2>&1 || true
  fi
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill -TERM -- "-$qemu_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$qemu_pid" 2>/dev/null || true
  fi
  [ -z "${expect_pid:-}" ] || kill -- "$expect_pid" 2>/dev/null || true
  if [ "$failed" -gt 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "boot-test: logs kept in $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - $mode: $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $mode: $*"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp() { python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
elapsed() { echo $(( $(date +%s) - t_boot )); }

[ -n "$attach" ] || [ -s "$image" ] || { echo "boot-test: $image missing: run make image" >&2; exit 1; }
[ -s "$pcap" ] || { echo "boot-test: capture $pcap missing" >&2; exit 1; }

if [ -n "$attach" ]; then
# A VM that another test started and stops (see the top of this file).
read -r p443 p80 p22 p6379 p3000 cap_vm <<<"$attach"
[ -n "$cap_vm" ] || { echo "boot-test: FLOWPROBE_BOOT_ATTACH needs six ports" >&2; exit 2; }
install -m 0600 "${FLOWPROBE_BOOT_ATTACH_KEY:?}" "$tmp/key"
password="${FLOWPROBE_BOOT_ATTACH_PASSWORD:?}"
t_boot=$(date +%s)
else
# --- seed (NoCloud: a disk labelled cidata with meta-data and user-data) ------
mkdir -p "$tmp/seed"
# A key of this run only: on a failure the test collects the VM's journal over SSH.
ssh-keygen -q -t ed25519 -N '' -f "$tmp/key"
echo "local-hostname: probe-$mode" > "$tmp/seed/meta-data"
if [ "$mode" = bios ]; then
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
else
  # Hostname (and the test's SSH key) only: the rest comes from the console dialog.
  printf '#cloud-config\nssh_authorized_keys: ["%s"]\n' "$(cat "$tmp/key.pub")" > "$tmp/seed/user-data"
fi
cloud-localds "$tmp/seed.img" "$tmp/seed/user-data" "$tmp/seed/meta-data"

# --- the VM -------------------------------------------------------------------
qemu-img create -q -f qcow2 -b "$image" -F qcow2 "$tmp/disk.qcow2"
p443=$(free_port) p80=$(free_port) p22=$(free_port) p6379=$(free_port) p3000=$(free_port)
cap_vm=$(free_udp) cap_host=$(free_udp)
fw="hostfwd=tcp:127.0.0.1:$p443-:443,hostfwd=tcp:127.0.0.1:$p80-:80,hostfwd=tcp:127.0.0.1:$p22-:22"
fw="$fw,hostfwd=tcp:127.0.0.1:$p6379-:6379,hostfwd=tcp:127.0.0.1:$p3000-:3000"
args=(
  -machine pc -accel tcg -cpu max -smp 2 -m 2048 -display none -no-reboot
  -drive "file=$tmp/disk.qcow2,if=virtio,format=qcow2"
  -drive "file=$tmp/seed.img,if=virtio,format=raw,readonly=on"
  -netdev "user,id=mgmt,$fw" -device virtio-net-pci,netdev=mgmt,addr=0x4
  -netdev "socket,id=cap,udp=127.0.0.1:$cap_host,localaddr=127.0.0.1:$cap_vm" -device virtio-net-pci,netdev=cap,addr=0x5
  -chardev "socket,id=ser0,path=$tmp/serial.sock,server=on,wait=off,logfile=$tmp/serial.log"
  -serial chardev:ser0
)
if [ "$mode" = uefi ]; then
  cp /usr/share/OVMF/OVMF_VARS_4M.fd "$tmp/vars.fd"
  args+=(-drive "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd" -drive "if=pflash,format=raw,file=$tmp/vars.fd")
fi
t_boot=$(date +%s)
setsid qemu-system-x86_64 "${args[@]}" >"$tmp/qemu.log" 2>&1 &
qemu_pid=$!
for _ in $(seq 1 50); do [ -S "$tmp/serial.sock" ] && break; sleep 0.1; done
if [ "$mode" = uefi ]; then
  expect "$here/setup-dialog.exp" "$tmp/serial.sock" "$password" "$tmp/go" >"$tmp/expect.log" 2>&1 &
  expect_pid=$!
fi
fi # attach

base="https://127.0.0.1:$p443"
portal_up() {
  local deadline=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ -n "$attach" ] || kill -0 "$qemu_pid" 2>/dev/null || { echo "boot-test: qemu exited" >&2; return 1; }
    # Any HTTP answer: /healthz says 503 while a capture source has a problem.
    [ "$(curl -ks --max-time 5 -o /dev/null -w '%{http_code}' "$base/healthz" 2>/dev/null)" != 000 ] && return 0
    sleep 2
  done
  return 1
}
login() { # login PASSWORD -> HTTP status; cookie in $tmp/cookies
  curl -ks -o "$tmp/login.json" -w '%{http_code}' -c "$tmp/cookies" -H 'content-type: application/json' \
    --data "{\"username\":\"admin\",\"password\":\"$1\"}" "$base/api/v1/auth/login"
}
capture_running() { # capture_running INTERFACES_JSON: capture0 is there, running, a DPDK source
  node -e 'let l = []; try { l = JSON.parse(process.argv[1]); } catch {}
    const i = Array.isArray(l) && l.find((x) => x.name === "capture0");
    process.exit(i && i.running && /dpdk/.test(i.source) ? 0 : 1);' "$1"
}
api() { curl -ksf --max-time 20 -b "$tmp/cookies" "$base/api/v1/$1"; }
answers() { # answers PORT: something accepts and speaks within 4 s
  python3 - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=4)
s.settimeout(4)
try:
    s.sendall(b"PING\r\n")
    data = s.recv(64)
except OSError:
    data = b""
sys.exit(0 if data else 1)
PY
}

portal_up 600 || true
boot_s=$(elapsed)
check "portal answers over HTTPS on 127.0.0.1:$p443" bash -c "curl -ks --max-time 10 -o /dev/null -w '%{http_code}' $base/ | grep -q 200"
[ -n "$attach" ] && echo "boot-test: $mode checks on a running VM (attached)" || echo "boot-test: $mode boot to portal: $boot_s s (load $(uptime | sed 's/.*average: //'))"
check "SSH answers on 22" bash -c "timeout 8 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$p22; head -c 7 <&3' | grep -q SSH-2.0"
check "HTTP on 80 only redirects to HTTPS" bash -c \
  "curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 10 http://127.0.0.1:$p80/ | grep -Eq '^30[178] https://'"
check "Redis (6379) does not answer on the management address" bash -c "$(declare -f answers); ! answers $p6379"
# Inside the VM: beyond loopback only SSH, HTTP and HTTPS listen (and the DHCP
# client), and nftables drops the rest of the input.
listeners="$(vm_ssh "ss -H -ltnu | awk '{print \$1, \$5}'; nft list chain inet filter input | grep -c 'policy drop'" || true)"
echo "$listeners" > "$tmp/listeners.txt"
beyond_loopback="$(echo "$listeners" | awk 'NF == 2 { n = split($2, p, ":"); port = p[n]; host = substr($2, 1, length($2) - length(port) - 1);
  if (host ~ /^(127\.|\[::1\]|\[::ffff:127\.)/) next;
  if ($1 == "tcp" && (port == 22 || port == 80 || port == 443)) next;
  if ($1 == "udp" && port == 68) next; print }')"
[ -z "$beyond_loopback" ] || echo "boot-test: listening beyond loopback: $beyond_loopback"
check "only 22, 80 and 443 listen beyond loopback; nftables input policy drop" \
  test -z "$beyond_loopback" -a "$(echo "$listeners" | tail -1)" = 1
check "nothing answers on 3000" bash -c "$(declare -f answers); ! answers $p3000"

if [ "$mode" = bios ]; then
  check "login with the seed's admin password" test "$(login "$password")" = 200
  check "a wrong password is refused" test "$(curl -ks -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    --data '{"username":"admin","password":"wrong-password-1"}' "$base/api/v1/auth/login")" = 401
  # The capture port: DPDK owns it (virtio PMD), the interface is running.
  ifjson=""
  for _ in $(seq 1 60); do ifjson="$(api interfaces || true)"; capture_running "$ifjson" && break; sleep 2; done
  echo "$ifjson" > "$tmp/interfaces-before.json"
  check "capture0 is a running DPDK interface" capture_running "$ifjson"
  # DPDK runs on the VM's real 2 MiB hugepages (dpdk.service reserved them at boot) and
  # owns the port through uio_pci_generic (the kernel has no interface for it any more).
  read -r hp_total hp_free hp_driver < <(vm_ssh 'awk "/^HugePages_(Total|Free):/{printf \"%s \", \$2}" /proc/meminfo;
    basename "$(readlink -f /sys/bus/pci/devices/0000:00:05.0/driver)"' || true) || true
  echo "boot-test: hugepages ${hp_total:-?} total, ${hp_free:-?} free; capture port driver ${hp_driver:-?}"
  check "DPDK holds hugepages of the VM" test "${hp_total:-0}" -gt 0 -a "${hp_free:-0}" -lt "${hp_total:-0}"
  check "the capture port is bound to uio_pci_generic" test "${hp_driver:-}" = uio_pci_generic
  sent="$(node "$here/send-frames.js" "$pcap" "$cap_vm" 3)"
  echo "boot-test: sent $sent frames of $(basename "$pcap")"
  "$repo/appliance/bin/flowprobe.js" analyze "$pcap" > "$tmp/analyze.ndjson" 2>/dev/null
  got=""
  for _ in $(seq 1 60); do
    got="$(api interfaces | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const i=JSON.parse(s).find(x=>x.name==="capture0");console.log(i?i.packets:-1)})')"
    [ "$got" = "$sent" ] && break; sleep 2
  done
  check "capture0 counted every frame sent ($got of $sent)" test "$got" = "$sent"
  api "flows?limit=1000" > "$tmp/flows.json"
  check "flows through the REST API match flowprobe analyze, packet for packet" \
    node "$here/compare-flows.js" "$tmp/analyze.ndjson" "$tmp/flows.json"
else
  check "login refused before setup set a password" bash -c "[ \"\$(curl -ks -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    --data '{\"username\":\"admin\",\"password\":\"$password\"}' $base/api/v1/auth/login)\" != 200 ]"
  touch "$tmp/go"
  check "console setup dialog driven on ttyS0" wait "$expect_pid"
  expect_pid=""
  sleep 5
  portal_up 300 || true
  code=000
  for _ in $(seq 1 30); do code="$(login "$password")"; [ "$code" = 200 ] && break; sleep 3; done
  check "login with the password set in the dialog" test "$code" = 200
  # flowprobe restarts with the dialog's capture port (minutes under TCG).
  ifjson=""
  for _ in $(seq 1 100); do
    ifjson="$(api interfaces)" || { ifjson=""; login "$password" >/dev/null || true; }
    capture_running "$ifjson" && break; sleep 3
  done
  check "the dialog's capture port runs through DPDK" capture_running "$ifjson"
fi
echo "boot-test: $mode done in $(( $(date +%s) - t_start )) s"
echo "boot-test $mode: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
