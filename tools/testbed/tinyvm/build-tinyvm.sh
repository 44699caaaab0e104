#!/usr/bin/env bash
# build-tinyvm.sh OUTDIR — a tiny bootable x86_64 Linux guest for the qemu builder's tests.
#
# The guest: Debian's cloud kernel booted directly (-kernel/-initrd/-append; the ELF inside its
# bzImage, through the PVH entry), an initramfs that loads the virtio modules and switches to
# /dev/vda, and an ext4 root (whole disk, no partitions)
# made with `mke2fs -d` from a directory: busybox init, dropbear on :22 (ed25519 + ecdsa + rsa host
# keys: with ed25519 alone dropbear 2022 negotiates ssh-rsa with Go clients such as Packer's and
# aborts), scp and sftp-server, root login by password or key, and a probe on tty1 that appends
# every typed line to /var/log/typed.txt (a boot_command typed over VNC can be read back).
# `load-cdrom` loads the IDE CD-ROM and iso9660 drivers kept in /lib/modules/cdrom (not at boot:
# most builds attach no CD), after which QEMU's default CD drive is /dev/sr0.
# Static 10.0.2.15/24 on eth0 with no default route: the guest cannot reach out.
#
# OUTDIR gets: vmlinux initrd.img base.qcow2 cmdline id_ed25519{,.pub} host_keys.pub tinyvm.env
# Debian packages come from `apt-get download` (nothing is installed; no loop devices, kmod or
# cpio). OUTDIR/cache keeps the .debs and the keys between runs.
# Env: TINYVM_PASSWORD (packer) TINYVM_DISK_MB (64)
set -euo pipefail

out=${1:?usage: build-tinyvm.sh OUTDIR}
password=${TINYVM_PASSWORD:-packer}
disk_mb=${TINYVM_DISK_MB:-64}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cache=$out/cache
debs=$cache/debs
unpacked=$cache/unpacked
mkdir -p "$debs" "$unpacked"
say() { echo "[tinyvm] $*" >&2; }

