//! The blocking client: one keep-alive `ureq` agent shared by every call and every thread.

use crate::config::{Config, Credentials, LogLevel};
use crate::error::{printable, printable_owned, Error, Operation, Result, ServiceError, TransportKind};
use crate::model::{DescribeJobsResult, Job, JobPage, JobRequest, ListOptions, WorkflowJobRequest};
use crate::response::{parse_error_body, parse_jobs_response, Expected, JobsResponse};
use crate::signer::{self, SignInput};
use crate::validate;
use crate::xml::XmlLimits;
use base64::Engine as _;
use md5::{Digest, Md5};
use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;
use std::time::{Duration, Instant};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use ureq::RequestExt;

const JOBS_PATH: &str = "/inventorytriggerjob";
/// The largest clock correction adopted from the service's `Date` (one day, the ceiling of `clock_offset`).
const MAX_ADOPTED_CLOCK_OFFSET: i64 = 86_400;
/// The largest page the service returns (`size` is 1..=100).
const MAX_PAGE_JOBS: usize = 100;

/// A client for one bucket. `Send + Sync`: share one (for example in an `Arc`) between threads so that
/// they reuse its connections.
pub struct Client {
    // Shared with the clients `with_deadline` makes, so that making one per call copies nothing.
    config: Arc<Config>,
    agent: ureq::Agent,
    base_url: Arc<str>,
    host: Arc<str>,
    jitter: AtomicU64,
    /// Every call of this client ends by then (see [`Client::with_deadline`]).
    deadline: Option<Instant>,
    /// Seconds added to the local clock when signing; shared by the clients made by `with_deadline`.
    clock_offset: Arc<AtomicI64>,
    /// Credentials from the provider, shared likewise.
    provided: Arc<ProvidedCredentials>,
    /// Reuses the keyed HMAC within a key-time window.
    signer: Arc<signer::KeyedSigner>,
}

/// The current provided credentials, and the lock that makes one thread refresh them while the others wait.
struct ProvidedCredentials {
    current: RwLock<Option<(Arc<Credentials>, Option<SystemTime>)>>,
    refreshing: Mutex<()>,
}

/// Credentials are refreshed this long before they expire.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base_url", &self.base_url).field("config", &self.config).finish()
    }
}

/// One request, described once and sent (and signed) afresh on each attempt.
struct Request<'a> {
    op: Operation,
    method: &'static str,
    /// Logical path, as signed.
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<&'a str>,
    retryable: bool,
}

/// An HTTP answer, before it is interpreted.
struct Reply {
    status: u16,
    body: Vec<u8>,
    request_id: String,
    trace_id: String,
    retry_after: Option<Duration>,
    /// The service's clock, from its `Date` header.
    date: Option<i64>,
    /// Where a redirect pointed (escaped), from its `Location` header.
    location: String,
}

/// How to wait for a job: poll with a growing interval until a terminal state or `max_wait`.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    pub max_wait: Duration,
    pub initial_interval: Duration,
    pub max_interval: Duration,
    /// Each interval is the previous one times this (at least 1).
    pub multiplier: f64,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            max_wait: Duration::from_secs(600),
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
            multiplier: 1.5,
        }
    }
}

