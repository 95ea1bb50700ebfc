//! A local emulator of the batch-job service, in process or as the `cibatch-emulator` binary.
//!
//! It checks every request's signature as the service does, keeps jobs in memory with the state machine
//! (Submitted, then Running, then Success or Failed, on a time scale the caller sets), implements every list
//! filter and paging, and can inject faults. Point a client at [`Emulator::endpoint`], or build one from
//! [`Emulator::client_config`].
//!
//! ```
//! let emu = cibatch::emulator::Emulator::start(Default::default()).unwrap();
//! let client = cibatch::Client::new(emu.client_config()).unwrap();
//! let page = client.list_jobs(&Default::default()).unwrap();
//! assert!(page.jobs.is_empty());
//! ```

mod http;
mod service;
mod switches;

pub use switches::ListTypeDefault;

use crate::model::JobState;
use http::{Conn, ReadOutcome};
use service::Service;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How an emulator is set up. `Default` gives an ephemeral port, fixed demo credentials and quick jobs.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// 0 picks a free port.
    pub port: u16,
    pub bucket: String,
    pub region: String,
    pub secret_id: String,
    pub secret_key: String,
    /// When set, every request must carry this token in `x-ci-security-token` (or `x-cos-security-token`),
    /// signed; when unset, a request carrying a token is refused.
    pub session_token: Option<String>,
    /// How long a new job stays `Submitted`.
    pub submitted_for: Duration,
    /// How long it then stays `Running` before it ends (`Success`, or `Failed` when so marked).
    pub running_for: Duration,
    /// Seconds the emulated service's clock is ahead of this machine's (negative: behind), to test clock skew.
    pub clock_skew: i64,
    /// What moves jobs through their states: the machine's clock (the default, for demos), a clock only the test
    /// moves ([`Emulator::advance`]), or each describe. Tests that assert a sequence of states or a duration use
    /// one of the last two, so that no load on the machine can change what they see.
    pub clock: EmulatorClock,
}

/// What moves the emulator's jobs from `Submitted` to `Running` to their end (see [`EmulatorConfig::clock`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum EmulatorClock {
    /// Real time: a job is `Submitted` for `submitted_for`, then `Running` for `running_for` (plus any
    /// [`Emulator::advance`]).
    #[default]
    Wall,
    /// Time stands still until [`Emulator::advance`] moves it: jobs change state only when the test says so.
    Manual,
    /// Each describe that returns a job moves it one state on, after answering: the first describe after create
    /// says `Submitted`, the second `Running`, the third and later its end (`Success`, or `Failed` after
    /// [`Emulator::fail_job`]). Lists and time do not move jobs.
    PerDescribe,
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("port", &self.port)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("secret_id", &self.secret_id)
            .field("submitted_for", &self.submitted_for)
            .field("running_for", &self.running_for)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// The credentials every default emulator accepts. They are not secret: they only open a local emulator.
pub const DEFAULT_SECRET_ID: &str = "AKIDcibatchEmulatorLocalOnly0000";
pub const DEFAULT_SECRET_KEY: &str = "cibatchEmulatorLocalOnlyKey00000";

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            port: 0,
            bucket: "examplebucket-1250000000".into(),
            region: "ap-beijing".into(),
            secret_id: DEFAULT_SECRET_ID.into(),
            secret_key: DEFAULT_SECRET_KEY.into(),
            session_token: None,
            submitted_for: Duration::from_millis(200),
            running_for: Duration::from_millis(800),
            clock_skew: 0,
            clock: EmulatorClock::Wall,
        }
    }
}

/// A fault the emulator applies to the next requests (see [`Emulator::inject`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and an `<Error>` body with this code, without handling the request.
    Status { status: u16, code: String, message: String },
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Close the connection without answering or handling the request.
    CloseConnection,
    /// Handle the request, then send the full `Content-Length` but only half the body and close.
    CutBody,
    /// Handle the request, then answer 200 with the XML body cut in half (a consistent `Content-Length`).
    TruncatedXml,
    /// Handle the request, then answer 200 with a body that is not well-formed XML.
    MalformedXml,
    /// Answer 200 with a well-formed body of about this many bytes, without handling the request.
    HugeBody(usize),
    /// Answer `302 Found` with this `Location`, without handling the request (clients must not follow).
    Redirect(String),
    /// Answer 200 with no jobs and a `NextToken` never given before, without handling the request (a listing that
    /// keeps sending empty pages).
    EmptyPage,
    /// Handle the request, then close the connection without answering (an answer lost on the way back).
    LoseAnswer,
    /// Like `Status`, with a `Retry-After` header carrying this value (seconds, as the service's throttling sends it).
    Throttle { status: u16, code: String, retry_after: String },
}

