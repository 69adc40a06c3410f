//! Synthetic identity attributes of a person, pure functions of (seed, person id):
//! sex, full birth date, county-level unit, postcode-like cell, and an identity number
//! shaped like the resident identity number (GB 11643-1999: 6-digit division, 8-digit
//! birth date, 3-digit sequence odd for men and even for women, ISO 7064 MOD 11-2
//! check character) whose check character is always wrong and whose division starts
//! `99`, no province's. Nothing here describes a real person; leaks (`sim/leaks.rs`)
//! read these values to count classes and never output them.
//!
//! Units keep their *population*, not their number: a county holds
//! `county_persons` consecutive simulated persons (households stay together), a
//! postcode cell `postcode_persons`, whatever the run's size; uniqueness depends on the
//! persons per cell, so a scaled run (one simulated person standing for many) still
//! has cells of realistic size. A run smaller than a unit has one partial unit.

use crate::rng::{Keys, Purpose};
use credsim_model::IdentityRules;

/// Sub-streams of purpose `Leaks` (identity draws; coverage and samples in
/// `sim/leaks.rs` use `SUB_COVERAGE` and `SUB_SAMPLE + leak`).
const SUB_SEX: u32 = 1;
const SUB_BIRTH: u32 = 2;
const SUB_SEQUENCE: u32 = 3;
/// Share coverage of every store: one uniform per person (nested coverage).
pub(crate) const SUB_COVERAGE: u32 = 0x100;
/// The sample of leak l: sub-stream `SUB_SAMPLE + l`.
pub(crate) const SUB_SAMPLE: u32 = 0x200;

/// Days in the synthetic calendar's year for birth dates (365: the d = 78 · 365 · 2 of
/// the analytic check).
pub const YEAR_DAYS: u32 = 365;

/// Weights of the resident identity number, 2^(17−i) mod 11.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The correct check character of the first 17 digits of an identity number
/// (ISO 7064 MOD 11-2): (12 − Σ aᵢ·Wᵢ mod 11) mod 11, 10 written `X`.
pub fn id_check(first17: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (&c, w) in first17.iter().zip(ID_WEIGHTS) {
        if !c.is_ascii_digit() {
            return None;
        }
        sum += (c - b'0') as u32 * w;
    }
    Some(match (12 - sum % 11) % 11 {
        10 => b'X',
        v => b'0' + v as u8,
    })
}

/// A check character for `first17` that is never the correct one: the correct value
/// plus 1 + `shift` (shift in 0..10) modulo 11.
pub(crate) fn wrong_id_check(first17: &[u8], shift: u64) -> u8 {
    let right = match id_check(first17) {
        Some(b'X') => 10,
        Some(d) => (d - b'0') as u32,
        None => 0,
    };
    let wrong = (right + 1 + shift as u32 % 10) % 11;
    if wrong == 10 {
        b'X'
    } else {
        b'0' + wrong as u8
    }
}

/// Whether an 18-character identity number validates (Σ aᵢ·2^(18−i) over all 18,
/// X = 10, ≡ 1 mod 11), stated independently of [`id_check`].
pub fn id_valid(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let mut sum = 0u64;
    for (i, &c) in b.iter().enumerate() {
        let v = match c {
            b'X' if i == 17 => 10,
            d if d.is_ascii_digit() => (d - b'0') as u64,
            _ => return false,
        };
        sum += v * (1u64 << (17 - i));
    }
    sum % 11 == 1
}

/// Sex: 1 male, 0 female, each with probability ½ (assumption: no sex attribute in the
/// scenarios; China's 2020 census sex ratio 105.07 would change shares by ≈1%).
#[inline]
pub fn sex(keys: &Keys, id: u32) -> u8 {
    (keys
        .stream(Purpose::Leaks, SUB_SEX, id as u64, 0)
        .next_u64()
        >> 63) as u8
}

/// The birth date as a calendar day number (days since 1970-01-01): uniform over the
/// person's `age` band at day 0 (365-day years), or over `birth_years` years before
/// day 0 without an `age` attribute. `age` is the person's category of it.
#[inline]
pub fn birth_day(keys: &Keys, r: &IdentityRules, id: u32, age: Option<u8>) -> i64 {
    let (from, to) = match (&r.age_bands, age) {
        (Some((_, bands)), Some(c)) => bands.get(c as usize).copied().unwrap_or((0, 0)),
        _ => (0, r.birth_years.saturating_sub(1)),
    };
    let span = u64::from((to + 1 - from) * YEAR_DAYS);
    let back = u64::from(from * YEAR_DAYS)
        + keys
            .stream(Purpose::Leaks, SUB_BIRTH, id as u64, 0)
            .below(span);
    r.day0 - 1 - back as i64
}

