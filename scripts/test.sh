#!/usr/bin/env bash
# Every test of the project, as the README and CI run them. Installs what is missing on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# With CIBATCH_BLESS set, tests/header.rs rewrites the header instead of checking it: the run would prove nothing.
if [ -n "${CIBATCH_BLESS+set}" ]; then
  echo "refusing to run with CIBATCH_BLESS set (it makes the header check rewrite include/cibatch.h); unset it" >&2
  exit 2
fi

for tool in valgrind openssl cmake pkg-config; do
  if ! command -v "$tool" >/dev/null; then
    echo "installing $tool"
    (apt-get update -qq || true) && apt-get install -y -qq "$tool" >/dev/null
  fi
done

step "Rust: format, lints"
cargo fmt --all --check
cargo clippy --all-targets --features cli -- -D warnings

step "Rust: unit, integration and doc tests (with the command line)"
cargo test --features cli

step "Rust: the library without default features (the fuzz targets' configuration)"
cargo build --lib --no-default-features

step "Build the release library (shared and static), emulator binary and demo"
cargo build --release --lib --bin cibatch-emulator --example demo

step "C and C++: the ABI from real C, under valgrind"
./scripts/test-c.sh

step "Python: the official SDK (cos-python-sdk-v5) against the emulator"
if [ ! -x target/venv/bin/python ]; then
  python3 -m venv target/venv
fi
target/venv/bin/python -m pip install -q --disable-pip-version-check -r tests/python/requirements.txt
target/venv/bin/python -m pytest -q tests/python

step "Go: the official SDK (cos-go-sdk-v5) against the emulator"
(cd tests/go_official && go vet ./... && go test -count=1 ./...)

step "Python binding: pip install ./bindings/python, then its suite"
target/venv/bin/python -m pip install -q --disable-pip-version-check ./bindings/python
(cd target && venv/bin/python -m pytest -q ../bindings/python/tests)
echo "mypy --strict over the tests' use of cibatch.aio:"
target/venv/bin/python -m pip install -q --disable-pip-version-check mypy==2.4.1
(cd bindings/python && ../../target/venv/bin/python -m mypy --strict --follow-imports=silent tests/test_aio.py)

step "Go binding: vet, tests with the race detector, tests with GOGC=1"
unformatted=$(gofmt -l bindings/go examples/go tests/go_official)
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted"; exit 1; fi
(cd bindings/go && go vet ./... && go test -race -count=1 ./... && GOGC=1 go test -count=1 ./...)

step "Every example in C, Python and Go against the standalone emulator"
./scripts/test-examples.sh

step "Demo runs end to end against the embedded emulator"
target/release/examples/demo > target/demo.out
grep -q "^Done in" target/demo.out
grep -A1 "a second cancel is refused" target/demo.out | grep -q -- "-> .*InvalidArgument"

step "Release artifacts: build them (./scripts/package.sh), then install and use each as its users would"
./scripts/package.sh
./scripts/test-dist.sh

printf '\nAll tests passed.\n'
