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

# Latency is measured with the server and every client on one CPU: on these VMs a wake-up across CPUs costs tens
# of microseconds and lands on whichever connection the scheduler happens to split, which would swamp the
# clients' own costs. Throughput uses a second, unpinned server and both cores.
taskset -c 0 target/release/examples/bench_server > target/bench/server.out &
server=$!
target/release/examples/bench_server > target/bench/server_mt.out &
server_mt=$!
trap 'kill $server $server_mt 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q port= target/bench/server.out && grep -q port= target/bench/server_mt.out && break; sleep 0.1; done
export CIBATCH_BENCH_PORT=$(sed -n 's/^port=//p' target/bench/server.out)
mt_port=$(sed -n 's/^port=//p' target/bench/server_mt.out)
pin="taskset -c 0"

echo "Rust: signing, parsing, describe and a 10,000-result report vs the raw floor (one CPU); threads (both CPUs)" >&2
CIBATCH_BENCH_ONLY=sign,parse,describe,report $pin cargo bench --bench core 2>/dev/null | grep '^{' >> "$results"
CIBATCH_BENCH_ONLY=threads CIBATCH_BENCH_PORT=$mt_port cargo bench --bench core 2>/dev/null | grep '^{' >> "$results"

echo "C: describe and memory" >&2
cc -O2 -Iinclude benches/c/bench_describe.c target/release/libcibatch.a -lpthread -ldl -lm -o target/bench/c_bench
$pin target/bench/c_bench >> "$results"

echo "Python: our binding vs cos-python-sdk-v5" >&2
if [ ! -x target/venv/bin/python ]; then python3 -m venv target/venv; fi
target/venv/bin/python -m pip install -q --disable-pip-version-check -r tests/python/requirements.txt ./bindings/python
$pin target/venv/bin/python benches/python/bench.py >> "$results"

echo "Go: our binding vs cos-go-sdk-v5" >&2
if (cd benches/go && go build -o ../../target/bench/go_bench . 2>../../target/bench/go_build.log); then
  CIBATCH_BENCH_ONLY=describe $pin target/bench/go_bench >> "$results"
  CIBATCH_BENCH_ONLY=threads CIBATCH_BENCH_PORT=$mt_port target/bench/go_bench >> "$results"
else
  echo "the official Go SDK could not be set up (see target/bench/go_build.log); Go rows are left out" >&2
fi

python3 benches/report.py "$results" BENCHMARKS.md
