#!/usr/bin/env bash
# Installs libcibatch for C and C++: headers, shared library (SONAME libcibatch.so.MAJOR), static library and
# cibatch.pc, in the layout cargo-c's `cargo cinstall` uses.
#
#   ./scripts/install.sh [PREFIX]      # default /usr/local; DESTDIR is honoured for packaging
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-/usr/local}
dest=${DESTDIR:-}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
major=${version%%.*}

cargo build --release --lib
install -d "$dest$prefix/include" "$dest$prefix/lib/pkgconfig"
install -m 644 include/cibatch.h include/cibatch.hpp "$dest$prefix/include/"
install -m 755 target/release/libcibatch.so "$dest$prefix/lib/libcibatch.so.$version"
ln -sf "libcibatch.so.$version" "$dest$prefix/lib/libcibatch.so.$major"
ln -sf "libcibatch.so.$major" "$dest$prefix/lib/libcibatch.so"
install -m 644 target/release/libcibatch.a "$dest$prefix/lib/"
cat > "$dest$prefix/lib/pkgconfig/cibatch.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: cibatch
Description: Client for Tencent Cloud Cloud Infinite batch data-processing jobs
Version: $version
Libs: -L\${libdir} -lcibatch
Libs.private: -lpthread -ldl -lm
Cflags: -I\${includedir}
PC
echo "installed cibatch $version into $dest$prefix"
