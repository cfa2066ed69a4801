//! Integer date arithmetic (no clock, no floating point).

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the form Intel's PCS uses) into Unix seconds.
/// Fractions are truncated. Returns `None` for anything else.
pub(crate) fn parse_rfc3339_utc(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 20 || b.len() > 40 || *b.last()? != b'Z' {
        return None;
    }
    let num = |r: core::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter()
            .try_fold(0i64, |acc, c| Some(acc * 10 + i64::from(c - b'0')))
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || (b[10] != b'T' && b[10] != b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // Optional fraction between the seconds and the 'Z'.
    let rest = &b[19..b.len() - 1];
    if !rest.is_empty()
        && (rest[0] != b'.' || rest.len() < 2 || !rest[1..].iter().all(u8::is_ascii_digit))
    {
        return None;
    }
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec;
    u64::try_from(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pcs_dates() {
        assert_eq!(parse_rfc3339_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_utc("2025-07-19T10:16:03Z"),
            Some(1_752_920_163)
        );
        assert_eq!(
            parse_rfc3339_utc("2000-02-29T12:00:00.5Z"),
            Some(951_825_600)
        );
        assert_eq!(parse_rfc3339_utc("2025-07-19 10:16:03Z"), None);
        assert_eq!(parse_rfc3339_utc("2025-13-19T10:16:03Z"), None);
        assert_eq!(parse_rfc3339_utc(""), None);
    }
}
