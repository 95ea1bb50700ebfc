//! What we send to create jobs: the request builders and the bodies they make (strict: every argument is checked,
//! all text is escaped).

use super::{CallBackKafkaConfig, CallBackMqConfig, Input, TimeInterval, MAX_FIELD_BYTES};
use crate::error::{Error, Result};
use crate::validate;
use crate::xml::{escape_text, XmlElement};

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
}
