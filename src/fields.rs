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
        self.field_text(f).map(str::to_string)
    }

    /// As [`Job::field`], borrowed from the job (every field is stored as the text received), so that reading it
    /// copies nothing.
    pub fn field_text(&self, f: JobField) -> Option<&str> {
        use JobField::*;
        let op = &self.operation;
        let ti = op.time_interval.as_ref();
        let out = op.output.as_ref();
        let mq = op.callback_mq_config.as_ref();
        let kafka = op.callback_kafka_config.as_ref();
        let text: Option<&str> = match f {
            JobParamXml => op.job_param.as_ref().map(|p| p.xml.as_str()),
            OutputXml => out.map(|o| o.xml.as_str()),
            JobId => Some(&self.job_id),
            Name => Some(&self.name),
            Type => Some(self.job_type.as_str()),
            State => Some(self.state.as_str()),
            Code => Some(&self.code),
            Message => Some(&self.message),
            CreationTime => self.creation_time.as_deref(),
            StartTime => self.start_time.as_deref(),
            EndTime => self.end_time.as_deref(),
            Prefix => self.input.prefix.as_deref(),
            Manifest => self.input.manifest.as_deref(),
            UrlFile => self.input.url_file.as_deref(),
            Object => self.input.object.as_deref(),
            WorkflowIds => op.workflow_ids.as_deref(),
            TimeIntervalStart => ti.and_then(|t| t.start.as_deref()),
            TimeIntervalEnd => ti.and_then(|t| t.end.as_deref()),
            // The operation's, else the one some answers carry at the top of `JobsDetail`.
            Tag => op.tag.as_deref().or(self.tag.as_deref()),
            TemplateId => op.job_param.as_ref().and_then(|p| p.template_id.as_deref()),
            OutputRegion => out.and_then(|o| o.region.as_deref()),
            OutputBucket => out.and_then(|o| o.bucket.as_deref()),
            OutputObject => out.and_then(|o| o.object.as_deref()),
            QueueId => op.queue_id.as_deref().or(self.queue_id.as_deref()),
            UserData => op.user_data.as_deref(),
            JobLevel => op.job_level.as_deref(),
            Callback => op.callback.as_deref(),
            CallbackFormat => op.callback_format.as_deref(),
            CallbackType => op.callback_type.as_deref(),
            CallbackMqMode => mq.and_then(|m| m.mq_mode.as_deref()),
            CallbackMqRegion => mq.and_then(|m| m.mq_region.as_deref()),
            CallbackMqName => mq.and_then(|m| m.mq_name.as_deref()),
            CallbackKafkaRegion => kafka.and_then(|k| k.region.as_deref()),
            CallbackKafkaInstanceId => kafka.and_then(|k| k.instance_id.as_deref()),
            CallbackKafkaTopic => kafka.and_then(|k| k.topic.as_deref()),
            QueueType => op.queue_type.as_deref(),
            Progress => self.progress.as_deref(),
            RawXml => Some(&self.raw_xml),
        };
        text
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
            let value = self.field_text(f);
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
