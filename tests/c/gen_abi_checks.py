#!/usr/bin/env python3
"""Generates C checks that call EVERY function of include/cibatch.h with hostile arguments.

For each function: every pointer NULL and every number 0; a fallible one must return CIBATCH_NULL_ARGUMENT and
describe it in an error object, a getter its documented fallback (NULL, 0, false, CIBATCH_STATE_OTHER); a void
function must return and leave the library working. Then, for each `const char *` parameter of a fallible
function, the parameters before it valid, that one invalid UTF-8, the rest NULL: the result must be
CIBATCH_INVALID_UTF8 naming the parameter. Handles only the library makes, inside a callback (the credentials a
provider fills), get their checks in a function of their own that the suite calls from that callback
(`abi_checks_credentials`). Generated from the header, so a new export is checked without anyone remembering to
add it; each checked function is listed in a `/* checked: NAME */` line, which scripts/test-c.sh compares with the
library's exported symbols.

usage: gen_abi_checks.py include/cibatch.h > abi_checks.c
"""
import re
import sys

header = open(sys.argv[1]).read()
decls = re.findall(r"^([A-Za-z_][\w \*]*?)\s*\b(cibatch_\w+)\(([^;{]*?)\);", header, re.M | re.S)

# A valid handle of each type, from the fixture in test_cibatch.c.
HANDLES = {
    "cibatch_client": "fx->client", "cibatch_config": "fx->config", "cibatch_emulator": "fx->emu",
    "cibatch_workflow_request": "fx->wf_request", "cibatch_job_request": "fx->job_request",
    "cibatch_list_options": "fx->options", "cibatch_pager": "fx->pager", "cibatch_job": "fx->job",
    "cibatch_job_list": "fx->list", "cibatch_error": "fx->error", "cibatch_cancel": "fx->cancel",
    "cibatch_result_options": "fx->result_options", "cibatch_results_pager": "fx->results_pager",
    "cibatch_result_page": "fx->result_page", "cibatch_report": "fx->report",
}
# Handles the library makes only inside a callback: their checks go into `abi_checks_<type>(<type> *h)`.
CALLBACK_HANDLES = {"cibatch_credentials": "h"}
# What a getter returns for NULL arguments, by return type (the header documents each).
FALLBACKS = {"uint16_t": "0", "uint32_t": "0", "uint64_t": "0", "size_t": "0", "int32_t": "0", "int64_t": "0",
             "bool": "false", "cibatch_state": "CIBATCH_STATE_OTHER"}

def params(text):
    text = " ".join(text.split())
    if text in ("", "void"):
        return []
    out = []
    for p in text.split(","):
        p = p.strip()
        m = re.match(r"(.*?)(\w+)$", p)
        out.append((m.group(1).strip(), m.group(2)))
    return out

def null_value(ctype):
    if "*" in ctype or ctype.endswith("_callback"):
        return "NULL"
    if ctype == "bool":
        return "false"
    return "0"

def valid_value(ctype, name):
    base = ctype.replace("const", "").replace("*", "").strip()
    if ctype.count("*") == 1 and base in HANDLES:
        return HANDLES[base]
    if ctype.count("*") == 1 and base in CALLBACK_HANDLES:
        return CALLBACK_HANDLES[base]
    if ctype.count("*") == 1 and base.startswith("cibatch_"):
        return None  # a handle only the library makes (e.g. inside a callback): no fixture for it
    if ctype == "const char *":
        return '"x"'
    return null_value(ctype)

main = []
callback = {base: [] for base in CALLBACK_HANDLES}
def print(line, to=None):
    (to if to is not None else main).append(line)

