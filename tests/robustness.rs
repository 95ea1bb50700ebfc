//! Hostile servers and deep documents (issue "No crash, no hang, no flaky test"): depth-independent trees, answers
//! holding more than the request can return, control characters from the network, an answer about another job,
//! an implausible clock, redirects and a CA certificate served as the server's own.

mod common;

use cibatch::xml::{self, XmlLimits};
use cibatch::*;
use common::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ID: &str = "b3deffea2f84911ec9cb15254008618d9";
const OTHER: &str = "b00000000000000000000000000000001";

fn client_for(endpoint: &str) -> Client {
    let cfg = Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key"))
        .endpoint(endpoint)
        .max_attempts(1)
        .timeout(Duration::from_secs(20));
    Client::new(cfg).unwrap()
}

fn job_xml(id: &str) -> String {
    format!(
        "<JobsDetail><Code>Success</Code><Type>Workflow</Type><JobId>{id}</JobId><State>Running</State></JobsDetail>"
    )
}

fn ok_body(inner: &str) -> String {
    http_response(
        200,
        &[("x-ci-request-id", "rid")],
        &format!("<Response><RequestId>rid</RequestId>{inner}</Response>"),
    )
}

/// Runs `f` on a thread with a small stack, so that any recursion over a deep tree fails at once.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(256 << 10).spawn(f).unwrap().join().expect("no stack overflow")
}

#[test]
fn trees_of_any_depth_are_dropped_cloned_compared_and_written_without_recursion() {
    on_small_stack(|| {
        let depth = 200_000;
        let src = "<a>".repeat(depth) + "x" + &"</a>".repeat(depth);
        let limits = XmlLimits { max_depth: depth + 1, max_elements: depth + 1 };
        let doc = xml::parse(&src, limits).unwrap();
        let copy = doc.root.clone();
        assert!(copy == doc.root);
        assert_eq!(doc.root.to_xml(), src);
        assert_eq!(doc.root.descendants().count(), depth);
        assert!(format!("{:?}", doc.root).len() > src.len());
        drop(copy);
        // A deep pass-through element is checked and written by the request builder (whose bodies are at most
        // 1 MiB), and dropped with it.
        let half = depth / 2;
        let src = "<a>".repeat(half) + &"</a>".repeat(half);
        let element = xml::parse(&src, limits).unwrap().root;
        let req = JobRequest::new("deep", "Snapshot", Input::Object("a.mp4".into())).param(element);
        assert!(req.to_xml().unwrap().contains(&src));
        drop(req);
        drop(doc);
        // A document refused half-way (here: truncated) drops its open elements too.
        let truncated = "<a>".repeat(depth);
        assert!(xml::parse(&truncated, limits).unwrap_err().contains("truncated"));
    });
}

#[test]
fn answers_holding_more_than_the_request_can_return_are_refused() {
    // 190,000 empty jobs for a describe of one ID.
    let c = client_for(&canned_server(ok_body(&"<JobsDetail/>".repeat(190_000))));
    // (Results are mapped to their size before any unwrap: a failing check must not print 190,000 jobs.)
    let err = c.describe_jobs(&[ID]).map(|r| r.jobs.len()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert!(err.to_string().contains("more than 1 JobsDetail"), "{err}");
    // Two jobs for one ID.
    let c = client_for(&canned_server(ok_body(&(job_xml(ID) + &job_xml(OTHER)))));
    assert_eq!(c.describe_job(ID).unwrap_err().kind(), ErrorKind::InvalidResponse);
    // Millions of missing IDs for two asked.
    let c = client_for(&canned_server(ok_body(&format!("<NonExistJobIds>{}</NonExistJobIds>", "a,".repeat(1 << 20)))));
    let err = c.describe_jobs(&[ID, OTHER]).map(|r| r.non_exist_job_ids.len()).unwrap_err();
    assert!(err.to_string().contains("more than 2 IDs in NonExistJobIds"), "{err}");
    // ... also when spread over several elements.
    let c = client_for(&canned_server(ok_body(&"<NonExistJobIds>a</NonExistJobIds>".repeat(3))));
    assert_eq!(c.describe_jobs(&[ID, OTHER]).unwrap_err().kind(), ErrorKind::InvalidResponse);
    // As many as asked is fine.
    let c = client_for(&canned_server(ok_body(&format!("{}<NonExistJobIds>{OTHER}</NonExistJobIds>", job_xml(ID)))));
    let res = c.describe_jobs(&[ID, OTHER]).unwrap();
    assert_eq!((res.jobs.len(), res.non_exist_job_ids.as_slice()), (1, [OTHER.to_string()].as_slice()));
    // A page holds at most 100 jobs.
    let c = client_for(&canned_server(ok_body(&job_xml(ID).repeat(101))));
    let err = c.list_jobs(&ListOptions::default()).map(|p| p.jobs.len()).unwrap_err();
    assert!(err.to_string().contains("more than 100 JobsDetail"), "{err}");
    let c = client_for(&canned_server(ok_body(&job_xml(ID).repeat(100))));
    assert_eq!(c.list_jobs(&ListOptions::default()).unwrap().jobs.len(), 100);
    // A create returns one job.
    let c = client_for(&canned_server(ok_body(&job_xml(ID).repeat(2))));
    let err = c.create_workflow_job(&WorkflowJobRequest::new("n", Input::Prefix("p/".into()), "w1")).unwrap_err();
    // An unreadable answer to a create leaves its outcome unknown (the request was carried out); the cause says why.
    assert!(err.kind() == ErrorKind::InvalidResponse || err.is_outcome_unknown(), "{err}");
    assert!(err.to_string().contains("more than 1 JobsDetail"), "{err}");
}

#[test]
fn a_content_length_over_the_limit_is_refused_before_the_body_is_read() {
    // The server announces 1 GB and sends a few bytes, then nothing: reading would wait for the read timeout (and
    // fail as a timeout, which is what this test saw before the check).
    let response = "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n<Response>".to_string();
    let cfg = Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key"))
        .endpoint(canned_server(response))
        .max_attempts(1)
        .read_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(5));
    let err = Client::new(cfg).unwrap().list_jobs(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Other, .. }), "{err:?}");
    assert!(err.to_string().contains("Content-Length of 1000000000 bytes exceeds the limit"), "{err}");
}

