#!/usr/bin/env python3
"""Turns the benchmarks' JSON lines into the table, checks the targets, and writes BENCHMARKS.md.

usage: report.py results.jsonl BENCHMARKS.md
"""
import datetime
import json
import os
import platform
import subprocess
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]


def get(bench, variant, field="median_ns", threads=None):
    for r in rows:
        if r["bench"] == bench and r["variant"] == variant and (threads is None or r.get("threads") == threads):
            return r.get(field)
    return None


def us(ns):
    return "n/a" if ns is None else f"{ns / 1000:.1f} µs"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def fmt_ratio(x, unit="×"):
    return "n/a" if x is None else f"{x:.1f}{unit}"


lines = []
out = lines.append
cpu = "unknown"
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except (OSError, StopIteration):
    pass
out("# Benchmarks")
out("")
out(f"Measured {datetime.date.today().isoformat()} on {platform.system()} {platform.machine()}, {os.cpu_count()} cores "
    f"({cpu}), Python {platform.python_version()}, loopback, keep-alive. Reproduce with `./scripts/bench.sh`.")
out("")
out("Every figure is a median over 21 rounds (throughput: 5 rounds of 0.4 s); variants that are compared ran in "
    "alternating rounds of the same process, so machine noise hits them alike. Ratios are what to read: the "
    "absolute times move with the machine.")
out("")
out("## Results")
out("")
out("| measure | ours | reference | ratio |")
out("|---|---|---|---|")

targets = []


def row(name, ours, ref, ref_name, r, target_text=None, ok=None):
    out(f"| {name} | {ours} | {ref} ({ref_name}) | {r} |")
    if target_text is not None:
        targets.append((target_text, ok, r))


sign_rust, sign_py, sign_off = get("sign", "rust"), get("sign", "python_binding"), get("sign", "official_python")
sign_keyed = get("sign", "rust_client_path")
row("sign one Authorization (Rust, `signer::authorization`, stateless)", us(sign_rust), us(sign_off),
    "official Python SDK signer", fmt_ratio(ratio(sign_off, sign_rust)) + " faster")
r = ratio(sign_off, sign_keyed)
row("sign one Authorization (Rust, the client's per-request path: `KeyedSigner`)", us(sign_keyed), us(sign_off),
    "official Python SDK signer", fmt_ratio(r) + " faster",
    "Signing ≥15× faster than the official Python signer (the client's path)", r is not None and r >= 15)
r = ratio(sign_off, sign_py)
row("sign one Authorization (through Python)", us(sign_py), us(sign_off), "official Python SDK signer",
    fmt_ratio(r) + " faster")
p_seed, p_page, p_off = get("parse_seed", "rust"), get("parse_page100", "rust"), get("parse_seed", "official_python")
row("parse the seed describe response", us(p_seed), us(p_off), "official Python SDK", fmt_ratio(ratio(p_off, p_seed)) + " faster",
    "Parse the seed response in under 10 µs", p_seed is not None and p_seed < 10_000)
out(f"| parse a 100-job list page | {us(p_page)} | target 500 µs | |")
targets.append(("Parse a 100-job page in under 500 µs", p_page is not None and p_page < 500_000, us(p_page)))

rp, rp_floor, r_all = get("report_page", "rust"), get("report_page", "raw_floor"), get("report_10000", "rust")
if rp is not None:
    out(f"| report over 10,000 results (100 pages of 100 media jobs), per page | {us(rp)} | {us(rp_floor)} "
        f"(raw keep-alive floor, same page) | {fmt_ratio(ratio(rp, rp_floor))} the floor; the whole report "
        f"{r_all / 1e6:.0f} ms; a 100-job page parses in {us(p_page)} |")
