//! Per-object results of a batch job and the report, against the emulator running batch jobs for real.

mod common;

use cibatch::emulator::{Emulator, EmulatorClock, EmulatorConfig, Fault};
use cibatch::{
    Client, Error, Input, JobRequest, JobState, ObjectResult, Order, ReportOptions, ReportOutcome, ResultOptions,
    ResultSource, WorkflowJobRequest,
};
use std::time::Duration;

const W1: &str = "w7476ff3564ee45b7b490d64bccaba6cc";
const W2: &str = "w0000ff3564ee45b7b490d64bccaba6dd";

/// Jobs that end as soon as they are created (so their units have ended too), over 25 objects under `in/` of which
/// 3 fail, and 12 videos of which the 4 `.mov` fail.
fn setup() -> (Emulator, Client) {
    let (emu, client) = common::setup_with(EmulatorConfig {
        submitted_for: Duration::ZERO,
        running_for: Duration::ZERO,
        ..Default::default()
    });
    emu.add_objects((0..25).map(|i| format!("in/{}{i:02}.jpg", if i % 8 == 3 { "bad-" } else { "ok-" })));
    emu.add_objects((0..12).map(|i| format!("video/{i:02}.{}", if i % 3 == 0 { "mov" } else { "mp4" })));
    emu.add_objects(["other/x.jpg"]);
    emu.fail_objects("in/bad-*", "WorkflowFailed", "the image could not be read");
    emu.fail_objects("*.mov", "InvalidInput", "unsupported container <mov> & codec");
    (emu, client)
}

fn two_workflows(client: &Client) -> String {
    let req = WorkflowJobRequest::new("two", Input::Prefix("in/".into()), format!("{W1},{W2}"));
    client.create_workflow_job(&req).unwrap().job_id
}

fn transcode(client: &Client) -> String {
    let req = JobRequest::new("videos", "Transcode", Input::Prefix("video/".into())).template_id("t01");
    client.create_job(&req).unwrap().job_id
}

fn all(client: &Client, id: &str, opts: &ResultOptions) -> Vec<ObjectResult> {
    client.results(id, opts).unwrap().collect::<Result<Vec<_>, _>>().unwrap()
}

#[test]
fn a_workflow_batch_job_with_two_workflow_ids_yields_every_execution_of_both() {
    let (_emu, client) = setup();
    let id = two_workflows(&client);
    let results = all(&client, &id, &ResultOptions { size: Some(7), ..Default::default() });
    assert_eq!(results.len(), 50);
    // One workflow's executions, then the other's.
    assert!(results[..25].iter().all(|r| r.workflow_id.as_deref() == Some(W1)), "{results:?}");
    assert!(results[25..].iter().all(|r| r.workflow_id.as_deref() == Some(W2)));
    let failed: Vec<&ObjectResult> = results.iter().filter(|r| r.is_failed()).collect();
    assert_eq!(failed.len(), 6);
    assert!(failed.iter().all(|r| r.object.starts_with("in/bad-")));
    let r = &results[0];
    assert!(r.unit_id.starts_with('i') && r.tag.is_none() && r.code.is_empty());
    assert!(r.raw_xml.starts_with("<WorkflowExecutionList>") && r.raw_xml.contains("<CreateTime>"));
    // The emulator writes `+08:00` here; the result has the documented form.
    let t = r.creation_time.as_deref().unwrap();
    assert!(t.ends_with("+0800") && r.raw_xml.contains("+08:00"), "{t}");
    assert!(r.creation_unix().is_some());
}

#[test]
fn pages_are_walked_per_workflow_and_end_on_the_last_token() {
    let (_emu, client) = setup();
    let id = two_workflows(&client);
    let mut walk = client.results(&id, &ResultOptions { size: Some(10), ..Default::default() }).unwrap();
    let mut sizes = Vec::new();
    while let Some(page) = walk.next_page() {
        let page = page.unwrap();
        sizes.push((page.source.clone().unwrap(), page.results.len(), page.next_token.is_some()));
    }
    let w = |s: &str| ResultSource::Workflow(s.to_string());
    assert_eq!(
        sizes,
        vec![
            (w(W1), 10, true),
            (w(W1), 10, true),
            (w(W1), 5, false),
            (w(W2), 10, true),
            (w(W2), 10, true),
            (w(W2), 5, false)
        ]
    );
    assert_eq!(walk.pages_so_far(), 6);
}

#[test]
fn a_job_type_batch_job_yields_media_jobs_with_code_and_message() {
    let (_emu, client) = setup();
    let id = transcode(&client);
    let results = all(&client, &id, &ResultOptions::default());
    assert_eq!(results.len(), 12);
    let failed: Vec<&ObjectResult> = results.iter().filter(|r| r.is_failed()).collect();
    assert_eq!(failed.len(), 4);
    for r in &failed {
        assert!(r.object.ends_with(".mov"));
        assert_eq!(r.code, "InvalidInput");
        assert_eq!(r.message, "unsupported container <mov> & codec");
    }
    let ok = results.iter().find(|r| !r.is_failed()).unwrap();
    assert_eq!((ok.code.as_str(), ok.state.clone()), ("Success", JobState::Success));
    assert_eq!(ok.tag.as_deref(), Some("Transcode"));
    assert_eq!(ok.progress.as_deref(), Some("100"));
    assert!(ok.unit_id.starts_with('j') && ok.workflow_id.is_none());
    assert!(ok.start_time.is_some() && ok.end_time.is_some());
}