# ------------------------------------------------------------------------------------ packages
kernel_pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$kernel_pkg" ] || { echo "cannot resolve linux-image-cloud-amd64 (run apt-get update)" >&2; exit 1; }
kernel_version=${kernel_pkg#linux-image-}
packages="$kernel_pkg busybox-static dropbear-bin openssh-sftp-server openssh-client libc6 libcrypt1 zlib1g libtomcrypt1 libtommath1 libgmp10"

deb_of() { ls "$debs/${1}_"*.deb 2>/dev/null | tail -1; }
missing=""
for p in $packages; do [ -n "$(deb_of "$p")" ] || missing="$missing $p"; done
if [ -n "$missing" ]; then
  say "downloading$missing"
  (cd "$debs" && apt-get download -q $missing >/dev/null 2>&1) || true
  for p in $missing; do [ -n "$(deb_of "$p")" ] || { echo "apt-get download $p failed" >&2; exit 1; }; done
fi
for p in $packages; do
  [ -e "$unpacked/$p/.done" ] && continue
  rm -rf "${unpacked:?}/$p"; mkdir -p "$unpacked/$p"
  if [ "$p" = "$kernel_pkg" ]; then
    # The whole module tree is ~100 MB; take the kernel and the few subtrees the initramfs needs.
    m='./lib/modules/*/kernel'
    dpkg-deb --fsys-tarfile "$(deb_of "$p")" | tar -x -C "$unpacked/$p" --wildcards './boot/vmlinuz-*' \
      './lib/modules/*/modules.builtin' "$m/drivers/virtio/*" "$m/drivers/block/*" "$m/drivers/net/*" \
      "$m/net/core/*" "$m/lib/*" "$m/drivers/ata/libata.ko" "$m/drivers/ata/ata_piix.ko" "$m/drivers/scsi/scsi_mod.ko" \
      "$m/drivers/scsi/scsi_common.ko" "$m/drivers/scsi/sr_mod.ko" "$m/drivers/cdrom/*" "$m/fs/isofs/*" 2>/dev/null || true
  else
    dpkg-deb -x "$(deb_of "$p")" "$unpacked/$p"
  fi
  touch "$unpacked/$p/.done"
done
busybox=$unpacked/busybox-static/bin/busybox
moddir=$unpacked/$kernel_pkg/lib/modules/$kernel_version

# ------------------------------------------------------------------------------------ initramfs
# Module order from each .ko's own depends= (.modinfo), since the .deb ships no modules.dep.
declare -A seen=()
order=()
find_module() { find "$moddir/kernel" -name "$(echo "$1" | sed 's/[-_]/[-_]/g').ko" | head -1; }
add_module() {
  local name=$1 file deps
  [ -n "${seen[$name]:-}" ] && return 0
  seen[$name]=1
  file=$(find_module "$name")
  if [ -z "$file" ]; then
    grep -qE "/${name//_/[-_]}\.ko$" "$moddir/modules.builtin" && return 0
    echo "module $name is neither a module nor built in" >&2; return 1
  fi
  deps=$(tr '\0' '\n' < "$file" | sed -n 's/^depends=//p' | head -1)
  for dep in ${deps//,/ }; do add_module "$dep"; done
  order+=("$file")
}
for m in virtio_pci virtio_blk virtio_net; do add_module "$m"; done

initramfs=$cache/initramfs
rm -rf "$initramfs"; mkdir -p "$initramfs"/{bin,dev,proc,sys,newroot,modules}
cp "$busybox" "$initramfs/bin/busybox"
for f in "${order[@]}"; do cp "$f" "$initramfs/modules/"; basename "$f"; done > "$initramfs/modules/order"
cat > "$initramfs/init" <<'EOF'
#!/bin/busybox sh
b=/bin/busybox
$b mount -t devtmpfs devtmpfs /dev
$b mount -t proc proc /proc
for m in $($b cat /modules/order); do $b insmod /modules/$m; done
# the disk can take long to appear on a busy host under TCG: wait up to a minute
n=0; while [ ! -b /dev/vda ] && [ $n -lt 1200 ]; do $b usleep 50000; n=$((n+1)); done
if $b mount -t ext4 -o rw /dev/vda /newroot; then
  $b umount /proc
  $b mount --move /dev /newroot/dev
  exec $b switch_root /newroot /sbin/init
fi
echo "tinyvm: cannot mount /dev/vda"; $b poweroff -f
EOF
chmod 755 "$initramfs/init"
(cd "$initramfs" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null | gzip -9n) > "$out/initrd.img"
# The kernel as the ELF inside the bzImage: QEMU boots it through its PVH entry point, which skips
# the real-mode set-up and the decompressor (about 0.3 s under TCG).
bzimage=$unpacked/$kernel_pkg/boot/vmlinuz-$kernel_version
u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
setup_sects=$(u8 "$bzimage" $((0x1f1))); [ "$setup_sects" != 0 ] || setup_sects=4
payload_start=$(( (setup_sects + 1) * 512 + $(u32 "$bzimage" $((0x248))) ))
payload() { tail -c +$((payload_start + 1)) "$bzimage" | head -c "$(u32 "$bzimage" $((0x24c)))"; }
case $(payload | od -An -tx1 -N4 | tr -d ' ') in
  02214c18) decompress="lz4 -dc" ;;
  28b52ffd) decompress="zstd -dc" ;;
  fd377a58) decompress="xz -dc" ;;
  1f8b*) decompress="gzip -dc" ;;
  *) echo "unknown compression of the kernel in $bzimage" >&2; exit 1 ;;
esac
payload | $decompress > "$out/vmlinux" 2>/dev/null || true
[ "$(od -An -c -N4 "$out/vmlinux" | tr -d ' ')" = '177ELF' ] || { echo "cannot extract vmlinux from $bzimage ($decompress)" >&2; exit 1; }