impl Client {
    /// Checks the configuration (nothing is sent) and builds the client.
    pub fn new(config: Config) -> Result<Client> {
        validate::bucket(&config.bucket)?;
        validate::region(&config.region)?;
        validate::header_value("secret_id", config.credentials.secret_id())?;
        let no_keys = config.credentials.secret_id().is_empty() || config.credentials.secret_key().is_empty();
        if no_keys && config.credentials_provider.is_none() {
            return Err(Error::invalid("credentials", "SecretId and SecretKey must not be empty"));
        }
        if let Some(t) = config.credentials.token() {
            validate::header_value("token", t)?;
        }
        validate::header_value("user_agent", &config.user_agent)?;
        let (base_url, host) = match &config.endpoint {
            Some(e) => {
                let e = validate::endpoint(e)?;
                (e.base_url(), e.authority())
            }
            None => {
                let host = format!("{}.ci.{}.myqcloud.com", config.bucket, config.region);
                (format!("{}://{host}", if config.https { "https" } else { "http" }), host)
            }
        };
        for (arg, d) in [
            ("timeout", config.timeout),
            ("connect_timeout", config.connect_timeout),
            ("read_timeout", config.read_timeout),
        ] {
            if d.is_zero() {
                return Err(Error::invalid(arg, "must be more than zero"));
            }
        }
        let proxy = match &config.proxy {
            Some(url) => Some(
                ureq::Proxy::new(url)
                    .map_err(|e| Error::invalid("proxy", format!("{url:?} is not a proxy URL: {e}")))?,
            ),
            None => ureq::Proxy::try_from_env(),
        };
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(path) = &config.ca_bundle {
            tls = tls.root_certs(load_ca_bundle(path)?);
        }
        let agent_config = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .proxy(proxy)
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(config.connect_timeout))
            .timeout_per_read(Some(config.read_timeout))
            .user_agent(config.user_agent.as_str())
            .max_idle_connections(64)
            .max_idle_connections_per_host(32)
            .build();
        let agent = ureq::Agent::with_parts(agent_config, DefaultConnector::default(), IpLiteralResolver::default());
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        let clock_offset = Arc::new(AtomicI64::new(config.clock_offset));
        // Configured credentials never expire; provided ones are asked for on first use.
        let config_credentials = match config.credentials_provider {
            None => Some((Arc::new(config.credentials.clone()), None)),
            Some(_) => None,
        };
        Ok(Client {
            config: Arc::new(config),
            agent,
            base_url: base_url.into(),
            host: host.into(),
            jitter: AtomicU64::new(seed | 1),
            deadline: None,
            clock_offset,
            signer: Arc::default(),
            provided: Arc::new(ProvidedCredentials {
                current: RwLock::new(config_credentials),
                refreshing: Mutex::new(()),
            }),
        })
    }

    /// A client configured by [`Config::from_env`].
    pub fn from_env() -> Result<Client> {
        Client::new(Config::from_env()?)
    }

    /// A client that shares this one's connections and whose every call (retries and waits included) ends by
    /// `deadline`, failing with a timeout if it has not finished: a per-call deadline, as a Go `context` or a
    /// request handler's budget gives one. Cheap: made per call.
    pub fn with_deadline(&self, deadline: Instant) -> Client {
        Client {
            config: self.config.clone(),
            agent: self.agent.clone(),
            base_url: self.base_url.clone(),
            host: self.host.clone(),
            jitter: AtomicU64::new(self.jitter.load(Ordering::Relaxed) ^ 0x9E37_79B9_7F4A_7C15),
            deadline: Some(self.deadline.map_or(deadline, |d| d.min(deadline))),
            clock_offset: self.clock_offset.clone(),
            provided: self.provided.clone(),
            signer: self.signer.clone(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The scheme and host requests go to, e.g. `https://examplebucket-1250000000.ci.ap-beijing.myqcloud.com`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Creates a job that triggers a workflow. Not retried unless [`Config::retry_create`] is set.
    pub fn create_workflow_job(&self, req: &WorkflowJobRequest) -> Result<Job> {
        let body = req.to_xml()?;
        self.create(&body)
    }

    /// Creates a Job-type job. Not retried unless [`Config::retry_create`] is set.
    pub fn create_job(&self, req: &JobRequest) -> Result<Job> {
        let body = req.to_xml()?;
        self.create(&body)
    }

    fn create(&self, body: &str) -> Result<Job> {
        let req = Request {
            op: Operation::CreateJob,
            method: "POST",
            path: JOBS_PATH.to_string(),
            query: Vec::new(),
            body: Some(body),
            retryable: self.config.retry_create,
        };
        // One job; a create never names missing IDs, but one is tolerated.
        let expected = Expected { jobs: 1, missing: 1 };
        let (mut resp, attempts) = self.call(&req, |b| parse_jobs_response(b, self.xml_limits(), expected))?;
        match resp.jobs.len() {
            1 => Ok(resp.jobs.remove(0)),
            n => Err(Error::InvalidResponse {
                operation: Operation::CreateJob,
                status: 200,
                reason: format!("expected one JobsDetail, found {n}"),
                excerpt: String::new(),
                request_id: resp.request_id,
                attempts,
            }),
        }
    }

    /// Describes one job. A job the service does not know is [`Error::JobNotFound`].
    /// An answer that holds another job than the one asked for is [`Error::InvalidResponse`], never that job.
    pub fn describe_job(&self, job_id: &str) -> Result<Job> {
        let (mut res, attempts) = self.describe(&[job_id])?;
        match res.jobs.iter().position(|j| j.job_id == job_id) {
            Some(i) => Ok(res.jobs.swap_remove(i)),
            None if res.jobs.is_empty() => {
                Err(Error::JobNotFound { job_id: job_id.to_string(), request_id: res.request_id })
            }
            None => Err(Error::InvalidResponse {
                operation: Operation::DescribeJobs,
                status: 200,
                reason: format!(
                    "asked for job {job_id}, the answer holds job {:?} instead",
                    crate::error::printable(&res.jobs[0].job_id)
                ),
                excerpt: String::new(),
                request_id: res.request_id,
                attempts,
            }),
        }
    }

    /// Describes several jobs in one request. IDs the service does not know come back in
    /// `non_exist_job_ids`, not as an error.
    pub fn describe_jobs<S: AsRef<str>>(&self, job_ids: &[S]) -> Result<DescribeJobsResult> {
        self.describe(job_ids).map(|(res, _)| res)
    }

    fn describe<S: AsRef<str>>(&self, job_ids: &[S]) -> Result<(DescribeJobsResult, u32)> {
        if job_ids.is_empty() {
            return Err(Error::invalid("job_ids", "is empty"));
        }
        let mut path = String::from(JOBS_PATH);
        for (i, id) in job_ids.iter().enumerate() {
            validate::job_id(id.as_ref())?;
            path.push(if i == 0 { '/' } else { ',' });
            path.push_str(id.as_ref());
        }
        let req = Request {
            op: Operation::DescribeJobs,
            method: "GET",
            path,
            query: Vec::new(),
            body: None,
            retryable: true,
        };
        // At most one job or missing ID per ID asked for: more is a broken (or hostile) answer.
        let expected = Expected { jobs: job_ids.len(), missing: job_ids.len() };
        let (resp, attempts) = self.call(&req, |b| parse_jobs_response(b, self.xml_limits(), expected))?;
        let res = DescribeJobsResult {
            jobs: resp.jobs,
            non_exist_job_ids: resp.non_exist_job_ids,
            request_id: resp.request_id,
        };
        Ok((res, attempts))
    }

    /// One page of jobs. Pass the previous page's `next_token` in `opts.next_token` for the next one,
    /// or use [`Client::pages`] / [`Client::jobs`].
    pub fn list_jobs(&self, opts: &ListOptions) -> Result<JobPage> {
        let query = opts.to_query()?;
        let req = Request {
            op: Operation::ListJobs,
            method: "GET",
            path: JOBS_PATH.to_string(),
            query,
            body: None,
            retryable: true,
        };
        // A page holds at most 100 jobs (`size` is 1..=100).
        let expected = Expected { jobs: MAX_PAGE_JOBS, missing: MAX_PAGE_JOBS };
        let (resp, _) = self.call(&req, |b| parse_jobs_response(b, self.xml_limits(), expected))?;
        Ok(JobPage { jobs: resp.jobs, next_token: resp.next_token, request_id: resp.request_id })
    }

    /// Every page of a listing, starting at `opts.next_token`. Ends after the page without a `NextToken`,
    /// and with an error if the service repeats a token (which would loop forever).
    pub fn pages(&self, opts: ListOptions) -> Pages<'_> {
        Pages { client: self, cursor: PageCursor::new(opts) }
    }

    /// Every job of a listing, across pages.
    pub fn jobs(&self, opts: ListOptions) -> Jobs<'_> {
        Jobs { pages: self.pages(opts), buffered: VecDeque::new() }
    }

    /// Cancels a job. Cancelling a job that already ended is a service error.
    pub fn cancel_job(&self, job_id: &str) -> Result<()> {
        validate::job_id(job_id)?;
        let req = Request {
            op: Operation::CancelJob,
            method: "PUT",
            path: format!("{JOBS_PATH}/{job_id}"),
            query: vec![("cancel", String::new())],
            body: None,
            retryable: true,
        };
        self.call(&req, |_| Ok(()))?;
        Ok(())
    }

    /// Polls a job until it reaches a terminal state, and returns it.
    pub fn wait_for_job(&self, job_id: &str, opts: &WaitOptions) -> Result<Job> {
        self.wait_for_job_with(job_id, opts, |_| {})
    }

    /// As [`Client::wait_for_job`], calling `on_state` with the job each time its state changes
    /// (and once for the first state seen).
    pub fn wait_for_job_with(&self, job_id: &str, opts: &WaitOptions, mut on_state: impl FnMut(&Job)) -> Result<Job> {
        self.wait_for_job_polling(job_id, opts, |job, changed| {
            if changed {
                on_state(job);
            }
            true
        })
    }

    /// The general form of waiting: `on_poll(job, state_changed)` runs after every poll; returning false stops
    /// the wait with [`Error::Cancelled`] (for callers that can be cancelled, such as a Go `context`).
    pub fn wait_for_job_polling(
        &self,
        job_id: &str,
        opts: &WaitOptions,
        mut on_poll: impl FnMut(&Job, bool) -> bool,
    ) -> Result<Job> {
        validate::job_id(job_id)?;
        let started = Instant::now();
        let mut deadline = started + opts.max_wait;
        if let Some(d) = self.deadline {
            deadline = deadline.min(d);
        }
        let mut interval = opts.initial_interval.max(Duration::from_millis(1));
        let mut last: Option<crate::JobState> = None;
        let timed_out = |last: &Option<crate::JobState>| Error::WaitTimeout {
            job_id: job_id.to_string(),
            last_state: last.as_ref().map_or_else(|| "unknown".to_string(), |s| printable(s.as_str()).into_owned()),
            waited: started.elapsed(),
        };
        loop {
            let job = match self.describe_job(job_id) {
                Ok(job) => job,
                // The poll itself ran into the wait's deadline.
                Err(Error::Transport { kind: TransportKind::Timeout, .. }) if Instant::now() >= deadline => {
                    return Err(timed_out(&last))
                }
                Err(e) => return Err(e),
            };
            let changed = last.as_ref() != Some(&job.state);
            if changed {
                last = Some(job.state.clone());
            }
            if !on_poll(&job, changed) {
                let last_state = printable(job.state.as_str()).into_owned();
                return Err(Error::Cancelled { job_id: job_id.to_string(), last_state });
            }
            if job.is_terminal() {
                return Ok(job);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(timed_out(&last));
            }
            // The last poll happens at the deadline, not after it; under a client deadline there is no time left
            // for a poll then, so the wait ends.
            std::thread::sleep(interval.min(deadline - now));
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(timed_out(&last));
            }
            interval = interval.mul_f64(opts.multiplier.max(1.0)).min(opts.max_interval.max(opts.initial_interval));
        }
    }

    /// Sends `req`, retrying as configured, and interprets a 2xx answer with `parse`.
    /// Returns the parsed value and the number of attempts made.
    fn call<T>(&self, req: &Request<'_>, parse: impl Fn(&str) -> Result<T, String>) -> Result<(T, u32)> {
        let max_attempts = if req.retryable { self.config.max_attempts.max(1) } else { 1 };
        let url = self.url(req);
        let mut attempt = 0;
        let mut skew_corrected = false;
        // The attempt that follows a clock correction does not use up a retry.
        let mut extra_attempts = 0;
        loop {
            attempt += 1;
            let max_attempts = max_attempts + extra_attempts;
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(Error::Transport {
                    operation: req.op,
                    kind: TransportKind::Timeout,
                    message: "the call's deadline passed".into(),
                    attempts: attempt - 1,
                });
            }
            let creds = self.credentials()?;
            let started = Instant::now();
            let outcome = self.attempt(req, &url, &creds);
            self.log(LogLevel::Debug, || match &outcome {
                Ok(r) => format!(
                    "{}: {} {} -> HTTP {} (request id {}, attempt {attempt}, {:.1} ms)",
                    req.op,
                    req.method,
                    req.path,
                    r.status,
                    if r.request_id.is_empty() { "-" } else { &r.request_id },
                    started.elapsed().as_secs_f64() * 1e3
                ),
                Err((kind, msg)) => format!(
                    "{}: {} {} -> {kind:?} error: {msg} (attempt {attempt}, {:.1} ms)",
                    req.op,
                    req.method,
                    req.path,
                    started.elapsed().as_secs_f64() * 1e3
                ),
            });
            let (err, retry_after) = match outcome {
                Err(kind_msg) => {
                    let (kind, message) = kind_msg;
                    let retry = matches!(kind, TransportKind::Connect | TransportKind::Timeout | TransportKind::Io);
                    let e = Error::Transport { operation: req.op, kind, message, attempts: attempt };
                    if !retry || attempt >= max_attempts {
                        return Err(e);
                    }
                    (e, None)
                }
                Ok(reply) if (200..300).contains(&reply.status) => {
                    let parsed = std::str::from_utf8(&reply.body)
                        .map_err(|e| format!("body is not UTF-8: {e}"))
                        .and_then(&parse);
                    match parsed {
                        Ok(v) => return Ok((v, attempt)),
                        Err(reason) => {
                            let e = Error::InvalidResponse {
                                operation: req.op,
                                status: reply.status,
                                reason: printable_owned(reason),
                                excerpt: excerpt(&reply.body),
                                request_id: reply.request_id,
                                attempts: attempt,
                            };
                            // A truncated or garbled answer to a read is worth another try.
                            if attempt >= max_attempts {
                                return Err(e);
                            }
                            (e, None)
                        }
                    }
                }
                Ok(reply) => {
                    let retry = reply.status >= 500 || reply.status == 429;
                    let retry_after = reply.retry_after;
                    let server_date = reply.date;
                    let e = service_error(req.op, reply, attempt);
                    // A skewed clock: adopt the service's time and sign again, once per call. Safe for create too:
                    // a request refused at authentication was not carried out.
                    if !skew_corrected && is_clock_error(&e) {
                        let offset = server_date.map(|server| server - crate::timefmt::now_unix());
                        if let Some(offset) = offset.filter(|o| o.abs() > MAX_ADOPTED_CLOCK_OFFSET) {
                            // A clock a day or more away is not skew but a broken (or hostile) `Date`: signing
                            // with it would fail or sign requests far in the future.
                            self.log(LogLevel::Warn, || {
                                format!(
                                    "{}: the service's Date is {offset} s from this machine's clock, more than \
                                     {MAX_ADOPTED_CLOCK_OFFSET} s; not adopted",
                                    req.op
                                )
                            });
                        } else if let Some(offset) = offset {
                            skew_corrected = true;
                            self.clock_offset.store(offset, Ordering::Relaxed);
                            self.log(LogLevel::Warn, || {
                                format!("{}: clock skew of {offset} s corrected; signing again", req.op)
                            });
                            extra_attempts += 1;
                            continue;
                        }
                    }
                    let slow_down = e.service_code() == Some("SlowDown");
                    if !(retry || slow_down) || attempt >= max_attempts {
                        return Err(e);
                    }
                    (e, retry_after)
                }
            };
            let mut pause = self.backoff(attempt, retry_after);
            if let Some(d) = self.deadline {
                let left = d.saturating_duration_since(Instant::now());
                if pause >= left {
                    // No time for another attempt: report the last failure.
                    return Err(err);
                }
                pause = pause.min(left);
            }
            self.log(LogLevel::Info, || format!("{}: retrying in {pause:?} after: {err}", req.op));
            std::thread::sleep(pause);
        }
    }

    fn log(&self, level: LogLevel, message: impl FnOnce() -> String) {
        if let Some((sink, min)) = &self.config.log {
            if level <= *min {
                // Messages quote answers (request ids, error messages): no control character reaches a log.
                sink(level, &printable(&message()));
            }
        }
    }

    /// The credentials to sign with: the configured ones, or the provider's, refreshed before they expire by one
    /// thread while the others wait.
    fn credentials(&self) -> Result<Arc<Credentials>> {
        let Some(provider) = &self.config.credentials_provider else {
            // Set once in `new`: the configured credentials never expire.
            let current = self.provided.current.read().unwrap_or_else(|e| e.into_inner());
            return Ok(current.as_ref().map(|(c, _)| c.clone()).unwrap_or_default());
        };
        let fresh = |entry: &Option<(Arc<Credentials>, Option<SystemTime>)>| match entry {
            Some((c, None)) => Some(c.clone()),
            Some((c, Some(exp))) if SystemTime::now() + REFRESH_MARGIN < *exp => Some(c.clone()),
            _ => None,
        };
        if let Some(c) = fresh(&self.provided.current.read().unwrap_or_else(|e| e.into_inner())) {
            return Ok(c);
        }
        let _one_at_a_time = self.provided.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        // Another thread may have refreshed while this one waited.
        if let Some(c) = fresh(&self.provided.current.read().unwrap_or_else(|e| e.into_inner())) {
            return Ok(c);
        }
        match provider.fetch() {
            Ok((creds, expires)) => {
                if creds.secret_id().is_empty() || creds.secret_key().is_empty() {
                    return Err(Error::Credentials {
                        message: "the provider gave an empty SecretId or SecretKey".into(),
                    });
                }
                validate::header_value("secret_id", creds.secret_id())?;
                if let Some(t) = creds.token() {
                    validate::header_value("token", t)?;
                }
                self.log(LogLevel::Info, || format!("credentials refreshed for {}", creds.secret_id()));
                let creds = Arc::new(creds);
                *self.provided.current.write().unwrap_or_else(|e| e.into_inner()) = Some((creds.clone(), expires));
                Ok(creds)
            }
            Err(message) => {
                // Credentials not yet expired still work: use them, and try again on the next call.
                let current = self.provided.current.read().unwrap_or_else(|e| e.into_inner()).clone();
                match current {
                    Some((c, Some(exp))) if SystemTime::now() < exp => {
                        self.log(LogLevel::Warn, || {
                            format!("credentials refresh failed ({message}); using the current ones")
                        });
                        Ok(c)
                    }
                    _ => Err(Error::Credentials { message: printable_owned(message) }),
                }
            }
        }
    }

    fn xml_limits(&self) -> XmlLimits {
        XmlLimits { max_depth: self.config.max_xml_depth.max(4), ..XmlLimits::default() }
    }

    /// The clock offset the client currently signs with, in seconds.
    pub fn clock_offset(&self) -> i64 {
        self.clock_offset.load(Ordering::Relaxed)
    }

    fn url(&self, req: &Request<'_>) -> String {
        let mut url = String::with_capacity(self.base_url.len() + req.path.len() + 64);
        url.push_str(&self.base_url);
        // Path segments are validated job IDs; encode them anyway so nothing can change the path.
        for (i, seg) in req.path.split('/').enumerate() {
            if i > 0 {
                url.push('/');
            }
            for (j, part) in seg.split(',').enumerate() {
                if j > 0 {
                    url.push(',');
                }
                signer::encode_into(&mut url, part);
            }
        }
        for (i, (k, v)) in req.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            signer::encode_into(&mut url, k);
            if !v.is_empty() {
                url.push('=');
                signer::encode_into(&mut url, v);
            }
        }
        url
    }

    /// One signed attempt. Transport failures come back as `(kind, message)`.
    fn attempt(
        &self,
        req: &Request<'_>,
        url: &str,
        creds: &Credentials,
    ) -> std::result::Result<Reply, (TransportKind, String)> {
        let mut headers: Vec<(&str, String)> = Vec::with_capacity(6);
        headers.push(("host", self.host.to_string()));
        match req.body {
            Some(body) => {
                headers.push(("content-type", "application/xml".to_string()));
                headers.push(("content-length", body.len().to_string()));
                headers.push((
                    "content-md5",
                    base64::engine::general_purpose::STANDARD.encode(Md5::digest(body.as_bytes())),
                ));
            }
            None if req.method != "GET" => headers.push(("content-length", "0".to_string())),
            None => {}
        }
        if let Some(token) = creds.token() {
            headers.push(("x-ci-security-token", token.to_string()));
        }
        let now = crate::timefmt::now_unix() + self.clock_offset.load(Ordering::Relaxed);
        let params: Vec<(&str, &str)> = req.query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let header_refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (start, end) = signer::key_time_window(now);
        let authorization = self.signer.authorization(&SignInput {
            method: req.method,
            path: &req.path,
            params: &params,
            headers: &header_refs,
            secret_id: creds.secret_id(),
            secret_key: creds.secret_key(),
            start,
            end,
        });

        let mut builder = ureq::http::Request::builder().method(req.method).uri(url);
        for (k, v) in &headers {
            builder = builder.header(*k, v.as_str());
        }
        builder = builder.header("authorization", authorization);
        // Under a deadline, this attempt may take only what is left of it.
        let timeout = self.deadline.map(|d| d.saturating_duration_since(Instant::now()).min(self.config.timeout));
        let sent = match req.body {
            Some(body) => builder.body(body.as_bytes()).map(|r| self.run(r, timeout)),
            None => builder.body(()).map(|r| self.run(r, timeout)),
        };
        let mut resp = match sent {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => return Err(transport_error(e)),
            Err(e) => return Err((TransportKind::Other, format!("could not build the request: {e}"))),
        };
        // Header values may hold a tab (or, through `to_str`, nothing else outside printable ASCII); escaped anyway.
        let header =
            |n: &str| printable(resp.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or("")).into_owned();
        let request_id = header("x-ci-request-id");
        let trace_id = header("x-ci-trace-id");
        let retry_after = header("retry-after").trim().parse::<u64>().ok().map(Duration::from_secs);
        let date = crate::timefmt::parse_http_date(&header("date"));
        let location = header("location");
        let status = resp.status().as_u16();
        // An answer that announces more than the limit is refused before a byte of its body is read.
        let max = self.config.max_response_bytes;
        if let Some(n) = header("content-length").trim().parse::<u64>().ok().filter(|&n| n > max) {
            return Err((
                TransportKind::Other,
                format!(
                    "response body of Content-Length of {n} bytes exceeds the limit of {max} bytes \
                     (HTTP {status}, request id {request_id:?})"
                ),
            ));
        }
        let body = match resp.body_mut().with_config().limit(self.config.max_response_bytes).read_to_vec() {
            Ok(b) => b,
            Err(ureq::Error::BodyExceedsLimit(n)) => {
                return Err((
                    TransportKind::Other,
                    format!("response body exceeds the limit of {n} bytes (HTTP {status}, request id {request_id:?})"),
                ))
            }
            Err(e) => return Err(transport_error(e)),
        };
        Ok(Reply { status, body, request_id, trace_id, retry_after, date, location })
    }

    fn run(
        &self,
        req: ureq::http::Request<impl ureq::AsSendBody>,
        timeout: Option<Duration>,
    ) -> std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        match timeout {
            None => self.agent.run(req),
            Some(t) => {
                req.with_agent(&self.agent).configure().timeout_global(Some(t.max(Duration::from_millis(1)))).run()
            }
        }
    }

    /// Full jitter: a random duration in `[0, min(cap, base * 2^(attempt-1))]`, or `Retry-After` up to the cap.
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let cap = self.config.backoff_cap;
        if let Some(ra) = retry_after {
            return ra.min(cap);
        }
        let ceiling = self.config.backoff_base.saturating_mul(1u32 << (attempt - 1).min(20)).min(cap);
        // xorshift64: good enough to spread retries, no dependency needed.
        let r = self
            .jitter
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |mut x| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                Some(x)
            })
            .unwrap_or(1);
        ceiling.mul_f64((r % 10_000) as f64 / 10_000.0)
    }
}