impl Fault {
    /// `Status` with the usual message for the code.
    pub fn status(status: u16, code: &str) -> Fault {
        Fault::Status { status, code: code.into(), message: format!("injected fault: {code}") }
    }
}

struct Shared {
    service: Service,
    stop: AtomicBool,
    connections: Mutex<Vec<JoinHandle<()>>>,
}

/// A running emulator. Stops when dropped (or with [`Emulator::stop`]).
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept_thread: Option<JoinHandle<()>>,
    config: EmulatorConfig,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").field("endpoint", &self.endpoint()).field("config", &self.config).finish()
    }
}

impl Emulator {
    /// Binds 127.0.0.1 (the given port, or a free one) and starts serving in background threads.
    pub fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(("127.0.0.1", config.port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            service: Service::new(config.clone()),
            stop: AtomicBool::new(false),
            connections: Mutex::new(Vec::new()),
        });
        let s = shared.clone();
        let accept_thread =
            std::thread::Builder::new().name("cibatch-emulator".into()).spawn(move || accept_loop(listener, s))?;
        Ok(Emulator { shared, addr, accept_thread: Some(accept_thread), config })
    }

    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn bucket(&self) -> &str {
        &self.config.bucket
    }

    pub fn region(&self) -> &str {
        &self.config.region
    }

    pub fn secret_id(&self) -> &str {
        &self.config.secret_id
    }

    pub fn secret_key(&self) -> &str {
        &self.config.secret_key
    }

    pub fn session_token(&self) -> Option<&str> {
        self.config.session_token.as_deref()
    }

    /// A client configuration pointing at this emulator with its credentials.
    pub fn client_config(&self) -> crate::Config {
        let mut creds = crate::Credentials::new(&self.config.secret_id, &self.config.secret_key);
        if let Some(t) = &self.config.session_token {
            creds = creds.with_token(t);
        }
        crate::Config::new(&self.config.bucket, &self.config.region, creds).endpoint(self.endpoint())
    }

    /// Applies `fault` to each of the next `times` requests (after any faults already queued).
    pub fn inject(&self, fault: Fault, times: u32) {
        self.shared.service.inject(fault, times);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.shared.service.clear_faults();
    }

    /// Jobs created so far.
    pub fn job_count(&self) -> usize {
        self.shared.service.job_count()
    }

    /// Requests received so far (including faulted ones).
    pub fn request_count(&self) -> u64 {
        self.shared.service.request_count()
    }

    /// Changes how long new and existing jobs stay in each state.
    pub fn set_timing(&self, submitted_for: Duration, running_for: Duration) {
        self.shared.service.set_timing(submitted_for, running_for);
    }

    /// Makes a job end `Failed` with this code and message instead of `Success` (if it has not ended yet).
    /// Returns false when there is no such job or it already ended.
    pub fn fail_job(&self, job_id: &str, code: &str, message: &str) -> bool {
        self.shared.service.fail_job(job_id, code, message)
    }

    /// Puts a job in `state` now, whatever its clock says; it stays there. Returns false for an unknown ID.
    pub fn set_job_state(&self, job_id: &str, state: JobState) -> bool {
        self.shared.service.set_job_state(job_id, state)
    }

    /// Adds objects (keys) to the emulated bucket. A batch job created afterwards fans out over the objects under
    /// its `Prefix` (or its one `Object`): one workflow execution per object per workflow ID, or one media job per
    /// object. Units run while their batch job runs and end with it.
    pub fn add_objects<I: IntoIterator<Item = S>, S: Into<String>>(&self, keys: I) {
        self.shared.service.objects.add(keys.into_iter().map(Into::into));
    }

    /// [`Emulator::add_objects`] from a command-line spec, `COUNT:PREFIX[:SUFFIX]`: `COUNT` objects
    /// `PREFIX00000SUFFIX`, `PREFIX00001SUFFIX`, ... (COUNT 1 without SUFFIX: the key `PREFIX`). COUNT is at most
    /// 1,000,000.
    pub fn add_objects_spec(&self, spec: &str) -> Result<(), String> {
        let mut parts = spec.splitn(3, ':');
        let count: u32 = parts
            .next()
            .and_then(|c| c.parse().ok())
            .filter(|&c| c <= 1_000_000)
            .ok_or_else(|| format!("{spec:?} is not COUNT:PREFIX[:SUFFIX] (COUNT at most 1000000)"))?;
        let prefix = parts.next().filter(|p| !p.is_empty()).ok_or_else(|| format!("{spec:?} has no PREFIX"))?;
        match (count, parts.next()) {
            (1, None) => self.add_objects([prefix]),
            (_, suffix) => {
                self.add_objects((0..count).map(|n| format!("{prefix}{n:05}{}", suffix.unwrap_or_default())))
            }
        }
        Ok(())
    }

    /// [`Emulator::fail_objects`] from a command-line spec, `PATTERN:CODE[:MESSAGE]`.
    pub fn fail_objects_spec(&self, spec: &str) -> Result<(), String> {
        let mut parts = spec.splitn(3, ':');
        match (parts.next(), parts.next()) {
            (Some(p), Some(c)) if !p.is_empty() && !c.is_empty() => {
                self.fail_objects(p, c, parts.next().unwrap_or("the object could not be processed"));
                Ok(())
            }
            _ => Err(format!("{spec:?} is not PATTERN:CODE[:MESSAGE]")),
        }
    }

    /// Objects in the emulated bucket.
    pub fn object_count(&self) -> usize {
        self.shared.service.objects.count()
    }

    /// Units of batch jobs created afterwards whose object key matches `pattern` (`*` matches any run of
    /// characters) end `Failed` with this code and message (the first matching rule counts); the batch job itself
    /// still ends `Success`, as the service's does once its fan-out finishes.
    pub fn fail_objects(&self, pattern: &str, code: &str, message: &str) {
        self.shared.service.objects.fail(pattern, code, message);
    }

    /// Sets how many seconds the emulated service's clock is ahead of this machine's (negative: behind).
    pub fn set_clock_skew(&self, seconds: i64) {
        self.shared.service.set_clock_skew(seconds);
    }

    /// Changes what moves jobs (see [`EmulatorClock`]). The job clock goes on from where it is.
    pub fn set_clock(&self, clock: EmulatorClock) {
        self.shared.service.set_clock(clock);
    }

    /// Moves the job clock forward by `by`, under any [`EmulatorClock`]: jobs whose time in a state has passed
    /// move on, and new jobs' times (`CreationTime`, ...) are that much later. The clock that signs and dates
    /// answers (and so the signature checks) is not moved: use [`Emulator::set_clock_skew`] for that.
    pub fn advance(&self, by: Duration) {
        self.shared.service.advance(by);
    }

    /// What a list without `type` covers: both types (the default) or only `Workflow` jobs. The service's default
    /// is not documented; tests cover both.
    pub fn set_list_type_default(&self, default: ListTypeDefault) {
        self.shared.service.switches.set_list_type_default(default);
    }

    /// When on, a describe of several comma-joined IDs is answered as a describe of one unknown ID (the whole joined
    /// string in `NonExistJobIds`), as a service without multi-ID describe would.
    pub fn set_joined_describe_unknown(&self, on: bool) {
        self.shared.service.switches.set_joined_describe_unknown(on);
    }

    /// When on, the last page of a listing repeats the `nextToken` it was asked with instead of an empty
    /// `NextToken`.
    pub fn set_repeat_last_token(&self, on: bool) {
        self.shared.service.switches.set_repeat_last_token(on);
    }

    /// Stops serving and waits for every connection thread to end.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(t) = self.accept_thread.take() {
            self.shared.stop.store(true, Ordering::SeqCst);
            // Wake the blocking accept().
            let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
            let _ = t.join();
            let handles = std::mem::take(&mut *self.shared.connections.lock().unwrap_or_else(|e| e.into_inner()));
            for h in handles {
                let _ = h.join();
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let s = shared.clone();
        let spawned = std::thread::Builder::new().name("cibatch-emulator-conn".into()).spawn(move || serve(stream, &s));
        if let Ok(h) = spawned {
            let mut conns = shared.connections.lock().unwrap_or_else(|e| e.into_inner());
            conns.retain(|h| !h.is_finished());
            conns.push(h);
        }
    }
}

fn serve(stream: TcpStream, shared: &Shared) {
    let Ok(mut conn) = Conn::new(stream) else {
        return;
    };
    loop {
        match conn.read_request(&shared.stop) {
            ReadOutcome::Closed => return,
            ReadOutcome::Bad(why) => {
                let resp = shared.service.bad_request(&why);
                let _ = http::write_response(&mut conn.stream, &resp, false, false);
                return;
            }
            ReadOutcome::Request(req) => {
                let keep_alive = req.keep_alive;
                match shared.service.handle(&req, &shared.stop) {
                    service::Outcome::Close => {
                        let _ = conn.stream.shutdown(std::net::Shutdown::Both);
                        return;
                    }
                    service::Outcome::Respond { response, cut_body } => {
                        let ok = http::write_response(&mut conn.stream, &response, keep_alive && !cut_body, cut_body)
                            .is_ok();
                        if !ok || !keep_alive || cut_body {
                            let _ = conn.stream.shutdown(std::net::Shutdown::Both);
                            return;
                        }
                    }
                }
            }
        }
    }
}
