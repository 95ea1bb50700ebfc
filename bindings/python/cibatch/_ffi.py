"""Loading libcibatch and declaring every symbol's argtypes and restype (checked against cibatch.h by a test)."""
from __future__ import annotations

import ctypes
import os
import sys
from ctypes import (CFUNCTYPE, POINTER, c_bool, c_char_p, c_int, c_int32, c_int64, c_size_t, c_uint8, c_uint16,
                    c_uint32, c_uint64, c_void_p)

# Opaque handles are plain pointers; ownership is tracked by the Python objects that hold them.
H = c_void_p
ERR = POINTER(c_void_p)  # cibatch_error **
OUT = POINTER(c_void_p)  # T ** out-parameters
STR = c_char_p           # const char * arguments, and borrowed const char * results (never freed by the caller)
RESULT = c_int

WAIT_CALLBACK = CFUNCTYPE(c_bool, c_void_p, c_void_p, c_bool)
CREDENTIALS_CALLBACK = CFUNCTYPE(c_bool, c_void_p, c_void_p)
LOG_CALLBACK = CFUNCTYPE(None, c_void_p, c_int, c_char_p)
RELEASE_CALLBACK = CFUNCTYPE(None, c_void_p)
REPORT_CALLBACK = CFUNCTYPE(c_bool, c_void_p, c_uint32, c_uint64, c_uint64)