/// The root certificates of a PEM file, for a private CA.
fn load_ca_bundle(path: &std::path::Path) -> Result<ureq::tls::RootCerts> {
    let pem =
        std::fs::read(path).map_err(|e| Error::invalid("ca_bundle", format!("cannot read {}: {e}", path.display())))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => return Err(Error::invalid("ca_bundle", format!("{} is not valid PEM: {e}", path.display()))),
        }
    }
    if certs.is_empty() {
        return Err(Error::invalid("ca_bundle", format!("{} holds no certificate", path.display())));
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

/// Resolves IP-literal hosts (`127.0.0.1`, `[::1]`) directly; names go to ureq's resolver. ureq's resolver
/// runs every lookup under a timeout on a new thread, which an address that needs no lookup should not cost.
#[derive(Debug, Default)]
struct IpLiteralResolver {
    names: DefaultResolver,
}

impl Resolver for IpLiteralResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = host.parse::<std::net::IpAddr>() {
            let default_port = if uri.scheme_str() == Some("https") { 443 } else { 80 };
            let mut addrs = self.empty();
            addrs.push(std::net::SocketAddr::new(ip, uri.port_u16().unwrap_or(default_port)));
            return Ok(addrs);
        }
        self.names.resolve(uri, config, timeout)
    }
}

