//! Strict checks on every string that becomes part of a host, path, query or header.
//! They run before anything is sent, and their errors name the argument.

use crate::error::{Error, Result};

fn is_host_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `name-appid`: lowercase letters, digits and `-`, ending in `-` and the numeric APPID.
pub fn bucket(s: &str) -> Result<()> {
    let err = |why: &str| Err(Error::invalid("bucket", format!("{s:?} {why}")));
    if !is_host_label(s) {
        return err("is not a valid host label (lowercase letters, digits and '-', at most 63)");
    }
    match s.rsplit_once('-') {
        Some((name, appid)) if !name.is_empty() && !appid.is_empty() && appid.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(())
        }
        _ => err("must be <name>-<appid>, e.g. examplebucket-1250000000"),
    }
}

/// A region such as `ap-beijing`: lowercase letters, digits and `-`.
pub fn region(s: &str) -> Result<()> {
    if is_host_label(s) {
        Ok(())
    } else {
        Err(Error::invalid(
            "region",
            format!("{s:?} is not a valid region (lowercase letters, digits and '-', e.g. ap-beijing)"),
        ))
    }
}

/// A job ID goes into a path segment: it must not be able to add a segment, a query or a fragment.
pub fn job_id(s: &str) -> Result<()> {
    let err = |why: String| Err(Error::invalid("job_id", why));
    if s.is_empty() {
        return err("is empty".into());
    }
    if s.len() > 256 {
        return err(format!("is {} bytes long (at most 256)", s.len()));
    }
    if s == "." || s == ".." {
        return err(format!("{s:?} is a path segment, not a job ID"));
    }
    if let Some(c) =
        s.chars().find(|c| !c.is_ascii_graphic() || matches!(c, '/' | '\\' | ',' | '?' | '#' | '%' | '&' | '=' | ';'))
    {
        return err(format!("{s:?} contains {c:?}, which cannot appear in a job ID"));
    }
    Ok(())
}

/// A header value must not be able to end the header or start another.
pub fn header_value(argument: &'static str, s: &str) -> Result<()> {
    if let Some(c) = s.chars().find(|c| matches!(c, '\r' | '\n' | '\0') || (c.is_control() && *c != '\t')) {
        return Err(Error::invalid(argument, format!("contains the control character {c:?}")));
    }
    Ok(())
}

/// Text that will be XML-escaped into a request body: it must be representable in XML 1.0.
pub fn xml_text(argument: &'static str, s: &str) -> Result<()> {
    if crate::xml::is_xml_text(s) {
        Ok(())
    } else {
        Err(Error::invalid(argument, "contains a character XML cannot carry (NUL or another control character)"))
    }
}

/// A text argument must not be longer than `max` bytes.
pub fn max_len(argument: &'static str, s: &str, max: usize) -> Result<()> {
    if s.len() > max {
        return Err(Error::invalid(argument, format!("is {} bytes long; at most {max}", s.len())));
    }
    Ok(())
}

/// The documented rule for a job's `Name`: 1 to 128 characters, each an ASCII letter or digit, `-`, `_`, or a CJK
/// character.
pub fn job_name(s: &str) -> Result<()> {
    const RULE: &str = "must be 1 to 128 characters, each a letter, digit, '-', '_' or CJK character";
    if s.is_empty() {
        return Err(Error::invalid("name", format!("is empty; a name {RULE}")));
    }
    let n = s.chars().count();
    if n > 128 {
        return Err(Error::invalid("name", format!("is {n} characters long; a name {RULE}")));
    }
    if let Some(c) = s.chars().find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || is_cjk(c))) {
        return Err(Error::invalid("name", format!("contains {c:?}; a name {RULE}")));
    }
    Ok(())
}

/// CJK ideographs (unified, extensions and compatibility), kana and Hangul syllables.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // Extension A
        | 0x4E00..=0x9FFF // Unified Ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // Compatibility Ideographs
        | 0x20000..=0x3134F // Extensions B to G
    )
}

/// A time for a list filter or a `TimeInterval`, in any form the service writes (`+0800`, `+08:00`, `Z`, `z`),
/// turned into the documented form `2022-02-25T12:00:00+0800`.
pub fn ci_time(argument: &'static str, s: &str) -> Result<String> {
    crate::timefmt::normalize_ci(s).ok_or_else(|| {
        Error::invalid(argument, format!("{s:?} is not a time like 2022-02-25T12:00:00+0800 (or +08:00, or Z)"))
    })
}

/// A parsed custom endpoint: `http(s)://host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub https: bool,
    /// Host as it goes into the URL (an IPv6 address keeps its brackets).
    pub host: String,
    pub port: Option<u16>,
}

