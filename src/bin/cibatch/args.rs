//! The command line's arguments (clap), and how each becomes a library request.

use crate::create_args::CreateKind;
use cibatch::emulator::{Emulator, EmulatorConfig};
use cibatch::{Credentials, Error, JobState, JobType, ListOptions, Order, SignInput};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::time::Duration;

const EXIT_CODES: &str = "\
Exit codes: 0 success; 1 any other error; 2 usage error; 3 job not found; 4 `wait` ended with Failed or Cancel;
5 `wait` timed out.

Configuration: CIBATCH_BUCKET, CIBATCH_REGION, CIBATCH_ENDPOINT (a base URL such as http://127.0.0.1:8080), and
TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY/TENCENTCLOUD_SESSION_TOKEN (else COS_SECRET_ID/COS_SECRET_KEY);
--bucket, --region and --endpoint override. Errors go to stderr as one line with the service's code, message and
request id; -v adds the library's debug log.";

/// Cloud Infinite batch data-processing jobs from the command line.
#[derive(Debug, Parser)]
#[command(name = "cibatch", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// The bucket, `name-appid` (else CIBATCH_BUCKET).
    #[arg(long, global = true)]
    pub bucket: Option<String>,
    /// The region, e.g. ap-beijing (else CIBATCH_REGION).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// A base URL replacing https://<bucket>.ci.<region>.myqcloud.com (else CIBATCH_ENDPOINT).
    #[arg(long, global = true)]
    pub endpoint: Option<String>,
    /// Output: an aligned table, one JSON document, or one JSON object per line (streamed while paging).
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// Print the library's debug log (each request, status, request id, attempt, duration) to stderr.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
    /// For create: do not look for the job when an answer is lost. By default a create whose outcome is unknown
    /// (its request may have reached the service) is looked for and returned if exactly one job matches, created
    /// once more if none does, and reported with the matching IDs if several do.
    #[arg(long, global = true)]
    pub no_resolve: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Jsonl,
}

