//! The COS request signature (`q-sign-algorithm=sha1`), byte-compatible with the official SDKs.
//!
//! [`authorization`] computes the `Authorization` header value for any request; the client uses it for
//! every attempt, and users can call it to sign requests that other tools send.

use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};

/// Everything a signature covers. `path` is the logical, decoded path (`/inventorytriggerjob/<id>`).
///
/// Only the headers the official SDKs sign are signed (see [`is_signed_header`]); the others given here
/// are ignored, so passing every header of a request is safe. Order of `params` and `headers` does not
/// matter: both are sorted by lower-cased, encoded name as the algorithm requires.
#[derive(Clone, Copy)]
pub struct SignInput<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub params: &'a [(&'a str, &'a str)],
    pub headers: &'a [(&'a str, &'a str)],
    pub secret_id: &'a str,
    pub secret_key: &'a str,
    /// Start of the key-time window, Unix seconds.
    pub start: i64,
    /// End of the key-time window, Unix seconds.
    pub end: i64,
}

// Hand-written so a secret key never reaches a log through `{:?}`.
impl std::fmt::Debug for SignInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInput")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("params", &self.params)
            .field("header_names", &self.headers.iter().map(|h| h.0).collect::<Vec<_>>())
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("start", &self.start)
            .field("end", &self.end)
            .finish()
    }
}

/// Whether the official SDKs put a header of this name into the signature.
/// `user-agent`, `accept`, `date` and `connection` are never signed.
pub fn is_signed_header(name: &str) -> bool {
    const SIGNED: &[&str] = &[
        "host",
        "content-type",
        "content-length",
        "content-md5",
        "cache-control",
        "content-disposition",
        "content-encoding",
        "expect",
        "expires",
        "if-match",
        "if-modified-since",
        "if-none-match",
        "if-unmodified-since",
        "origin",
        "range",
        "transfer-encoding",
    ];
    let lower = name.to_ascii_lowercase();
    SIGNED.contains(&lower.as_str()) || lower.starts_with("x-cos-") || lower.starts_with("x-ci-")
}

/// Percent-encodes UTF-8 bytes, leaving only `A-Z a-z 0-9 - _ . ~`, with uppercase hex
/// (space becomes `%20`, never `+`). This is the encoding of both the signature and our URLs.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    encode_into(&mut out, s);
    out
}

pub(crate) fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

fn hmac_sha1_hex(key: &[u8], msg: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(msg);
    hex_lower(&mac.finalize().into_bytes())
}

/// `k1=v1&k2=v2` and `k1;k2` over encoded, lower-cased keys sorted by key (then value).
fn canonical(pairs: &[(&str, &str)], keep: impl Fn(&str) -> bool) -> (String, String) {
    let mut encoded: Vec<(String, String)> =
        pairs.iter().filter(|(k, _)| keep(k)).map(|(k, v)| (encode(k).to_ascii_lowercase(), encode(v))).collect();
    encoded.sort();
    let mut joined = String::new();
    let mut names = String::new();
    for (i, (k, v)) in encoded.iter().enumerate() {
        if i > 0 {
            joined.push('&');
            names.push(';');
        }
        joined.push_str(k);
        joined.push('=');
        joined.push_str(v);
        names.push_str(k);
    }
    (joined, names)
}

/// The parts of a computed signature, for diagnostics and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub key_time: String,
    pub sign_key: String,
    pub http_string: String,
    pub string_to_sign: String,
    pub header_list: String,
    pub url_param_list: String,
    pub signature: String,
}

/// Computes every intermediate value of the signature (steps 1 to 7 of the algorithm).
pub fn signature(input: &SignInput<'_>) -> Signature {
    compute(input, is_signed_header)
}

/// As [`signature`], over every given header: what a server does with the headers a request lists.
pub fn signature_over_all_headers(input: &SignInput<'_>) -> Signature {
    compute(input, |_| true)
}

/// Step 5: `HttpString`, with the header and parameter name lists it used.
fn http_string(input: &SignInput<'_>, sign_header: fn(&str) -> bool) -> (String, String, String) {
    let (http_params, url_param_list) = canonical(input.params, |_| true);
    let (http_headers, header_list) = canonical(input.headers, sign_header);
    let http_string =
        format!("{}\n{}\n{}\n{}\n", input.method.to_ascii_lowercase(), input.path, http_params, http_headers);
    (http_string, header_list, url_param_list)
}

/// Step 8: the header value.
fn header_value(secret_id: &str, key_time: &str, header_list: &str, url_param_list: &str, signature: &str) -> String {
    format!(
        "q-sign-algorithm=sha1&q-ak={secret_id}&q-sign-time={key_time}&q-key-time={key_time}&q-header-list={header_list}&q-url-param-list={url_param_list}&q-signature={signature}"
    )
}

