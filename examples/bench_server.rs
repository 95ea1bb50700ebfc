//! A canned-response HTTP server for the benchmarks: answers every request on 127.0.0.1 with the spec's seed
//! describe response (`x-ci-request-id` and keep-alive included), doing as little as possible so that the
//! clients' own costs show. Prints `port=PORT`, then serves until killed.
//!
//! By default each connection has its own blocking thread. With `--one-thread`, one thread serves every connection
//! (`poll`): the unpinned latency rounds use it, so that a client and the floor it is compared with reach the same
//! server thread, wherever the scheduler puts it, instead of each connection's thread landing on a CPU of its own.
//!
//!     cargo run --release --example bench_server [-- --one-thread]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;

const SEED: &str = include_str!("../benches/seed_describe.xml");

/// One connection and the bytes of requests not answered yet.
struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
    have: usize,
}

impl Connection {
    fn new(stream: TcpStream) -> Connection {
        let _ = stream.set_nodelay(true);
        Connection { stream, buf: vec![0u8; 64 << 10], have: 0 }
    }

    /// Reads what the client sent and answers each complete request head (plus its Content-Length body); false
    /// when the connection is over.
    fn serve(&mut self, response: &[u8]) -> bool {
        match self.stream.read(&mut self.buf[self.have..]) {
            Ok(0) | Err(_) => return false,
            Ok(n) => self.have += n,
        }
        while let Some(end) = self.buf[..self.have].windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&self.buf[..end]).to_ascii_lowercase();
            let body_len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                .unwrap_or(0);
            let total = end + 4 + body_len;
            if self.have < total {
                break;
            }
            if self.stream.write_all(response).is_err() {
                return false;
            }
            self.buf.copy_within(total..self.have, 0);
            self.have -= total;
        }
        true
    }
}

#[repr(C)]
struct PollFd {
    fd: i32,
    events: i16,
    revents: i16,
}

const POLLIN: i16 = 1;

extern "C" {
    fn poll(fds: *mut PollFd, nfds: std::ffi::c_ulong, timeout: i32) -> i32;
}

/// Every connection served by this one thread.
fn serve_in_one_thread(listener: TcpListener, response: &'static [u8]) {
    let mut connections: Vec<Connection> = Vec::new();
    loop {
        let mut fds: Vec<PollFd> = std::iter::once(listener.as_raw_fd())
            .chain(connections.iter().map(|c| c.stream.as_raw_fd()))
            .map(|fd| PollFd { fd, events: POLLIN, revents: 0 })
            .collect();
        // SAFETY: `fds` is a valid array of `fds.len()` pollfd structures for the duration of the call.
        if unsafe { poll(fds.as_mut_ptr(), fds.len() as std::ffi::c_ulong, -1) } < 0 {
            continue;
        }
        let mut i = connections.len();
        while i > 0 {
            i -= 1;
            if fds[i + 1].revents != 0 && !connections[i].serve(response) {
                connections.swap_remove(i);
            }
        }
        if fds[0].revents != 0 {
            if let Ok((stream, _)) = listener.accept() {
                connections.push(Connection::new(stream));
            }
        }
    }
}

fn main() {
    let body = SEED.to_string();
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nServer: tencent-ci\r\nx-ci-request-id: NjJiZDU1ZmZfOTBmYTUwNjRfNzdjY18xYQ==\r\n\r\n{}",
        body.len(),
        body
    )
    .into_bytes();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    println!("port={}", listener.local_addr().unwrap().port());
    let _ = std::io::stdout().flush();
    let response: &'static [u8] = Box::leak(response.into_boxed_slice());
    if std::env::args().any(|a| a == "--one-thread") {
        return serve_in_one_thread(listener, response);
    }
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        std::thread::spawn(move || {
            let mut connection = Connection::new(stream);
            while connection.serve(response) {}
        });
    }
}
