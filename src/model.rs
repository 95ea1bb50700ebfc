//! The job model: what the service returns (`JobsDetail`) and what we send to create jobs.
//!
//! Parsing is tolerant (unknown elements are kept in the raw XML and in pass-through trees; unknown states
//! and types keep their text); building is strict (every argument is checked, all text is escaped).

use crate::error::{Error, Result};
use crate::validate;
use crate::xml::{escape_text, XmlElement};
use std::fmt;

/// A job's state. `Other` keeps the text of a state this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobState {
    Submitted,
    Running,
    Success,
    Failed,
    Pause,
    Cancel,
    Other(String),
}

impl JobState {
    pub fn parse(s: &str) -> JobState {
        match s.trim() {
            "Submitted" => JobState::Submitted,
            "Running" => JobState::Running,
            "Success" => JobState::Success,
            "Failed" => JobState::Failed,
            "Pause" => JobState::Pause,
            "Cancel" => JobState::Cancel,
            other => JobState::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            JobState::Submitted => "Submitted",
            JobState::Running => "Running",
            JobState::Success => "Success",
            JobState::Failed => "Failed",
            JobState::Pause => "Pause",
            JobState::Cancel => "Cancel",
            JobState::Other(s) => s,
        }
    }

    /// `Success`, `Failed` and `Cancel` are final; a job in any other state (known or not) may still change.
    pub fn is_terminal(&self) -> bool {
        matches!(self, JobState::Success | JobState::Failed | JobState::Cancel)
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// `Workflow` (trigger a workflow) or `Job` (run one job type directly). `Other` keeps unknown text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobType {
    Workflow,
    Job,
    Other(String),
}

impl JobType {
    pub fn parse(s: &str) -> JobType {
        match s.trim() {
            "Workflow" => JobType::Workflow,
            "Job" => JobType::Job,
            other => JobType::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            JobType::Workflow => "Workflow",
            JobType::Job => "Job",
            JobType::Other(s) => s,
        }
    }
}

impl fmt::Display for JobType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Which objects a job runs over. A job has exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Every object under a key prefix.
    Prefix(String),
    /// A COS inventory `manifest.json` URL.
    Manifest(String),
    /// An object whose lines are object URLs.
    UrlFile(String),
    /// One object key.
    Object(String),
}

impl Input {
    fn element_name(&self) -> &'static str {
        match self {
            Input::Prefix(_) => "Prefix",
            Input::Manifest(_) => "Manifest",
            Input::UrlFile(_) => "UrlFile",
            Input::Object(_) => "Object",
        }
    }

    fn value(&self) -> &str {
        match self {
            Input::Prefix(v) | Input::Manifest(v) | Input::UrlFile(v) | Input::Object(v) => v,
        }
    }
}

/// The input echoed in a job's detail. Each field is set when the element was present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobInput {
    pub prefix: Option<String>,
    pub manifest: Option<String>,
    pub url_file: Option<String>,
    pub object: Option<String>,
}

/// Objects uploaded between `start` and `end` (`2022-02-01T12:00:00+0800`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeInterval {
    pub start: Option<String>,
    pub end: Option<String>,
}

/// Where a Job-type job writes its results. `element` is the whole `<Output>`, for fields not modelled
/// here (`SpriteObject`, `AuObject`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub region: Option<String>,
    pub bucket: Option<String>,
    pub object: Option<String>,
    pub element: XmlElement,
}

/// A Job-type job's parameters. `element` is the whole `<JobParam>` with every tag-specific container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobParam {
    pub template_id: Option<String>,
    pub element: XmlElement,
}

/// A TDMQ callback target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallBackMqConfig {
    pub mq_mode: Option<String>,
    pub mq_region: Option<String>,
    pub mq_name: Option<String>,
}

/// A Kafka callback target (`CallBackType` `Kafka`), as the Java SDK sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallBackKafkaConfig {
    pub region: Option<String>,
    pub instance_id: Option<String>,
    pub topic: Option<String>,
}

