//! The C entry points never crash on arbitrary strings (including invalid UTF-8 and odd lengths), and what they
//! accept builds request bodies that are well-formed XML.
//!
//! The body of the fuzz target of the same name, shared with the corpus replay in `tests/fuzz_corpus.rs` (stable
//! Rust, no libFuzzer), so that every committed corpus input is a regression test.

use cibatch::ffi::*;
use std::ffi::{c_char, CString};
use std::ptr::{null, null_mut};

fn strings(data: &[u8]) -> Vec<CString> {
    // NUL separates the fuzzer's strings; every piece is a valid C string, not always valid UTF-8.
    let mut v: Vec<CString> = data.split(|b| *b == 0).map(|s| CString::new(s).unwrap()).collect();
    while v.len() < 8 {
        v.push(CString::new("x").unwrap());
    }
    v
}

pub fn run(data: &[u8]) {
    let s = strings(data);
    let p = |i: usize| s[i % s.len()].as_ptr();
    unsafe {
        let mut err: *mut cibatch_error = null_mut();
        let mut out: *mut c_char = null_mut();
        let names = [p(2), p(3)];
        let values = [p(4), p(5)];
        if cibatch_sign(
            p(0),
            p(1),
            names.as_ptr(),
            values.as_ptr(),
            2,
            names.as_ptr(),
            values.as_ptr(),
            2,
            p(6),
            p(7),
            1,
            2,
            &mut out,
            &mut err,
        ) == cibatch_result::CIBATCH_OK
        {
            cibatch_string_free(out);
        }
        cibatch_error_free(err);

        let mut cfg = null_mut();
        err = null_mut();
        if cibatch_config_new(p(0), p(1), p(2), p(3), &mut cfg, &mut err) == cibatch_result::CIBATCH_OK {
            for r in [
                cibatch_config_set_endpoint(cfg, p(4), null_mut()),
                cibatch_config_set_token(cfg, p(5), null_mut()),
                cibatch_config_set_user_agent(cfg, p(6), null_mut()),
            ] {
                let _ = r;
            }
            let mut client = null_mut();
            if cibatch_client_new(cfg, &mut client, null_mut()) == cibatch_result::CIBATCH_OK {
                cibatch_client_free(client);
            }
            cibatch_config_free(cfg);
        }
        cibatch_error_free(err);

        let mut req = null_mut();
        if cibatch_job_request_new(p(0), p(1), (data.len() % 5) as u32, p(2), &mut req, null_mut())
            == cibatch_result::CIBATCH_OK
        {
            let _ = cibatch_job_request_add_param(req, p(3), p(4), null_mut());
            let _ = cibatch_job_request_add_param_xml(req, p(5), null_mut());
            let _ = cibatch_job_request_add_output_xml(req, p(6), null_mut());
            let _ = cibatch_job_request_set_output(req, p(7), p(0), p(1), null_mut());
            let _ = cibatch_job_request_set_options(req, p(2), p(3), p(4), null(), null(), null_mut());
            cibatch_job_request_free(req);
        }
        let mut opts = null_mut();
        if cibatch_list_options_new(&mut opts, null_mut()) == cibatch_result::CIBATCH_OK {
            let _ = cibatch_list_options_set_type(opts, p(0), null_mut());
            let _ = cibatch_list_options_add_state(opts, p(1), null_mut());
            let _ = cibatch_list_options_set_filters(opts, p(2), p(3), p(4), p(5), p(6), null_mut());
            cibatch_list_options_free(opts);
        }
    }
    // The builders' bodies are well-formed XML whenever they are accepted.
    let text = |i: usize| String::from_utf8_lossy(s[i % s.len()].as_bytes()).into_owned();
    let req = cibatch::JobRequest::new(text(0), text(1), cibatch::Input::Prefix(text(2)))
        .param(cibatch::XmlElement::with_text(text(3), text(4)))
        .output(text(5), text(6), text(7))
        .user_data(text(3));
    if let Ok(body) = req.to_xml() {
        let doc = cibatch::xml::parse(&body, Default::default()).expect("an accepted body is well-formed");
        assert_eq!(doc.root.find_text("Name").map(str::to_string), Some(text(0).trim().to_string()));
    }
}
