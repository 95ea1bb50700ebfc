//! Cancellation and bounded time: a fired token stops a call wherever it is (a request in flight, a backoff, a
//! wait's poll interval, a wait for credentials); a wait ends by its own deadline; the credentials provider runs with
//! no lock held, so calls and log lines from inside callbacks neither deadlock nor outlive their deadline.
//!
//! Every test fires its token only after the server has seen the request (or the wait has polled), so none depends on
//! winning a race; the time bounds are generous (seconds, where the blocked operation would take 30 s or more).

mod common;

use cibatch::emulator::{Emulator, EmulatorConfig};
use cibatch::*;
use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// Far below the 30 s read timeout and the minutes a wait would take: a cancelled call is prompt.
const PROMPT: Duration = Duration::from_secs(5);

fn workflow(name: &str) -> WorkflowJobRequest {
    WorkflowJobRequest::new(name, Input::Prefix("in/".into()), "w7476ff3564ee45b7b490d64bccaba6cc")
}

fn fire_when(rx: std::sync::mpsc::Receiver<()>, token: CancelToken) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        rx.recv().expect("the server saw the request");
        token.cancel();
    })
}

#[test]
fn a_fired_token_abandons_the_request_in_flight() {
    let (endpoint, seen) = stall_server();
    let client = Client::new(config_for(&endpoint)).unwrap();
    let token = CancelToken::new();
    let firing = fire_when(seen, token.clone());
    let started = Instant::now();
    let err = client.with_cancel(token).describe_job("b1").unwrap_err();
    firing.join().unwrap();
    assert!(matches!(err, Error::Cancelled { operation: Operation::DescribeJobs, .. }), "{err:?}");
    assert!(started.elapsed() < PROMPT, "took {:?}", started.elapsed());
}

#[test]
fn a_fired_token_ends_a_backoff() {
    // 503 with Retry-After: 20 makes the client pause 20 s (the cap is 30 s) before its second attempt.
    let busy = http_response(503, &[("Retry-After", "20")], "");
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = Mutex::new(tx);
    let endpoint = serve(move |s| {
        use std::io::Write;
        let _ = s.write_all(busy.as_bytes());
        let _ = tx.lock().unwrap().send(());
        true
    });
    let client = Client::new(config_for(&endpoint).backoff(Duration::from_secs(20), Duration::from_secs(30))).unwrap();
    let token = CancelToken::new();
    let firing = fire_when(rx, token.clone());
    let started = Instant::now();
    let err = client.with_cancel(token).list_jobs(&ListOptions::default()).unwrap_err();
    firing.join().unwrap();
    assert!(matches!(err, Error::Cancelled { operation: Operation::ListJobs, .. }), "{err:?}");
    assert!(started.elapsed() < PROMPT, "took {:?}", started.elapsed());
}

#[test]
fn a_token_fired_before_the_call_sends_nothing() {
    let (emu, client) = setup();
    let token = CancelToken::new();
    token.cancel();
    let before = emu.request_count();
    let err = client.with_cancel(token).describe_job("b1").unwrap_err();
    assert!(matches!(err, Error::Cancelled { .. }), "{err:?}");
    assert_eq!(err.to_string(), "describe jobs: cancelled after 0 attempt(s)");
    assert_eq!(emu.request_count(), before);
}

#[test]
fn a_fired_token_ends_a_wait_between_polls() {
    let (_emu, client) = setup_with(EmulatorConfig { submitted_for: Duration::from_secs(3600), ..Default::default() });
    let job = client.create_workflow_job(&workflow("waits")).unwrap();
    let token = CancelToken::new();
    let opts = WaitOptions { initial_interval: Duration::from_secs(60), ..Default::default() };
    let started = Instant::now();
    let err = client
        .with_cancel(token.clone())
        .wait_for_job_polling(&job.job_id, &opts, |_, _| {
            // Fired from inside the callback: the wait then sleeps 60 s unless the token ends the pause.
            token.cancel();
            true
        })
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled { operation: Operation::WaitForJob, .. }), "{err:?}");
    assert!(err.to_string().contains("was Submitted"), "{err}");
    assert!(started.elapsed() < PROMPT, "took {:?}", started.elapsed());
}