# name: (restype, argtypes). One line per exported function of include/cibatch.h.
SIGNATURES = {
    "cibatch_version": (STR, []),
    "cibatch_build_id": (STR, []),
    "cibatch_result_name": (STR, [c_int32]),
    "cibatch_error_result": (RESULT, [H]),
    "cibatch_error_message": (STR, [H]),
    "cibatch_error_argument": (STR, [H]),
    "cibatch_error_status": (c_uint16, [H]),
    "cibatch_error_code": (STR, [H]),
    "cibatch_error_service_message": (STR, [H]),
    "cibatch_error_request_id": (STR, [H]),
    "cibatch_error_trace_id": (STR, [H]),
    "cibatch_error_attempts": (c_uint32, [H]),
    "cibatch_error_is_timeout": (c_bool, [H]),
    "cibatch_error_is_outcome_unknown": (c_bool, [H]),
    "cibatch_error_cause_result": (RESULT, [H]),
    "cibatch_error_job_id_count": (c_size_t, [H]),
    "cibatch_error_job_id": (STR, [H, c_size_t]),
    "cibatch_error_free": (None, [H]),
    "cibatch_string_free": (None, [c_void_p]),
    "cibatch_config_new": (RESULT, [STR, STR, STR, STR, OUT, ERR]),
    "cibatch_config_from_env": (RESULT, [OUT, ERR]),
    "cibatch_config_set_token": (RESULT, [H, STR, ERR]),
    "cibatch_config_set_endpoint": (RESULT, [H, STR, ERR]),
    "cibatch_config_set_https": (RESULT, [H, c_bool, ERR]),
    "cibatch_config_set_timeouts": (RESULT, [H, c_uint64, c_uint64, c_uint64, ERR]),
    "cibatch_config_set_user_agent": (RESULT, [H, STR, ERR]),
    "cibatch_config_set_max_attempts": (RESULT, [H, c_uint32, ERR]),
    "cibatch_config_set_retry_create": (RESULT, [H, c_bool, ERR]),
    "cibatch_config_set_backoff": (RESULT, [H, c_uint64, c_uint64, ERR]),
    "cibatch_config_set_retries": (RESULT, [H, c_uint32, c_bool, c_uint64, c_uint64, ERR]),
    "cibatch_config_set_max_response_bytes": (RESULT, [H, c_uint64, ERR]),
    "cibatch_config_set_max_xml_depth": (RESULT, [H, c_uint32, ERR]),
    "cibatch_config_set_clock_offset": (RESULT, [H, c_int64, ERR]),
    "cibatch_config_set_ca_bundle": (RESULT, [H, STR, ERR]),
    "cibatch_config_set_proxy": (RESULT, [H, STR, ERR]),
    "cibatch_credentials_set": (RESULT, [H, STR, STR, STR, c_int64, ERR]),
    "cibatch_config_set_credentials_provider": (RESULT, [H, CREDENTIALS_CALLBACK, c_void_p, RELEASE_CALLBACK, ERR]),
    "cibatch_config_set_logger": (RESULT, [H, LOG_CALLBACK, c_void_p, c_uint32, RELEASE_CALLBACK, ERR]),
    "cibatch_config_free": (None, [H]),
    "cibatch_client_new": (RESULT, [H, OUT, ERR]),
    "cibatch_client_new_from_env": (RESULT, [OUT, ERR]),
    "cibatch_client_with_timeout": (RESULT, [H, c_uint64, OUT, ERR]),
    "cibatch_client_with_cancel": (RESULT, [H, H, c_uint64, OUT, ERR]),
    "cibatch_client_clock_offset": (c_int64, [H]),
    "cibatch_client_close": (None, [H]),
    "cibatch_client_is_closed": (c_bool, [H]),
    "cibatch_client_free": (None, [H]),
    "cibatch_config_set_resolve_creates": (RESULT, [H, c_bool, ERR]),
    "cibatch_client_find_created_workflow_job": (RESULT, [H, H, c_int64, OUT, ERR]),
    "cibatch_client_find_created_job": (RESULT, [H, H, c_int64, OUT, ERR]),
    "cibatch_cancel_new": (RESULT, [OUT, ERR]),
    "cibatch_cancel_fire": (None, [H]),
    "cibatch_cancel_is_fired": (c_bool, [H]),
    "cibatch_cancel_free": (None, [H]),
    "cibatch_client_create_workflow_job": (RESULT, [H, H, OUT, ERR]),
    "cibatch_client_create_job": (RESULT, [H, H, OUT, ERR]),
    "cibatch_client_describe_job": (RESULT, [H, STR, OUT, ERR]),
    "cibatch_client_describe_jobs": (RESULT, [H, POINTER(c_char_p), c_size_t, OUT, ERR]),
    "cibatch_client_list_jobs": (RESULT, [H, H, OUT, ERR]),
    "cibatch_client_pages": (RESULT, [H, H, OUT, ERR]),
    "cibatch_client_cancel_job": (RESULT, [H, STR, ERR]),
    "cibatch_client_wait_for_job": (RESULT, [H, STR, c_uint64, c_uint64, c_uint64, WAIT_CALLBACK, c_void_p, OUT, ERR]),
    "cibatch_workflow_request_new": (RESULT, [STR, c_uint32, STR, STR, OUT, ERR]),
    "cibatch_workflow_request_set_time_interval": (RESULT, [H, STR, STR, ERR]),
    "cibatch_workflow_request_free": (None, [H]),
    "cibatch_job_request_new": (RESULT, [STR, STR, c_uint32, STR, OUT, ERR]),
    "cibatch_job_request_add_param": (RESULT, [H, STR, STR, ERR]),
    "cibatch_job_request_add_param_xml": (RESULT, [H, STR, ERR]),
    "cibatch_job_request_set_output": (RESULT, [H, STR, STR, STR, ERR]),
    "cibatch_job_request_add_output_xml": (RESULT, [H, STR, ERR]),
    "cibatch_job_request_add_operation_xml": (RESULT, [H, STR, ERR]),
    "cibatch_job_request_set_options": (RESULT, [H, STR, STR, STR, STR, STR, ERR]),
    "cibatch_job_request_set_job_level": (RESULT, [H, c_uint8, ERR]),
    "cibatch_job_request_set_callback_mq": (RESULT, [H, STR, STR, STR, ERR]),
    "cibatch_job_request_set_callback_kafka": (RESULT, [H, STR, STR, STR, ERR]),
    "cibatch_job_request_set_queue_type": (RESULT, [H, STR, ERR]),
    "cibatch_job_request_set_time_interval": (RESULT, [H, STR, STR, ERR]),
    "cibatch_job_request_free": (None, [H]),
    "cibatch_list_options_new": (RESULT, [OUT, ERR]),
    "cibatch_list_options_set_type": (RESULT, [H, STR, ERR]),
    "cibatch_list_options_set_order": (RESULT, [H, c_uint32, ERR]),
    "cibatch_list_options_add_state": (RESULT, [H, STR, ERR]),
    "cibatch_list_options_set_size": (RESULT, [H, c_uint32, ERR]),
    "cibatch_list_options_set_next_token": (RESULT, [H, STR, ERR]),
    "cibatch_list_options_set_filters": (RESULT, [H, STR, STR, STR, STR, STR, ERR]),
    "cibatch_list_options_free": (None, [H]),
    "cibatch_job_state_code": (c_int, [H]),
    "cibatch_job_is_terminal": (c_bool, [H]),
    "cibatch_job_field_count": (c_size_t, []),
    "cibatch_job_fields": (c_bool, [H, POINTER(c_uint32), c_size_t, POINTER(c_char_p)]),
    "cibatch_job_clone": (H, [H]),
    "cibatch_job_free": (None, [H]),
    "cibatch_job_list_count": (c_size_t, [H]),
    "cibatch_job_list_get": (H, [H, c_size_t]),
    "cibatch_job_list_non_exist_count": (c_size_t, [H]),
    "cibatch_job_list_non_exist_get": (STR, [H, c_size_t]),
    "cibatch_job_list_next_token": (STR, [H]),
    "cibatch_job_list_request_id": (STR, [H]),
    "cibatch_job_list_type": (STR, [H]),
    "cibatch_client_jobs": (RESULT, [H, H, c_bool, OUT, ERR]),
    "cibatch_job_iter_next": (RESULT, [H, OUT, ERR]),
    "cibatch_job_iter_take_page": (RESULT, [H, OUT, ERR]),
    "cibatch_job_iter_pages_fetched": (c_uint32, [H]),
    "cibatch_job_iter_free": (None, [H]),
    "cibatch_job_list_free": (None, [H]),
    "cibatch_pager_next": (RESULT, [H, OUT, ERR]),
    "cibatch_pager_pages_fetched": (c_uint32, [H]),
    "cibatch_pager_free": (None, [H]),
    "cibatch_sign": (RESULT, [STR, STR, POINTER(c_char_p), POINTER(c_char_p), c_size_t, POINTER(c_char_p),
                              POINTER(c_char_p), c_size_t, STR, STR, c_int64, c_int64, OUT, ERR]),
    "cibatch_emulator_start": (RESULT, [c_uint16, STR, c_uint64, c_uint64, OUT, ERR]),
    "cibatch_emulator_endpoint": (STR, [H]),
    "cibatch_emulator_bucket": (STR, [H]),
    "cibatch_emulator_region": (STR, [H]),
    "cibatch_emulator_secret_id": (STR, [H]),
    "cibatch_emulator_secret_key": (STR, [H]),
    "cibatch_emulator_session_token": (STR, [H]),
    "cibatch_emulator_port": (c_uint16, [H]),
    "cibatch_emulator_client_config": (RESULT, [H, OUT, ERR]),
    "cibatch_emulator_inject_status": (RESULT, [H, c_uint16, STR, c_uint32, ERR]),
    "cibatch_emulator_inject_delay": (RESULT, [H, c_uint64, c_uint32, ERR]),
    "cibatch_emulator_inject_huge_body": (RESULT, [H, c_size_t, c_uint32, ERR]),
    "cibatch_emulator_inject": (RESULT, [H, c_uint32, c_uint32, ERR]),
    "cibatch_emulator_clear_faults": (None, [H]),
    "cibatch_emulator_set_switch": (RESULT, [H, c_uint32, c_bool, ERR]),
    "cibatch_emulator_job_count": (c_size_t, [H]),
    "cibatch_emulator_request_count": (c_uint64, [H]),
    "cibatch_emulator_set_timing": (None, [H, c_uint64, c_uint64]),
    "cibatch_emulator_fail_job": (RESULT, [H, STR, STR, STR, ERR]),
    "cibatch_emulator_set_job_state": (RESULT, [H, STR, STR, ERR]),
    "cibatch_emulator_set_clock_skew": (None, [H, c_int64]),
    "cibatch_emulator_set_clock": (RESULT, [H, c_uint32, ERR]),
    "cibatch_emulator_advance": (None, [H, c_uint64]),
    "cibatch_emulator_free": (None, [H]),
    "cibatch_emulator_add_objects": (RESULT, [H, STR, STR, c_uint32, ERR]),
    "cibatch_emulator_object_count": (c_size_t, [H]),
    "cibatch_emulator_fail_objects": (RESULT, [H, STR, STR, STR, ERR]),
    "cibatch_result_options_new": (RESULT, [OUT, ERR]),
    "cibatch_result_options_add_state": (RESULT, [H, STR, ERR]),
    "cibatch_result_options_set_object": (RESULT, [H, STR, ERR]),
    "cibatch_result_options_set_creation_range": (RESULT, [H, STR, STR, ERR]),
    "cibatch_result_options_set_order": (RESULT, [H, c_uint32, ERR]),
    "cibatch_result_options_set_size": (RESULT, [H, c_uint32, ERR]),
    "cibatch_result_options_free": (None, [H]),
    "cibatch_client_results": (RESULT, [H, STR, H, OUT, ERR]),
    "cibatch_results_pager_job": (H, [H]),
    "cibatch_results_pager_next_page": (RESULT, [H, OUT, ERR]),
    "cibatch_results_pager_next": (RESULT, [H, OUT, ERR]),
    "cibatch_results_pager_pages_fetched": (c_uint32, [H]),
    "cibatch_results_pager_free": (None, [H]),
    "cibatch_client_list_results": (RESULT, [H, STR, STR, STR, H, STR, OUT, ERR]),
    "cibatch_result_page_count": (c_size_t, [H]),
    "cibatch_result_page_get": (H, [H, c_size_t]),
    "cibatch_result_page_next_token": (STR, [H]),
    "cibatch_result_page_request_id": (STR, [H]),
    "cibatch_result_page_workflow_id": (STR, [H]),
    "cibatch_result_page_tag": (STR, [H]),
    "cibatch_result_page_free": (None, [H]),
    "cibatch_object_result_state_code": (c_int, [H]),
    "cibatch_object_result_free": (None, [H]),
    "cibatch_client_report": (RESULT, [H, STR, c_uint32, REPORT_CALLBACK, c_void_p, OUT, ERR]),
    "cibatch_report_job": (H, [H]),
    "cibatch_report_total": (c_uint64, [H]),
    "cibatch_report_pages": (c_uint32, [H]),
    "cibatch_report_state_count": (c_size_t, [H]),
    "cibatch_report_state_name": (STR, [H, c_size_t]),
    "cibatch_report_state_total": (c_uint64, [H, c_size_t]),
    "cibatch_report_count": (c_uint64, [H, STR]),
    "cibatch_report_failed_count": (c_size_t, [H]),
    "cibatch_report_failed_get": (H, [H, c_size_t]),
    "cibatch_report_outcome": (STR, [H]),
    "cibatch_report_free": (None, [H]),
}

