//! Client configuration and credentials.

use crate::error::{Error, Result};
use std::fmt;
use std::time::Duration;

/// SecretId, SecretKey and, for temporary credentials, a session token.
/// `Debug` never shows the key or the token.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
}

impl Credentials {
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials { secret_id: secret_id.into(), secret_key: secret_key.into(), token: None }
    }

    /// Temporary credentials: the token is sent (and signed) as `x-ci-security-token`.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        let t = token.into();
        self.token = if t.is_empty() { None } else { Some(t) };
        self
    }

    /// `TENCENTCLOUD_SECRET_ID`/`TENCENTCLOUD_SECRET_KEY`/`TENCENTCLOUD_SESSION_TOKEN`, else
    /// `COS_SECRET_ID`/`COS_SECRET_KEY`.
    pub fn from_env() -> Result<Credentials> {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        let (id, key) =
            match (var("TENCENTCLOUD_SECRET_ID"), var("TENCENTCLOUD_SECRET_KEY")) {
                (Some(id), Some(key)) => (id, key),
                _ => match (var("COS_SECRET_ID"), var("COS_SECRET_KEY")) {
                    (Some(id), Some(key)) => (id, key),
                    _ => return Err(Error::invalid(
                        "credentials",
                        "set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (or COS_SECRET_ID and COS_SECRET_KEY)",
                    )),
                },
            };
        let mut c = Credentials::new(id, key);
        if let Some(t) = var("TENCENTCLOUD_SESSION_TOKEN") {
            c = c.with_token(t);
        }
        Ok(c)
    }

    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The SecretKey, for signing (see [`authorization`](crate::authorization)). Never printed by this library.
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

// Keys and tokens are wiped from memory when the last copy goes.
impl Drop for Credentials {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.secret_key.zeroize();
        if let Some(t) = self.token.as_mut() {
            t.zeroize();
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Supplies temporary credentials (STS) to a client, which asks again shortly before they expire: once for all
/// threads, the others waiting for the answer. Called from whichever thread makes the call that needs them.
pub trait CredentialsProvider: Send + Sync {
    /// Fresh credentials and when they expire (`None`: they do not). An `Err` is reported to the call as
    /// [`Error::Credentials`](crate::Error::Credentials), unless the current credentials are still valid.
    fn fetch(&self) -> std::result::Result<(Credentials, Option<std::time::SystemTime>), String>;
}

impl<F> CredentialsProvider for F
where
    F: Fn() -> std::result::Result<(Credentials, Option<std::time::SystemTime>), String> + Send + Sync,
{
    fn fetch(&self) -> std::result::Result<(Credentials, Option<std::time::SystemTime>), String> {
        self()
    }
}

/// How much a log message matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

/// Receives the client's log messages at or above its level. Messages never contain a secret key or token.
pub type LogSink = std::sync::Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

/// The ceilings of every numeric setting. A value outside its range is refused with
/// [`Error::InvalidInput`] (never clamped), by [`Client::new`](crate::Client::new) and by the C setters.
pub mod limits {
    use std::time::Duration;

    /// Deepest XML nesting a response may be allowed (default 32). At least 4: every answer nests that deep.
    pub const XML_DEPTH: std::ops::RangeInclusive<usize> = 4..=256;
    /// Attempts per call (default 3).
    pub const ATTEMPTS: std::ops::RangeInclusive<u32> = 1..=10;
    /// Every timeout, backoff and wait: more than zero, at most a day.
    pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);
    /// The clock offset, in seconds either way; also the largest skew correction adopted from the service.
    pub const CLOCK_OFFSET: i64 = 24 * 3600;
    /// Largest response body (default 8 MiB).
    pub const RESPONSE_BYTES: std::ops::RangeInclusive<u64> = 1..=(1 << 30);
    /// Longest `User-Agent`, in bytes.
    pub const USER_AGENT_BYTES: usize = 512;
    /// Shortest interval between two polls of a wait; shorter ones are raised to it.
    pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(10);
}

pub(crate) fn check_duration(argument: &'static str, d: Duration) -> Result<()> {
    if d.is_zero() {
        return Err(Error::invalid(argument, "must be more than zero"));
    }
    if d > limits::MAX_DURATION {
        return Err(Error::invalid(argument, format!("{d:?} is more than the ceiling of 24 hours")));
    }
    Ok(())
}

pub(crate) fn check_range<T: PartialOrd + fmt::Display>(
    argument: &'static str,
    value: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(Error::invalid(argument, format!("{value} is outside {}..={}", range.start(), range.end())))
    }
}

