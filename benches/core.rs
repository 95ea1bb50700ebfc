//! Rust-side benchmarks: signing, parsing, describe end to end against the canned loopback server
//! (`examples/bench_server.rs`, port in CIBATCH_BENCH_PORT) next to a raw keep-alive client (the floor), and
//! throughput with 1, 2, 4 and 8 threads sharing one client. Prints one JSON object per line; run by
//! `scripts/bench.sh`, which turns them into the table.
//!
//! Every figure is a median over rounds; competing variants run in alternating rounds so that machine noise
//! hits them alike.

#[path = "common/ureq_alone.rs"]
mod ureq_alone;

use cibatch::signer::{authorization, SignInput};
use cibatch::{Client, Config, Credentials};
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SEED: &str = include_str!("seed_describe.xml");
const ROUNDS: usize = 21;

/// Median nanoseconds per call of each variant, measured in alternating rounds of about `round` each.
fn compare(variants: &mut [(&str, &mut dyn FnMut())], round: Duration) -> Vec<f64> {
    // Calibrate: how many calls fill a round.
    let mut per_round = Vec::new();
    for (_, f) in variants.iter_mut() {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < round / 4 {
            f();
            n += 1;
        }
        per_round.push((n * 4).max(1));
    }
    let mut samples = vec![Vec::new(); variants.len()];
    for _ in 0..ROUNDS {
        for (i, (_, f)) in variants.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..per_round[i] {
                f();
            }
            samples[i].push(start.elapsed().as_nanos() as f64 / per_round[i] as f64);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(|a, b| a.partial_cmp(b).unwrap());
            s[s.len() / 2]
        })
        .collect()
}

fn emit(bench: &str, variant: &str, median_ns: f64) {
    println!("{{\"bench\": \"{bench}\", \"variant\": \"{variant}\", \"median_ns\": {median_ns:.1}}}");
}

fn page_of(n: usize) -> String {
    let mut s = String::from("<Response><RequestId>NjJiZDU1ZmZfOTBmYTUwNjRfNzdjY18xYg==</RequestId>");
    for i in 0..n {
        s.push_str(&format!(
            "<JobsDetail><Code>Success</Code><Message/><Type>Job</Type><Name>job-{i}</Name><JobId>be8f65004eb8511eaaed4f377124a{i:04}</JobId><State>Success</State><CreationTime>2022-06-27T15:23:10+0800</CreationTime><StartTime>2022-06-27T15:23:11+0800</StartTime><EndTime>2022-06-27T15:25:10+0800</EndTime><Input><Prefix>input</Prefix></Input><Operation><TimeInterval><Start>2022-02-01T12:00:00+0800</Start><End>2022-05-01T12:00:00+0800</End></TimeInterval><QueueId>p893bcda225bf4945a378da6662e81a89</QueueId><UserData>this is my data</UserData><CallBack>https://www.callback.com</CallBack><JobParam><TemplateId>t1460606b9752148c4ab182f55163ba7cd</TemplateId></JobParam><Output><Region>ap-chongqing</Region><Bucket>test-1234567890</Bucket><Object>output/${{InventoryTriggerJobId}}/out.mp4</Object></Output><JobLevel>0</JobLevel></Operation></JobsDetail>"
        ));
    }
    s.push_str("<NextToken>25</NextToken></Response>");
    s
}

/// The floor: a raw keep-alive HTTP/1.1 client that sends a fixed request and reads the answer by length.
struct RawClient {
    stream: TcpStream,
    request: Vec<u8>,
    buf: Vec<u8>,
}

impl RawClient {
    fn new(port: u16) -> RawClient {
        RawClient::for_path(port, "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9")
    }

    fn for_path(port: u16, path: &str) -> RawClient {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: x\r\n\r\n").into_bytes();
        RawClient { stream, request, buf: vec![0; 256 << 10] }
    }

    fn call(&mut self) -> usize {
        self.stream.write_all(&self.request).unwrap();
        let mut have = 0;
        loop {
            let n = self.stream.read(&mut self.buf[have..]).unwrap();
            have += n;
            if let Some(end) = self.buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).unwrap();
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap();
                while have < end + 4 + len {
                    have += self.stream.read(&mut self.buf[have..]).unwrap();
                }
                return len;
            }
        }
    }
}

