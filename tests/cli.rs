//! The `cibatch` command line, end to end: each subcommand run as a child process against an emulator, checking
//! stdout, stderr and the exit code. Every run is piped, so these also check that nothing meant for a terminal
//! (the progress line) leaks into a pipe.

use cibatch::emulator::{Emulator, EmulatorConfig};
use cibatch::{Client, Input, WorkflowJobRequest};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig {
        submitted_for: Duration::from_millis(50),
        running_for: Duration::from_millis(100),
        ..Default::default()
    })
    .unwrap()
}

fn cibatch(emu: &Emulator, args: &[&str]) -> Run {
    let cfg = emu.client_config();
    let out: Output = Command::new(env!("CARGO_BIN_EXE_cibatch"))
        .args(args)
        .env_clear()
        .env("CIBATCH_ENDPOINT", emu.endpoint())
        .env("CIBATCH_BUCKET", emu.bucket())
        .env("CIBATCH_REGION", emu.region())
        .env("TENCENTCLOUD_SECRET_ID", cfg.credentials.secret_id())
        .env("TENCENTCLOUD_SECRET_KEY", cfg.credentials.secret_key())
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn ok(emu: &Emulator, args: &[&str]) -> String {
    let r = cibatch(emu, args);
    assert_eq!(r.code, 0, "{args:?}: stderr {}", r.stderr);
    assert_eq!(r.stderr, "", "{args:?}: nothing on stderr when piped");
    r.stdout
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn create(emu: &Emulator, name: &str) -> String {
    let out = ok(emu, &["create", "workflow", "--name", name, "--workflow-id", "w1", "--prefix", "in/", "-o", "json"]);
    json(&out)[0]["job_id"].as_str().unwrap().to_string()
}

/// The names of Python's `Job.to_dict()`, read from the binding's source (its `FIELDS` tuple, job_level included),
/// so that the command line's JSON and Python cannot drift apart.
fn python_fields() -> Vec<String> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bindings/python/cibatch/_job.py"))
        .expect("the Python binding's source");
    let table = &source[source.find("FIELDS = (").expect("FIELDS") + "FIELDS = (".len()..];
    let table = &table[..table.find(')').unwrap()];
    let mut names: Vec<String> =
        table.split(',').map(|k| k.trim().trim_matches('"').to_string()).filter(|k| !k.is_empty()).collect();
    names.sort();
    names
}

#[test]
fn describe_one_or_several_and_missing_ids() {
    let emu = emulator();
    let id = create(&emu, "described");
    let table = ok(&emu, &["describe", &id]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("JOB ID") && lines[0].contains("STATE") && lines[1].starts_with(&id), "{table}");

    let doc = json(&ok(&emu, &["describe", &id, "-o", "json"]));
    let job = &doc[0];
    let mut got: Vec<String> = job.as_object().unwrap().keys().cloned().collect();
    got.sort();
    assert_eq!(got, python_fields(), "the JSON fields are Python's to_dict() names");
    assert_eq!(job["name"], "described");
    assert_eq!(job["workflow_ids"], "w1");
    assert!(job["creation_time"].as_str().unwrap().ends_with("+0800"), "times as the service gave them");

    let missing = "b00000000000000000000000000000000";
    let r = cibatch(&emu, &["describe", missing]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert!(r.stderr.contains("does not exist") && r.stderr.contains("request id"), "{}", r.stderr);

    let r = cibatch(&emu, &["describe", &id, missing, "-o", "jsonl"]);
    assert_eq!(r.code, 3);
    assert_eq!(json(r.stdout.trim())["job_id"], id.as_str());
    assert!(r.stderr.contains(missing));
}

#[test]
fn list_filters_paging_and_limits() {
    let emu = emulator();
    let client = Client::new(emu.client_config()).unwrap();
    for i in 0..5 {
        client
            .create_workflow_job(&WorkflowJobRequest::new(format!("wf{i}"), Input::Prefix("p/".into()), "w9"))
            .unwrap();
    }
    let one_page = cibatch(&emu, &["list", "--size", "2", "-o", "json"]);
    assert_eq!(one_page.code, 0);
    assert_eq!(json(&one_page.stdout).as_array().unwrap().len(), 2);
    assert!(one_page.stderr.contains("--next-token"), "says how to get more: {}", one_page.stderr);

    let all = ok(&emu, &["list", "--all", "--size", "2", "--order", "asc", "-o", "jsonl"]);
    let names: Vec<String> = all.lines().map(|l| json(l)["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["wf0", "wf1", "wf2", "wf3", "wf4"]);

    let limited = ok(&emu, &["list", "--limit", "3", "--size", "2", "-o", "jsonl"]);
    assert_eq!(limited.lines().count(), 3);

    for states in [&["--state", "Submitted,Running"][..], &["--state", "Submitted", "--state", "Running"][..]] {
        let mut args = vec!["list", "--all", "-o", "jsonl"];
        args.extend_from_slice(states);
        assert_eq!(ok(&emu, &args).lines().count(), 5, "{states:?}");
    }
    assert_eq!(ok(&emu, &["list", "--all", "--type", "Job", "-o", "jsonl"]), "");
    assert_eq!(ok(&emu, &["list", "--all", "--name", "wf3", "-o", "jsonl"]).lines().count(), 1);
    assert_eq!(ok(&emu, &["list", "--all", "--workflow-id", "w9", "-o", "jsonl"]).lines().count(), 5);
    let since = ok(&emu, &["list", "--all", "--since", "2000-01-01T00:00:00+0800", "-o", "jsonl"]);
    assert_eq!(since.lines().count(), 5);
}

#[test]
fn create_both_kinds_with_every_field() {
    let emu = emulator();
    let out = ok(
        &emu,
        &[
            "create",
            "job",
            "--name",
            "snap",
            "--tag",
            "Snapshot",
            "--object",
            "a.mp4",
            "--template-id",
            "t1",
            "--param-xml",
            "<Snapshot><Mode>Interval</Mode></Snapshot>",
            "--output-region",
            "ap-beijing",
            "--output-bucket",
            "out-1250000000",
            "--output-object",
            "o/${InputName}.jpg",
            "--queue-id",
            "p1",
            "--user-data",
            "ud",
            "--job-level",
            "1",
            "--callback",
            "https://cb.example.com",
            "--callback-format",
            "JSON",
            "--callback-type",
            "Kafka",
            "--kafka-region",
            "ap-guangzhou",
            "--kafka-instance-id",
            "ckafka-1",
            "--kafka-topic",
            "jobs",
            "--queue-type",
            "SpeedTranscoding",
            "-o",
            "json",
        ],
    );
    let job = &json(&out)[0];
    assert_eq!(job["type"], "Job");
    assert_eq!(job["tag"], "Snapshot");
    assert_eq!(job["template_id"], "t1");
    assert!(job["job_param_xml"].as_str().unwrap().contains("<Mode>Interval</Mode>"));
    assert_eq!(job["output_object"], "o/${InputName}.jpg");
    assert_eq!(job["queue_id"], "p1");
    assert_eq!(job["job_level"], 1);
    assert_eq!(job["callback_format"], "JSON");
    assert_eq!((&job["callback_kafka_topic"], &job["queue_type"]), (&"jobs".into(), &"SpeedTranscoding".into()));

    let wf = ok(
        &emu,
        &[
            "create",
            "workflow",
            "--name",
            "wf",
            "--workflow-id",
            "w1",
            "--manifest",
            "https://m/manifest.json",
            "--start",
            "2022-02-01T12:00:00+0800",
            "--end",
            "2022-05-01T12:00:00+0800",
            "-o",
            "json",
        ],
    );
    let wf = &json(&wf)[0];
    assert_eq!(wf["manifest"], "https://m/manifest.json");
    assert_eq!(wf["time_interval_end"], "2022-05-01T12:00:00+0800");
}

#[test]
fn cancel_and_wait_exit_codes() {
    let emu = emulator();
    let id = create(&emu, "to-cancel");
    assert_eq!(ok(&emu, &["cancel", &id]).trim(), format!("cancelled {id}"));
    let again = cibatch(&emu, &["cancel", &id]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("InvalidArgument") && again.stderr.contains("request id"), "{}", again.stderr);
    let r = cibatch(&emu, &["wait", &id, "--interval", "20ms"]);
    assert_eq!(r.code, 4, "a cancelled job: {}", r.stderr);

    let done = create(&emu, "to-finish");
    let r = cibatch(&emu, &["wait", &done, "--interval", "20ms", "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(json(&r.stdout)[0]["state"], "Success");
    assert_eq!(r.stderr, "", "no progress line when stderr is not a terminal");

    let failing = create(&emu, "to-fail");
    assert!(emu.fail_job(&failing, "InternalError", "boom"));
    assert_eq!(cibatch(&emu, &["wait", &failing, "--interval", "20ms"]).code, 4);

    let slow = create(&emu, "slow");
    emu.set_job_state(&slow, cibatch::JobState::Running);
    let r = cibatch(&emu, &["wait", &slow, "--timeout", "200ms", "--interval", "20ms"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("still Running"), "{}", r.stderr);
}

#[test]
fn create_resolves_a_lost_answer_unless_told_not_to() {
    let emu = emulator();
    emu.inject(cibatch::emulator::Fault::LoseAnswer, 1);
    let out =
        ok(&emu, &["create", "workflow", "--name", "lost", "--workflow-id", "w1", "--prefix", "in/", "-o", "json"]);
    assert_eq!(json(&out)[0]["name"], "lost");
    assert_eq!(emu.job_count(), 1, "found, not created again");

    emu.inject(cibatch::emulator::Fault::LoseAnswer, 1);
    let r = cibatch(
        &emu,
        &["create", "workflow", "--name", "lost2", "--workflow-id", "w1", "--prefix", "in/", "--no-resolve"],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("outcome unknown"), "{}", r.stderr);
    assert_eq!(emu.job_count(), 2);
}

#[test]
fn bad_input_is_a_usage_error_or_a_clear_one() {
    let emu = emulator();
    assert_eq!(cibatch(&emu, &["list", "--no-such-flag"]).code, 2);
    assert_eq!(cibatch(&emu, &["wait", "b1", "--timeout", "soon"]).code, 2);
    assert_eq!(cibatch(&emu, &["create", "workflow", "--name", "x", "--workflow-id", "w"]).code, 2, "no input");
    let r = cibatch(&emu, &["list", "--since", "yesterday"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("start_creation_time"), "{}", r.stderr);
    let r = cibatch(&emu, &["describe", "../etc/passwd"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("invalid argument `job_id`"), "{}", r.stderr);
    let r = cibatch(&emu, &["create", "job", "--name", "x", "--tag", "T", "--object", "o", "--param-xml", "<a>"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("param_xml"), "{}", r.stderr);
}

#[test]
fn verbose_prints_the_library_log() {
    let emu = emulator();
    let r = cibatch(&emu, &["list", "-v"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("list jobs: GET /inventorytriggerjob -> HTTP 200"), "{}", r.stderr);
    assert!(!r.stderr.contains(emu.client_config().credentials.secret_key()));
}

#[test]
fn sign_gives_an_authorization_the_service_accepts() {
    let emu = emulator();
    let id = create(&emu, "signed");
    let host = emu.endpoint().trim_start_matches("http://").to_string();
    let path = format!("/inventorytriggerjob/{id}");
    let auth = ok(&emu, &["sign", "GET", &path, "--header", &format!("host={host}"), "--expires", "600"]);
    let auth = auth.trim();
    assert!(auth.starts_with("q-sign-algorithm=sha1&q-ak=") && auth.contains("&q-header-list=host&"), "{auth}");
    // A raw request carrying it, as curl would send it.
    let mut s = std::net::TcpStream::connect(&host).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(&id));
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let emu = emulator();
    for i in 0..3 {
        create(&emu, &format!("piped{i}"));
    }
    let cfg = emu.client_config();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cibatch"))
        .args(["list", "--all", "-o", "jsonl"])
        .env("CIBATCH_ENDPOINT", emu.endpoint())
        .env("CIBATCH_BUCKET", emu.bucket())
        .env("CIBATCH_REGION", emu.region())
        .env("TENCENTCLOUD_SECRET_ID", cfg.credentials.secret_id())
        .env("TENCENTCLOUD_SECRET_KEY", cfg.credentials.secret_key())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -0`
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn completions_for_each_shell() {
    let emu = emulator();
    for shell in ["bash", "zsh", "fish"] {
        assert!(ok(&emu, &["completions", shell]).contains("cibatch"), "{shell}");
    }
}

#[test]
fn the_emulator_subcommand_serves_until_killed() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cibatch"))
        .args(["emulator", "--port", "0", "--submitted", "1ms", "--running", "1ms", "--objects", "3:in/:.jpg"])
        .args(["--fail-objects", "in/00001*:Unreadable:cannot read"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    reader.read_line(&mut first).unwrap();
    let endpoint = first.split_whitespace().next().unwrap().trim_start_matches("endpoint=").to_string();
    let config = cibatch::Config::new(
        "examplebucket-1250000000",
        "ap-beijing",
        cibatch::Credentials::new(cibatch::emulator::DEFAULT_SECRET_ID, cibatch::emulator::DEFAULT_SECRET_KEY),
    )
    .endpoint(&endpoint);
    let client = Client::new(config).unwrap();
    let page = client.list_jobs(&Default::default());
    // Batch jobs fan out over the objects given on the command line.
    let job = client.create_workflow_job(&WorkflowJobRequest::new("b", Input::Prefix("in/".into()), "w1")).unwrap();
    client.wait_for_job(&job.job_id, &cibatch::WaitOptions::default()).unwrap();
    let report = client.report(&job.job_id, &Default::default()).unwrap();
    let mut second = String::new();
    reader.read_line(&mut second).unwrap();
    assert!(second.starts_with("export CIBATCH_ENDPOINT="), "{second}");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(page.unwrap().jobs.is_empty());
    assert_eq!((report.total, report.failed_total()), (3, 1));
    assert_eq!((report.failed[0].object.as_str(), report.failed[0].code.as_str()), ("in/00001.jpg", ""));
}

#[test]
fn wait_shows_an_updating_line_on_a_terminal() {
    // `script` (util-linux) gives the command a terminal; the test moves the job on once it has been polled.
    let emu = emulator();
    let id = create(&emu, "on-a-terminal");
    emu.set_job_state(&id, cibatch::JobState::Running);
    let cfg = emu.client_config();
    let command = format!("{} wait {id} --interval 20ms", env!("CARGO_BIN_EXE_cibatch"));
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("CIBATCH_ENDPOINT", emu.endpoint())
        .env("CIBATCH_BUCKET", emu.bucket())
        .env("CIBATCH_REGION", emu.region())
        .env("TENCENTCLOUD_SECRET_ID", cfg.credentials.secret_id())
        .env("TENCENTCLOUD_SECRET_KEY", cfg.credentials.secret_key())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    let before = emu.request_count();
    while emu.request_count() < before + 2 {
        std::thread::sleep(Duration::from_millis(5));
    }
    emu.set_job_state(&id, cibatch::JobState::Success);
    let mut screen = String::new();
    child.stdout.take().unwrap().read_to_string(&mut screen).unwrap();
    assert!(child.wait().unwrap().success(), "{screen}");
    assert!(screen.contains(&format!("\r\x1b[2Kwait: {id}: Running (")), "{screen:?}");
    assert!(screen.contains(&format!("wait: {id}: Success")), "{screen:?}");
}

/// An emulator whose jobs end at once, over 12 objects under `in/` of which the 3 `in/bad-*` fail, and a Workflow
/// batch job over them with two workflow IDs.
fn batch() -> (Emulator, String) {
    let emu = Emulator::start(EmulatorConfig {
        submitted_for: Duration::ZERO,
        running_for: Duration::ZERO,
        ..Default::default()
    })
    .unwrap();
    emu.add_objects((0..12).map(|i| format!("in/{}-{i:02}.jpg", if i % 4 == 1 { "bad" } else { "ok" })));
    emu.fail_objects("in/bad-*", "WorkflowFailed", "cannot read");
    let client = Client::new(emu.client_config()).unwrap();
    let req = WorkflowJobRequest::new("batch", Input::Prefix("in/".into()), "w1,w2");
    let id = client.create_workflow_job(&req).unwrap().job_id;
    (emu, id)
}

#[test]
fn results_lists_every_object_and_filters_by_state() {
    let (emu, id) = batch();
    let table = ok(&emu, &["results", &id, "--size", "5"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("OBJECT") && lines[0].contains("SOURCE"), "{table}");
    assert_eq!(lines.len(), 1 + 24, "{table}");
    let failed = ok(&emu, &["results", &id, "--state", "Failed", "-o", "json"]);
    let failed = json(&failed);
    let failed = failed.as_array().unwrap();
    assert_eq!(failed.len(), 6);
    assert!(failed.iter().all(|r| r["state"] == "Failed" && r["object"].as_str().unwrap().starts_with("in/bad-")));
    assert_eq!(failed[0]["workflow_id"], "w1");
    let one = ok(&emu, &["results", &id, "--object", "in/ok-00.jpg", "-o", "jsonl"]);
    assert_eq!(one.lines().count(), 2, "one per workflow: {one}");
    assert_eq!(ok(&emu, &["results", &id, "--limit", "3", "-o", "jsonl"]).lines().count(), 3);
    let missing = cibatch(&emu, &["results", "b0"]);
    assert_eq!(missing.code, 3, "{}", missing.stderr);
}

#[test]
fn report_prints_the_outcome_counts_and_first_failed() {
    let (emu, id) = batch();
    let text = ok(&emu, &["report", &id, "--failed", "2"]);
    assert!(text.contains("Success): completed with failures, 24 result(s)"), "{text}");
    assert!(text.contains("  Failed: 6\n") && text.contains("  Success: 18\n"), "{text}");
    assert!(text.contains("First 2 failed:") && text.contains("in/bad-01.jpg") && text.contains("in/bad-05.jpg"));
    let doc = json(&ok(&emu, &["report", &id, "-o", "json"]));
    assert_eq!(doc["total"], 24);
    assert_eq!(doc["counts"]["Failed"], 6);
    assert_eq!(doc["outcome"], "completed with failures");
    assert_eq!(doc["failed"].as_array().unwrap().len(), 6);
}
