//! Credentials: the configured ones, or a provider's, refreshed before they expire by one thread while the
//! others wait.

use super::Client;
use crate::config::{Credentials, LogLevel};
use crate::error::{printable_owned, Error, Operation, Result};
use crate::validate;
use std::sync::{Arc, Condvar, Mutex};
use std::time::SystemTime;
use std::time::{Duration, Instant};

/// The current provided credentials, and whether a refresh is under way. The provider is called with no lock held,
/// so a log line or a call on another client from inside it cannot deadlock.
#[derive(Default)]
pub(super) struct ProvidedCredentials {
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

impl Client {
    /// The credentials to sign with: the configured ones, or the provider's, refreshed before they expire by one
    /// thread while the others wait. A call with a deadline or a token waits no longer than they allow, its own
    /// provider call included (that one then runs on a helper thread and still stores what it gets).
    pub(super) fn credentials(&self, op: Operation) -> Result<Arc<Credentials>> {
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
}
