//! A minimal HTTP/1.1 server: just enough for the emulator, with full control over what goes on the
//! wire so that faults (cut bodies, closed connections) can be injected.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const MAX_HEAD: usize = 64 << 10;
const MAX_BODY: usize = 4 << 20;
/// How often a blocked read wakes up to check whether the server is stopping.
pub(crate) const POLL: Duration = Duration::from_millis(50);

#[derive(Debug)]
pub(crate) struct HttpRequest {
    pub method: String,
    /// Percent-decoded path, as signed.
    pub path: String,
    /// Percent-decoded query pairs in order; a bare key has an empty value.
    pub query: Vec<(String, String)>,
    /// Lower-cased names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub keep_alive: bool,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

pub(crate) struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Reads requests off one connection, keeping unread bytes between them.
pub(crate) struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

pub(crate) enum ReadOutcome {
    Request(HttpRequest),
    /// The peer closed, or the server is stopping.
    Closed,
    /// Unparseable: answer 400 and close.
    Bad(String),
}

impl Conn {
    pub fn new(stream: TcpStream) -> io::Result<Conn> {
        stream.set_read_timeout(Some(POLL))?;
        stream.set_nodelay(true)?;
        Ok(Conn { stream, buf: Vec::with_capacity(4096) })
    }

    fn fill(&mut self, stop: &AtomicBool) -> io::Result<bool> {
        let mut chunk = [0u8; 16 << 10];
        loop {
            if stop.load(Ordering::Relaxed) {
                return Ok(false);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(true);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                    ) =>
                {
                    continue
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub fn read_request(&mut self, stop: &AtomicBool) -> ReadOutcome {
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i;
            }
            if self.buf.len() > MAX_HEAD {
                return ReadOutcome::Bad("request head too large".into());
            }
            match self.fill(stop) {
                Ok(true) => {}
                _ => return ReadOutcome::Closed,
            }
        };
        let head = match std::str::from_utf8(&self.buf[..head_end]) {
            Ok(h) => h.to_string(),
            Err(_) => return ReadOutcome::Bad("request head is not UTF-8".into()),
        };
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or("");
        let mut parts = request_line.split(' ');
        let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(m), Some(t), Some(v), None) if v.starts_with("HTTP/1.") => {
                (m.to_string(), t.to_string(), v.to_string())
            }
            _ => return ReadOutcome::Bad(format!("bad request line {request_line:?}")),
        };
        let mut headers = Vec::new();
        for line in lines {
            match line.split_once(':') {
                Some((k, v)) => headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string())),
                None => return ReadOutcome::Bad(format!("bad header line {line:?}")),
            }
        }
        let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        if get("transfer-encoding").is_some() {
            return ReadOutcome::Bad("chunked request bodies are not supported; send Content-Length".into());
        }
        let len = match get("content-length").map(|v| v.parse::<usize>()) {
            None => 0,
            Some(Ok(n)) if n <= MAX_BODY => n,
            _ => return ReadOutcome::Bad("bad or too large Content-Length".into()),
        };
        let keep_alive = match get("connection").map(|v| v.to_ascii_lowercase()) {
            Some(v) if v.contains("close") => false,
            Some(v) if v.contains("keep-alive") => true,
            _ => version == "HTTP/1.1",
        };
        let body_start = head_end + 4;
        while self.buf.len() < body_start + len {
            match self.fill(stop) {
                Ok(true) => {}
                _ => return ReadOutcome::Closed,
            }
        }
        let body = self.buf[body_start..body_start + len].to_vec();
        self.buf.drain(..body_start + len);

        // Origin form `/p?q`, or absolute form `http://host/p?q` as sent to a proxy.
        let origin = match target.find("://") {
            Some(i) => match target[i + 3..].find('/') {
                Some(j) => target[i + 3 + j..].to_string(),
                None => "/".to_string(),
            },
            None => target,
        };
        let (raw_path, raw_query) = origin.split_once('?').unwrap_or((&origin, ""));
        let path = match percent_decode(raw_path, false) {
            Some(p) => p,
            None => return ReadOutcome::Bad("bad percent-encoding in path".into()),
        };
        let mut query = Vec::new();
        for pair in raw_query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match (percent_decode(k, true), percent_decode(v, true)) {
                (Some(k), Some(v)) => query.push((k, v)),
                _ => return ReadOutcome::Bad("bad percent-encoding in query".into()),
            }
        }
        ReadOutcome::Request(HttpRequest { method, path, query, headers, body, keep_alive })
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes `%XX` (and, in a query, `+` as space, as HTML forms and Python's `requests` send it).
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Writes a response. With `cut_body`, declares the full length but sends only half the body.
pub(crate) fn write_response(
    stream: &mut TcpStream,
    resp: &HttpResponse,
    keep_alive: bool,
    cut_body: bool,
) -> io::Result<()> {
    let mut out = Vec::with_capacity(256 + resp.body.len());
    write!(out, "HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status))?;
    for (k, v) in &resp.headers {
        write!(out, "{k}: {v}\r\n")?;
    }
    write!(out, "Content-Length: {}\r\n", resp.body.len())?;
    if !keep_alive {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if cut_body {
        out.extend_from_slice(&resp.body[..resp.body.len() / 2]);
    } else {
        out.extend_from_slice(&resp.body);
    }
    stream.write_all(&out)?;
    stream.flush()
}