/// Media jobs of a Job-type batch job: 10,000 results in pages of 100.
const REPORT_RESULTS: usize = 10_000;
const REPORT_JOB: &str = "be8f65004eb8511eaaed4f377124a303c";

/// One `/jobs` page of 100 media jobs starting at `offset`, as an HTTP answer.
fn media_page(offset: usize) -> Vec<u8> {
    let mut body = String::from("<Response><RequestId>NjJiZDU1ZmZfOTBmYTUwNjRfNzdjY18xYw==</RequestId>");
    for i in offset..offset + 100 {
        let state = if i % 50 == 7 { "Failed" } else { "Success" };
        let (code, message) = if state == "Failed" { ("InvalidInput", "unsupported input") } else { ("Success", "") };
        body.push_str(&format!(
            "<JobsDetail><Code>{code}</Code><Message>{message}</Message><JobId>j{i:032x}</JobId><Tag>Transcode</Tag><Progress>100</Progress><State>{state}</State><CreationTime>2022-06-27T15:23:10+0800</CreationTime><StartTime>2022-06-27T15:23:11+0800</StartTime><EndTime>2022-06-27T15:25:10+0800</EndTime><QueueId>p893bcda225bf4945a378da6662e81a89</QueueId><Input><Region>ap-chongqing</Region><Bucket>test-1234567890</Bucket><Object>input/video-{i:05}.mp4</Object></Input><Operation><TemplateId>t1460606b9752148c4ab182f55163ba7cd</TemplateId><Output><Region>ap-chongqing</Region><Bucket>test-1234567890</Bucket><Object>output/video-{i:05}.mp4</Object></Output></Operation></JobsDetail>"
        ));
    }
    let next = if offset + 100 < REPORT_RESULTS { (offset + 100).to_string() } else { String::new() };
    body.push_str(&format!("<NextToken>{next}</NextToken></Response>"));
    http(&body)
}

fn http(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nx-ci-request-id: bench\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A canned server for the report benchmark: the batch job's describe, and its `/jobs` pages by `nextToken`.
fn report_server() -> u16 {
    let describe = http(&format!(
        "<Response><RequestId>r</RequestId><JobsDetail><Code>Success</Code><Message/><Type>Job</Type><Name>bench</Name><JobId>{REPORT_JOB}</JobId><State>Success</State><CreationTime>2022-06-27T15:23:10+0800</CreationTime><StartTime>2022-06-27T15:23:11+0800</StartTime><EndTime>2022-06-27T15:25:10+0800</EndTime><Input><Prefix>input/</Prefix></Input><Operation><Tag>Transcode</Tag></Operation></JobsDetail></Response>"
    ));
    let pages: Arc<Vec<Vec<u8>>> = Arc::new((0..REPORT_RESULTS / 100).map(|p| media_page(p * 100)).collect());
    let describe = Arc::new(describe);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_nodelay(true);
            let (pages, describe) = (pages.clone(), describe.clone());
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 64 << 10];
                let mut have = 0;
                loop {
                    while let Some(end) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                        let target = head.split(' ').nth(1).unwrap_or("");
                        let answer: &[u8] = if target.starts_with("/jobs") {
                            let offset = target
                                .split(['?', '&'])
                                .find_map(|kv| kv.strip_prefix("nextToken="))
                                .and_then(|v| v.parse::<usize>().ok())
                                .unwrap_or(0);
                            &pages[(offset / 100).min(pages.len() - 1)]
                        } else {
                            &describe
                        };
                        if stream.write_all(answer).is_err() {
                            return;
                        }
                        buf.copy_within(end + 4..have, 0);
                        have -= end + 4;
                    }
                    match stream.read(&mut buf[have..]) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => have += n,
                    }
                }
            });
        }
    });
    port
}

