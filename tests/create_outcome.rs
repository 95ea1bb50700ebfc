//! A create never duplicates a job and never leaves the caller guessing: every create failure is either "not created"
//! or "outcome unknown", and the resolving mode finds the job a lost answer made, creates again only when none was
//! made, and refuses to guess between several.

mod common;

use cibatch::emulator::{Emulator, EmulatorConfig, Fault};
use cibatch::*;
use common::*;
use std::time::{Duration, SystemTime};

fn workflow(name: &str) -> WorkflowJobRequest {
    WorkflowJobRequest::new(name, Input::Prefix("lossy/".into()), "w7476ff3564ee45b7b490d64bccaba6cc")
}

fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::default()).unwrap()
}

fn client(emu: &Emulator, resolve: bool) -> Client {
    Client::new(fast(emu.client_config()).resolve_creates(resolve)).unwrap()
}

#[test]
fn failures_before_the_request_was_written_or_refused_by_the_service_are_not_created() {
    // Nothing listens: the connection fails before anything is written.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let err = Client::new(config_for(&endpoint)).unwrap().create_workflow_job(&workflow("refused")).unwrap_err();
    assert!(!err.is_outcome_unknown() && err.kind() == ErrorKind::Transport, "{err:?}");

    // The service's own 4xx: refused, not carried out.
    let emu = emulator();
    let c = client(&emu, false);
    emu.inject(Fault::status(400, "InvalidArgument"), 1);
    let err = c.create_workflow_job(&workflow("invalid")).unwrap_err();
    assert!(!err.is_outcome_unknown() && err.service_code() == Some("InvalidArgument"), "{err:?}");
    assert_eq!(emu.job_count(), 0);
}

#[test]
fn failures_after_the_request_may_have_been_carried_out_are_outcome_unknown() {
    let emu = emulator();
    let c = client(&emu, false);
    let cases: Vec<(&str, Fault, usize)> = vec![
        ("answer lost after the job was made", Fault::LoseAnswer, 1),
        ("connection closed after the request was written", Fault::CloseConnection, 0),
        ("a 5xx", Fault::status(503, "InternalError"), 0),
        ("an unreadable answer", Fault::TruncatedXml, 1),
    ];
    let mut jobs = 0;
    for (what, fault, made) in cases {
        emu.inject(fault, 1);
        let err = c.create_workflow_job(&workflow(what)).unwrap_err();
        assert!(err.is_outcome_unknown(), "{what}: {err:?}");
        assert!(err.to_string().contains("outcome unknown"), "{err}");
        jobs += made;
        assert_eq!(emu.job_count(), jobs, "{what}");
    }
    // The cause's details stay reachable.
    emu.inject(Fault::status(503, "InternalError"), 1);
    let err = c.create_workflow_job(&workflow("details")).unwrap_err();
    assert_eq!((err.status(), err.service_code()), (Some(503), Some("InternalError")));
    assert!(err.request_id().is_some());

    // A proxy's own 4xx (no service error body) may hide a request that went through.
    let proxy = canned_server(http_response(408, &[], "<html>Request Timeout</html>"));
    let err = Client::new(config_for(&proxy)).unwrap().create_workflow_job(&workflow("proxy")).unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");

    // Reads change nothing: their failures are never outcome unknown.
    emu.inject(Fault::LoseAnswer, 10);
    let err = c.list_jobs(&ListOptions::default()).unwrap_err();
    assert!(!err.is_outcome_unknown(), "{err:?}");
    emu.clear_faults();
}

#[test]
fn a_hundred_creates_with_answers_lost_at_random_make_a_hundred_jobs() {
    let emu = emulator();
    let c = client(&emu, true);
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut lost = 0;
    let mut ids = std::collections::HashSet::new();
    for i in 0..100 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        if seed % 2 == 0 {
            emu.inject(Fault::LoseAnswer, 1);
            lost += 1;
        }
        let job = c.create_workflow_job(&workflow(&format!("lossy-{i}"))).unwrap();
        assert_eq!(job.name, format!("lossy-{i}"));
        assert_eq!(c.describe_job(&job.job_id).unwrap().name, job.name, "the job returned exists");
        ids.insert(job.job_id);
    }
    assert!(lost > 20, "{lost} answers lost");
    assert_eq!(ids.len(), 100);
    assert_eq!(emu.job_count(), 100, "no duplicates");
}

#[test]
fn an_answer_lost_twice_is_still_resolved() {
    let emu = emulator();
    let c = client(&emu, true);
    // The create's answer, then the first lookup's.
    emu.inject(Fault::LoseAnswer, 2);
    let job = c.create_workflow_job(&workflow("twice")).unwrap();
    assert_eq!(job.name, "twice");
    assert_eq!(emu.job_count(), 1);
}

#[test]
fn a_create_that_was_not_carried_out_is_made_once_more() {
    let emu = emulator();
    let c = client(&emu, true);
    // Written, then the connection closed before anything happened: the lookups find nothing (about 3 s).
    emu.inject(Fault::CloseConnection, 1);
    let job = c.create_job(&JobRequest::new("once-more", "Snapshot", Input::Object("a.mp4".into()))).unwrap();
    assert_eq!(job.name, "once-more");
    assert_eq!(emu.job_count(), 1);
}

#[test]
fn several_matching_jobs_are_reported_and_nothing_more_is_created() {
    let emu = emulator();
    let c = client(&emu, true);
    let plain = client(&emu, false);
    let earlier: Vec<String> = (0..2).map(|_| plain.create_workflow_job(&workflow("shared")).unwrap().job_id).collect();
    emu.inject(Fault::LoseAnswer, 1);
    let err = c.create_workflow_job(&workflow("shared")).unwrap_err();
    let Error::AmbiguousCreate { job_ids, .. } = &err else { panic!("{err:?}") };
    assert_eq!(job_ids.len(), 3, "the two earlier jobs and the one the lost answer made");
    assert!(earlier.iter().all(|id| job_ids.contains(id)));
    assert_eq!(emu.job_count(), 3, "nothing more created");
    assert!(err.to_string().contains(&earlier[0]));
}

#[test]
fn find_created_answers_the_question_later() {
    let emu = emulator();
    let c = client(&emu, false);
    let request = JobRequest::new("after-restart", "Transcode", Input::Prefix("v/".into()))
        .template_id("t1")
        .user_data("batch 7");
    let since = SystemTime::now() - Duration::from_secs(300);
    emu.inject(Fault::LoseAnswer, 1);
    assert!(c.create_job(&request).unwrap_err().is_outcome_unknown());
    let found = c.find_created(&request, since).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].operation.user_data.as_deref(), Some("batch 7"));
    // Other user data, tag, input or name: not that request's job.
    let other = JobRequest::new("after-restart", "Transcode", Input::Prefix("v/".into())).user_data("batch 8");
    assert!(c.find_created(&other, since).unwrap().is_empty());
    assert!(c.find_created(&workflow("after-restart"), since).unwrap().is_empty());
    // Not before `since`.
    assert!(c.find_created(&request, SystemTime::now() + Duration::from_secs(3600)).unwrap().is_empty());
}
