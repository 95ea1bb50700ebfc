//! Runs the cibatch emulator on 127.0.0.1 until killed.
//!
//! Prints one line, `endpoint=http://127.0.0.1:PORT bucket=BUCKET region=REGION`, then serves.

use cibatch::emulator::{Emulator, EmulatorClock, EmulatorConfig, ListTypeDefault};
use std::io::Write;
use std::time::Duration;

const USAGE: &str = "usage: cibatch-emulator [--port PORT] [--secret-id ID] [--secret-key KEY] [--token TOKEN]
                        [--bucket NAME-APPID] [--region REGION] [--submitted-ms MS] [--running-ms MS]
                        [--clock-skew SECONDS] [--list-type-default both|workflow]
                        [--describe-joined-as-one-id on|off] [--repeat-last-token on|off]
                        [--clock wall|per-describe] [--objects COUNT:PREFIX[:SUFFIX]]...
                        [--fail-objects PATTERN:CODE[:MESSAGE]]...

Serves an in-memory emulator of the Cloud Infinite batch-job API on 127.0.0.1.
Defaults: --port 0 (a free port), --bucket examplebucket-1250000000, --region ap-beijing,
--secret-id AKIDcibatchEmulatorLocalOnly0000, --secret-key cibatchEmulatorLocalOnlyKey00000, no token,
jobs stay Submitted 200 ms then Running 800 ms; --clock-skew puts the emulated service's clock ahead
(or, negative, behind) this machine's. Where the service's documents are silent: --list-type-default
workflow lists only Workflow jobs when `type` is absent (default both), --describe-joined-as-one-id on answers
a comma-joined describe as one unknown ID, --repeat-last-token on ends a listing by repeating its token;
--clock per-describe moves each job one state on each time a describe returns it (Submitted, Running,
then its end) instead of with time, for tests that must not depend on timing. --objects adds COUNT objects
PREFIX00000SUFFIX, PREFIX00001SUFFIX, ... (COUNT 1 without SUFFIX: the key PREFIX): batch jobs fan out over
the objects under their Prefix; --fail-objects makes the units of objects matching PATTERN (`*` matches any
run of characters) end Failed with CODE and MESSAGE. Both may be repeated.";

fn main() {
    let mut cfg = EmulatorConfig::default();
    let (mut list_default, mut joined, mut repeat) = (ListTypeDefault::Both, false, false);
    let (mut objects, mut failures): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            return;
        }
        let Some(value) = args.next() else { fail(&format!("{flag} needs a value")) };
        let ms = |v: &str| {
            v.parse::<u64>()
                .map(Duration::from_millis)
                .unwrap_or_else(|_| fail(&format!("{flag}: {v:?} is not a number")))
        };
        match flag.as_str() {
            "--port" => cfg.port = value.parse().unwrap_or_else(|_| fail(&format!("--port: {value:?} is not a port"))),
            "--secret-id" => cfg.secret_id = value,
            "--secret-key" => cfg.secret_key = value,
            "--token" => cfg.session_token = Some(value),
            "--bucket" => cfg.bucket = value,
            "--region" => cfg.region = value,
            "--submitted-ms" => cfg.submitted_for = ms(&value),
            "--running-ms" => cfg.running_for = ms(&value),
            "--clock-skew" => {
                cfg.clock_skew =
                    value.parse().unwrap_or_else(|_| fail(&format!("--clock-skew: {value:?} is not seconds")))
            }
            "--clock" => {
                cfg.clock = match value.as_str() {
                    "wall" => EmulatorClock::Wall,
                    "per-describe" => EmulatorClock::PerDescribe,
                    _ => fail(&format!("--clock: {value:?} is not wall or per-describe")),
                }
            }
            "--list-type-default" => {
                list_default = match value.as_str() {
                    "both" => ListTypeDefault::Both,
                    "workflow" => ListTypeDefault::Workflow,
                    _ => fail(&format!("--list-type-default: {value:?} is not both or workflow")),
                }
            }
            "--describe-joined-as-one-id" => joined = on_off(&flag, &value),
            "--repeat-last-token" => repeat = on_off(&flag, &value),
            "--objects" => objects.push(value),
            "--fail-objects" => failures.push(value),
            _ => fail(&format!("unknown option {flag}")),
        }
    }
    let emu = Emulator::start(cfg).unwrap_or_else(|e| fail(&format!("cannot start: {e}")));
    emu.set_list_type_default(list_default);
    emu.set_joined_describe_unknown(joined);
    emu.set_repeat_last_token(repeat);
    for spec in &objects {
        emu.add_objects_spec(spec).unwrap_or_else(|e| fail(&format!("--objects: {e}")));
    }
    for spec in &failures {
        emu.fail_objects_spec(spec).unwrap_or_else(|e| fail(&format!("--fail-objects: {e}")));
    }
    println!("endpoint={} bucket={} region={}", emu.endpoint(), emu.bucket(), emu.region());
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}

fn on_off(flag: &str, value: &str) -> bool {
    match value {
        "on" => true,
        "off" => false,
        _ => fail(&format!("{flag}: {value:?} is not on or off")),
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("cibatch-emulator: {msg}\n\n{USAGE}");
    std::process::exit(2);
}
