//! ureq alone, for the benchmarks: the describe's keep-alive GET through a ureq agent configured like the client's
//! (status codes as answers, no redirects, the same timeouts, IP literals not looked up; ureq's own connector, no
//! proxy), with the same headers and the body read under a limit into one reused buffer, but nothing signed, checked
//! or parsed: a lower bound of what stays in every describe while ureq carries the requests. Used by `benches/core.rs` (timed beside
//! the client and the raw floor) and `examples/bench_ureq_floor.rs` (counted under valgrind).

use std::io::Read;
use std::net::SocketAddr;
use std::time::Duration;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

// As long as a real signature, so that the request is as long as the client's.
const AUTHORIZATION: &str = "q-sign-algorithm=sha1&q-ak=AKIDbench&q-sign-time=1700000000;1700003600&q-key-time=\
1700000000;1700003600&q-header-list=host&q-url-param-list=&q-signature=0123456789abcdef0123456789abcdef01234567";

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

pub struct UreqAlone {
    agent: ureq::Agent,
    url: String,
    host: String,
    body: Vec<u8>,
}

impl UreqAlone {
    pub fn new(port: u16) -> UreqAlone {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_per_read(Some(Duration::from_secs(30)))
            .user_agent("cibatch-rust/0.1.0")
            .build();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        UreqAlone {
            agent: ureq::Agent::with_parts(config, DefaultConnector::default(), Fixed(addr)),
            url: format!("http://127.0.0.1:{port}/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9"),
            host: format!("127.0.0.1:{port}"),
            body: Vec::new(),
        }
    }

    /// One GET; the body's length.
    pub fn call(&mut self) -> usize {
        let mut response = self
            .agent
            .get(&self.url)
            .header("host", &self.host)
            .header("authorization", AUTHORIZATION)
            .call()
            .expect("the bench server answers");
        // Room for the announced length, as the client makes (read_to_end clears only the room it reads into).
        self.body.clear();
        self.body.reserve(response.body().content_length().unwrap_or(0) as usize);
        response.body_mut().with_config().limit(64 << 20).reader().read_to_end(&mut self.body).expect("a body");
        assert!(response.headers().get("x-ci-request-id").is_some());
        self.body.len()
    }
}
