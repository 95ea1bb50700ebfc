//! Reading a `<JobsDetail>` straight from the checked event stream into a [`Job`]: no element tree, one string per
//! field kept, none for the fields skipped. Unknown elements stay reachable through the job's `raw_xml` (the
//! element's bytes as received) and, inside `JobParam` and `Output`, through those elements' own bytes (`xml`).
//!
//! Tolerant as the service needs: missing elements become empty or `None`, unknown ones are skipped, of repeated
//! elements the first counts, an element's text is its own text (what its children hold is theirs), trimmed.

use super::{
    CallBackKafkaConfig, CallBackMqConfig, Job, JobInput, JobOperation, JobParam, JobState, JobType, Output,
    TimeInterval,
};
use crate::xml::{Scanner, Step};
use std::borrow::Cow;

/// Reads the rest of the element the scanner has just opened (a `<JobsDetail>` whose `<` is at `at` in `src`), up to
/// and including its end tag, into a job.
pub(crate) fn read_job<'a>(scan: &mut Scanner<'a>, src: &'a str, at: usize) -> Result<Job, String> {
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
        raw_xml: String::new(),
    };
    let (mut seen_type, mut seen_state) = (false, false);
    let depth = scan.depth();
    loop {
        let name = match step(scan)? {
            Step::Open { name, .. } => name,
            Step::Text(_) => continue,
            Step::Close { end } => {
                job.raw_xml = src[at..end].to_string();
                return Ok(job);
            }
        };
        match name {
            "JobId" => first_str(&mut job.job_id, text(scan)?),
            "Name" => first_str(&mut job.name, text(scan)?),
            "Code" => first_str(&mut job.code, text(scan)?),
            "Message" => first_str(&mut job.message, text(scan)?),
            "Type" if !seen_type => (seen_type, job.job_type) = (true, JobType::parse(&text(scan)?)),
            "State" if !seen_state => (seen_state, job.state) = (true, JobState::parse(&text(scan)?)),
            "CreationTime" => first_time(&mut job.creation_time, text(scan)?),
            "Progress" => first(&mut job.progress, text(scan)?),
            "Tag" => first(&mut job.tag, text(scan)?),
            "QueueId" => first(&mut job.queue_id, text(scan)?),
            "StartTime" => first_time(&mut job.start_time, text(scan)?),
            "EndTime" => first_time(&mut job.end_time, text(scan)?),
            "Input" if job.input == JobInput::default() => {
                let i = &mut job.input;
                let ([prefix, manifest, url_file, object], _) =
                    fields(scan, ["Prefix", "Manifest", "UrlFile", "Object"])?;
                (i.prefix, i.manifest, i.url_file, i.object) = (prefix, manifest, url_file, object);
            }
            "Operation" if job.operation == JobOperation::default() => job.operation = operation(scan, src)?,
            _ => scan.skip_to_close(depth + 1)?,
        }
    }
}

/// The rest of an `<Operation>` (in `src`).
fn operation<'a>(scan: &mut Scanner<'a>, src: &'a str) -> Result<JobOperation, String> {
    let mut o = JobOperation::default();
    let depth = scan.depth();
    loop {
        let (name, at) = match step(scan)? {
            Step::Open { name, at } => (name, at),
            Step::Text(_) => continue,
            Step::Close { .. } => return Ok(o),
        };
        let slot = match name {
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
                let ([region, instance_id, topic], _) = fields(scan, ["Region", "InstanceId", "Topic"])?;
                o.callback_kafka_config = Some(CallBackKafkaConfig { region, instance_id, topic });
                continue;
            }
            "CallBackMqConfig" if o.callback_mq_config.is_none() => {
                let ([mq_mode, mq_region, mq_name], _) = fields(scan, ["MqMode", "MqRegion", "MqName"])?;
                o.callback_mq_config = Some(CallBackMqConfig { mq_mode, mq_region, mq_name });
                continue;
            }
            "TimeInterval" if o.time_interval.is_none() => {
                let mut t = TimeInterval::default();
                let d = scan.depth();
                loop {
                    match step(scan)? {
                        Step::Open { name: "Start", .. } => first_time(&mut t.start, text(scan)?),
                        Step::Open { name: "End", .. } => first_time(&mut t.end, text(scan)?),
                        Step::Open { .. } => scan.skip_to_close(d + 1)?,
                        Step::Text(_) => {}
                        Step::Close { .. } => break,
                    }
                }
                o.time_interval = Some(t);
                continue;
            }
            // Kept as the bytes received: a tree is built only for whoever asks (`element()`).
            "JobParam" if o.job_param.is_none() => {
                let ([template_id], end) = fields(scan, ["TemplateId"])?;
                o.job_param = Some(JobParam { template_id, xml: src[at..end].to_string() });
                continue;
            }
            "Output" if o.output.is_none() => {
                let ([region, bucket, object], end) = fields(scan, ["Region", "Bucket", "Object"])?;
                o.output = Some(Output { region, bucket, object, xml: src[at..end].to_string() });
                continue;
            }
            _ => {
                scan.skip_to_close(depth + 1)?;
                continue;
            }
        };
        first(slot, text(scan)?);
    }
}

/// The next step inside an open element (the end of the document there means it was cut short).
fn step<'a>(scan: &mut Scanner<'a>) -> Result<Step<'a>, String> {
    scan.next()?.ok_or_else(|| "truncated document: unclosed elements".to_string())
}

/// The rest of the element just opened: its own text (its children's is skipped), read up to its end tag.
/// Borrowed from the source unless it came in pieces or needed unescaping.
pub(crate) fn text<'a>(scan: &mut Scanner<'a>) -> Result<Cow<'a, str>, String> {
    let depth = scan.depth();
    let mut out: Cow<'a, str> = Cow::Borrowed("");
    loop {
        match step(scan)? {
            Step::Text(t) if out.is_empty() => out = t,
            Step::Text(t) => out.to_mut().push_str(&t),
            Step::Open { .. } => scan.skip_to_close(depth + 1)?,
            Step::Close { .. } => return Ok(out),
        }
    }
}

/// The rest of the element just opened: the trimmed text of the first child of each of `names` (`None` for a name
/// no child has), and the offset just past the element's end tag.
fn fields<const N: usize>(scan: &mut Scanner<'_>, names: [&str; N]) -> Result<([Option<String>; N], usize), String> {
    let mut out = [const { None }; N];
    let depth = scan.depth();
    loop {
        match step(scan)? {
            Step::Open { name, .. } => match names.iter().position(|n| *n == name) {
                Some(i) => first(&mut out[i], text(scan)?),
                None => scan.skip_to_close(depth + 1)?,
            },
            Step::Text(_) => {}
            Step::Close { end } => return Ok((out, end)),
        }
    }
}

fn first_str(slot: &mut String, text: Cow<'_, str>) {
    if slot.is_empty() {
        *slot = text.trim().to_string();
    }
}

fn first(slot: &mut Option<String>, text: Cow<'_, str>) {
    if slot.is_none() {
        *slot = Some(text.trim().to_string());
    }
}

/// `-` and empty mean "not yet".
fn first_time(slot: &mut Option<String>, text: Cow<'_, str>) {
    let t = text.trim();
    if slot.is_none() && !t.is_empty() && t != "-" {
        *slot = Some(t.to_string());
    }
}
