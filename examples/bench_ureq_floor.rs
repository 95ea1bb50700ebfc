//! What ureq alone costs per request, for `scripts/bench.sh`: the describe's keep-alive GET through a ureq agent
//! configured as the client configures its own (status codes as answers, no redirects, the same timeouts), with
//! the same headers and the body read under a limit into one reused buffer, but nothing signed, checked or parsed.
//! Run under valgrind at two call counts against `bench_server`: the difference is the part of a describe's
//! instructions and allocations that stays while ureq carries the requests.
//!
//!     CIBATCH_BENCH_PORT=PORT cargo run --release --example bench_ureq_floor -- CALLS

use std::io::Read;
use std::net::SocketAddr;
use std::time::Duration;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// The bench server's address, with no lookup (the client resolves IP literals the same way).
#[derive(Debug)]
struct Fixed(SocketAddr);

impl Resolver for Fixed {
    fn resolve(
        &self,
        _: &ureq::http::Uri,
        _: &ureq::config::Config,
        _: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = self.empty();
        addrs.push(self.0);
        Ok(addrs)
    }
}

const WARMUP: usize = 20;
// As long as a real signature, so that the request is as long as the client's.
const AUTHORIZATION: &str = "q-sign-algorithm=sha1&q-ak=AKIDbench&q-sign-time=1700000000;1700003600&q-key-time=\
1700000000;1700003600&q-header-list=host&q-url-param-list=&q-signature=0123456789abcdef0123456789abcdef01234567";

fn main() {
    let port = std::env::var("CIBATCH_BENCH_PORT").expect("CIBATCH_BENCH_PORT names the bench server's port");
    let calls: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_per_read(Some(Duration::from_secs(30)))
        .user_agent("cibatch-rust/0.1.0")
        .build();
    let addr = SocketAddr::from(([127, 0, 0, 1], port.parse().expect("a port number")));
    let agent = ureq::Agent::with_parts(config, DefaultConnector::default(), Fixed(addr));
    let url = format!("http://127.0.0.1:{port}/jobs/b3deffea2f84911ec9cb15254008618d9");
    let host = format!("127.0.0.1:{port}");
    let mut body = Vec::new();
    for _ in 0..WARMUP + calls {
        let mut response = agent
            .get(&url)
            .header("host", &host)
            .header("authorization", AUTHORIZATION)
            .call()
            .expect("the bench server answers");
        // Room for the announced length, as the client makes (read_to_end clears only the room it reads into).
        body.clear();
        body.reserve(response.body().content_length().unwrap_or(0) as usize);
        response.body_mut().with_config().limit(64 << 20).reader().read_to_end(&mut body).expect("a body");
        assert!(response.headers().get("x-ci-request-id").is_some() && !body.is_empty());
    }
}
