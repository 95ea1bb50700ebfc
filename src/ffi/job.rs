//! `cibatch_job` (a job and its getters), `cibatch_job_list` (a describe result or a page) and `cibatch_pager`.
//! Jobs and lists are immutable once made: any number of threads may read one at once.

use super::*;
use crate::{Job, JobField, JobState, JobType};
use std::ffi::CStr;
use std::sync::OnceLock;

/// A job's state as a number (`cibatch_job_state_code`). `CIBATCH_STATE_OTHER` is a state this version does
/// not know: read its text with `cibatch_job_state`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cibatch_state {
    CIBATCH_STATE_SUBMITTED = 0,
    CIBATCH_STATE_RUNNING = 1,
    CIBATCH_STATE_SUCCESS = 2,
    CIBATCH_STATE_FAILED = 3,
    CIBATCH_STATE_PAUSE = 4,
    CIBATCH_STATE_CANCEL = 5,
    CIBATCH_STATE_OTHER = 6,
}

impl Fallback for cibatch_state {
    const FALLBACK: Self = cibatch_state::CIBATCH_STATE_OTHER;
}

/// One job. Made by the client (the caller owns it: free with `cibatch_job_free`) or borrowed from a
/// `cibatch_job_list`, a pager or a report (valid until that is freed; never free it).
///
/// Lifetime of what it returns: every `const char *` a getter gives is borrowed from the job (or static), valid until
/// the job (or the list it came from) is freed, and the same pointer on every call (`cibatch_job_fields` included).
/// Getters never fail: NULL when the job is NULL or the field is absent. A job never changes once made; any number of
/// threads may read one at once.
///
/// Methods:
/// - `cibatch_job_state_code`, `cibatch_job_is_terminal`: the state as a number, and whether it is final.
/// - `cibatch_job_fields`: many fields in one call, by `cibatch_job_field` number.
/// - One getter per field: `cibatch_job_id`, `cibatch_job_name`, `cibatch_job_type`, `cibatch_job_state`,
///   `cibatch_job_code`, `cibatch_job_message`, `cibatch_job_creation_time`, `cibatch_job_start_time`,
///   `cibatch_job_end_time`, `cibatch_job_input_prefix`, `cibatch_job_input_manifest`, `cibatch_job_input_url_file`,
///   `cibatch_job_input_object`, `cibatch_job_workflow_ids`, `cibatch_job_time_interval_start`,
///   `cibatch_job_time_interval_end`, `cibatch_job_tag`, `cibatch_job_template_id`, `cibatch_job_job_param_xml`,
///   `cibatch_job_output_region`, `cibatch_job_output_bucket`, `cibatch_job_output_object`,
///   `cibatch_job_output_xml`, `cibatch_job_queue_id`, `cibatch_job_user_data`, `cibatch_job_job_level`,
///   `cibatch_job_callback`, `cibatch_job_callback_format`, `cibatch_job_callback_type`,
///   `cibatch_job_callback_mq_mode`, `cibatch_job_callback_mq_region`, `cibatch_job_callback_mq_name`,
///   `cibatch_job_progress`, `cibatch_job_queue_type`, `cibatch_job_callback_kafka_region`,
///   `cibatch_job_callback_kafka_instance_id`, `cibatch_job_callback_kafka_topic`, `cibatch_job_raw_xml`.
/// - `cibatch_job_clone` (a copy the caller owns), `cibatch_job_free`.
pub struct cibatch_job {
    job: Job,
    /// The short text fields, as C strings in one block, made the first time any of them is asked for.
    texts: OnceLock<Texts>,
    /// The large fields (see [`large`]), each made when first asked for.
    large: [OnceLock<Option<CString>>; 3],
}

/// The fields kept out of [`Texts`], by their place in `cibatch_job::large`: the job's whole XML and the two
/// elements kept whole, which only some callers read.
fn large(f: JobField) -> Option<usize> {
    match f {
        JobField::RawXml => Some(0),
        JobField::JobParamXml => Some(1),
        JobField::OutputXml => Some(2),
        _ => None,
    }
}

/// A job's short text fields as NUL-terminated strings in one allocation, instead of one allocation per field.
struct Texts {
    bytes: Box<[u8]>,
    /// Where each field starts in `bytes`, by `JobField` number; `None` when the job does not have it.
    starts: [Option<usize>; JobField::ALL.len()],
}

