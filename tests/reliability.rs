//! Reliability: the fault matrix (every operation against every fault the emulator injects), clock skew,
//! TLS, proxies, limits and a concurrency soak.

mod common;

use cibatch::emulator::{Emulator, EmulatorConfig, Fault};
use cibatch::*;
use common::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Create,
    Describe,
    List,
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Case {
    ServerErrorOnce,
    ServerErrorAlways,
    SlowDown,
    ConnectionReset,
    DelayPastTimeout,
    TruncatedBody,
    CutBody,
    MalformedXml,
    HugeBody,
    SkewedClock,
}

#[derive(Debug, PartialEq)]
enum Want {
    /// Success after this many requests.
    Ok(u64),
    /// This error kind after this many attempts (each one request).
    Err(ErrorKind, u32),
    /// A create's outcome unknown (its request may have been carried out), with the cause's kind and attempts.
    Unknown(ErrorKind, u32),
}

/// What a demanding user expects: reads are retried on anything transient, creates never (a lost answer
/// may mean the job was created), and a skewed clock is corrected once for every operation.
fn expected(op: Op, case: Case) -> Want {
    // Every fault here strikes after the create's request was written: its failure leaves the outcome unknown.
    match expected_kind(op, case) {
        Want::Err(kind, attempts) if op == Op::Create => Want::Unknown(kind, attempts),
        want => want,
    }
}

fn expected_kind(op: Op, case: Case) -> Want {
    use Case::*;
    use ErrorKind as K;
    let read = op != Op::Create;
    match case {
        ServerErrorOnce | SlowDown | ConnectionReset | DelayPastTimeout if read => Want::Ok(2),
        ServerErrorOnce | SlowDown => Want::Err(K::Service, 1),
        ServerErrorAlways if read => Want::Err(K::Service, 3),
        ServerErrorAlways => Want::Err(K::Service, 1),
        ConnectionReset | DelayPastTimeout | CutBody => {
            if op == Op::Cancel && case == CutBody {
                Want::Ok(1) // an empty answer has nothing to cut
            } else if read {
                Want::Ok(2)
            } else {
                Want::Err(K::Transport, 1)
            }
        }
        TruncatedBody | MalformedXml if op == Op::Cancel => Want::Ok(1), // cancel reads no body
        TruncatedBody | MalformedXml if read => Want::Ok(2),
        TruncatedBody | MalformedXml => Want::Err(K::InvalidResponse, 1),
        HugeBody => Want::Err(K::Transport, 1), // deterministic: not worth another try
        SkewedClock => Want::Ok(2),
    }
}

/// Whether the fault lets the server carry out a create (so exactly one job appears, never two).
fn create_lands(case: Case) -> bool {
    matches!(case, Case::DelayPastTimeout | Case::TruncatedBody | Case::CutBody | Case::MalformedXml)
}