floor = get("describe", "raw_floor")
d_rust, d_c = get("describe", "rust"), get("describe", "c")
d_py, d_off_py = get("describe", "python_binding"), get("describe", "official_python")
d_go, d_off_go = get("describe", "go_binding"), get("describe", "official_go")
r = ratio(d_rust, floor)
row("describe, Rust client", us(d_rust), us(floor), "raw keep-alive floor", fmt_ratio(r) + " the floor",
    "Rust describe within 1.5× of the raw keep-alive floor", r is not None and r <= 1.5)
out(f"| describe, C program | {us(d_c)} | {us(floor)} (raw floor) | {fmt_ratio(ratio(d_c, floor))} the floor |")
r = ratio(d_off_py, d_py)
row("describe, Python binding", us(d_py), us(d_off_py), "official Python SDK", fmt_ratio(r) + " faster",
    "Python binding describe ≥15× faster than the official Python SDK", r is not None and r >= 15)
r = ratio(d_off_go, d_go)
row("describe, Go binding", us(d_go), us(d_off_go), "official Go SDK", fmt_ratio(r) + " faster",
    "Go binding at least as fast as the official Go SDK", None if r is None else r >= 1.0)

t1, t2 = get("throughput", "rust", "calls_per_sec", 1), get("throughput", "rust", "calls_per_sec", 2)
r = ratio(t2, t1)
for lang in ("rust", "go_binding"):
    rates = [get("throughput", lang, "calls_per_sec", n) for n in (1, 2, 4, 8)]
    if any(rates):
        out(f"| throughput, {lang.replace('_binding', '')}, 1/2/4/8 threads | "
            + " / ".join("n/a" if x is None else f"{x:,.0f}/s" for x in rates) + " | | "
            + (f"{fmt_ratio(ratio(rates[1], rates[0]))} with 2 threads" if rates[0] and rates[1] else "") + " |")
targets.append(("Two threads give ≥1.6× one thread's throughput (Rust)", r is not None and r >= 1.6, fmt_ratio(r)))

i_ours, i_off = get("import", "python_binding"), get("import", "official_python")
r = ratio(i_off, i_ours)
row("Python import", us(i_ours), us(i_off), "import qcloud_cos", fmt_ratio(r) + " faster",
    "Python import ≥5× faster than import qcloud_cos", r is not None and r >= 5)
f_ours, f_off = get("first_call", "python_binding"), get("first_call", "official_python")
row("Python client creation + first call", us(f_ours), us(f_off), "official", fmt_ratio(ratio(f_off, f_ours)) + " faster")
s_ours, s_off = get("start_total", "python_binding"), get("start_total", "official_python")
row("Python import + client + first call, in all", us(s_ours), us(s_off), "official", fmt_ratio(ratio(s_off, s_ours)) + " faster")
m_ours, m_off = get("python_peak_rss", "python_binding", "kib"), get("python_peak_rss", "official_python", "kib")
smaller = None if not m_ours or not m_off else 1 - m_ours / m_off
out(f"| Python process peak memory (import + 1,000 describes) | {m_ours and f'{m_ours/1024:.1f} MiB'} | "
    f"{m_off and f'{m_off/1024:.1f} MiB'} (official) | {'n/a' if smaller is None else f'{smaller:.0%} smaller'} |")
targets.append(("A Python process using cibatch ≥30% smaller", smaller is not None and smaller >= 0.30,
                 "n/a" if smaller is None else f"{smaller:.0%} smaller"))
c_rss = get("c_peak_rss_10k_calls", "c", "kib")
out(f"| C program peak memory after 10,000 calls | {c_rss and f'{c_rss/1024:.1f} MiB'} | | |")

out("")
out("## Targets")
out("")
out("| target | met | measured |")
out("|---|---|---|")
for text, ok, measured in targets:
    mark = "not measured" if ok is None else ("yes" if ok else "**no**")
    out(f"| {text} | {mark} | {measured} |")

notes_path = os.path.join(os.path.dirname(__file__), "NOTES.md")
if os.path.exists(notes_path):
    out("")
    out(open(notes_path).read().rstrip())

text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
