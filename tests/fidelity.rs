//! Right whatever the service does: where its documents are silent, the client is correct under every reading
//! the emulator can be switched to (README, "Behaviour worth knowing").

mod common;

use cibatch::emulator::{Emulator, EmulatorConfig, Fault, ListTypeDefault};
use cibatch::*;
use common::*;
use std::collections::HashSet;
use std::time::Duration;

/// Jobs that stay `Submitted` for the test's whole life.
fn slow() -> (Emulator, Client) {
    setup_with(EmulatorConfig {
        submitted_for: Duration::from_secs(3600),
        running_for: Duration::from_secs(3600),
        ..Default::default()
    })
}

fn workflow(c: &Client, name: &str) -> Job {
    c.create_workflow_job(&WorkflowJobRequest::new(name, Input::Prefix("p/".into()), "w1")).unwrap()
}

fn job(c: &Client, name: &str) -> Job {
    c.create_job(&JobRequest::new(name, "Transcode", Input::Prefix("p/".into())).template_id("t1")).unwrap()
}

/// 4 Workflow and 3 Job jobs, interleaved, created 10 s apart by the emulator's clock; their IDs.
fn mixed(emu: &Emulator, c: &Client) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..7 {
        emu.set_clock_skew(10 * i);
        ids.push(if i % 2 == 0 { workflow(c, &format!("wf-{i}")).job_id } else { job(c, &format!("job-{i}")).job_id });
    }
    emu.set_clock_skew(0);
    ids
}

fn creation(j: &Job) -> i64 {
    timefmt::parse_ci(j.creation_time.as_deref().unwrap()).unwrap()
}

#[test]
fn every_job_covers_both_types_whatever_the_default_type() {
    for default in [ListTypeDefault::Both, ListTypeDefault::Workflow] {
        let (emu, c) = slow();
        emu.set_list_type_default(default);
        let ids = mixed(&emu, &c);
        for order in [None, Some(Order::Desc), Some(Order::Asc)] {
            let opts = ListOptions { size: Some(2), order_by_time: order, ..Default::default() };
            let mut jobs = c.jobs(opts.clone());
            let got: Vec<Job> = jobs.by_ref().collect::<Result<_>>().unwrap();
            assert_eq!(got.len(), 7, "{default:?} {order:?}");
            let got_ids: HashSet<&str> = got.iter().map(|j| j.job_id.as_str()).collect();
            assert_eq!(got_ids, ids.iter().map(String::as_str).collect(), "{default:?} {order:?}");
            let order_ids: Vec<&str> = got.iter().map(|j| j.job_id.as_str()).collect();
            let mut want: Vec<&str> = ids.iter().map(String::as_str).collect();
            if order != Some(Order::Asc) {
                want.reverse();
            }
            assert_eq!(order_ids, want, "merged in the requested order ({default:?} {order:?})");
            assert!(got.windows(2).all(|w| if order == Some(Order::Asc) {
                creation(&w[0]) < creation(&w[1])
            } else {
                creation(&w[0]) > creation(&w[1])
            }));
            // 2 Workflow pages of 2 and 2 Job pages of 2.
            assert_eq!(jobs.pages_so_far(), 4);
        }

        // Pages without a type: every Workflow page, then every Job page, each saying its type.
        let pages: Vec<JobPage> =
            c.pages(ListOptions { size: Some(3), ..Default::default() }).collect::<Result<_>>().unwrap();
        let types: Vec<Option<JobType>> = pages.iter().map(|p| p.job_type.clone()).collect();
        use JobType::{Job as J, Workflow as W};
        assert_eq!(types, vec![Some(W), Some(W), Some(J)], "{default:?}");
        for p in &pages {
            assert!(p.jobs.iter().all(|j| Some(&j.job_type) == p.job_type.as_ref()));
        }
        assert_eq!(pages.iter().map(|p| p.jobs.len()).sum::<usize>(), 7);

        // One page without a type sends none: the service's default decides.
        let one = c.list_jobs(&ListOptions { size: Some(100), ..Default::default() }).unwrap();
        assert_eq!(one.job_type, None);
        let want = if default == ListTypeDefault::Both { 7 } else { 4 };
        assert_eq!(one.jobs.len(), want, "{default:?}");
    }
}

