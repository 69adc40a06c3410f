//! The standard normal distribution, for the whole crate: Φ ([`cdf`], accurate relative
//! to the smaller tail), ln Φ ([`ln_cdf`], finite far into the lower tail, for one-sided
//! ABC targets) and Φ⁻¹ ([`quantile`], Wichura's AS 241) — the marginals of designs,
//! truncated-normal priors and the z of confidence intervals.

/// The standard normal density φ(x).
fn density(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Below this |x|, Φ is summed by its Taylor series; beyond, its tail by the continued
/// fraction.
const SERIES_LIMIT: f64 = 3.0;

/// The continued fraction of the Mills ratio's reciprocal, t + 1/(t + 2/(t + 3/(t + …))),
/// for t ≥ 3 (evaluated from the tail, 200 terms): the upper tail Q(t) = φ(t)/f(t).
fn mills_denominator(t: f64) -> f64 {
    let mut f = t;
    for k in (1..=200).rev() {
        f = t + k as f64 / f;
    }
    f
}

/// The standard normal CDF Φ(x), accurate to a few units in the last place relative to
/// min(Φ(x), 1 − Φ(x)): Marsaglia's Taylor series of Φ − ½ for |x| < 3, Laplace's
/// continued fraction of the tail beyond.
pub fn cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x.abs() < SERIES_LIMIT {
        // Φ(x) = ½ + φ(x)(x + x³/3 + x⁵/(3·5) + …)
        let (mut sum, mut term, mut k) = (x, x, 1.0);
        loop {
            k += 2.0;
            term *= x * x / k;
            let next = sum + term;
            if next == sum {
                break;
            }
            sum = next;
        }
        return 0.5 + density(x) * sum;
    }
    let t = x.abs();
    let tail = density(t) / mills_denominator(t);
    if x < 0.0 { tail } else { 1.0 - tail }
}

/// ln Φ(x), without underflow far into the lower tail (one-sided ABC targets): there
/// ln Φ(x) = −x²/2 − ln √(2π) − ln f(|x|) from the continued fraction; in the upper tail
/// ln(1 − Q) by `ln_1p`.
pub fn ln_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= -SERIES_LIMIT {
        let t = -x;
        -0.5 * t * t - 0.5 * (2.0 * std::f64::consts::PI).ln() - mills_denominator(t).ln()
    } else if x >= SERIES_LIMIT {
        (-(density(x) / mills_denominator(x))).ln_1p()
    } else {
        cdf(x).ln()
    }
}