/// The operation echoed in a job's detail: the Workflow fields, the Job fields, or both empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobOperation {
    pub workflow_ids: Option<String>,
    pub time_interval: Option<TimeInterval>,
    pub tag: Option<String>,
    pub job_param: Option<JobParam>,
    pub output: Option<Output>,
    pub queue_id: Option<String>,
    pub user_data: Option<String>,
    /// Kept as text: a priority the service sends in a new form must not break parsing.
    pub job_level: Option<String>,
    pub callback: Option<String>,
    pub callback_format: Option<String>,
    pub callback_type: Option<String>,
    pub callback_mq_config: Option<CallBackMqConfig>,
    pub callback_kafka_config: Option<CallBackKafkaConfig>,
    /// The queue type, e.g. `SpeedTranscoding`.
    pub queue_type: Option<String>,
}

/// One job as the service describes it (`JobsDetail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub job_id: String,
    pub name: String,
    pub job_type: JobType,
    pub state: JobState,
    /// `Success` unless the job failed.
    pub code: String,
    pub message: String,
    /// `None` while the service sends `-` or nothing.
    pub creation_time: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub input: JobInput,
    pub operation: JobOperation,
    /// `Progress`, `Tag` and `QueueId` at the top of `JobsDetail`, when the service sends them there (the C, Python
    /// and Go `tag` and `queue_id` fall back to these when `Operation` lacks them).
    pub progress: Option<String>,
    pub tag: Option<String>,
    pub queue_id: Option<String>,
    /// The job's `<JobsDetail>` element exactly as received, for everything not modelled here.
    pub raw_xml: String,
}

impl Job {
    pub fn is_terminal(&self) -> bool {
        self.state.is_terminal()
    }

    /// Builds a job from a `<JobsDetail>` element and its source text, moving the element's text out (one pass,
    /// no copies: this is the hot path of every call). Never fails: missing elements become empty or `None`; of
    /// repeated elements the first counts.
    pub(crate) fn from_element(mut e: XmlElement, raw_xml: &str) -> Job {
        let mut job = Job {
            job_id: String::new(),
            name: String::new(),
            job_type: JobType::Other(String::new()),
            state: JobState::Other(String::new()),
            code: String::new(),
            message: String::new(),
            creation_time: None,
            start_time: None,
            end_time: None,
            input: JobInput::default(),
            operation: JobOperation::default(),
            progress: None,
            tag: None,
            queue_id: None,
            raw_xml: raw_xml.to_string(),
        };
        let (mut seen_type, mut seen_state) = (false, false);
        for mut c in std::mem::take(&mut e.children) {
            let text = std::mem::take(&mut c.text);
            match c.name.as_str() {
                "JobId" => first_str(&mut job.job_id, text),
                "Name" => first_str(&mut job.name, text),
                "Code" => first_str(&mut job.code, text),
                "Message" => first_str(&mut job.message, text),
                "Type" if !seen_type => (seen_type, job.job_type) = (true, JobType::parse(&text)),
                "State" if !seen_state => (seen_state, job.state) = (true, JobState::parse(&text)),
                "CreationTime" => first_time(&mut job.creation_time, text),
                "Progress" => first(&mut job.progress, text),
                "Tag" => first(&mut job.tag, text),
                "QueueId" => first(&mut job.queue_id, text),
                "StartTime" => first_time(&mut job.start_time, text),
                "EndTime" => first_time(&mut job.end_time, text),
                "Input" if job.input == JobInput::default() => {
                    for mut i in std::mem::take(&mut c.children) {
                        let slot = match i.name.as_str() {
                            "Prefix" => &mut job.input.prefix,
                            "Manifest" => &mut job.input.manifest,
                            "UrlFile" => &mut job.input.url_file,
                            "Object" => &mut job.input.object,
                            _ => continue,
                        };
                        first(slot, std::mem::take(&mut i.text));
                    }
                }
                "Operation" if job.operation == JobOperation::default() => {
                    c.text = text;
                    job.operation = operation_from(c)
                }
                _ => {}
            }
        }
        job
    }
}

fn trimmed(s: String) -> String {
    if s.trim().len() == s.len() {
        s
    } else {
        s.trim().to_string()
    }
}