fn main() {
    let port: u16 = std::env::var("CIBATCH_BENCH_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(0);
    let only = std::env::var("CIBATCH_BENCH_ONLY").unwrap_or_default();
    let want = |name: &str| only.is_empty() || only.split(',').any(|o| o == name);

    if want("sign") {
        let host = [("host", "examplebucket-1250000000.ci.ap-beijing.myqcloud.com")];
        let mut sign = || {
            black_box(authorization(&SignInput {
                method: "GET",
                path: "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9",
                params: &[],
                headers: black_box(&host),
                secret_id: "AKIDtestSecretId1234567890abcdef",
                secret_key: "testSecretKey1234567890abcdefghij",
                start: 1699999940,
                end: 1700010000,
            }));
        };
        let keyed = cibatch::signer::KeyedSigner::default();
        let mut sign_keyed = || {
            black_box(keyed.authorization(&SignInput {
                method: "GET",
                path: "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9",
                params: &[],
                headers: black_box(&host),
                secret_id: "AKIDtestSecretId1234567890abcdef",
                secret_key: "testSecretKey1234567890abcdefghij",
                start: 1699999940,
                end: 1700010000,
            }));
        };
        let m = compare(&mut [("rust", &mut sign), ("keyed", &mut sign_keyed)], Duration::from_millis(20));
        emit("sign", "rust", m[0]);
        emit("sign", "rust_client_path", m[1]);
    }
    if want("parse") {
        let page = page_of(100);
        let mut seed = || {
            black_box(cibatch::parse_response(black_box(SEED)).unwrap());
        };
        let mut hundred = || {
            black_box(cibatch::parse_response(black_box(&page)).unwrap());
        };
        let m = compare(&mut [("seed", &mut seed), ("page100", &mut hundred)], Duration::from_millis(30));
        emit("parse_seed", "rust", m[0]);
        emit("parse_page100", "rust", m[1]);
    }
    if want("report") {
        // A report over 10,000 results (100 pages of 100) against a canned server, beside a raw keep-alive client
        // fetching the same page: per page, what the client adds to the network.
        let port = report_server();
        let client = Client::new(
            Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("AKIDbench", "benchkey"))
                .endpoint(format!("http://127.0.0.1:{port}")),
        )
        .unwrap();
        let mut raw = RawClient::for_path(port, "/jobs?tag=Transcode&inventoryTriggerJobId=x&size=100&nextToken=100");
        let mut report = || {
            let r = client.report(REPORT_JOB, &cibatch::ReportOptions::default()).unwrap();
            assert_eq!((r.total, r.pages), (REPORT_RESULTS as u64, 100));
            black_box(r);
        };
        let mut floor = || {
            black_box(raw.call());
        };
        let m = compare(&mut [("report", &mut report), ("raw", &mut floor)], Duration::from_millis(300));
        emit("report_page", "rust", m[0] / 100.0);
        emit("report_page", "raw_floor", m[1]);
        emit("report_10000", "rust", m[0]);
    }
    if port == 0 {
        return;
    }
    let client = Arc::new(
        Client::new(
            Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("AKIDbench", "benchkey"))
                .endpoint(format!("http://127.0.0.1:{port}")),
        )
        .unwrap(),
    );
    if want("describe") {
        let mut raw = RawClient::new(port);
        let c = client.clone();
        let mut ours = || {
            black_box(c.describe_job("b3deffea2f84911ec9cb15254008618d9").unwrap());
        };
        let mut floor = || {
            black_box(raw.call());
        };
        let mut ureq_only = ureq_alone::UreqAlone::new(port);
        let mut ureq = || {
            black_box(ureq_only.call());
        };
        let m =
            compare(&mut [("rust", &mut ours), ("raw", &mut floor), ("ureq", &mut ureq)], Duration::from_millis(60));
        emit("describe", "rust", m[0]);
        emit("describe", "raw_floor", m[1]);
        emit("describe", "ureq_alone", m[2]);
    }
    if want("threads") {
        for threads in [1usize, 2, 4, 8] {
            let mut rates = Vec::new();
            for _ in 0..5 {
                let deadline = Instant::now() + Duration::from_millis(400);
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        let c = client.clone();
                        std::thread::spawn(move || {
                            let mut n = 0u64;
                            while Instant::now() < deadline {
                                c.describe_job("b3deffea2f84911ec9cb15254008618d9").unwrap();
                                n += 1;
                            }
                            n
                        })
                    })
                    .collect();
                let calls: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
                rates.push(calls as f64 / 0.4);
            }
            rates.sort_by(|a, b| a.partial_cmp(b).unwrap());
            println!("{{\"bench\": \"throughput\", \"variant\": \"rust\", \"threads\": {threads}, \"calls_per_sec\": {:.0}}}", rates[2]);
        }
    }
}
