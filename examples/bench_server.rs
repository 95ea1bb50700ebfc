//! A canned-response HTTP server for the benchmarks: answers every request on 127.0.0.1 with the spec's seed
//! describe response (`x-ci-request-id` and keep-alive included), doing as little as possible so that the
//! clients' own costs show. Prints `port=PORT`, then serves until killed.
//!
//!     cargo run --release --example bench_server

use std::io::{Read, Write};
use std::net::TcpListener;

const SEED: &str = include_str!("../benches/seed_describe.xml");

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
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 << 10];
            let mut have = 0usize;
            loop {
                // Answer each complete request head (plus its Content-Length body) in the buffer.
                while let Some(end) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let body_len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                        .unwrap_or(0);
                    let total = end + 4 + body_len;
                    if have < total {
                        break;
                    }
                    if stream.write_all(response).is_err() {
                        return;
                    }
                    buf.copy_within(total..have, 0);
                    have -= total;
                }
                match stream.read(&mut buf[have..]) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => have += n,
                }
            }
        });
    }
}
