//! What the emulator answers: signature checks, the job store and state machine, the four operations.

use super::http::{HttpRequest, HttpResponse, POLL};
use super::switches::Switches;
use super::{EmulatorClock, EmulatorConfig, Fault};
use crate::model::JobState;
use crate::signer::{self, SignInput};
use crate::timefmt::{format_ci, format_http_date, now_unix, parse_ci};
use crate::xml::{self, escape_text, XmlElement, XmlLimits};
use base64::Engine as _;
use md5::{Digest, Md5};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod fanout;

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

/// The emulator's clock: what moves jobs through their states. `now` is the time since the emulator started,
/// plus every `advance`; under `Manual` it moves only by `advance`.
pub(crate) struct Clock {
    mode: EmulatorClock,
    /// `now` was `base` at `anchor`.
    anchor: Instant,
    base: Duration,
    /// The sum of every `advance`, which job times (Unix seconds) include.
    advanced: Duration,
}

impl Clock {
    fn new(mode: EmulatorClock) -> Clock {
        Clock { mode, anchor: Instant::now(), base: Duration::ZERO, advanced: Duration::ZERO }
    }

    fn now(&self) -> Duration {
        match self.mode {
            EmulatorClock::Manual => self.base,
            EmulatorClock::Wall | EmulatorClock::PerDescribe => self.base + self.anchor.elapsed(),
        }
    }

    fn set_mode(&mut self, mode: EmulatorClock) {
        // The clock goes on from where it is: no job jumps or goes back.
        self.base = self.now();
        self.anchor = Instant::now();
        self.mode = mode;
    }

    fn advance(&mut self, by: Duration) {
        self.base = self.base.saturating_add(by);
        self.advanced = self.advanced.saturating_add(by);
    }
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