#[test]
fn fault_matrix() {
    let emu =
        Emulator::start(EmulatorConfig { submitted_for: Duration::from_secs(3600), ..Default::default() }).unwrap();
    let setup_client = Client::new(emu.client_config()).unwrap();
    let mut failures = Vec::new();
    let cases = [
        Case::ServerErrorOnce,
        Case::ServerErrorAlways,
        Case::SlowDown,
        Case::ConnectionReset,
        Case::DelayPastTimeout,
        Case::TruncatedBody,
        Case::CutBody,
        Case::MalformedXml,
        Case::HugeBody,
        Case::SkewedClock,
    ];
    for op in [Op::Create, Op::Describe, Op::List, Op::Cancel] {
        for case in cases {
            // A fresh client per cell: a corrected clock must not carry over.
            let client =
                // A timeout a busy machine cannot reach by accident (an attempt that timed out by accident would be
                // retried, and its request could take the fault meant for the retry).
                Client::new(fast(emu.client_config()).timeout(Duration::from_secs(3)).max_response_bytes(64 << 10))
                    .unwrap();
            let target = setup_client
                .create_workflow_job(&WorkflowJobRequest::new("target", Input::Prefix("p/".into()), "w1"))
                .unwrap();
            match case {
                Case::ServerErrorOnce => emu.inject(Fault::status(500, "InternalError"), 1),
                Case::ServerErrorAlways => emu.inject(Fault::status(503, "InternalError"), 10),
                Case::SlowDown => emu.inject(Fault::status(503, "SlowDown"), 1),
                Case::ConnectionReset => emu.inject(Fault::CloseConnection, 1),
                Case::DelayPastTimeout => emu.inject(Fault::Delay(Duration::from_secs(6)), 1),
                Case::TruncatedBody => emu.inject(Fault::TruncatedXml, 1),
                Case::CutBody => emu.inject(Fault::CutBody, 1),
                Case::MalformedXml => emu.inject(Fault::MalformedXml, 1),
                Case::HugeBody => emu.inject(Fault::HugeBody(1 << 20), 1),
                Case::SkewedClock => emu.set_clock_skew(7200),
            }
            let (requests, jobs) = (emu.request_count(), emu.job_count());
            let result: Result<()> = match op {
                Op::Create => client
                    .create_workflow_job(&WorkflowJobRequest::new("cell", Input::Prefix("p/".into()), "w1"))
                    .map(drop),
                Op::Describe => client.describe_job(&target.job_id).map(drop),
                Op::List => client.list_jobs(&ListOptions::default()).map(drop),
                Op::Cancel => client.cancel_job(&target.job_id),
            };
            let sent = emu.request_count() - requests;
            let got = match &result {
                Ok(()) => Want::Ok(sent),
                Err(e) if e.is_outcome_unknown() => Want::Unknown(e.cause().kind(), e.attempts()),
                Err(e) => Want::Err(e.kind(), e.attempts()),
            };
            let want = expected(op, case);
            if got != want {
                failures.push(format!("{op:?} x {case:?}: want {want:?}, got {got:?} ({result:?})"));
            }
            if let Want::Err(_, attempts) | Want::Unknown(_, attempts) = want {
                if sent != attempts as u64 {
                    failures.push(format!("{op:?} x {case:?}: {attempts} attempt(s) reported, {sent} sent"));
                }
            }
            if op == Op::Create {
                let want_jobs = usize::from(result.is_ok() || create_lands(case));
                // A delayed request lands after the client gave up: wait for it (rather than for a fixed time,
                // which a busy machine can outlast), with a bound only against a request that never lands.
                let until = Instant::now() + Duration::from_secs(30);
                while case == Case::DelayPastTimeout && emu.job_count() - jobs < want_jobs && Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(20));
                }
                let created = emu.job_count() - jobs;
                if created != want_jobs {
                    failures.push(format!("{op:?} x {case:?}: {created} job(s) created, want {want_jobs}"));
                }
            }
            emu.clear_faults();
            emu.set_clock_skew(0);
        }
    }
    assert!(failures.is_empty(), "fault matrix:\n{}", failures.join("\n"));
}

#[test]
fn clock_skew_is_corrected_from_the_date_header() {
    for skew in [7200, -7200] {
        let (emu, client) = setup_with(EmulatorConfig { clock_skew: skew, ..Default::default() });
        let before = emu.request_count();
        client.list_jobs(&ListOptions::default()).unwrap();
        assert_eq!(emu.request_count() - before, 2, "one refused, one corrected");
        assert!((client.clock_offset() - skew).abs() <= 2, "offset {} for skew {skew}", client.clock_offset());
        // Later calls sign with the corrected clock straight away.
        let before = emu.request_count();
        client.create_workflow_job(&WorkflowJobRequest::new("n", Input::Prefix("p/".into()), "w1")).unwrap();
        assert_eq!(emu.request_count() - before, 1);
        assert_eq!(emu.job_count(), 1);
    }
    // A known offset set by the user needs no correction.
    let (emu, _) = setup_with(EmulatorConfig { clock_skew: -7200, ..Default::default() });
    let c = Client::new(emu.client_config().clock_offset(-7200)).unwrap();
    let before = emu.request_count();
    c.list_jobs(&ListOptions::default()).unwrap();
    assert_eq!(emu.request_count() - before, 1);
    // Without a Date header there is nothing to correct with: the error stands.
    let body = "<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message></Error>";
    let c = Client::new(
        Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key"))
            .endpoint(canned_server(http_response(403, &[], body)))
            .max_attempts(1),
    )
    .unwrap();
    assert_eq!(c.list_jobs(&ListOptions::default()).unwrap_err().service_code(), Some("RequestTimeTooSkewed"));
}

