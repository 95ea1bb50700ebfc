//! The two time formats the service uses, without a calendar dependency:
//! `2022-06-27T15:23:10+0800` in bodies and list filters, and RFC 7231 dates in the `Date` header.

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SS+hhmm` in a zone `offset_secs` east of UTC.
pub fn format_ci(unix: i64, offset_secs: i32) -> String {
    let local = unix + offset_secs as i64;
    let (y, m, d) = civil_from_days(local.div_euclid(86400));
    let sod = local.rem_euclid(86400);
    let sign = if offset_secs < 0 { '-' } else { '+' };
    let off = offset_secs.unsigned_abs();
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{sign}{:02}{:02}",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        off / 3600,
        off % 3600 / 60
    )
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY-MM-DDTHH:MM:SS` followed by `+hhmm`, `+hh:mm`, `-hhmm` or `Z` into Unix seconds.
pub fn parse_ci(s: &str) -> Option<i64> {
    parse_ci_zoned(s).map(|(t, _)| t)
}

/// The documented form, `YYYY-MM-DDTHH:MM:SS+hhmm`, of a time given in any form [`parse_ci_zoned`] reads, in the
/// zone it was given in (`Z` becomes `+0000`). `None` when it is not such a time.
pub fn normalize_ci(s: &str) -> Option<String> {
    parse_ci_zoned(s).map(|(t, offset)| format_ci(t, offset))
}

/// Parses `YYYY-MM-DDTHH:MM:SS` followed by `+hhmm`, `+hh:mm`, `-hhmm`, `-hh:mm`, `Z` or `z` into Unix seconds and
/// the zone's offset east of UTC in seconds.
pub fn parse_ci_zoned(s: &str) -> Option<(i64, i32)> {
    let s = s.trim();
    if s.len() < 20 || !s.is_char_boundary(19) {
        return None;
    }
    let (dt, zone) = s.split_at(19);
    let b = dt.as_bytes();
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(&dt[0..4])?, num(&dt[5..7])?, num(&dt[8..10])?);
    let (h, mi, se) = (num(&dt[11..13])?, num(&dt[14..16])?, num(&dt[17..19])?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let offset = if zone == "Z" || zone == "z" {
        0
    } else {
        let sign = match zone.as_bytes()[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let digits = match zone.len() {
            5 => zone[1..].to_string(),
            6 if zone.as_bytes()[3] == b':' => format!("{}{}", &zone[1..3], &zone[4..]),
            _ => return None,
        };
        let (oh, om) = (num(&digits[0..2])?, num(&digits[2..4])?);
        if oh > 23 || om > 59 {
            return None;
        }
        sign * (oh * 3600 + om * 60)
    };
    Some((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset, offset as i32))
}

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// RFC 7231 IMF-fixdate, as in a `Date` header: `Sat, 28 Nov 2026 17:01:34 GMT`.
pub fn format_http_date(unix: i64) -> String {
    let days = unix.div_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let sod = unix.rem_euclid(86400);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Parses an IMF-fixdate (`Sat, 28 Nov 2026 17:01:34 GMT`) into Unix seconds.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let d = num(parts[1])?;
    let m = MONTHS.iter().position(|&n| n == parts[2])? as i64 + 1;
    let y = num(parts[3])?;
    let hms: Vec<&str> = parts[4].split(':').collect();
    if hms.len() != 3 {
        return None;
    }
    let (h, mi, se) = (num(hms[0])?, num(hms[1])?, num(hms[2])?);
    Some(days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + se)
}

/// Now, in Unix seconds.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_format_round_trips() {
        // 2022-06-27T15:23:10+0800 is 07:23:10 UTC.
        let t = parse_ci("2022-06-27T15:23:10+0800").unwrap();
        assert_eq!(t, 1656314590);
        assert_eq!(format_ci(t, 8 * 3600), "2022-06-27T15:23:10+0800");
        assert_eq!(parse_ci("2022-06-27T07:23:10Z"), Some(t));
        assert_eq!(parse_ci("2022-06-27T15:23:10+08:00"), Some(t));
        assert_eq!(format_ci(t, -5 * 3600 - 1800), "2022-06-27T01:53:10-0530");
        for bad in
            ["", "-", "2022-06-27", "2022-13-27T15:23:10+0800", "2022-06-27 15:23:10+0800", "2022-06-27T15:23:10+08"]
        {
            assert_eq!(parse_ci(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_zone_form_normalizes_to_the_documented_one() {
        for (given, sent) in [
            ("2022-02-25T12:00:00+0800", "2022-02-25T12:00:00+0800"),
            ("2022-02-25T12:00:00+08:00", "2022-02-25T12:00:00+0800"),
            ("2022-02-25T04:00:00Z", "2022-02-25T04:00:00+0000"),
            ("2022-02-25T04:00:00z", "2022-02-25T04:00:00+0000"),
            ("2022-02-24T23:00:00-05:00", "2022-02-24T23:00:00-0500"),
            (" 2022-02-25T12:00:00+0800 ", "2022-02-25T12:00:00+0800"),
        ] {
            assert_eq!(normalize_ci(given).as_deref(), Some(sent), "{given}");
            assert_eq!(parse_ci(given), parse_ci("2022-02-25T12:00:00+0800"), "{given}");
        }
        for bad in [
            "2022-02-25T12:00:00+08:0",
            "2022-02-25T12:00:00+0:800",
            "2022-02-25T12:00:00+2500",
            "2022-02-25T12:00:00Zz",
        ] {
            assert_eq!(normalize_ci(bad), None, "{bad}");
        }
    }

    #[test]
    fn http_date_round_trips() {
        assert_eq!(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(format_http_date(1795885294), "Sat, 28 Nov 2026 17:01:34 GMT");
        assert_eq!(parse_http_date("Sat, 28 Nov 2026 17:01:34 GMT"), Some(1795885294));
        assert_eq!(parse_http_date("yesterday"), None);
    }
}
