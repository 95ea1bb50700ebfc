//! What the emulator answers: signature checks, the job store and state machine, the four operations.

use super::http::{HttpRequest, HttpResponse, POLL};
use super::switches::Switches;
use super::{EmulatorClock, EmulatorConfig, Fault};
use crate::model::JobState;
use crate::timefmt::{format_ci, format_http_date, now_unix};
use crate::xml::{escape_text, XmlElement};
use base64::Engine as _;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod auth;
mod clock;
mod fanout;
mod jobs;
mod query;

pub(crate) use clock::Clock;

const BEIJING: i32 = 8 * 3600;
/// How far in the future a signature's start may be before the request counts as skewed.
const SKEW_TOLERANCE: i64 = 900;

pub(crate) enum Outcome {
    Respond { response: HttpResponse, cut_body: bool },
    Close,
}

struct EmuJob {
    id: String,
    name: String,
    job_type: String,
    input: XmlElement,
    operation: XmlElement,
    created_unix: i64,
    /// On the emulator's clock.
    created_at: Duration,
    seq: u64,
    /// (code, message) when the job is to end Failed.
    fail_with: Option<(String, String)>,
    /// A state set by cancel or by the test API, with when it was set (emulator clock, Unix seconds).
    forced: Option<(JobState, Duration, i64)>,
    /// Describes that returned this job (what moves it on under [`EmulatorClock::PerDescribe`]).
    describes: u32,
    /// The batch job's fan-out: one unit per input object (per workflow ID).
    units: Vec<fanout::Unit>,
}

struct Timing {
    submitted_for: Duration,
    running_for: Duration,
}

struct Store {
    jobs: Vec<EmuJob>,
    index: HashMap<String, usize>,
    seq: u64,
}

pub(crate) struct Service {
    config: EmulatorConfig,
    store: Mutex<Store>,
    timing: Mutex<Timing>,
    faults: Mutex<VecDeque<(Fault, u32)>>,
    requests: AtomicU64,
    ids: AtomicU64,
    /// Seconds the emulated service's clock is ahead of this machine's (negative: behind).
    clock_skew: AtomicI64,
    clock: Mutex<Clock>,
    pub(crate) switches: Switches,
    /// The bucket's objects, which batch jobs fan out over.
    pub(crate) objects: fanout::Objects,
}

/// A state with the Unix times it started running and ended, as the service reports them.
struct Status {
    state: JobState,
    start: Option<i64>,
    end: Option<i64>,
}

fn secs(d: Duration) -> i64 {
    d.as_secs() as i64
}

impl EmuJob {
    fn status(&self, now: Duration, t: &Timing, mode: EmulatorClock) -> Status {
        let run_at = self.created_at.checked_add(t.submitted_for);
        let end_at = run_at.and_then(|r| r.checked_add(t.running_for));
        let run_unix = self.created_unix + secs(t.submitted_for);
        let end_unix = run_unix + secs(t.running_for);
        // Under `PerDescribe`, the number of describes that returned the job stands for the time.
        let ended = |at: Duration| match mode {
            EmulatorClock::PerDescribe => self.describes >= 2,
            _ => end_at.is_some_and(|e| at >= e),
        };
        let running = |at: Duration| match mode {
            EmulatorClock::PerDescribe => self.describes >= 1,
            _ => run_at.is_some_and(|r| at >= r),
        };
        let natural = |at: Duration| {
            if ended(at) {
                if self.fail_with.is_some() {
                    JobState::Failed
                } else {
                    JobState::Success
                }
            } else if running(at) {
                JobState::Running
            } else {
                JobState::Submitted
            }
        };
        match &self.forced {
            None => {
                let state = natural(now);
                let start = (state != JobState::Submitted).then_some(run_unix);
                let end = state.is_terminal().then_some(end_unix);
                Status { state, start, end }
            }
            Some((state, at, at_unix)) => {
                let before = natural(*at);
                let start = if before != JobState::Submitted {
                    Some(run_unix)
                } else if !matches!(state, JobState::Submitted | JobState::Pause) {
                    Some(*at_unix)
                } else {
                    None
                };
                let end = state.is_terminal().then_some(*at_unix);
                Status { state: state.clone(), start, end }
            }
        }
    }
}

fn time_text(t: Option<i64>) -> String {
    t.map(|t| format_ci(t, BEIJING)).unwrap_or_else(|| "-".to_string())
}

