//! Calendar dates of the times records carry, for the people who read and type them:
//! beside the record's path, used where a time is shown or typed (the web app's dates
//! and date filters, the CLI's `--since` and listings). Records carry milliseconds
//! since the epoch; this is the one place a count of days becomes a date of the
//! proleptic Gregorian calendar and back (Howard Hinnant's algorithms), in UTC.

/// Milliseconds in a day.
pub const MS_PER_DAY: i64 = 86_400_000;

/// Years a person can type: four digits.
const TYPED_YEARS: std::ops::RangeInclusive<i64> = 0..=9999;

/// A day of the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilDate {
    pub year: i64,
    /// 1–12.
    pub month: u32,
    /// 1–31, within the month's length.
    pub day: u32,
}

impl CivilDate {
    /// The date, if `year` has four digits and `month` and `day` name one of its days
    /// (`2026-02-29` does not).
    pub fn new(year: i64, month: u32, day: u32) -> Option<Self> {
        let real = TYPED_YEARS.contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day);
        real.then_some(Self { year, month, day })
    }

    /// The date of the day `days` after 1970-01-01 (before it, if negative). Any day a
    /// `u64` of milliseconds reaches is in range.
    pub fn from_days(days: i64) -> Self {
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        // Months counted from March, so that February's leap day ends the year.
        let from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * from_march + 2) / 5 + 1;
        let month = if from_march < 10 {
            from_march + 3
        } else {
            from_march - 9
        };
        Self {
            year: year_of_era + era * 400 + i64::from(month <= 2),
            // Both within 1–31 by construction.
            month: month as u32,
            day: day as u32,
        }
    }

    /// The UTC date of a time in milliseconds since the epoch.
    pub fn of_unix_ms(unix_ms: u64) -> Self {
        // A u64 of milliseconds divided into days fits an i64.
        Self::from_days((unix_ms / MS_PER_DAY as u64) as i64)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days(self) -> i64 {
        let month = i64::from(self.month);
        let year = if month <= 2 { self.year - 1 } else { self.year };
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The first millisecond of the day (UTC), if it is not before 1970.
    pub fn start_ms(self) -> Option<u64> {
        u64::try_from(self.days().checked_mul(MS_PER_DAY)?).ok()
    }
}

/// Whether February of `year` has 29 days.
pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i64, month: u32, day: u32) -> CivilDate {
        CivilDate { year, month, day }
    }

    #[test]
    fn known_days() {
        assert_eq!(CivilDate::of_unix_ms(0), date(1970, 1, 1));
        // 2026-12-04T05:30:00Z
        assert_eq!(CivilDate::of_unix_ms(1_796_362_200_000), date(2026, 12, 4));
        assert_eq!(CivilDate::of_unix_ms(951_782_400_000), date(2000, 2, 29));
        assert_eq!(CivilDate::of_unix_ms(951_868_799_999), date(2000, 2, 29));
        assert_eq!(CivilDate::from_days(-1), date(1969, 12, 31));
        assert_eq!(date(2024, 3, 1).start_ms(), Some(1_709_251_200_000));
        assert_eq!(date(1969, 12, 31).start_ms(), None);
        // The last day a u64 of milliseconds reaches.
        let last = CivilDate::of_unix_ms(u64::MAX);
        assert_eq!(last.days(), (u64::MAX / MS_PER_DAY as u64) as i64);
    }

    #[test]
    fn only_real_days_are_dates() {
        assert_eq!(CivilDate::new(2024, 2, 29), Some(date(2024, 2, 29)));
        assert_eq!(CivilDate::new(2000, 2, 29), Some(date(2000, 2, 29)));
        for (year, month, day) in [
            (2026, 2, 29),
            (1900, 2, 29),
            (2026, 4, 31),
            (2026, 2, 31),
            (2026, 1, 0),
            (2026, 0, 1),
            (2026, 13, 1),
            (10_000, 1, 1),
            (-1, 1, 1),
        ] {
            assert_eq!(
                CivilDate::new(year, month, day),
                None,
                "{year}-{month}-{day}"
            );
        }
    }

    #[test]
    fn dates_round_trip_through_day_counts() {
        for days in (-800_000..800_000).step_by(997) {
            let civil = CivilDate::from_days(days);
            assert!(
                (1..=12).contains(&civil.month)
                    && (1..=days_in_month(civil.year, civil.month)).contains(&civil.day),
                "{civil:?}"
            );
            assert_eq!(civil.days(), days);
        }
    }
}