fn first_str(slot: &mut String, text: String) {
    if slot.is_empty() {
        *slot = trimmed(text);
    }
}

fn first(slot: &mut Option<String>, text: String) {
    if slot.is_none() {
        *slot = Some(trimmed(text));
    }
}

/// `-` and empty mean "not yet".
fn first_time(slot: &mut Option<String>, text: String) {
    let t = trimmed(text);
    if slot.is_none() && !t.is_empty() && t != "-" {
        *slot = Some(t);
    }
}

fn opt(e: &XmlElement, name: &str) -> Option<String> {
    e.find_text(name).map(str::to_string)
}

fn operation_from(mut op: XmlElement) -> JobOperation {
    let mut o = JobOperation::default();
    for mut c in std::mem::take(&mut op.children) {
        let slot = match c.name.as_str() {
            "WorkflowIds" => &mut o.workflow_ids,
            "Tag" => &mut o.tag,
            "QueueId" => &mut o.queue_id,
            "UserData" => &mut o.user_data,
            "JobLevel" => &mut o.job_level,
            "CallBack" => &mut o.callback,
            "CallBackFormat" => &mut o.callback_format,
            "CallBackType" => &mut o.callback_type,
            "QueueType" => &mut o.queue_type,
            "CallBackKafkaConfig" if o.callback_kafka_config.is_none() => {
                o.callback_kafka_config = Some(CallBackKafkaConfig {
                    region: opt(&c, "Region"),
                    instance_id: opt(&c, "InstanceId"),
                    topic: opt(&c, "Topic"),
                });
                continue;
            }
            "TimeInterval" if o.time_interval.is_none() => {
                let mut t = TimeInterval::default();
                for mut c in std::mem::take(&mut c.children) {
                    let text = std::mem::take(&mut c.text);
                    match c.name.as_str() {
                        "Start" => first_time(&mut t.start, text),
                        "End" => first_time(&mut t.end, text),
                        _ => {}
                    }
                }
                o.time_interval = Some(t);
                continue;
            }
            "JobParam" if o.job_param.is_none() => {
                o.job_param = Some(JobParam { template_id: opt(&c, "TemplateId"), element: c });
                continue;
            }
            "Output" if o.output.is_none() => {
                o.output = Some(Output {
                    region: opt(&c, "Region"),
                    bucket: opt(&c, "Bucket"),
                    object: opt(&c, "Object"),
                    element: c,
                });
                continue;
            }
            "CallBackMqConfig" if o.callback_mq_config.is_none() => {
                o.callback_mq_config = Some(CallBackMqConfig {
                    mq_mode: opt(&c, "MqMode"),
                    mq_region: opt(&c, "MqRegion"),
                    mq_name: opt(&c, "MqName"),
                });
                continue;
            }
            _ => continue,
        };
        first(slot, std::mem::take(&mut c.text));
    }
    o
}

/// The answer to a describe of several jobs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeJobsResult {
    pub jobs: Vec<Job>,
    /// The queried IDs the service does not know.
    pub non_exist_job_ids: Vec<String>,
    pub request_id: String,
}

/// One page of a job listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobPage {
    pub jobs: Vec<Job>,
    /// The token for the next page; `None` on the last page (empty or absent `NextToken`, or one that repeats the
    /// token this page was asked with).
    pub next_token: Option<String>,
    pub request_id: String,
    /// The type this page was listed with: `None` for a listing sent without `type` (see [`ListOptions::job_type`]).
    pub job_type: Option<JobType>,
}

/// Sort order of a listing by creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Desc,
    Asc,
}

impl Order {
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Desc => "Desc",
            Order::Asc => "Asc",
        }
    }
}

