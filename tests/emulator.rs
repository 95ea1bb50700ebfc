//! The emulator itself: signature checks as the service does them, what the official SDKs send, the state
//! machine and server-side argument checks.

mod common;

use cibatch::emulator::{Emulator, EmulatorClock, EmulatorConfig};
use cibatch::*;
use common::*;
use std::time::Duration;

const PATH: &str = "/inventorytriggerjob";

fn emu() -> Emulator {
    Emulator::start(EmulatorConfig::default()).unwrap()
}

fn host(e: &Emulator) -> String {
    e.endpoint().trim_start_matches("http://").to_string()
}

fn code_of(body: &str) -> String {
    parse_error_body(body).map(|e| e.code).unwrap_or_default()
}

#[test]
fn signature_failures_get_the_documented_errors() {
    let e = emu();
    let h = host(&e);
    let hdr = [("Host", h.as_str())];
    let sh = [("host", h.as_str())];
    let kt = (now() - 60, now() + 600);

    let r = raw_with_auth(&e, "GET", PATH, &[], &hdr, None);
    assert_eq!((r.status, code_of(&r.body).as_str()), (401, "MissingAuthorization"));
    assert!(!r.request_id.is_empty(), "x-ci-request-id on every answer");
    assert!(r.body.contains("<TraceId>"));

    for bad in [
        "garbage",
        "q-sign-algorithm=md5&q-ak=a",
        "q-sign-algorithm=sha1&q-ak=x&q-sign-time=1;2&q-key-time=1;3&q-header-list=&q-url-param-list=&q-signature=0",
    ] {
        let r = raw_with_auth(&e, "GET", PATH, &[], &hdr, Some(bad));
        assert_eq!((r.status, code_of(&r.body).as_str()), (401, "InvalidAuthorization"), "{bad}");
    }

    let r = raw(&e, "GET", PATH, &[], &[], &hdr, &sh, (now() - 7200, now() - 3600), e.secret_key());
    assert_eq!((r.status, code_of(&r.body).as_str()), (401, "SignatureExpired"));

    let r = raw(&e, "GET", PATH, &[], &[], &hdr, &sh, (now() + 7200, now() + 9000), e.secret_key());
    assert_eq!((r.status, code_of(&r.body).as_str()), (403, "RequestTimeTooSkewed"));

    let r = raw(&e, "GET", PATH, &[], &[], &hdr, &sh, kt, "wrong-key");
    assert_eq!((r.status, code_of(&r.body).as_str()), (403, "AccessDenied"));

    // A signed parameter whose sent value differs from the signed one.
    let r = raw(&e, "GET", PATH, &[("size", "5")], &[("size", "6")], &hdr, &sh, kt, e.secret_key());
    assert_eq!((r.status, code_of(&r.body).as_str()), (403, "AccessDenied"));

    let other =
        Client::new(Config::new(e.bucket(), e.region(), Credentials::new("AKIDunknown", "k")).endpoint(e.endpoint()))
            .unwrap();
    let err = other.list_jobs(&ListOptions::default()).unwrap_err();
    assert_eq!((err.status(), err.service_code()), (Some(401), Some("SecretidNotExist")));

    let r = raw(&e, "GET", PATH, &[], &[], &hdr, &sh, kt, e.secret_key());
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn accepts_what_the_official_sdks_send() {
    let e = Emulator::start(EmulatorConfig {
        session_token: Some("tok+en/=".into()),
        submitted_for: Duration::from_secs(3600),
        ..Default::default()
    })
    .unwrap();
    let h = host(&e);
    let bare = h.split(':').next().unwrap().to_string();
    let kt = (now() - 60, now() + 10000);
    let c = Client::new(e.client_config()).unwrap();
    let job = c.create_workflow_job(&WorkflowJobRequest::new("n", Input::Prefix("p/".into()), "w1")).unwrap();
    let job_path = format!("{PATH}/{}", job.job_id);

    // Python: host signed without the port, x-ci-security-token, empty list params, all signed.
    let params = [
        ("type", "Workflow"),
        ("orderByTime", "Desc"),
        ("states", "All"),
        ("size", "10"),
        ("nextToken", ""),
        ("workflowId", ""),
        ("jobId", ""),
    ];
    let hdr = [("Host", h.as_str()), ("x-ci-security-token", "tok+en/=")];
    let sh = [("host", bare.as_str()), ("x-ci-security-token", "tok+en/=")];
    let r = raw(&e, "GET", PATH, &params, &params, &hdr, &sh, kt, e.secret_key());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(parse_response(&r.body).unwrap().jobs.len(), 1);

    // Go: host with the port, x-cos-security-token.
    let hdr = [("Host", h.as_str()), ("x-cos-security-token", "tok+en/=")];
    let sh = [("host", h.as_str()), ("x-cos-security-token", "tok+en/=")];
    let r = raw(&e, "GET", &job_path, &[], &[], &hdr, &sh, kt, e.secret_key());
    assert_eq!(r.status, 200, "{}", r.body);

    // A token the signature does not cover is refused.
    let r = raw(&e, "GET", &job_path, &[], &[], &hdr, &[("host", h.as_str())], kt, e.secret_key());
    assert_eq!((r.status, code_of(&r.body).as_str()), (403, "AccessDenied"));

    // Cancel: Python sends `?cancel` unsigned; Go sends no `cancel`; Java signs `cancel=`.
    let hdr = [("Host", h.as_str()), ("x-ci-security-token", "tok+en/=")];
    let sh = [("host", h.as_str()), ("x-ci-security-token", "tok+en/=")];
    let r = raw(&e, "PUT", &job_path, &[("cancel", "")], &[], &hdr, &sh, kt, e.secret_key());
    assert_eq!(r.status, 200, "{}", r.body);
    for (i, (query, signed)) in
        [(&[][..], &[][..]), (&[("cancel", "")][..], &[("cancel", "")][..])].into_iter().enumerate()
    {
        let j =
            c.create_workflow_job(&WorkflowJobRequest::new(format!("c{i}"), Input::Prefix("p/".into()), "w1")).unwrap();
        let r = raw(&e, "PUT", &format!("{PATH}/{}", j.job_id), query, signed, &hdr, &sh, kt, e.secret_key());
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(c.describe_job(&j.job_id).unwrap().state, JobState::Cancel);
    }
}

#[test]
fn server_side_argument_checks() {
    let e = emu();
    let h = host(&e);
    let hdr = [("Host", h.as_str())];
    let kt = (now() - 60, now() + 600);
    for (k, v) in [
        ("size", "0"),
        ("size", "101"),
        ("size", "ten"),
        ("type", "Batch"),
        ("orderByTime", "Up"),
        ("states", "Running,Bogus"),
        ("startCreationTime", "yesterday"),
        ("nextToken", "zz"),
    ] {
        let q = [(k, v)];
        let r = raw(&e, "GET", PATH, &q, &q, &hdr, &hdr, kt, e.secret_key());
        assert_eq!((r.status, code_of(&r.body).as_str()), (400, "InvalidArgument"), "{k}={v}");
    }
    // Create bodies: empty, not XML, wrong content.
    let r = raw(&e, "POST", PATH, &[], &[], &hdr, &hdr, kt, e.secret_key());
    assert_eq!((r.status, code_of(&r.body).as_str()), (400, "MissingContent"));
    // An unknown path.
    let r = raw(&e, "GET", "/jobs", &[], &[], &hdr, &hdr, kt, e.secret_key());
    assert_eq!(r.status, 400);
}

#[test]
fn state_machine_follows_the_clock_and_the_test_controls() {
    // A clock only the test moves: what the test sees cannot depend on how busy the machine is.
    let e = Emulator::start(EmulatorConfig {
        submitted_for: Duration::from_millis(150),
        running_for: Duration::from_millis(150),
        clock: EmulatorClock::Manual,
        ..Default::default()
    })
    .unwrap();
    let c = Client::new(e.client_config()).unwrap();
    let j = c.create_workflow_job(&WorkflowJobRequest::new("sm", Input::Prefix("p/".into()), "w1")).unwrap();
    assert_eq!(j.state, JobState::Submitted);
    e.advance(Duration::from_millis(149));
    assert_eq!(c.describe_job(&j.job_id).unwrap().state, JobState::Submitted);
    e.advance(Duration::from_millis(1));
    let r = c.describe_job(&j.job_id).unwrap();
    assert_eq!(r.state, JobState::Running);
    assert!(r.start_time.is_some() && r.end_time.is_none());
    e.advance(Duration::from_millis(150));
    let done = c.describe_job(&j.job_id).unwrap();
    assert_eq!(done.state, JobState::Success);
    assert!(done.end_time.is_some());

    // Held jobs, forced states and failures.
    e.set_timing(Duration::from_secs(3600), Duration::from_secs(3600));
    let k = c.create_workflow_job(&WorkflowJobRequest::new("held", Input::Prefix("p/".into()), "w1")).unwrap();
    e.advance(Duration::from_secs(3599));
    assert_eq!(c.describe_job(&k.job_id).unwrap().state, JobState::Submitted);
    assert!(e.set_job_state(&k.job_id, JobState::Pause));
    assert_eq!(c.describe_job(&k.job_id).unwrap().state, JobState::Pause);
    assert!(e.set_job_state(&k.job_id, JobState::Failed));
    let f = c.describe_job(&k.job_id).unwrap();
    assert_eq!((f.state, f.code.as_str()), (JobState::Failed, "InternalError"));
    assert!(!e.fail_job(&k.job_id, "X", "already over"));
    assert!(!e.set_job_state("bnope", JobState::Running));
    assert!(!e.fail_job("bnope", "X", "y"));
}

#[test]
fn per_describe_clock_moves_a_job_one_state_per_describe() {
    let e = Emulator::start(EmulatorConfig { clock: EmulatorClock::PerDescribe, ..Default::default() }).unwrap();
    let c = Client::new(e.client_config()).unwrap();
    let new = |name: &str| c.create_workflow_job(&WorkflowJobRequest::new(name, Input::Prefix("p/".into()), "w1"));
    let j = new("steps").unwrap();
    let states: Vec<JobState> = (0..4).map(|_| c.describe_job(&j.job_id).unwrap().state).collect();
    assert_eq!(states, [JobState::Submitted, JobState::Running, JobState::Success, JobState::Success]);
    // Lists and time do not move jobs; a failure ends Failed; a describe of several moves each.
    let k = new("listed").unwrap();
    let f = new("failing").unwrap();
    assert!(e.fail_job(&f.job_id, "X", "y"));
    for _ in 0..3 {
        assert_eq!(c.list_jobs(&ListOptions::default()).unwrap().jobs.len(), 3);
    }
    e.advance(Duration::from_secs(3600));
    assert_eq!(c.describe_job(&k.job_id).unwrap().state, JobState::Submitted);
    let ids = [k.job_id.as_str(), f.job_id.as_str()];
    let states = |r: DescribeJobsResult| r.jobs.into_iter().map(|j| j.state).collect::<Vec<_>>();
    assert_eq!(states(c.describe_jobs(&ids).unwrap()), [JobState::Running, JobState::Submitted]);
    assert_eq!(states(c.describe_jobs(&ids).unwrap()), [JobState::Success, JobState::Running]);
    assert_eq!(states(c.describe_jobs(&ids).unwrap()), [JobState::Success, JobState::Failed]);
    // Back on the wall clock (advanced by an hour), jobs follow time again.
    e.set_clock(EmulatorClock::Wall);
    let w = new("wall").unwrap();
    assert_eq!(c.describe_job(&w.job_id).unwrap().state, JobState::Submitted);
    e.advance(Duration::from_secs(2));
    assert_eq!(c.describe_job(&w.job_id).unwrap().state, JobState::Success);
}

#[test]
fn stops_cleanly_and_frees_its_port() {
    let e = emu();
    let port = e.port();
    let c = Client::new(e.client_config().max_attempts(1)).unwrap();
    c.list_jobs(&ListOptions::default()).unwrap();
    e.stop();
    assert!(c.list_jobs(&ListOptions::default()).is_err());
    // The port can be bound again.
    let again = Emulator::start(EmulatorConfig { port, ..Default::default() }).unwrap();
    assert_eq!(again.port(), port);
}
