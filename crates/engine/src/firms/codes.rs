//! Synthetic identifiers that can never be real ones: firm codes shaped like the
//! unified social credit code (GB 32100-2015: 18 characters) and role-holders'
//! identity numbers shaped like the resident identity number (GB 11643: 18
//! characters; its check and wrong check in `identity.rs`, shared with the leaks'
//! identity numbers), each with a deliberately wrong check character and an administrative
//! division starting `99`, which is no province's. Drawn from (seed, id) only.

use crate::identity::wrong_id_check;
use crate::rng::{Keys, Purpose};

/// The 31 characters of the unified code (no I, O, S, V, Z), by value.
const USCC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Sub-streams of the code draws (purpose `Firms`).
const SUB_FIRM_CODE: u32 = 0xC0DE_0001;
const SUB_PERSON_CODE: u32 = 0xC0DE_0002;

/// The value of a unified-code character (None: not one).
fn uscc_value(c: u8) -> Option<u32> {
    USCC_CHARS.iter().position(|&x| x == c).map(|v| v as u32)
}

/// The correct check character of the first 17 characters of a unified code:
/// C₁₈ = 31 − (Σ Cᵢ·3^(i−1) mod 31), 31 written as 0.
pub fn uscc_check(first17: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    let mut w = 1u32;
    for &c in first17.iter().take(17) {
        sum += uscc_value(c)? * w;
        w = w * 3 % 31;
    }
    Some(USCC_CHARS[((31 - sum % 31) % 31) as usize])
}

/// The check character of an organisation code's 8 characters (GB 11714):
/// C₉ = 11 − (Σ Cᵢ·Wᵢ mod 11), W = 3 7 9 10 5 8 4 2; 10 is `X`, 11 is `0`.
fn org_check(body: &[u8]) -> u8 {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .iter()
        .zip(W)
        .map(|(&c, w)| {
            let v = if c.is_ascii_digit() {
                (c - b'0') as u32
            } else {
                (c - b'A') as u32 + 10
            };
            v * w
        })
        .sum();
    match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        v => b'0' + v as u8,
    }
}

/// Firm `id`'s synthetic code: `9` (industry and commerce) `1` (enterprise), the
/// division `99` + the region (4 digits), an 8-digit subject code from (seed, id)
/// with its organisation-code check, and a final check character that is never the
/// correct one.
pub fn firm_code(keys: &Keys, id: u32, region: u8) -> String {
    let mut st = keys.stream(Purpose::Firms, SUB_FIRM_CODE, id as u64, 0);
    let mut c = Vec::with_capacity(18);
    c.extend_from_slice(b"9199");
    c.extend_from_slice(format!("{:04}", region as u32 % 10_000).as_bytes());
    let body: Vec<u8> = (0..8).map(|_| b'0' + st.below(10) as u8).collect();
    c.extend_from_slice(&body);
    c.push(org_check(&body));
    let right = uscc_check(&c).and_then(uscc_value).unwrap_or(0);
    let wrong = (right + 1 + st.below(30) as u32) % 31;
    c.push(USCC_CHARS[wrong as usize]);
    String::from_utf8(c).unwrap_or_default()
}

/// Person `id`'s synthetic identity number as a role-holder: division `99` + 4
/// digits, a birth date in 1950–1999, a sequence number, and a check character that is
/// never the correct one.
pub fn person_code(keys: &Keys, id: u32) -> String {
    let mut st = keys.stream(Purpose::Firms, SUB_PERSON_CODE, id as u64, 0);
    let mut c = format!(
        "99{:04}{}{:02}{:02}{:03}",
        st.below(10_000),
        1950 + st.below(50),
        1 + st.below(12),
        1 + st.below(28),
        st.below(1000)
    )
    .into_bytes();
    c.push(wrong_id_check(&c, st.below(10)));
    String::from_utf8(c).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{id_check, id_valid};

    /// Validity as the standard states it, independently of `uscc_check`: with
    /// W₁₈ = 1 … the weighted sum of all 18 values, Σ Cᵢ·3^(i−1) + C₁₈, is ≡ 0 mod 31.
    fn uscc_valid(code: &str) -> bool {
        let b = code.as_bytes();
        if b.len() != 18 {
            return false;
        }
        let mut sum = 0u64;
        for (i, &c) in b[..17].iter().enumerate() {
            let Some(v) = uscc_value(c) else { return false };
            sum += v as u64 * 3u64.pow(i as u32) % 31;
        }
        let Some(last) = uscc_value(b[17]) else {
            return false;
        };
        (sum + last as u64).is_multiple_of(31)
    }

    #[test]
    fn the_checks_agree_with_the_standards_sum_conditions() {
        // A hand-worked unified code: 91 990000 12345678 → org check of 12345678 is
        // 11 − (3+14+27+40+25+48+28+16 = 201 mod 11 = 3) = 8; the final check makes the
        // weighted sum ≡ 0 mod 31.
        let first17 = b"91990000123456788".to_vec();
        assert_eq!(org_check(b"12345678"), b'8');
        let c = uscc_check(&first17[..17]).unwrap();
        let mut code = first17[..17].to_vec();
        code.push(c);
        assert!(uscc_valid(std::str::from_utf8(&code).unwrap()));
    }

    #[test]
    fn synthetic_codes_are_never_valid() {
        let keys = Keys::new(7);
        for id in 0..20_000u32 {
            let f = firm_code(&keys, id, (id % 40) as u8);
            assert_eq!(f.len(), 18);
            assert!(f.starts_with("9199"), "{f}");
            assert!(!uscc_valid(&f), "firm {id}: {f} validates");
            // With the correct check it would: the test can fail.
            let mut fixed = f.as_bytes()[..17].to_vec();
            fixed.push(uscc_check(&fixed).unwrap());
            assert!(uscc_valid(std::str::from_utf8(&fixed).unwrap()));
            let p = person_code(&keys, id);
            assert_eq!(p.len(), 18);
            assert!(!id_valid(&p), "person {id}: {p} validates");
            let mut fixed = p.as_bytes()[..17].to_vec();
            fixed.push(id_check(&fixed).unwrap());
            assert!(id_valid(std::str::from_utf8(&fixed).unwrap()));
        }
    }
}