impl Texts {
    fn new(job: &Job) -> Texts {
        // A C string ends at the first NUL, as `cstring` cuts it.
        let texts = || {
            // Known states and types are static texts, and the large fields are made on their own.
            JobField::ALL.into_iter().filter(|&f| large(f).is_none() && known_text(job, f).is_none()).filter_map(|f| {
                let text = job.field_text(f)?;
                let len = text.find('\0').unwrap_or(text.len());
                Some((f, text, len))
            })
        };
        let mut bytes = Vec::with_capacity(texts().map(|(_, _, len)| len + 1).sum());
        let mut starts = [None; JobField::ALL.len()];
        for (f, text, len) in texts() {
            starts[f as usize] = Some(bytes.len());
            bytes.extend_from_slice(&text.as_bytes()[..len]);
            bytes.push(0);
        }
        Texts { bytes: bytes.into_boxed_slice(), starts }
    }

    fn ptr(&self, f: JobField) -> *const c_char {
        // In bounds: every start was written above, with its NUL.
        self.starts[f as usize].map_or(std::ptr::null(), |at| self.bytes[at..].as_ptr().cast())
    }
}

impl cibatch_job {
    pub(crate) fn new(job: Job) -> Self {
        cibatch_job { job, texts: OnceLock::new(), large: Default::default() }
    }

    pub(crate) fn ptr(&self, f: JobField) -> *const c_char {
        if let Some(text) = known_text(&self.job, f) {
            return text.as_ptr();
        }
        match large(f) {
            Some(i) => opt_ptr(self.large[i].get_or_init(|| self.job.field_text(f).map(cstring))),
            None => self.texts.get_or_init(|| Texts::new(&self.job)).ptr(f),
        }
    }
}

/// A known state's or type's text as a static C string: reading the state, what a caller polling a job reads most,
/// copies none of the job's fields.
fn known_text(job: &Job, f: JobField) -> Option<&'static CStr> {
    match (f, &job.state, &job.job_type) {
        (JobField::State, JobState::Submitted, _) => Some(c"Submitted"),
        (JobField::State, JobState::Running, _) => Some(c"Running"),
        (JobField::State, JobState::Success, _) => Some(c"Success"),
        (JobField::State, JobState::Failed, _) => Some(c"Failed"),
        (JobField::State, JobState::Pause, _) => Some(c"Pause"),
        (JobField::State, JobState::Cancel, _) => Some(c"Cancel"),
        (JobField::Type, _, JobType::Workflow) => Some(c"Workflow"),
        (JobField::Type, _, JobType::Job) => Some(c"Job"),
        _ => None,
    }
}

/// A state's number.
pub(crate) fn state_code(state: &JobState) -> cibatch_state {
    use cibatch_state::*;
    match state {
        JobState::Submitted => CIBATCH_STATE_SUBMITTED,
        JobState::Running => CIBATCH_STATE_RUNNING,
        JobState::Success => CIBATCH_STATE_SUCCESS,
        JobState::Failed => CIBATCH_STATE_FAILED,
        JobState::Pause => CIBATCH_STATE_PAUSE,
        JobState::Cancel => CIBATCH_STATE_CANCEL,
        JobState::Other(_) => CIBATCH_STATE_OTHER,
    }
}

unsafe fn get(job: *const cibatch_job, f: JobField) -> *const c_char {
    read(job, |j| j.ptr(f))
}

/// The job ID. Every `const char *` a job getter returns is borrowed: valid until the job (or the list it came
/// from) is freed. Getters return NULL when `job` is NULL or the field is absent.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_id(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::JobId)
}

/// The job's name.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_name(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::Name)
}

/// `"Workflow"` or `"Job"` (or a newer type's text).
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_type(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::Type)
}

/// The state's text: `"Submitted"`, `"Running"`, `"Success"`, `"Failed"`, `"Pause"`, `"Cancel"`, or a newer one.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_state(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::State)
}

/// The state as a number; `CIBATCH_STATE_OTHER` for a state this version does not know (or a NULL `job`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_state_code(job: *const cibatch_job) -> cibatch_state {
    read(job, |j| state_code(&j.job.state))
}

/// True for `Success`, `Failed` and `Cancel`; false otherwise (and for a NULL `job`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_is_terminal(job: *const cibatch_job) -> bool {
    read(job, |j| j.job.is_terminal())
}

/// `"Success"` unless the job failed; then the failure's code.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_code(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::Code)
}

/// The failure's message (empty unless the job failed).
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_message(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::Message)
}

/// Creation time, `"2022-06-27T15:23:10+0800"`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_creation_time(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::CreationTime)
}

/// When the job started running; NULL until then.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_start_time(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::StartTime)
}

/// When the job ended; NULL until then.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_end_time(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::EndTime)
}

