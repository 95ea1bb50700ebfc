//! Each default and retry rule the README states, pinned at its value and just past it.

mod common;

use cibatch::emulator::Fault;
use cibatch::*;
use common::*;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn workflow(name: &str) -> WorkflowJobRequest {
    WorkflowJobRequest::new(name, Input::Prefix("input/".into()), "w7476ff3564ee45b7b490d64bccaba6cc")
}

/// A config that logs into the returned buffer, at `Info` (where "retrying in ..." lines go).
fn logged(c: Config) -> (Config, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    (c.log(LogLevel::Info, move |_, m| sink.lock().unwrap().push(m.to_string())), lines)
}

fn pauses(lines: &Mutex<Vec<String>>) -> Vec<String> {
    lines
        .lock()
        .unwrap()
        .iter()
        .filter_map(|l| l.split("retrying in ").nth(1).and_then(|r| r.split(' ').next()).map(str::to_string))
        .collect()
}

#[test]
fn the_readme_defaults() {
    let c = Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key"));
    assert_eq!(c.connect_timeout, Duration::from_secs(10));
    assert_eq!(c.read_timeout, Duration::from_secs(30));
    assert_eq!(c.timeout, Duration::from_secs(60));
    assert_eq!(c.max_attempts, 3);
    assert!(!c.retry_create && !c.resolve_creates);
    assert_eq!((c.backoff_base, c.backoff_cap), (Duration::from_millis(200), Duration::from_secs(5)));
    assert_eq!(c.max_response_bytes, 8 << 20);
    assert_eq!(c.max_xml_depth, 32);
    let w = WaitOptions::default();
    assert_eq!(w.max_wait, Duration::from_secs(600));
    assert_eq!((w.initial_interval, w.max_interval), (Duration::from_secs(1), Duration::from_secs(15)));
}

#[test]
fn throttling_is_retried_whatever_its_status() {
    let (emu, c) = setup();
    let job = c.create_workflow_job(&workflow("throttled")).unwrap();
    // 429 without the SlowDown code: retried for its status.
    emu.inject(Fault::status(429, "RequestLimitExceeded"), 1);
    let before = emu.request_count();
    c.describe_job(&job.job_id).unwrap();
    assert_eq!(emu.request_count() - before, 2, "a 429 is retried");
    // SlowDown with a 4xx status that is not retried for itself: retried for its code.
    for status in [400, 403] {
        emu.inject(Fault::status(status, "SlowDown"), 1);
        let before = emu.request_count();
        c.list_jobs(&ListOptions::default()).unwrap();
        assert_eq!(emu.request_count() - before, 2, "SlowDown with {status} is retried");
    }
    // The same statuses with another code are not.
    emu.inject(Fault::status(400, "InvalidArgument"), 1);
    let err = c.describe_job(&job.job_id).unwrap_err();
    assert_eq!((err.status(), err.attempts()), (Some(400), 1));
    // Nor is a create: a throttled create is refused before it is carried out, but the README promises no retry.
    emu.inject(Fault::status(429, "RequestLimitExceeded"), 3);
    let err = c.create_workflow_job(&workflow("throttled2")).unwrap_err();
    assert_eq!(err.attempts(), 1, "{err}");
    emu.clear_faults();
}

#[test]
fn retry_after_is_honoured_up_to_the_cap() {
    let emu = cibatch::emulator::Emulator::start(Default::default()).unwrap();
    let job = Client::new(fast(emu.client_config())).unwrap().create_workflow_job(&workflow("ra")).unwrap();
    let throttle = |after: &str| Fault::Throttle { status: 503, code: "SlowDown".into(), retry_after: after.into() };

    // Retry-After below the cap: waited as given (the jitter alone would give at most 1 ms).
    let (cfg, lines) = logged(emu.client_config().backoff(Duration::from_millis(1), Duration::from_secs(5)));
    let c = Client::new(cfg).unwrap();
    emu.inject(throttle("1"), 1);
    c.describe_job(&job.job_id).unwrap();
    assert_eq!(pauses(&lines), ["1s"]);

    // Retry-After past the cap: the cap.
    let (cfg, lines) = logged(emu.client_config().backoff(Duration::from_millis(1), Duration::from_millis(50)));
    let c = Client::new(cfg).unwrap();
    emu.inject(throttle("3600"), 1);
    // Under a generous deadline, so that an uncapped pause fails at once instead of sleeping an hour.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    c.with_deadline(deadline).describe_job(&job.job_id).unwrap();
    assert_eq!(pauses(&lines), ["50ms"]);

    // A Retry-After that is not a number of seconds is ignored: the jittered backoff applies.
    emu.inject(throttle("soon"), 1);
    c.describe_job(&job.job_id).unwrap();
    let p = pauses(&lines);
    assert_eq!(p.len(), 2);
    assert_ne!(p[1], "50ms", "the jitter of a 1 ms base, not a Retry-After");
}