/// No character a terminal or a log would act on.
fn assert_printable(what: &str, s: &str) {
    assert!(!s.chars().any(|c| c.is_control()), "{what} holds a control character: {s:?}");
}

#[test]
fn text_from_the_network_is_escaped_in_errors_and_logs() {
    let forged = "denied\nINFO cibatch: credentials refreshed for AKIDadmin\u{2028}\u{202E}";
    let body = format!(
        "<Error><Code>Access\tDenied\n</Code><Message>{forged}</Message><RequestId>r\nid</RequestId>\
         <TraceId>t\r\nid</TraceId></Error>"
    );
    let endpoint = canned_server(http_response(403, &[("x-ci-request-id", "h\tid")], &body));
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let cfg = Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key"))
        .endpoint(endpoint)
        .max_attempts(1)
        .log(LogLevel::Debug, move |_, m: &str| sink.lock().unwrap().push(m.to_string()));
    let err = Client::new(cfg).unwrap().list_jobs(&ListOptions::default()).unwrap_err();
    let Error::Service(se) = &err else { panic!("{err:?}") };
    assert_eq!(se.message, "denied\\nINFO cibatch: credentials refreshed for AKIDadmin\\u{2028}\\u{202e}");
    for (what, s) in [("code", &se.code), ("request id", &se.request_id), ("trace id", &se.trace_id)] {
        assert_printable(what, s);
    }
    assert_printable("Display", &err.to_string());
    assert_printable("Debug", &format!("{err:?}"));
    assert!(!lines.lock().unwrap().is_empty());
    for line in lines.lock().unwrap().iter() {
        assert_printable("log line", line);
    }

    // Raw controls (an escape sequence, a NUL) are not XML: the body is unreadable, and its excerpt escaped.
    for body in ["<Error><Code>X</Code><Message>\u{1b}[2J\u{1b}]0;owned\u{7}</Message></Error>", "\u{1b}[2Jnot xml\0"] {
        let c = client_for(&canned_server(http_response(500, &[], body)));
        let err = c.list_jobs(&ListOptions::default()).unwrap_err();
        assert!(err.to_string().contains("\\u{1b}[2J"), "{err}");
        assert_printable("Display", &err.to_string());
        let Error::Service(se) = &err else { panic!("{err:?}") };
        assert_printable("message", &se.message);
    }

    // A state the service invents reaches a wait's error escaped (the wait is stopped after its first poll).
    let weird = job_xml(ID).replace("Running", "Weird&#10;INFO forged");
    let c = client_for(&canned_server(ok_body(&weird)));
    let err = c.wait_for_job_polling(ID, &WaitOptions::default(), |_, _| false).unwrap_err();
    assert!(err.to_string().contains("Weird\\nINFO forged"), "{err}");
    assert_printable("Display", &err.to_string());
}