/// Filters and paging of a listing. Only the fields that are set are sent; the service's defaults apply
/// to the rest (`size` 10, `orderByTime` Desc, `states` All).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// `Workflow` or `Job`. When unset, one page ([`crate::Client::list_jobs`]) is sent without `type`, so the
    /// service's undocumented default applies (it may be `Workflow` only); [`crate::Client::jobs`] and
    /// [`crate::Client::pages`] instead list `Workflow` and then `Job` explicitly, so no job is skipped.
    pub job_type: Option<JobType>,
    pub order_by_time: Option<Order>,
    /// Empty means all states.
    pub states: Vec<JobState>,
    /// Page size, 1 to 100.
    pub size: Option<u32>,
    pub next_token: Option<String>,
    /// `2022-02-25T12:00:00+0800`; `Z`, `z` and `+08:00` are read too, and sent as `+hhmm`.
    pub start_creation_time: Option<String>,
    pub end_creation_time: Option<String>,
    pub workflow_id: Option<String>,
    pub job_id: Option<String>,
    pub name: Option<String>,
}

impl ListOptions {
    /// The query parameters to send, checked. Names are camelCase as the service requires.
    pub(crate) fn to_query(&self) -> Result<Vec<(&'static str, String)>> {
        let mut q: Vec<(&'static str, String)> = Vec::new();
        if let Some(t) = &self.job_type {
            q.push(("type", t.as_str().to_string()));
        }
        push_shared_filters(
            &mut q,
            self.order_by_time,
            &self.states,
            self.size,
            [&self.start_creation_time, &self.end_creation_time],
        )?;
        if let Some(t) = self.next_token.as_deref().filter(|t| !t.is_empty()) {
            q.push(("nextToken", t.to_string()));
        }
        for (arg, value, name) in [
            ("workflow_id", &self.workflow_id, "workflowId"),
            ("job_id", &self.job_id, "jobId"),
            ("name", &self.name, "name"),
        ] {
            if let Some(v) = value {
                validate::xml_text(arg, v)?;
                validate::max_len(arg, v, MAX_FIELD_BYTES)?;
                q.push((name, v.clone()));
            }
        }
        Ok(q)
    }
}

/// The filters listing jobs and listing per-object results share, checked: order, states, page size (1 to 100) and
/// the creation-time range (sent in the documented form).
pub(crate) fn push_shared_filters(
    q: &mut Vec<(&'static str, String)>,
    order_by_time: Option<Order>,
    states: &[JobState],
    size: Option<u32>,
    [start, end]: [&Option<String>; 2],
) -> Result<()> {
    if let Some(o) = order_by_time {
        q.push(("orderByTime", o.as_str().to_string()));
    }
    if !states.is_empty() {
        let states: Vec<&str> = states.iter().map(JobState::as_str).collect();
        if states.iter().any(|s| s.is_empty() || s.contains(',')) {
            return Err(Error::invalid("states", "a state is empty or contains ','"));
        }
        q.push(("states", states.join(",")));
    }
    if let Some(size) = size {
        if !(1..=100).contains(&size) {
            return Err(Error::invalid("size", format!("{size} is outside 1..=100")));
        }
        q.push(("size", size.to_string()));
    }
    for (arg, value, name) in
        [("start_creation_time", start, "startCreationTime"), ("end_creation_time", end, "endCreationTime")]
    {
        if let Some(v) = value {
            q.push((name, validate::ci_time(arg, v)?));
        }
    }
    Ok(())
}

/// Create a job that triggers a workflow over some input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowJobRequest {
    pub name: String,
    pub input: Input,
    pub workflow_id: String,
    pub time_interval: Option<TimeInterval>,
}

impl WorkflowJobRequest {
    pub fn new(name: impl Into<String>, input: Input, workflow_id: impl Into<String>) -> Self {
        WorkflowJobRequest { name: name.into(), input, workflow_id: workflow_id.into(), time_interval: None }
    }

    /// Only objects uploaded in `[start, end]` (applies with a prefix input).
    pub fn time_interval(mut self, start: impl Into<String>, end: impl Into<String>) -> Self {
        self.time_interval = Some(TimeInterval { start: Some(start.into()), end: Some(end.into()) });
        self
    }

