#!/usr/bin/env bash
# Tests the release artifacts that ./scripts/package.sh left in target/dist/, as their users would install them,
# from the artifacts alone, with cargo and rustc removed from PATH (except where a build from source is the point):
#   - Go: a fresh module outside the repository fetches the module through GOPROXY=file://target/dist/goproxy,
#     builds and describes a job on the standalone emulator, also vendored; a tampered build id refuses to start;
#   - Python: the wheel in fresh venvs of Python 3.11, 3.8 and 3.13; the sdist with cargo (one shared target dir),
#     showing cargo's progress on a terminal; without cargo it says Rust is needed; the editable install;
#   - C/C++: CMake find_package(cibatch) from the unpacked tarball, C and C++, shared (run via RUNPATH, without
#     LD_LIBRARY_PATH) and static; pkg-config shared and --static; cibatch.hpp below C++17 stops with an #error;
#     scripts/install.sh and scripts/uninstall.sh;
#   - every artifact is stripped and carries LICENSE-MIT and LICENSE-APACHE.
#
#   ./scripts/test-dist.sh [SECTION...]    # sections: go wheel sdist editable cmake pkgconfig cxx14 install (all)
#
# Needs the release emulator (target/release/cibatch-emulator), Go, CMake, pkg-config, a C/C++ compiler, the pyenv
# Pythons 3.8 and 3.13 (~/.pyenv/versions), and PyPI for pip's isolated builds (setuptools, wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
all_sections=(go wheel sdist editable cmake pkgconfig cxx14 install)
sections=("$@")
[ $# -gt 0 ] || sections=("${all_sections[@]}")
for section in "${sections[@]}"; do
  case " ${all_sections[*]} " in *" $section "*) ;; *) echo "unknown section '$section' (${all_sections[*]})" >&2; exit 2 ;; esac
