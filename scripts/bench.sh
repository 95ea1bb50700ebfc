#!/usr/bin/env bash
# The benchmark suite: builds everything, starts the canned loopback server, runs the Rust, C, Python and Go
# benchmarks side by side, counts instructions and allocations per describe, prints the table and writes
# BENCHMARKS.md. Takes a few minutes.
#
# Every describe row is measured twice, each time beside a raw keep-alive floor measured in the same run:
#   pinned    the server and the client on CPU 0 (`taskset -c 0`): the clients' own costs plus one context switch;
#   unpinned  no placement, as users run it (the targets of issue 17 are judged here), against a server whose one
#             thread serves every connection, so that a client and its floor meet the same server thread wherever
#             the scheduler puts it; three runs.
# Every client is compared with the raw floor (benches/c/floor.c) measured in its own process, in alternating rounds.
# Instructions and allocations per describe come from valgrind (callgrind, and memcheck's heap summary): the
# difference between 200 and 100 describes through the C ABI, divided by 100, so start-up and warm-up cancel out;
# the same for ureq alone (examples/bench_ureq_floor.rs: the GET without signing or parsing), the part that stays.
# A part that cannot run (valgrind, Python's or Go's official SDK missing) is reported as not measured.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
results=$out/results.jsonl
mkdir -p $out
: > "$results"

# Tags each JSON line of a benchmark with where it ran (and, for the describe rows, which run: a client is compared
# with the floor of its own run).
tag() { sed "s/^{/{\"placement\": \"$1\", \"run\": ${2:-0}, /" | grep '^{' >> "$results" || true; }

cargo build --release --lib --example bench_server --example bench_ureq_floor
cargo bench --bench core --no-run 2>/dev/null
cc -O2 -Iinclude benches/c/bench_describe.c benches/c/floor.c target/release/libcibatch.a -lpthread -ldl -lm \
  -o $out/c_bench
cc -O2 -shared -fPIC benches/c/floor.c -o $out/libfloor.so
cc -O2 -Iinclude benches/c/count_describe.c target/release/libcibatch.a -lpthread -ldl -lm -o $out/count_describe

# Pinned latency; unpinned latency (one server thread); throughput (a thread per connection, on both CPUs).
taskset -c 0 target/release/examples/bench_server > $out/server.out &
pinned_server=$!
target/release/examples/bench_server --one-thread > $out/server_one.out &
unpinned_server=$!
target/release/examples/bench_server > $out/server_mt.out &
throughput_server=$!
trap 'kill $pinned_server $unpinned_server $throughput_server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q port= $out/server.out && grep -q port= $out/server_one.out && grep -q port= $out/server_mt.out && break
  sleep 0.1
done
pinned_port=$(sed -n 's/^port=//p' $out/server.out)
unpinned_port=$(sed -n 's/^port=//p' $out/server_one.out)
throughput_port=$(sed -n 's/^port=//p' $out/server_mt.out)

python_ready=false
if [ ! -x target/venv/bin/python ]; then python3 -m venv target/venv || true; fi
if target/venv/bin/python -m pip install -q --disable-pip-version-check -r tests/python/requirements.txt \
  ./bindings/python 2>$out/pip.log; then
  python_ready=true
else
  echo "the Python binding or the official Python SDK could not be installed (see $out/pip.log); Python rows are left out" >&2
fi
go_ready=false
if (cd benches/go && go build -o ../../target/bench/go_bench . 2>../../target/bench/go_build.log); then
  go_ready=true
else
  echo "the official Go SDK could not be set up (see $out/go_build.log); Go rows are left out" >&2
fi