    /// The `<Request>` body, checked and escaped.
    pub fn to_xml(&self) -> Result<String> {
        let mut b = Body::new(&self.name, "Workflow", &self.input)?;
        b.field("workflow_id", "WorkflowIds", Some(&self.workflow_id), true)?;
        b.time_interval(&self.time_interval)?;
        b.finish()
    }
}

/// Create a Job-type job: run one job type (`Tag`) directly over some input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRequest {
    pub name: String,
    pub input: Input,
    /// The job type, e.g. `Transcode`, `Snapshot`, `ImageInspect`, `PicProcess`.
    pub tag: String,
    /// The `<JobParam>` children: `TemplateId` and any tag-specific container, passed through as given.
    pub job_param: Vec<XmlElement>,
    /// The `<Output>` children: `Region`, `Bucket`, `Object` and any other field, passed through as given.
    pub output: Vec<XmlElement>,
    pub queue_id: Option<String>,
    pub user_data: Option<String>,
    /// Priority, 0 to 2.
    pub job_level: Option<u8>,
    pub callback: Option<String>,
    /// `XML` or `JSON`, in any letter case (sent in capitals).
    pub callback_format: Option<String>,
    /// `Url`, `TDMQ` or `Kafka`, in any letter case (sent as written here).
    pub callback_type: Option<String>,
    pub callback_mq_config: Option<CallBackMqConfig>,
    /// For `CallBackType` `Kafka`.
    pub callback_kafka_config: Option<CallBackKafkaConfig>,
    /// The queue type, e.g. `SpeedTranscoding` (sent after `QueueId`).
    pub queue_type: Option<String>,
    pub time_interval: Option<TimeInterval>,
    /// Further `<Operation>` children the library does not model, passed through as given.
    pub extra_operation: Vec<XmlElement>,
}

impl JobRequest {
    pub fn new(name: impl Into<String>, tag: impl Into<String>, input: Input) -> Self {
        JobRequest {
            name: name.into(),
            input,
            tag: tag.into(),
            job_param: Vec::new(),
            output: Vec::new(),
            queue_id: None,
            user_data: None,
            job_level: None,
            callback: None,
            callback_format: None,
            callback_type: None,
            callback_mq_config: None,
            callback_kafka_config: None,
            queue_type: None,
            time_interval: None,
            extra_operation: Vec::new(),
        }
    }

    /// `QueueType`, e.g. `SpeedTranscoding`.
    pub fn queue_type(mut self, v: impl Into<String>) -> Self {
        self.queue_type = Some(v.into());
        self
    }

    /// A Kafka callback: sets `CallBackType` `Kafka` and `CallBackKafkaConfig`.
    pub fn callback_kafka(
        mut self,
        region: impl Into<String>,
        instance_id: impl Into<String>,
        topic: impl Into<String>,
    ) -> Self {
        self.callback_type = Some("Kafka".into());
        self.callback_kafka_config = Some(CallBackKafkaConfig {
            region: Some(region.into()),
            instance_id: Some(instance_id.into()),
            topic: Some(topic.into()),
        });
        self
    }

    pub fn template_id(self, id: impl Into<String>) -> Self {
        self.param(XmlElement::with_text("TemplateId", id))
    }

    /// Adds a `<JobParam>` child (any element, with nested children if needed).
    pub fn param(mut self, element: XmlElement) -> Self {
        self.job_param.push(element);
        self
    }

    /// Sets `<Output>` `Region`, `Bucket` and `Object`, replacing any set before (placeholders such as
    /// `${InputName}` are kept as given). Other `<Output>` children stay.
    pub fn output(mut self, region: impl Into<String>, bucket: impl Into<String>, object: impl Into<String>) -> Self {
        self.set_output(region, bucket, object);
        self
    }

    /// [`JobRequest::output`] on a borrowed request.
    pub fn set_output(&mut self, region: impl Into<String>, bucket: impl Into<String>, object: impl Into<String>) {
        self.output.retain(|e| !matches!(e.name.as_str(), "Region" | "Bucket" | "Object"));
        let first = [("Region", region.into()), ("Bucket", bucket.into()), ("Object", object.into())];
        self.output.splice(0..0, first.into_iter().map(|(name, text)| XmlElement::with_text(name, text)));
    }

    /// Adds an `<Output>` child (e.g. `SpriteObject`).
    pub fn output_element(mut self, element: XmlElement) -> Self {
        self.output.push(element);
        self
    }

