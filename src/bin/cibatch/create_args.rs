//! The arguments of `cibatch create`, and how they become a workflow or job request.

use cibatch::{Error, Input, JobRequest, WorkflowJobRequest};
use clap::{Args, Subcommand};

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
