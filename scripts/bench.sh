#!/usr/bin/env bash
# The benchmark suite: builds everything, starts the canned loopback server, runs the Rust, C, Python and Go
# benchmarks side by side, prints the table and writes BENCHMARKS.md. Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
results=target/bench/results.jsonl
mkdir -p target/bench
: > "$results"

cargo build --release --lib --example bench_server
cargo bench --bench core --no-run 2>/dev/null

target/release/examples/bench_server > target/bench/server.out &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q port= target/bench/server.out && break; sleep 0.1; done
export CIBATCH_BENCH_PORT=$(sed -n 's/^port=//p' target/bench/server.out)

echo "Rust: signing, parsing, describe vs the raw floor, threads" >&2
cargo bench --bench core 2>/dev/null | grep '^{' >> "$results"

echo "C: describe and memory" >&2
cc -O2 -Iinclude benches/c/bench_describe.c target/release/libcibatch.a -lpthread -ldl -lm -o target/bench/c_bench
target/bench/c_bench >> "$results"

echo "Python: our binding vs cos-python-sdk-v5" >&2
if [ ! -x target/venv/bin/python ]; then python3 -m venv target/venv; fi
target/venv/bin/python -m pip install -q --disable-pip-version-check -r tests/python/requirements.txt ./bindings/python
target/venv/bin/python benches/python/bench.py >> "$results"

echo "Go: our binding vs cos-go-sdk-v5" >&2
if (cd benches/go && go build -o ../../target/bench/go_bench . 2>target/bench/go_build.log); then
  target/bench/go_bench >> "$results"
else
  echo "the official Go SDK could not be set up (see target/bench/go_build.log); Go rows are left out" >&2
fi

python3 benches/report.py "$results" BENCHMARKS.md