    pub fn queue_id(mut self, v: impl Into<String>) -> Self {
        self.queue_id = Some(v.into());
        self
    }

    pub fn user_data(mut self, v: impl Into<String>) -> Self {
        self.user_data = Some(v.into());
        self
    }

    pub fn job_level(mut self, v: u8) -> Self {
        self.job_level = Some(v);
        self
    }

    pub fn callback(mut self, url: impl Into<String>) -> Self {
        self.callback = Some(url.into());
        self
    }

    pub fn time_interval(mut self, start: impl Into<String>, end: impl Into<String>) -> Self {
        self.time_interval = Some(TimeInterval { start: Some(start.into()), end: Some(end.into()) });
        self
    }

    /// The `<Request>` body, checked and escaped.
    pub fn to_xml(&self) -> Result<String> {
        let mut b = Body::new(&self.name, "Job", &self.input)?;
        b.field("tag", "Tag", Some(&self.tag), true)?;
        b.container("job_param", "JobParam", &self.job_param)?;
        b.container("output", "Output", &self.output)?;
        b.field("queue_id", "QueueId", self.queue_id.as_deref(), false)?;
        b.field("queue_type", "QueueType", self.queue_type.as_deref(), false)?;
        if let Some(u) = &self.user_data {
            if u.chars().count() > 1024 {
                return Err(Error::invalid("user_data", "is longer than 1024 characters"));
            }
        }
        b.field("user_data", "UserData", self.user_data.as_deref(), false)?;
        if let Some(level) = self.job_level {
            if level > 2 {
                return Err(Error::invalid("job_level", format!("{level} is outside 0..=2")));
            }
            b.field("job_level", "JobLevel", Some(&level.to_string()), false)?;
        }
        b.field("callback", "CallBack", self.callback.as_deref(), false)?;
        let format = self.callback_format.as_deref().map(|f| match f.to_ascii_uppercase().as_str() {
            "XML" => Ok("XML"),
            "JSON" => Ok("JSON"),
            _ => Err(Error::invalid("callback_format", format!("{f:?} is not XML or JSON"))),
        });
        b.field("callback_format", "CallBackFormat", format.transpose()?, false)?;
        let kind = self.callback_type.as_deref().map(|t| match t.to_ascii_lowercase().as_str() {
            "url" => Ok("Url"),
            "tdmq" => Ok("TDMQ"),
            "kafka" => Ok("Kafka"),
            _ => Err(Error::invalid("callback_type", format!("{t:?} is not Url, TDMQ or Kafka"))),
        });
        b.field("callback_type", "CallBackType", kind.transpose()?, false)?;
        if let Some(mq) = &self.callback_mq_config {
            let mut children = Vec::new();
            for (name, v) in [("MqMode", &mq.mq_mode), ("MqRegion", &mq.mq_region), ("MqName", &mq.mq_name)] {
                if let Some(v) = v {
                    children.push(XmlElement::with_text(name, v.clone()));
                }
            }
            b.container("callback_mq_config", "CallBackMqConfig", &children)?;
        }
        if let Some(k) = &self.callback_kafka_config {
            let mut children = Vec::new();
            for (name, v) in [("Region", &k.region), ("InstanceId", &k.instance_id), ("Topic", &k.topic)] {
                if let Some(v) = v {
                    children.push(XmlElement::with_text(name, v.clone()));
                }
            }
            b.container("callback_kafka_config", "CallBackKafkaConfig", &children)?;
        }
        b.time_interval(&self.time_interval)?;
        for e in &self.extra_operation {
            b.element("extra_operation", e)?;
        }
        b.finish()
    }
}

/// The longest value of one field we send (object keys are at most 850 bytes, URLs a few KiB).
const MAX_FIELD_BYTES: usize = 8 << 10;
/// The largest create body we send, pass-through elements included.
const MAX_BODY_BYTES: usize = 1 << 20;

/// Builds a create body in the element order the official Go SDK uses.
struct Body {
    out: String,
}