#[test]
fn a_typed_walk_stays_one_type() {
    let (emu, c) = slow();
    emu.set_list_type_default(ListTypeDefault::Workflow);
    mixed(&emu, &c);
    let only_jobs: Vec<Job> = c
        .jobs(ListOptions { job_type: Some(JobType::Job), size: Some(2), ..Default::default() })
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(only_jobs.len(), 3);
    assert!(only_jobs.iter().all(|j| j.job_type == JobType::Job));
}

#[test]
fn describe_falls_back_when_the_service_takes_joined_ids_for_one() {
    let (emu, c) = slow();
    let a = workflow(&c, "a").job_id;
    let b = job(&c, "b").job_id;
    let missing = "b00000000000000000000000000000000";
    emu.set_joined_describe_unknown(true);
    let before = emu.request_count();
    let res = c.describe_jobs(&[a.as_str(), b.as_str(), missing]).unwrap();
    let found: Vec<&str> = res.jobs.iter().map(|j| j.job_id.as_str()).collect();
    assert_eq!(found, vec![a.as_str(), b.as_str()]);
    assert_eq!(res.non_exist_job_ids, vec![missing.to_string()]);
    assert!(!res.request_id.is_empty());
    assert_eq!(emu.request_count() - before, 4, "one joined request, then one per ID");

    // A service that describes several IDs needs one request.
    emu.set_joined_describe_unknown(false);
    let before = emu.request_count();
    let res = c.describe_jobs(&[a.as_str(), b.as_str(), missing]).unwrap();
    assert_eq!((res.jobs.len(), res.non_exist_job_ids.len()), (2, 1));
    assert_eq!(emu.request_count() - before, 1);
    // One ID is described as before, also with the switch on.
    emu.set_joined_describe_unknown(true);
    assert_eq!(c.describe_job(&a).unwrap().job_id, a);
}

#[test]
fn describe_splits_ids_that_would_make_a_path_longer_than_4_kib() {
    let (emu, c) = slow();
    let real: Vec<String> = (0..3).map(|i| workflow(&c, &format!("r{i}")).job_id).collect();
    let mut ids: Vec<String> = (0..200).map(|i| format!("b{i:032x}")).collect();
    ids[0] = real[0].clone();
    ids[100] = real[1].clone();
    ids[199] = real[2].clone();
    let before = emu.request_count();
    let res = c.describe_jobs(&ids).unwrap();
    // 200 IDs of 33 bytes joined make 6,800 bytes: two requests.
    assert_eq!(emu.request_count() - before, 2);
    let found: Vec<&str> = res.jobs.iter().map(|j| j.job_id.as_str()).collect();
    assert_eq!(found, real.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(res.non_exist_job_ids.len(), 197);
}

#[test]
fn a_page_that_repeats_its_token_is_the_last() {
    let (emu, c) = slow();
    emu.set_repeat_last_token(true);
    let ids = mixed(&emu, &c);
    let wf = ListOptions { job_type: Some(JobType::Workflow), size: Some(2), ..Default::default() };
    let pages: Vec<JobPage> = c.pages(wf.clone()).collect::<Result<_>>().unwrap();
    assert_eq!(pages.iter().map(|p| p.jobs.len()).collect::<Vec<_>>(), vec![2, 2]);
    assert_eq!(pages[1].next_token, None, "the repeated token reads as the end");
    // The raw page does repeat it.
    let last = c.list_jobs(&ListOptions { next_token: pages[0].next_token.clone(), ..wf }).unwrap();
    assert_eq!(last.next_token, pages[0].next_token);
    let all: Vec<Job> = c.jobs(ListOptions { size: Some(3), ..Default::default() }).collect::<Result<_>>().unwrap();
    assert_eq!(all.len(), ids.len());
}

/// A server whose `NextToken` goes A, B, then A again: a loop.
fn looping_server() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 65536];
                let mut got = Vec::new();
                loop {
                    let n = match s.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    got.extend_from_slice(&buf[..n]);
                    if got.windows(4).any(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&got).to_string();
                        let next = if head.contains("nextToken=A") { "B" } else { "A" };
                        let body = format!(
                            "<Response><RequestId>r</RequestId><JobsDetail><JobId>j{next}</JobId></JobsDetail><NextToken>{next}</NextToken></Response>"
                        );
                        let _ = s.write_all(http_response(200, &[], &body).as_bytes());
                        got.clear();
                    }
                }
            });
        }
    });
    endpoint
}