/// The service's ways of saying the signature's time window does not contain its clock.
fn is_clock_error(e: &Error) -> bool {
    match e {
        Error::Service(se) => {
            matches!(se.code.as_str(), "RequestTimeTooSkewed" | "SignatureExpired")
                || (se.code == "AccessDenied" && se.message.contains("expired"))
        }
        _ => false,
    }
}

/// The start of a body, printable.
fn excerpt(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(&body[..body.len().min(200)]);
    printable(&s).into_owned()
}

fn service_error(op: Operation, reply: Reply, attempts: u32) -> Error {
    let text = String::from_utf8_lossy(&reply.body);
    let parsed = parse_error_body(&text).unwrap_or_default();
    // The body's text is the service's (or a forger's): escaped, like everything an error carries.
    let pick = |a: String, b: String| if a.is_empty() { b } else { printable_owned(a) };
    let message = if parsed.message.is_empty() && parsed.code.is_empty() {
        let t = text.trim();
        if t.is_empty() {
            "(empty body)".to_string()
        } else {
            format!("(unreadable body) {}", excerpt(t.as_bytes()))
        }
    } else {
        printable_owned(parsed.message)
    };
    // A redirect is never followed (the request and its signature go to the configured endpoint only): say so,
    // and where it pointed, rather than only what its body said.
    let message = if (300..400).contains(&reply.status) {
        let to = if reply.location.is_empty() { "(no Location)".to_string() } else { format!("{:?}", reply.location) };
        format!("redirected to {to}, which is not followed; check the endpoint (the body said: {message})")
    } else {
        message
    };
    Error::Service(Box::new(ServiceError {
        operation: op,
        status: reply.status,
        code: printable_owned(parsed.code),
        message,
        request_id: pick(parsed.request_id, reply.request_id),
        trace_id: pick(parsed.trace_id, reply.trace_id),
        attempts,
    }))
}

