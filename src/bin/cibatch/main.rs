//! `cibatch`: the command line for Cloud Infinite batch jobs. Configured like the library (`CIBATCH_BUCKET`,
//! `CIBATCH_REGION`, `CIBATCH_ENDPOINT`, `TENCENTCLOUD_*`/`COS_*` credentials), with flags that override.

mod args;
mod create_args;
mod output;
mod results;

use args::{Cli, Command};
use cibatch::{Client, Config, Credentials, Error, ErrorKind, JobState, LogLevel, WaitOptions};
use clap::{CommandFactory, Parser};
use create_args::CreateKind;
use output::{Printer, Progress};
use std::process::ExitCode;

/// Exit codes, documented in `--help`.
const EXIT_ERROR: u8 = 1;
const EXIT_NOT_FOUND: u8 = 3;
const EXIT_JOB_FAILED: u8 = 4;
const EXIT_WAIT_TIMEOUT: u8 = 5;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("cibatch: {}", output::one_line(&e.to_string()));
            ExitCode::from(match e.kind() {
                ErrorKind::JobNotFound => EXIT_NOT_FOUND,
                ErrorKind::WaitTimeout => EXIT_WAIT_TIMEOUT,
                _ => EXIT_ERROR,
            })
        }
    }
}

fn run(cli: &Cli) -> Result<u8, Error> {
    let printer = Printer::new(cli.output);
    match &cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "cibatch", &mut std::io::stdout());
            Ok(0)
        }
        Command::Emulator(opts) => args::serve_emulator(opts),
        Command::Sign(s) => {
            let creds = Credentials::from_env()?;
            output::emit(&s.authorization(&creds)?);
            Ok(0)
        }
        command => {
            let client = Client::new(config(cli)?)?;
            operate(&client, command, &printer)
        }
    }
}

/// The library's configuration from the environment, with the flags on top; `-v` sends its debug log to stderr.
fn config(cli: &Cli) -> Result<Config, Error> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let bucket = cli.bucket.clone().or_else(|| var("CIBATCH_BUCKET"));
    let region = cli.region.clone().or_else(|| var("CIBATCH_REGION"));
    let (Some(bucket), Some(region)) = (bucket, region) else {
        return Err(Error::InvalidInput {
            argument: "bucket",
            reason: "set --bucket and --region (or CIBATCH_BUCKET and CIBATCH_REGION)".into(),
        });
    };
    let mut config = Config::new(bucket, region, Credentials::from_env()?);
    config.endpoint = cli.endpoint.clone().or_else(|| var("CIBATCH_ENDPOINT"));
    config.resolve_creates = !cli.no_resolve;
    if cli.verbose {
        config = config
            .log(LogLevel::Debug, |level, message| eprintln!("cibatch: {level:?}: {}", output::one_line(message)));
    }
    Ok(config)
}

fn operate(client: &Client, command: &Command, printer: &Printer) -> Result<u8, Error> {
    match command {
        Command::Describe { ids } => {
            if let [id] = ids.as_slice() {
                printer.jobs(&[client.describe_job(id)?]);
                return Ok(0);
            }
            let found = client.describe_jobs(ids)?;
            printer.jobs(&found.jobs);
            for missing in &found.non_exist_job_ids {
                eprintln!("cibatch: job {} does not exist", output::one_line(missing));
            }
            Ok(if found.non_exist_job_ids.is_empty() { 0 } else { EXIT_NOT_FOUND })
        }
        Command::List(list) => {
            let opts = list.options()?;
            if !list.all && list.limit.is_none() {
                let page = client.list_jobs(&opts)?;
                printer.jobs(&page.jobs);
                if let Some(token) = page.next_token.filter(|t| !t.is_empty()) {
                    eprintln!("cibatch: more jobs: --next-token {token} (or --all)");
                }
                return Ok(0);
            }
            let progress = Progress::new("list");
            let mut stream = printer.stream();
            let mut jobs = client.jobs(opts);
            let mut taken = 0usize;
            while list.limit.is_none_or(|limit| taken < limit) {
                let Some(job) = jobs.next() else { break };
                stream.push(job?);
                taken += 1;
                progress.update(&format!("{} page(s), {taken} job(s)", jobs.pages_so_far()));
            }
            progress.finish();
            stream.finish();
            Ok(0)
        }
        Command::Create(CreateKind::Workflow(w)) => {
            printer.jobs(&[client.create_workflow_job(&w.request()?)?]);
            Ok(0)
        }
        Command::Create(CreateKind::Job(j)) => {
            printer.jobs(&[client.create_job(&j.request()?)?]);
            Ok(0)
        }
        Command::Cancel { id } => {
            client.cancel_job(id)?;
            printer.message(&format!("cancelled {id}"));
            Ok(0)
        }
        Command::Wait { id, timeout, interval } => {
            let opts = WaitOptions { max_wait: timeout.0, initial_interval: interval.0, ..WaitOptions::default() };
            let progress = Progress::new("wait");
            let started = std::time::Instant::now();
            let job = client.wait_for_job_polling(id, &opts, |job, _| {
                progress.update(&format!("{id}: {} ({:.0?} elapsed)", job.state, started.elapsed()));
                true
            });
            progress.finish();
            let job = job?;
            printer.jobs(std::slice::from_ref(&job));
            Ok(match job.state {
                JobState::Success => 0,
                _ => EXIT_JOB_FAILED,
            })
        }
        Command::Results(a) => results::results(client, a, printer.format()),
        Command::Report(a) => results::report(client, a, printer.format()),
        Command::Completions { .. } | Command::Emulator(_) | Command::Sign(_) => unreachable!("handled by run"),
    }
}
