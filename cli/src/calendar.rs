//! Times as operators write and read them, for every command that takes or shows one:
//! milliseconds since the epoch or UTC dates and times (`2026-01-01`,
//! `2026-01-01T10:00:00Z`) parsed by hand, and times shown in UTC. Records carry
//! milliseconds since the epoch; this is the one place they become calendar dates.

/// Milliseconds in a day.
const MS_PER_DAY: i64 = 86_400_000;

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

    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    if !at(4, b'-') || !at(7, b'-') || !(1..=12).contains(&month) {
        return None;
    }
    if !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    let date_ms = days_from_civil(year, month, day) * MS_PER_DAY;
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
    // u64 milliseconds divided into days fits an i64.
    let days = i64::try_from(ms / 86_400_000).unwrap_or(i64::MAX);
    let of_day = ms % 86_400_000 / 1000;
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (of_day / 3600, of_day / 60 % 60, of_day % 60);
    if seconds {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (Howard
/// Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day counted from 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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

    #[test]
    fn dates_round_trip_through_day_counts() {
        for days in (-800_000..800_000).step_by(997) {
            let (year, month, day) = civil_from_days(days);
            assert!((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day));
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }
}