#[test]
fn filters_states_object_order_and_creation_range() {
    let (_emu, client) = setup();
    let wf = two_workflows(&client);
    let tj = transcode(&client);
    let failed = ResultOptions { states: vec![JobState::Failed], ..Default::default() };
    assert_eq!(all(&client, &wf, &failed).len(), 6);
    let failed_media = all(&client, &tj, &failed);
    assert_eq!(failed_media.len(), 4);
    assert!(failed_media.iter().all(|r| r.state == JobState::Failed));

    let one = ResultOptions { object: Some("video/04.mp4".into()), ..Default::default() };
    let got = all(&client, &tj, &one);
    assert_eq!(got.iter().map(|r| r.object.as_str()).collect::<Vec<_>>(), ["video/04.mp4"]);
    let one = ResultOptions { object: Some("in/ok-00.jpg".into()), ..Default::default() };
    assert_eq!(all(&client, &wf, &one).len(), 2, "one per workflow");

    let asc = all(&client, &tj, &ResultOptions { order_by_time: Some(Order::Asc), ..Default::default() });
    let mut desc = all(&client, &tj, &ResultOptions { order_by_time: Some(Order::Desc), ..Default::default() });
    desc.reverse();
    assert_eq!(asc, desc);
    assert_eq!(asc[0].object, "video/00.mov");

    let before = ResultOptions { end_creation_time: Some("2001-01-01T00:00:00+08:00".into()), ..Default::default() };
    assert!(all(&client, &tj, &before).is_empty());
    let since = ResultOptions { start_creation_time: Some("2001-01-01T00:00:00Z".into()), ..Default::default() };
    assert_eq!(all(&client, &tj, &since).len(), 12);
}

#[test]
fn arguments_are_checked_before_anything_is_sent() {
    let (emu, client) = setup();
    let id = transcode(&client);
    let before = emu.request_count();
    for bad in [
        ResultOptions { size: Some(0), ..Default::default() },
        ResultOptions { size: Some(101), ..Default::default() },
        ResultOptions { start_creation_time: Some("yesterday".into()), ..Default::default() },
        ResultOptions { states: vec![JobState::Other("a,b".into())], ..Default::default() },
    ] {
        assert!(matches!(client.results(&id, &bad), Err(Error::InvalidInput { .. })), "{bad:?}");
    }
    assert_eq!(emu.request_count(), before);
    assert!(matches!(client.results("b0", &ResultOptions::default()), Err(Error::JobNotFound { .. })));
}

#[test]
fn the_report_counts_by_state_and_keeps_the_first_failed_in_creation_order() {
    let (_emu, client) = setup();
    let id = two_workflows(&client);
    let mut progress = Vec::new();
    let report = client
        .report_with(&id, &ReportOptions { failed_limit: 4, page_size: 10 }, |p| {
            progress.push((p.pages, p.results, p.failed));
            true
        })
        .unwrap();
    assert_eq!(report.total, 50);
    assert_eq!(report.count(&JobState::Success), 44);
    assert_eq!(report.failed_total(), 6);
    assert_eq!(report.counts.values().sum::<u64>(), 50);
    assert_eq!(report.pages, 6);
    assert_eq!(progress.len(), 6);
    assert_eq!(progress.last(), Some(&(6, 50, 6)));
    assert_eq!(report.job.job_id, id);
    assert_eq!(report.job.state, JobState::Success);
    assert_eq!(report.outcome(), ReportOutcome::CompletedWithFailures);
    assert_eq!(report.outcome().to_string(), "completed with failures");
    // All units share a creation second, so creation order is unit ID order: the first four failed units.
    let kept: Vec<&str> = report.failed.iter().map(|r| r.object.as_str()).collect();
    assert_eq!(kept, ["in/bad-03.jpg", "in/bad-11.jpg", "in/bad-19.jpg", "in/bad-03.jpg"]);
    assert_eq!(report.failed[0].workflow_id.as_deref(), Some(W1));
    assert_eq!(report.failed[3].workflow_id.as_deref(), Some(W2));
}

#[test]
fn a_report_without_failures_is_completed_and_a_stopped_one_is_cancelled() {
    let (_emu, client) = setup();
    let req = WorkflowJobRequest::new("fine", Input::Prefix("other/".into()), W1);
    let id = client.create_workflow_job(&req).unwrap().job_id;
    let report = client.report(&id, &ReportOptions::default()).unwrap();
    assert_eq!((report.total, report.failed.len()), (1, 0));
    assert_eq!(report.outcome(), ReportOutcome::Completed);

    let tj = transcode(&client);
    let stopped = client.report_with(&tj, &ReportOptions { failed_limit: 100, page_size: 5 }, |p| p.pages < 2);
    assert!(matches!(stopped, Err(Error::Cancelled { .. })), "{stopped:?}");
    let none = client.report(&tj, &ReportOptions { failed_limit: 0, page_size: 100 }).unwrap();
    assert!(none.failed.is_empty() && none.failed_total() == 4);
}