#[test]
fn a_token_from_an_earlier_page_is_a_loop_and_an_error() {
    let cfg =
        Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key")).endpoint(looping_server());
    let c = Client::new(cfg).unwrap();
    let got: Vec<Result<JobPage>> =
        c.pages(ListOptions { job_type: Some(JobType::Job), ..Default::default() }).take(10).collect();
    assert_eq!(got.len(), 3, "two pages, then the error");
    match &got[2] {
        Err(Error::InvalidResponse { reason, .. }) => assert!(reason.contains("already returned"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn empty_pages_with_new_tokens_end_after_twenty() {
    let (emu, c) = slow();
    mixed(&emu, &c);
    let wf = ListOptions { job_type: Some(JobType::Workflow), size: Some(2), ..Default::default() };
    // 19 empty pages are paged through: the jobs after them still come.
    emu.inject(Fault::EmptyPage, MAX_EMPTY_PAGES - 1);
    let jobs: Vec<Job> = c.jobs(wf.clone()).collect::<Result<_>>().unwrap();
    assert_eq!(jobs.len(), 4);
    // The 20th in a row ends the walk with an error that says so.
    emu.inject(Fault::EmptyPage, MAX_EMPTY_PAGES);
    let before = emu.request_count();
    let got: Vec<Result<JobPage>> = c.pages(wf).collect();
    assert_eq!(got.len(), MAX_EMPTY_PAGES as usize);
    assert_eq!(emu.request_count() - before, MAX_EMPTY_PAGES as u64);
    match got.last().unwrap() {
        Err(Error::InvalidResponse { reason, .. }) => {
            assert!(reason.contains("20 pages in a row held no job"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn times_go_out_in_the_documented_form() {
    let (_emu, c) = slow();
    for (start, end, sent) in [
        ("2022-02-01T04:00:00Z", "2022-05-01T04:00:00z", ("2022-02-01T04:00:00+0000", "2022-05-01T04:00:00+0000")),
        (
            "2022-02-01T12:00:00+08:00",
            "2022-05-01T12:00:00+0800",
            ("2022-02-01T12:00:00+0800", "2022-05-01T12:00:00+0800"),
        ),
    ] {
        let req = WorkflowJobRequest::new("t", Input::Prefix("p/".into()), "w1").time_interval(start, end);
        assert!(req.to_xml().unwrap().contains(&format!("<Start>{}</Start><End>{}</End>", sent.0, sent.1)));
        let created = c.create_workflow_job(&req).unwrap();
        let ti = created.operation.time_interval.unwrap();
        assert_eq!((ti.start.as_deref(), ti.end.as_deref()), (Some(sent.0), Some(sent.1)));
    }
    // Every form filters the same way.
    let all = |from: &str| {
        c.list_jobs(&ListOptions { start_creation_time: Some(from.into()), ..Default::default() }).unwrap().jobs.len()
    };
    assert_eq!(all("2000-01-01T00:00:00Z"), 2);
    assert_eq!(all("2000-01-01T08:00:00+08:00"), 2);
    assert_eq!(all("2999-01-01T00:00:00z"), 0);
    let bad = c.list_jobs(&ListOptions { end_creation_time: Some("2022-02-25 12:00".into()), ..Default::default() });
    assert!(matches!(bad, Err(Error::InvalidInput { argument: "end_creation_time", .. })), "{bad:?}");
}

#[test]
fn a_retried_cancel_that_finds_the_job_cancelled_succeeds() {
    let (emu, c) = slow();
    let id = workflow(&c, "to-cancel").job_id;
    // The first attempt cancels the job but its answer is lost; the retry is refused: the job is already Cancel.
    emu.inject(Fault::LoseAnswer, 1);
    let before = emu.request_count();
    c.cancel_job(&id).unwrap();
    assert_eq!(emu.request_count() - before, 3, "attempt, retried attempt, describe");
    assert_eq!(c.describe_job(&id).unwrap().state, JobState::Cancel);
    // A second, separate cancel stays the service's error.
    let again = c.cancel_job(&id).unwrap_err();
    assert_eq!(again.service_code(), Some("InvalidArgument"), "{again}");

    // A job that ended Success is not made "cancelled" by the retry.
    let done = workflow(&c, "done").job_id;
    emu.set_job_state(&done, JobState::Success);
    emu.inject(Fault::LoseAnswer, 1);
    let e = c.cancel_job(&done).unwrap_err();
    assert_eq!(e.service_code(), Some("InvalidArgument"), "{e}");
}

#[test]
fn create_answers_carry_the_request_type() {
    let (_emu, c) = slow();
    assert_eq!(workflow(&c, "w").job_type, JobType::Workflow);
    let j = job(&c, "j");
    assert_eq!(j.job_type, JobType::Job);
    assert!(!j.raw_xml.contains("<Type>"), "the emulator answers a create as the service does, without Type");
    assert_eq!(c.describe_job(&j.job_id).unwrap().job_type, JobType::Job);
}

#[test]
fn names_follow_the_documented_rule() {
    let (emu, c) = slow();
    let before = emu.request_count();
    for bad in ["a b", "a.b", "x/y", "", &"n".repeat(129)] {
        match c.create_workflow_job(&WorkflowJobRequest::new(bad, Input::Prefix("p/".into()), "w1")) {
            Err(Error::InvalidInput { argument: "name", reason: message }) => {
                assert!(message.contains("letter, digit, '-', '_' or CJK"), "{message}")
            }
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    assert_eq!(emu.request_count(), before);
    assert_eq!(workflow(&c, "转码-job_1").name, "转码-job_1");
    assert_eq!(job(&c, &"任".repeat(128)).name.chars().count(), 128);
}

/// A create sent by hand, signing `host` and every header given; answers (status, body).
fn raw_create(emu: &Emulator, body: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let host = emu.endpoint().trim_start_matches("http://").to_string();
    let mut signed: Vec<(&str, &str)> = vec![("host", host.as_str())];
    signed.extend_from_slice(headers);
    let auth = authorization(&SignInput {
        method: "POST",
        path: "/inventorytriggerjob",
        params: &[],
        headers: &signed,
        secret_id: emu.secret_id(),
        secret_key: emu.secret_key(),
        start: now() - 60,
        end: now() + 3600,
    });
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let mut b = ureq::http::Request::builder().method("POST").uri(format!("{}/inventorytriggerjob", emu.endpoint()));
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let mut resp = agent.run(b.header("Authorization", auth).body(body.as_bytes()).unwrap()).unwrap();
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap_or_default())
}

fn code(body: &str) -> String {
    parse_error_body(body).map(|e| e.code).unwrap_or_default()
}

#[test]
fn the_emulator_accepts_what_the_service_accepts() {
    let (emu, c) = slow();
    // A Workflow create without Type, as the Go SDK's example sends it; Content-MD5 is optional.
    let body = "<Request><Name>untyped</Name><Input><Prefix>p/</Prefix></Input><Operation><WorkflowIds>wa,wb</WorkflowIds></Operation></Request>";
    let (status, answer) = raw_create(&emu, body, &[]);
    assert_eq!(status, 200, "{answer}");
    let id = parse_response(&answer).unwrap().jobs[0].job_id.clone();
    assert_eq!(c.describe_job(&id).unwrap().job_type, JobType::Workflow);
    // A correct Content-MD5 is accepted, a wrong one is InvalidContent.
    use base64::Engine as _;
    use md5::Digest as _;
    let md5 = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(body.as_bytes()));
    assert_eq!(raw_create(&emu, body, &[("content-md5", &md5)]).0, 200);
    let (status, answer) = raw_create(&emu, body, &[("content-md5", "AR8zP8l/jio98Dud3Epucw==")]);
    assert_eq!((status, code(&answer).as_str()), (400, "InvalidContent"), "{answer}");
    // workflowId matches any of a comma-separated WorkflowIds.
    for wanted in ["wa", "wb"] {
        let page = c.list_jobs(&ListOptions { workflow_id: Some(wanted.into()), ..Default::default() }).unwrap();
        assert_eq!(page.jobs.len(), 2, "{wanted}");
    }
    assert!(c.list_jobs(&ListOptions { workflow_id: Some("w".into()), ..Default::default() }).unwrap().jobs.is_empty());
    // Only documented codes: an unsupported method is InvalidArgument.
    let host = emu.endpoint().trim_start_matches("http://").to_string();
    let r = raw(
        &emu,
        "DELETE",
        "/inventorytriggerjob/b1",
        &[],
        &[],
        &[("Host", &host)],
        &[("host", &host)],
        (now() - 60, now() + 3600),
        emu.secret_key(),
    );
    assert_eq!((r.status, code(&r.body).as_str()), (400, "InvalidArgument"), "{}", r.body);
}

#[test]
fn kafka_callbacks_queue_types_and_callback_case() {
    let (_emu, c) = slow();
    let mut req = JobRequest::new("k", "Transcode", Input::Object("a.mp4".into()))
        .template_id("t1")
        .queue_id("p1")
        .queue_type("SpeedTranscoding")
        .callback_kafka("ap-guangzhou", "ckafka-123", "jobs");
    req.callback_format = Some("json".into());
    let body = req.to_xml().unwrap();
    assert!(body.contains("<QueueId>p1</QueueId><QueueType>SpeedTranscoding</QueueType>"), "{body}");
    assert!(body.contains("<CallBackFormat>JSON</CallBackFormat><CallBackType>Kafka</CallBackType>"), "{body}");
    assert!(body.contains(
        "<CallBackKafkaConfig><Region>ap-guangzhou</Region><InstanceId>ckafka-123</InstanceId><Topic>jobs</Topic></CallBackKafkaConfig>"
    ));
    let job = c.create_job(&req).unwrap();
    let op = &job.operation;
    assert_eq!(op.queue_type.as_deref(), Some("SpeedTranscoding"));
    assert_eq!((op.callback_format.as_deref(), op.callback_type.as_deref()), (Some("JSON"), Some("Kafka")));
    let k = op.callback_kafka_config.as_ref().unwrap();
    assert_eq!(
        (k.region.as_deref(), k.instance_id.as_deref(), k.topic.as_deref()),
        (Some("ap-guangzhou"), Some("ckafka-123"), Some("jobs"))
    );
    for (format, sent) in [("xml", "XML"), ("Xml", "XML"), ("JSON", "JSON")] {
        let mut r = JobRequest::new("f", "Transcode", Input::Object("a".into()));
        r.callback_format = Some(format.into());
        r.callback_type = Some("url".into());
        let b = r.to_xml().unwrap();
        assert!(b.contains(&format!("<CallBackFormat>{sent}</CallBackFormat><CallBackType>Url</CallBackType>")), "{b}");
    }
}

#[test]
fn progress_tag_and_queue_id_at_the_top_of_a_detail_are_read() {
    let r = parse_response(
        "<Response><RequestId>r</RequestId><JobsDetail><JobId>j</JobId><Tag>Transcode</Tag><QueueId>p9</QueueId>\
         <Progress>42</Progress><Operation><JobParam><TemplateId>t</TemplateId></JobParam></Operation></JobsDetail></Response>",
    )
    .unwrap();
    let j = &r.jobs[0];
    assert_eq!(
        (j.progress.as_deref(), j.tag.as_deref(), j.queue_id.as_deref()),
        (Some("42"), Some("Transcode"), Some("p9"))
    );
    assert_eq!(j.operation.tag, None);
}
