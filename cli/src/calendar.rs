//! Times as operators write and read them, for every command that takes or shows one:
//! milliseconds since the epoch or UTC dates and times (`2026-01-01`,
//! `2026-01-01T10:00:00Z`) parsed by hand, and times shown in UTC. Records carry
//! milliseconds since the epoch; their days become dates in `commons_node::calendar`.

use commons_node::calendar::{CivilDate, MS_PER_DAY};

/// Parses a `--since` time: milliseconds since the epoch, a UTC date (`2026-01-01`,
/// midnight), or a date and time with a zone (`2026-01-01T10:00Z`,
/// `2026-01-01T10:00:00.250+02:00`).
pub(crate) fn parse_time(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let hint = "give milliseconds since the epoch, or a UTC date or time such as 2026-01-01 or \
                2026-01-01T10:00:00Z";
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse()
            .map_err(|_| format!("`{text}` is too large: {hint}"));
    }
    parse_date_time(text)
        .and_then(|ms| u64::try_from(ms).ok())
        .ok_or_else(|| format!("`{text}` is not a time: {hint}"))
}

/// `YYYY-MM-DD[(T|t| )HH:MM[:SS[.fraction]](Z|z|±HH:MM)]` as milliseconds since the epoch
/// (negative before 1970).
fn parse_date_time(text: &str) -> Option<i64> {
    if !text.is_ascii() {
        return None;
    }
    let number = |from: usize, len: usize| -> Option<i64> {
        let digits = text.get(from..from + len)?;
        if digits.bytes().all(|b| b.is_ascii_digit()) {
            digits.parse().ok()
        } else {
            None
        }
    };
    let at = |index: usize, byte: u8| text.as_bytes().get(index) == Some(&byte);

    if !at(4, b'-') || !at(7, b'-') {
        return None;
    }
    let (month, day) = (number(5, 2)?, number(8, 2)?);
    let date = CivilDate::new(
        number(0, 4)?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    )?;
    let date_ms = date.days() * MS_PER_DAY;
    if text.len() == 10 {
        return Some(date_ms);
    }
    if !matches!(text.as_bytes()[10], b'T' | b't' | b' ') {
        return None;
    }

    let (hour, minute) = (number(11, 2)?, number(14, 2)?);
    if !at(13, b':') {
        return None;
    }
    let mut index = 16;
    let mut second = 0;
    if at(index, b':') {
        second = number(index + 1, 2)?;
        index += 3;
    }
    let mut millis = 0;
    if at(index, b'.') {
        let digits = text[index + 1..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits == 0 {
            return None;
        }
        // Milliseconds are the first three digits; further ones are dropped.
        let kept = &text[index + 1..index + 1 + digits.min(3)];
        millis = format!("{kept:0<3}").parse().ok()?;
        index += 1 + digits;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }

    let offset_minutes = match &text[index..] {
        "Z" | "z" => 0,
        zone if zone.len() == 6 && matches!(zone.as_bytes()[0], b'+' | b'-') => {
            let (hours, minutes) = (number(index + 1, 2)?, number(index + 4, 2)?);
            if !at(index + 3, b':') || hours > 23 || minutes > 59 {
                return None;
            }
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            sign * (hours * 60 + minutes)
        }
        _ => return None,
    };
    Some(date_ms + ((hour * 60 + minute - offset_minutes) * 60 + second) * 1000 + millis)
}

/// `ms` since the epoch as `YYYY-MM-DD HH:MM` (UTC), with `:SS` if `seconds`.
pub(crate) fn format_time(ms: u64, seconds: bool) -> String {
    let CivilDate { year, month, day } = CivilDate::of_unix_ms(ms);
    let of_day = ms % MS_PER_DAY.unsigned_abs() / 1000;
    let (hour, minute, second) = (of_day / 3600, of_day / 60 % 60, of_day % 60);
    if seconds {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_as_milliseconds_or_utc_dates() {
        assert_eq!(parse_time("0"), Ok(0));
        assert_eq!(parse_time("1795295271311"), Ok(1_795_295_271_311));
        assert_eq!(parse_time("1970-01-01"), Ok(0));
        assert_eq!(parse_time("2026-01-01"), Ok(1_767_225_600_000));
        assert_eq!(parse_time("2026-01-01T10:00Z"), Ok(1_767_261_600_000));
        assert_eq!(parse_time("2026-01-01T10:00:00Z"), Ok(1_767_261_600_000));
        assert_eq!(parse_time("2026-01-01t10:00:30z"), Ok(1_767_261_630_000));
        assert_eq!(parse_time("2026-01-01 10:00:00Z"), Ok(1_767_261_600_000));
        assert_eq!(parse_time("2026-01-01T10:00:00.25Z"), Ok(1_767_261_600_250));
        assert_eq!(
            parse_time("2026-01-01T10:00:00.123456Z"),
            Ok(1_767_261_600_123)
        );
        assert_eq!(
            parse_time("2026-01-01T12:00:00+02:00"),
            Ok(1_767_261_600_000)
        );
        assert_eq!(
            parse_time("2026-01-01T08:30:00-01:30"),
            Ok(1_767_261_600_000)
        );
        assert_eq!(parse_time(" 2024-02-29 "), Ok(1_709_164_800_000));
        assert_eq!(parse_time("2000-03-01"), Ok(951_868_800_000));
    }

    #[test]
    fn bad_times_are_refused_with_the_forms_accepted() {
        for bad in [
            "",
            "yesterday",
            "2026-1-1",
            "2026-13-01",
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-01-00",
            "2026/01/01",
            "2026-01-01T",
            "2026-01-01T10:00",
            "2026-01-01T10:00:00",
            "2026-01-01T24:00Z",
            "2026-01-01T10:60Z",
            "2026-01-01T10:00:61Z",
            "2026-01-01T10:00:00.Z",
            "2026-01-01T10:00+2:00",
            "2026-01-01T10:00Zjunk",
            "1969-12-31",
            "1970-01-01T00:00+01:00",
            "2026-01-01T10:00:00Zé",
            "-5",
            "99999999999999999999999",
        ] {
            let error = parse_time(bad).expect_err(bad);
            assert!(error.contains("2026-01-01T10:00:00Z"), "{bad}: {error}");
        }
    }

    #[test]
    fn times_format_in_utc() {
        assert_eq!(format_time(0, false), "1970-01-01 00:00");
        assert_eq!(format_time(1_767_261_630_000, false), "2026-01-01 10:00");
        assert_eq!(format_time(1_767_261_630_000, true), "2026-01-01 10:00:30");
        assert_eq!(format_time(1_709_164_800_000, false), "2024-02-29 00:00");
        assert_eq!(format_time(951_868_799_999, true), "2000-02-29 23:59:59");
    }
}