fn transport_error(e: ureq::Error) -> (TransportKind, String) {
    use std::io::ErrorKind as K;
    let kind = match &e {
        ureq::Error::HostNotFound => TransportKind::Dns,
        ureq::Error::ConnectionFailed => TransportKind::Connect,
        ureq::Error::Timeout(_) => TransportKind::Timeout,
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) | ureq::Error::TlsRequired => {
            TransportKind::Tls
        }
        // rustls reports handshake and certificate failures through the I/O error.
        ureq::Error::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<rustls::Error>()) => TransportKind::Tls,
        ureq::Error::Io(io) => match io.kind() {
            K::ConnectionRefused | K::AddrNotAvailable | K::NotConnected => TransportKind::Connect,
            K::TimedOut | K::WouldBlock => TransportKind::Timeout,
            _ => TransportKind::Io,
        },
        ureq::Error::Protocol(_) => TransportKind::Io,
        _ => TransportKind::Other,
    };
    let message = match kind {
        // webpki's name for a certificate with basicConstraints CA:TRUE presented by the server itself (what
        // `openssl req -x509` makes): trusting it with `ca_bundle` cannot make it work, and the name alone says
        // little.
        TransportKind::Tls if e.to_string().contains("CaUsedAsEndEntity") => format!(
            "TLS failed: {e}: the server's certificate is a CA certificate (basicConstraints CA:TRUE, as `openssl \
             req -x509` makes by default), which cannot identify a server; keep the CA in ca_bundle and give the \
             server a certificate signed by that CA"
        ),
        TransportKind::Tls => format!("TLS failed: {e}"),
        _ => e.to_string(),
    };
    // The HTTP layer's messages may quote what the server sent.
    (kind, printable_owned(message))
}