#[test]
fn control_characters_in_xml_text_are_refused() {
    for (what, inner) in [
        ("a NUL", format!("<JobsDetail><JobId>{ID}\0x</JobId></JobsDetail>")),
        ("an escape", format!("<JobsDetail><JobId>{ID}</JobId><Message>\u{1b}[2J</Message></JobsDetail>")),
        ("a reference to NUL", format!("<JobsDetail><JobId>{ID}&#0;</JobId></JobsDetail>")),
        ("a reference to ESC", format!("<JobsDetail><JobId>{ID}</JobId><Name>&#x1B;</Name></JobsDetail>")),
    ] {
        let c = client_for(&canned_server(ok_body(&inner)));
        let err = c.describe_jobs(&[ID]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{what}: {err}");
        let text = err.to_string();
        assert!(text.contains("not allowed in XML") || text.contains("invalid character reference"), "{what}: {text}");
        assert_printable(what, &err.to_string());
    }
    // Tab, CR and LF are XML text.
    let doc = xml::parse("<a>x\ty\r\nz&#9;&#10;&#13;</a>", XmlLimits::default()).unwrap();
    assert_eq!(doc.root.text, "x\ty\nz\t\n\r");
}

#[test]
fn describe_job_never_returns_another_job() {
    let c = client_for(&canned_server(ok_body(&job_xml(OTHER))));
    let err = c.describe_job(ID).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err:?}");
    assert!(err.to_string().contains(&format!("asked for job {ID}, the answer holds job \"{OTHER}\"")), "{err}");
    // A job without an ID is not the job asked for either.
    let c = client_for(&canned_server(ok_body("<JobsDetail><State>Running</State></JobsDetail>")));
    assert_eq!(c.describe_job(ID).unwrap_err().kind(), ErrorKind::InvalidResponse);
    // No job at all is "not found"; the right one is returned.
    let c = client_for(&canned_server(ok_body(&format!("<NonExistJobIds>{ID}</NonExistJobIds>"))));
    assert_eq!(c.describe_job(ID).unwrap_err().kind(), ErrorKind::JobNotFound);
    let c = client_for(&canned_server(ok_body(&job_xml(ID))));
    assert_eq!(c.describe_job(ID).unwrap().job_id, ID);
}

#[test]
fn a_clock_correction_is_adopted_only_within_a_day() {
    let skewed = |offset: i64| {
        let date = cibatch::timefmt::format_http_date(now() + offset);
        let body = "<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message></Error>";
        client_for(&canned_server(http_response(403, &[("Date", &date)], body)))
    };
    // Two days off: not adopted, the error is returned after one attempt.
    let c = skewed(2 * 86_400);
    let err = c.list_jobs(&ListOptions::default()).unwrap_err();
    assert_eq!((err.service_code(), err.attempts(), c.clock_offset()), (Some("RequestTimeTooSkewed"), 1, 0));
    // An hour off: adopted, and the request signed again (the canned server refuses again).
    let c = skewed(3600);
    let err = c.list_jobs(&ListOptions::default()).unwrap_err();
    assert_eq!(err.attempts(), 2);
    assert!((3590..=3610).contains(&c.clock_offset()), "{}", c.clock_offset());
}

#[test]
fn a_redirect_error_says_where_it_pointed() {
    let body = "<Error><Code>Found</Code><Message>moved</Message></Error>";
    let endpoint = canned_server(http_response(302, &[("Location", "https://elsewhere.example/x\u{9}y")], body));
    let err = client_for(&endpoint).list_jobs(&ListOptions::default()).unwrap_err();
    assert_eq!(err.status(), Some(302));
    let text = err.to_string();
    assert!(text.contains("redirected to \"https://elsewhere.example/x\\\\ty\", which is not followed"), "{text}");
    assert!(text.contains("moved"), "{text}");
    assert_printable("Display", &text);
}

#[test]
fn a_ca_certificate_served_as_the_servers_own_is_explained() {
    let dir = std::env::temp_dir().join(format!("cibatch-selfsigned-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // What `openssl req -x509` makes: a self-signed certificate that is a CA (basicConstraints CA:TRUE).
    let ok = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "self.key", "-out", "self.pem"])
        .args(["-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .current_dir(&dir)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl is needed for the TLS tests (scripts/test.sh installs it)")
        .success();
    assert!(ok);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = std::process::Command::new("openssl")
        .args(["s_server", "-quiet", "-www", "-accept", &port.to_string(), "-cert", "self.pem", "-key", "self.key"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Waits for the server to listen (no timing assertion: a generous bound only against a server that never starts).
    let until = std::time::Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    let cfg = Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key"))
        .endpoint(format!("https://127.0.0.1:{port}"))
        .max_attempts(1)
        .ca_bundle(dir.join("self.pem"));
    let err = Client::new(cfg).unwrap().list_jobs(&ListOptions::default()).unwrap_err();
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Tls, .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("is a CA certificate"), "{text}");
    assert!(text.contains("a certificate signed by that CA"), "{text}");
}
