//! The command line's arguments (clap), and how each becomes a library request.

use cibatch::emulator::{Emulator, EmulatorConfig};
use cibatch::{
    Credentials, Error, Input, JobRequest, JobState, JobType, ListOptions, Order, SignInput, WorkflowJobRequest,
};
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

/// Exactly one input.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct InputArgs {
    /// Every object under this key prefix.
    #[arg(long)]
    pub prefix: Option<String>,
    /// The URL of a COS inventory manifest.json.
    #[arg(long)]
    pub manifest: Option<String>,
    /// An object whose lines are object URLs.
    #[arg(long)]
    pub url_file: Option<String>,
    /// One object key.
    #[arg(long)]
    pub object: Option<String>,
}

impl InputArgs {
    fn input(&self) -> Input {
        match (&self.prefix, &self.manifest, &self.url_file, &self.object) {
            (Some(p), ..) => Input::Prefix(p.clone()),
            (_, Some(m), ..) => Input::Manifest(m.clone()),
            (_, _, Some(u), _) => Input::UrlFile(u.clone()),
            (.., Some(o)) => Input::Object(o.clone()),
            _ => unreachable!("clap requires one input"),
        }
    }
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum CreateKind {
    /// Trigger a workflow over an input.
    Workflow(WorkflowArgs),
    /// Run one job type (Transcode, Snapshot, ...) directly over an input.
    Job(JobArgs),
}

#[derive(Debug, Args)]
pub struct WorkflowArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub workflow_id: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// Only objects uploaded at or after this time.
    #[arg(long)]
    pub start: Option<String>,
    /// Only objects uploaded at or before this time.
    #[arg(long)]
    pub end: Option<String>,
}

impl WorkflowArgs {
    pub fn request(&self) -> Result<WorkflowJobRequest, Error> {
        let mut r = WorkflowJobRequest::new(&self.name, self.input.input(), &self.workflow_id);
        if self.start.is_some() || self.end.is_some() {
            r = r.time_interval(self.start.clone().unwrap_or_default(), self.end.clone().unwrap_or_default());
        }
        Ok(r)
    }
}

#[derive(Debug, Args)]
pub struct JobArgs {
    #[arg(long)]
    pub name: String,
    /// The job type: Transcode, Snapshot, ImageInspect, PicProcess, ...
    #[arg(long)]
    pub tag: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// JobParam/TemplateId.
    #[arg(long)]
    pub template_id: Option<String>,
    /// XML passed through into <JobParam> (repeatable), e.g. '<Snapshot><Mode>Interval</Mode></Snapshot>'.
    #[arg(long, value_name = "XML")]
    pub param_xml: Vec<String>,
    #[arg(long)]
    pub output_region: Option<String>,
    #[arg(long)]
    pub output_bucket: Option<String>,
    /// May hold placeholders such as ${InputName}.
    #[arg(long)]
    pub output_object: Option<String>,
    /// XML passed through into <Output> (repeatable).
    #[arg(long, value_name = "XML")]
    pub output_xml: Vec<String>,
    #[arg(long)]
    pub queue_id: Option<String>,
    #[arg(long)]
    pub user_data: Option<String>,
    /// Priority, 0 to 2.
    #[arg(long)]
    pub job_level: Option<u8>,
    /// Callback URL.
    #[arg(long)]
    pub callback: Option<String>,
    /// XML or JSON.
    #[arg(long)]
    pub callback_format: Option<String>,
    /// Url, TDMQ or Kafka.
    #[arg(long)]
    pub callback_type: Option<String>,
    /// TDMQ callback: CallBackMqConfig/MqMode, MqRegion, MqName.
    #[arg(long)]
    pub mq_mode: Option<String>,
    #[arg(long)]
    pub mq_region: Option<String>,
    #[arg(long)]
    pub mq_name: Option<String>,
    /// Kafka callback: CallBackKafkaConfig/Region, InstanceId, Topic.
    #[arg(long)]
    pub kafka_region: Option<String>,
    #[arg(long)]
    pub kafka_instance_id: Option<String>,
    #[arg(long)]
    pub kafka_topic: Option<String>,
    /// The queue's type, e.g. SpeedTranscoding.
    #[arg(long)]
    pub queue_type: Option<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub end: Option<String>,
    /// XML passed through into <Operation> (repeatable), for fields not modelled here.
    #[arg(long, value_name = "XML")]
    pub operation_xml: Vec<String>,
}

fn fragments(argument: &'static str, texts: &[String]) -> Result<Vec<cibatch::XmlElement>, Error> {
    let mut out = Vec::new();
    for t in texts {
        out.extend(cibatch::xml::parse_fragment(t).map_err(|reason| Error::InvalidInput { argument, reason })?);
    }
    Ok(out)
}

impl JobArgs {
    pub fn request(&self) -> Result<JobRequest, Error> {
        let mut r = JobRequest::new(&self.name, &self.tag, self.input.input());
        if let Some(t) = &self.template_id {
            r = r.template_id(t);
        }
        r.job_param.extend(fragments("param_xml", &self.param_xml)?);
        if self.output_region.is_some() || self.output_bucket.is_some() || self.output_object.is_some() {
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            r = r.output(text(&self.output_region), text(&self.output_bucket), text(&self.output_object));
        }
        r.output.extend(fragments("output_xml", &self.output_xml)?);
        r.queue_id = self.queue_id.clone();
        r.user_data = self.user_data.clone();
        r.job_level = self.job_level;
        r.callback = self.callback.clone();
        r.callback_format = self.callback_format.clone();
        r.callback_type = self.callback_type.clone();
        if self.mq_mode.is_some() || self.mq_region.is_some() || self.mq_name.is_some() {
            r.callback_mq_config = Some(cibatch::CallBackMqConfig {
                mq_mode: self.mq_mode.clone(),
                mq_region: self.mq_region.clone(),
                mq_name: self.mq_name.clone(),
            });
        }
        if self.kafka_region.is_some() || self.kafka_instance_id.is_some() || self.kafka_topic.is_some() {
            r.callback_kafka_config = Some(cibatch::CallBackKafkaConfig {
                region: self.kafka_region.clone(),
                instance_id: self.kafka_instance_id.clone(),
                topic: self.kafka_topic.clone(),
            });
        }
        r.queue_type = self.queue_type.clone();
        if self.start.is_some() || self.end.is_some() {
            r = r.time_interval(self.start.clone().unwrap_or_default(), self.end.clone().unwrap_or_default());
        }
        r.extra_operation.extend(fragments("operation_xml", &self.operation_xml)?);
        Ok(r)
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