#[test]
fn a_token_fired_after_a_call_does_not_touch_the_pooled_connection() {
    let (_emu, client) = setup();
    let job = client.create_workflow_job(&workflow("pooled")).unwrap();
    let token = CancelToken::new();
    client.with_cancel(token.clone()).describe_job(&job.job_id).unwrap();
    token.cancel();
    // The connection that call used went back to the pool; these reuse it.
    for _ in 0..3 {
        client.describe_job(&job.job_id).unwrap();
    }
}

#[test]
fn a_wait_ends_by_its_own_deadline_when_the_server_never_answers() {
    // Before: each poll ran with the 30 s attempt timeout, three attempts: a 300 ms wait took about 90 s.
    let (endpoint, _seen) = stall_server();
    let client = Client::new(config_for(&endpoint)).unwrap();
    let opts = WaitOptions { max_wait: Duration::from_millis(300), ..Default::default() };
    let started = Instant::now();
    let err = client.wait_for_job("b1", &opts).unwrap_err();
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err:?}");
    assert!(started.elapsed() < PROMPT, "took {:?}", started.elapsed());
}

#[test]
fn poll_intervals_below_the_floor_are_raised_to_it() {
    let (emu, client) = setup_with(EmulatorConfig { submitted_for: Duration::from_secs(3600), ..Default::default() });
    let job = client.create_workflow_job(&workflow("floor")).unwrap();
    let before = emu.request_count();
    let opts = WaitOptions {
        max_wait: Duration::from_millis(200),
        initial_interval: Duration::from_nanos(1),
        max_interval: Duration::from_nanos(1),
        ..Default::default()
    };
    let err = client.wait_for_job(&job.job_id, &opts).unwrap_err();
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err:?}");
    // At most one poll per 10 ms over 200 ms, plus the one at the deadline; a 1 ns interval gave hundreds.
    let polls = emu.request_count() - before;
    assert!(polls <= 22, "{polls} polls in 200 ms");
}

fn provider_config(emu: &Emulator, provider: impl CredentialsProvider + 'static) -> Config {
    let mut c = fast(emu.client_config());
    c.credentials_provider = Some(Arc::new(provider));
    c
}

fn emulator_keys(emu: &Emulator) -> Credentials {
    emu.client_config().credentials
}

#[test]
fn a_call_from_inside_the_provider_on_the_same_client_fails_at_once() {
    let (emu, _) = setup();
    let keys = emulator_keys(&emu);
    let slot: Arc<Mutex<Option<Arc<Client>>>> = Arc::default();
    let inner_error = Arc::new(Mutex::new(String::new()));
    let (s, e) = (slot.clone(), inner_error.clone());
    let provider = move || {
        let client = s.lock().unwrap().clone().expect("client set");
        *e.lock().unwrap() = client.describe_job("b1").unwrap_err().to_string();
        Ok((keys.clone(), None))
    };
    let client = Arc::new(Client::new(provider_config(&emu, provider)).unwrap());
    *slot.lock().unwrap() = Some(client.clone());
    let started = Instant::now();
    client.list_jobs(&ListOptions::default()).unwrap();
    assert!(started.elapsed() < PROMPT);
    assert!(inner_error.lock().unwrap().contains("inside the credentials provider"), "{}", inner_error.lock().unwrap());
    *slot.lock().unwrap() = None;
}

