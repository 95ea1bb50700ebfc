//! The connections requests go over: ureq's connector chain, with each transport wrapped so that a cancelled call can
//! shut its socket down (see `crate::cancel`) and so that a call knows whether its request was written (a create whose
//! request was written may have been carried out even when no answer came).

use crate::cancel::watch_socket;
use std::cell::Cell;
use std::sync::{Arc, Mutex, Weak};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout, ShutdownHandle, Transport,
};

thread_local! {
    /// Whether the request of the attempt this thread is making has started to be written.
    static WRITTEN: Cell<bool> = const { Cell::new(false) };
}

/// Runs one attempt and says whether any of its request was handed to the network.
pub(crate) fn watch_writes<T>(attempt: impl FnOnce() -> T) -> (T, bool) {
    WRITTEN.with(|w| w.set(false));
    let out = attempt();
    (out, WRITTEN.with(Cell::get))
}

/// ureq's default connector chain, with each transport wrapped so that a cancelled call can shut it down.
#[derive(Debug, Default)]
pub(crate) struct WatchedConnector {
    inner: DefaultConnector,
}

type Shutdowns = Arc<Mutex<Option<Weak<dyn ShutdownHandle>>>>;

impl Connector<()> for WatchedConnector {
    type Out = WatchedTransport;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<WatchedTransport>, ureq::Error> {
        // Keep the handle the socket's connector registers with the agent, and pass it on to the agent.
        let captured: Shutdowns = Arc::default();
        let (keep, forward) = (captured.clone(), details.register_shutdown.clone());
        let register = move |handle: Weak<dyn ShutdownHandle>| {
            *keep.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle.clone());
            forward(handle)
        };
        let ours = ConnectionDetails {
            uri: details.uri,
            addrs: details.addrs.clone(),
            config: details.config,
            request_level: details.request_level,
            resolver: details.resolver,
            now: details.now,
            timeout: details.timeout,
            current_time: details.current_time.clone(),
            run_connector: details.run_connector.clone(),
            register_shutdown: Arc::new(register),
        };
        let transport = self.inner.connect(&ours, chained)?;
        let socket = captured.lock().unwrap_or_else(|e| e.into_inner()).take();
        let mut watched = transport.map(|inner| WatchedTransport { inner, socket });
        if let Some(t) = watched.as_mut() {
            t.register()?;
        }
        Ok(watched)
    }
}

/// A transport that registers its socket with the current call's token before every read and write.
pub(crate) struct WatchedTransport {
    inner: Box<dyn Transport>,
    socket: Option<Weak<dyn ShutdownHandle>>,
}

impl std::fmt::Debug for WatchedTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchedTransport").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl WatchedTransport {
    fn register(&mut self) -> Result<(), ureq::Error> {
        let Some(socket) = &self.socket else { return Ok(()) };
        if watch_socket(socket) {
            Ok(())
        } else {
            Err(ureq::Error::Io(std::io::Error::new(std::io::ErrorKind::Interrupted, "the call was cancelled")))
        }
    }
}

impl Transport for WatchedTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.register()?;
        WRITTEN.with(|w| w.set(true));
        self.inner.transmit_output(amount, timeout)
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.register()?;
        self.inner.maybe_await_input(timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.register()?;
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
