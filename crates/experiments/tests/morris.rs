//! Morris trajectories and elementary effects against independent expectations:
//! SALib's own numbers (fixture), a linear function (μ* = |c|·range, σ = 0), a product
//! whose effects are known in distribution, and the μ* interval's coverage over seeds.

mod common;

use common::*;
use credsim_experiments::morris::{analyze, check, delta, elementary_effects, trajectories};

#[test]
fn trajectories_are_one_at_a_time_walks_on_the_grid() {
    let (r, d, p) = (50, 5, 4);
    let rows = trajectories(r, d, p, 3).unwrap();
    assert_eq!(rows.len(), r * (d + 1));
    assert_eq!(rows, trajectories(r, d, p, 3).unwrap());
    assert_ne!(rows, trajectories(r, d, p, 4).unwrap());
    assert!((delta(4) - 2.0 / 3.0).abs() < 1e-15 && (delta(6) - 0.6).abs() < 1e-15);
    let mut level_counts = [0usize; 4];
    for t in 0..r {
        let mut moved = vec![false; d];
        for k in 0..=d {
            for &v in &rows[t * (d + 1) + k] {
                let l = v * 3.0;
                assert!((l - l.round()).abs() < 1e-12 && (0.0..=1.0).contains(&v));
                level_counts[l.round() as usize] += 1;
            }
            if k < d {
                let (a, b) = (&rows[t * (d + 1) + k], &rows[t * (d + 1) + k + 1]);
                let changed: Vec<usize> = (0..d).filter(|&i| a[i] != b[i]).collect();
                assert_eq!(changed.len(), 1);
                let i = changed[0];
                assert!(((a[i] - b[i]).abs() - delta(p)).abs() < 1e-12);
                assert!(!moved[i]);
                moved[i] = true;
            }
        }
        assert!(moved.iter().all(|&m| m));
    }
    // Every level equally likely: 1,500 coordinates, each level ~ Binomial(1500, 1/4)
    // (rows of one trajectory are dependent, so the tolerance is loose: 5 sd).
    let total: usize = level_counts.iter().sum();
    for &c in &level_counts {
        let sd = (total as f64 * 0.25 * 0.75).sqrt();
        assert!(
            (c as f64 - total as f64 / 4.0).abs() < 5.0 * sd,
            "{level_counts:?}"
        );
    }
}

#[test]
fn numbers_are_salibs() {
    let f = salib();
    let m = &f["morris"];
    let (x, y) = (matrix(&m["x"]), floats(&m["y"]));
    let got = analyze(&x, &y, 10, 4, 1000, 0.95, 7).unwrap();
    let (mu, mu_star, sigma, conf) = (
        floats(&m["mu"]),
        floats(&m["mu_star"]),
        floats(&m["sigma"]),
        floats(&m["mu_star_conf"]),
    );
    for i in 0..4 {
        assert!((got.mu[i] - mu[i]).abs() < 1e-9, "mu {i}");
        assert!((got.mu_star[i].value - mu_star[i]).abs() < 1e-9, "mu* {i}");
        assert!((got.sigma[i] - sigma[i]).abs() < 1e-9, "sigma {i}");
        // Another generator's resamples: the half-width agrees to its bootstrap error
        // (exactly 0 where every effect is the same).
        if conf[i] > 1e-9 {
            assert!(
                (got.mu_star[i].conf / conf[i] - 1.0).abs() < 0.15,
                "conf {i}"
            );
        } else {
            assert!(got.mu_star[i].conf < 1e-9);
        }
    }
}

#[test]
fn linear_effects_are_the_coefficient_times_the_range() {
    // y = Σ c_i·(lo_i + (hi_i − lo_i)·u_i): every effect is c_i·(hi_i − lo_i).
    let c = [2.0, -0.5, 0.0, 10.0];
    let range = [(0.0, 1.0), (-3.0, 5.0), (1.0, 2.0), (0.1, 0.2)];
    let (r, d) = (20, 4);
    let x = trajectories(r, d, 6, 11).unwrap();
    let y: Vec<f64> = x
        .iter()
        .map(|u| {
            (0..d)
                .map(|i| c[i] * (range[i].0 + (range[i].1 - range[i].0) * u[i]))
                .sum()
        })
        .collect();
    let got = analyze(&x, &y, r, d, 100, 0.95, 1).unwrap();
    for i in 0..d {
        let e = c[i] * (range[i].1 - range[i].0);
        assert!((got.mu[i] - e).abs() < 1e-9, "mu {i}: {}", got.mu[i]);
        assert!((got.mu_star[i].value - e.abs()).abs() < 1e-9);
        assert!(got.sigma[i] < 1e-9 && got.mu_star[i].conf < 1e-9);
    }
}

#[test]
fn product_effects_have_the_known_mean_and_spread_and_intervals_cover() {
    // y = u0·u1 on 4 levels: the effect of u0 is u1, uniform on {0, 1/3, 2/3, 1}, so
    // μ0 = μ*0 = 1/2 and σ0 = √(5/36) ≈ 0.3727; likewise for u1; u2 is a dummy (all 0).
    let (r, d) = (2000, 3);
    let x = trajectories(r, d, 4, 5).unwrap();
    let y: Vec<f64> = x.iter().map(|u| u[0] * u[1]).collect();
    let got = analyze(&x, &y, r, d, 200, 0.95, 2).unwrap();
    let sd = (5.0f64 / 36.0).sqrt();
    for i in 0..2 {
        assert!(
            (got.mu[i] - 0.5).abs() < 4.0 * sd / (r as f64).sqrt(),
            "{}",
            got.mu[i]
        );
        assert!((got.sigma[i] / sd - 1.0).abs() < 0.06, "{}", got.sigma[i]);
    }
    assert_eq!((got.mu_star[2].value, got.sigma[2]), (0.0, 0.0));

    // Coverage of the μ* interval of u0 over 300 designs of 30 trajectories.
    let (r, seeds) = (30, 300);
    let mut hits = 0;
    for seed in 0..seeds {
        let x = trajectories(r, d, 4, 100 + seed).unwrap();
        let y: Vec<f64> = x.iter().map(|u| u[0] * u[1]).collect();
        let got = analyze(&x, &y, r, d, 200, 0.95, seed).unwrap();
        hits += usize::from(got.mu_star[0].covers(0.5));
    }
    assert!(
        within_binomial(hits, seeds as usize, 0.95),
        "{hits}/{seeds}"
    );
}

#[test]
fn bad_designs_are_errors() {
    assert!(check(0, 3, 4).is_err() && check(3, 0, 4).is_err());
    assert!(trajectories(2, 2, 3, 0).is_err() && trajectories(2, 2, 0, 0).is_err());
    let x = trajectories(2, 2, 4, 0).unwrap();
    let y = vec![0.0, 1.0, 2.0, 0.0, 1.0, 3.0];
    assert!(analyze(&x, &y[1..], 2, 2, 10, 0.95, 0).is_err());
    assert!(analyze(&x, &y, 1, 2, 10, 0.95, 0).is_err());
    let mut bad = x.clone();
    bad[1] = bad[0].clone();
    let e = elementary_effects(&bad, &y, 2, 2).unwrap_err().to_string();
    assert!(e.contains("trajectory 0, step 0"), "{e}");
}
