//! The job model: what the service returns (`JobsDetail`) and what we send to create jobs.
//!
//! Parsing is tolerant (unknown elements are kept in the raw XML, and `JobParam` and `Output` keep theirs whole;
//! unknown states and types keep their text); building is strict (every argument is checked, all text is escaped).

mod list;
mod parse;
mod request;
#[cfg(test)]
mod tree;

pub(crate) use list::push_shared_filters;
pub use list::{ListOptions, Order};
pub(crate) use parse::{read_job, text as own_text};
pub use request::{JobRequest, WorkflowJobRequest};

use crate::xml::XmlElement;
use std::fmt;

/// The longest value of one field we send (object keys are at most 850 bytes, URLs a few KiB).
const MAX_FIELD_BYTES: usize = 8 << 10;

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

/// Where a Job-type job writes its results. `xml` is the whole `<Output>` as the service sent it, for fields not
/// modelled here (`SpriteObject`, `AuObject`, ...); [`Output::element`] reads it as a tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub region: Option<String>,
    pub bucket: Option<String>,
    pub object: Option<String>,
    pub xml: String,
}

/// A Job-type job's parameters. `xml` is the whole `<JobParam>` as the service sent it, with every tag-specific
/// container; [`JobParam::element`] reads it as a tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobParam {
    pub template_id: Option<String>,
    pub xml: String,
}

impl Output {
    /// The whole `<Output>` as a tree, parsed from `xml` on each call; `None` when `xml` is not one well-formed
    /// element (never for a job this crate parsed).
    pub fn element(&self) -> Option<XmlElement> {
        crate::xml::element_of(&self.xml)
    }
}

impl JobParam {
    /// The whole `<JobParam>` as a tree, parsed from `xml` on each call; `None` when `xml` is not one well-formed
    /// element (never for a job this crate parsed).
    pub fn element(&self) -> Option<XmlElement> {
        crate::xml::element_of(&self.xml)
    }
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
