#!/usr/bin/env bash
# Builds newlib's libc.a for the freestanding image from Debian's newlib-source, once, into a cache.
#
# Usage: lib/newlib/build.sh CACHE_DIR
# Leaves CACHE_DIR/{include,lib/libc.a,lib/libm.a} and a stamp naming the inputs,
# so later builds (and later clones pointing at the same cache) skip the work.
set -euo pipefail

cache=${1:?usage: build.sh CACHE_DIR}
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
[[ -f $tarball ]] || { echo "build.sh: $tarball missing (apt-get install newlib-source)" >&2; exit 1; }

# Must match the image's own code-generation flags (see toolchain.md).
gcc_include=$(gcc -print-file-name=include)
target_cflags="-O2 -ffreestanding -fno-stack-protector -fno-stack-check -mno-red-zone -fPIC \
-fshort-wchar -fno-asynchronous-unwind-tables -Wa,--noexecstack -nostdinc -isystem $gcc_include"
configure_flags="--target=x86_64-elf --disable-multilib --disable-newlib-supplied-syscalls \
--enable-newlib-io-long-long --enable-newlib-io-c99-formats --disable-newlib-io-float \
--enable-newlib-nano-malloc --disable-newlib-multithread --disable-newlib-wide-orient"

# The stamp names every input; a change to any of them rebuilds.
stamp_text="$(sha256sum "$tarball" | cut -d' ' -f1) $(gcc -dumpfullversion) $target_cflags $configure_flags"
if [[ -f $cache/stamp && "$(cat "$cache/stamp")" == "$stamp_text" && -f $cache/lib/libc.a ]]; then
  exit 0
fi

echo "newlib: building libc.a once into $cache (2-3 minutes)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xf "$tarball"
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n1)
mkdir -p "$work/build"
cd "$work/build"
export CC_FOR_TARGET=gcc AR_FOR_TARGET=ar AS_FOR_TARGET=as LD_FOR_TARGET=ld \
       NM_FOR_TARGET=nm OBJDUMP_FOR_TARGET=objdump RANLIB_FOR_TARGET=ranlib \
       STRIP_FOR_TARGET=strip READELF_FOR_TARGET=readelf
# shellcheck disable=SC2086
"$src/configure" --prefix="$work/install" $configure_flags \
  CFLAGS_FOR_TARGET="$target_cflags" >"$work/configure.log" 2>&1 \
  || { tail -n 40 "$work/configure.log" >&2; exit 1; }
make -j"$(nproc)" all-target-newlib >"$work/make.log" 2>&1 \
  || { tail -n 60 "$work/make.log" >&2; exit 1; }
make install-target-newlib >"$work/install.log" 2>&1 \
  || { tail -n 40 "$work/install.log" >&2; exit 1; }

rm -rf "$cache.tmp"
mkdir -p "$cache.tmp/lib"
cp -r "$work/install/x86_64-elf/include" "$cache.tmp/include"
cp "$work/install/x86_64-elf/lib/libc.a" "$work/install/x86_64-elf/lib/libm.a" "$cache.tmp/lib/"
printf '%s' "$stamp_text" >"$cache.tmp/stamp"
rm -rf "$cache"
mv "$cache.tmp" "$cache"
echo "newlib: done"
