//! Request builders: `cibatch_workflow_request`, `cibatch_job_request`, `cibatch_list_options`.
//! Each is used from one thread at a time; the client only reads them, so one may be reused for many calls.

use super::*;
use crate::model::{CallBackMqConfig, TimeInterval};
use crate::xml::{self, XmlElement};
use crate::{Input, JobRequest, JobState, JobType, ListOptions, Order, WorkflowJobRequest};

/// Which objects a job runs over (the `input_kind` arguments).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cibatch_input_kind {
    /// Every object under a key prefix.
    CIBATCH_INPUT_PREFIX = 0,
    /// A COS inventory `manifest.json` URL.
    CIBATCH_INPUT_MANIFEST = 1,
    /// An object whose lines are object URLs.
    CIBATCH_INPUT_URL_FILE = 2,
    /// One object key.
    CIBATCH_INPUT_OBJECT = 3,
}

/// Sort order of a listing by creation time (the `order` argument).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cibatch_order {
    CIBATCH_ORDER_DESC = 0,
    CIBATCH_ORDER_ASC = 1,
}

/// A request to create a Workflow job.
pub struct cibatch_workflow_request {
    pub(crate) request: WorkflowJobRequest,
}

/// A request to create a Job-type job.
pub struct cibatch_job_request {
    pub(crate) request: JobRequest,
}

/// Filters and paging for a listing.
pub struct cibatch_list_options {
    pub(crate) options: ListOptions,
}

editable! {
    cibatch_workflow_request => request: WorkflowJobRequest as "request";
    cibatch_job_request => request: JobRequest as "request";
    cibatch_list_options => options: ListOptions as "options";
}

fn input(kind: u32, value: &str) -> FfiResult<Input> {
    let v = value.to_string();
    use cibatch_input_kind::*;
    Ok(match kind {
        k if k == CIBATCH_INPUT_PREFIX as u32 => Input::Prefix(v),
        k if k == CIBATCH_INPUT_MANIFEST as u32 => Input::Manifest(v),
        k if k == CIBATCH_INPUT_URL_FILE as u32 => Input::UrlFile(v),
        k if k == CIBATCH_INPUT_OBJECT as u32 => Input::Object(v),
        _ => return Err(Error::invalid("input_kind", format!("{kind} is not a cibatch_input_kind")).into()),
    })
}

/// A `cibatch_order` argument.
pub(crate) fn order_arg(order: u32) -> FfiResult<Order> {
    match order {
        o if o == cibatch_order::CIBATCH_ORDER_DESC as u32 => Ok(Order::Desc),
        o if o == cibatch_order::CIBATCH_ORDER_ASC as u32 => Ok(Order::Asc),
        _ => Err(Error::invalid("order", format!("{order} is not a cibatch_order")).into()),
    }
}

/// Parses an XML fragment (one or more elements) into elements to pass through.
fn fragment(xml_text: &str, arg: &'static str) -> FfiResult<Vec<XmlElement>> {
    Ok(xml::parse_fragment(xml_text).map_err(|reason| Error::invalid(arg, reason))?)
}

/// A request to trigger workflow `workflow_id` over an input (`input_kind` is a `cibatch_input_kind`). Strings are
/// copied. On success `*request_out` is a new request the caller frees with `cibatch_workflow_request_free`.
/// Arguments are checked when the request is sent (`name`: 1 to 128 letters, digits, `-`, `_` or CJK characters).
#[no_mangle]
pub unsafe extern "C" fn cibatch_workflow_request_new(
    name: *const c_char,
    input_kind: u32,
    input_value: *const c_char,
    workflow_id: *const c_char,
    request_out: *mut *mut cibatch_workflow_request,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let name = arg_str(name, "name")?;
        let input = input(input_kind, arg_str(input_value, "input_value")?)?;
        let workflow_id = arg_str(workflow_id, "workflow_id")?;
        produce(request_out, "request_out", || {
            Ok(cibatch_workflow_request { request: WorkflowJobRequest::new(name, input, workflow_id) })
        })
    })
}

/// Only objects uploaded between `start` and `end` (`"2022-02-01T12:00:00+0800"`; `+08:00`, `Z` and `z` are read
/// too, and sent as `+hhmm`); either may be NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_workflow_request_set_time_interval(
    request: *mut cibatch_workflow_request,
    start: *const c_char,
    end: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let r = arg_mut(request, "request")?;
        r.request.time_interval = Some(TimeInterval { start: opt_text(start, "start")?, end: opt_text(end, "end")? });
        Ok(())
    })
}

/// Frees a workflow request. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_workflow_request_free(request: *mut cibatch_workflow_request) {
    guard((), || free_box(request))
}

