//! Reading many fields of a job in one call, by number: what the bindings do instead of one call per field.

use super::*;
use crate::JobField;

/// A job field's number, for `cibatch_job_fields`: each names the field of the getter `cibatch_job_<field>` (the
/// input fields' getters are `cibatch_job_input_<field>`). Numbers are stable; new fields are added at the end.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cibatch_job_field {
    CIBATCH_JOB_FIELD_JOB_ID = 0,
    CIBATCH_JOB_FIELD_NAME = 1,
    CIBATCH_JOB_FIELD_TYPE = 2,
    CIBATCH_JOB_FIELD_STATE = 3,
    CIBATCH_JOB_FIELD_CODE = 4,
    CIBATCH_JOB_FIELD_MESSAGE = 5,
    CIBATCH_JOB_FIELD_CREATION_TIME = 6,
    CIBATCH_JOB_FIELD_START_TIME = 7,
    CIBATCH_JOB_FIELD_END_TIME = 8,
    CIBATCH_JOB_FIELD_PREFIX = 9,
    CIBATCH_JOB_FIELD_MANIFEST = 10,
    CIBATCH_JOB_FIELD_URL_FILE = 11,
    CIBATCH_JOB_FIELD_OBJECT = 12,
    CIBATCH_JOB_FIELD_WORKFLOW_IDS = 13,
    CIBATCH_JOB_FIELD_TIME_INTERVAL_START = 14,
    CIBATCH_JOB_FIELD_TIME_INTERVAL_END = 15,
    CIBATCH_JOB_FIELD_TAG = 16,
    CIBATCH_JOB_FIELD_TEMPLATE_ID = 17,
    CIBATCH_JOB_FIELD_JOB_PARAM_XML = 18,
    CIBATCH_JOB_FIELD_OUTPUT_REGION = 19,
    CIBATCH_JOB_FIELD_OUTPUT_BUCKET = 20,
    CIBATCH_JOB_FIELD_OUTPUT_OBJECT = 21,
    CIBATCH_JOB_FIELD_OUTPUT_XML = 22,
    CIBATCH_JOB_FIELD_QUEUE_ID = 23,
    CIBATCH_JOB_FIELD_USER_DATA = 24,
    CIBATCH_JOB_FIELD_JOB_LEVEL = 25,
    CIBATCH_JOB_FIELD_CALLBACK = 26,
    CIBATCH_JOB_FIELD_CALLBACK_FORMAT = 27,
    CIBATCH_JOB_FIELD_CALLBACK_TYPE = 28,
    CIBATCH_JOB_FIELD_CALLBACK_MQ_MODE = 29,
    CIBATCH_JOB_FIELD_CALLBACK_MQ_REGION = 30,
    CIBATCH_JOB_FIELD_CALLBACK_MQ_NAME = 31,
    CIBATCH_JOB_FIELD_CALLBACK_KAFKA_REGION = 32,
    CIBATCH_JOB_FIELD_CALLBACK_KAFKA_INSTANCE_ID = 33,
    CIBATCH_JOB_FIELD_CALLBACK_KAFKA_TOPIC = 34,
    CIBATCH_JOB_FIELD_QUEUE_TYPE = 35,
    CIBATCH_JOB_FIELD_PROGRESS = 36,
    CIBATCH_JOB_FIELD_RAW_XML = 37,
}

/// How many job fields this library knows (one more than the largest `cibatch_job_field`). Fields a newer header
/// names and this library does not know read as NULL.
#[no_mangle]
pub extern "C" fn cibatch_job_field_count() -> usize {
    guard(0, || JobField::ALL.len())
}

/// Reads many fields of `job` in one call: `out[i]` becomes the field numbered `fields[i]` (a `cibatch_job_field`),
/// exactly the pointer its own getter returns: borrowed until the job (or its list) is freed, NULL when the field is absent
/// or the number unknown. With `fields` NULL, reads fields `0 .. count-1` in order. Returns false, writing nothing,
/// when `job` or `out` is NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_fields(
    job: *const cibatch_job,
    fields: *const u32,
    count: usize,
    out: *mut *const c_char,
) -> bool {
    guard(false, || {
        let (Some(job), false) = (job.as_ref(), out.is_null()) else { return false };
        // SAFETY: the caller provides `count` writable slots at `out` and, unless NULL, `count` numbers at `fields`.
        let out = std::slice::from_raw_parts_mut(out, count);
        let wanted = |i: usize| if fields.is_null() { i } else { *fields.add(i) as usize };
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = JobField::ALL.get(wanted(i)).map_or(std::ptr::null(), |&f| job.ptr(f));
        }
        true
    })
}