#[test]
fn deep_responses_are_refused_at_the_configured_depth() {
    let deep = format!(
        "<Response><RequestId>r</RequestId><JobsDetail><JobId>b1</JobId><X>{}{}</X></JobsDetail></Response>",
        "<a>".repeat(20),
        "</a>".repeat(20)
    );
    let endpoint = canned_server(http_response(200, &[], &deep));
    let cfg = Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key")).endpoint(&endpoint);
    let c = Client::new(cfg.clone().max_attempts(1)).unwrap();
    assert!(c.describe_job("b1").is_ok(), "20 levels are within the default 32");
    let strict = Client::new(cfg.max_attempts(1).max_xml_depth(8)).unwrap();
    let err = strict.describe_job("b1").unwrap_err();
    assert!(err.to_string().contains("nested deeper than 8"), "{err}");
}

#[test]
fn hostile_strings_at_every_entry_point() {
    let (emu, c) = setup();
    let huge = "x".repeat(10 << 20);
    let before = emu.request_count();
    let refused = |r: Result<Job>| matches!(r, Err(Error::InvalidInput { .. }));
    assert!(refused(c.describe_job(&huge)));
    assert!(refused(c.create_workflow_job(&WorkflowJobRequest::new(&huge, Input::Prefix("p".into()), "w1"))));
    assert!(refused(c.create_workflow_job(&WorkflowJobRequest::new("n", Input::Prefix(huge.clone()), "w1"))));
    assert!(refused(c.create_workflow_job(&WorkflowJobRequest::new("n", Input::Prefix("p".into()), &huge))));
    let big_param =
        JobRequest::new("n", "T", Input::Prefix("p".into())).param(XmlElement::with_text("A", "y".repeat(2 << 20)));
    assert!(refused(c.create_job(&big_param)));
    assert!(c.list_jobs(&ListOptions { name: Some(huge.clone()), ..Default::default() }).is_err());
    for bad in ["../x", "%2F", "a\r\nHost: evil", "a,b", "a\0b"] {
        assert!(refused(c.describe_job(bad)), "{bad:?}");
    }
    let token = Credentials::new("id", "key").with_token("t\r\nX-Evil: 1");
    assert!(Client::new(Config::new("b-1", "ap-beijing", token)).is_err());
    assert_eq!(emu.request_count(), before, "nothing hostile was sent");

    // XML special characters in every create field come back as sent (the name's rule allows none of them).
    let nasty = "<&>\"' ]]> <!-- -->";
    assert!(refused(c.create_job(&JobRequest::new(nasty, "Snapshot", Input::Object("o".into())))));
    let mut req = JobRequest::new("nasty", "Snapshot", Input::Object(nasty.into()))
        .param(XmlElement::with_text("TemplateId", nasty))
        .output(nasty, nasty, nasty)
        .queue_id(nasty)
        .user_data(nasty)
        .callback(nasty)
        .time_interval("2022-02-01T12:00:00+0800", "2022-05-01T12:00:00+0800");
    req.callback_mq_config = Some(CallBackMqConfig {
        mq_mode: Some(nasty.into()),
        mq_region: Some(nasty.into()),
        mq_name: Some(nasty.into()),
    });
    let job = c.create_job(&req).unwrap();
    let op = &job.operation;
    let out = op.output.as_ref().unwrap();
    let mq = op.callback_mq_config.as_ref().unwrap();
    assert_eq!(job.name, "nasty");
    for got in [
        job.input.object.as_deref(),
        op.job_param.as_ref().unwrap().template_id.as_deref(),
        out.region.as_deref(),
        out.bucket.as_deref(),
        out.object.as_deref(),
        op.queue_id.as_deref(),
        op.user_data.as_deref(),
        op.callback.as_deref(),
        mq.mq_mode.as_deref(),
        mq.mq_region.as_deref(),
        mq.mq_name.as_deref(),
    ] {
        assert_eq!(got, Some(nasty));
    }
}