# ------------------------------------------------------------------------------------ root filesystem
root=$cache/rootfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib/openssh,lib/x86_64-linux-gnu,lib64,etc/dropbear,etc/init.d,root/.ssh,dev,proc,sys,run,tmp,var/log}
chmod 1777 "$root/tmp"; chmod 700 "$root/root" "$root/root/.ssh"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"; done
cp "$unpacked/dropbear-bin/usr/sbin/dropbear" "$root/usr/sbin/"
cp "$unpacked/dropbear-bin/usr/bin/dropbearkey" "$root/usr/bin/"
cp "$unpacked/openssh-client/usr/bin/scp" "$root/usr/bin/"
# dropbear (Debian) looks for the sftp subsystem at /usr/lib/sftp-server
cp "$unpacked/openssh-sftp-server/usr/lib/openssh/sftp-server" "$root/usr/lib/sftp-server"
ln -s ../sftp-server "$root/usr/lib/openssh/sftp-server"
libs=$root/lib/x86_64-linux-gnu
for lib in libc6/lib/x86_64-linux-gnu/libc.so.6 libc6/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
  libcrypt1/lib/x86_64-linux-gnu/libcrypt.so.1 zlib1g/lib/x86_64-linux-gnu/libz.so.1 \
  libtomcrypt1/usr/lib/x86_64-linux-gnu/libtomcrypt.so.1 libtommath1/usr/lib/x86_64-linux-gnu/libtommath.so.1 \
  libgmp10/usr/lib/x86_64-linux-gnu/libgmp.so.10; do
  cp -L "$unpacked/$lib" "$libs/"
done
ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
# Guest programs run here through the guest's own loader: proves the library set is complete.
guest() { "$libs/ld-linux-x86-64.so.2" --library-path "$libs" "$@"; }
guest "$root/usr/sbin/dropbear" -V 2>&1 | grep -q Dropbear || { echo "the guest's dropbear does not run" >&2; exit 1; }

printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:%s:19000:0:99999:7:::\n' "$("$busybox" mkpasswd -m sha512 "$password")" > "$root/etc/shadow"
chmod 600 "$root/etc/shadow"
printf 'root:x:0:\n' > "$root/etc/group"
printf '/bin/sh\n' > "$root/etc/shells"
echo tinyvm > "$root/etc/hostname"
printf 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin\n' > "$root/etc/profile"
ln -s /proc/mounts "$root/etc/mtab"
cat > "$root/etc/inittab" <<'EOF'
::sysinit:/etc/init.d/rcS
::respawn:/usr/sbin/dropbear -F -E -p 22 -r /etc/dropbear/ed25519 -r /etc/dropbear/ecdsa -r /etc/dropbear/rsa
tty1::respawn:/etc/init.d/typed
::shutdown:/etc/init.d/rcK
EOF
cat > "$root/etc/init.d/rcS" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts && mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
hostname -F /etc/hostname
ip link set lo up
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0
EOF
# busybox's `umount -a -r` drops /proc before remounting /: stop dropbear and remount / read-only
# ourselves so the image is left clean. Then power off at once: after this script busybox init
# would sleep 2 s (between SIGTERM and SIGKILL to all, and before the reboot call) with nothing left
# to wait for. init runs this for halt and reboot as well, which then also power off; QEMU runs the
# guest with -no-reboot, so a reboot ends it either way.
cat > "$root/etc/init.d/rcK" <<'EOF'
#!/bin/sh
/usr/bin/killall -q dropbear
sync
mount -o remount,ro / || { sleep 1; sync; mount -o remount,ro /; }
exec /bin/busybox poweroff -f
EOF
cat > "$root/etc/init.d/typed" <<'EOF'
#!/bin/sh
echo "tinyvm: tty1 ready" > /dev/ttyS0
while IFS= read -r line; do
  echo "$line" >> /var/log/typed.txt
  sync
  echo "tinyvm: typed: $line" > /dev/ttyS0
