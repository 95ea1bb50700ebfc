//! The emulator checks every request's signature as the service does, and refuses what the service refuses.

use super::query::ApiError;
use super::{Service, SKEW_TOLERANCE};
use crate::emulator::http::HttpRequest;
use crate::signer::{self, SignInput};
use std::collections::HashMap;

impl Service {
    /// The signature check, as the service does it. Errors are (status, code, message).
    pub(super) fn authenticate(&self, req: &HttpRequest) -> Result<(), ApiError> {
        let auth =
            req.header("authorization").ok_or((401, "MissingAuthorization", "no Authorization header".to_string()))?;
        let invalid = |why: &str| (401, "InvalidAuthorization", format!("malformed Authorization: {why}"));
        let mut fields: HashMap<&str, &str> = HashMap::new();
        for part in auth.split('&') {
            let (k, v) = part.split_once('=').ok_or_else(|| invalid("a field has no '='"))?;
            fields.insert(k, v);
        }
        let field = |k: &str| fields.get(k).copied().ok_or_else(|| invalid(&format!("missing {k}")));
        if field("q-sign-algorithm")? != "sha1" {
            return Err(invalid("q-sign-algorithm must be sha1"));
        }
        let ak = field("q-ak")?;
        let key_time = field("q-key-time")?;
        if field("q-sign-time")? != key_time {
            return Err(invalid("q-sign-time and q-key-time differ"));
        }
        let header_list = field("q-header-list")?;
        let param_list = field("q-url-param-list")?;
        let given = field("q-signature")?;
        let (start, end) = key_time
            .split_once(';')
            .and_then(|(a, b)| Some((a.parse::<i64>().ok()?, b.parse::<i64>().ok()?)))
            .ok_or_else(|| invalid("q-key-time is not <start>;<end>"))?;
        if ak != self.config.secret_id {
            return Err((401, "SecretidNotExist", "the SecretId does not exist".into()));
        }
        let now = self.now();
        if end < now {
            return Err((
                401,
                "SignatureExpired",
                format!("Request has expired: the signature's key time ended at {end}, now is {now}"),
            ));
        }
        if start > now + SKEW_TOLERANCE {
            return Err((
                403,
                "RequestTimeTooSkewed",
                "The difference between the request time and the server's time is too large".into(),
            ));
        }

        let names =
            |list: &str| -> Vec<String> { list.split(';').filter(|s| !s.is_empty()).map(str::to_string).collect() };
        let header_names = names(header_list);
        let param_names = names(param_list);
        let mut headers: Vec<(String, String)> = Vec::new();
        for n in &header_names {
            let v = req
                .header(n)
                .ok_or_else(|| (403, "AccessDenied", format!("signed header {n} is not in the request")))?;
            headers.push((n.clone(), v.to_string()));
        }
        let mut params: Vec<(String, String)> = Vec::new();
        for n in &param_names {
            let v = req
                .query
                .iter()
                .find(|(k, _)| k.to_ascii_lowercase() == *n)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| (403, "AccessDenied", format!("signed parameter {n} is not in the request")))?;
            params.push((n.clone(), v));
        }
        let token = req.header("x-ci-security-token").or_else(|| req.header("x-cos-security-token"));
        match (&self.config.session_token, token) {
            (None, None) => {}
            (Some(want), Some(got)) if want == got => {
                if !header_names.iter().any(|h| h == "x-ci-security-token" || h == "x-cos-security-token") {
                    return Err((403, "AccessDenied", "the security token header is not signed".into()));
                }
            }
            (None, Some(_)) | (Some(_), Some(_)) => return Err((403, "AccessDenied", "invalid security token".into())),
            (Some(_), None) => return Err((403, "AccessDenied", "this SecretId needs a security token".into())),
        }
        let check = |headers: &[(String, String)]| {
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let p: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let s = signer::signature_over_all_headers(&SignInput {
                method: &req.method,
                path: &req.path,
                params: &p,
                headers: &h,
                secret_id: ak,
                secret_key: &self.config.secret_key,
                start,
                end,
            });
            s.signature == given
        };
        if check(&headers) {
            return Ok(());
        }
        // The Python SDK signs the host without its port.
        if let Some(h) = headers.iter_mut().find(|(k, _)| k == "host") {
            if let Some((host, _port)) = h.1.rsplit_once(':').filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())) {
                h.1 = host.to_string();
                if check(&headers) {
                    return Ok(());
                }
            }
        }
        Err((403, "AccessDenied", "The Signature you specified is invalid.".into()))
    }
}
