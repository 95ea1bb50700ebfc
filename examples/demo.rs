//! The cibatch demo: the whole batch-job family in a few seconds.
//!
//! With no configuration it starts the embedded emulator and runs against it. With `CIBATCH_BUCKET`,
//! `CIBATCH_REGION` (optionally `CIBATCH_ENDPOINT`) and credentials (`TENCENTCLOUD_SECRET_ID`/`_SECRET_KEY`/
//! `_SESSION_TOKEN`, or `COS_SECRET_ID`/`COS_SECRET_KEY`) it runs against that service, read-only (list
//! and describe) unless `--create WORKFLOW_ID` is given.
//!
//!     cargo run --release --example demo
//!     CIBATCH_BUCKET=... CIBATCH_REGION=... TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... \
//!         cargo run --release --example demo [-- --create w7476ff3564ee45b7b490d64bccaba6cc --prefix input/]

use cibatch::emulator::{Emulator, EmulatorConfig};
use cibatch::{
    Client, Input, Job, JobRequest, JobType, ListOptions, Order, ReportOptions, Result, WaitOptions,
    WorkflowJobRequest, XmlElement,
};
use std::time::{Duration, Instant};

fn main() {
    if let Err(e) = run() {
        eprintln!("\ndemo failed: {e}");
        std::process::exit(1);
    }
}

struct Args {
    create_workflow: Option<String>,
    prefix: String,
}

fn args() -> Args {
    let mut a = Args { create_workflow: None, prefix: "input/".into() };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match (flag.as_str(), it.next()) {
            ("--create", Some(w)) => a.create_workflow = Some(w),
            ("--prefix", Some(p)) => a.prefix = p,
            _ => {
                eprintln!("usage: demo [--create WORKFLOW_ID] [--prefix PREFIX]");
                std::process::exit(2);
            }
        }
    }
    a
}

fn run() -> Result<()> {
    let args = args();
    if std::env::var("CIBATCH_BUCKET").is_ok_and(|b| !b.is_empty()) {
        let client = Client::from_env()?;
        println!("cibatch {} against {} (real service)", cibatch::VERSION, client.base_url());
        return against_service(&client, &args);
    }
    let emu = Emulator::start(EmulatorConfig {
        submitted_for: Duration::from_millis(300),
        running_for: Duration::from_millis(1200),
        ..Default::default()
    })
    .map_err(|e| cibatch::Error::InvalidInput { argument: "emulator", reason: e.to_string() })?;
    // The bucket's photos: a batch job over them fans out into one unit per photo (per workflow); three fail.
    emu.add_objects((1..=40).map(|i| format!("photos/{i:03}.jpg")));
    emu.add_objects(["photos/007.heic", "photos/019.heic", "photos/033.heic"]);
    emu.fail_objects("*.heic", "UnsupportedFormat", "HEIC input is not supported by this workflow");
    let client = Client::new(emu.client_config())?;
    println!("cibatch {} against the embedded emulator at {}", cibatch::VERSION, emu.endpoint());
    println!("(set CIBATCH_BUCKET, CIBATCH_REGION and credentials to use the real service)");
    full_tour(&client)
}

