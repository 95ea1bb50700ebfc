//! The emulator's clock: the machine's, or one a test drives.

use crate::emulator::EmulatorClock;
use std::time::{Duration, Instant};

/// The emulator's clock: what moves jobs through their states. `now` is the time since the emulator started,
/// plus every `advance`; under `Manual` it moves only by `advance`.
pub(crate) struct Clock {
    pub(super) mode: EmulatorClock,
    /// `now` was `base` at `anchor`.
    anchor: Instant,
    base: Duration,
    /// The sum of every `advance`, which job times (Unix seconds) include.
    pub(super) advanced: Duration,
}

impl Clock {
    pub(super) fn new(mode: EmulatorClock) -> Clock {
        Clock { mode, anchor: Instant::now(), base: Duration::ZERO, advanced: Duration::ZERO }
    }

    pub(super) fn now(&self) -> Duration {
        match self.mode {
            EmulatorClock::Manual => self.base,
            EmulatorClock::Wall | EmulatorClock::PerDescribe => self.base + self.anchor.elapsed(),
        }
    }

    pub(super) fn set_mode(&mut self, mode: EmulatorClock) {
        // The clock goes on from where it is: no job jumps or goes back.
        self.base = self.now();
        self.anchor = Instant::now();
        self.mode = mode;
    }

    pub(super) fn advance(&mut self, by: Duration) {
        self.base = self.base.saturating_add(by);
        self.advanced = self.advanced.saturating_add(by);
    }
}