#[test]
fn a_slow_provider_does_not_hold_a_call_past_its_deadline() {
    let (emu, _) = setup();
    let keys = emulator_keys(&emu);
    let calls = Arc::new(AtomicUsize::new(0));
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = Mutex::new(release_rx);
    let c = calls.clone();
    let provider = move || {
        c.fetch_add(1, Ordering::SeqCst);
        // Blocks until the test lets it go: far longer than the call's deadline.
        let _ = release_rx.lock().unwrap().recv_timeout(Duration::from_secs(60));
        Ok((keys.clone(), Some(SystemTime::now() + Duration::from_secs(3600))))
    };
    let client = Client::new(provider_config(&emu, provider)).unwrap();
    let started = Instant::now();
    let err = client.with_deadline(Instant::now() + Duration::from_millis(300)).describe_job("b1").unwrap_err();
    assert!(err.is_timeout_like(), "{err:?}");
    assert!(started.elapsed() < PROMPT, "took {:?}", started.elapsed());
    // The provider finishes later; what it fetched serves the next calls without asking again.
    release_tx.send(()).unwrap();
    let page = client.list_jobs(&ListOptions::default());
    assert!(page.is_ok(), "{page:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn a_panicking_provider_is_a_credentials_error_and_the_next_call_asks_again() {
    let (emu, _) = setup();
    let keys = emulator_keys(&emu);
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let provider = move || {
        if c.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("provider bug");
        }
        Ok((keys.clone(), None))
    };
    let client = Client::new(provider_config(&emu, provider)).unwrap();
    let err = client.list_jobs(&ListOptions::default()).unwrap_err();
    assert!(matches!(&err, Error::Credentials { message } if message.contains("panicked")), "{err:?}");
    client.list_jobs(&ListOptions::default()).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_logger_may_call_the_client() {
    let (emu, _) = setup();
    let keys = emulator_keys(&emu);
    let slot: Arc<Mutex<Option<Arc<Client>>>> = Arc::default();
    let inner_calls = Arc::new(AtomicUsize::new(0));
    let (s, n) = (slot.clone(), inner_calls.clone());
    let config = provider_config(&emu, move || Ok((keys.clone(), None))).log(LogLevel::Info, move |_, message| {
        // "credentials refreshed" is logged while the refresh has just finished; call once from inside.
        if message.starts_with("credentials refreshed") && n.fetch_add(1, Ordering::SeqCst) == 0 {
            let client = s.lock().unwrap().clone().expect("client set");
            client.list_jobs(&ListOptions::default()).expect("a call from inside the logger works");
        }
    });
    let client = Arc::new(Client::new(config).unwrap());
    *slot.lock().unwrap() = Some(client.clone());
    client.list_jobs(&ListOptions::default()).unwrap();
    assert_eq!(inner_calls.load(Ordering::SeqCst), 1);
    *slot.lock().unwrap() = None;
}

#[test]
fn one_refresh_serves_every_thread_waiting_for_it() {
    let (emu, _) = setup();
    let keys = emulator_keys(&emu);
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let provider = move || {
        c.fetch_add(1, Ordering::SeqCst);
        // Slow enough that every thread arrives while it runs.
        std::thread::sleep(Duration::from_millis(300));
        Ok((keys.clone(), Some(SystemTime::now() + Duration::from_secs(3600))))
    };
    let client = Arc::new(Client::new(provider_config(&emu, provider)).unwrap());
    let barrier = Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                client.list_jobs(&ListOptions::default()).map(|_| ())
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn every_numeric_setting_is_refused_past_its_ceiling() {
    let base = || Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key"));
    let day = Duration::from_secs(86_400);
    let refused: Vec<(&str, Config)> = vec![
        ("max_xml_depth", base().max_xml_depth(257)),
        ("max_xml_depth", base().max_xml_depth(3)),
        ("max_xml_depth", base().max_xml_depth(usize::MAX)),
        ("max_attempts", base().max_attempts(0)),
        ("max_attempts", base().max_attempts(11)),
        ("timeout", base().timeout(Duration::ZERO)),
        ("timeout", base().timeout(day + Duration::from_millis(1))),
        ("connect_timeout", base().connect_timeout(Duration::MAX)),
        ("read_timeout", base().read_timeout(Duration::ZERO)),
        ("backoff_cap", base().backoff(Duration::from_millis(1), day * 2)),
        ("max_response_bytes", base().max_response_bytes(0)),
        ("max_response_bytes", base().max_response_bytes((1 << 30) + 1)),
        ("clock_offset", base().clock_offset(86_401)),
        ("clock_offset", base().clock_offset(i64::MIN)),
        ("user_agent", base().user_agent("x".repeat(513))),
    ];
    for (argument, config) in refused {
        match Client::new(config) {
            Err(Error::InvalidInput { argument: a, .. }) => assert_eq!(a, argument),
            other => panic!("{argument}: {other:?}"),
        }
    }
    let at_the_limits = base()
        .max_xml_depth(256)
        .max_attempts(10)
        .timeout(day)
        .backoff(day, day)
        .max_response_bytes(1 << 30)
        .clock_offset(-86_400)
        .user_agent("x".repeat(512));
    Client::new(at_the_limits).unwrap();
    Client::new(base().max_xml_depth(4).max_attempts(1).max_response_bytes(1)).unwrap();
}

trait TimeoutLike {
    fn is_timeout_like(&self) -> bool;
}

impl TimeoutLike for Error {
    fn is_timeout_like(&self) -> bool {
        matches!(self, Error::Transport { kind: TransportKind::Timeout, .. })
    }
}
