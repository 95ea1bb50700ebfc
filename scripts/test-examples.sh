#!/usr/bin/env bash
# Every example of every language, end to end against the standalone emulator, configured from the environment
# like the demo: create both job types, describe several (one missing), list every page, wait, cancel, sign,
# query one job, and the emulator examples. Needs the release build, target/c (scripts/test-c.sh), the Python
# venv with our binding, and Go.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/examples
mkdir -p "$out"

# Each describe moves a job one state on: what the examples print (a wait sees Running) never depends on timing.
# Batch jobs over report/ fan out into 20 units, of which the 10 of report/img-0001* fail.
target/release/cibatch-emulator --port 0 --clock per-describe --objects 20:report/img-:.jpg \
  --fail-objects 'report/img-0001*:InvalidInput:cannot read the image' > "$out/emulator.out" &
emu=$!
trap 'kill $emu 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q endpoint= "$out/emulator.out" && break; sleep 0.1; done
export CIBATCH_BUCKET=examplebucket-1250000000 CIBATCH_REGION=ap-beijing
export CIBATCH_ENDPOINT=$(sed -n 's/^endpoint=\([^ ]*\).*/\1/p' "$out/emulator.out")
export TENCENTCLOUD_SECRET_ID=AKIDcibatchEmulatorLocalOnly0000 TENCENTCLOUD_SECRET_KEY=cibatchEmulatorLocalOnlyKey00000

for example in examples/c/*.c; do
  cc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude "$example" -Ltarget/release -lcibatch \
    -o "$out/c_$(basename "$example" .c)"
done
(cd examples/go && go vet ./... && for d in */; do go build -o "../../$out/go_${d%/}" "./$d"; done)
# "A built binary needs no shared library": the Go programs link libcibatch statically, and run below without
# LD_LIBRARY_PATH.
for bin in "$out"/go_*; do
  if ldd "$bin" | grep -q libcibatch; then echo "FAILED: $bin needs the shared library:"; ldd "$bin"; exit 1; fi
done
export LD_LIBRARY_PATH="$PWD/target/release${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
py=target/venv/bin/python

expect() { # expect FILE PATTERN: the output must contain PATTERN
  grep -q -- "$2" "$1" || { echo "FAILED: $1 lacks '$2':"; cat "$1"; exit 1; }
}

for lang in c python go; do
  case $lang in
    c) run() { "$out/c_$1" "${@:2}"; } ;;
    python) run() { "$py" "examples/python/$1.py" "${@:2}"; } ;;
    go) run() { env -u LD_LIBRARY_PATH "$out/go_$1" "${@:2}"; } ;;
  esac
  log="$out/$lang"
  run create_jobs w7476ff3564ee45b7b490d64bccaba6cc t1460606b9752148c4ab182f55163ba7cd > "$log.create"
  ids=($(awk '/^created/ {print $2}' "$log.create"))
  [ ${#ids[@]} -eq 2 ] || { echo "FAILED: $lang create_jobs"; cat "$log.create"; exit 1; }
  run describe_jobs "${ids[0]}" b00000000000000000000000000000000 "${ids[1]}" > "$log.describe"
  expect "$log.describe" "does not exist"
  expect "$log.describe" "${ids[1]}"
  run list_jobs Workflow > "$log.list"
  expect "$log.list" "${ids[0]}"
  run cancel_job "${ids[1]}" > "$log.cancel"
  expect "$log.cancel" "cancelled ${ids[1]}"
  run cancel_job "${ids[1]}" > "$log.cancel2"
  expect "$log.cancel2" "refused: InvalidArgument"
  run wait_for_job "${ids[0]}" > "$log.wait"
  expect "$log.wait" "ended Success"
  expect "$log.wait" "state: Running"
  run sign > "$log.sign"
  expect "$log.sign" "q-signature=6b3df850d92e7c8feee62297ad13e6c4c4146cce"
  run query_job "${ids[0]}" > "$log.query"
  expect "$log.query" "example-workflow"
  # report: a batch job over report/ with two workflow IDs, 40 executions of which 20 failed.
  batch=$("$py" -c 'import cibatch; print(cibatch.Client.from_env().create_workflow_job("batch", "w1,w2", prefix="report/").job_id)')
  run report "$batch" > "$log.report"
  expect "$log.report" "completed with failures, 40 results"
  expect "$log.report" "Failed: 20"
  expect "$log.report" "failed: report/img-00010.jpg"
  expect "$log.report" "page 2: 40 results so far, 20 failed"
  echo "$lang: create, describe, list, cancel, wait, sign and query examples work"
done
"$py" examples/python/emulator.py > "$out/python.emulator"
expect "$out/python.emulator" "ended Failed InvalidInput"
env -u LD_LIBRARY_PATH "$out/go_emulator" > "$out/go.emulator"
expect "$out/go.emulator" "ended Failed InvalidInput"
echo "emulator examples work (C: examples/c/tour.c runs in scripts/test-c.sh)"