impl Service {
    pub fn new(config: EmulatorConfig) -> Service {
        let timing = Timing { submitted_for: config.submitted_for, running_for: config.running_for };
        Service {
            store: Mutex::new(Store { jobs: Vec::new(), index: HashMap::new(), seq: 0 }),
            timing: Mutex::new(timing),
            faults: Mutex::new(VecDeque::new()),
            requests: AtomicU64::new(0),
            ids: AtomicU64::new(0),
            clock_skew: AtomicI64::new(config.clock_skew),
            clock: Mutex::new(Clock::new(config.clock)),
            switches: Switches::default(),
            objects: fanout::Objects::default(),
            config,
        }
    }

    /// The emulated service's clock.
    fn now(&self) -> i64 {
        now_unix() + self.clock_skew.load(Ordering::Relaxed)
    }

    pub fn set_clock_skew(&self, seconds: i64) {
        self.clock_skew.store(seconds, Ordering::Relaxed);
    }

    fn clock(&self) -> std::sync::MutexGuard<'_, Clock> {
        self.clock.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The job clock's time and mode, and the Unix time job times are written with (this machine's clock, the
    /// skew and every `advance`). Signatures and `Date` headers use [`Service::now`], without `advance`.
    fn job_clock(&self) -> (Duration, EmulatorClock, i64) {
        let c = self.clock();
        (c.now(), c.mode, self.now() + secs(c.advanced))
    }

    pub fn set_clock(&self, mode: EmulatorClock) {
        self.clock().set_mode(mode);
    }

    pub fn advance(&self, by: Duration) {
        self.clock().advance(by);
    }