    /// The signature check, as the service does it. Errors are (status, code, message).
    fn authenticate(&self, req: &HttpRequest) -> Result<(), (u16, &'static str, String)> {
        let auth =
            req.header("authorization").ok_or((401, "MissingAuthorization", "no Authorization header".to_string()))?;
        let invalid = |why: &str| (401, "InvalidAuthorization", format!("malformed Authorization: {why}"));
        let mut fields: HashMap<&str, &str> = HashMap::new();
        for part in auth.split('&') {
            let (k, v) = part.split_once('=').ok_or_else(|| invalid("a field has no '='"))?;
            fields.insert(k, v);
        }
        let field = |k: &str| fields.get(k).copied().ok_or_else(|| invalid(&format!("missing {k}")));
        if field("q-sign-algorithm")? != "sha1" {
            return Err(invalid("q-sign-algorithm must be sha1"));
        }
        let ak = field("q-ak")?;
        let key_time = field("q-key-time")?;
        if field("q-sign-time")? != key_time {
            return Err(invalid("q-sign-time and q-key-time differ"));
        }
        let header_list = field("q-header-list")?;
        let param_list = field("q-url-param-list")?;
        let given = field("q-signature")?;
        let (start, end) = key_time
            .split_once(';')
            .and_then(|(a, b)| Some((a.parse::<i64>().ok()?, b.parse::<i64>().ok()?)))
            .ok_or_else(|| invalid("q-key-time is not <start>;<end>"))?;
        if ak != self.config.secret_id {
            return Err((401, "SecretidNotExist", "the SecretId does not exist".into()));
        }
        let now = self.now();
        if end < now {
            return Err((
                401,
                "SignatureExpired",
                format!("Request has expired: the signature's key time ended at {end}, now is {now}"),
            ));
        }
        if start > now + SKEW_TOLERANCE {
            return Err((
                403,
                "RequestTimeTooSkewed",
                "The difference between the request time and the server's time is too large".into(),
            ));
        }

        let names =
            |list: &str| -> Vec<String> { list.split(';').filter(|s| !s.is_empty()).map(str::to_string).collect() };
        let header_names = names(header_list);
        let param_names = names(param_list);
        let mut headers: Vec<(String, String)> = Vec::new();
        for n in &header_names {
            let v = req
                .header(n)
                .ok_or_else(|| (403, "AccessDenied", format!("signed header {n} is not in the request")))?;
            headers.push((n.clone(), v.to_string()));
        }
        let mut params: Vec<(String, String)> = Vec::new();
        for n in &param_names {
            let v = req
                .query
                .iter()
                .find(|(k, _)| k.to_ascii_lowercase() == *n)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| (403, "AccessDenied", format!("signed parameter {n} is not in the request")))?;
            params.push((n.clone(), v));
        }
        let token = req.header("x-ci-security-token").or_else(|| req.header("x-cos-security-token"));
        match (&self.config.session_token, token) {
            (None, None) => {}
            (Some(want), Some(got)) if want == got => {
                if !header_names.iter().any(|h| h == "x-ci-security-token" || h == "x-cos-security-token") {
                    return Err((403, "AccessDenied", "the security token header is not signed".into()));
                }
            }
            (None, Some(_)) | (Some(_), Some(_)) => return Err((403, "AccessDenied", "invalid security token".into())),
            (Some(_), None) => return Err((403, "AccessDenied", "this SecretId needs a security token".into())),
        }
        let check = |headers: &[(String, String)]| {
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let p: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let s = signer::signature_over_all_headers(&SignInput {
                method: &req.method,
                path: &req.path,
                params: &p,
                headers: &h,
                secret_id: ak,
                secret_key: &self.config.secret_key,
                start,
                end,
            });
            s.signature == given
        };
        if check(&headers) {
            return Ok(());
        }
        // The Python SDK signs the host without its port.
        if let Some(h) = headers.iter_mut().find(|(k, _)| k == "host") {
            if let Some((host, _port)) = h.1.rsplit_once(':').filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())) {
                h.1 = host.to_string();
                if check(&headers) {
                    return Ok(());
                }
            }
        }
        Err((403, "AccessDenied", "The Signature you specified is invalid.".into()))
    }

    fn create(&self, req: &HttpRequest, request_id: &str) -> Result<String, (u16, &'static str, String)> {
        let bad = |code: &'static str, m: String| (400, code, m);
        if req.body.is_empty() {
            return Err(bad("MissingContent", "the request body is empty".into()));
        }
        if let Some(md5) = req.header("content-md5") {
            let want = base64::engine::general_purpose::STANDARD.encode(Md5::digest(&req.body));
            if md5 != want {
                return Err(bad("InvalidContent", "Content-MD5 does not match the body".into()));
            }
        }
        let text = std::str::from_utf8(&req.body).map_err(|_| bad("InvalidContent", "the body is not UTF-8".into()))?;
        let doc = xml::parse(text, XmlLimits::default())
            .map_err(|e| bad("InvalidContent", format!("the body is not valid XML: {e}")))?;
        let root = doc.root;
        if root.name != "Request" {
            return Err(bad("InvalidContent", format!("the root element is <{}>, not <Request>", root.name)));
        }
        let name = root.find_text("Name").unwrap_or("").to_string();
        if name.is_empty() || name.chars().count() > 128 {
            return Err(bad("InvalidArgument", "Name is required, at most 128 characters".into()));
        }
        // `Type` is optional on the Workflow page (the Go SDK's example omits it): absent means Workflow.
        let job_type = match root.find_text("Type") {
            None => "Workflow".to_string(),
            Some(t) => t.to_string(),
        };
        let input = root.find("Input").cloned().unwrap_or_default();
        let inputs = input
            .children
            .iter()
            .filter(|c| matches!(c.name.as_str(), "Prefix" | "Manifest" | "UrlFile" | "Object"))
            .count();
        if inputs != 1 {
            return Err(bad(
                "InvalidArgument",
                "Input must hold exactly one of Prefix, Manifest, UrlFile, Object".into(),
            ));
        }
        let operation = root.find("Operation").cloned().unwrap_or_else(|| XmlElement::new("Operation"));
        match job_type.as_str() {
            "Workflow" if operation.find_text("WorkflowIds").is_some_and(|w| !w.is_empty()) => {}
            "Workflow" => {
                return Err(bad("InvalidArgument", "Operation.WorkflowIds is required for Type Workflow".into()))
            }
            "Job" if operation.find_text("Tag").is_some_and(|t| !t.is_empty()) => {}
            "Job" => return Err(bad("InvalidArgument", "Operation.Tag is required for Type Job".into())),
            other => return Err(bad("InvalidArgument", format!("Type {other:?} is not Workflow or Job"))),
        }
        if let Some(level) = operation.find_text("JobLevel") {
            if !matches!(level, "0" | "1" | "2") {
                return Err(bad("InvalidArgument", format!("JobLevel {level:?} is not 0, 1 or 2")));
            }
        }
        let mut store = self.store();
        store.seq += 1;
        let seq = store.seq;
        // `b` + 32 hex digits, like the service's IDs.
        let digest = sha1::Sha1::digest(format!("{seq}/{:?}/{}", std::time::SystemTime::now(), std::process::id()));
        let id: String =
            std::iter::once('b'.to_string()).chain(digest[..16].iter().map(|b| format!("{b:02x}"))).collect();
        let (now, mode, unix) = self.job_clock();
        let job = EmuJob {
            id: id.clone(),
            name,
            job_type,
            input,
            operation,
            created_unix: unix,
            created_at: now,
            seq,
            fail_with: None,
            forced: None,
            describes: 0,
            units: Vec::new(),
        };
        let units = self.objects.fan_out(&job.id, &job.job_type, &job.input, &job.operation);
        let job = EmuJob { units, ..job };
        let timing = self.timing.lock().unwrap_or_else(|e| e.into_inner());
        let mut body = format!("<Response><RequestId>{request_id}</RequestId>");
        write_created_job(&mut body, &job, &timing, now, mode);
        body.push_str("</Response>");
        let i = store.jobs.len();
        store.index.insert(id, i);
        store.jobs.push(job);
        Ok(body)
    }

    fn describe(&self, ids: &str, request_id: &str) -> Result<String, (u16, &'static str, String)> {
        let ids: Vec<&str> = if self.switches.joined_describe_unknown() {
            vec![ids]
        } else {
            ids.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
        };
        if ids.is_empty() {
            return Err((400, "InvalidArgument", "no job ID given".into()));
        }
        let mut store = self.store();
        let timing = self.timing.lock().unwrap_or_else(|e| e.into_inner());
        let (now, mode, _) = self.job_clock();
        let mut body = format!("<Response><RequestId>{request_id}</RequestId>");
        let mut missing = Vec::new();
        for id in ids {
            match store.index.get(id) {
                Some(&i) => {
                    let job = &mut store.jobs[i];
                    write_job(&mut body, job, &timing, now, mode);
                    // Answered first, then moved on: the first describe after create still says Submitted.
                    job.describes = job.describes.saturating_add(1);
                }
                None => missing.push(id),
            }
        }
        for id in missing {
            body.push_str("<NonExistJobIds>");
            body.push_str(&escape_text(id));
            body.push_str("</NonExistJobIds>");
        }
        body.push_str("</Response>");
        Ok(body)
    }

    fn list(&self, req: &HttpRequest, request_id: &str) -> Result<String, (u16, &'static str, String)> {
        let bad = |m: String| (400, "InvalidArgument", m);
        // Empty values (as the Python SDK sends for unused filters) mean "not set".
        let param = |n: &str| req.query.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty());
        let size = match param("size") {
            None => 10,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => n,
                _ => return Err(bad(format!("size {s:?} is not an integer in 1..100"))),
            },
        };
        let job_type = match param("type") {
            None => self.switches.list_type_default(),
            Some(t @ ("Workflow" | "Job")) => Some(t),
            Some(t) => return Err(bad(format!("type {t:?} is not Workflow or Job"))),
        };
        let asc = match param("orderByTime") {
            None | Some("Desc") => false,
            Some("Asc") => true,
            Some(o) => return Err(bad(format!("orderByTime {o:?} is not Desc or Asc"))),
        };
        let states: Option<Vec<JobState>> = match param("states") {
            None | Some("All") => None,
            Some(s) => {
                let mut v = Vec::new();
                for part in s.split(',') {
                    match JobState::parse(part) {
                        JobState::Other(o) if o == "All" => {
                            return Err(bad("All cannot be combined with other states".into()))
                        }
                        JobState::Other(o) => return Err(bad(format!("unknown state {o:?}"))),
                        st => v.push(st),
                    }
                }
                Some(v)
            }
        };
        let time = |n: &str| -> Result<Option<i64>, (u16, &'static str, String)> {
            match param(n) {
                None => Ok(None),
                Some(t) => {
                    parse_ci(t).map(Some).ok_or_else(|| bad(format!("{n} {t:?} is not like 2022-02-25T12:00:00+0800")))
                }
            }
        };
        let (from, to) = (time("startCreationTime")?, time("endCreationTime")?);
        let offset = match param("nextToken") {
            None => 0,
            Some(t) => {
                let offset = t.split('~').next().unwrap_or(t);
                offset
                    .parse::<usize>()
                    .map_err(|_| bad(format!("nextToken {t:?} is not a token this service issued")))?
            }
        };
        let (workflow_id, job_id, name) = (param("workflowId"), param("jobId"), param("name"));

        let store = self.store();
        let timing = self.timing.lock().unwrap_or_else(|e| e.into_inner());
        let (now, mode, _) = self.job_clock();
        let mut matching: Vec<&EmuJob> = store
            .jobs
            .iter()
            .filter(|j| job_type.is_none_or(|t| j.job_type == t))
            .filter(|j| from.is_none_or(|f| j.created_unix >= f) && to.is_none_or(|t| j.created_unix <= t))
            .filter(|j| workflow_id.is_none_or(|w| names_workflow(&j.operation, w)))
            .filter(|j| job_id.is_none_or(|id| j.id == id))
            .filter(|j| name.is_none_or(|n| j.name == n))
            .filter(|j| states.as_ref().is_none_or(|s| s.contains(&j.status(now, &timing, mode).state)))
            .collect();
        matching.sort_by_key(|j| (j.created_unix, j.seq));
        if !asc {
            matching.reverse();
        }
        let mut body = format!("<Response><RequestId>{request_id}</RequestId>");
        for j in matching.iter().skip(offset).take(size) {
            write_job(&mut body, j, &timing, now, mode);
        }
        body.push_str("<NextToken>");
        if offset + size < matching.len() {
            body.push_str(&(offset + size).to_string());
        } else if self.switches.repeat_last_token() {
            body.push_str(&escape_text(param("nextToken").unwrap_or("")));
        }
        body.push_str("</NextToken></Response>");
        Ok(body)
    }

    fn cancel(&self, id: &str, _request_id: &str) -> Result<String, (u16, &'static str, String)> {
        let mut store = self.store();
        let timing = self.timing.lock().unwrap_or_else(|e| e.into_inner());
        let Some(&i) = store.index.get(id) else {
            return Err((400, "ResourceNotFound", format!("job {id} does not exist")));
        };
        let (now, mode, unix) = self.job_clock();
        let job = &mut store.jobs[i];
        let state = job.status(now, &timing, mode).state;
        if state.is_terminal() {
            return Err((400, "InvalidArgument", format!("job {id} is already {state} and cannot be cancelled")));
        }
        job.forced = Some((JobState::Cancel, now, unix));
        Ok(String::new())
    }
}