/// Birth year of a calendar day number.
pub fn year_of(day: i64) -> i32 {
    credsim_model::calendar::Date::from_days(day).year
}

/// The county-level unit of person `id`.
#[inline]
pub fn county(r: &IdentityRules, id: u32) -> u32 {
    (u64::from(id) / r.county_persons) as u32
}

/// The postcode-like cell of person `id`.
#[inline]
pub fn postcode(r: &IdentityRules, id: u32) -> u32 {
    (u64::from(id) / r.postcode_persons) as u32
}

/// Person `id`'s synthetic identity number: division `99` + the county (4 digits),
/// the birth date, a sequence number (odd male, even female) and a wrong check
/// character. Its sequence digits are drawn, so two persons may share a number; the
/// leak audit treats the number as what it is in a register, a direct identifier of
/// one person.
pub fn id_number(keys: &Keys, r: &IdentityRules, id: u32, age: Option<u8>) -> String {
    let date = credsim_model::calendar::Date::from_days(birth_day(keys, r, id, age));
    let mut st = keys.stream(Purpose::Leaks, SUB_SEQUENCE, id as u64, 0);
    let seq = 2 * st.below(500) + u64::from(sex(keys, id));
    let mut c = format!(
        "99{:04}{:04}{:02}{:02}{:03}",
        county(r, id) % 10_000,
        date.year.clamp(0, 9999),
        date.month,
        date.day,
        seq
    )
    .into_bytes();
    c.push(wrong_id_check(&c, st.below(10)));
    String::from_utf8(c).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(age_bands: Option<(usize, Vec<(u32, u32)>)>) -> IdentityRules {
        IdentityRules {
            county_persons: 500_000,
            postcode_persons: 9_330,
            birth_years: 78,
            max_age: 100,
            scale: 1.0,
            age_bands,
            day0: credsim_model::calendar::Date::new(2010, 1, 1).map_or(0, |d| d.days()),
        }
    }

    #[test]
    fn the_check_agrees_with_the_standards_sum_condition() {
        // ISO 7064's usual example digits 11010519491231002 have check X.
        assert_eq!(id_check(b"11010519491231002"), Some(b'X'));
        assert!(id_valid("11010519491231002X"));
        assert!(!id_valid("110105194912310021"));
    }

    /// Exhaustively over 200,000 ids: no synthetic number validates, each has the
    /// GB 11643 shape (division 99, the person's county, birth date and sex parity),
    /// and with the correct check it would validate (so the test can fail).
    #[test]
    fn synthetic_identity_numbers_never_validate() {
        let keys = Keys::new(11);
        let r = rules(None);
        for id in 0..200_000u32 {
            let n = id_number(&keys, &r, id, None);
            assert_eq!(n.len(), 18, "{n}");
            assert!(n.starts_with("99"), "{n}");
            assert!(!id_valid(&n), "person {id}: {n} validates");
            let mut fixed = n.as_bytes()[..17].to_vec();
            fixed.push(id_check(&fixed).unwrap());
            assert!(id_valid(std::str::from_utf8(&fixed).unwrap()));
            let date = credsim_model::calendar::Date::from_days(birth_day(&keys, &r, id, None));
            let want = format!("{:04}{:02}{:02}", date.year, date.month, date.day);
            assert_eq!(&n[6..14], want);
            assert_eq!(
                (n.as_bytes()[16] - b'0') % 2,
                sex(&keys, id),
                "odd sequence: male"
            );
        }
    }

    /// Birth dates lie in the person's age band at day 0, and spread over it.
    #[test]
    fn birth_dates_follow_the_age_band() {
        let keys = Keys::new(3);
        let r = rules(Some((0, vec![(0, 14), (15, 59), (60, 100)])));
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for id in 0..50_000u32 {
            let b = birth_day(&keys, &r, id, Some(1));
            let age_days = r.day0 - 1 - b;
            assert!((15 * 365..60 * 365).contains(&age_days), "{age_days}");
            lo = lo.min(age_days);
            hi = hi.max(age_days);
        }
        assert!(lo < 15 * 365 + 30 && hi > 60 * 365 - 30, "{lo} {hi}");
        // Without an age attribute: 78 years before day 0.
        let r = rules(None);
        for id in 0..10_000u32 {
            let age_days = r.day0 - 1 - birth_day(&keys, &r, id, None);
            assert!((0..78 * 365).contains(&age_days));
        }
        // Sexes are balanced within sampling error (sd of the share 0.5/√n).
        let males: u32 = (0..40_000u32).map(|id| u32::from(sex(&keys, id))).sum();
        assert!((f64::from(males) / 40_000.0 - 0.5).abs() < 4.0 * 0.5 / 200.0);
    }
}
