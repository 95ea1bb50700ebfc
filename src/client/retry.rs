//! The attempts of one call: retries with backoff, the clock-skew correction, and what a failed create means.

use super::attempt::{excerpt, service_error};
use super::{Client, Request};
use crate::cancel::CallScope;
use crate::config::{limits, LogLevel};
use crate::error::{printable_owned, Error, Operation, Result, TransportKind};
use crate::transport::watch_writes;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The largest clock correction adopted from the service's `Date`: the ceiling of `clock_offset`.
const MAX_ADOPTED_CLOCK_OFFSET: i64 = limits::CLOCK_OFFSET;

impl Client {
    /// Sends `req`, retrying as configured, and interprets a 2xx answer with `parse`.
    /// Returns the parsed value and the number of attempts made.
    pub(super) fn call<T>(&self, req: &Request<'_>, parse: impl Fn(&str) -> Result<T, String>) -> Result<(T, u32)> {
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

    /// Full jitter: a random duration in `[0, min(cap, base * 2^(attempt-1))]`, or `Retry-After` up to the cap.
    pub(super) fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
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
