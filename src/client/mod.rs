//! The blocking client: one keep-alive `ureq` agent shared by every call and every thread. A file per concern:
//! `setup` builds the agent, `attempt` sends one signed request, `retry` runs a call's attempts, `credentials`
//! refreshes provided credentials, `wait` polls a job; the operations have a file each.

use crate::cancel::CancelToken;
use crate::config::{Config, Credentials, LogLevel};
use crate::error::{printable, Error, Operation, TransportKind};
use crate::response::{parse_jobs_response, Expected, JobsResponse};
use crate::signer;
use crate::xml::XmlLimits;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod attempt;
#[cfg(test)]
mod backoff_tests;
mod cancel_job;
mod create;
mod credentials;
mod describe;
mod listing;
mod results;
mod retry;
mod setup;
mod wait;

use attempt::Request;
use credentials::ProvidedCredentials;
pub use listing::{JobCursor, Jobs, PageCursor, Pages, MAX_EMPTY_PAGES};
pub use results::{ResultCursor, Results};
pub use wait::WaitOptions;

const JOBS_PATH: &str = "/inventorytriggerjob";

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

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base_url", &self.base_url).field("config", &self.config).finish()
    }
}

impl Client {
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

    fn xml_limits(&self) -> XmlLimits {
        XmlLimits { max_depth: self.config.max_xml_depth, ..XmlLimits::default() }
    }

    /// The clock offset the client currently signs with, in seconds.
    pub fn clock_offset(&self) -> i64 {
        self.clock_offset.load(Ordering::Relaxed)
    }
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