impl Body {
    fn new(name: &str, job_type: &str, input: &Input) -> Result<Body> {
        validate::job_name(name)?;
        if input.value().is_empty() {
            return Err(Error::invalid("input", format!("{} is empty", input.element_name())));
        }
        validate::xml_text("input", input.value())?;
        validate::max_len("input", input.value(), MAX_FIELD_BYTES)?;
        let mut out = String::with_capacity(512);
        out.push_str("<Request><Name>");
        out.push_str(&escape_text(name));
        out.push_str("</Name><Type>");
        out.push_str(job_type);
        out.push_str("</Type><Input><");
        out.push_str(input.element_name());
        out.push('>');
        out.push_str(&escape_text(input.value()));
        out.push_str("</");
        out.push_str(input.element_name());
        out.push_str("></Input><Operation>");
        Ok(Body { out })
    }

    fn field(&mut self, arg: &'static str, name: &str, value: Option<&str>, required: bool) -> Result<()> {
        match value {
            Some(v) if !v.is_empty() => {
                validate::xml_text(arg, v)?;
                validate::max_len(arg, v, MAX_FIELD_BYTES)?;
                self.element(arg, &XmlElement::with_text(name, v))
            }
            _ if required => Err(Error::invalid(arg, "is required")),
            _ => Ok(()),
        }
    }

    fn container(&mut self, arg: &'static str, name: &str, children: &[XmlElement]) -> Result<()> {
        if children.is_empty() {
            return Ok(());
        }
        let e = XmlElement { name: name.to_string(), text: String::new(), children: children.to_vec() };
        self.element(arg, &e)
    }

    fn element(&mut self, arg: &'static str, e: &XmlElement) -> Result<()> {
        check_element(arg, e)?;
        e.write_xml(&mut self.out);
        Ok(())
    }