#[test]
fn units_run_while_their_batch_job_runs() {
    let (emu, client) = setup();
    emu.set_timing(Duration::ZERO, Duration::from_secs(3600));
    let id = transcode(&client);
    let results = all(&client, &id, &ResultOptions::default());
    assert_eq!(results.len(), 12);
    assert!(results.iter().all(|r| r.state == JobState::Running && r.end_time.is_none()));
    let report = client.report(&id, &ReportOptions::default()).unwrap();
    assert_eq!(report.outcome(), ReportOutcome::InProgress);
    client.cancel_job(&id).unwrap();
    let report = client.report(&id, &ReportOptions::default()).unwrap();
    assert_eq!((report.count(&JobState::Cancel), report.outcome()), (12, ReportOutcome::Cancelled));
}

#[test]
fn empty_pages_with_new_tokens_end_after_twenty() {
    let (emu, client) = setup();
    let id = transcode(&client);
    let mut walk = client.results(&id, &ResultOptions::default()).unwrap();
    emu.inject(Fault::EmptyPage, 25);
    let err = walk.find_map(Result::err).expect("an error");
    match err {
        Error::InvalidResponse { reason, .. } => {
            assert!(reason.contains("20 pages in a row held no result"), "{reason}")
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn one_page_from_one_source() {
    let (_emu, client) = setup();
    let id = two_workflows(&client);
    let opts = ResultOptions { size: Some(20), ..Default::default() };
    let src = ResultSource::Workflow(W2.into());
    let first = client.list_results(&id, &src, &opts, None).unwrap();
    assert_eq!((first.results.len(), first.next_token.as_deref()), (20, Some("20")));
    let second = client.list_results(&id, &src, &opts, first.next_token.as_deref()).unwrap();
    assert_eq!((second.results.len(), second.next_token), (5, None));
    assert!(second.results.iter().all(|r| r.workflow_id.as_deref() == Some(W2)));
}

#[test]
fn units_appear_run_and_end_on_the_emulator_clock() {
    let (emu, client) = setup();
    emu.set_timing(Duration::from_secs(10), Duration::from_secs(60));
    emu.set_clock(EmulatorClock::Manual);
    let id = transcode(&client);
    // Submitted: the fan-out has not started.
    assert!(all(&client, &id, &ResultOptions::default()).is_empty());
    assert_eq!(client.report(&id, &ReportOptions::default()).unwrap().outcome(), ReportOutcome::InProgress);
    emu.advance(Duration::from_secs(10));
    let running = all(&client, &id, &ResultOptions::default());
    assert_eq!(running.len(), 12);
    assert!(running.iter().all(|r| r.state == JobState::Running && r.progress.as_deref() == Some("50")));
    emu.advance(Duration::from_secs(60));
    let report = client.report(&id, &ReportOptions::default()).unwrap();
    assert_eq!((report.count(&JobState::Success), report.failed_total()), (8, 4));
    assert_eq!(report.outcome(), ReportOutcome::CompletedWithFailures);
    // The units ended when the batch job did, 60 s after they started.
    let r = &report.failed[0];
    let (start, end) = (r.start_time.as_deref().unwrap(), r.end_time.as_deref().unwrap());
    let secs = |t: &str| cibatch::timefmt::parse_ci(t).unwrap();
    assert_eq!(secs(end) - secs(start), 60);
    assert_eq!(report.job.end_time.as_deref().map(secs), Some(secs(end)));
}

#[test]
fn objects_and_failures_from_command_line_specs() {
    let (emu, client) = setup();
    let before = emu.object_count();
    emu.add_objects_spec("3:spec/:.png").unwrap();
    emu.add_objects_spec("1:spec/alone").unwrap();
    assert_eq!(emu.object_count(), before + 4);
    emu.fail_objects_spec("spec/0000[1]*:X:y").unwrap(); // '[' is literal: matches nothing
    emu.fail_objects_spec("spec/00002*:Unreadable").unwrap();
    for bad in ["", "x:spec/", "3", "3:", "2000000:a"] {
        assert!(emu.add_objects_spec(bad).is_err(), "{bad:?}");
    }
    for bad in ["", "pattern", ":code", "p:"] {
        assert!(emu.fail_objects_spec(bad).is_err(), "{bad:?}");
    }
    let req = JobRequest::new("spec", "Snapshot", Input::Prefix("spec/".into()));
    let id = client.create_job(&req).unwrap().job_id;
    let report = client.report(&id, &ReportOptions::default()).unwrap();
    assert_eq!((report.total, report.failed_total()), (4, 1));
    assert_eq!(report.failed[0].object, "spec/00002.png");
    assert_eq!(report.failed[0].message, "the object could not be processed");
}
