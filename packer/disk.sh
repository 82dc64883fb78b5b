#!/usr/bin/env bash
# The partitioned raw disk from a root folder, without mounting anything:
#   packer/disk.sh ROOT_DIR DISK.raw
# GPT: 1 BIOS boot (GRUB i386-pc core), 2 EFI system partition FP-ESP (FAT,
# BOOTX64.EFI + grub.cfg + grubenv), 3/4 root slots flowprobe-rootA/B (ext4,
# same size; B empty until an upgrade writes it), 5 data flowprobe-data
# (ext4, /var/lib/flowprobe, never touched by upgrades).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$1" disk="$2"
work="$(dirname "$disk")/disk-parts"
ROOT_MIB="${FLOWPROBE_ROOT_MIB:-1536}" DATA_MIB="${FLOWPROBE_DATA_MIB:-1024}" ESP_MIB=64
rm -rf "$work"; mkdir -p "$work"

# Partition table (MiB-aligned).
bios_start=2048; bios_size=2048
esp_start=$((bios_start + bios_size)); esp_size=$((ESP_MIB * 2048))
a_start=$((esp_start + esp_size)); root_size=$((ROOT_MIB * 2048))
b_start=$((a_start + root_size))
d_start=$((b_start + root_size)); d_size=$((DATA_MIB * 2048))
total=$((d_start + d_size + 2048))
rm -f "$disk"; truncate -s $((total * 512)) "$disk"
sfdisk --quiet "$disk" <<TABLE
label: gpt
start=$bios_start, size=$bios_size, type=21686148-6449-6E6F-744E-656564454649, name="bios-boot"
start=$esp_start, size=$esp_size, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="esp"
start=$a_start, size=$root_size, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name="root-a"
start=$b_start, size=$root_size, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name="root-b"
start=$d_start, size=$d_size, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="data"
TABLE

# File systems, each built in its own file, then written at its offset.
uid="$(awk -F: '$1=="flowprobe"{print $3":"$4}' "$root/etc/passwd")"
mke2fs -q -t ext4 -L flowprobe-rootA -d "$root" "$work/a.img" "${ROOT_MIB}M"
mke2fs -q -t ext4 -L flowprobe-rootB "$work/b.img" "${ROOT_MIB}M"
mke2fs -q -t ext4 -L flowprobe-data -E "root_owner=$uid" "$work/data.img" "${DATA_MIB}M"

# GRUB: the same embedded config for both firmwares finds the ESP by label.
mods_common="part_gpt part_msdos fat ext2 search search_label search_fs_uuid normal configfile linux echo test loadenv serial terminal gzio boot minicmd halt reboot sleep cat ls true regexp"
grub-mkimage -O x86_64-efi -p /grub -c "$here/grub/early.cfg" -o "$work/BOOTX64.EFI" $mods_common efi_gop efi_uga all_video
grub-mkimage -O i386-pc -p /grub -c "$here/grub/early.cfg" -o "$work/core.img" $mods_common biosdisk vga
mkfs.vfat -C -n FP-ESP "$work/esp.img" $((ESP_MIB * 1024)) >/dev/null
grub-editenv "$work/grubenv" create
grub-editenv "$work/grubenv" set ORDER="A B" A_OK=1 A_TRY=0 B_OK=0 B_TRY=0
export MTOOLS_SKIP_CHECK=1
mmd -i "$work/esp.img" ::/EFI ::/EFI/BOOT ::/grub
mcopy -i "$work/esp.img" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$work/esp.img" "$here/grub/grub.cfg" "$work/grubenv" ::/grub/

put() { dd if="$1" of="$disk" bs=512 seek="$2" conv=notrunc,sparse status=none; }
put "$work/esp.img" $esp_start
put "$work/a.img" $a_start
put "$work/b.img" $b_start
put "$work/data.img" $d_start

# BIOS: boot.img's code in the MBR (the protective partition table stays), its
# kernel sector -> the BIOS boot partition; core.img there, its blocklist -> the
# sectors after its first one (what grub-bios-setup would patch on a device).
le64() { printf "$(printf '%016x' "$1" | sed 's/\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)/\\x\8\\x\7\\x\6\\x\5\\x\4\\x\3\\x\2\\x\1/')"; }
core_sectors=$(( ($(stat -c %s "$work/core.img") + 511) / 512 ))
[ "$core_sectors" -le "$bios_size" ] || { echo "disk: core.img too large" >&2; exit 1; }
dd if=/usr/lib/grub/i386-pc/boot.img of="$disk" bs=440 count=1 conv=notrunc status=none
le64 $bios_start | dd of="$disk" bs=1 seek=$((0x5c)) conv=notrunc status=none
dd if="$work/core.img" of="$disk" bs=512 seek=$bios_start conv=notrunc status=none
le64 $((bios_start + 1)) | dd of="$disk" bs=1 seek=$((bios_start * 512 + 0x1f4)) conv=notrunc status=none
rm -rf "$work"
echo "disk: $disk ($((total / 2048)) MiB, root slots ${ROOT_MIB} MiB, data ${DATA_MIB} MiB)"