#[test]
fn requests_go_through_a_configured_proxy() {
    let (emu, _) = setup();
    let (proxy, tunnels) = connect_proxy();
    // A host name only the proxy can reach.
    let endpoint = format!("http://emulator.invalid:{}", emu.port());
    let c = Client::new(emu.client_config().endpoint(&endpoint).proxy(&proxy)).unwrap();
    c.list_jobs(&ListOptions::default()).unwrap();
    assert!(tunnels.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    assert!(Client::new(emu.client_config().proxy("not a url")).is_err());
}

fn openssl(args: &[&str], dir: &std::path::Path) {
    let ok = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl is needed for the TLS tests (scripts/test.sh installs it)")
        .success();
    assert!(ok, "openssl {args:?}");
}

#[test]
fn tls_verification_ca_bundles_and_clear_tls_errors() {
    let dir = std::env::temp_dir().join(format!("cibatch-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=cibatch test CA",
        ],
        &dir,
    );
    openssl(
        &["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost"],
        &dir,
    );
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")
        .unwrap();
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
        &dir,
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = std::process::Command::new("openssl")
        .args(["s_server", "-quiet", "-www", "-accept", &port.to_string(), "-cert", "leaf.pem", "-key", "leaf.key"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let endpoint = format!("https://127.0.0.1:{port}");
    let cfg = Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key"))
        .endpoint(&endpoint)
        .max_attempts(1);

    // Verification is on by default: an unknown issuer is a TLS error that says so.
    let err = Client::new(cfg.clone()).unwrap().list_jobs(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Tls, .. }), "{err:?}");
    assert!(err.to_string().to_lowercase().contains("certificate"), "{err}");

    // Trusting the CA, the handshake succeeds (s_server then answers HTML, which we cannot read as XML).
    let err =
        Client::new(cfg.clone().ca_bundle(dir.join("ca.pem"))).unwrap().list_jobs(&ListOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err:?}");
    server.kill().ok();
    server.wait().ok();

    // Bad bundles are refused before anything is sent.
    for (path, why) in [(dir.join("missing.pem"), "cannot read"), (dir.join("ext.cnf"), "no certificate")] {
        let err = Client::new(cfg.clone().ca_bundle(&path)).unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { argument: "ca_bundle", .. }) && err.to_string().contains(why),
            "{err}"
        );
    }
    // HTTPS to a plain-HTTP server: a TLS failure with the reason.
    let (emu, _) = setup();
    let err = Client::new(emu.client_config().endpoint(format!("https://127.0.0.1:{}", emu.port())).max_attempts(1))
        .unwrap()
        .list_jobs(&ListOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn provided_credentials_refresh_once_for_all_threads() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::SystemTime;
    let emu =
        Emulator::start(EmulatorConfig { session_token: Some("sts-token".into()), ..Default::default() }).unwrap();
    let fetches = Arc::new(AtomicUsize::new(0));
    let (id, key) = (emu.secret_id().to_string(), emu.secret_key().to_string());
    let f = fetches.clone();
    // Credentials that are always about to expire: every call would refresh, were it not for the one-at-a-time rule.
    let provider = move || {
        f.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
        Ok((Credentials::new(&id, &key).with_token("sts-token"), Some(SystemTime::now() + Duration::from_secs(3600))))
    };
    let logs = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = logs.clone();
    let config = Config::with_provider(emu.bucket(), emu.region(), provider)
        .endpoint(emu.endpoint())
        .log(LogLevel::Debug, move |_, m| sink.lock().unwrap().push(m.to_string()));
    let client = Arc::new(Client::new(config).unwrap());
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let c = client.clone();
            std::thread::spawn(move || c.list_jobs(&ListOptions::default()).unwrap())
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "one refresh for eight threads");
    let logs = logs.lock().unwrap();
    assert!(logs.iter().any(|l| l.contains("list jobs: GET /inventorytriggerjob -> HTTP 200 (request id")), "{logs:?}");
    assert!(logs.iter().any(|l| l.contains("credentials refreshed")));
    assert!(!logs.iter().any(|l| l.contains(emu.secret_key()) || l.contains("sts-token")), "a secret was logged");

    // Near expiry, the next call refreshes; a failing provider with nothing valid left is a Credentials error.
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let (id, key) = (emu.secret_id().to_string(), emu.secret_key().to_string());
    let flaky = move || {
        if n2.fetch_add(1, Ordering::SeqCst) == 0 {
            Ok((Credentials::new(&id, &key).with_token("sts-token"), Some(SystemTime::now() + Duration::from_secs(10))))
        } else {
            Err("the STS endpoint is down".to_string())
        }
    };
    let c = Client::new(Config::with_provider(emu.bucket(), emu.region(), flaky).endpoint(emu.endpoint())).unwrap();
    // Expires within the refresh margin: refreshing fails, but the current credentials still work.
    c.list_jobs(&ListOptions::default()).unwrap();
    c.list_jobs(&ListOptions::default()).unwrap();
    assert_eq!(n.load(Ordering::SeqCst), 2);
    let failing = Client::new(
        Config::with_provider(emu.bucket(), emu.region(), || Err("no role".to_string())).endpoint(emu.endpoint()),
    )
    .unwrap();
    let err = failing.list_jobs(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Credentials { .. }) && err.to_string().contains("no role"), "{err}");
}