/// `WorkflowIds` may name several workflows, comma-separated; `workflowId` matches any of them.
fn names_workflow(operation: &XmlElement, wanted: &str) -> bool {
    operation.find_text("WorkflowIds").is_some_and(|ids| ids.split(',').any(|id| id.trim() == wanted))
}

/// A create's answer: as a describe's, but without `Type` (the service's create answer has none).
fn write_created_job(out: &mut String, j: &EmuJob, timing: &Timing, now: Duration, mode: EmulatorClock) {
    let start = out.len();
    write_job(out, j, timing, now, mode);
    let typed = format!("<Type>{}</Type>", escape_text(&j.job_type));
    if let Some(at) = out[start..].find(&typed) {
        out.replace_range(start + at..start + at + typed.len(), "");
    }
}

fn write_job(out: &mut String, j: &EmuJob, timing: &Timing, now: Duration, mode: EmulatorClock) {
    let st = j.status(now, timing, mode);
    let (code, message) = match (&st.state, &j.fail_with) {
        (JobState::Failed, Some((c, m))) => (c.as_str(), m.as_str()),
        (JobState::Failed, None) => ("InternalError", "the job failed"),
        _ => ("Success", ""),
    };
    out.push_str("<JobsDetail><Code>");
    out.push_str(&escape_text(code));
    out.push_str("</Code><Type>");
    out.push_str(&escape_text(&j.job_type));
    out.push_str("</Type>");
    if message.is_empty() {
        out.push_str("<Message/>");
    } else {
        out.push_str("<Message>");
        out.push_str(&escape_text(message));
        out.push_str("</Message>");
    }
    out.push_str("<Name>");
    out.push_str(&escape_text(&j.name));
    out.push_str("</Name><JobId>");
    out.push_str(&j.id);
    out.push_str("</JobId><State>");
    out.push_str(st.state.as_str());
    out.push_str("</State><CreationTime>");
    out.push_str(&format_ci(j.created_unix, BEIJING));
    out.push_str("</CreationTime><StartTime>");
    out.push_str(&time_text(st.start));
    out.push_str("</StartTime><EndTime>");
    out.push_str(&time_text(st.end));
    out.push_str("</EndTime>");
    j.input.write_xml(out);
    j.operation.write_xml(out);
    out.push_str("</JobsDetail>");
}
