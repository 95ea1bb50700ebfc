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
    let has_prefix = |p: &str| name.get(..p.len()).is_some_and(|n| n.eq_ignore_ascii_case(p));
    SIGNED.iter().any(|s| s.eq_ignore_ascii_case(name)) || has_prefix("x-cos-") || has_prefix("x-ci-")
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
#[cfg(test)]
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
    let mut key_time = [0u8; KEY_TIME_MAX];
    let key_time = key_time_into(&mut key_time, input.start, input.end);
    sign(input, key_time, sign_key_hmac(input.secret_key, key_time))
}

/// `start;end` is at most this long (two `i64` and a `;`).
const KEY_TIME_MAX: usize = 41;

/// `start;end`, written into `buf` without a formatter.
fn key_time_into(buf: &mut [u8; KEY_TIME_MAX], start: i64, end: i64) -> &str {
    let mut len = push_i64(buf, 0, start);
    buf[len] = b';';
    len = push_i64(buf, len + 1, end);
    std::str::from_utf8(&buf[..len]).expect("ASCII")
}

/// Writes `v` in decimal at `buf[at..]`; returns the end.
fn push_i64(buf: &mut [u8], mut at: usize, v: i64) -> usize {
    if v < 0 {
        buf[at] = b'-';
        at += 1;
    }
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let d = &digits[i..];
    buf[at..at + d.len()].copy_from_slice(d);
    at + d.len()
}

/// The HMAC keyed by this key time's `SignKey` (steps 1 and 2), ready for the `StringToSign`.
fn sign_key_hmac(secret_key: &str, key_time: &str) -> Hmac<Sha1> {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret_key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(key_time.as_bytes());
    let mut sign_key = [0u8; 40];
    hex_into(&mut sign_key, &mac.finalize().into_bytes());
    Hmac::<Sha1>::new_from_slice(&sign_key).expect("HMAC takes a key of any length")
}

fn hex_into(out: &mut [u8], bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[(b >> 4) as usize];
        pair[1] = HEX[(b & 15) as usize];
    }
}

/// Per-thread scratch space for signing, reused from request to request, so that a signature costs one allocation:
/// the header value it returns.
#[derive(Default)]
struct Scratch {
    /// The `HttpString` being hashed.
    http: Vec<u8>,
    /// Encoded names and values of the parameters and signed headers.
    encoded: String,
    /// Name and value of each, as ranges of `encoded`: the parameters, then the headers.
    pairs: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Steps 3 to 8 over scratch space: the `HttpString` is written once into one buffer and hashed, the name lists and
/// the signature go straight into the header value.
fn sign(input: &SignInput<'_>, key_time: &str, keyed: Hmac<Sha1>) -> String {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => sign_with(&mut scratch, input, key_time, keyed),
        // Only if signing ever re-entered itself on one thread: fresh space then.
        Err(_) => sign_with(&mut Scratch::default(), input, key_time, keyed),
    })
}