pub(crate) fn check_clock_offset(seconds: i64) -> Result<i64> {
    check_range("clock_offset", seconds, -limits::CLOCK_OFFSET..=limits::CLOCK_OFFSET)
}

/// Everything a [`Client`](crate::Client) needs. Build with [`Config::new`] and the setters.
#[derive(Clone)]
pub struct Config {
    /// `name-appid`, e.g. `examplebucket-1250000000`.
    pub bucket: String,
    /// e.g. `ap-beijing`.
    pub region: String,
    pub credentials: Credentials,
    /// HTTPS unless set to false (ignored when `endpoint` is set).
    pub https: bool,
    /// A full base URL (`http://127.0.0.1:8080`) that replaces scheme and host.
    pub endpoint: Option<String>,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Longest wait for any one read from the server.
    pub read_timeout: Duration,
    /// Longest a whole attempt (connect, send, receive) may take.
    pub timeout: Duration,
    pub user_agent: String,
    /// Attempts in all for describe, list and cancel (1 = no retries).
    pub max_attempts: u32,
    /// Also retry create. Off by default: the API has no idempotency token, so a create whose answer was
    /// lost and that is sent again can start a second job. Ignored under `resolve_creates`.
    pub retry_create: bool,
    /// After a create fails with [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown), look for the job it may
    /// have made ([`Client::find_created`](crate::Client::find_created)) and return it when exactly one matches;
    /// create once more when none does; fail with [`Error::AmbiguousCreate`](crate::Error::AmbiguousCreate) when
    /// several do. Off by default; give jobs unique names for it to be reliable.
    pub resolve_creates: bool,
    /// Backoff before retry n is a random duration in `[0, min(cap, base * 2^(n-1))]` (full jitter).
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Largest response body read; past it the call fails instead of growing memory.
    pub max_response_bytes: u64,
    /// Deepest XML nesting accepted in a response.
    pub max_xml_depth: usize,
    /// Seconds added to this machine's clock when signing. Corrected automatically when the service says the
    /// request time is skewed (and sends its `Date`); set it when you know the clock is off.
    pub clock_offset: i64,
    /// A PEM file of root certificates to trust instead of the built-in (Mozilla) roots, e.g. a private CA.
    pub ca_bundle: Option<std::path::PathBuf>,
    /// An HTTP(S) proxy URL (`http://proxy:3128`), reached with CONNECT. When unset, `ALL_PROXY`/`HTTPS_PROXY`/
    /// `HTTP_PROXY` are honoured, with `NO_PROXY`.
    pub proxy: Option<String>,
    /// When set, the client asks it for credentials (instead of using `credentials`) and again before they expire.
    pub credentials_provider: Option<std::sync::Arc<dyn CredentialsProvider>>,
    /// Where log messages go, and from which level on.
    pub log: Option<(LogSink, LogLevel)>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("credentials_provider", &self.credentials_provider.as_ref().map(|_| "<provider>"))
            .field("https", &self.https)
            .field("endpoint", &self.endpoint)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .field("retry_create", &self.retry_create)
            .field("resolve_creates", &self.resolve_creates)
            .field("proxy", &self.proxy)
            .field("ca_bundle", &self.ca_bundle)
            .field("log", &self.log.as_ref().map(|(_, level)| level))
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn new(bucket: impl Into<String>, region: impl Into<String>, credentials: Credentials) -> Self {
        Config {
            bucket: bucket.into(),
            region: region.into(),
            credentials,
            https: true,
            endpoint: None,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            timeout: Duration::from_secs(60),
            user_agent: format!("cibatch/{}", env!("CARGO_PKG_VERSION")),
            max_attempts: 3,
            retry_create: false,
            resolve_creates: false,
            backoff_base: Duration::from_millis(200),
            backoff_cap: Duration::from_secs(5),
            max_response_bytes: 8 << 20,
            max_xml_depth: 32,
            clock_offset: 0,
            ca_bundle: None,
            proxy: None,
            credentials_provider: None,
            log: None,
        }
    }