fn compute(input: &SignInput<'_>, sign_header: fn(&str) -> bool) -> Signature {
    let key_time = format!("{};{}", input.start, input.end);
    let sign_key = hmac_sha1_hex(input.secret_key.as_bytes(), key_time.as_bytes());
    let (http_string, header_list, url_param_list) = http_string(input, sign_header);
    let string_to_sign = format!("sha1\n{}\n{}\n", key_time, hex_lower(&Sha1::digest(http_string.as_bytes())));
    let signature = hmac_sha1_hex(sign_key.as_bytes(), string_to_sign.as_bytes());
    Signature { key_time, sign_key, http_string, string_to_sign, header_list, url_param_list, signature }
}

/// The `Authorization` header value for a request.
pub fn authorization(input: &SignInput<'_>) -> String {
    let s = signature(input);
    header_value(input.secret_id, &s.key_time, &s.header_list, &s.url_param_list, &s.signature)
}

/// A signer for one key that keeps the HMAC keyed by the current key time's `SignKey`, so that requests signed
/// within the same key-time window skip half of the hashing. Thread-safe; what a client uses per request.
pub struct KeyedSigner {
    cache: std::sync::Mutex<Option<KeyedWindow>>,
}

struct KeyedWindow {
    secret_key_hash: [u8; 20],
    start: i64,
    end: i64,
    key_time: String,
    keyed: Hmac<Sha1>,
}

impl Default for KeyedSigner {
    fn default() -> Self {
        KeyedSigner { cache: std::sync::Mutex::new(None) }
    }
}

impl KeyedSigner {
    /// The same value as [`authorization`].
    pub fn authorization(&self, input: &SignInput<'_>) -> String {
        // Keyed by a hash of the secret key, so a provider's new key never meets an old window.
        let key_hash: [u8; 20] = Sha1::digest(input.secret_key.as_bytes()).into();
        let (key_time, mut mac) = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            let hit = cache
                .as_ref()
                .is_some_and(|w| w.start == input.start && w.end == input.end && w.secret_key_hash == key_hash);
            if !hit {
                let key_time = format!("{};{}", input.start, input.end);
                let sign_key = hmac_sha1_hex(input.secret_key.as_bytes(), key_time.as_bytes());
                let keyed = Hmac::<Sha1>::new_from_slice(sign_key.as_bytes()).expect("HMAC takes a key of any length");
                *cache = Some(KeyedWindow {
                    secret_key_hash: key_hash,
                    start: input.start,
                    end: input.end,
                    key_time,
                    keyed,
                });
            }
            let w = cache.as_ref().expect("just filled");
            (w.key_time.clone(), w.keyed.clone())
        };
        let (http_string, header_list, url_param_list) = http_string(input, is_signed_header);
        mac.update(b"sha1\n");
        mac.update(key_time.as_bytes());
        mac.update(b"\n");
        mac.update(hex_lower(&Sha1::digest(http_string.as_bytes())).as_bytes());
        mac.update(b"\n");
        let signature = hex_lower(&mac.finalize().into_bytes());
        header_value(input.secret_id, &key_time, &header_list, &url_param_list, &signature)
    }
}

/// A key-time window that stays the same for a minute, so that a [`KeyedSigner`] reuses its work: it starts at
/// most two minutes before `now` (tolerating a little clock skew) and lasts an hour.
pub fn key_time_window(now: i64) -> (i64, i64) {
    let start = now - now.rem_euclid(60) - 60;
    (start, start + 3660)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_matches_official_sdks() {
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
        assert_eq!(encode("+=&/~,:"), "%2B%3D%26%2F~%2C%3A");
        assert_eq!(encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(encode("任务"), "%E4%BB%BB%E5%8A%A1");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn keyed_signer_matches_the_plain_one_across_windows_and_keys() {
        let k = KeyedSigner::default();
        for (start, key) in [(100, "k1"), (100, "k1"), (160, "k1"), (160, "k2"), (100, "k1")] {
            let input = SignInput {
                method: "PUT",
                path: "/inventorytriggerjob/b1",
                params: &[("cancel", "")],
                headers: &[("host", "h"), ("content-length", "0"), ("user-agent", "x")],
                secret_id: "id",
                secret_key: key,
                start,
                end: start + 3660,
            };
            assert_eq!(k.authorization(&input), authorization(&input));
        }
        let (s, e) = key_time_window(1_700_000_000);
        assert!(s <= 1_700_000_000 - 60 && s > 1_700_000_000 - 121 && e - s == 3660 && s % 60 == 0);
    }

    #[test]
    fn signed_header_set() {
        for h in ["Host", "content-type", "Content-MD5", "x-ci-security-token", "X-Cos-Meta-A"] {
            assert!(is_signed_header(h), "{h}");
        }
        for h in ["User-Agent", "accept", "date", "connection", "authorization"] {
            assert!(!is_signed_header(h), "{h}");
        }
    }
}
