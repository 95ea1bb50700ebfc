//! One signed attempt: the URL, the headers and signature, sending, and reading the answer within its limits.

use super::Client;
use crate::config::Credentials;
use crate::error::{printable, printable_owned, Error, Operation, ServiceError, TransportKind};
use crate::response::parse_error_body;
use crate::signer::{self, SignInput};
use base64::Engine as _;
use md5::{Digest, Md5};
use std::io::Read as _;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use ureq::RequestExt;

/// One request, described once and sent (and signed) afresh on each attempt.
pub(super) struct Request<'a> {
    pub(super) op: Operation,
    pub(super) method: &'static str,
    /// Logical path, as signed.
    pub(super) path: String,
    pub(super) query: Vec<(&'static str, String)>,
    pub(super) body: Option<&'a str>,
    pub(super) retryable: bool,
}

impl Reply {
    /// Whether the body is the service's own error (it has a `Code`), as opposed to a proxy's or nothing.
    pub(super) fn service_error(&self) -> bool {
        std::str::from_utf8(&self.body).ok().and_then(parse_error_body).is_some_and(|e| !e.code.is_empty())
    }
}

/// An HTTP answer, before it is interpreted.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) body: ResponseBuffer,
    pub(super) request_id: String,
    pub(super) trace_id: String,
    pub(super) retry_after: Option<Duration>,
    /// The service's clock, from its `Date` header.
    pub(super) date: Option<i64>,
    /// Where a redirect pointed (escaped), from its `Location` header.
    pub(super) location: String,
}

impl Client {
    pub(super) fn url(&self, req: &Request<'_>) -> String {
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
    pub(super) fn attempt(
        &self,
        req: &Request<'_>,
        url: &str,
        creds: &Credentials,
    ) -> std::result::Result<Reply, (TransportKind, String)> {
        // The headers signed and sent, borrowed where they can be (a describe sends only `host`). At most five: host,
        // a body's type, length and MD5, and a token.
        let (content_length, content_md5);
        let mut headers = [("", ""); 5];
        let mut count = 0;
        let mut add = |name, value| {
            headers[count] = (name, value);
            count += 1;
        };
        add("host", &*self.host);
        match req.body {
            Some(body) => {
                content_length = body.len().to_string();
                content_md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(body.as_bytes()));
                add("content-type", "application/xml");
                add("content-length", &content_length);
                add("content-md5", &content_md5);
            }
            None if req.method != "GET" => add("content-length", "0"),
            None => {}
        }
        if let Some(token) = creds.token() {
            add("x-ci-security-token", token);
        }
        let headers = &headers[..count];
        let now = crate::timefmt::now_unix() + self.clock_offset.load(Ordering::Relaxed);
        let params: Vec<(&str, &str)> = req.query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (start, end) = signer::key_time_window(now);
        let authorization = self.signer.authorization(&SignInput {
            method: req.method,
            path: &req.path,
            params: &params,
            headers,
            secret_id: creds.secret_id(),
            secret_key: creds.secret_key(),
            start,
            end,
        });

        let mut builder = ureq::http::Request::builder().method(req.method).uri(url);
        for &(k, v) in headers {
            builder = builder.header(k, v);
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
        let AnswerHeaders { request_id, trace_id, retry_after, date, location, content_length } =
            AnswerHeaders::read(resp.headers());
        let status = resp.status().as_u16();
        // An answer that announces more than the limit is refused before a byte of its body is read.
        let max = self.config.max_response_bytes;
        if let Some(n) = content_length.filter(|&n| n > max) {
            return Err((
                TransportKind::Other,
                format!(
                    "response body of Content-Length of {n} bytes exceeds the limit of {max} bytes \
                     (HTTP {status}, request id {request_id:?})"
                ),
            ));
        }
        // Into this thread's reused buffer, sized from `Content-Length` so that it is not grown while reading, but
        // reserved only up to the size a thread keeps: past that (true or not) the buffer grows as bytes arrive, so
        // a server cannot make a call allocate the whole limit before it sends anything.
        let announced = resp.body().content_length().map_or(0, |n| n.min(max).min(KEPT_BUFFER_BYTES as u64));
        let mut body = ResponseBuffer::take(announced as usize);
        let read = resp.body_mut().with_config().limit(max).reader().read_to_end(&mut body.0);
        match read.map_err(ureq::Error::from) {
            Ok(_) => {}
            Err(ureq::Error::BodyExceedsLimit(n)) => {
                return Err((
                    TransportKind::Other,
                    format!("response body exceeds the limit of {n} bytes (HTTP {status}, request id {request_id:?})"),
                ))
            }
            Err(e) => return Err(transport_error(e)),
        }
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
}

/// What a call keeps of an answer's headers, read in one pass over them (of a repeated header, the first counts).
#[derive(Default)]
struct AnswerHeaders {
    request_id: String,
    trace_id: String,
    retry_after: Option<Duration>,
    date: Option<i64>,
    location: String,
    content_length: Option<u64>,
}

impl AnswerHeaders {
    fn read(headers: &ureq::http::HeaderMap) -> AnswerHeaders {
        let mut out = AnswerHeaders::default();
        let mut seen = [false; 6];
        for (name, value) in headers {
            let slot = match name.as_str() {
                "x-ci-request-id" => 0,
                "x-ci-trace-id" => 1,
                "retry-after" => 2,
                "date" => 3,
                "location" => 4,
                "content-length" => 5,
                _ => continue,
            };
            if std::mem::replace(&mut seen[slot], true) {
                continue;
            }
            // Header values may hold a tab (or, through `to_str`, nothing else outside printable ASCII); escaped
            // where they are kept as text.
            let text = value.to_str().unwrap_or("");
            match slot {
                0 => out.request_id = printable(text).into_owned(),
                1 => out.trace_id = printable(text).into_owned(),
                2 => out.retry_after = text.trim().parse::<u64>().ok().map(Duration::from_secs),
                3 => out.date = crate::timefmt::parse_http_date(text),
                4 => out.location = printable(text).into_owned(),
                _ => out.content_length = text.trim().parse::<u64>().ok(),
            }
        }
        out
    }
}

/// A response body read into a buffer that goes back to its thread when dropped, so that a thread's calls read
/// their answers into the same memory instead of growing a new vector each time.
pub(super) struct ResponseBuffer(Vec<u8>);

/// Buffers larger than this are freed rather than kept (a thread holds at most one, of at most this size).
const KEPT_BUFFER_BYTES: usize = 256 << 10;

thread_local! {
    static SPARE_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

impl ResponseBuffer {
    /// This thread's spare buffer (or a new one), empty, with room for at least `capacity` bytes.
    fn take(capacity: usize) -> ResponseBuffer {
        let mut buf = SPARE_BUFFER.try_with(std::cell::Cell::take).unwrap_or_default();
        buf.clear();
        buf.reserve(capacity);
        ResponseBuffer(buf)
    }
}

impl std::ops::Deref for ResponseBuffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for ResponseBuffer {
    fn drop(&mut self) {
        if self.0.capacity() <= KEPT_BUFFER_BYTES {
            let buf = std::mem::take(&mut self.0);
            // During thread teardown the slot may be gone: the buffer is then simply freed.
            let _ = SPARE_BUFFER.try_with(|spare| spare.set(buf));
        }
    }
}

/// The start of a body, printable.
pub(super) fn excerpt(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(&body[..body.len().min(200)]);
    printable(&s).into_owned()
}

pub(super) fn service_error(op: Operation, reply: Reply, attempts: u32) -> Error {
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
