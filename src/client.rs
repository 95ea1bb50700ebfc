//! The blocking client: one keep-alive `ureq` agent shared by every call and every thread.

use crate::cancel::{CallScope, CancelToken};
use crate::config::{limits, Config, Credentials, LogLevel};
use crate::error::{printable, printable_owned, Error, Operation, Result, ServiceError, TransportKind};
use crate::model::{Job, JobPage, JobRequest, ListOptions, WorkflowJobRequest};
use crate::response::{parse_error_body, parse_jobs_response, Expected, JobsResponse};
use crate::signer::{self, SignInput};
use crate::transport::{watch_writes, WatchedConnector};
use crate::validate;
use crate::xml::XmlLimits;
use base64::Engine as _;
use md5::{Digest, Md5};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::SystemTime;
use std::time::{Duration, Instant};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;
use ureq::RequestExt;

#[cfg(test)]
mod backoff_tests;
mod cancel_job;
mod describe;
mod listing;
mod results;

pub use listing::{JobCursor, Jobs, PageCursor, Pages, MAX_EMPTY_PAGES};
pub use results::{ResultCursor, Results};

const JOBS_PATH: &str = "/inventorytriggerjob";
/// The largest clock correction adopted from the service's `Date`: the ceiling of `clock_offset`.
const MAX_ADOPTED_CLOCK_OFFSET: i64 = limits::CLOCK_OFFSET;
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
    /// Every call of this client stops when it fires (see [`Client::with_cancel`]).
    cancel: Option<CancelToken>,
    /// Seconds added to the local clock when signing; shared by the clients made by `with_deadline`.
    clock_offset: Arc<AtomicI64>,
    /// The configured credentials, or None when a provider gives them.
    fixed_credentials: Option<Arc<Credentials>>,
    /// Credentials from the provider, shared likewise.
    provided: Arc<ProvidedCredentials>,
    /// Reuses the keyed HMAC within a key-time window.
    signer: Arc<signer::KeyedSigner>,
}

/// The current provided credentials, and whether a refresh is under way. The provider is called with no lock held,
/// so a log line or a call on another client from inside it cannot deadlock.
#[derive(Default)]
struct ProvidedCredentials {
    state: Mutex<ProvidedState>,
    refreshed: Condvar,
}

#[derive(Default)]
struct ProvidedState {
    current: Option<(Arc<Credentials>, Option<SystemTime>)>,
    refreshing: bool,
    /// Counts finished refreshes, so that a waiter knows the one it waited for ended.
    generation: u64,
    /// Why the last refresh failed (None when it succeeded).
    failure: Option<String>,
}

impl ProvidedCredentials {
    fn lock(&self) -> std::sync::MutexGuard<'_, ProvidedState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks the provider once and records the outcome for every waiting thread. A panicking provider is a failure.
    fn refresh(&self, provider: &dyn crate::CredentialsProvider) {
        FETCHING.with(|f| f.set(self as *const Self as usize));
        let fetched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| provider.fetch()));
        FETCHING.with(|f| f.set(0));
        let checked = match fetched {
            Ok(Ok((creds, expires))) => check_provided(&creds).map(|()| (creds, expires)),
            Ok(Err(message)) => Err(message),
            Err(_) => Err("the credentials provider panicked".to_string()),
        };
        let mut state = self.lock();
        match checked {
            Ok((creds, expires)) => {
                state.current = Some((Arc::new(creds), expires));
                state.failure = None;
            }
            Err(message) => state.failure = Some(message),
        }
        state.refreshing = false;
        state.generation += 1;
        drop(state);
        self.refreshed.notify_all();
    }
}

fn check_provided(creds: &Credentials) -> std::result::Result<(), String> {
    if creds.secret_id().is_empty() || creds.secret_key().is_empty() {
        return Err("the provider gave an empty SecretId or SecretKey".into());
    }
    let header = |name, value| validate::header_value(name, value).map_err(|e| e.to_string());
    header("secret_id", creds.secret_id())?;
    if let Some(t) = creds.token() {
        header("token", t)?;
    }
    Ok(())
}

