//! The backoff policy itself: growth, full-jitter bounds, the cap, `Retry-After`, and the defaults.

use super::*;

fn client(c: Config) -> Client {
    Client::new(c.endpoint("http://127.0.0.1:9")).unwrap()
}

fn config() -> Config {
    Config::new("examplebucket-1250000000", "ap-beijing", Credentials::new("id", "key"))
}

/// `n` pauses after attempt `attempt`.
fn samples(c: &Client, attempt: u32, n: usize) -> Vec<Duration> {
    (0..n).map(|_| c.backoff(attempt, None)).collect()
}

#[test]
fn full_jitter_below_a_ceiling_that_doubles_up_to_the_cap() {
    // The defaults: base 200 ms, cap 5 s.
    let c = client(config());
    let ms = Duration::from_millis;
    for (attempt, ceiling) in [(1, ms(200)), (2, ms(400)), (3, ms(800)), (4, ms(1600)), (5, ms(3200)), (6, ms(5000))] {
        let s = samples(&c, attempt, 2000);
        let max = *s.iter().max().unwrap();
        let min = *s.iter().min().unwrap();
        let mean = s.iter().sum::<Duration>() / s.len() as u32;
        assert!(max <= ceiling, "attempt {attempt}: {max:?} above {ceiling:?}");
        // Full jitter spreads over the whole range, from near 0 to near the ceiling, around its middle.
        assert!(min < ceiling / 20, "attempt {attempt}: nothing near 0 (min {min:?})");
        assert!(max > ceiling * 19 / 20, "attempt {attempt}: nothing near {ceiling:?} (max {max:?})");
        assert!(mean > ceiling * 2 / 5 && mean < ceiling * 3 / 5, "attempt {attempt}: mean {mean:?}");
    }
    // Far past the cap, and at attempt numbers no configuration allows: still the cap, no overflow.
    for attempt in [7, 10, 40, u32::MAX] {
        assert!(samples(&c, attempt, 200).iter().all(|d| *d <= Duration::from_secs(5)));
    }
}

#[test]
fn retry_after_replaces_the_jitter_up_to_the_cap() {
    let c = client(config().backoff(Duration::from_millis(10), Duration::from_secs(2)));
    assert_eq!(c.backoff(1, Some(Duration::from_secs(1))), Duration::from_secs(1));
    assert_eq!(c.backoff(3, Some(Duration::from_secs(60))), Duration::from_secs(2));
    assert_eq!(c.backoff(1, Some(Duration::ZERO)), Duration::ZERO);
}

#[test]
fn a_configured_policy_is_used() {
    let c = client(config().backoff(Duration::from_millis(1), Duration::from_millis(3)));
    assert!(samples(&c, 1, 500).iter().all(|d| *d <= Duration::from_millis(1)));
    assert!(samples(&c, 5, 500).iter().all(|d| *d <= Duration::from_millis(3)));
}