done
EOF
chmod 755 "$root"/etc/init.d/*

seen=(); order=()
for m in ata_piix sr_mod isofs; do add_module "$m"; done
mkdir -p "$root/lib/modules/cdrom"
for f in "${order[@]}"; do cp "$f" "$root/lib/modules/cdrom/"; basename "$f"; done > "$root/lib/modules/cdrom/order"
cat > "$root/usr/sbin/load-cdrom" <<'EOF'
#!/bin/sh
# Loads the CD drivers (once) and waits up to 30 s for the first CD drive to appear.
cd /lib/modules/cdrom || exit 1
for m in $(cat order); do grep -q "^${m%.ko} " /proc/modules || insmod "$m" || exit 1; done
n=0; while [ ! -b /dev/sr0 ] && [ $n -lt 300 ]; do usleep 100000; n=$((n+1)); done
[ -b /dev/sr0 ] || { echo "load-cdrom: no /dev/sr0" >&2; exit 1; }
EOF
chmod 755 "$root/usr/sbin/load-cdrom"

keys=$cache/keys
mkdir -p "$keys"
[ -s "$keys/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C tinyvm -f "$keys/id_ed25519"
cp "$keys/id_ed25519" "$keys/id_ed25519.pub" "$out/"
cp "$keys/id_ed25519.pub" "$root/root/.ssh/authorized_keys"; chmod 600 "$root/root/.ssh/authorized_keys"
for type in ed25519 ecdsa rsa; do
  if [ ! -s "$keys/host_$type" ]; then
    case $type in rsa) bits="-s 2048" ;; ecdsa) bits="-s 256" ;; *) bits="" ;; esac
    guest "$root/usr/bin/dropbearkey" -t $type $bits -f "$keys/host_$type" >/dev/null 2>&1
  fi
  cp "$keys/host_$type" "$root/etc/dropbear/$type"; chmod 600 "$root/etc/dropbear/$type"
  guest "$root/usr/bin/dropbearkey" -y -f "$keys/host_$type" 2>/dev/null | grep -E '^(ssh|ecdsa)-'
done > "$out/host_keys.pub"

# ------------------------------------------------------------------------------------ disk
rm -f "$out/base.raw" "$out/base.qcow2"
# No journal: the guest always stops with / read-only (rcK), and mounting, syncing and remounting
# without one are quicker under TCG (~0.1 s a boot). Inode tables are zeroed here, not by the guest
# kernel's ext4lazyinit thread, competing with every boot for the one vCPU.
mke2fs -q -F -t ext4 -O ^has_journal -L tinyroot -E root_owner=0:0,lazy_itable_init=0 -d "$root" "$out/base.raw" "${disk_mb}M" >/dev/null
if [ "$(id -u)" != 0 ]; then
  # mke2fs -d keeps the builder's uid; dropbear wants root's files owned by root.
  (cd "$root" && find . -mindepth 1 | sed 's|^\.||' | while read -r p; do printf 'sif "%s" uid 0\nsif "%s" gid 0\n' "$p" "$p"; done) |
    debugfs -w -f - "$out/base.raw" >/dev/null 2>&1
fi
qemu-img convert -f raw -O qcow2 "$out/base.raw" "$out/base.qcow2"
rm -f "$out/base.raw"

# cryptomgr.notests: no crypto self-tests (~0.3 s under TCG); acpi=noirq: PCI interrupts routed
# from the BIOS table, not by running the ACPI link devices' AML (~0.3 s when virtio-pci loads).
cmdline="console=ttyS0 root=/dev/vda rootfstype=ext4 quiet loglevel=3 panic=-1 cryptomgr.notests acpi=noirq"
echo "$cmdline" > "$out/cmdline"
cat > "$out/tinyvm.env" <<EOF
TINYVM_DIR=$out
TINYVM_KERNEL_VERSION=$kernel_version
TINYVM_CMDLINE="$cmdline"
TINYVM_USER=root
TINYVM_PASSWORD=$password
EOF
say "done: $out ($kernel_version)"