done
repo=$PWD
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
dist=$repo/target/dist
module=github.com/cibatch/cibatch/bindings/go
wheel=$(ls "$dist"/cibatch-"$version"-py3-none-manylinux_*_x86_64.whl 2>/dev/null | head -n 1 || true)
sdist=$dist/cibatch-$version.tar.gz
tarball=$dist/cibatch-$version-linux-x86_64.tar.gz
for f in "$dist/go/go.mod" "$dist/goproxy/$module/@v/v$version.zip" "$wheel" "$sdist" "$tarball" \
  target/release/cibatch-emulator; do
  [ -n "$f" ] && [ -e "$f" ] || { echo "missing ${f:-the wheel}: run ./scripts/package.sh (and cargo build --release)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/cibatch-dist-test.XXXXXX)  # outside the repository
emu=
cleanup() {
  [ -z "$emu" ] || kill "$emu" 2>/dev/null || true
  chmod -R u+w "$work" 2>/dev/null || true  # the Go module cache is read-only
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
expect() { # expect FILE PATTERN
  grep -q -- "$2" "$1" || { echo "FAILED: $1 lacks '$2':" >&2; cat "$1" >&2; exit 1; }
}

# PATH without cargo and rustc: users of the artifacts have no Rust toolchain.
no_rust_path=
IFS=: read -r -a path_dirs <<< "$PATH"
for d in "${path_dirs[@]}"; do
  [ -x "$d/cargo" ] || [ -x "$d/rustc" ] || no_rust_path=${no_rust_path:+$no_rust_path:}$d
done
if PATH=$no_rust_path command -v cargo >/dev/null || PATH=$no_rust_path command -v rustc >/dev/null; then
  fail "could not take cargo and rustc off PATH"
fi
with_rust_path=$PATH

step "Every artifact is stripped and carries both licences"
mkdir -p "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
sdk=$work/unpacked/cibatch-$version-linux-x86_64
python3 -m zipfile -e "$wheel" "$work/unpacked/wheel"
for lib in "$sdk/lib/libcibatch.so.$version" "$sdk/lib/libcibatch.a" "$work/unpacked/wheel/cibatch/libcibatch.so" \
  "$dist/go/build/linux-amd64/libcibatch.a"; do
  if readelf -S --wide "$lib" | grep '\.debug_' >/dev/null; then fail "$lib has debug sections"; fi
done
tar -tzf "$sdist" > "$work/sdist.list"
python3 -m zipfile -l "$dist/goproxy/$module/@v/v$version.zip" > "$work/gozip.list"
for lic in LICENSE-MIT LICENSE-APACHE; do
  [ -f "$sdk/$lic" ] && [ -f "$sdk/share/doc/cibatch/$lic" ] || fail "tarball lacks $lic"
  [ -f "$work/unpacked/wheel/cibatch-$version.dist-info/licenses/$lic" ] || fail "wheel lacks $lic"
  grep -qx "cibatch-$version/$lic" "$work/sdist.list" || fail "sdist lacks $lic"
  grep -qx "cibatch-$version/rust/$lic" "$work/sdist.list" || fail "sdist's crate lacks $lic"
  grep -q "^$module@v$version/$lic " "$work/gozip.list" || fail "Go module zip lacks $lic"
done
if readelf -S --wide "$sdk/bin/cibatch" | grep -E '\.debug_(info|line|str) ' >/dev/null; then fail "bin/cibatch has debug sections"; fi
"$sdk/bin/cibatch" --version | grep -qx "cibatch $version" || fail "the tarball's bin/cibatch is not version $version"
echo "stripped: .so and .a in the tarball, the wheel and the Go module, and bin/cibatch; licences in all four"

target/release/cibatch-emulator --port 0 --submitted-ms 200 --running-ms 300 > "$work/emulator.out" &
emu=$!
for _ in $(seq 50); do grep -q endpoint= "$work/emulator.out" && break; sleep 0.1; done
export CIBATCH_BUCKET=examplebucket-1250000000 CIBATCH_REGION=ap-beijing
export CIBATCH_ENDPOINT=$(sed -n 's/^endpoint=\([^ ]*\).*/\1/p' "$work/emulator.out")
export TENCENTCLOUD_SECRET_ID=AKIDcibatchEmulatorLocalOnly0000 TENCENTCLOUD_SECRET_KEY=cibatchEmulatorLocalOnlyKey00000
[ -n "$CIBATCH_ENDPOINT" ] || fail "the emulator did not start: $(cat "$work/emulator.out")"
unset LD_LIBRARY_PATH

test_go() {
  step "Go: a fresh module fetches $module through GOPROXY=file://, builds, runs (no Rust on PATH)"
  app=$work/goapp
  mkdir -p "$app"
  cp tests/dist/go/main.go "$app/"
  (
    export PATH=$no_rust_path GOPROXY=file://$dist/goproxy GOFLAGS=-mod=mod GONOSUMDB=github.com/cibatch \
      GOMODCACHE=$work/gomodcache GOTOOLCHAIN=local
    cd "$app"
    go mod init example.com/distapp >/dev/null 2>&1
    go get "$module@v$version" > get.out 2>&1 || { cat get.out; fail "go get $module@v$version"; }
    go build -o app .
    ./app > app.out
    expect app.out "described b[0-9a-f]* dist-go Submitted with libcibatch $version build "
    cat app.out
    # go mod vendor keeps the header and the prebuilt library (vendor.go imports their directories).
    GOFLAGS= go mod vendor
    [ -f "vendor/$module/include/cibatch.h" ] && [ -f "vendor/$module/build/linux-amd64/libcibatch.a" ] ||
      fail "go mod vendor pruned the header or the library"
    GOFLAGS= go build -mod=vendor -o app-vendored .
    ./app-vendored > vendored.out
    expect vendored.out "described b[0-9a-f]* dist-go Submitted"
    echo "vendored build: $(cat vendored.out)"
    # A library that is not the one the package was packaged with refuses to start, naming both builds.
    cp -r "$dist/go" "$work/tampered"
    sed -i 's/expectedBuildID = "[0-9a-f]*"/expectedBuildID = "00000000deadbeef"/' "$work/tampered/zz_buildid.go"
    go mod edit -replace="$module=$work/tampered"
    go build -o app-tampered .
    if ./app-tampered > tampered.out 2>&1; then fail "a library of another build ran: $(cat tampered.out)"; fi
    build_id=$(sed -n 's/.*expectedBuildID = "\([0-9a-f]*\)".*/\1/p' "$dist/go/zz_buildid.go")
    expect tampered.out "expects libcibatch build 00000000deadbeef but linked build $build_id"
    echo "another build refused: $(head -n 1 tampered.out | cut -c1-140)..."
  )
}

test_wheel() {
  step "Python: the wheel in fresh venvs of 3.11 and two other versions (no Rust on PATH)"
  pythons=(python3)
  for v in 3.8 3.13; do
    p=$(ls -d "$HOME"/.pyenv/versions/"$v".*/bin/python3 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$p" ]; then pythons+=("$p"); else fail "no Python $v under ~/.pyenv/versions"; fi
  done
  for py in "${pythons[@]}"; do
    v=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    env=$work/wheel-$v
    PATH=$no_rust_path "$py" -m venv "$env"
    PATH=$no_rust_path "$env/bin/python" -m pip install -q --disable-pip-version-check --no-index "$wheel"
    (cd "$work" && PATH=$no_rust_path "$env/bin/python" "$repo/tests/dist/describe.py") > "$work/wheel-$v.out"
    expect "$work/wheel-$v.out" "described b[0-9a-f]* dist-python Submitted on Python $v"
    expect "$work/wheel-$v.out" "$env/lib/python$v/site-packages/cibatch"
    echo "Python $v: $(cut -d' ' -f1-7 "$work/wheel-$v.out")"
  done
}

test_sdist() {
  step "Python: the sdist without cargo says that Rust is needed"
  env=$work/sdist
  python3 -m venv "$env"
  if PATH=$no_rust_path "$env/bin/python" -m pip install --no-cache-dir --disable-pip-version-check "$sdist" \
    > "$work/sdist-no-rust.out" 2>&1; then
    fail "the sdist installed without cargo"
  fi
  expect "$work/sdist-no-rust.out" "building from source needs Rust, and \`cargo\` is not on PATH"
  expect "$work/sdist-no-rust.out" "https://rustup.rs"
  grep -q "Errno 2" "$work/sdist-no-rust.out" && fail "a raw OSError: $(cat "$work/sdist-no-rust.out")"
  grep -m 1 "needs Rust" "$work/sdist-no-rust.out"

  step "Python: the sdist builds with cargo (target dir shared with the repository), progress on the terminal"
  # script(1) gives pip a terminal, as a user has: cargo's progress reaches it although pip captures the build.
  export CARGO_TARGET_DIR=$repo/target
  script -qec "$env/bin/python -m pip install --no-cache-dir --disable-pip-version-check '$sdist'" /dev/null \
    > "$work/sdist.out" 2>&1 || { cat "$work/sdist.out"; fail "the sdist did not install"; }
  unset CARGO_TARGET_DIR
  sed -i -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r//g' "$work/sdist.out"  # the terminal's colours and line ends
  expect "$work/sdist.out" "cibatch: building the Rust library with cargo"
  expect "$work/sdist.out" "Compiling cibatch v$version"
  expect "$work/sdist.out" "Successfully installed cibatch-$version"
  (cd "$work" && PATH=$no_rust_path "$env/bin/python" "$repo/tests/dist/describe.py") > "$work/sdist-run.out"
  expect "$work/sdist-run.out" "described b[0-9a-f]* dist-python Submitted"
  echo "sdist: built with cargo and installed; $(cut -d' ' -f1-4 "$work/sdist-run.out")"
}

test_editable() {
  step "Python: the editable install loads the library from the build tree"
  env=$work/editable
  python3 -m venv "$env"
  "$env/bin/python" -m pip install -q --disable-pip-version-check -e ./bindings/python > "$work/editable-install.out" 2>&1 ||
    { cat "$work/editable-install.out"; fail "the editable install failed"; }
  (cd "$work" && "$env/bin/python" -c 'import cibatch._ffi as f; print(f._library_path())') > "$work/editable.out"
  expect "$work/editable.out" "^$repo/target/release/libcibatch.so$"
  (cd "$work" && "$env/bin/python" "$repo/tests/dist/describe.py") > "$work/editable-run.out"
  expect "$work/editable-run.out" "from $repo/bindings/python/cibatch"
  echo "editable: cibatch from bindings/python, library $(cat "$work/editable.out")"
}

test_cmake() {
  PATH=$no_rust_path
  step "C/C++: CMake find_package(cibatch) from the unpacked tarball, shared and static (no Rust on PATH)"
  cmake -S tests/dist -B "$work/cmake" -DCMAKE_PREFIX_PATH="$sdk" -DCMAKE_BUILD_TYPE=Release > "$work/cmake.out" ||
    { cat "$work/cmake.out"; fail "cmake configure"; }
  cmake --build "$work/cmake" -j 2 > "$work/cmake-build.out" 2>&1 || { cat "$work/cmake-build.out"; fail "cmake build"; }
  for lang in c cpp; do
    shared=$work/cmake/describe_${lang}_shared static=$work/cmake/describe_${lang}_static
    readelf -d "$shared" | grep "RUNPATH.*$sdk/lib" >/dev/null || fail "$shared has no RUNPATH to $sdk/lib: $(readelf -d "$shared")"
    readelf -d "$shared" | grep 'NEEDED.*libcibatch.so.0' >/dev/null || fail "$shared does not use the shared library"
    if readelf -d "$static" | grep 'libcibatch' >/dev/null; then fail "$static needs the shared library"; fi
    "$shared" > "$work/$lang-shared.out"
    "$static" > "$work/$lang-static.out"
    expect "$work/$lang-shared.out" "described b[0-9a-f]* dist-$lang Submitted with libcibatch $version"
    expect "$work/$lang-static.out" "described b[0-9a-f]* dist-$lang Submitted with libcibatch $version"
    echo "$lang: shared (RUNPATH, no LD_LIBRARY_PATH) and static both described a job"
  done
}

test_pkgconfig() {
  PATH=$no_rust_path
  step "C: pkg-config from the unpacked tarball, shared and --static"
  export PKG_CONFIG_PATH=$sdk/lib/pkgconfig
  cc -std=c99 -Wall -Wextra -Werror tests/dist/describe.c $(pkg-config --cflags --libs cibatch) \
    -Wl,-rpath,"$(pkg-config --variable=libdir cibatch)" -o "$work/pc-shared"
  cc -std=c99 -Wall -Wextra -Werror tests/dist/describe.c $(pkg-config --static --cflags --libs cibatch) \
    -o "$work/pc-static"
  unset PKG_CONFIG_PATH
  readelf -d "$work/pc-shared" | grep 'NEEDED.*libcibatch.so.0' >/dev/null || fail "pkg-config: no shared link"
  if readelf -d "$work/pc-static" | grep 'libcibatch' >/dev/null; then fail "pkg-config --static linked the shared library"; fi
  "$work/pc-shared" > "$work/pc-shared.out"
  "$work/pc-static" > "$work/pc-static.out"
  expect "$work/pc-shared.out" "described b[0-9a-f]* dist-c Submitted"
  expect "$work/pc-static.out" "described b[0-9a-f]* dist-c Submitted"
  echo "pkg-config: shared and --static (no libcibatch.so needed) both described a job"
}

test_cxx14() {
  PATH=$no_rust_path
  step "C++: cibatch.hpp below C++17 stops with a clear #error"
  if c++ -std=c++14 -fsyntax-only -I"$sdk/include" tests/dist/describe.cpp > "$work/cxx14.out" 2>&1; then
    fail "cibatch.hpp compiled as C++14"
  fi
  expect "$work/cxx14.out" "#error \"cibatch.hpp needs C++17 or later"
  grep -m 1 'error' "$work/cxx14.out" | grep 'cibatch.hpp needs C++17' >/dev/null || fail "the first error is not the #error"
  grep -q 'cibatch.hpp:[0-9]*:[0-9]*: error' "$work/cxx14.out" && ! grep -q 'cibatch.hpp:[0-9]*:[0-9]*: error: #error'   "$work/cxx14.out" && fail "errors inside cibatch.hpp besides the #error"
  echo "C++14: $(grep -m 1 -o 'cibatch.hpp needs C++17 or later[^.]*' "$work/cxx14.out")"
}

test_install() {
  step "C: scripts/install.sh PREFIX, then scripts/uninstall.sh PREFIX removes exactly what it installed"
  prefix=$work/prefix
  mkdir -p "$prefix/lib" "$prefix/include"
  echo keep > "$prefix/lib/other-library.txt"
  (find "$prefix" | sort) > "$work/before.txt"
  ./scripts/install.sh "$prefix" > "$work/install.out"
  manifest=$prefix/share/cibatch/install-manifest.txt
  (cd "$prefix" && find . -mindepth 1 \( -type f -o -type l \) | sed 's|^\./||' | grep -v '^lib/other-library.txt$' |
    sort) > "$work/installed-files.txt"
  grep -v '/$' "$manifest" | sort > "$work/manifest-files.txt"
  diff "$work/installed-files.txt" "$work/manifest-files.txt" || fail "the manifest is not the list of installed files"
  for f in include/cibatch.h include/cibatch.hpp "lib/libcibatch.so.$version" lib/libcibatch.so.0 lib/libcibatch.so \
    lib/libcibatch.a lib/pkgconfig/cibatch.pc lib/cmake/cibatch/cibatchConfig.cmake \
    lib/cmake/cibatch/cibatchConfigVersion.cmake share/doc/cibatch/LICENSE-MIT; do
    grep -qx "$f" "$work/manifest-files.txt" || fail "install.sh did not install $f"
  done
  PKG_CONFIG_PATH=$prefix/lib/pkgconfig cc tests/dist/describe.c \
    $(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --static --cflags --libs cibatch) -o "$work/installed-static"
  "$work/installed-static" > "$work/installed-static.out"
  expect "$work/installed-static.out" "described b[0-9a-f]* dist-c Submitted"
  ./scripts/uninstall.sh "$prefix" > "$work/uninstall.out"
  (find "$prefix" | sort) > "$work/after.txt"
  diff "$work/before.txt" "$work/after.txt" || fail "uninstall did not restore the prefix"
  echo "install: $(wc -l < "$work/manifest-files.txt") files listed and installed; $(cat "$work/uninstall.out")"
}

for section in "${sections[@]}"; do
  ( "test_$section" )
done
printf '\nDistribution tests passed.\n'
