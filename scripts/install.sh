#!/usr/bin/env bash
# Installs libcibatch for C and C++ into PREFIX: the headers, the stripped shared library (SONAME
# libcibatch.so.MAJOR) and static library, pkg-config files, the CMake package (find_package(cibatch)) and the
# licences; then writes PREFIX/share/cibatch/install-manifest.txt, the list of what it installed, which
# ./scripts/uninstall.sh PREFIX removes exactly. The release tarball of ./scripts/package.sh has the same layout.
#
#   ./scripts/install.sh [PREFIX]      # default /usr/local; DESTDIR is honoured for packaging
#
# CIBATCH_INSTALL_PREBUILT=1 skips `cargo build` and writes no manifest (how package.sh lays out the tarball).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-/usr/local}
case $prefix in /*) ;; *) prefix=$PWD/$prefix ;; esac
dest=${DESTDIR:-}
root=$dest$prefix
prebuilt=${CIBATCH_INSTALL_PREBUILT:-0}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
major=${version%%.*}

if [ "$prebuilt" != 1 ]; then
  cargo build --release --lib
fi
manifest_dir=share/cibatch
manifest=$manifest_dir/install-manifest.txt
if [ "$prebuilt" != 1 ] && [ -f "$root/$manifest" ]; then
  echo "cibatch is already installed in $root ($root/$manifest); run ./scripts/uninstall.sh $prefix first" >&2
  exit 1
fi

installed=()  # relative to PREFIX: directories this script created (with a trailing /), then files
mkdirs() {
  local d
  for d in "$@"; do
    local parts="" part
    for part in ${d//\// }; do
      parts=${parts:+$parts/}$part
      if [ ! -d "$root/$parts" ]; then
        mkdir -p "$root/$parts"
        installed+=("$parts/")
      fi
    done
  done
}
put() { # put MODE SOURCE RELATIVE-DESTINATION
  install -m "$1" "$2" "$root/$3"
  installed+=("$3")
}
link() { # link TARGET RELATIVE-NAME
  ln -sfn "$1" "$root/$2"
  installed+=("$2")
}

mkdirs include lib/pkgconfig lib/cmake/cibatch share/doc/cibatch
[ "$prebuilt" = 1 ] || mkdirs "$manifest_dir"
put 644 include/cibatch.h include/cibatch.h
put 644 include/cibatch.hpp include/cibatch.hpp
put 755 target/release/libcibatch.so "lib/libcibatch.so.$version"
strip --strip-unneeded "$root/lib/libcibatch.so.$version"
link "libcibatch.so.$version" "lib/libcibatch.so.$major"
link "libcibatch.so.$major" lib/libcibatch.so
put 644 target/release/libcibatch.a lib/libcibatch.a
strip --strip-debug "$root/lib/libcibatch.a"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for template in scripts/dist/cibatch.pc.in scripts/dist/cibatch-shared.pc.in scripts/dist/cibatchConfig.cmake.in \
  scripts/dist/cibatchConfigVersion.cmake.in; do
  name=$(basename "$template" .in)
  sed -e "s/@VERSION@/$version/g" -e "s/@MAJOR@/$major/g" "$template" > "$tmp/$name"
done
put 644 "$tmp/cibatch.pc" lib/pkgconfig/cibatch.pc
put 644 "$tmp/cibatch-shared.pc" lib/pkgconfig/cibatch-shared.pc
put 644 "$tmp/cibatchConfig.cmake" lib/cmake/cibatch/cibatchConfig.cmake
put 644 "$tmp/cibatchConfigVersion.cmake" lib/cmake/cibatch/cibatchConfigVersion.cmake
put 644 LICENSE-MIT share/doc/cibatch/LICENSE-MIT
put 644 LICENSE-APACHE share/doc/cibatch/LICENSE-APACHE

if [ "$prebuilt" != 1 ]; then
  installed+=("$manifest")
  printf '%s\n' "${installed[@]}" > "$root/$manifest"
  echo "installed cibatch $version into $root (${#installed[@]} entries in $root/$manifest)"
fi