    /// A job's state now, on the emulator's clock.
    fn status_of(&self, job: &EmuJob, timing: &Timing) -> Status {
        let (now, mode, _) = self.job_clock();
        job.status(now, timing, mode)
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn inject(&self, fault: Fault, times: u32) {
        if times > 0 {
            self.faults.lock().unwrap_or_else(|e| e.into_inner()).push_back((fault, times));
        }
    }

    pub fn clear_faults(&self) {
        self.faults.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub fn job_count(&self) -> usize {
        self.store().jobs.len()
    }

    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn set_timing(&self, submitted_for: Duration, running_for: Duration) {
        *self.timing.lock().unwrap_or_else(|e| e.into_inner()) = Timing { submitted_for, running_for };
    }

    pub fn fail_job(&self, id: &str, code: &str, message: &str) -> bool {
        // Store, then timing (then the clock): the order every handler takes them in.
        let mut store = self.store();
        let timing = self.timing.lock().unwrap_or_else(|e| e.into_inner());
        let Some(&i) = store.index.get(id) else {
            return false;
        };
        let (now, mode, _) = self.job_clock();
        let job = &mut store.jobs[i];
        if job.status(now, &timing, mode).state.is_terminal() {
            return false;
        }
        job.fail_with = Some((code.to_string(), message.to_string()));
        true
    }

    pub fn set_job_state(&self, id: &str, state: JobState) -> bool {
        let mut store = self.store();
        let Some(&i) = store.index.get(id) else {
            return false;
        };
        let (now, _, unix) = self.job_clock();
        store.jobs[i].forced = Some((state, now, unix));
        true
    }

    fn next_request_id(&self) -> String {
        let n = self.ids.fetch_add(1, Ordering::Relaxed);
        let raw = format!("{:x}_{:08x}_emu_{n}", self.now(), std::process::id());
        base64::engine::general_purpose::STANDARD.encode(raw)
    }

    fn respond(&self, status: u16, request_id: &str, body: String, trace_id: Option<&str>) -> HttpResponse {
        let mut headers = vec![
            ("Content-Type".to_string(), "application/xml".to_string()),
            ("Date".to_string(), format_http_date(self.now())),
            ("Server".to_string(), "tencent-ci".to_string()),
            ("x-ci-request-id".to_string(), request_id.to_string()),
        ];
        if let Some(t) = trace_id {
            headers.push(("x-ci-trace-id".to_string(), t.to_string()));
        }
        HttpResponse { status, headers, body: body.into_bytes() }
    }

    fn error(&self, status: u16, code: &str, message: &str, request_id: &str) -> HttpResponse {
        let trace_id = base64::engine::general_purpose::STANDARD.encode(format!("trace/{request_id}"));
        let body = format!(
            "<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>{}</Code><Message>{}</Message><RequestId>{}</RequestId><TraceId>{}</TraceId></Error>",
            escape_text(code),
            escape_text(message),
            request_id,
            trace_id
        );
        self.respond(status, request_id, body, Some(&trace_id))
    }

    pub fn bad_request(&self, why: &str) -> HttpResponse {
        self.error(400, "InvalidArgument", why, &self.next_request_id())
    }

    fn next_fault(&self) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let (fault, left) = faults.front_mut()?;
        let f = fault.clone();
        *left -= 1;
        if *left == 0 {
            faults.pop_front();
        }
        Some(f)
    }

    pub fn handle(&self, req: &HttpRequest, stop: &AtomicBool) -> Outcome {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let request_id = self.next_request_id();
        let plain = |response| Outcome::Respond { response, cut_body: false };
        match self.next_fault() {
            None => plain(self.route(req, &request_id)),
            Some(Fault::Status { status, code, message }) => plain(self.error(status, &code, &message, &request_id)),
            Some(Fault::Throttle { status, code, retry_after }) => {
                let mut response = self.error(status, &code, "injected fault: throttled", &request_id);
                response.headers.push(("Retry-After".to_string(), retry_after));
                plain(response)
            }
            Some(Fault::Delay(d)) => {
                let until = Instant::now() + d;
                while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(POLL.min(until.saturating_duration_since(Instant::now())));
                }
                plain(self.route(req, &request_id))
            }
            Some(Fault::CloseConnection) => Outcome::Close,
            Some(Fault::LoseAnswer) => {
                self.route(req, &request_id);
                Outcome::Close
            }
            Some(Fault::CutBody) => Outcome::Respond { response: self.route(req, &request_id), cut_body: true },
            Some(Fault::TruncatedXml) => {
                let mut response = self.route(req, &request_id);
                response.status = 200;
                let half = response.body.len() / 2;
                response.body.truncate(half);
                plain(response)
            }
            Some(Fault::MalformedXml) => {
                self.route(req, &request_id);
                let body = format!(
                    "<Response><RequestId>{request_id}</RequestId><JobsDetail><JobId>x</State></JobsDetail></Response>"
                );
                plain(self.respond(200, &request_id, body, None))
            }
            Some(Fault::Redirect(location)) => {
                let mut response = self.error(302, "Found", "moved", &request_id);
                response.headers.push(("Location".to_string(), location));
                plain(response)
            }
            Some(Fault::EmptyPage) => {
                // A new token that leads where the request's did: `<offset>~<n>`.
                let asked = req.query.iter().find(|(k, _)| k == "nextToken").map(|(_, v)| v.as_str()).unwrap_or("");
                let offset = asked.split('~').next().filter(|o| !o.is_empty()).unwrap_or("0");
                let token = format!("{offset}~{}", self.ids.fetch_add(1, Ordering::Relaxed));
                let body =
                    format!("<Response><RequestId>{request_id}</RequestId><NextToken>{token}</NextToken></Response>");
                plain(self.respond(200, &request_id, body, None))
            }
            Some(Fault::HugeBody(n)) => {
                let mut body = format!("<Response><RequestId>{request_id}</RequestId><Padding>");
                body.push_str(&"x".repeat(n));
                body.push_str("</Padding></Response>");
                plain(self.respond(200, &request_id, body, None))
            }
        }
    }

    fn route(&self, req: &HttpRequest, request_id: &str) -> HttpResponse {
        if let Err((status, code, message)) = self.authenticate(req) {
            return self.error(status, code, &message, request_id);
        }
        let path = req.path.trim_end_matches('/');
        let result = match (req.method.as_str(), path) {
            ("POST", "/inventorytriggerjob") => self.create(req, request_id),
            ("GET", "/inventorytriggerjob") => self.list(req, request_id),
            ("GET", "/workflowexecution") => self.units(req, request_id, true),
            ("GET", "/jobs") => self.units(req, request_id, false),
            (m, p) if p.starts_with("/inventorytriggerjob/") => {
                let ids = &p["/inventorytriggerjob/".len()..];
                match m {
                    "GET" => self.describe(ids, request_id),
                    "PUT" => self.cancel(ids, request_id),
                    _ => Err((400, "InvalidArgument", format!("{m} is not supported on {p}"))),
                }
            }
            (m, p) => Err((400, "InvalidArgument", format!("no API at {m} {p}"))),
        };
        match result {
            Ok(body) => self.respond(200, request_id, body, None),
            Err((status, code, message)) => self.error(status, code, &message, request_id),
        }
    }
}