fn full_tour(client: &Client) -> Result<()> {
    let started = Instant::now();

    section("1. Create a Workflow job and a Job-type job");
    let wf = client.create_workflow_job(
        &WorkflowJobRequest::new("demo-workflow", Input::Prefix("input/".into()), "w7476ff3564ee45b7b490d64bccaba6cc")
            .time_interval("2022-02-01T12:00:00+0800", "2022-05-01T12:00:00+0800"),
    )?;
    let transcode = client.create_job(
        &JobRequest::new(
            "demo-transcode",
            "Transcode",
            Input::Manifest(
                "https://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/inventory/manifest.json".into(),
            ),
        )
        .template_id("t1460606b9752148c4ab182f55163ba7cd")
        .output("ap-beijing", "examplebucket-1250000000", "output/${InventoryTriggerJobId}/${InputName}.mp4")
        .queue_id("p893bcda225bf4945a378da6662e81a89")
        .job_level(1),
    )?;
    let snapshot = client.create_job(
        &JobRequest::new("demo-snapshot", "Snapshot", Input::Prefix("videos/".into()))
            // A tag-specific container the library does not model, passed through as given.
            .param(XmlElement::new("Snapshot").child_text("Mode", "Interval").child_text("Count", "3"))
            .output("ap-beijing", "examplebucket-1250000000", "snap/${InputName}-${Number}.jpg"),
    )?;
    table(&[wf.clone(), transcode.clone(), snapshot.clone()]);

    section("2. Cancel the Snapshot job");
    client.cancel_job(&snapshot.job_id)?;
    println!("  cancelled {}; a second cancel is refused by the service:", snapshot.job_id);
    match client.cancel_job(&snapshot.job_id) {
        Err(e) => println!("  -> {e}"),
        Ok(()) => {
            eprintln!("error: a second cancel of {} was accepted; the service refuses it", snapshot.job_id);
            std::process::exit(1);
        }
    }

    section("3. Wait for the Workflow job, reporting each state change");
    let opts = WaitOptions {
        max_wait: Duration::from_secs(30),
        initial_interval: Duration::from_millis(100),
        max_interval: Duration::from_millis(500),
        multiplier: 1.5,
    };
    let t0 = Instant::now();
    let done = client.wait_for_job_with(&wf.job_id, &opts, |j| {
        println!("  {:>6} ms  {}  {}", t0.elapsed().as_millis(), j.job_id, j.state);
    })?;
    println!(
        "  ended {} (code {}), started {}, ended {}",
        done.state,
        done.code,
        or_dash(&done.start_time),
        or_dash(&done.end_time)
    );

    section("4. Describe several jobs at once, one of them missing");
    let missing = "b00000000000000000000000000000000";
    let res =
        client.describe_jobs(&[wf.job_id.as_str(), transcode.job_id.as_str(), snapshot.job_id.as_str(), missing])?;
    table(&res.jobs);
    println!("  not found: {}", res.non_exist_job_ids.join(", "));

    section("5. List Workflow jobs, 3 a page, oldest first");
    for i in 0..5 {
        client.create_workflow_job(&WorkflowJobRequest::new(
            format!("batch-{i}"),
            Input::Prefix(format!("day-{i}/")),
            "w7476ff3564ee45b7b490d64bccaba6cc",
        ))?;
    }
    let opts = ListOptions {
        job_type: Some(JobType::Workflow),
        size: Some(3),
        order_by_time: Some(Order::Asc),
        ..Default::default()
    };
    for (n, page) in client.pages(opts).enumerate() {
        let page = page?;
        println!("  page {} (next token {}):", n + 1, page.next_token.as_deref().unwrap_or("none: last page"));
        table(&page.jobs);
    }

    section("6. Errors say what happened");
    match client.describe_job(missing) {
        Err(e) => println!("  describe {missing}: {e}"),
        Ok(_) => println!("  unexpected: {missing} exists"),
    }
    match client.describe_job("../etc/passwd") {
        Err(e) => println!("  describe ../etc/passwd: {e}"),
        Ok(_) => println!("  unexpected success"),
    }
    section("7. What happened to each object: the report of a batch job");
    let photos = client.create_workflow_job(&WorkflowJobRequest::new(
        "demo-photos",
        Input::Prefix("photos/".into()),
        "w7476ff3564ee45b7b490d64bccaba6cc,w0000ff3564ee45b7b490d64bccaba6dd",
    ))?;
    let wait = WaitOptions { initial_interval: Duration::from_millis(100), ..WaitOptions::default() };
    client.wait_for_job(&photos.job_id, &wait)?;
    let report = client.report_with(&photos.job_id, &ReportOptions::default(), |p| {
        println!("  page {}: {} results, {} failed", p.pages, p.results, p.failed);
        true
    })?;
    println!("  {} {}: {}, {} results", report.job.job_id, report.job.state, report.outcome(), report.total);
    for (state, n) in &report.counts {
        println!("    {state:<8} {n}");
    }
    for r in &report.failed {
        let source = r.workflow_id.as_deref().or(r.tag.as_deref()).unwrap_or("-");
        println!("    failed: {:<18} {} ({})", r.object, r.unit_id, source);
    }
    println!("\nDone in {:.1} s.", started.elapsed().as_secs_f64());
    Ok(())
}

fn against_service(client: &Client, args: &Args) -> Result<()> {
    if let Some(workflow) = &args.create_workflow {
        section("Create a Workflow job");
        let job = client.create_workflow_job(&WorkflowJobRequest::new(
            "cibatch-demo",
            Input::Prefix(args.prefix.clone()),
            workflow,
        ))?;
        table(&[job]);
    }
    for job_type in [JobType::Workflow, JobType::Job] {
        section(&format!("Latest {job_type} jobs"));
        let page = client.list_jobs(&ListOptions { job_type: Some(job_type), size: Some(10), ..Default::default() })?;
        table(&page.jobs);
        if let Some(first) = page.jobs.first() {
            let again = client.describe_job(&first.job_id)?;
            println!("  described {} again: {}", again.job_id, again.state);
        }
    }
    Ok(())
}

fn section(title: &str) {
    println!("\n{title}\n{}", "-".repeat(title.chars().count()));
}

fn or_dash(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("-")
}

fn table(jobs: &[Job]) {
    if jobs.is_empty() {
        println!("  (no jobs)");
        return;
    }
    println!("  {:<33}  {:<8}  {:<16}  {:<9}  {:<24}  WHAT", "JOB ID", "TYPE", "NAME", "STATE", "CREATED");
    for j in jobs {
        let what = match j.job_type {
            JobType::Workflow => format!("workflow {}", j.operation.workflow_ids.as_deref().unwrap_or("?")),
            _ => format!("{} job", j.operation.tag.as_deref().unwrap_or("?")),
        };
        let name: String = j.name.chars().take(16).collect();
        println!(
            "  {:<33}  {:<8}  {:<16}  {:<9}  {:<24}  {}",
            j.job_id,
            j.job_type,
            name,
            j.state,
            or_dash(&j.creation_time),
            what
        );
    }
}
