//! A job as flat, named text fields: what the C getters (`cibatch_job_<field>`) return, the names Python's `Job`
//! attributes and `to_dict()` use, and the command line's JSON output. One table, so that every front end names and
//! reads a field the same way.

use crate::Job;

/// Defines [`JobField`] from one list: each variant with its snake_case name, in output order.
macro_rules! job_fields {
    ($($variant:ident => $name:literal,)*) => {
        /// Every flat field of a [`Job`], in output order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum JobField {
            $($variant,)*
        }

        impl JobField {
            pub const ALL: [JobField; [$($name),*].len()] = [$(JobField::$variant),*];

            /// The snake_case name (`"job_id"`, `"time_interval_start"`, ...).
            pub fn name(self) -> &'static str {
                match self {
                    $(JobField::$variant => $name,)*
                }
            }
        }
    };
}

job_fields! {
    JobId => "job_id",
    Name => "name",
    Type => "type",
    State => "state",
    Code => "code",
    Message => "message",
    CreationTime => "creation_time",
    StartTime => "start_time",
    EndTime => "end_time",
    Prefix => "prefix",
    Manifest => "manifest",
    UrlFile => "url_file",
    Object => "object",
    WorkflowIds => "workflow_ids",
    TimeIntervalStart => "time_interval_start",
    TimeIntervalEnd => "time_interval_end",
    Tag => "tag",
    TemplateId => "template_id",
    JobParamXml => "job_param_xml",
    OutputRegion => "output_region",
    OutputBucket => "output_bucket",
    OutputObject => "output_object",
    OutputXml => "output_xml",
    QueueId => "queue_id",
    UserData => "user_data",
    JobLevel => "job_level",
    Callback => "callback",
    CallbackFormat => "callback_format",
    CallbackType => "callback_type",
    CallbackMqMode => "callback_mq_mode",
    CallbackMqRegion => "callback_mq_region",
    CallbackMqName => "callback_mq_name",
    CallbackKafkaRegion => "callback_kafka_region",
    CallbackKafkaInstanceId => "callback_kafka_instance_id",
    CallbackKafkaTopic => "callback_kafka_topic",
    QueueType => "queue_type",
    Progress => "progress",
    RawXml => "raw_xml",
}

impl Job {
    /// A field's text as received; `None` when the job does not have it.
    pub fn field(&self, f: JobField) -> Option<String> {
        use JobField::*;
        let op = &self.operation;
        let ti = op.time_interval.as_ref();
        let out = op.output.as_ref();
        let mq = op.callback_mq_config.as_ref();
        let kafka = op.callback_kafka_config.as_ref();
        let s = |v: &str| Some(v.to_string());
        match f {
            JobId => s(&self.job_id),
            Name => s(&self.name),
            Type => s(self.job_type.as_str()),
            State => s(self.state.as_str()),
            Code => s(&self.code),
            Message => s(&self.message),
            CreationTime => self.creation_time.clone(),
            StartTime => self.start_time.clone(),
            EndTime => self.end_time.clone(),
            Prefix => self.input.prefix.clone(),
            Manifest => self.input.manifest.clone(),
            UrlFile => self.input.url_file.clone(),
            Object => self.input.object.clone(),
            WorkflowIds => op.workflow_ids.clone(),
            TimeIntervalStart => ti.and_then(|t| t.start.clone()),
            TimeIntervalEnd => ti.and_then(|t| t.end.clone()),
            // The operation's, else the one some answers carry at the top of `JobsDetail`.
            Tag => op.tag.clone().or_else(|| self.tag.clone()),
            TemplateId => op.job_param.as_ref().and_then(|p| p.template_id.clone()),
            JobParamXml => op.job_param.as_ref().map(|p| p.element.to_xml()),
            OutputRegion => out.and_then(|o| o.region.clone()),
            OutputBucket => out.and_then(|o| o.bucket.clone()),
            OutputObject => out.and_then(|o| o.object.clone()),
            OutputXml => out.map(|o| o.element.to_xml()),
            QueueId => op.queue_id.clone().or_else(|| self.queue_id.clone()),
            UserData => op.user_data.clone(),
            JobLevel => op.job_level.clone(),
            Callback => op.callback.clone(),
            CallbackFormat => op.callback_format.clone(),
            CallbackType => op.callback_type.clone(),
            CallbackMqMode => mq.and_then(|m| m.mq_mode.clone()),
            CallbackMqRegion => mq.and_then(|m| m.mq_region.clone()),
            CallbackMqName => mq.and_then(|m| m.mq_name.clone()),
            CallbackKafkaRegion => kafka.and_then(|k| k.region.clone()),
            CallbackKafkaInstanceId => kafka.and_then(|k| k.instance_id.clone()),
            CallbackKafkaTopic => kafka.and_then(|k| k.topic.clone()),
            QueueType => op.queue_type.clone(),
            Progress => self.progress.clone(),
            RawXml => s(&self.raw_xml),
        }
    }
}

/// A job as an object of every flat field, named as [`JobField::name`] gives (Python's `Job.to_dict()` names);
/// absent fields are null, `job_level` is a number, everything else text as the service gave it.
#[cfg(feature = "serde")]
impl serde::Serialize for Job {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(JobField::ALL.len()))?;
        for f in JobField::ALL {
            let value = self.field(f);
            match f {
                JobField::JobLevel => {
                    map.serialize_entry(f.name(), &value.and_then(|v| v.trim().parse::<u64>().ok()))?
                }
                _ => map.serialize_entry(f.name(), &value)?,
            }
        }
        map.end()
    }
}
