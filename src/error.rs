//! The one error type of the library. Every variant says which operation failed; none carries a secret.

use std::fmt;

/// The operation a request belonged to, for error messages and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    CreateJob,
    DescribeJobs,
    ListJobs,
    CancelJob,
    WaitForJob,
    /// Listing a batch job's per-object results (`/workflowexecution` or `/jobs`).
    ListResults,
    /// Fetching credentials from the provider.
    Credentials,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::CreateJob => "create job",
            Operation::DescribeJobs => "describe jobs",
            Operation::ListJobs => "list jobs",
            Operation::CancelJob => "cancel job",
            Operation::WaitForJob => "wait for job",
            Operation::ListResults => "list results",
            Operation::Credentials => "credentials",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// The host name could not be resolved.
    Dns,
    /// The connection could not be made (refused, unreachable).
    Connect,
    /// A connect, read or whole-call timeout passed.
    Timeout,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The connection broke while sending or receiving (reset, closed early).
    Io,
    /// Anything else the HTTP layer reported.
    Other,
}

/// An error answer from the service: HTTP status plus what the body and headers said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub operation: Operation,
    pub status: u16,
    /// The service's `Code` (e.g. `InvalidArgument`); empty when the body had none.
    pub code: String,
    pub message: String,
    /// From the body's `RequestId`, else the `x-ci-request-id` header.
    pub request_id: String,
    /// From the body's `TraceId`, else the `x-ci-trace-id` header.
    pub trace_id: String,
    pub attempts: u32,
}

/// Every failure of the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was refused before anything was sent.
    #[error("invalid argument `{argument}`: {reason}")]
    InvalidInput { argument: &'static str, reason: String },

    /// The request did not get an HTTP answer.
    #[error("{operation}: {kind:?} error after {attempts} attempt(s): {message}")]
    Transport { operation: Operation, kind: TransportKind, message: String, attempts: u32 },

    /// The service answered with an error status.
    #[error("{}", display_service(.0))]
    Service(Box<ServiceError>),

    /// The service answered, but not with something we could read.
    #[error("{operation}: unreadable response (HTTP {status}, request id {request_id:?}) after {attempts} attempt(s): {reason}; body starts {excerpt:?}")]
    InvalidResponse {
        operation: Operation,
        status: u16,
        reason: String,
        excerpt: String,
        request_id: String,
        attempts: u32,
    },

    /// A describe of one job found no such job (the service answers 200 and names it in `NonExistJobIds`).
    #[error("job {job_id} does not exist (request id {request_id:?})")]
    JobNotFound { job_id: String, request_id: String },

    /// Waiting for a job ended before the job reached a terminal state.
    #[error("job {job_id} still {last_state} after waiting {waited:?}")]
    WaitTimeout { job_id: String, last_state: String, waited: std::time::Duration },

    /// The credentials provider failed and there were no valid credentials left.
    #[error("credentials: {message}")]
    Credentials { message: String },

    /// A create failed after its request may have reached the service (a timeout or reset after it was written, a
    /// 5xx, an unreadable answer): a job may or may not exist now. `cause` is the failure. Look for the job with
    /// [`Client::find_created`](crate::Client::find_created), or create with
    /// [`Config::resolve_creates`](crate::Config::resolve_creates), which does so itself.
    #[error("{operation}: outcome unknown, the job may have been created (look for it with find_created): {cause}")]
    OutcomeUnknown { operation: Operation, cause: Box<Error> },

    /// A create whose answer was lost was looked for, and several jobs match it: nothing more was created. Names that
    /// are unique make the lookup reliable.
    #[error("{operation}: outcome unknown, and {} jobs match the request: {}; nothing more was created", job_ids.len(), job_ids.join(", "))]
    AmbiguousCreate { operation: Operation, job_ids: Vec<String> },

    /// The call was cancelled: its [`CancelToken`](crate::CancelToken) fired, or a wait callback said stop
    /// (see [`Client::wait_for_job_polling`](crate::Client::wait_for_job_polling)). `detail` says where, e.g.
    /// " while job b1... was Running" or " after 1 attempt(s)".
    #[error("{operation}: cancelled{detail}")]
    Cancelled { operation: Operation, detail: String },
}

