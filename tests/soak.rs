//! The concurrency soak, alone in its process: it measures the process's resident memory, which tests running
//! beside it in the same process (the fault matrix's large bodies) would change.

mod common;

use cibatch::*;
use common::*;
use std::sync::Arc;
use std::time::Instant;

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4
}

#[test]
fn sixteen_threads_times_a_thousand_calls() {
    let (emu, client) = setup();
    let client = Arc::new(client);
    let job = client.create_workflow_job(&WorkflowJobRequest::new("soak", Input::Prefix("p/".into()), "w1")).unwrap();
    for _ in 0..200 {
        client.describe_job(&job.job_id).unwrap();
    }
    let rss_before = rss_kib();
    let started = Instant::now();
    let handles: Vec<_> = (0..16)
        .map(|t| {
            let c = client.clone();
            let id = job.job_id.clone();
            std::thread::spawn(move || {
                for i in 0..1000 {
                    match i % 4 {
                        0 => c.describe_job(&id).map(drop),
                        1 => c.describe_jobs(&[id.as_str(), "bmissing"]).map(drop),
                        2 => c.list_jobs(&ListOptions { size: Some(5), ..Default::default() }).map(drop),
                        _ => c
                            .create_workflow_job(&WorkflowJobRequest::new(
                                format!("t{t}-{i}"),
                                Input::Prefix("p/".into()),
                                "w1",
                            ))
                            .map(drop),
                    }
                    .unwrap_or_else(|e| panic!("thread {t} call {i}: {e}"));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let grown = rss_kib().saturating_sub(rss_before);
    eprintln!("16 x 1000 calls in {:?}, RSS grew {grown} KiB", started.elapsed());
    assert_eq!(emu.job_count(), 1 + 16 * 250);
    // The emulator keeps 4,000 jobs in this process; the client itself must not grow with calls.
    assert!(grown < 32 << 10, "RSS grew {grown} KiB");
}
