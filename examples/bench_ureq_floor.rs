//! What ureq alone costs per request, for `scripts/bench.sh` (see `benches/common/ureq_alone.rs`): makes 20 GETs, then
//! CALLS more, against the canned server (`bench_server`). Run under valgrind at two call counts: the difference
//! is the part of a describe's instructions and allocations that stays while ureq carries the requests.
//!
//!     CIBATCH_BENCH_PORT=PORT cargo run --release --example bench_ureq_floor -- CALLS

#[path = "../benches/common/ureq_alone.rs"]
mod ureq_alone;

fn main() {
    let port = std::env::var("CIBATCH_BENCH_PORT").ok().and_then(|p| p.parse().ok());
    let port = port.expect("CIBATCH_BENCH_PORT names the bench server's port");
    let calls: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let mut client = ureq_alone::UreqAlone::new(port);
    for _ in 0..20 + calls {
        assert!(client.call() > 0);
    }
}