impl Format {
    pub fn is_table(self) -> bool {
        self == Format::Table
    }
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Command {
    /// Describe one or more jobs (several in one request).
    Describe {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
    },
    /// List jobs with the API's filters: one page, or every page with --all.
    List(ListArgs),
    /// Create a job.
    #[command(subcommand)]
    Create(CreateKind),
    /// Cancel a job.
    Cancel { id: String },
    /// Wait until a job is Success, Failed or Cancel (exit 4 for Failed or Cancel, 5 on timeout).
    Wait {
        id: String,
        /// How long to wait at most, e.g. 90s, 10m, 1h.
        #[arg(long, default_value = "10m")]
        timeout: DurationArg,
        /// First interval between polls (it grows 1.5x per poll, up to 15 s).
        #[arg(long, default_value = "1s")]
        interval: DurationArg,
    },
    /// What happened to each object of a batch job: one line per workflow execution or media job.
    Results(crate::results::ResultsArgs),
    /// A batch job's report: its outcome, results counted by state, and the first failed objects.
    Report(crate::results::ReportArgs),
    /// Print the Authorization value for any COS/CI request (credentials from the environment), for curl.
    Sign(SignArgs),
    /// Run the local emulator of the service on 127.0.0.1 until interrupted.
    Emulator(EmulatorArgs),
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Workflow or Job.
    #[arg(long = "type")]
    pub job_type: Option<String>,
    /// States to include (repeat, or separate with commas), e.g. --state Running,Failed.
    #[arg(long = "state", value_delimiter = ',')]
    pub states: Vec<String>,
    /// Created at or after, e.g. 2022-02-25T12:00:00+0800 (also Z or +08:00).
    #[arg(long)]
    pub since: Option<String>,
    /// Created at or before.
    #[arg(long)]
    pub until: Option<String>,
    #[arg(long)]
    pub workflow_id: Option<String>,
    #[arg(long)]
    pub job_id: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// By creation time: desc (newest first, the service's default) or asc.
    #[arg(long, value_enum)]
    pub order: Option<OrderArg>,
    /// Page size, 1 to 100.
    #[arg(long)]
    pub size: Option<u32>,
    /// Start at this page token (printed to stderr after a page).
    #[arg(long)]
    pub next_token: Option<String>,
    /// Page to the end.
    #[arg(long)]
    pub all: bool,
    /// Stop after N jobs (pages as needed).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OrderArg {
    Desc,
    Asc,
}

impl ListArgs {
    pub fn options(&self) -> Result<ListOptions, Error> {
        Ok(ListOptions {
            job_type: self.job_type.as_deref().map(JobType::parse),
            order_by_time: self.order.map(|o| match o {
                OrderArg::Desc => Order::Desc,
                OrderArg::Asc => Order::Asc,
            }),
            states: self.states.iter().filter(|s| !s.is_empty()).map(|s| JobState::parse(s)).collect(),
            size: self.size,
            next_token: self.next_token.clone(),
            start_creation_time: self.since.clone(),
            end_creation_time: self.until.clone(),
            workflow_id: self.workflow_id.clone(),
            job_id: self.job_id.clone(),
            name: self.name.clone(),
        })
    }
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// GET, PUT, POST, ...
    pub method: String,
    /// The decoded path, e.g. /inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9
    pub path: String,
    /// A query parameter to sign, k=v (repeatable).
    #[arg(long = "param", value_name = "K=V", value_parser = pair)]
    pub params: Vec<(String, String)>,
    /// A header to sign, k=v (repeatable; give host=...).
    #[arg(long = "header", value_name = "K=V", value_parser = pair)]
    pub headers: Vec<(String, String)>,
    /// How long the signature is valid.
    #[arg(long, default_value_t = 3600)]
    pub expires: u32,
}

fn pair(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or_else(|| format!("{s:?} is not k=v"))?;
    Ok((k.to_string(), v.to_string()))
}

impl SignArgs {
    pub fn authorization(&self, creds: &Credentials) -> Result<String, Error> {
        let start = cibatch::timefmt::now_unix();
        let params: Vec<(&str, &str)> = self.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let headers: Vec<(&str, &str)> = self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Ok(cibatch::authorization(&SignInput {
            method: &self.method,
            path: &self.path,
            params: &params,
            headers: &headers,
            secret_id: creds.secret_id(),
            secret_key: creds.secret_key(),
            start,
            end: start + i64::from(self.expires),
        }))
    }
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Require this session token on every request.
    #[arg(long)]
    pub token: Option<String>,
    /// How long a new job stays Submitted.
    #[arg(long, default_value = "200ms")]
    pub submitted: DurationArg,
    /// How long it then stays Running.
    #[arg(long, default_value = "800ms")]
    pub running: DurationArg,
    /// Objects batch jobs fan out over: COUNT:PREFIX[:SUFFIX] adds PREFIX00000SUFFIX, PREFIX00001SUFFIX, ...
    /// (repeatable).
    #[arg(long, value_name = "COUNT:PREFIX[:SUFFIX]")]
    pub objects: Vec<String>,
    /// Units of objects matching PATTERN (`*` matches any run of characters) end Failed (repeatable).
    #[arg(long, value_name = "PATTERN:CODE[:MESSAGE]")]
    pub fail_objects: Vec<String>,
}

pub fn serve_emulator(opts: &EmulatorArgs) -> Result<u8, Error> {
    let emu = Emulator::start(EmulatorConfig {
        port: opts.port,
        session_token: opts.token.clone(),
        submitted_for: opts.submitted.0,
        running_for: opts.running.0,
        ..Default::default()
    })
    .map_err(|e| Error::InvalidInput { argument: "port", reason: format!("the emulator cannot start: {e}") })?;
    for spec in &opts.objects {
        emu.add_objects_spec(spec).map_err(|reason| Error::InvalidInput { argument: "objects", reason })?;
    }
    for spec in &opts.fail_objects {
        emu.fail_objects_spec(spec).map_err(|reason| Error::InvalidInput { argument: "fail_objects", reason })?;
    }
    let cfg = emu.client_config();
    crate::output::emit(&format!("endpoint={} bucket={} region={}", emu.endpoint(), emu.bucket(), emu.region()));
    crate::output::emit(&format!(
        "export CIBATCH_ENDPOINT={} CIBATCH_BUCKET={} CIBATCH_REGION={} TENCENTCLOUD_SECRET_ID={} \
         TENCENTCLOUD_SECRET_KEY={}",
        emu.endpoint(),
        emu.bucket(),
        emu.region(),
        cfg.credentials.secret_id(),
        cfg.credentials.secret_key()
    ));
    loop {
        std::thread::park();
    }
}

/// A duration such as `500ms`, `90s`, `10m`, `1h` (a bare number is seconds).
#[derive(Debug, Clone, Copy)]
pub struct DurationArg(pub Duration);

impl std::str::FromStr for DurationArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(s.len());
        let (number, unit) = s.split_at(split);
        let n: f64 = number.parse().map_err(|_| format!("{s:?} is not a duration like 90s, 10m or 1h"))?;
        let seconds = match unit {
            "ms" => n / 1000.0,
            "" | "s" => n,
            "m" => n * 60.0,
            "h" => n * 3600.0,
            _ => return Err(format!("{s:?}: the unit is ms, s, m or h")),
        };
        if !(seconds > 0.0 && seconds <= 24.0 * 3600.0) {
            return Err(format!("{s:?} is not between 1 ms and 24 h"));
        }
        Ok(DurationArg(Duration::from_secs_f64(seconds)))
    }
}
