//! Parsing of every response and error shape the spec describes, and tolerance of what it does not.

mod common;

use cibatch::*;
use common::*;

const SEED: &str =
    "<Response><RequestId>NjJiZDU1ZmZfOTBmYTUwNjRfNzdjY18xYQ==</RequestId><JobsDetail><Code>Success</Code>
<Type>Workflow</Type><Message/><Name>demo</Name><JobId>b3deffea2f84911ec9cb15254008618d9</JobId>
<State>Running</State><CreationTime>2022-06-27T15:23:10+0800</CreationTime><StartTime>-</StartTime>
<EndTime>-</EndTime><Input><Prefix>input</Prefix></Input><Operation><TimeInterval>
<Start>2022-02-01T12:00:00+0800</Start><End>2022-05-01T12:00:00+0800</End></TimeInterval>
<WorkflowIds>w7476ff3564ee45b7b490d64bccaba6cc</WorkflowIds></Operation></JobsDetail></Response>";

const JOB_PAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <RequestId>NjJiZDU1ZmZfOTBmYTUwNjRfNzdjY18xYg==</RequestId>
  <JobsDetail>
    <Code>Success</Code><Message></Message><Type>Job</Type><Name>job1</Name>
    <JobId>be8f65004eb8511eaaed4f377124a303c</JobId><State>Success</State>
    <CreationTime>2022-06-27T15:23:10+0800</CreationTime><StartTime>2022-06-27T15:23:11+0800</StartTime>
    <EndTime>2022-06-27T15:25:10+0800</EndTime>
    <Input><Prefix>input</Prefix></Input>
    <Operation>
      <TimeInterval><Start>2022-02-01T12:00:00+0800</Start><End>2022-05-01T12:00:00+0800</End></TimeInterval>
      <QueueId>p893bcda225bf4945a378da6662e81a89</QueueId>
      <UserData>this is my data</UserData>
      <CallBack>https://www.callback.com</CallBack>
      <CallBackFormat>JSON</CallBackFormat><CallBackType>TDMQ</CallBackType>
      <CallBackMqConfig><MqMode>Queue</MqMode><MqRegion>Guangzhou</MqRegion><MqName>q1</MqName></CallBackMqConfig>
      <JobParam><TemplateId>t1460606b9752148c4ab182f55163ba7cd</TemplateId><NewThing><Deep>1</Deep></NewThing></JobParam>
      <Output><Region>ap-chongqing</Region><Bucket>test-1234567890</Bucket><Object>output/${InventoryTriggerJobId}/out.mp4</Object><AuObject>au.mp3</AuObject></Output>
      <JobLevel>0</JobLevel>
      <Tag>Transcode</Tag>
    </Operation>
    <FutureField attr="x"><Nested/></FutureField>
  </JobsDetail>
  <JobsDetail><Code>Success</Code><Type>Job</Type><Name>job2</Name><JobId>b2</JobId><State>Hibernating</State><CreationTime></CreationTime></JobsDetail>
  <NextToken>25</NextToken>
  <SomethingNew>ok</SomethingNew>
</Response>"#;

#[test]
fn seed_describe_response() {
    let r = parse_response(SEED).unwrap();
    assert_eq!(r.request_id, "NjJiZDU1ZmZfOTBmYTUwNjRfNzdjY18xYQ==");
    assert_eq!(r.jobs.len(), 1);
    assert!(r.non_exist_job_ids.is_empty());
    let j = &r.jobs[0];
    assert_eq!(j.code, "Success");
    assert_eq!(j.message, "");
    assert_eq!(j.job_type, JobType::Workflow);
    assert_eq!(j.name, "demo");
    assert_eq!(j.job_id, "b3deffea2f84911ec9cb15254008618d9");
    assert_eq!(j.state, JobState::Running);
    assert!(!j.is_terminal());
    assert_eq!(j.creation_time.as_deref(), Some("2022-06-27T15:23:10+0800"));
    assert_eq!(j.start_time, None, "'-' means not yet");
    assert_eq!(j.end_time, None);
    assert_eq!(j.input.prefix.as_deref(), Some("input"));
    let ti = j.operation.time_interval.as_ref().unwrap();
    assert_eq!(
        (ti.start.as_deref(), ti.end.as_deref()),
        (Some("2022-02-01T12:00:00+0800"), Some("2022-05-01T12:00:00+0800"))
    );
    assert_eq!(j.operation.workflow_ids.as_deref(), Some("w7476ff3564ee45b7b490d64bccaba6cc"));
    assert!(j.raw_xml.starts_with("<JobsDetail><Code>Success</Code>"));
    assert!(j.raw_xml.ends_with("</Operation></JobsDetail>"));
    assert_eq!(r.next_token, None);
}

