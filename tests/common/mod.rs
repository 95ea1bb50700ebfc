//! Helpers shared by the integration tests.
#![allow(dead_code)]

use cibatch::emulator::{Emulator, EmulatorConfig};
use cibatch::signer::{authorization, SignInput};
use cibatch::{Client, Config};
use std::time::Duration;

/// An emulator whose jobs change state quickly, and a client for it with fast retries.
pub fn setup() -> (Emulator, Client) {
    setup_with(EmulatorConfig {
        submitted_for: Duration::from_millis(100),
        running_for: Duration::from_millis(200),
        ..Default::default()
    })
}

pub fn setup_with(cfg: EmulatorConfig) -> (Emulator, Client) {
    let emu = Emulator::start(cfg).expect("emulator starts");
    let client = Client::new(fast(emu.client_config())).expect("client");
    (emu, client)
}

pub fn fast(c: Config) -> Config {
    c.backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// What a raw request got back.
pub struct Raw {
    pub status: u16,
    pub body: String,
    pub request_id: String,
}

/// Sends a request signed by hand (to exercise the emulator with what other SDKs send).
/// `sign_params` and `sign_headers` choose what goes into the signature; `query` is what is sent.
// Each argument is one thing a test varies; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn raw(
    emu: &Emulator,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    sign_params: &[(&str, &str)],
    headers: &[(&str, &str)],
    sign_headers: &[(&str, &str)],
    key_time: (i64, i64),
    secret_key: &str,
) -> Raw {
    let auth = authorization(&SignInput {
        method,
        path,
        params: sign_params,
        headers: sign_headers,
        secret_id: emu.secret_id(),
        secret_key,
        start: key_time.0,
        end: key_time.1,
    });
    raw_with_auth(emu, method, path, query, headers, Some(&auth))
}

pub fn raw_with_auth(
    emu: &Emulator,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    auth: Option<&str>,
) -> Raw {
    let mut url = format!("{}{}", emu.endpoint(), path);
    for (i, (k, v)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(&cibatch::signer::encode(k));
        if !v.is_empty() {
            url.push('=');
            url.push_str(&cibatch::signer::encode(v));
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let mut b = ureq::http::Request::builder().method(method).uri(&url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    if let Some(a) = auth {
        b = b.header("Authorization", a);
    }
    let mut resp = if method == "GET" { agent.run(b.body(()).unwrap()) } else { agent.run(b.body(&b""[..]).unwrap()) }
        .expect("request");
    let request_id = resp.headers().get("x-ci-request-id").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    Raw { status, body, request_id }
}

pub fn now() -> i64 {
    cibatch::timefmt::now_unix()
}

/// A loopback test server: a thread per connection (clients keep idle connections open) reads each request's head
/// and calls `on_request` with the connection; it returns whether to keep reading that connection. Returns the
/// endpoint.
pub fn serve(on_request: impl Fn(&mut std::net::TcpStream) -> bool + Send + Sync + 'static) -> String {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let on_request = std::sync::Arc::new(on_request);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            let on_request = on_request.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 65536];
                let mut got = Vec::new();
                while let Ok(n) = s.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    got.extend_from_slice(&buf[..n]);
                    if got.windows(4).any(|w| w == b"\r\n\r\n") {
                        got.clear();
                        if !on_request(&mut s) {
                            return;
                        }
                    }
                }
            });
        }
    });
    endpoint
}

/// A server that answers every request with `response` (raw HTTP bytes). Returns its endpoint.
pub fn canned_server(response: String) -> String {
    use std::io::Write;
    serve(move |s| {
        let _ = s.write_all(response.as_bytes());
        true
    })
}

pub fn http_response(status: u16, headers: &[(&str, &str)], body: &str) -> String {
    let mut r = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    r.push_str(body);
    r
}

/// A CONNECT proxy for one test: tunnels to 127.0.0.1 at the requested port, whatever the host name.
pub fn connect_proxy() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let tunnels = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = tunnels.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let count = count.clone();
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read(&mut byte).unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let line = String::from_utf8_lossy(&head).lines().next().unwrap_or("").to_string();
                let port = line.split_whitespace().nth(1).and_then(|t| t.rsplit(':').next()).unwrap_or("0").to_string();
                let Ok(upstream) = std::net::TcpStream::connect(format!("127.0.0.1:{port}")) else { return };
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
                let (mut a, mut b) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                let (mut c2, mut u2) = (client, upstream);
                std::thread::spawn(move || std::io::copy(&mut a, &mut u2));
                let _ = std::io::copy(&mut b, &mut c2);
            });
        }
    });
    (url, tunnels)
}

/// A server that reads each request's head, reports it on the returned channel, and never answers (the connection
/// stays open). Returns its endpoint.
pub fn stall_server() -> (String, std::sync::mpsc::Receiver<()>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let endpoint = serve(move |_| {
        let _ = tx.lock().unwrap().send(());
        true
    });
    (endpoint, rx)
}

/// A configuration for a test server that does not check signatures.
pub fn config_for(endpoint: &str) -> Config {
    Config::new("examplebucket-1250000000", "ap-beijing", cibatch::Credentials::new("AKIDtest", "key"))
        .endpoint(endpoint)
}