# Job getters: every one takes a job and returns a borrowed string (NULL when absent).
JOB_STRING_FIELDS = [
    "id", "name", "type", "state", "code", "message", "creation_time", "start_time", "end_time", "input_prefix",
    "input_manifest", "input_url_file", "input_object", "workflow_ids", "time_interval_start", "time_interval_end",
    "tag", "template_id", "job_param_xml", "output_region", "output_bucket", "output_object", "output_xml",
    "queue_id", "user_data", "job_level", "callback", "callback_format", "callback_type", "callback_mq_mode",
    "callback_mq_region", "callback_mq_name", "callback_kafka_region", "callback_kafka_instance_id",
    "callback_kafka_topic", "queue_type", "progress", "raw_xml",
]
for _field in JOB_STRING_FIELDS:
    SIGNATURES[f"cibatch_job_{_field}"] = (STR, [H])

# Object-result getters: every one takes a result and returns a borrowed string (NULL when absent).
RESULT_STRING_FIELDS = [
    "object", "state", "code", "message", "unit_id", "workflow_id", "tag", "creation_time", "start_time",
    "end_time", "progress", "raw_xml",
]
for _field in RESULT_STRING_FIELDS:
    SIGNATURES[f"cibatch_object_result_{_field}"] = (STR, [H])


def _library_path() -> str:
    """CIBATCH_LIBRARY if set; else the library inside the package (a wheel, or `pip install`); else, for an
    editable install inside the repository, the build tree's target/release."""
    override = os.environ.get("CIBATCH_LIBRARY")
    if override:
        return override
    name = "libcibatch.dylib" if sys.platform == "darwin" else "libcibatch.so"
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.join(here, name)
    build_tree = os.path.normpath(os.path.join(here, "..", "..", "..", "target", "release", name))
    for path in (bundled, build_tree):
        if os.path.exists(path):
            return path
    raise ImportError(
        f"cibatch: the native library {name} is neither in the package ({bundled}) nor in the repository's build "
        f"tree ({build_tree}). For an editable install inside the repository, run `cargo build --release --lib` "
        f"at the repository root; otherwise install the wheel, or set CIBATCH_LIBRARY to the library's path.")


def load() -> ctypes.CDLL:
    # CDLL (not PyDLL): every call releases the GIL, so blocking calls let other threads run.
    lib = ctypes.CDLL(_library_path())
    for name, (restype, argtypes) in SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


lib = load()