#[test]
fn retry_create_resends_a_create() {
    let (emu, _) = setup();
    let blunt = Client::new(fast(emu.client_config()).retry_create(true)).unwrap();
    emu.inject(Fault::status(503, "InternalError"), 1);
    let job = blunt.create_workflow_job(&workflow("again")).unwrap();
    assert_eq!((emu.request_count(), emu.job_count()), (2, 1));
    assert_eq!(job.name, "again");
    // A lost answer is sent again too: that is why it is opt-in (the job now exists twice).
    emu.inject(Fault::LoseAnswer, 1);
    blunt.create_workflow_job(&workflow("twice")).unwrap();
    assert_eq!(emu.job_count(), 3, "retry_create re-sends blindly");
    // The default never does.
    let careful = Client::new(fast(emu.client_config())).unwrap();
    emu.inject(Fault::status(503, "InternalError"), 1);
    let err = careful.create_workflow_job(&workflow("once")).unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(emu.job_count(), 3);
}

/// A server answering every request with `200` and this body.
fn body_server(body: &str) -> Client {
    let response = http_response(200, &[("Content-Type", "application/xml")], body);
    Client::new(config_for(&canned_server(response)).max_attempts(1)).unwrap()
}

/// A describe answer of exactly `size` bytes.
fn answer_of(size: usize) -> String {
    let head = "<Response><RequestId>r</RequestId><JobsDetail><JobId>j</JobId><State>Running</State></JobsDetail>";
    let tail = "</Response>";
    let pad = size - head.len() - tail.len() - "<!---->".len();
    format!("{head}<!--{}-->{tail}", "x".repeat(pad))
}

#[test]
fn the_response_limit_is_8_mib() {
    let at = body_server(&answer_of(8 << 20));
    assert_eq!(at.describe_job("j").unwrap().job_id, "j");
    let past = body_server(&answer_of((8 << 20) + 1));
    let err = past.describe_job("j").unwrap_err();
    assert!(err.to_string().contains("exceeds the limit of 8388608 bytes"), "{err}");
}

fn nested(depth: usize) -> String {
    // Response > JobsDetail > Operation > E... : `depth` levels in all.
    let inner = depth - 3;
    format!(
        "<Response><RequestId>r</RequestId><JobsDetail><JobId>j</JobId><Operation>{}x{}</Operation></JobsDetail></Response>",
        "<E>".repeat(inner),
        "</E>".repeat(inner)
    )
}

#[test]
fn the_xml_depth_limit_is_32() {
    assert_eq!(body_server(&nested(32)).describe_job("j").unwrap().job_id, "j");
    let err = body_server(&nested(33)).describe_job("j").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert!(err.to_string().contains("nested deeper than 32 elements"), "{err}");
}

#[test]
fn a_doctype_alone_is_refused() {
    // No entity declared or used: the DOCTYPE itself is what is refused.
    let body =
        "<!DOCTYPE Response><Response><RequestId>r</RequestId><JobsDetail><JobId>j</JobId></JobsDetail></Response>";
    let err = body_server(body).describe_job("j").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert!(err.to_string().to_ascii_lowercase().contains("doctype"), "{err}");
    assert!(cibatch::xml::parse(body, Default::default()).is_err());
    // The same body without it is read.
    let plain = body.trim_start_matches("<!DOCTYPE Response>");
    assert_eq!(body_server(plain).describe_job("j").unwrap().job_id, "j");
}

#[test]
fn text_fields_are_limited_to_8_kib() {
    let job = |queue: String| JobRequest::new("n", "Transcode", Input::Object("a.mp4".into())).queue_id(queue);
    assert!(job("q".repeat(8192)).to_xml().is_ok());
    let err = job("q".repeat(8193)).to_xml().unwrap_err();
    assert!(matches!(err, Error::InvalidInput { argument: "queue_id", .. }), "{err}");
    let input = |v: String| WorkflowJobRequest::new("n", Input::Prefix(v), "w1").to_xml();
    assert!(input("p".repeat(8192)).is_ok());
    assert!(matches!(input("p".repeat(8193)), Err(Error::InvalidInput { argument: "input", .. })));
}