    fn time_interval(&mut self, t: &Option<TimeInterval>) -> Result<()> {
        if let Some(t) = t {
            let mut children = Vec::new();
            for (arg, name, v) in [("time_interval.start", "Start", &t.start), ("time_interval.end", "End", &t.end)] {
                if let Some(v) = v {
                    children.push(XmlElement::with_text(name, validate::ci_time(arg, v)?));
                }
            }
            self.container("time_interval", "TimeInterval", &children)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<String> {
        self.out.push_str("</Operation></Request>");
        if self.out.len() > MAX_BODY_BYTES {
            return Err(Error::invalid(
                "request",
                format!("the body would be {} bytes; at most {MAX_BODY_BYTES}", self.out.len()),
            ));
        }
        Ok(self.out)
    }
}

/// Element names must be XML names (they are written unescaped); text must be XML text. Walks the tree without
/// recursion.
fn check_element(arg: &'static str, e: &XmlElement) -> Result<()> {
    for e in e.descendants() {
        if !crate::xml::is_xml_name(&e.name) {
            return Err(Error::invalid(arg, format!("{:?} is not a valid XML element name", e.name)));
        }
        validate::xml_text(arg, &e.text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_body_matches_go_sdk() {
        let req = WorkflowJobRequest::new("demo", Input::Prefix("input/".into()), "w7476ff3564ee45b7b490d64bccaba6cc")
            .time_interval("2022-02-01T12:00:00+0800", "2022-05-01T12:00:00+0800");
        let body = req.to_xml().unwrap();
        assert_eq!(
            body,
            "<Request><Name>demo</Name><Type>Workflow</Type><Input><Prefix>input/</Prefix></Input><Operation><WorkflowIds>w7476ff3564ee45b7b490d64bccaba6cc</WorkflowIds><TimeInterval><Start>2022-02-01T12:00:00+0800</Start><End>2022-05-01T12:00:00+0800</End></TimeInterval></Operation></Request>"
        );
        assert_eq!(body.len(), 281);
    }

    #[test]
    fn output_replaces_region_bucket_and_object_and_keeps_the_rest() {
        let req = JobRequest::new("n", "Snapshot", Input::Object("a.mp4".into()))
            .output_element(XmlElement::with_text("SpriteObject", "s.jpg"))
            .output("r1", "b1", "o1")
            .output("r2", "b2", "o2");
        let names: Vec<(&str, &str)> = req.output.iter().map(|e| (e.name.as_str(), e.text.as_str())).collect();
        assert_eq!(names, [("Region", "r2"), ("Bucket", "b2"), ("Object", "o2"), ("SpriteObject", "s.jpg")]);
    }

    #[test]
    fn job_body_escapes_and_passes_through() {
        let req = JobRequest::new("a_b-c", "Snapshot", Input::Object("in/a&b.mp4".into()))
            .template_id("t1")
            .param(XmlElement::new("Snapshot").child_text("Mode", "Interval").child_text("Count", "3"))
            .output("ap-chongqing", "out-125", "o/${InputName}.jpg")
            .output_element(XmlElement::with_text("SpriteObject", "s/<x>.jpg"))
            .queue_id("p1")
            .user_data("u&d")
            .job_level(2)
            .callback("https://cb.example.com/?a=1&b=2");
        let body = req.to_xml().unwrap();
        assert!(body.contains("<Name>a_b-c</Name>"), "{body}");
        assert!(body.contains("<Object>in/a&amp;b.mp4</Object>"));
        assert!(body.contains("<JobParam><TemplateId>t1</TemplateId><Snapshot><Mode>Interval</Mode><Count>3</Count></Snapshot></JobParam>"));
        assert!(body.contains("<Output><Region>ap-chongqing</Region><Bucket>out-125</Bucket><Object>o/${InputName}.jpg</Object><SpriteObject>s/&lt;x&gt;.jpg</SpriteObject></Output>"));
        assert!(body.contains("<UserData>u&amp;d</UserData><JobLevel>2</JobLevel><CallBack>https://cb.example.com/?a=1&amp;b=2</CallBack>"));
        // The body we build is well-formed and reads back to the same values.
        let doc = crate::xml::parse(&body, Default::default()).unwrap();
        assert_eq!(doc.root.find("Input").and_then(|i| i.find_text("Object")), Some("in/a&b.mp4"));
    }

    #[test]
    fn job_body_refuses_bad_arguments() {
        let base = || JobRequest::new("n", "Transcode", Input::Prefix("p/".into()));
        let arg = |r: JobRequest| match r.to_xml() {
            Err(Error::InvalidInput { argument, .. }) => argument,
            other => panic!("{other:?}"),
        };
        assert_eq!(arg(JobRequest::new("", "T", Input::Prefix("p".into()))), "name");
        assert_eq!(arg(JobRequest::new("n".repeat(129), "T", Input::Prefix("p".into()))), "name");
        assert_eq!(arg(JobRequest::new("n", "", Input::Prefix("p".into()))), "tag");
        assert_eq!(arg(JobRequest::new("n", "T", Input::Prefix("".into()))), "input");
        assert_eq!(arg(JobRequest::new("n\0", "T", Input::Prefix("p".into()))), "name");
        assert_eq!(arg(base().job_level(3)), "job_level");
        assert_eq!(arg(base().user_data("x".repeat(1025))), "user_data");
        assert_eq!(arg(base().param(XmlElement::with_text("Bad Name", "v"))), "job_param");
        assert_eq!(arg(base().param(XmlElement::with_text("A><B", "v"))), "job_param");
        assert_eq!(arg(base().time_interval("yesterday", "today")), "time_interval.start");
        let mut r = base();
        r.callback_format = Some("YAML".into());
        assert_eq!(arg(r), "callback_format");
    }

    #[test]
    fn list_query() {
        let opts = ListOptions {
            job_type: Some(JobType::Job),
            states: vec![JobState::Running, JobState::Failed],
            size: Some(5),
            ..Default::default()
        };
        assert_eq!(
            opts.to_query().unwrap(),
            vec![("type", "Job".to_string()), ("states", "Running,Failed".to_string()), ("size", "5".to_string())]
        );
        for size in [0, 101] {
            let o = ListOptions { size: Some(size), ..Default::default() };
            assert!(matches!(o.to_query(), Err(Error::InvalidInput { argument: "size", .. })));
        }
        let o = ListOptions { start_creation_time: Some("2022-02-25 12:00".into()), ..Default::default() };
        assert!(matches!(o.to_query(), Err(Error::InvalidInput { argument: "start_creation_time", .. })));
    }
}