/// The state of a walk over the pages of a listing, apart from the client it uses, so that a caller can keep it
/// anywhere (the C ABI's pager holds one next to a shared client). [`Pages`] is the iterator over it.
#[derive(Debug, Clone)]
pub struct PageCursor {
    opts: ListOptions,
    seen: HashSet<String>,
    done: bool,
    pages: u32,
}

impl PageCursor {
    /// Starts at `opts.next_token` (the first page when unset).
    pub fn new(opts: ListOptions) -> Self {
        PageCursor { opts, seen: HashSet::new(), done: false, pages: 0 }
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u32 {
        self.pages
    }

    /// Fetches the next page; `None` after the last page or after an error. A `NextToken` that an earlier page
    /// already returned is an error (the walk would loop forever).
    pub fn next_page(&mut self, client: &Client) -> Option<Result<JobPage>> {
        if self.done {
            return None;
        }
        let page = match client.list_jobs(&self.opts) {
            Ok(p) => p,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        self.pages += 1;
        match &page.next_token {
            None => self.done = true,
            Some(t) if !self.seen.insert(t.clone()) => {
                self.done = true;
                return Some(Err(Error::InvalidResponse {
                    operation: Operation::ListJobs,
                    status: 200,
                    reason: format!(
                        "NextToken {t:?} was already returned by an earlier page; stopping instead of looping"
                    ),
                    excerpt: String::new(),
                    request_id: page.request_id,
                    attempts: 1,
                }));
            }
            Some(t) => self.opts.next_token = Some(t.clone()),
        }
        Some(Ok(page))
    }
}

/// Iterator over the pages of a listing; see [`Client::pages`].
pub struct Pages<'a> {
    client: &'a Client,
    cursor: PageCursor,
}

impl Pages<'_> {
    /// Pages fetched so far.
    pub fn count_so_far(&self) -> u32 {
        self.cursor.pages_fetched()
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<JobPage>;

    fn next(&mut self) -> Option<Result<JobPage>> {
        self.cursor.next_page(self.client)
    }
}

/// Iterator over every job of a listing; see [`Client::jobs`].
pub struct Jobs<'a> {
    pages: Pages<'a>,
    buffered: VecDeque<Job>,
}

impl Jobs<'_> {
    /// Pages fetched so far.
    pub fn pages_so_far(&self) -> u32 {
        self.pages.count_so_far()
    }
}

impl Iterator for Jobs<'_> {
    type Item = Result<Job>;

    fn next(&mut self) -> Option<Result<Job>> {
        loop {
            if let Some(j) = self.buffered.pop_front() {
                return Some(Ok(j));
            }
            match self.pages.next()? {
                Ok(page) => self.buffered.extend(page.jobs),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// The response parser is exposed for tools and benchmarks that read bodies obtained elsewhere.
pub fn parse_response(body: &str) -> std::result::Result<JobsResponse, String> {
    parse_jobs_response(body, XmlLimits::default(), Expected::ANY)
}