fn sign_with(s: &mut Scratch, input: &SignInput<'_>, key_time: &str, mut mac: Hmac<Sha1>) -> String {
    s.http.clear();
    s.encoded.clear();
    s.pairs.clear();
    let params = encode_pairs(s, input.params, |_| true);
    let headers = encode_pairs(s, input.headers, is_signed_header);
    // Step 5: method, path, parameters, headers, each followed by a newline.
    s.http.extend(input.method.bytes().map(|b| b.to_ascii_lowercase()));
    s.http.push(b'\n');
    s.http.extend_from_slice(input.path.as_bytes());
    s.http.push(b'\n');
    for range in [params.clone(), headers.clone()] {
        for (i, (k, v)) in s.pairs[range].iter().enumerate() {
            if i > 0 {
                s.http.push(b'&');
            }
            s.http.extend_from_slice(s.encoded[k.clone()].as_bytes());
            s.http.push(b'=');
            s.http.extend_from_slice(s.encoded[v.clone()].as_bytes());
        }
        s.http.push(b'\n');
    }
    // Steps 6 and 7: `sha1\n<key time>\n<hex SHA-1 of HttpString>\n`, signed with the key time's key.
    let mut http_hash = [0u8; 40];
    hex_into(&mut http_hash, &Sha1::digest(&s.http));
    mac.update(b"sha1\n");
    mac.update(key_time.as_bytes());
    mac.update(b"\n");
    mac.update(&http_hash);
    mac.update(b"\n");
    let mut signature = [0u8; 40];
    hex_into(&mut signature, &mac.finalize().into_bytes());
    // Step 8.
    let names = |range: std::ops::Range<usize>| s.pairs[range].iter().map(|(k, _)| k.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(
        150 + input.secret_id.len() + 2 * key_time.len() + names(params.clone()) + names(headers.clone()),
    );
    out.push_str("q-sign-algorithm=sha1&q-ak=");
    out.push_str(input.secret_id);
    out.push_str("&q-sign-time=");
    out.push_str(key_time);
    out.push_str("&q-key-time=");
    out.push_str(key_time);
    for (label, range) in [("&q-header-list=", headers), ("&q-url-param-list=", params)] {
        out.push_str(label);
        for (i, (k, _)) in s.pairs[range].iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(&s.encoded[k.clone()]);
        }
    }
    out.push_str("&q-signature=");
    out.push_str(std::str::from_utf8(&signature).expect("hex"));
    out
}

/// Encodes the pairs kept (name lower-cased) into the scratch space and sorts them by name, then value; returns
/// their range in `s.pairs`.
fn encode_pairs(s: &mut Scratch, pairs: &[(&str, &str)], keep: fn(&str) -> bool) -> std::ops::Range<usize> {
    let first = s.pairs.len();
    for (k, v) in pairs.iter().filter(|(k, _)| keep(k)) {
        let k_start = s.encoded.len();
        encode_into(&mut s.encoded, k);
        s.encoded[k_start..].make_ascii_lowercase();
        let v_start = s.encoded.len();
        encode_into(&mut s.encoded, v);
        s.pairs.push((k_start..v_start, v_start..s.encoded.len()));
    }
    let encoded = &s.encoded;
    s.pairs[first..].sort_unstable_by(|(k1, v1), (k2, v2)| {
        (&encoded[k1.clone()], &encoded[v1.clone()]).cmp(&(&encoded[k2.clone()], &encoded[v2.clone()]))
    });
    first..s.pairs.len()
}

/// A signer for one key that keeps the HMAC keyed by the current key time's `SignKey`, so that requests signed
/// within the same key-time window skip half of the hashing. Thread-safe; what a client uses per request.
pub struct KeyedSigner {
    cache: std::sync::Mutex<Option<KeyedWindow>>,
}

struct KeyedWindow {
    /// The key the window was keyed with (wiped when dropped), so that a provider's new key never meets an old
    /// window.
    secret_key: zeroize::Zeroizing<Vec<u8>>,
    start: i64,
    end: i64,
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
        let mut key_time = [0u8; KEY_TIME_MAX];
        let key_time = key_time_into(&mut key_time, input.start, input.end);
        let mac = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            let hit = cache.as_ref().is_some_and(|w| {
                w.start == input.start && w.end == input.end && w.secret_key.as_slice() == input.secret_key.as_bytes()
            });
            if !hit {
                *cache = Some(KeyedWindow {
                    secret_key: zeroize::Zeroizing::new(input.secret_key.as_bytes().to_vec()),
                    start: input.start,
                    end: input.end,
                    keyed: sign_key_hmac(input.secret_key, key_time),
                });
            }
            cache.as_ref().expect("just filled").keyed.clone()
        };
        sign(input, key_time, mac)
    }
}

/// A key-time window that stays the same for a minute, so that a [`KeyedSigner`] reuses its work: it starts at
/// most two minutes before `now` (tolerating a little clock skew) and lasts an hour.
pub fn key_time_window(now: i64) -> (i64, i64) {
    let start = now - now.rem_euclid(60) - 60;
    (start, start + 3660)
}

#[cfg(test)]
mod tests;
