//! Calendar dates for a scenario with `simulation.start`: day d of the horizon is the
//! start date plus d calendar days (proleptic Gregorian). The model's years are 365 days,
//! so its year ends drift from calendar year ends by one day per leap year.

use serde::Serialize;
use std::fmt;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

impl Date {
    /// The date, if it exists.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let d = Date { year, month, day };
        (Date::from_days(d.days()) == d).then_some(d)
    }

    /// Days since 1970-01-01 (negative before), as Arrow's `Date32` counts them.
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// This date plus `n` days.
    pub fn plus(self, n: u32) -> Date {
        Date::from_days(self.days() + i64::from(n))
    }

    /// The date as a fractional year (1 January = `year.0`), for time axes.
    pub fn decimal_year(self) -> f64 {
        let jan1 = Date {
            year: self.year,
            month: 1,
            day: 1,
        }
        .days();
        let next = Date {
            year: self.year + 1,
            month: 1,
            day: 1,
        }
        .days();
        f64::from(self.year) + (self.days() - jan1) as f64 / (next - jan1) as f64
    }

    /// Reads `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(Date::new(1970, 1, 1).map(Date::days), Some(0));
        assert_eq!(Date::new(2000, 3, 1).map(Date::days), Some(11_017));
        assert_eq!(Date::new(2013, 10, 1).map(Date::days), Some(15_979));
        assert_eq!(Date::new(2019, 2, 29), None);
        assert_eq!(
            Date::new(2020, 2, 29).map(|d| d.plus(1).to_string()),
            Some("2020-03-01".into())
        );
        // 2010-01-01 + 3650 days crosses the leap days of 2012 and 2016.
        let start = Date::new(2010, 1, 1).expect("date");
        assert_eq!(start.plus(3650).to_string(), "2019-12-30");
        assert_eq!(Date::parse("2014-07-01"), Date::new(2014, 7, 1));
        assert_eq!(Date::parse("2014-7-1"), None);
        let july2 = Date::new(2014, 7, 2).expect("date").decimal_year();
        assert!((july2 - (2014.0 + 182.0 / 365.0)).abs() < 1e-12, "{july2}");
    }

    #[test]
    fn every_day_round_trips() {
        for days in -800_000..800_000i64 {
            let d = Date::from_days(days);
            assert_eq!(d.days(), days);
            assert_eq!(Date::new(d.year, d.month, d.day), Some(d));
        }
    }
}
