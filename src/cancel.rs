//! Cancelling a call from another thread: a [`CancelToken`] that every wait, backoff, poll and credentials wait
//! observes, and that shuts down the socket of the request in flight so that a blocked read or write returns at once.
//!
//! How the socket is found: the transport (`crate::transport`) keeps each connection's shutdown handle; while a call
//! runs with a token, the calling thread carries the token in a thread-local ([`CallScope`]), and the transport
//! registers its socket with it before every read and write. A pooled connection serves one call at a time on the
//! calling thread, so the thread-local names the right call. The scope removes the registration when the call ends,
//! so a token fired later never touches a connection that went back to the pool.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};
use ureq::unversioned::transport::ShutdownHandle;

/// Stops the calls that carry it (see [`Client::with_cancel`](crate::Client::with_cancel)): waits, backoffs and
/// polls end at once, and a request in flight is abandoned by shutting its connection down. Cheap to clone; any
/// thread may cancel. Once cancelled it stays cancelled.
#[derive(Clone, Default)]
pub struct CancelToken(Arc<Inner>);

#[derive(Default)]
struct Inner {
    fired: AtomicBool,
    state: Mutex<Watched>,
    wake: Condvar,
}

/// The sockets of the requests now in flight under this token, by scope.
#[derive(Default)]
struct Watched {
    sockets: Vec<(u64, Weak<dyn ShutdownHandle>)>,
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken").field("cancelled", &self.is_cancelled()).finish()
    }
}

impl CancelToken {
    pub fn new() -> Self {
        CancelToken::default()
    }

    /// Cancels every call carrying this token, now and later. Idempotent; callable from any thread, including from
    /// inside a callback of the call it cancels.
    pub fn cancel(&self) {
        self.0.fired.store(true, Ordering::SeqCst);
        let sockets = std::mem::take(&mut self.0.lock().sockets);
        for (_, socket) in sockets {
            if let Some(s) = socket.upgrade() {
                s.shutdown();
            }
        }
        self.0.wake.notify_all();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.fired.load(Ordering::SeqCst)
    }

    /// Sleeps for `d`, or less if the token is cancelled meanwhile. Returns false when it was cancelled.
    pub(crate) fn sleep(&self, d: Duration) -> bool {
        let until = Instant::now() + d;
        let mut guard = self.0.lock();
        loop {
            if self.is_cancelled() {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            guard = self.0.wake.wait_timeout(guard, until - now).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    fn watch(&self, scope: u64, socket: &Weak<dyn ShutdownHandle>) -> bool {
        let mut state = self.0.lock();
        // Checked under the lock that `cancel` takes, so a socket is either registered before the token fires
        // (and shut down by it) or sees it fired here.
        if self.is_cancelled() {
            return false;
        }
        if !state.sockets.iter().any(|(s, w)| *s == scope && w.ptr_eq(socket)) {
            state.sockets.retain(|(s, _)| *s != scope);
            state.sockets.push((scope, socket.clone()));
        }
        true
    }

    fn unwatch(&self, scope: u64) {
        self.0.lock().sockets.retain(|(s, _)| *s != scope);
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Watched> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

thread_local! {
    /// The token of the call this thread is making, with its scope number.
    static ACTIVE: RefCell<Option<(u64, CancelToken)>> = const { RefCell::new(None) };
}

/// Registers `socket` with the token of the call this thread is making; false when that token has fired.
pub(crate) fn watch_socket(socket: &Weak<dyn ShutdownHandle>) -> bool {
    ACTIVE.with(|a| match &*a.borrow() {
        Some((scope, token)) => token.watch(*scope, socket),
        None => true,
    })
}

static SCOPES: AtomicU64 = AtomicU64::new(1);

/// While alive, requests made on this thread register their sockets with `token`.
pub(crate) struct CallScope {
    previous: Option<(u64, CancelToken)>,
    scope: u64,
    token: CancelToken,
}

impl CallScope {
    pub(crate) fn enter(token: &CancelToken) -> CallScope {
        let scope = SCOPES.fetch_add(1, Ordering::Relaxed);
        let previous = ACTIVE.with(|a| a.replace(Some((scope, token.clone()))));
        CallScope { previous, scope, token: token.clone() }
    }
}

impl Drop for CallScope {
    fn drop(&mut self) {
        self.token.unwatch(self.scope);
        let previous = self.previous.take();
        ACTIVE.with(|a| *a.borrow_mut() = previous);
    }
}
