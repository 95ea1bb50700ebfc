//! Every operation of the client against the emulator.

mod common;

use cibatch::emulator::{EmulatorClock, EmulatorConfig, Fault};
use cibatch::*;
use common::*;
use std::sync::Arc;
use std::time::Duration;

fn workflow(name: &str) -> WorkflowJobRequest {
    WorkflowJobRequest::new(name, Input::Prefix("input/".into()), "w7476ff3564ee45b7b490d64bccaba6cc")
}

#[test]
fn create_workflow_job_echoes_the_request() {
    let (_emu, c) = setup();
    let req = workflow("demo").time_interval("2022-02-01T12:00:00+0800", "2022-05-01T12:00:00+0800");
    let job = c.create_workflow_job(&req).unwrap();
    assert_eq!(job.state, JobState::Submitted);
    assert_eq!(job.job_type, JobType::Workflow);
    assert_eq!(job.name, "demo");
    assert_eq!(job.code, "Success");
    assert_eq!(job.job_id.len(), 33);
    assert!(job.job_id.starts_with('b'));
    assert!(job.creation_time.is_some());
    assert_eq!(job.start_time, None);
    assert_eq!(job.end_time, None);
    assert_eq!(job.input.prefix.as_deref(), Some("input/"));
    assert_eq!(job.operation.workflow_ids.as_deref(), Some("w7476ff3564ee45b7b490d64bccaba6cc"));
    let ti = job.operation.time_interval.as_ref().unwrap();
    assert_eq!(ti.start.as_deref(), Some("2022-02-01T12:00:00+0800"));
    assert!(job.raw_xml.starts_with("<JobsDetail>") && job.raw_xml.ends_with("</JobsDetail>"));
}

#[test]
fn create_job_type_with_pass_through_elements() {
    let (_emu, c) = setup();
    let req = JobRequest::new(
        "snap-q_1",
        "Snapshot",
        Input::Manifest("https://b-125.cos.ap-beijing.myqcloud.com/m/manifest.json".into()),
    )
    .template_id("t1460606b9752148c4ab182f55163ba7cd")
    .param(
        XmlElement::new("Snapshot")
            .child_text("Mode", "Interval")
            .child(XmlElement::new("SpriteSnapshotConfig").child_text("Columns", "10")),
    )
    .output("ap-chongqing", "test-1234567890", "output/${InventoryTriggerJobId}/${InputName}.jpg")
    .output_element(XmlElement::with_text("SpriteObject", "sprite/${Number}.jpg"))
    .queue_id("p893bcda225bf4945a378da6662e81a89")
    .user_data("a&b<c>")
    .job_level(1)
    .callback("https://www.callback.com/?x=1&y=2");
    let job = c.create_job(&req).unwrap();
    assert_eq!(job.job_type, JobType::Job);
    assert_eq!(job.name, "snap-q_1");
    assert_eq!(job.input.manifest.as_deref(), Some("https://b-125.cos.ap-beijing.myqcloud.com/m/manifest.json"));
    let op = &job.operation;
    assert_eq!(op.tag.as_deref(), Some("Snapshot"));
    let param = op.job_param.as_ref().unwrap();
    assert_eq!(param.template_id.as_deref(), Some("t1460606b9752148c4ab182f55163ba7cd"));
    let snap = param.element().unwrap();
    let snap = snap.find("Snapshot").unwrap();
    assert_eq!(snap.find_text("Mode"), Some("Interval"));
    assert_eq!(snap.find("SpriteSnapshotConfig").unwrap().find_text("Columns"), Some("10"));
    let out = op.output.as_ref().unwrap();
    assert_eq!(out.region.as_deref(), Some("ap-chongqing"));
    assert_eq!(out.bucket.as_deref(), Some("test-1234567890"));
    assert_eq!(out.object.as_deref(), Some("output/${InventoryTriggerJobId}/${InputName}.jpg"));
    assert_eq!(out.element().unwrap().find_text("SpriteObject"), Some("sprite/${Number}.jpg"));
    assert_eq!(op.queue_id.as_deref(), Some("p893bcda225bf4945a378da6662e81a89"));
    assert_eq!(op.user_data.as_deref(), Some("a&b<c>"));
    assert_eq!(op.job_level.as_deref(), Some("1"));
    assert_eq!(op.callback.as_deref(), Some("https://www.callback.com/?x=1&y=2"));
    assert!(job.raw_xml.contains("<SpriteSnapshotConfig><Columns>10</Columns></SpriteSnapshotConfig>"));
}

