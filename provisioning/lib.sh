# Helpers shared by the provisioning steps (sourced, not run).
# Every helper changes a file only when its content, mode or owner differs, and
# says so on stdout ("changed: PATH"), so a second run of provision.sh prints
# no "changed:" line and leaves every file as it was.

# put DEST MODE OWNER:GROUP  (content on stdin)
put() {
  local dest="$1" mode="$2" owner="${3:-root:root}" tmp
  tmp="$(mktemp)"
  cat > "$tmp"
  put_file "$tmp" "$dest" "$mode" "$owner"
  rm -f "$tmp"
}

# put_file SRC DEST MODE OWNER:GROUP
put_file() {
  local src="$1" dest="$2" mode="$3" owner="${4:-root:root}"
  mkdir -p "$(dirname "$dest")"
  if ! cmp -s "$src" "$dest"; then
    cp "$src" "$dest.fp-new"
    chmod "$mode" "$dest.fp-new"
    chown "$owner" "$dest.fp-new"
    mv -f "$dest.fp-new" "$dest"
    echo "changed: $dest"
    return 0
  fi
  ensure_attrs "$dest" "$mode" "$owner"
}

# ensure_attrs PATH MODE OWNER:GROUP
ensure_attrs() {
  local path="$1" mode="$2" owner="$3"
  if [ "$(stat -c '%a' "$path")" != "${mode#0}" ]; then
    chmod "$mode" "$path"; echo "changed: $path (mode)"
  fi
  if [ "$(stat -c '%U:%G' "$path")" != "$owner" ]; then
    chown "$owner" "$path"; echo "changed: $path (owner)"
  fi
}

# ensure_dir PATH MODE OWNER:GROUP
ensure_dir() {
  local path="$1" mode="$2" owner="${3:-root:root}"
  if [ ! -d "$path" ]; then mkdir -p "$path"; echo "changed: $path (created)"; fi
  ensure_attrs "$path" "$mode" "$owner"
}

# ensure_link TARGET LINK
ensure_link() {
  if [ "$(readlink "$2" 2>/dev/null)" != "$1" ]; then
    mkdir -p "$(dirname "$2")"
    ln -sfn "$1" "$2"; echo "changed: $2 -> $1"
  fi
}

# ensure_packages PKG... : apt-get update + install only when one is missing.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "changed: packages ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# enable_unit UNIT... : systemctl enable, which works offline in a chroot too.
enable_unit() {
  local u
  for u in "$@"; do
    if [ "$(systemctl is-enabled "$u" 2>/dev/null || true)" != "enabled" ]; then
      systemctl enable "$u" >/dev/null 2>&1; echo "changed: enabled $u"
    fi
  done
}

# disable_unit UNIT...
disable_unit() {
  local u
  for u in "$@"; do
    case "$(systemctl is-enabled "$u" 2>/dev/null || true)" in
      enabled|enabled-runtime) systemctl disable "$u" >/dev/null 2>&1; echo "changed: disabled $u" ;;
    esac
  done
}

# True when the steps run inside the image build's chroot (no services to start).
image_build() { [ "${FLOWPROBE_IMAGE_BUILD:-0}" = 1 ]; }