/// A request to run job type `tag` (`"Transcode"`, `"Snapshot"`, ...) over an input (`input_kind` is a
/// `cibatch_input_kind`). Strings are copied. On success `*request_out` is a new request the caller frees with
/// `cibatch_job_request_free`. Arguments are checked when the request is sent (`name` as for
/// `cibatch_workflow_request_new`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_new(
    name: *const c_char,
    tag: *const c_char,
    input_kind: u32,
    input_value: *const c_char,
    request_out: *mut *mut cibatch_job_request,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let (name, tag) = (arg_str(name, "name")?, arg_str(tag, "tag")?);
        let input = input(input_kind, arg_str(input_value, "input_value")?)?;
        produce(request_out, "request_out", || Ok(cibatch_job_request { request: JobRequest::new(name, tag, input) }))
    })
}

/// Adds a text element to `<JobParam>`, e.g. `("TemplateId", "t1...")`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_add_param(
    request: *mut cibatch_job_request,
    name: *const c_char,
    value: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(request, error, |r| {
        r.job_param.push(XmlElement::with_text(arg_str(name, "name")?, arg_str(value, "value")?));
        Ok(())
    })
}

/// Adds elements given as an XML fragment to `<JobParam>`, for tag-specific containers this library does not
/// model, e.g. `"<Snapshot><Mode>Interval</Mode><Count>3</Count></Snapshot>"`. The fragment is parsed here (a
/// malformed one is `CIBATCH_INVALID_INPUT`) and re-escaped when sent.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_add_param_xml(
    request: *mut cibatch_job_request,
    xml_fragment: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(request, error, |r| {
        r.job_param.extend(fragment(arg_str(xml_fragment, "xml_fragment")?, "xml_fragment")?);
        Ok(())
    })
}

/// Sets `<Output>` `Region`, `Bucket` and `Object`, replacing any set before (placeholders such as `${InputName}`
/// are kept as given). Other `<Output>` children stay.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_set_output(
    request: *mut cibatch_job_request,
    region: *const c_char,
    bucket: *const c_char,
    object: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(request, error, |r| {
        let (region, bucket, object) =
            (arg_str(region, "region")?, arg_str(bucket, "bucket")?, arg_str(object, "object")?);
        r.set_output(region, bucket, object);
        Ok(())
    })
}

/// Adds elements given as an XML fragment to `<Output>`, e.g. `"<SpriteObject>s/${Number}.jpg</SpriteObject>"`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_add_output_xml(
    request: *mut cibatch_job_request,
    xml_fragment: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(request, error, |r| {
        r.output.extend(fragment(arg_str(xml_fragment, "xml_fragment")?, "xml_fragment")?);
        Ok(())
    })
}

/// Adds elements given as an XML fragment to `<Operation>`, for operation fields this library does not model.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_add_operation_xml(
    request: *mut cibatch_job_request,
    xml_fragment: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(request, error, |r| {
        r.extra_operation.extend(fragment(arg_str(xml_fragment, "xml_fragment")?, "xml_fragment")?);
        Ok(())
    })
}

/// Sets the optional Job-type fields; NULL leaves a field unset. `callback_format` is `"XML"` or `"JSON"` and
/// `callback_type` `"Url"`, `"TDMQ"` or `"Kafka"`, in any letter case; `user_data` is at most 1024 characters. Call
/// `cibatch_job_request_set_callback_kafka` after this, as it sets `callback_type` too.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_set_options(
    request: *mut cibatch_job_request,
    queue_id: *const c_char,
    user_data: *const c_char,
    callback: *const c_char,
    callback_format: *const c_char,
    callback_type: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(request, error, |r| {
        r.queue_id = opt_text(queue_id, "queue_id")?;
        r.user_data = opt_text(user_data, "user_data")?;
        r.callback = opt_text(callback, "callback")?;
        r.callback_format = opt_text(callback_format, "callback_format")?;
        r.callback_type = opt_text(callback_type, "callback_type")?;
        Ok(())
    })
}

/// The job's priority, 0 to 2 (checked when sent).
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_set_job_level(
    request: *mut cibatch_job_request,
    level: u8,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(request, error, |r| &mut r.job_level, || Ok(Some(level)))
}

/// A TDMQ callback target; NULL leaves a field out.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_set_callback_mq(
    request: *mut cibatch_job_request,
    mq_mode: *const c_char,
    mq_region: *const c_char,
    mq_name: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(request, error, |r| {
        r.callback_mq_config = Some(CallBackMqConfig {
            mq_mode: opt_text(mq_mode, "mq_mode")?,
            mq_region: opt_text(mq_region, "mq_region")?,
            mq_name: opt_text(mq_name, "mq_name")?,
        });
        Ok(())
    })
}