/// The input's `Prefix`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_input_prefix(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::Prefix)
}

/// The input's `Manifest`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_input_manifest(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::Manifest)
}

/// The input's `UrlFile`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_input_url_file(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::UrlFile)
}

/// The input's `Object`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_input_object(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::Object)
}

/// A Workflow job's `WorkflowIds`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_workflow_ids(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::WorkflowIds)
}

/// `TimeInterval` `Start`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_time_interval_start(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::TimeIntervalStart)
}

/// `TimeInterval` `End`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_time_interval_end(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::TimeIntervalEnd)
}

/// A Job-type job's `Tag` (`"Transcode"`, ...), or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_tag(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::Tag)
}

/// `JobParam` `TemplateId`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_template_id(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::TemplateId)
}

/// The whole `<JobParam>` element as the service sent it (with every tag-specific container), or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_job_param_xml(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::JobParamXml)
}

/// `Output` `Region`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_output_region(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::OutputRegion)
}

/// `Output` `Bucket`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_output_bucket(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::OutputBucket)
}

/// `Output` `Object`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_output_object(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::OutputObject)
}

/// The whole `<Output>` element as the service sent it (with `SpriteObject`, `AuObject`, ...), or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_output_xml(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::OutputXml)
}

/// `QueueId`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_queue_id(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::QueueId)
}

/// `UserData`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_user_data(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::UserData)
}

/// `JobLevel` as sent by the service (`"0"` to `"2"`), or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_job_level(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::JobLevel)
}

/// `CallBack` URL, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_callback(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::Callback)
}

/// `CallBackFormat` (`"XML"` or `"JSON"`), or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_callback_format(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::CallbackFormat)
}

/// `CallBackType` (`"Url"` or `"TDMQ"`), or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_callback_type(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::CallbackType)
}

/// `CallBackMqConfig` `MqMode`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_callback_mq_mode(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::CallbackMqMode)
}

/// `CallBackMqConfig` `MqRegion`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_callback_mq_region(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::CallbackMqRegion)
}

/// `CallBackMqConfig` `MqName`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_callback_mq_name(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::CallbackMqName)
}

/// `Progress` at the top of `JobsDetail` (when the service sends it), or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_progress(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::Progress)
}

/// `QueueType` (e.g. `"SpeedTranscoding"`), or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_queue_type(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::QueueType)
}

/// `CallBackKafkaConfig` `Region`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_callback_kafka_region(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::CallbackKafkaRegion)
}

/// `CallBackKafkaConfig` `InstanceId`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_callback_kafka_instance_id(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::CallbackKafkaInstanceId)
}

/// `CallBackKafkaConfig` `Topic`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_callback_kafka_topic(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::CallbackKafkaTopic)
}

/// The job's `<JobsDetail>` element exactly as the service sent it, for every field this library does not model.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_raw_xml(job: *const cibatch_job) -> *const c_char {
    get(job, JobField::RawXml)
}

/// A copy of `job` that the caller owns and frees with `cibatch_job_free` (for example to keep a job from a list
/// after freeing the list). NULL if `job` is NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_clone(job: *const cibatch_job) -> *mut cibatch_job {
    guard(std::ptr::null_mut(), || match unsafe { job.as_ref() } {
        Some(j) => Box::into_raw(Box::new(cibatch_job::new(j.job.clone()))),
        None => std::ptr::null_mut(),
    })
}

/// Frees a job the caller owns. NULL does nothing. Never pass a job borrowed from a list.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_free(job: *mut cibatch_job) {
    guard((), || free_box(job))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each static text is the model's own text of that state or type, and unknown ones are left to the job's copy.
    #[test]
    fn known_texts_are_the_model_texts() {
        let mut job = crate::parse_response(include_str!("../../benches/seed_describe.xml")).unwrap().jobs.remove(0);
        use JobState::*;
        for state in [Submitted, Running, Success, Failed, Pause, Cancel, Other("Paused2".into())] {
            job.state = state;
            let known = known_text(&job, JobField::State).map(|t| t.to_str().unwrap());
            assert_eq!(known, (!matches!(job.state, JobState::Other(_))).then(|| job.state.as_str()));
        }
        for job_type in [JobType::Workflow, JobType::Job, JobType::Other("Batch".into())] {
            job.job_type = job_type;
            let known = known_text(&job, JobField::Type).map(|t| t.to_str().unwrap());
            assert_eq!(known, (!matches!(job.job_type, JobType::Other(_))).then(|| job.job_type.as_str()));
        }
        assert_eq!(known_text(&job, JobField::Name), None);
    }
}
