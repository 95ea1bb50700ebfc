//! Bad input is refused before anything is sent, with an error naming the argument; secrets never show.

mod common;

use cibatch::emulator::EmulatorConfig;
use cibatch::*;
use common::*;

fn arg(r: Result<impl std::fmt::Debug>) -> &'static str {
    match r {
        Err(Error::InvalidInput { argument, .. }) => argument,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn cfg(bucket: &str, region: &str) -> Config {
    Config::new(bucket, region, Credentials::new("AKIDx", "secret"))
}

#[test]
fn config_is_checked() {
    for b in ["", "Bucket-125", "bucket", "evil.com/x-125", "b-125.evil.com", "b-125\r\nX: y", "b_1-125"] {
        assert_eq!(arg(Client::new(cfg(b, "ap-beijing"))), "bucket", "{b:?}");
    }
    for r in ["", "ap-beijing.evil.com", "ap/beijing", "AP-BEIJING", "ap beijing", "ap-beijing#"] {
        assert_eq!(arg(Client::new(cfg("b-125", r))), "region", "{r:?}");
    }
    for e in ["127.0.0.1:8080", "ftp://x", "http://h/path", "http://h?x=1", "http://user@h", "http://h:70000"] {
        assert_eq!(arg(Client::new(cfg("b-125", "ap-beijing").endpoint(e))), "endpoint", "{e:?}");
    }
    let creds = Credentials::new("AKIDx", "secret").with_token("tok\r\nX-Evil: 1");
    assert_eq!(arg(Client::new(Config::new("b-125", "ap-beijing", creds))), "token");
    assert_eq!(arg(Client::new(cfg("b-125", "ap-beijing").user_agent("ua\nX: y"))), "user_agent");
    assert_eq!(arg(Client::new(Config::new("b-125", "ap-beijing", Credentials::new("", "k")))), "credentials");
    assert_eq!(arg(Client::new(cfg("b-125", "ap-beijing").timeout(std::time::Duration::ZERO))), "timeout");

    let c = Client::new(cfg("examplebucket-1250000000", "ap-beijing")).unwrap();
    assert_eq!(c.base_url(), "https://examplebucket-1250000000.ci.ap-beijing.myqcloud.com");
    let c = Client::new(cfg("examplebucket-1250000000", "ap-beijing").https(false)).unwrap();
    assert_eq!(c.base_url(), "http://examplebucket-1250000000.ci.ap-beijing.myqcloud.com");
}

#[test]
fn bad_arguments_never_reach_the_wire() {
    let (emu, c) = setup_with(EmulatorConfig::default());
    let before = emu.request_count();
    for id in ["", "a/b", "../x", "..", "a,b", "a?cancel", "a#b", "a%2Fb", "a b", "a\tb", "a\r\nb", "a\0b", "ü"] {
        assert_eq!(arg(c.describe_job(id)), "job_id", "{id:?}");
        assert_eq!(arg(c.cancel_job(id)), "job_id", "{id:?}");
        assert_eq!(arg(c.describe_jobs(&["bfine", id])), "job_id", "{id:?}");
        assert_eq!(arg(c.wait_for_job(id, &WaitOptions::default())), "job_id", "{id:?}");
    }
    assert_eq!(arg(c.describe_jobs::<&str>(&[])), "job_ids");
    for size in [0, 101, 1000] {
        assert_eq!(arg(c.list_jobs(&ListOptions { size: Some(size), ..Default::default() })), "size");
    }
    assert_eq!(
        arg(c.list_jobs(&ListOptions { end_creation_time: Some("2022-02-25".into()), ..Default::default() })),
        "end_creation_time"
    );
    assert_eq!(arg(c.list_jobs(&ListOptions { name: Some("nul\0".into()), ..Default::default() })), "name");
    assert_eq!(
        arg(c.list_jobs(&ListOptions { states: vec![JobState::Other("A,B".into())], ..Default::default() })),
        "states"
    );
    assert_eq!(arg(c.create_workflow_job(&WorkflowJobRequest::new("n", Input::Prefix("p".into()), ""))), "workflow_id");
    assert_eq!(arg(c.create_job(&JobRequest::new("n", "T", Input::Prefix("p".into())).job_level(7))), "job_level");
    assert_eq!(emu.request_count(), before, "nothing was sent");
    assert_eq!(emu.job_count(), 0);
}

#[test]
fn hostile_text_is_escaped_not_refused() {
    let (_emu, c) = setup_with(EmulatorConfig::default());
    let nasty = "</Name><Type>Job</Type><!-- & ]]> \u{1F600} 任务";
    // The name has its own rule (letters, digits, '-', '_', CJK); every other text field is escaped.
    let job = c.create_workflow_job(&WorkflowJobRequest::new("任务-1", Input::Prefix(nasty.into()), "w1")).unwrap();
    assert_eq!(job.name, "任务-1");
    assert_eq!(job.input.prefix.as_deref(), Some(nasty));
    assert_eq!(job.job_type, JobType::Workflow);
    let found = c.list_jobs(&ListOptions { name: Some("任务-1".into()), ..Default::default() }).unwrap();
    assert_eq!(found.jobs.len(), 1);
}

#[test]
fn secrets_never_appear_in_debug_or_errors() {
    let secret = "SUPERSECRETKEY-do-not-print";
    let token = "SUPERSECRETTOKEN-do-not-print";
    let creds = Credentials::new("AKIDpublic", secret).with_token(token);
    let config = Config::new("examplebucket-1250000000", "ap-beijing", creds.clone()).endpoint("http://127.0.0.1:1");
    let client = Client::new(config.clone().max_attempts(1)).unwrap();
    let err = client.list_jobs(&ListOptions::default()).unwrap_err();
    let err2 = client.describe_job("bad/id").unwrap_err();
    let emu_cfg = EmulatorConfig { secret_key: secret.into(), session_token: Some(token.into()), ..Default::default() };
    let emu = cibatch::emulator::Emulator::start(emu_cfg.clone()).unwrap();
    let wrong = Client::new(emu.client_config().max_attempts(1)).unwrap();
    let err3 = Client::new(
        Config::new(emu.bucket(), emu.region(), Credentials::new(emu.secret_id(), "wrong").with_token(token))
            .endpoint(emu.endpoint()),
    )
    .unwrap()
    .describe_jobs(&["b1"])
    .unwrap_err();
    let everything = format!(
        "{creds:?} {config:?} {client:?} {err} {err:?} {err2} {err2:?} {emu_cfg:?} {emu:?} {wrong:?} {err3} {err3:?} {:?}",
        emu.client_config()
    );
    assert!(!everything.contains(secret), "secret key leaked: {everything}");
    assert!(!everything.contains(token), "token leaked: {everything}");
    assert!(everything.contains("AKIDpublic"), "the SecretId is not secret and helps debugging");
}