/// A Kafka callback target: sets `CallBackType` `Kafka` and `CallBackKafkaConfig`; NULL leaves a field out.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_set_callback_kafka(
    request: *mut cibatch_job_request,
    region: *const c_char,
    instance_id: *const c_char,
    topic: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(request, error, |r| {
        r.callback_kafka_config = Some(crate::CallBackKafkaConfig {
            region: opt_text(region, "region")?,
            instance_id: opt_text(instance_id, "instance_id")?,
            topic: opt_text(topic, "topic")?,
        });
        r.callback_type = Some("Kafka".into());
        Ok(())
    })
}

/// `QueueType` (e.g. `"SpeedTranscoding"`); NULL removes it.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_set_queue_type(
    request: *mut cibatch_job_request,
    queue_type: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(request, error, |r| &mut r.queue_type, || opt_text(queue_type, "queue_type"))
}

/// Only objects uploaded between `start` and `end` (any form `cibatch_workflow_request_set_time_interval` takes);
/// either may be NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_set_time_interval(
    request: *mut cibatch_job_request,
    start: *const c_char,
    end: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(request, error, |r| {
        r.time_interval = Some(TimeInterval { start: opt_text(start, "start")?, end: opt_text(end, "end")? });
        Ok(())
    })
}

/// Frees a job request. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_request_free(request: *mut cibatch_job_request) {
    guard((), || free_box(request))
}

/// Empty list options: the service's defaults. On success `*options_out` is new options the caller frees with
/// `cibatch_list_options_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_list_options_new(
    options_out: *mut *mut cibatch_list_options,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || produce(options_out, "options_out", || Ok(cibatch_list_options { options: ListOptions::default() })))
}

/// Only `"Workflow"` or `"Job"` jobs. NULL (the default): one page (`cibatch_client_list_jobs`) is sent without a
/// type, so the service's undocumented default applies, while `cibatch_client_jobs` and `cibatch_client_pages`
/// list both types.
#[no_mangle]
pub unsafe extern "C" fn cibatch_list_options_set_type(
    options: *mut cibatch_list_options,
    job_type: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(options, error, |o| &mut o.job_type, || Ok(arg_opt_str(job_type, "job_type")?.map(JobType::parse)))
}

/// Sort by creation time (`order` is a `cibatch_order`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_list_options_set_order(
    options: *mut cibatch_list_options,
    order: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(options, error, |o| &mut o.order_by_time, || Ok(Some(order_arg(order)?)))
}

/// Adds a state to match (`"Running"`, `"Failed"`, ...); none added means all states.
#[no_mangle]
pub unsafe extern "C" fn cibatch_list_options_add_state(
    options: *mut cibatch_list_options,
    state: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(options, error, |o| {
        o.states.push(JobState::parse(arg_str(state, "state")?));
        Ok(())
    })
}

/// Page size, 1 to 100 (checked when sent); 0 for the service's default (10).
#[no_mangle]
pub unsafe extern "C" fn cibatch_list_options_set_size(
    options: *mut cibatch_list_options,
    size: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(options, error, |o| &mut o.size, || Ok((size > 0).then_some(size)))
}

/// The page to fetch: the previous page's `cibatch_job_list_next_token`, or NULL for the first page.
#[no_mangle]
pub unsafe extern "C" fn cibatch_list_options_set_next_token(
    options: *mut cibatch_list_options,
    next_token: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(options, error, |o| &mut o.next_token, || opt_text(next_token, "next_token"))
}

/// Sets the filters; each NULL leaves that filter unset (replacing what an earlier call set). The creation
/// times are like `"2022-02-25T12:00:00+0800"` (`+08:00`, `Z` and `z` are read too, and sent as `+hhmm`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_list_options_set_filters(
    options: *mut cibatch_list_options,
    start_creation_time: *const c_char,
    end_creation_time: *const c_char,
    workflow_id: *const c_char,
    job_id: *const c_char,
    name: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(options, error, |o| {
        o.start_creation_time = opt_text(start_creation_time, "start_creation_time")?;
        o.end_creation_time = opt_text(end_creation_time, "end_creation_time")?;
        o.workflow_id = opt_text(workflow_id, "workflow_id")?;
        o.job_id = opt_text(job_id, "job_id")?;
        o.name = opt_text(name, "name")?;
        Ok(())
    })
}

/// Frees list options. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_list_options_free(options: *mut cibatch_list_options) {
    guard((), || free_box(options))
}