fn display_service(e: &ServiceError) -> String {
    format!(
        "{}: HTTP {} {}: {} (request id {:?}, trace id {:?}, {} attempt(s))",
        e.operation,
        e.status,
        if e.code.is_empty() { "(no code)" } else { &e.code },
        e.message,
        e.request_id,
        e.trace_id,
        e.attempts
    )
}

/// A stable classification of [`Error`], for bindings and for matching without destructuring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidInput,
    Transport,
    Service,
    InvalidResponse,
    JobNotFound,
    WaitTimeout,
    Cancelled,
    Credentials,
    OutcomeUnknown,
    AmbiguousCreate,
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Service(_) => ErrorKind::Service,
            Error::InvalidResponse { .. } => ErrorKind::InvalidResponse,
            Error::JobNotFound { .. } => ErrorKind::JobNotFound,
            Error::WaitTimeout { .. } => ErrorKind::WaitTimeout,
            Error::Cancelled { .. } => ErrorKind::Cancelled,
            Error::Credentials { .. } => ErrorKind::Credentials,
            Error::OutcomeUnknown { .. } => ErrorKind::OutcomeUnknown,
            Error::AmbiguousCreate { .. } => ErrorKind::AmbiguousCreate,
        }
    }

    /// True when a create failed after its request may have reached the service: a job may exist now.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }

    /// The failure behind an [`Error::OutcomeUnknown`]; the error itself otherwise.
    pub fn cause(&self) -> &Error {
        match self {
            Error::OutcomeUnknown { cause, .. } => cause,
            e => e,
        }
    }

    /// HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::OutcomeUnknown { cause, .. } => cause.status(),
            Error::Service(e) => Some(e.status),
            Error::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The service's error code (`InvalidArgument`, `SlowDown`, ...), when it sent one.
    pub fn service_code(&self) -> Option<&str> {
        match self {
            Error::OutcomeUnknown { cause, .. } => cause.service_code(),
            Error::Service(e) if !e.code.is_empty() => Some(&e.code),
            _ => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::OutcomeUnknown { cause, .. } => cause.request_id(),
            Error::Service(e) => Some(e.request_id.as_str()),
            Error::InvalidResponse { request_id, .. } | Error::JobNotFound { request_id, .. } => {
                Some(request_id.as_str())
            }
            _ => None,
        }
        .filter(|s| !s.is_empty())
    }

    pub fn trace_id(&self) -> Option<&str> {
        match self {
            Error::OutcomeUnknown { cause, .. } => cause.trace_id(),
            Error::Service(e) if !e.trace_id.is_empty() => Some(&e.trace_id),
            _ => None,
        }
    }

    /// How many requests were sent for the failed call (0 when none was).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::OutcomeUnknown { cause, .. } => cause.attempts(),
            Error::Transport { attempts, .. } | Error::InvalidResponse { attempts, .. } => *attempts,
            Error::Service(e) => e.attempts,
            Error::JobNotFound { .. } => 1,
            _ => 0,
        }
    }

    pub(crate) fn invalid(argument: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput { argument, reason: reason.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a character must not be printed raw: C0 and C1 controls and DEL (terminal escape sequences start
/// with ESC or CSI), line and paragraph separators, and the bidirectional overrides that reorder what a reader
/// sees.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character escaped (`\n`, `\r`, `\t`, `\u{1b}`), so that text from the network cannot
/// add a line to a log, move a terminal's cursor or hide what follows. Borrowed when there is nothing to escape.
/// Every text an [`Error`] carries from an answer (code, message, request and trace ids, excerpts, transport
/// messages, states) is escaped this way when the error is made, so `Display`, `Debug`, the fields, the C error
/// getters and the logs all give the same, printable text.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`printable`], owned.
pub(crate) fn printable_owned(s: String) -> String {
    match printable(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(o) => o,
    }
}