#[test]
fn create_bodies_are_limited_to_1_mib() {
    // Pass-through parameters are not field-limited, so enough of them reach the body limit.
    let req = || JobRequest::new("n", "Transcode", Input::Object("a.mp4".into()));
    let one = req().param(XmlElement::with_text("P", "p")).to_xml().unwrap().len();
    let body = |size: usize| {
        // Each `<P>text</P>` adds its text and 7 bytes to the body that holds one `<P>p</P>` (8 bytes).
        let mut left = size - (one - 8);
        let mut r = req();
        while left > 0 {
            let text = if left > 8007 + 8 { 8000 } else { left - 7 };
            r = r.param(XmlElement::with_text("P", "p".repeat(text)));
            left -= text + 7;
        }
        r.to_xml()
    };
    assert_eq!(body(1 << 20).unwrap().len(), 1 << 20);
    let err = body((1 << 20) + 1).unwrap_err();
    assert!(err.to_string().contains("at most 1048576"), "{err}");
}

#[test]
fn connect_timeout_ends_a_connect_that_never_completes() {
    // A loopback listener that never accepts, its backlog filled: further SYNs are dropped, so connects hang.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    let filled = (0..4096).any(|_| match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
        Ok(s) => {
            held.push(s);
            false
        }
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => true,
        Err(e) => panic!("could not fill the backlog after {} connections: {e}", held.len()),
    });
    assert!(filled, "the backlog never filled after {} connections", held.len());
    let cfg = config_for(&format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(120))
        .max_attempts(1);
    let err = Client::new(cfg).unwrap().describe_job("j").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.to_string().contains("connect"), "the connect timed out, not the call: {err}");
    drop(listener);
}

#[test]
fn read_timeout_ends_an_answer_that_stalls_after_its_headers() {
    let endpoint = serve(|s| {
        // The head and a first part of the body, then nothing while the connection stays open.
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<Response>");
        std::thread::sleep(Duration::from_secs(120));
        false
    });
    let cfg = config_for(&endpoint)
        .read_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(120))
        .max_attempts(1);
    let err = Client::new(cfg).unwrap().describe_job("j").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.to_string().contains("timed out") || err.to_string().contains("timeout"), "{err}");
}

/// The value of a header in a request's head lines.
fn header(head: &[String], name: &str) -> Option<String> {
    head.iter().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// A server that records each request (head lines and body) and answers a create.
/// One request: its head lines and its body.
type Recorded = (Vec<String>, Vec<u8>);

fn recording_server() -> (String, std::sync::mpsc::Receiver<Recorded>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut got = Vec::new();
                let mut buf = [0u8; 65536];
                loop {
                    let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match s.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => got.extend_from_slice(&buf[..n]),
                        }
                        continue;
                    };
                    let head: Vec<String> = String::from_utf8_lossy(&got[..end]).lines().map(str::to_string).collect();
                    let len = header(&head, "content-length").map_or(0, |v| v.parse::<usize>().unwrap());
                    while got.len() < end + 4 + len {
                        match s.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => got.extend_from_slice(&buf[..n]),
                        }
                    }
                    let body = got[end + 4..end + 4 + len].to_vec();
                    got.drain(..end + 4 + len);
                    let _ = tx.send((head, body));
                    let answer = "<Response><RequestId>r</RequestId><JobsDetail><JobId>b1</JobId><State>Submitted</State></JobsDetail></Response>";
                    let _ = s.write_all(http_response(200, &[], answer).as_bytes());
                }
            });
        }
    });
    (endpoint, rx)
}

#[test]
fn every_create_carries_a_correct_signed_content_md5() {
    use base64::Engine as _;
    use md5::Digest as _;
    // The spec's worked body, built by the library, with the MD5 the spec gives for it.
    let worked = workflow("demo").time_interval("2022-02-01T12:00:00+0800", "2022-05-01T12:00:00+0800");
    assert_eq!(worked.to_xml().unwrap().len(), 281);
    let (endpoint, requests) = recording_server();
    let c = Client::new(config_for(&endpoint).max_attempts(1)).unwrap();
    c.create_workflow_job(&worked).unwrap();
    let (head, body) = requests.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(body, worked.to_xml().unwrap().as_bytes());
    assert_eq!(header(&head, "content-md5").as_deref(), Some("AR8zP8l/jio98Dud3Epucw=="), "{head:?}");
    let auth = header(&head, "authorization").unwrap();
    assert!(auth.contains("q-header-list=content-length;content-md5;content-type;host"), "{auth}");
    // And any other body: the header is the base64 MD5 of exactly the bytes sent.
    let other = JobRequest::new("任务-1", "Snapshot", Input::Object("a &<b>.mp4".into()))
        .param(XmlElement::with_text("Mode", "Interval"));
    c.create_job(&other).unwrap();
    let (head, body) = requests.recv_timeout(Duration::from_secs(60)).unwrap();
    let want = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&body));
    assert_eq!(header(&head, "content-md5"), Some(want), "{head:?}");
}
