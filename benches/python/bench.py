"""Python-side benchmarks, side by side in one run: our binding against the official SDK (cos-python-sdk-v5).

Signing, the official SDK's parsing, describe end to end against the canned loopback server (CIBATCH_BENCH_PORT),
import cost and the memory of a process using each SDK. Prints one JSON object per line (medians).
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import time

PORT = int(os.environ.get("CIBATCH_BENCH_PORT", "0"))
JOB = "b3deffea2f84911ec9cb15254008618d9"
BUCKET, REGION = "examplebucket-1250000000", "ap-beijing"
SID, SKEY = "AKIDtestSecretId1234567890abcdef", "testSecretKey1234567890abcdefghij"
ROUNDS = 21
# A comma-separated subset of sign, parse, describe and startup (all when unset): scripts/bench.sh runs describe once
# per placement (pinned, unpinned) and the rest once.
ONLY = [o for o in os.environ.get("CIBATCH_BENCH_ONLY", "").split(",") if o]


def want(name):
    return not ONLY or name in ONLY


def emit(**kw):
    print(json.dumps(kw), flush=True)


def compare(variants, round_seconds):
    """Median seconds per call of each variant, in alternating rounds."""
    counts = []
    for _, f in variants:
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < round_seconds / 4:
            f()
            n += 1
        counts.append(max(n * 4, 1))
    samples = [[] for _ in variants]
    for _ in range(ROUNDS):
        for i, (_, f) in enumerate(variants):
            start = time.perf_counter()
            for _ in range(counts[i]):
                f()
            samples[i].append((time.perf_counter() - start) / counts[i])
    return [statistics.median(s) for s in samples]


def main():
    import requests
    from qcloud_cos import CosConfig, CosS3Client
    from qcloud_cos.cos_auth import CosS3Auth
    from qcloud_cos.cos_comm import xml_to_dict, format_dict

    import cibatch

    host = f"{BUCKET}.ci.{REGION}.myqcloud.com"
    path = f"/inventorytriggerjob/{JOB}"
    official_auth = CosS3Auth(CosConfig(Region=REGION, SecretId=SID, SecretKey=SKEY), path, params={})
    prepared = requests.Request("GET", f"https://{host}{path}").prepare()
    now = int(time.time())

    def ours_sign():
        cibatch.sign("GET", path, secret_id=SID, secret_key=SKEY, start=now - 60, end=now + 3600,
                     headers=[("host", host)])

    def official_sign():
        official_auth(prepared)

    if want("sign"):
        m = compare([("ours", ours_sign), ("official", official_sign)], 0.05)
        emit(bench="sign", variant="python_binding", median_ns=m[0] * 1e9)
        emit(bench="sign", variant="official_python", median_ns=m[1] * 1e9)

    seed = open(os.path.join(os.path.dirname(__file__), "..", "seed_describe.xml"), "rb").read()

    def official_parse():
        d = xml_to_dict(seed)
        format_dict(d, ["JobsDetail"])

    if want("parse"):
        m = compare([("official", official_parse)], 0.05)
        emit(bench="parse_seed", variant="official_python", median_ns=m[0] * 1e9)

    if not PORT or not want("describe"):
        return
    ours = cibatch.Client(BUCKET, REGION, SID, SKEY, endpoint=f"http://127.0.0.1:{PORT}")
    official = CosS3Client(CosConfig(Region=REGION, SecretId=SID, SecretKey=SKEY, Scheme="http", IP="127.0.0.1",
                                     Port=PORT), retry=0)

    def ours_describe():
        job = ours.describe_job(JOB)
        return job.state, job.name

    def official_describe():
        d = official.ci_get_inventory_trigger_jobs(Bucket=BUCKET, JobID=JOB)
        return d["JobsDetail"][0]["State"]

    # The raw floor (benches/c/floor.c) in this process, in the same alternating rounds: it shares the process's
    # placement on the CPUs with the clients (one ctypes call per request adds a fraction of a microsecond to it).
    variants = [("ours", ours_describe), ("official", official_describe)]
    floor_lib = os.environ.get("CIBATCH_BENCH_FLOOR_LIB")
    if floor_lib:
        import ctypes
        lib = ctypes.CDLL(floor_lib)
        lib.bench_floor_open.restype = ctypes.c_void_p
        lib.bench_floor_open.argtypes = [ctypes.c_int]
        lib.bench_floor_call.argtypes = [ctypes.c_void_p]
        floor = lib.bench_floor_open(PORT)
        variants.append(("floor", lambda: lib.bench_floor_call(floor)))
    m = compare(variants, 0.2)
    emit(bench="describe", variant="python_binding", median_ns=m[0] * 1e9)
    emit(bench="describe", variant="official_python", median_ns=m[1] * 1e9)
    if floor_lib:
        emit(bench="describe", variant="raw_floor_python", median_ns=m[2] * 1e9)


CHILD = """
import resource, sys, time
t0 = time.perf_counter()
import {module}
t1 = time.perf_counter()
{setup}
t2 = time.perf_counter()
for _ in range({calls}):
    {call}
t3 = time.perf_counter()
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec from the (large) benchmark process.
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(t1 - t0, t2 - t1, t3 - t2, hwm)
"""

SDKS = {
    "python_binding": dict(
        module="cibatch",
        setup=f"c = cibatch.Client({BUCKET!r}, {REGION!r}, {SID!r}, {SKEY!r}, endpoint='http://127.0.0.1:{PORT}')",
        call=f"c.describe_job({JOB!r}).state"),
    "official_python": dict(
        module="qcloud_cos",
        setup=(f"c = qcloud_cos.CosS3Client(qcloud_cos.CosConfig(Region={REGION!r}, SecretId={SID!r}, "
               f"SecretKey={SKEY!r}, Scheme='http', IP='127.0.0.1', Port={PORT}), retry=0)"),
        call=f"c.ci_get_inventory_trigger_jobs(Bucket={BUCKET!r}, JobID={JOB!r})['JobsDetail'][0]['State']"),
}


def startup():
    """Import time, first call and peak memory of a fresh process per SDK, alternating, medians of 7."""
    results = {name: [] for name in SDKS}
    for _ in range(7):
        for name, spec in SDKS.items():
            first = CHILD.format(calls=1, **spec)
            out = subprocess.run([sys.executable, "-c", first], capture_output=True, text=True, check=True).stdout
            imp, setup, call, _ = (float(x) for x in out.split())
            many = CHILD.format(calls=1000, **spec)
            out = subprocess.run([sys.executable, "-c", many], capture_output=True, text=True, check=True).stdout
            rss_kib = float(out.split()[3])
            results[name].append((imp, setup + call, rss_kib))
    for name, rows in results.items():
        emit(bench="import", variant=name, median_ns=statistics.median(r[0] for r in rows) * 1e9)
        emit(bench="first_call", variant=name, median_ns=statistics.median(r[1] for r in rows) * 1e9)
        emit(bench="start_total", variant=name, median_ns=statistics.median(r[0] + r[1] for r in rows) * 1e9)
        emit(bench="python_peak_rss", variant=name, kib=statistics.median(r[2] for r in rows))


if __name__ == "__main__":
    main()
    if PORT and want("startup"):
        startup()