thread_local! {
    /// The credentials this thread's provider call is fetching (their address), to refuse a call from inside the
    /// provider that would wait for them.
    static FETCHING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
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

impl Reply {
    /// Whether the body is the service's own error (it has a `Code`), as opposed to a proxy's or nothing.
    fn service_error(&self) -> bool {
        std::str::from_utf8(&self.body).ok().and_then(parse_error_body).is_some_and(|e| !e.code.is_empty())
    }
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
        config.check_limits()?;
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
        let agent = ureq::Agent::with_parts(agent_config, WatchedConnector::default(), IpLiteralResolver::default());
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        let clock_offset = Arc::new(AtomicI64::new(config.clock_offset));
        // Configured credentials never expire; provided ones are asked for on first use.
        let fixed_credentials = match config.credentials_provider {
            None => Some(Arc::new(config.credentials.clone())),
            Some(_) => None,
        };
        Ok(Client {
            config: Arc::new(config),
            agent,
            base_url: base_url.into(),
            host: host.into(),
            jitter: AtomicU64::new(seed | 1),
            deadline: None,
            cancel: None,
            clock_offset,
            signer: Arc::default(),
            fixed_credentials,
            provided: Arc::default(),
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
        let mut c = self.derived();
        c.deadline = Some(self.deadline.map_or(deadline, |d| d.min(deadline)));
        c
    }

    /// A client that shares this one's connections and whose every call stops when `token` is cancelled: waits,
    /// backoffs, polls and waits for credentials end at once, and a request in flight is abandoned (its connection
    /// is shut down), all failing with [`Error::Cancelled`]. The token replaces any this client carried; a deadline
    /// it carried stays. Cheap: made per call.
    pub fn with_cancel(&self, token: CancelToken) -> Client {
        let mut c = self.derived();
        c.cancel = Some(token);
        c
    }

    /// Another client over the same connections, credentials and settings (and this one's deadline and token).
    pub(crate) fn share(&self) -> Client {
        self.derived()
    }

    fn derived(&self) -> Client {
        Client {
            config: self.config.clone(),
            agent: self.agent.clone(),
            base_url: self.base_url.clone(),
            host: self.host.clone(),
            jitter: AtomicU64::new(self.jitter.load(Ordering::Relaxed) ^ 0x9E37_79B9_7F4A_7C15),
            deadline: self.deadline,
            cancel: self.cancel.clone(),
            clock_offset: self.clock_offset.clone(),
            fixed_credentials: self.fixed_credentials.clone(),
            provided: self.provided.clone(),
            signer: self.signer.clone(),
        }
    }

    /// Why a call must stop now: its token fired, or its deadline passed.
    fn stopped(&self, op: Operation, attempts: u32) -> Option<Error> {
        if self.cancel.as_ref().is_some_and(CancelToken::is_cancelled) {
            return Some(Error::Cancelled { operation: op, detail: format!(" after {attempts} attempt(s)") });
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(Error::Transport {
                operation: op,
                kind: TransportKind::Timeout,
                message: "the call's deadline passed".into(),
                attempts,
            });
        }
        None
    }

    /// Sleeps for `d` unless the call's token fires first; returns false if it did.
    pub(crate) fn pause(&self, d: Duration) -> bool {
        match &self.cancel {
            Some(token) => token.sleep(d),
            None => {
                std::thread::sleep(d);
                true
            }
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The scheme and host requests go to, e.g. `https://examplebucket-1250000000.ci.ap-beijing.myqcloud.com`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Creates a job that triggers a workflow. A failure after the request may have reached the service is
    /// [`Error::OutcomeUnknown`]; under [`Config::resolve_creates`] the client then finds the job itself. Not sent
    /// again otherwise, unless [`Config::retry_create`] is set.
    pub fn create_workflow_job(&self, req: &WorkflowJobRequest) -> Result<Job> {
        let body = req.to_xml()?;
        if self.config.resolve_creates {
            return self.create_resolving(req.into(), || self.create(&body, crate::JobType::Workflow));
        }
        self.create(&body, crate::JobType::Workflow)
    }

    /// Creates a Job-type job; as [`Client::create_workflow_job`] for lost answers and retries.
    pub fn create_job(&self, req: &JobRequest) -> Result<Job> {
        let body = req.to_xml()?;
        if self.config.resolve_creates {
            return self.create_resolving(req.into(), || self.create(&body, crate::JobType::Job));
        }
        self.create(&body, crate::JobType::Job)
    }

    /// The create answer has no `Type`: the job's type is the request's.
    fn create(&self, body: &str, job_type: crate::JobType) -> Result<Job> {
        let req = Request {
            op: Operation::CreateJob,
            method: "POST",
            path: JOBS_PATH.to_string(),
            query: Vec::new(),
            body: Some(body),
            // Resolving replaces blind retries: a lost answer is looked for instead of sent again.
            retryable: self.config.retry_create && !self.config.resolve_creates,
        };
        // One job; a create never names missing IDs, but one is tolerated.
        let expected = Expected { jobs: 1, missing: 1 };
        let (mut resp, attempts) = self.call(&req, |b| parse_jobs_response(b, self.xml_limits(), expected))?;
        match resp.jobs.len() {
            1 => {
                let mut job = resp.jobs.remove(0);
                if job.job_type == crate::JobType::Other(String::new()) {
                    job.job_type = job_type;
                }
                Ok(job)
            }
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
        validate::job_id(job_id)?;
        let (mut res, _, attempts) = self.describe_request(&[job_id])?;
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

    /// One page of jobs. Pass the previous page's `next_token` in `opts.next_token` for the next one,
    /// or use [`Client::pages`] / [`Client::jobs`]. Without `opts.job_type` no `type` is sent, so the service's
    /// undocumented default applies (it may list `Workflow` jobs only); `pages` and `jobs` cover both types.
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
        Ok(JobPage {
            jobs: resp.jobs,
            next_token: resp.next_token,
            request_id: resp.request_id,
            job_type: opts.job_type.clone(),
        })
    }

    /// Every page of a listing, starting at `opts.next_token`. Without a type (and without a token), every
    /// `Workflow` page and then every `Job` page; [`JobPage::job_type`] says which. See [`PageCursor::next_page`]
    /// for how a walk ends.
    pub fn pages(&self, opts: ListOptions) -> Pages<'_> {
        Pages { client: self, cursor: PageCursor::new(opts) }
    }

    /// Every job of a listing, across pages. Without a type (and without a token), `Workflow` and `Job` jobs
    /// merged by (`CreationTime`, `JobId`) in the requested order, so no job is skipped whatever the service's
    /// default `type` is.
    pub fn jobs(&self, opts: ListOptions) -> Jobs<'_> {
        Jobs { client: self, cursor: JobCursor::new(opts, false) }
    }

    /// Cancels a job. Cancelling a job that already ended is a service error, except within one call: when a retried
    /// attempt (the earlier one's answer was lost, so it may have landed) is refused and the job is now `Cancel`,
    /// the cancel succeeded.
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
        match self.call(&req, |_| Ok(())) {
            Ok(_) => Ok(()),
            Err(e) => self.cancel_outcome(job_id, e),
        }
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
        // Every poll, with its retries and backoffs, ends by the wait's deadline.
        let poller = self.with_deadline(deadline);
        let floor = limits::MIN_POLL_INTERVAL;
        let mut interval = opts.initial_interval.max(floor);
        let max_interval = opts.max_interval.max(interval);
        let mut last: Option<crate::JobState> = None;
        let timed_out = |last: &Option<crate::JobState>| Error::WaitTimeout {
            job_id: job_id.to_string(),
            last_state: last.as_ref().map_or_else(|| "unknown".to_string(), |s| printable(s.as_str()).into_owned()),
            waited: started.elapsed(),
        };
        let cancelled = |last: &Option<crate::JobState>| Error::Cancelled {
            operation: Operation::WaitForJob,
            detail: match last {
                Some(state) => format!(" while job {job_id} was {}", printable(state.as_str())),
                None => format!(" before job {job_id} was first described"),
            },
        };
        loop {
            let job = match poller.describe_job(job_id) {
                Ok(job) => job,
                // The poll itself ran into the wait's deadline.
                Err(Error::Transport { kind: TransportKind::Timeout, .. }) if Instant::now() >= deadline => {
                    return Err(timed_out(&last))
                }
                Err(Error::Cancelled { .. }) => return Err(cancelled(&last)),
                Err(e) => return Err(e),
            };
            let changed = last.as_ref() != Some(&job.state);
            if changed {
                last = Some(job.state.clone());
            }
            if !on_poll(&job, changed) {
                return Err(cancelled(&last));
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
            if !self.pause(interval.min(deadline - now)) {
                return Err(cancelled(&last));
            }
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(timed_out(&last));
            }
            interval = interval.mul_f64(opts.multiplier.max(1.0)).min(max_interval);
        }
    }

    /// Sends `req`, retrying as configured, and interprets a 2xx answer with `parse`.
    /// Returns the parsed value and the number of attempts made.
    fn call<T>(&self, req: &Request<'_>, parse: impl Fn(&str) -> Result<T, String>) -> Result<(T, u32)> {
        let mut may_have_applied = false;
        match self.attempts(req, parse, &mut may_have_applied) {
            // Only a create changes anything: its failure after the request may have been carried out says so.
            Err(e) if req.op == Operation::CreateJob && may_have_applied => {
                Err(Error::OutcomeUnknown { operation: req.op, cause: Box::new(e) })
            }
            outcome => outcome,
        }
    }

    /// The attempts of one call. Sets `may_have_applied` when an attempt failed after its request may have reached
    /// the service and been carried out: written, then no answer, a 5xx, an answer that is not the service's error
    /// or an unreadable success. A 4xx with the service's error body means it was refused.
    fn attempts<T>(
        &self,
        req: &Request<'_>,
        parse: impl Fn(&str) -> Result<T, String>,
        may_have_applied: &mut bool,
    ) -> Result<(T, u32)> {
        let max_attempts = if req.retryable { self.config.max_attempts.max(1) } else { 1 };
        let url = self.url(req);
        let mut attempt = 0;
        let mut skew_corrected = false;
        // The attempt that follows a clock correction does not use up a retry.
        let mut extra_attempts = 0;
        loop {
            attempt += 1;
            let max_attempts = max_attempts + extra_attempts;
            if let Some(e) = self.stopped(req.op, attempt - 1) {
                return Err(e);
            }
            let creds = self.credentials(req.op)?;
            let started = Instant::now();
            let (outcome, written) = {
                let _watched = self.cancel.as_ref().map(CallScope::enter);
                watch_writes(|| self.attempt(req, &url, &creds))
            };
            *may_have_applied |= match &outcome {
                Err(_) => written,
                Ok(reply) => reply.status >= 500 || !(200..300).contains(&reply.status) && !reply.service_error(),
            };
            // A request abandoned because the token fired fails however the transport saw it: say why.
            if outcome.is_err() {
                if let Some(e @ Error::Cancelled { .. }) = self.stopped(req.op, attempt) {
                    return Err(e);
                }
            }
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
                            *may_have_applied = true;
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
            if !self.pause(pause) {
                return Err(Error::Cancelled { operation: req.op, detail: format!(" after {attempt} attempt(s)") });
            }
        }
    }

    pub(crate) fn warn(&self, message: &str) {
        self.log(LogLevel::Warn, || message.to_string());
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
    /// thread while the others wait. A call with a deadline or a token waits no longer than they allow, its own
    /// provider call included (that one then runs on a helper thread and still stores what it gets).
    fn credentials(&self, op: Operation) -> Result<Arc<Credentials>> {
        if let Some(c) = &self.fixed_credentials {
            return Ok(c.clone());
        }
        let Some(provider) = self.config.credentials_provider.clone() else {
            return Err(Error::Credentials { message: "no credentials and no provider".into() });
        };
        let fresh = |entry: &Option<(Arc<Credentials>, Option<SystemTime>)>| match entry {
            Some((c, None)) => Some(c.clone()),
            Some((c, Some(exp))) if SystemTime::now() + REFRESH_MARGIN < *exp => Some(c.clone()),
            _ => None,
        };
        if FETCHING.with(|f| f.get()) == Arc::as_ptr(&self.provided) as usize {
            return Err(Error::Credentials {
                message: "a call made from inside the credentials provider needs the credentials that provider is \
                          fetching; make that call with another client"
                    .into(),
            });
        }
        let mut state = self.provided.lock();
        // The generation of the refresh this call started or waited for.
        let mut awaited: Option<u64> = None;
        let mut started = false;
        loop {
            if let Some(c) = fresh(&state.current) {
                if started {
                    let id = c.secret_id().to_string();
                    drop(state);
                    self.log(LogLevel::Info, || format!("credentials refreshed for {id}"));
                }
                return Ok(c);
            }
            if !state.refreshing {
                if awaited.is_some_and(|g| g != state.generation) {
                    // The refresh this call waited for ended. Credentials inside the refresh margin still work
                    // until they expire; a failed refresh leaves the current ones in use until the next call.
                    let failure = state.failure.clone();
                    let unexpired = match &state.current {
                        Some((c, None)) => Some(c.clone()),
                        Some((c, Some(exp))) if SystemTime::now() < *exp => Some(c.clone()),
                        _ => None,
                    };
                    drop(state);
                    return match (failure, unexpired) {
                        (None, Some(c)) => {
                            if started {
                                let id = c.secret_id().to_string();
                                self.log(LogLevel::Info, || format!("credentials refreshed for {id}"));
                            }
                            Ok(c)
                        }
                        (Some(message), Some(c)) => {
                            self.log(LogLevel::Warn, || {
                                format!("credentials refresh failed ({message}); using the current ones")
                            });
                            Ok(c)
                        }
                        (Some(message), None) => Err(Error::Credentials { message: printable_owned(message) }),
                        (None, None) => Err(Error::Credentials {
                            message: "the provider gave credentials that have already expired".into(),
                        }),
                    };
                }
                state.refreshing = true;
                awaited = Some(state.generation);
                started = true;
                drop(state);
                let provided = self.provided.clone();
                let bounded = self.deadline.is_some() || self.cancel.is_some();
                let spawned = bounded
                    && std::thread::Builder::new()
                        .name("cibatch-credentials".into())
                        .spawn({
                            let provider = provider.clone();
                            move || provided.refresh(provider.as_ref())
                        })
                        .is_ok();
                if !spawned {
                    self.provided.refresh(provider.as_ref());
                }
                state = self.provided.lock();
                continue;
            }
            awaited.get_or_insert(state.generation);
            if let Some(e) = self.stopped(op, 0) {
                return Err(e);
            }
            // Short slices, so that a fired token is seen promptly.
            let mut slice = Duration::from_millis(20);
            if let Some(d) = self.deadline {
                slice = slice.min(d.saturating_duration_since(Instant::now()).max(Duration::from_millis(1)));
            }
            state = self.provided.refreshed.wait_timeout(state, slice).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    fn xml_limits(&self) -> XmlLimits {
        XmlLimits { max_depth: self.config.max_xml_depth, ..XmlLimits::default() }
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

/// The response parser is exposed for tools and benchmarks that read bodies obtained elsewhere.
pub fn parse_response(body: &str) -> std::result::Result<JobsResponse, String> {
    parse_jobs_response(body, XmlLimits::default(), Expected::ANY)
}

/// The parser of a page of per-object results (`/workflowexecution` when `workflow`, else `/jobs`), for tools,
/// benchmarks and the fuzz targets.
pub fn parse_results_response(body: &str, workflow: bool) -> std::result::Result<crate::ResultPage, String> {
    crate::results::parse_results_page(body, XmlLimits::default(), workflow)
}