#[test]
fn job_type_page_with_unknown_elements_and_states() {
    let r = parse_response(JOB_PAGE).unwrap();
    assert_eq!(r.jobs.len(), 2);
    assert_eq!(r.next_token.as_deref(), Some("25"));
    let j = &r.jobs[0];
    assert_eq!(j.job_type, JobType::Job);
    assert_eq!(j.state, JobState::Success);
    assert!(j.is_terminal());
    assert_eq!(j.start_time.as_deref(), Some("2022-06-27T15:23:11+0800"));
    assert_eq!(j.end_time.as_deref(), Some("2022-06-27T15:25:10+0800"));
    let op = &j.operation;
    assert_eq!(op.tag.as_deref(), Some("Transcode"));
    assert_eq!(op.queue_id.as_deref(), Some("p893bcda225bf4945a378da6662e81a89"));
    assert_eq!(op.user_data.as_deref(), Some("this is my data"));
    assert_eq!(op.callback.as_deref(), Some("https://www.callback.com"));
    assert_eq!(op.callback_format.as_deref(), Some("JSON"));
    assert_eq!(op.callback_type.as_deref(), Some("TDMQ"));
    let mq = op.callback_mq_config.as_ref().unwrap();
    assert_eq!(
        (mq.mq_mode.as_deref(), mq.mq_region.as_deref(), mq.mq_name.as_deref()),
        (Some("Queue"), Some("Guangzhou"), Some("q1"))
    );
    assert_eq!(op.job_level.as_deref(), Some("0"));
    let p = op.job_param.as_ref().unwrap();
    assert_eq!(p.template_id.as_deref(), Some("t1460606b9752148c4ab182f55163ba7cd"));
    assert_eq!(p.element().unwrap().find("NewThing").unwrap().find_text("Deep"), Some("1"));
    // Kept as the bytes received, a span of the body.
    assert!(
        p.xml.starts_with("<JobParam>") && p.xml.ends_with("</JobParam>") && JOB_PAGE.contains(&p.xml),
        "{}",
        p.xml
    );
    let o = op.output.as_ref().unwrap();
    assert_eq!(o.object.as_deref(), Some("output/${InventoryTriggerJobId}/out.mp4"));
    assert_eq!(o.element().unwrap().find_text("AuObject"), Some("au.mp3"));
    assert!(j.raw_xml.contains(r#"<FutureField attr="x"><Nested/></FutureField>"#));

    // An unknown state keeps its text and is not terminal; an empty time is absent.
    let k = &r.jobs[1];
    assert_eq!(k.state, JobState::Other("Hibernating".into()));
    assert_eq!(k.state.to_string(), "Hibernating");
    assert!(!k.is_terminal());
    assert_eq!(k.creation_time, None);
    assert_eq!(JobType::parse("Batch"), JobType::Other("Batch".into()));
}

#[test]
fn every_state_parses() {
    for (s, terminal) in [
        ("Submitted", false),
        ("Running", false),
        ("Success", true),
        ("Failed", true),
        ("Pause", false),
        ("Cancel", true),
    ] {
        let st = JobState::parse(s);
        assert!(!matches!(st, JobState::Other(_)), "{s}");
        assert_eq!(st.as_str(), s);
        assert_eq!(st.is_terminal(), terminal, "{s}");
    }
}

#[test]
fn non_exist_ids_in_every_form_and_end_of_paging() {
    let r = parse_response("<Response><RequestId>r</RequestId><NonExistJobIds>a,b</NonExistJobIds><NonExistJobIds>c</NonExistJobIds><NonExistJobId>d</NonExistJobId><NextToken></NextToken></Response>").unwrap();
    assert_eq!(r.non_exist_job_ids, ["a", "b", "c", "d"]);
    assert_eq!(r.next_token, None);
    let r = parse_response("<Response><RequestId>r</RequestId><NextToken/></Response>").unwrap();
    assert_eq!(r.next_token, None);
    assert!(r.jobs.is_empty());
}

#[test]
fn broken_bodies_are_errors_not_panics() {
    for bad in [
        "",
        "not xml",
        "<Response>",
        "<Response><JobsDetail></Response>",
        "<Error><Code>x</Code></Error>",
        "<Response>&bogus;</Response>",
        &("<a>".repeat(1000) + &"</a>".repeat(1000)),
    ] {
        assert!(parse_response(bad).is_err(), "{bad:.40}");
    }
}

#[test]
fn error_bodies_in_both_shapes() {
    let e = parse_error_body("<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>InvalidArgument</Code><Message>bad size</Message><RequestId>rid</RequestId><TraceId>tid</TraceId></Error>").unwrap();
    assert_eq!(
        (e.code.as_str(), e.message.as_str(), e.request_id.as_str(), e.trace_id.as_str()),
        ("InvalidArgument", "bad size", "rid", "tid")
    );
    let e = parse_error_body("<Response><Code>AccessDenied</Code><Message>no</Message></Response>").unwrap();
    assert_eq!(e.code, "AccessDenied");
    assert!(parse_error_body("").is_none());
    assert!(parse_error_body("<html>502 Bad Gateway</html>").is_none());
}

fn client_for(endpoint: String) -> Client {
    Client::new(
        fast(Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key")).endpoint(endpoint))
            .max_attempts(1),
    )
    .unwrap()
}

#[test]
fn error_answers_from_the_wire() {
    // <Error> body: every field from the body.
    let body = "<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>InvalidArgument</Code><Message>size must be 1..100</Message><RequestId>body-rid</RequestId><TraceId>body-tid</TraceId></Error>";
    let c = client_for(canned_server(http_response(400, &[("x-ci-request-id", "hdr-rid")], body)));
    let err = c.list_jobs(&ListOptions::default()).unwrap_err();
    match &err {
        Error::Service(se) => {
            assert_eq!(
                (se.status, se.code.as_str(), se.message.as_str()),
                (400, "InvalidArgument", "size must be 1..100")
            );
            assert_eq!((se.request_id.as_str(), se.trace_id.as_str()), ("body-rid", "body-tid"));
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    for part in ["list jobs", "400", "InvalidArgument", "size must be 1..100", "body-rid", "body-tid", "1 attempt"] {
        assert!(text.contains(part), "{text} lacks {part}");
    }

    // <Response> with Code/Message, ids from the headers.
    let c = client_for(canned_server(http_response(
        403,
        &[("x-ci-request-id", "hdr-rid"), ("x-ci-trace-id", "hdr-tid")],
        "<Response><Code>AccessDenied</Code><Message>denied</Message></Response>",
    )));
    let err = c.describe_jobs(&["b1"]).unwrap_err();
    assert_eq!(
        (err.status(), err.service_code(), err.request_id(), err.trace_id()),
        (Some(403), Some("AccessDenied"), Some("hdr-rid"), Some("hdr-tid"))
    );

    // Empty and non-XML error bodies still give the status and the request id.
    let c = client_for(canned_server(http_response(502, &[("x-ci-request-id", "gw-rid")], "")));
    let err = c.describe_jobs(&["b1"]).unwrap_err();
    assert_eq!((err.status(), err.service_code(), err.request_id()), (Some(502), None, Some("gw-rid")));
    assert!(err.to_string().contains("empty body"));
    let c =
        client_for(canned_server(http_response(504, &[("x-ci-request-id", "gw2")], "<html>Gateway Timeout</html>")));
    let err = c.describe_jobs(&["b1"]).unwrap_err();
    assert_eq!((err.status(), err.request_id()), (Some(504), Some("gw2")));
    assert!(err.to_string().contains("Gateway Timeout"), "{err}");
}