#[test]
fn every_input_kind_round_trips() {
    let (_emu, c) = setup();
    for input in [
        Input::Prefix("p/".into()),
        Input::Manifest("https://x/manifest.json".into()),
        Input::UrlFile("lists/urls.txt".into()),
        Input::Object("a/b c+d.mp4".into()),
    ] {
        let job = c.create_job(&JobRequest::new("n", "Transcode", input.clone()).template_id("t1")).unwrap();
        let got = match &input {
            Input::Prefix(_) => job.input.prefix.clone(),
            Input::Manifest(_) => job.input.manifest.clone(),
            Input::UrlFile(_) => job.input.url_file.clone(),
            Input::Object(_) => job.input.object.clone(),
        };
        let want = match &input {
            Input::Prefix(v) | Input::Manifest(v) | Input::UrlFile(v) | Input::Object(v) => v.clone(),
        };
        assert_eq!(got, Some(want));
    }
}

#[test]
fn describe_one_and_several() {
    let (_emu, c) = setup();
    let a = c.create_workflow_job(&workflow("a")).unwrap();
    let b = c.create_job(&JobRequest::new("b", "Transcode", Input::Prefix("p/".into())).template_id("t1")).unwrap();
    let got = c.describe_job(&a.job_id).unwrap();
    assert_eq!(got.job_id, a.job_id);
    assert_eq!(got.name, "a");

    let missing = "b00000000000000000000000000000000";
    let res = c.describe_jobs(&[a.job_id.as_str(), missing, b.job_id.as_str()]).unwrap();
    let ids: Vec<&str> = res.jobs.iter().map(|j| j.job_id.as_str()).collect();
    assert_eq!(ids, [a.job_id.as_str(), b.job_id.as_str()]);
    assert_eq!(res.non_exist_job_ids, [missing]);
    assert!(!res.request_id.is_empty());

    let res = c.describe_jobs(std::slice::from_ref(&a.job_id)).unwrap();
    assert!(res.non_exist_job_ids.is_empty());

    match c.describe_job(missing) {
        Err(Error::JobNotFound { job_id, request_id }) => {
            assert_eq!(job_id, missing);
            assert!(!request_id.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn list_filters_order_and_paging() {
    let (emu, c) = setup_with(EmulatorConfig { submitted_for: Duration::from_secs(3600), ..Default::default() });
    let mut created = Vec::new();
    for i in 0..23 {
        created.push(c.create_workflow_job(&workflow(&format!("wf-{i}"))).unwrap().job_id);
    }
    for i in 0..4 {
        let j = c
            .create_job(&JobRequest::new(format!("job-{i}"), "Transcode", Input::Prefix("p/".into())).template_id("t1"))
            .unwrap();
        created.push(j.job_id);
    }
    emu.set_job_state(&created[0], JobState::Running);
    emu.set_job_state(&created[1], JobState::Failed);

    // Paging: 23 Workflow jobs, 10 a page.
    let opts = ListOptions {
        job_type: Some(JobType::Workflow),
        size: Some(10),
        order_by_time: Some(Order::Asc),
        ..Default::default()
    };
    let first = c.list_jobs(&opts).unwrap();
    assert_eq!(first.jobs.len(), 10);
    assert_eq!(first.jobs[0].job_id, created[0]);
    assert!(first.next_token.is_some());
    let pages: Vec<JobPage> = c.pages(opts.clone()).collect::<Result<_>>().unwrap();
    assert_eq!(pages.iter().map(|p| p.jobs.len()).collect::<Vec<_>>(), [10, 10, 3]);
    assert_eq!(pages[2].next_token, None);
    let mut it = c.jobs(opts.clone());
    let all: Vec<String> = it.by_ref().map(|j| j.unwrap().job_id).collect();
    assert_eq!(all, created[..23]);
    assert_eq!(it.pages_so_far(), 3);

    // Descending order reverses it.
    let desc: Vec<String> = c
        .jobs(ListOptions {
            job_type: Some(JobType::Workflow),
            order_by_time: Some(Order::Desc),
            size: Some(100),
            ..Default::default()
        })
        .map(|j| j.unwrap().job_id)
        .collect();
    assert_eq!(desc, created[..23].iter().rev().cloned().collect::<Vec<_>>());

    // Type, states, name, job id, workflow id filters.
    let jobs =
        c.list_jobs(&ListOptions { job_type: Some(JobType::Job), size: Some(100), ..Default::default() }).unwrap();
    assert_eq!(jobs.jobs.len(), 4);
    let st = c
        .list_jobs(&ListOptions {
            states: vec![JobState::Running, JobState::Failed],
            size: Some(100),
            ..Default::default()
        })
        .unwrap();
    let mut got: Vec<&str> = st.jobs.iter().map(|j| j.job_id.as_str()).collect();
    got.sort();
    let mut want = vec![created[0].as_str(), created[1].as_str()];
    want.sort();
    assert_eq!(got, want);
    let by_name = c.list_jobs(&ListOptions { name: Some("wf-7".into()), ..Default::default() }).unwrap();
    assert_eq!(by_name.jobs.len(), 1);
    assert_eq!(by_name.jobs[0].job_id, created[7]);
    let by_id = c.list_jobs(&ListOptions { job_id: Some(created[25].clone()), ..Default::default() }).unwrap();
    assert_eq!(by_id.jobs[0].name, "job-2");
    let by_wf = c
        .list_jobs(&ListOptions {
            workflow_id: Some("w7476ff3564ee45b7b490d64bccaba6cc".into()),
            size: Some(100),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_wf.jobs.len(), 23);
    let none = c.list_jobs(&ListOptions { workflow_id: Some("wother".into()), ..Default::default() }).unwrap();
    assert!(none.jobs.is_empty() && none.next_token.is_none());

    // Creation-time window: everything was created within the last minute.
    let now = cibatch::timefmt::now_unix();
    let fmt = |t| cibatch::timefmt::format_ci(t, 8 * 3600);
    let window = ListOptions {
        start_creation_time: Some(fmt(now - 60)),
        end_creation_time: Some(fmt(now + 60)),
        size: Some(100),
        ..Default::default()
    };
    assert_eq!(c.list_jobs(&window).unwrap().jobs.len(), 27);
    let past = ListOptions { end_creation_time: Some(fmt(now - 3600)), ..Default::default() };
    assert!(c.list_jobs(&past).unwrap().jobs.is_empty());
}

#[test]
fn cancel_and_its_errors() {
    let (emu, c) = setup_with(EmulatorConfig { submitted_for: Duration::from_secs(3600), ..Default::default() });
    let job = c.create_workflow_job(&workflow("to-cancel")).unwrap();
    c.cancel_job(&job.job_id).unwrap();
    let after = c.describe_job(&job.job_id).unwrap();
    assert_eq!(after.state, JobState::Cancel);
    assert!(after.is_terminal());
    assert!(after.end_time.is_some());

    // Cancelling a finished job is an error from the service, not retried.
    let before = emu.request_count();
    let err = c.cancel_job(&job.job_id).unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.service_code(), Some("InvalidArgument"));
    assert_eq!(err.attempts(), 1);
    assert_eq!(emu.request_count() - before, 1);
    assert!(err.to_string().contains("cancel job"), "{err}");

    let err = c.cancel_job("b00000000000000000000000000000000").unwrap_err();
    assert_eq!(err.service_code(), Some("ResourceNotFound"));
}

#[test]
fn wait_reports_each_state_and_returns_the_terminal_job() {
    // Each describe moves the job one state on: no poll can miss `Running`, however busy the machine.
    let (_emu, c) = setup_with(EmulatorConfig { clock: EmulatorClock::PerDescribe, ..Default::default() });
    let job = c.create_workflow_job(&workflow("wait")).unwrap();
    let mut seen = Vec::new();
    let opts = WaitOptions {
        max_wait: Duration::from_secs(10),
        initial_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(50),
        multiplier: 1.5,
    };
    let done = c.wait_for_job_with(&job.job_id, &opts, |j| seen.push(j.state.clone())).unwrap();
    assert_eq!(done.state, JobState::Success);
    assert_eq!(seen, [JobState::Submitted, JobState::Running, JobState::Success]);
    assert!(done.start_time.is_some() && done.end_time.is_some());
}

#[test]
fn wait_sees_a_failure() {
    // The job moves only when described: `fail_job` cannot come after its end, however busy the machine.
    let (emu, c) = setup_with(EmulatorConfig { clock: EmulatorClock::PerDescribe, ..Default::default() });
    let job =
        c.create_job(&JobRequest::new("bad", "Transcode", Input::Object("x.mp4".into())).template_id("t1")).unwrap();
    assert!(emu.fail_job(&job.job_id, "InvalidInput", "the input is not a video"));
    let opts = WaitOptions {
        initial_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(50),
        ..Default::default()
    };
    let done = c.wait_for_job(&job.job_id, &opts).unwrap();
    assert_eq!(done.state, JobState::Failed);
    assert_eq!(done.code, "InvalidInput");
    assert_eq!(done.message, "the input is not a video");
}

#[test]
fn wait_gives_up_at_max_wait() {
    let (_emu, c) = setup_with(EmulatorConfig { submitted_for: Duration::from_secs(3600), ..Default::default() });
    let job = c.create_workflow_job(&workflow("slow")).unwrap();
    let opts = WaitOptions {
        max_wait: Duration::from_millis(300),
        initial_interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(100),
        multiplier: 2.0,
    };
    let started = std::time::Instant::now();
    match c.wait_for_job(&job.job_id, &opts) {
        Err(Error::WaitTimeout { job_id, last_state, waited }) => {
            assert_eq!(job_id, job.job_id);
            assert_eq!(last_state, "Submitted");
            assert!(waited >= Duration::from_millis(300));
        }
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn temporary_credentials_send_and_sign_the_token() {
    let cfg = EmulatorConfig { session_token: Some("tok+en/=".into()), ..Default::default() };
    let (emu, c) = setup_with(cfg);
    c.create_workflow_job(&workflow("with-token")).unwrap();
    // The same keys without the token are refused by the service.
    let no_token = Client::new(
        Config::new(emu.bucket(), emu.region(), Credentials::new(emu.secret_id(), emu.secret_key()))
            .endpoint(emu.endpoint()),
    )
    .unwrap();
    let err = no_token.list_jobs(&ListOptions::default()).unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.service_code(), Some("AccessDenied"));
}

#[test]
fn wrong_key_is_a_clear_service_error() {
    let (emu, _c) = setup();
    let bad = Client::new(
        Config::new(emu.bucket(), emu.region(), Credentials::new(emu.secret_id(), "not-the-key"))
            .endpoint(emu.endpoint()),
    )
    .unwrap();
    let err = bad.describe_jobs(&["b1"]).unwrap_err();
    match &err {
        Error::Service(se) => {
            assert_eq!(se.operation, Operation::DescribeJobs);
            assert_eq!(se.status, 403);
            assert_eq!(se.code, "AccessDenied");
            assert!(!se.message.is_empty());
            assert!(!se.request_id.is_empty());
            assert!(!se.trace_id.is_empty());
            assert_eq!(se.attempts, 1);
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains("not-the-key"));
}

#[test]
fn one_client_shared_by_many_threads() {
    let (emu, c) = setup();
    let c = Arc::new(c);
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let c = c.clone();
            std::thread::spawn(move || {
                for i in 0..10 {
                    let j = c.create_workflow_job(&workflow(&format!("t{t}-{i}"))).unwrap();
                    assert_eq!(c.describe_job(&j.job_id).unwrap().name, format!("t{t}-{i}"));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(emu.job_count(), 80);
    let total = c.jobs(ListOptions { size: Some(100), ..Default::default() }).count();
    assert_eq!(total, 80);
}

#[test]
fn retries_reads_but_not_creates() {
    // Jobs that stay Submitted: the cancel below must not race the job's end on a busy machine.
    let (emu, c) = setup_with(EmulatorConfig { clock: EmulatorClock::Manual, ..Default::default() });
    let job = c.create_workflow_job(&workflow("r")).unwrap();

    // A 500 once: the describe succeeds on the second attempt.
    emu.inject(Fault::status(500, "InternalError"), 1);
    let before = emu.request_count();
    c.describe_job(&job.job_id).unwrap();
    assert_eq!(emu.request_count() - before, 2);

    // SlowDown and 503 always: three attempts, then the error says so.
    emu.inject(Fault::status(503, "SlowDown"), 10);
    let err = c.list_jobs(&ListOptions::default()).unwrap_err();
    assert_eq!((err.status(), err.service_code(), err.attempts()), (Some(503), Some("SlowDown"), 3));
    emu.clear_faults();

    // A connection closed without an answer is retried for reads.
    let to_cancel = c.create_workflow_job(&workflow("c")).unwrap();
    emu.inject(Fault::CloseConnection, 1);
    let before = emu.request_count();
    c.cancel_job(&to_cancel.job_id).unwrap();
    assert_eq!(emu.request_count() - before, 2);

    // A create whose answer is lost is not sent again: exactly one job more.
    let jobs = emu.job_count();
    emu.inject(Fault::CutBody, 1);
    let err = c.create_workflow_job(&workflow("once")).unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.cause().kind(), ErrorKind::Transport);
    assert_eq!(err.attempts(), 1);
    assert_eq!(emu.job_count(), jobs + 1);

    // A 500 on create is reported, not retried.
    emu.inject(Fault::status(500, "InternalError"), 1);
    let before = emu.request_count();
    assert_eq!(c.create_workflow_job(&workflow("x")).unwrap_err().attempts(), 1);
    assert_eq!(emu.request_count() - before, 1);
}

#[test]
fn unreadable_answers_are_errors_with_an_excerpt() {
    let (emu, c) = setup();
    let c1 = Client::new(fast(emu.client_config()).max_attempts(1)).unwrap();
    emu.inject(Fault::MalformedXml, 1);
    match c1.list_jobs(&ListOptions::default()).unwrap_err() {
        Error::InvalidResponse { operation, status, reason, excerpt, request_id, attempts } => {
            assert_eq!((operation, status, attempts), (Operation::ListJobs, 200, 1));
            assert!(reason.contains("malformed") || reason.contains("mismatch") || reason.contains("XML"), "{reason}");
            assert!(excerpt.starts_with("<Response>"));
            assert!(!request_id.is_empty());
        }
        other => panic!("{other:?}"),
    }
    emu.inject(Fault::TruncatedXml, 1);
    assert_eq!(c1.list_jobs(&ListOptions::default()).unwrap_err().kind(), ErrorKind::InvalidResponse);
    // With retries, one truncated answer is survived.
    emu.inject(Fault::TruncatedXml, 1);
    c.list_jobs(&ListOptions::default()).unwrap();
    // A body over the limit fails instead of growing memory.
    let small = Client::new(fast(emu.client_config()).max_response_bytes(10_000).max_attempts(1)).unwrap();
    emu.inject(Fault::HugeBody(50_000), 1);
    let err = small.list_jobs(&ListOptions::default()).unwrap_err();
    assert!(err.to_string().contains("exceeds the limit"), "{err}");
}

#[test]
fn timeouts_and_unreachable_hosts_are_transport_errors() {
    let (emu, _c) = setup();
    let c = Client::new(fast(emu.client_config()).timeout(Duration::from_millis(200)).max_attempts(2)).unwrap();
    emu.inject(Fault::Delay(Duration::from_secs(2)), 2);
    let err = c.list_jobs(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Timeout, attempts: 2, .. }), "{err:?}");

    // Nothing listens on this port once the emulator is gone.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dead = Client::new(fast(emu.client_config().endpoint(format!("http://127.0.0.1:{port}")))).unwrap();
    let err = dead.list_jobs(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Connect, attempts: 3, .. }), "{err:?}");
}

#[test]
fn redirects_are_never_followed() {
    let (emu, c) = setup();
    let (other, _) = setup();
    emu.inject(Fault::Redirect(format!("{}/inventorytriggerjob", other.endpoint())), 1);
    let err = c.list_jobs(&ListOptions::default()).unwrap_err();
    assert_eq!(err.status(), Some(302));
    assert_eq!(other.request_count(), 0);
}

#[test]
fn a_per_call_deadline_bounds_calls_retries_and_waits() {
    let (emu, c) = setup_with(EmulatorConfig { submitted_for: Duration::from_secs(3600), ..Default::default() });
    let job = c.create_workflow_job(&workflow("deadline")).unwrap();

    // Bounds are seconds past the deadline, far below what the call would take without it: nothing here depends
    // on how busy the machine is.
    emu.inject(Fault::Delay(Duration::from_secs(30)), 1);
    let started = std::time::Instant::now();
    let bounded = c.with_deadline(std::time::Instant::now() + Duration::from_millis(300));
    let err = bounded.list_jobs(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportKind::Timeout, .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    emu.clear_faults();

    // Retries stop at the deadline instead of sleeping past it.
    emu.inject(Fault::status(503, "SlowDown"), 100);
    let slow_retries =
        Client::new(emu.client_config().backoff(Duration::from_secs(30), Duration::from_secs(30))).unwrap();
    let started = std::time::Instant::now();
    let err = slow_retries.with_deadline(started + Duration::from_millis(200)).list_jobs(&ListOptions::default());
    assert_eq!(err.unwrap_err().service_code(), Some("SlowDown"));
    assert!(started.elapsed() < Duration::from_secs(10));
    emu.clear_faults();

    // A wait longer than the deadline ends at the deadline.
    let opts = WaitOptions {
        initial_interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(50),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let err = c.with_deadline(started + Duration::from_millis(300)).wait_for_job(&job.job_id, &opts).unwrap_err();
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10));

    // The caller can stop a wait.
    let mut polls = 0;
    let err = c
        .wait_for_job_polling(&job.job_id, &opts, |_, _| {
            polls += 1;
            polls < 3
        })
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled { .. }), "{err:?}");
    assert_eq!(polls, 3);
}
