#!/usr/bin/env bash
# The C ABI from real C and C++: strict warnings, the shared and the static library, valgrind with zero leaks
# and zero errors, and the C examples. Called by scripts/test.sh after `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null; then
  echo "installing valgrind"
  apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
fi

out=target/c
lib=target/release
mkdir -p "$out"
CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -Iinclude -Itests/c)
VALGRIND=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
          --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99)

python3 tests/c/gen_abi_checks.py include/cibatch.h > "$out/abi_checks.c"
# The generated checks must cover every function the library exports (a header the generator misreads, or an
# export missing from the header, would otherwise shrink them silently).
exported=$(nm -D --defined-only "$lib/libcibatch.so" | awk '$3 ~ /^cibatch_/ {print $3}' | sort)
checked=$(sed -n 's|^  /\* checked: \(cibatch_[a-z0-9_]*\) \*/$|\1|p' "$out/abi_checks.c" | sort)
unchecked=$(comm -23 <(echo "$exported") <(echo "$checked"))
if [ -z "$exported" ] || [ -n "$unchecked" ]; then
  echo "exports without generated ABI checks: ${unchecked:-(no exports found)}"; exit 1
fi
echo "generated ABI checks cover all $(echo "$exported" | wc -l) exported functions"
cc "${CFLAGS[@]}" tests/c/test_cibatch.c tests/c/test_lifecycle.c tests/c/test_create_outcome.c tests/c/test_results.c "$out/abi_checks.c" -L"$lib" -lcibatch -lpthread -o "$out/test_cibatch"
cc "${CFLAGS[@]}" tests/c/test_cibatch.c tests/c/test_lifecycle.c tests/c/test_create_outcome.c tests/c/test_results.c "$out/abi_checks.c" "$lib/libcibatch.a" -lpthread -ldl -lm \
  -o "$out/test_cibatch_static"
c++ -std=c++17 -Wall -Wextra -Werror -pedantic -g -Iinclude tests/c/test_cpp.cpp -L"$lib" -lcibatch \
  -o "$out/test_cpp"
for example in examples/c/*.c; do
  cc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude "$example" -L"$lib" -lcibatch \
    -o "$out/$(basename "$example" .c)"
done

export LD_LIBRARY_PATH="$PWD/$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "C tests (shared library, under valgrind):"
"${VALGRIND[@]}" "$out/test_cibatch"
echo "C tests (static library):"
"$out/test_cibatch_static" | tail -n 1
echo "C++ test (under valgrind):"
"${VALGRIND[@]}" "$out/test_cpp"
echo "examples/c/tour.c (under valgrind):"
"${VALGRIND[@]}" "$out/tour" > "$out/tour.out"
grep -q "does not exist" "$out/tour.out"
echo "examples/c/query_job.c: a missing job is a clear error"
if CIBATCH_BUCKET=examplebucket-1250000000 CIBATCH_REGION=ap-beijing CIBATCH_ENDPOINT=http://127.0.0.1:1 \
   TENCENTCLOUD_SECRET_ID=id TENCENTCLOUD_SECRET_KEY=key "$out/query_job" b1 2> "$out/query_job.err"; then
  echo "query_job should fail without a server"; exit 1
fi
grep -q "describe jobs" "$out/query_job.err"
echo "pkg-config against the build tree (target/release/cibatch.pc): build and run examples/c/tour.c with it"
flags=$(PKG_CONFIG_PATH="$PWD/$lib" pkg-config --cflags --libs cibatch)
case " $flags " in
  *" -I$PWD/include "*"-L$PWD/$lib "*) ;;
  *) echo "cibatch.pc does not describe this build tree: $flags"; exit 1 ;;
esac
cc -std=c99 -Wall -Werror examples/c/tour.c $flags -o "$out/tour_pc"
"$out/tour_pc" | grep -q "does not exist"

echo "The panic boundary at run time (a library variant built with the test-hooks feature, under valgrind):"
cargo build -q --lib --features test-hooks
mkdir -p "$out/hooks"
cp target/debug/libcibatch.a "$out/hooks/"
cc "${CFLAGS[@]}" tests/c/test_panic.c "$out/hooks/libcibatch.a" -lpthread -ldl -lm -o "$out/test_panic"
RUST_BACKTRACE=0 "${VALGRIND[@]}" "$out/test_panic" 2> "$out/test_panic.err"
grep -q "CIBATCH_TEST_PANIC is set: a panic inside the boundary" "$out/test_panic.err"
echo "... and the shipped library has no fault hook:"
cc "${CFLAGS[@]}" tests/c/test_panic.c "$lib/libcibatch.a" -lpthread -ldl -lm -o "$out/test_panic_shipped"
"$out/test_panic_shipped" shipped
if grep -q CIBATCH_TEST_PANIC "$lib/libcibatch.so" "$lib/libcibatch.a"; then
  echo "the release library contains the test-hooks fault hook"; exit 1
fi

echo "C++ wrapper include/cibatch.hpp (under valgrind):"
c++ -std=c++17 -Wall -Wextra -Werror -pedantic -g -Iinclude tests/c/test_hpp.cpp -L"$lib" -lcibatch -o "$out/test_hpp"
"${VALGRIND[@]}" "$out/test_hpp"

echo "scripts/install.sh into a prefix, then build against it with pkg-config (shared and static):"
prefix="$PWD/$out/prefix"
rm -rf "$prefix"
./scripts/install.sh "$prefix" > /dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
readelf -d "$prefix/lib/libcibatch.so" | grep -q 'SONAME.*libcibatch.so.0'
cc -std=c99 -Wall -Werror examples/c/tour.c $(pkg-config --cflags --libs cibatch) -o "$out/tour_installed"
LD_LIBRARY_PATH="$prefix/lib" "$out/tour_installed" | grep -q "does not exist"
cc -std=c99 -Wall -Werror examples/c/tour.c $(pkg-config --static --cflags --libs cibatch) -o "$out/tour_static"
if readelf -d "$out/tour_static" | grep 'libcibatch' > /dev/null; then echo "pkg-config --static linked libcibatch.so"; exit 1; fi
"$out/tour_static" | grep -q "does not exist"
echo "installed: header, libcibatch.so.0, libcibatch.a, cibatch.pc all work"
