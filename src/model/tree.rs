//! The parser of a job this crate used before it read straight from the bytes ([`super::parse`]): a job built from
//! the element tree. Kept for the tests only, as the reference the streaming parser must agree with on every input.

use super::*;
use crate::response::JobsResponse;
use crate::xml::XmlLimits;

impl Job {
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
                o.job_param = Some(JobParam { template_id: opt(&c, "TemplateId"), xml: c.to_xml() });
                continue;
            }
            "Output" if o.output.is_none() => {
                o.output = Some(Output {
                    region: opt(&c, "Region"),
                    bucket: opt(&c, "Bucket"),
                    object: opt(&c, "Object"),
                    xml: c.to_xml(),
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

/// `parse_jobs_response` as it was, over the element tree.
fn parse_by_tree(body: &str, limits: XmlLimits) -> Result<JobsResponse, String> {
    let mut out = JobsResponse::default();
    let mut seen_request_id = false;
    let root = crate::xml::parse_each(body, limits, |root, mut child, span| {
        if root != "Response" {
            return Err(format!("expected a <Response> root, found <{root}>"));
        }
        match child.name.as_str() {
            "JobsDetail" => out.jobs.push(Job::from_element(child, &body[span])),
            "NonExistJobIds" | "NonExistJobId" => out
                .non_exist_job_ids
                .extend(child.text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)),
            "RequestId" if !seen_request_id => {
                seen_request_id = true;
                out.request_id = crate::error::printable_owned(trimmed(std::mem::take(&mut child.text)));
            }
            "NextToken" => {
                let t = child.text.trim();
                if !t.is_empty() {
                    out.next_token = Some(t.to_string());
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    if root.name != "Response" {
        return Err(format!("expected a <Response> root, found <{}>", root.name));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::{parse_jobs_response, Expected};
    use proptest::prelude::*;

    /// Both parsers' answers. The streaming parser keeps `<JobParam>` and `<Output>` as the bytes received, the tree
    /// as its tree written out: those bytes must read as the same tree.
    fn both(body: &str, limits: XmlLimits) -> (Result<JobsResponse, String>, Result<JobsResponse, String>) {
        let mut streamed = parse_jobs_response(body, limits, Expected::ANY);
        for job in streamed.iter_mut().flat_map(|r| r.jobs.iter_mut()) {
            let op = &mut job.operation;
            if let Some(p) = op.job_param.as_mut() {
                p.xml = p.element().expect("the kept <JobParam> reads as a tree").to_xml();
            }
            if let Some(o) = op.output.as_mut() {
                o.xml = o.element().expect("the kept <Output> reads as a tree").to_xml();
            }
        }
        (streamed, parse_by_tree(body, limits))
    }

    const NAMES: &[&str] = &[
        "Response",
        "JobsDetail",
        "JobId",
        "Name",
        "Type",
        "State",
        "Code",
        "Message",
        "CreationTime",
        "StartTime",
        "EndTime",
        "Progress",
        "Tag",
        "QueueId",
        "Input",
        "Prefix",
        "Object",
        "Manifest",
        "UrlFile",
        "Operation",
        "TimeInterval",
        "Start",
        "End",
        "WorkflowIds",
        "JobParam",
        "TemplateId",
        "Output",
        "Region",
        "Bucket",
        "CallBackMqConfig",
        "MqMode",
        "MqName",
        "CallBackKafkaConfig",
        "Topic",
        "InstanceId",
        "UserData",
        "JobLevel",
        "CallBack",
        "CallBackType",
        "QueueType",
        "NonExistJobIds",
        "NonExistJobId",
        "RequestId",
        "NextToken",
        "X",
    ];
    const TEXTS: &[&str] = &[
        "",
        " a ",
        "Running",
        "Workflow",
        "-",
        "x&amp;y",
        "&#x41;&lt;",
        "<![CDATA[c<d]]>",
        "\n ",
        "a,b, c",
        "<!-- c -->",
        "Success",
        "\r\n2022-06-27T15:23:10+0800\r\n",
        "é",
        "&bogus;",
        "&#0;",
        "<?pi x?>",
    ];

    #[derive(Debug, Clone)]
    enum Node {
        Text(usize),
        Element(usize, Vec<Node>, bool),
    }

    fn write(n: &Node, out: &mut String) {
        match n {
            Node::Text(t) => out.push_str(TEXTS[*t]),
            Node::Element(name, children, self_closing) => {
                let name = NAMES[*name];
                if children.is_empty() && *self_closing {
                    out.push_str(&format!("<{name}/>"));
                    return;
                }
                out.push_str(&format!("<{name}>"));
                for c in children {
                    write(c, out);
                }
                out.push_str(&format!("</{name}>"));
            }
        }
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = (0..TEXTS.len()).prop_map(Node::Text);
        leaf.prop_recursive(6, 80, 6, |inner| {
            (0..NAMES.len(), prop::collection::vec(inner, 0..6), any::<bool>())
                .prop_map(|(n, c, s)| Node::Element(n, c, s))
        })
    }

    fn document() -> impl Strategy<Value = String> {
        // A `<Response>` of job-ish children, sometimes another root, sometimes cut short or with a stray byte.
        (prop::collection::vec(node(), 0..5), 0..4usize, any::<u16>(), 0..4usize).prop_map(
            |(children, root, cut, damage)| {
                let root = ["Response", "Response", "Response", "Error"][root];
                let mut s = format!("<{root}>");
                for c in &children {
                    let c = match c {
                        Node::Element(_, kids, sc) if cut % 3 == 0 => Node::Element(1, kids.clone(), *sc),
                        c => c.clone(),
                    };
                    write(&c, &mut s);
                }
                s.push_str(&format!("</{root}>"));
                match damage {
                    1 if s.is_char_boundary(cut as usize % (s.len() + 1)) => s.truncate(cut as usize % (s.len() + 1)),
                    2 if s.is_char_boundary(cut as usize % (s.len() + 1)) => {
                        s.insert(cut as usize % (s.len() + 1), '<')
                    }
                    _ => {}
                }
                s
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
        /// The streaming parser and the tree it replaced agree on every document: the same jobs (raw XML, element
        /// trees and every field), or the same error.
        #[test]
        fn streaming_parser_agrees_with_the_tree(doc in document(), depth in 3..12usize) {
            let limits = XmlLimits { max_depth: depth, max_elements: 60 };
            let (streamed, tree) = both(&doc, limits);
            prop_assert_eq!(streamed, tree, "{}", doc);
        }
    }

    #[test]
    fn agrees_on_the_seed_and_on_hand_picked_documents() {
        let seed = include_str!("../../benches/seed_describe.xml");
        let cases = [
            seed.to_string(),
            format!("\u{feff}{seed}"),
            seed.replace("<Message/>", "<Message> m &amp; <![CDATA[n]]> </Message>"),
            seed.replace("<Input>", "<Input><Object>o</Object>").replace("</Operation>", "<JobParam>\n <TemplateId> t </TemplateId><Snapshot><Mode>I</Mode></Snapshot>\n</JobParam><Output><Region>r</Region><SpriteObject>s</SpriteObject></Output><CallBackMqConfig><MqMode>Queue</MqMode></CallBackMqConfig></Operation>"),
            "<Response><JobsDetail><JobId/><JobId> j </JobId><State>Weird</State><Type>Job</Type><Type>Workflow</Type></JobsDetail><NonExistJobIds>a, b</NonExistJobIds><NonExistJobId>c</NonExistJobId><NextToken/></Response>".into(),
            // Of repeated containers the first that holds something counts.
            "<Response><JobsDetail><Input/><Input><Prefix>p</Prefix></Input><Input><Object>o</Object></Input><Operation><X/></Operation><Operation><Tag>a</Tag><JobParam/><JobParam><TemplateId>t</TemplateId></JobParam></Operation><Operation><Tag>b</Tag></Operation></JobsDetail></Response>".into(),
            "<Error><Code>x</Code></Error>".into(),
            "<Error/>".into(),
            "<Response/>".into(),
        ];
        for doc in cases {
            let (streamed, tree) = both(&doc, XmlLimits::default());
            assert!(streamed.is_ok() == doc.contains("<Response"), "{doc}: {streamed:?}");
            assert_eq!(streamed, tree, "{doc}");
        }
    }
}
