//! The standard normal distribution: Φ, ln Φ (accurate far into the lower tail, for
//! one-sided targets) and Φ⁻¹ (for truncated-normal priors).

/// `erfc(x)` through its Chebyshev-fitted form `t·exp(−x² + P(t))`, t = 1/(1 + |x|/2)
/// (Press et al., Numerical Recipes, `erfcc`; fractional error below 1.2e-7 everywhere),
/// returned as (ln of the tail factor, whether x < 0) so that far tails do not underflow.
fn ln_erfc_tail(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let p = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    t.ln() - z * z + p
}

/// Φ(x), the standard normal distribution function.
pub fn cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    // Φ(x) = erfc(−x/√2)/2.
    let tail = 0.5 * ln_erfc_tail(x / std::f64::consts::SQRT_2).exp();
    if x < 0.0 { tail } else { 1.0 - tail }
}

/// ln Φ(x), without underflow for very negative x.
pub fn ln_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let ln_tail = ln_erfc_tail(x / std::f64::consts::SQRT_2) - std::f64::consts::LN_2;
    if x < 0.0 {
        ln_tail
    } else {
        (-ln_tail.exp()).ln_1p()
    }
}

/// Φ⁻¹(p) for p in (0, 1) (P. J. Acklam's rational approximation, relative error below
/// 1.2e-9); ±∞ at 0 and 1.
pub fn quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let low = 0.024_25;
    let tail = |q: f64| {
        let r = (-2.0 * q.ln()).sqrt();
        (((((C[0] * r + C[1]) * r + C[2]) * r + C[3]) * r + C[4]) * r + C[5])
            / ((((D[0] * r + D[1]) * r + D[2]) * r + D[3]) * r + 1.0)
    };
    if p < low {
        tail(p)
    } else if p > 1.0 - low {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Tabulated Φ (Abramowitz and Stegun, Table 26.1).
        for (x, p) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746),
            (-1.644_853_627, 0.05),
            (1.959_963_985, 0.975),
            (-3.0, 0.001_349_898),
        ] {
            assert!(
                (cdf(x) - p).abs() < 2e-7 * p.max(1e-3),
                "Φ({x}) = {}",
                cdf(x)
            );
            assert!((quantile(p) - x).abs() < 1e-6, "Φ⁻¹({p}) = {}", quantile(p));
        }
        // ln Φ(−30) = −30²/2 − ln(30 √(2π)) + ln(1 − 1/900 + …) (Mills ratio).
        let asymptotic = -450.0 - (30.0 * (2.0 * std::f64::consts::PI).sqrt()).ln()
            + (1.0 - 1.0 / 900.0 + 3.0 / 810_000.0_f64).ln();
        assert!(
            (ln_cdf(-30.0) - asymptotic).abs() < 1e-6,
            "{}",
            ln_cdf(-30.0)
        );
        assert!((ln_cdf(2.0) - cdf(2.0).ln()).abs() < 1e-9);
    }
}