impl Endpoint {
    /// `host[:port]` as the `Host` header carries it: the port only when it is not the scheme's default.
    pub fn authority(&self) -> String {
        match self.port {
            Some(p) if p != if self.https { 443 } else { 80 } => format!("{}:{p}", self.host),
            _ => self.host.clone(),
        }
    }

    pub fn base_url(&self) -> String {
        format!("{}://{}", if self.https { "https" } else { "http" }, self.authority())
    }
}

/// Parses a full base URL that replaces scheme and host. A path other than `/`, a query, a fragment or
/// user info is refused: they would silently change what is signed.
pub fn endpoint(s: &str) -> Result<Endpoint> {
    let err = |why: &str| Err(Error::invalid("endpoint", format!("{s:?} {why}")));
    let (https, rest) = if let Some(r) = s.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = s.strip_prefix("http://") {
        (false, r)
    } else {
        return err("must start with http:// or https://");
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() {
        return err("has no host");
    }
    if authority.contains(['/', '?', '#', '@', '\\']) {
        return err("must be scheme://host[:port] with no path, query, fragment or user info");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (addr, after) = match v6.split_once(']') {
            Some(x) => x,
            None => return err("has an unclosed IPv6 bracket"),
        };
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return err("has an invalid IPv6 address");
        }
        let port = match after {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) => Some(p),
                None => return err("has junk after the IPv6 address"),
            },
        };
        (format!("[{addr}]"), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    if !host.starts_with('[') {
        let ok = host
            .split('.')
            .all(|l| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        if !ok || host.len() > 253 {
            return err("has an invalid host name");
        }
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => Some(n),
            _ => return err("has an invalid port"),
        },
    };
    Ok(Endpoint { https, host: host.to_ascii_lowercase(), port })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets() {
        assert!(bucket("examplebucket-1250000000").is_ok());
        assert!(bucket("a-b-1").is_ok());
        for bad in
            ["", "Example-125", "bucket", "bucket-", "-125", "bucket-12a", "b.evil.com-1", "b/1-1", "b-1:80", "b-1\r\n"]
        {
            assert!(bucket(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn regions() {
        assert!(region("ap-beijing").is_ok());
        assert!(region("na-siliconvalley").is_ok());
        for bad in ["", "AP-beijing", "ap.beijing", "ap-beijing.evil.com", "ap beijing", "-ap", "ap/x"] {
            assert!(region(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn job_ids() {
        assert!(job_id("b3deffea2f84911ec9cb15254008618d9").is_ok());
        for bad in ["", ".", "..", "a/b", "a,b", "a?b", "a#b", "a%2Fb", "a b", "a\tb", "a\r\nb", "a\0", "ü", "a&b=c"] {
            let e = job_id(bad).unwrap_err().to_string();
            assert!(e.contains("job_id"), "{e}");
        }
        assert!(job_id(&"b".repeat(257)).is_err());
    }

    #[test]
    fn endpoints() {
        let e = endpoint("http://127.0.0.1:8080").unwrap();
        assert_eq!((e.https, e.host.as_str(), e.port), (false, "127.0.0.1", Some(8080)));
        assert_eq!(e.authority(), "127.0.0.1:8080");
        assert_eq!(endpoint("https://ci.example.com/").unwrap().authority(), "ci.example.com");
        assert_eq!(endpoint("https://h:443").unwrap().authority(), "h");
        assert_eq!(endpoint("http://[::1]:9000").unwrap().base_url(), "http://[::1]:9000");
        for bad in [
            "",
            "ftp://h",
            "http://",
            "http://h/path",
            "http://h?x",
            "http://u@h",
            "http://h:0",
            "http://h:99999",
            "http://h:8a",
            "http://a..b",
            "http://h h",
            "http://[zz]",
        ] {
            assert!(endpoint(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn job_names_follow_the_documented_rule() {
        for ok in ["demo", "a-b_C9", "转码任务", "ジョブ", &"n".repeat(128), &"任".repeat(128)] {
            assert!(job_name(ok).is_ok(), "{ok:?}");
        }
        for bad in ["", "a b", "a.b", "a/b", "a<b", "é", "a\0", &"n".repeat(129)] {
            let e = job_name(bad).unwrap_err().to_string();
            assert!(e.contains("letter, digit, '-', '_' or CJK"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn header_values() {
        assert!(header_value("token", "tok+en/=").is_ok());
        assert!(header_value("token", "a\r\nX-Evil: 1").is_err());
        assert!(header_value("token", "a\nb").is_err());
    }
}