    /// A configuration whose credentials come from `provider` (temporary credentials that refresh).
    pub fn with_provider(
        bucket: impl Into<String>,
        region: impl Into<String>,
        provider: impl CredentialsProvider + 'static,
    ) -> Self {
        let mut c = Config::new(bucket, region, Credentials::new("", ""));
        c.credentials_provider = Some(std::sync::Arc::new(provider));
        c
    }

    /// Sends log messages at `level` and above to `sink`.
    pub fn log(mut self, level: LogLevel, sink: impl Fn(LogLevel, &str) + Send + Sync + 'static) -> Self {
        self.log = Some((std::sync::Arc::new(sink), level));
        self
    }

    /// `CIBATCH_BUCKET`, `CIBATCH_REGION`, optional `CIBATCH_ENDPOINT`, and [`Credentials::from_env`].
    pub fn from_env() -> Result<Config> {
        let var = |n: &'static str, arg: &'static str| {
            std::env::var(n).ok().filter(|v| !v.is_empty()).ok_or_else(|| Error::invalid(arg, format!("set {n}")))
        };
        let mut c =
            Config::new(var("CIBATCH_BUCKET", "bucket")?, var("CIBATCH_REGION", "region")?, Credentials::from_env()?);
        c.endpoint = std::env::var("CIBATCH_ENDPOINT").ok().filter(|v| !v.is_empty());
        Ok(c)
    }

    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    pub fn https(mut self, on: bool) -> Self {
        self.https = on;
        self
    }

    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    pub fn read_timeout(mut self, t: Duration) -> Self {
        self.read_timeout = t;
        self
    }

    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }

    pub fn retry_create(mut self, on: bool) -> Self {
        self.retry_create = on;
        self
    }

    pub fn resolve_creates(mut self, on: bool) -> Self {
        self.resolve_creates = on;
        self
    }

    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_cap = cap;
        self
    }

    pub fn max_response_bytes(mut self, n: u64) -> Self {
        self.max_response_bytes = n;
        self
    }

    pub fn max_xml_depth(mut self, n: usize) -> Self {
        self.max_xml_depth = n;
        self
    }

    pub fn clock_offset(mut self, seconds: i64) -> Self {
        self.clock_offset = seconds;
        self
    }

    pub fn ca_bundle(mut self, pem_file: impl Into<std::path::PathBuf>) -> Self {
        self.ca_bundle = Some(pem_file.into());
        self
    }

    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Checks every numeric setting against [`limits`]; [`Client::new`](crate::Client::new) calls it.
    pub fn check_limits(&self) -> Result<()> {
        check_duration("timeout", self.timeout)?;
        check_duration("connect_timeout", self.connect_timeout)?;
        check_duration("read_timeout", self.read_timeout)?;
        check_range("max_attempts", self.max_attempts, limits::ATTEMPTS)?;
        for (argument, d) in [("backoff_base", self.backoff_base), ("backoff_cap", self.backoff_cap)] {
            if d > limits::MAX_DURATION {
                return Err(Error::invalid(argument, format!("{d:?} is more than the ceiling of 24 hours")));
            }
        }
        check_range("max_response_bytes", self.max_response_bytes, limits::RESPONSE_BYTES)?;
        check_range("max_xml_depth", self.max_xml_depth, limits::XML_DEPTH)?;
        check_clock_offset(self.clock_offset)?;
        if self.user_agent.len() > limits::USER_AGENT_BYTES {
            return Err(Error::invalid(
                "user_agent",
                format!("is {} bytes; at most {} are sent", self.user_agent.len(), limits::USER_AGENT_BYTES),
            ));
        }
        Ok(())
    }
}