# One placement's describe rows: Rust, C, Python and Go, each beside the floor in its own process.
describe_rows() { # $1: placement, $2: run number, $3: port, rest: placement command
  local placement=$1 run=$2 port=$3
  shift 3
  echo "describe, $placement: Rust, C, Python, Go" >&2
  CIBATCH_BENCH_PORT=$port CIBATCH_BENCH_ONLY=describe "$@" cargo bench --bench core 2>/dev/null | tag "$placement" "$run"
  CIBATCH_BENCH_PORT=$port "$@" $out/c_bench | grep -v c_peak_rss | tag "$placement" "$run"
  if $python_ready; then
    { CIBATCH_BENCH_PORT=$port CIBATCH_BENCH_ONLY=describe CIBATCH_BENCH_FLOOR_LIB=$out/libfloor.so "$@" \
      target/venv/bin/python benches/python/bench.py \
      || echo "the Python describe benchmark failed ($placement)" >&2; } | tag "$placement" "$run"
  fi
  if $go_ready; then
    { CIBATCH_BENCH_PORT=$port CIBATCH_BENCH_ONLY=describe "$@" $out/go_bench \
      || echo "the Go describe benchmark failed ($placement)" >&2; } | tag "$placement" "$run"
  fi
}
describe_rows pinned 1 "$pinned_port" taskset -c 0
# Unpinned, where the scheduler puts the server thread and the client moves from run to run: three runs, of which
# the report takes, for each client, the run whose ratio to its own floor (of that run) is the median.
for run in 1 2 3; do describe_rows unpinned "$run" "$unpinned_port" env; done

echo "Rust: signing, parsing, a 10,000-result report (one CPU); threads (both CPUs)" >&2
CIBATCH_BENCH_ONLY=sign,parse,report taskset -c 0 cargo bench --bench core 2>/dev/null | tag pinned
CIBATCH_BENCH_ONLY=threads CIBATCH_BENCH_PORT=$throughput_port cargo bench --bench core 2>/dev/null | tag unpinned
echo "C: memory after 10,000 calls" >&2
CIBATCH_BENCH_PORT=$pinned_port taskset -c 0 $out/c_bench | grep c_peak_rss | tag pinned
if $python_ready; then
  echo "Python: signing, parsing, start-up and memory" >&2
  { CIBATCH_BENCH_PORT=$pinned_port CIBATCH_BENCH_ONLY=sign,parse,startup taskset -c 0 \
    target/venv/bin/python benches/python/bench.py || echo "the Python benchmarks failed" >&2; } | tag pinned
fi
if $go_ready; then
  echo "Go: threads" >&2
  { CIBATCH_BENCH_ONLY=threads CIBATCH_BENCH_PORT=$throughput_port $out/go_bench \
    || echo "the Go throughput benchmark failed" >&2; } | tag unpinned
fi

echo "Instructions and allocations per describe through the C ABI (valgrind)" >&2
if command -v valgrind > /dev/null; then
  for n in 100 200; do
    CIBATCH_BENCH_PORT=$pinned_port valgrind --tool=callgrind --callgrind-out-file=$out/callgrind.$n.out \
      $out/count_describe $n 2> $out/callgrind.$n.log
    CIBATCH_BENCH_PORT=$pinned_port valgrind $out/count_describe $n 2> $out/memcheck.$n.log
    CIBATCH_BENCH_PORT=$pinned_port valgrind --tool=callgrind --callgrind-out-file=$out/ureq_callgrind.$n.out \
      target/release/examples/bench_ureq_floor $n 2> $out/ureq_callgrind.$n.log
    CIBATCH_BENCH_PORT=$pinned_port valgrind target/release/examples/bench_ureq_floor $n 2> $out/ureq_memcheck.$n.log
  done
  python3 - "$out" >> "$results" <<'EOF'
import json, re, sys
out = sys.argv[1]
def total(path, pattern):
    return int(re.search(pattern, open(path).read()).group(1).replace(",", ""))
for prefix, bench, variant in [("", "describe", "c"), ("ureq_", "ureq_get", "ureq")]:
    ir = [total(f"{out}/{prefix}callgrind.{n}.log", r"Collected : (\d+)") for n in (100, 200)]
    allocs = [total(f"{out}/{prefix}memcheck.{n}.log", r"total heap usage: ([\d,]+) allocs") for n in (100, 200)]
    print(json.dumps({"bench": f"{bench}_instructions", "variant": variant, "count": (ir[1] - ir[0]) / 100}))
    print(json.dumps({"bench": f"{bench}_allocations", "variant": variant, "count": (allocs[1] - allocs[0]) / 100}))
EOF
else
  echo "valgrind is not installed: instructions and allocations are not measured" >&2
fi

python3 benches/report.py "$results" BENCHMARKS.md