count = 0
for ret, name, ptext in decls:
    print(f"  /* checked: {name} */")
    ps = params(ptext)
    fallible = ret.strip() == "cibatch_result"
    has_err = bool(ps) and ps[-1][0] == "cibatch_error **"
    takes_pointer = any("*" in t for t, _ in ps)
    # 1. Everything NULL or zero (with a real error slot when there is one).
    args = [("&err" if (has_err and i == len(ps) - 1) else null_value(t)) for i, (t, n) in enumerate(ps)]
    call = f"{name}({', '.join(args)})"
    count += 1
    if fallible:
        print(f"  err = NULL; r = {call};")
        print(f'  CHECK_EQ_INT(r, CIBATCH_NULL_ARGUMENT, "{name}(NULL...)");')
        if has_err:
            print(f'  CHECK(err != NULL && cibatch_error_result(err) == CIBATCH_NULL_ARGUMENT, "{name}: error object");')
            print(f'  CHECK(cibatch_error_argument(err) != NULL, "{name}: names the argument");')
            print("  cibatch_error_free(err);")
    elif name.endswith("_free"):
        print(f"  {call}; /* free(NULL) is a no-op */")
    elif "*" in ret and takes_pointer:
        print(f'  CHECK({call} == NULL, "{name}(NULL...) gives NULL");')
    elif takes_pointer and ret.strip() in FALLBACKS:
        print(f'  CHECK_EQ_INT({call}, {FALLBACKS[ret.strip()]}, "{name}(NULL...) gives its fallback");')
    elif takes_pointer and ret.strip() == "void":
        print(f"  {call};")
        print(f'  CHECK_EQ_STR(cibatch_version(), CIBATCH_VERSION, "{name}(NULL...) returns, the library still works");')
    elif name == "cibatch_version":
        print(f'  CHECK_EQ_STR({call}, CIBATCH_VERSION, "{name}() is the header\'s version");')
    elif name == "cibatch_build_id":
        print(f'  CHECK({call} != NULL && strlen({call}) == 16 && strspn({call}, "0123456789abcdef") == 16, '
              f'"{name}() is 16 hex digits");')
    elif name == "cibatch_job_field_count":
        print(f'  CHECK({call} > CIBATCH_JOB_FIELD_RAW_XML, "{name}() counts every field the header names");')
    elif name == "cibatch_result_name":
        print(f'  CHECK_EQ_STR({call}, "CIBATCH_OK", "{name}(0)");')
    else:
        sys.exit(f"gen_abi_checks.py: no check for {name}; teach the generator what it returns")
    # 2. Invalid UTF-8 in each string parameter, valid ones before it.
    if not (fallible and has_err):
        continue
    for i, (t, n) in enumerate(ps):
        if t != "const char *":
            continue
        args = []
        if any(valid_value(tj, nj) is None for tj, nj in ps[:i]):
            sys.exit(f"gen_abi_checks.py: no valid value for a parameter of {name} before {n}")
        bases = [tj.replace("const", "").replace("*", "").strip() for tj, _ in ps[:i]]
        to = next((callback[b] for b in bases if b in CALLBACK_HANDLES), None)
        for j, (tj, nj) in enumerate(ps):
            if j < i:
                args.append(valid_value(tj, nj))
            elif j == i:
                args.append("BAD_UTF8")
            elif j == len(ps) - 1:
                args.append("&err")
            else:
                args.append(null_value(tj))
        count += 1
        print(f"  err = NULL; r = {name}({', '.join(args)});", to)
        print(f'  CHECK_EQ_INT(r, CIBATCH_INVALID_UTF8, "{name}: invalid UTF-8 in {n}");', to)
        print(f'  CHECK_EQ_STR(cibatch_error_argument(err), "{n}", "{name}: names {n}");', to)
        print("  cibatch_error_free(err);", to)

out = sys.stdout.write
out("/* Generated by tests/c/gen_abi_checks.py from include/cibatch.h; do not edit. */\n")
out('#include "cibatch.h"\n#include "check.h"\n#include "fixture.h"\n\n')
out("void abi_checks(struct fixture *fx) {\n  cibatch_error *err = NULL;\n  cibatch_result r;\n  (void)r;\n  (void)fx;\n")
out("".join(line + "\n" for line in main))
out("}\n\n")
for base, lines in callback.items():
    out(f"/* Called by the suite from inside a callback that received a live {base}. */\n")
    out(f"void abi_checks_{base[len('cibatch_'):]}({base} *h) {{\n  cibatch_error *err = NULL;\n  cibatch_result r;\n")
    out("".join(line + "\n" for line in lines))
    out("}\n\n")
out(f"const int abi_check_calls = {count};\n")
out(f"const int abi_functions = {len(decls)};\n")