/// The standard normal quantile Φ⁻¹(p) for 0 < p < 1 (±∞ at 0 and 1): Wichura's
/// algorithm AS 241 (PPND16), accurate to about 1 part in 10¹⁶. The coefficients are
/// written as published (some with more digits than an f64 holds).
#[allow(clippy::excessive_precision)]
pub fn quantile(p: f64) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    fn poly(c: &[f64], x: f64) -> f64 {
        c.iter().rev().fold(0.0, |acc, &k| acc * x + k)
    }
    const A: [f64; 8] = [
        3.387_132_872_796_366_6,
        1.331_416_678_917_843_8e2,
        1.971_590_950_306_551_4e3,
        1.373_169_376_550_946_1e4,
        4.592_195_393_154_987_1e4,
        6.726_577_092_700_870_1e4,
        3.343_057_558_358_812_8e4,
        2.509_080_928_730_122_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_1e1,
        6.871_870_074_920_579_1e2,
        5.394_196_021_424_751_1e3,
        2.121_379_430_158_659_6e4,
        3.930_789_580_009_271_1e4,
        2.872_908_573_572_194_3e4,
        5.226_495_278_852_854_6e3,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_6,
        4.630_337_846_156_545_3,
        5.769_497_221_460_691_4,
        3.647_848_324_763_204_6,
        1.270_458_252_452_368_4,
        2.417_807_251_774_506_1e-1,
        2.272_384_498_926_918_5e-2,
        7.745_450_142_783_414_1e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_8,
        1.676_384_830_183_803_8,
        6.897_673_349_851_000_5e-1,
        1.481_039_764_274_800_7e-1,
        1.519_866_656_361_645_7e-2,
        5.475_938_084_995_345e-4,
        1.050_750_071_644_416_8e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_8,
        5.463_784_911_164_114_4,
        1.784_826_539_917_291_3,
        2.965_605_718_285_048_9e-1,
        2.653_218_952_657_612_3e-2,
        1.242_660_947_388_078_4e-3,
        2.711_555_568_743_487_6e-5,
        2.010_334_399_292_288_1e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_4e-1,
        1.369_298_809_227_358_1e-1,
        1.487_536_129_085_061_5e-2,
        7.868_691_311_456_132_6e-4,
        1.846_318_317_510_054_7e-5,
        1.421_511_758_316_445_9e-7,
        2.044_263_103_389_939_8e-15,
    ];
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let z = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 { -z } else { z }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    /// Published values of Φ and Φ⁻¹ (R's pnorm/qnorm to 16 digits).
    #[test]
    fn normal_cdf_and_quantile_match_published_values() {
        for (x, p) in [
            (0.0, 0.5),
            (1.96, 0.975_002_104_851_780_1),
            (-1.0, 0.158_655_253_931_457_05),
            (-3.0, 0.001_349_898_031_630_094_6),
            (-5.0, 2.866_515_718_791_939e-7),
            (-10.0, 7.619_853_024_160_527e-24),
            (2.5, 0.993_790_334_674_223_8),
        ] {
            assert!(close(cdf(x), p, 1e-13), "Φ({x}) = {}", cdf(x));
        }
        for (p, z) in [
            (0.975, 1.959_963_984_540_054),
            (0.5, 0.0),
            (0.1, -1.281_551_565_544_600_5),
            (1e-10, -6.361_340_902_404_056),
        ] {
            assert!(
                (quantile(p) - z).abs() <= 1e-14 * z.abs().max(1.0),
                "Φ⁻¹({p}) = {}",
                quantile(p)
            );
        }
        // The two are inverse to each other across the range.
        for k in 1..100 {
            let p = k as f64 / 100.0;
            assert!(close(cdf(quantile(p)), p, 1e-13), "{p}");
        }
    }

    /// More published quantiles (scipy.stats.norm.ppf to 16 digits), far tails
    /// included, and the symmetry Φ⁻¹(1 − p) = −Φ⁻¹(p).
    #[test]
    fn quantiles_match_published_values() {
        for (p, z) in [
            (0.95, 1.644_853_626_951_472_2),
            (0.995, 2.575_829_303_548_900_4),
            (0.01, -2.326_347_874_040_841),
            (0.8, 0.841_621_233_572_914_3),
            (0.001, -3.090_232_306_167_813_5),
            (1e-20, -9.262_340_089_798_408),
        ] {
            assert!(
                (quantile(p) - z).abs() <= 1e-14 * z.abs().max(1.0),
                "Φ⁻¹({p}) = {}",
                quantile(p)
            );
            if p >= 1e-3 {
                assert!((quantile(1.0 - p) + quantile(p)).abs() < 1e-12);
            }
        }
        assert_eq!(quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(quantile(1.0), f64::INFINITY);
        assert!(quantile(f64::NAN).is_nan() && cdf(f64::NAN).is_nan() && ln_cdf(f64::NAN).is_nan());
    }

    /// ln Φ: equal to ln of Φ where Φ is representable, on both sides of the switch at
    /// |x| = 3; far in the lower tail, the Mills-ratio asymptotic
    /// ln Φ(−x) = −x²/2 − ln(x √(2π)) + ln(1 − 1/x² + 3/x⁴ − 15/x⁶ …).
    #[test]
    fn ln_cdf_is_accurate_in_both_tails() {
        for x in [-10.0, -3.0, -2.999, -1.0, 0.0, 2.0, 2.999] {
            assert!(
                (ln_cdf(x) - cdf(x).ln()).abs() <= 1e-13 * cdf(x).ln().abs().max(1e-16),
                "ln Φ({x}) = {}",
                ln_cdf(x)
            );
        }
        for x in [30.0f64, 100.0] {
            let x2 = x * x;
            let asymptotic = -0.5 * x2 - (x * (2.0 * std::f64::consts::PI).sqrt()).ln()
                + (1.0 - 1.0 / x2 + 3.0 / (x2 * x2) - 15.0 / (x2 * x2 * x2)).ln();
            assert!(
                // The series' first omitted term, 105/x⁸, is 1.6e-10 at x = 30.
                (ln_cdf(-x) - asymptotic).abs() < 1e-9,
                "ln Φ(−{x}) = {}",
                ln_cdf(-x)
            );
        }
        for x in [3.0f64, 5.0] {
            let want = (-cdf(-x)).ln_1p();
            assert!(close(ln_cdf(x), want, 1e-13), "ln Φ({x}) = {}", ln_cdf(x));
        }
        // Upper tail: ln Φ(10) = −Q(10) to first order, Q(10) = 7.619853024160527e-24.
        assert!(close(-ln_cdf(10.0), 7.619_853_024_160_527e-24, 1e-13));
    }
}
