//! Saltelli design and Sobol' indices against independent expectations: SALib's own row
//! order and point estimates (fixture), the Ishigami function's analytic indices, a
//! linear function, a dummy parameter under noise, and interval coverage across seeds.
#![allow(clippy::needless_range_loop)] // indices name parameters, as in the formulas

mod common;

use common::*;
use credsim_experiments::rng::Rng;
use credsim_experiments::sobol::{analyze, cross, runs, saltelli};
use credsim_experiments::{AnalysisError, Estimate};

#[test]
fn row_order_is_salibs() {
    let f = salib();
    let o = &f["order"];
    let base = matrix(&o["base"]);
    let d = o["d"].as_u64().unwrap() as usize;
    assert_eq!(cross(&base, d, true), matrix(&o["rows_second_order"]));
    assert_eq!(cross(&base, d, false), matrix(&o["rows_first_order"]));
}

#[test]
fn point_estimates_are_salibs_and_intervals_alike() {
    let f = salib();
    let s = &f["sobol"];
    let y = floats(&s["y"]);
    let got = analyze(&y, 256, 3, true, 1000, 0.95, 3).unwrap();
    let close = |e: &Estimate, value: f64, conf: f64, what: &str| {
        assert!(
            (e.value - value).abs() < 1e-12,
            "{what}: {} vs SALib {value}",
            e.value
        );
        // The bootstrap draws differ (another generator); 1000 resamples give the
        // half-width to about ±2.2% (relative sd 1/√(2·1000)) each.
        assert!(
            (e.conf / conf - 1.0).abs() < 0.15,
            "{what}: conf {} vs {conf}",
            e.conf
        );
    };
    let (s1, s1c, st, stc) = (
        floats(&s["S1"]),
        floats(&s["S1_conf"]),
        floats(&s["ST"]),
        floats(&s["ST_conf"]),
    );
    for i in 0..3 {
        close(&got.s1[i], s1[i], s1c[i], "S1");
        close(&got.st[i], st[i], stc[i], "ST");
    }
    let (s2, s2c) = (matrix(&s["S2"]), matrix(&s["S2_conf"]));
    assert_eq!(got.s2.len(), 3);
    for p in &got.s2 {
        close(
            &p.estimate,
            s2[p.i][p.j - p.i - 1],
            s2c[p.i][p.j - p.i - 1],
            "S2",
        );
    }
}

#[test]
fn design_is_seeded_stratified_and_crossed() {
    let (n, d) = (64, 4);
    let rows = saltelli(n, d, false, 42);
    assert_eq!(rows.len(), runs(n, d, false));
    assert_eq!(rows, saltelli(n, d, false, 42));
    assert_ne!(rows, saltelli(n, d, false, 43));
    let step = d + 2;
    for k in 0..d {
        // A's and B's columns are each stratified: one point per 1/64 cell.
        for block in [0, step - 1] {
            let mut cells = vec![0; n];
            for j in 0..n {
                let v = rows[j * step + block][k];
                assert!((0.0..1.0).contains(&v));
                cells[(v * n as f64) as usize] += 1;
            }
            assert!(cells.iter().all(|&c| c == 1), "column {k} block {block}");
        }
    }
    for j in 0..n {
        let (a, b) = (&rows[j * step], &rows[j * step + step - 1]);
        for i in 0..d {
            let ab = &rows[j * step + 1 + i];
            for k in 0..d {
                assert_eq!(ab[k], if k == i { b[k] } else { a[k] });
            }
        }
    }
    assert_eq!(runs(8, 3, true), 64);
}

#[test]
fn ishigami_indices_match_the_analytic_values() {
    // N = 8192 (40,960 evaluations): the bootstrap half-widths are about 0.01–0.02, the
    // published indices are S1 ≈ (0.3139, 0.4424, 0), ST ≈ (0.5576, 0.4424, 0.2437).
    let (s1_true, st_true) = ishigami_indices();
    assert!((s1_true[0] - 0.3139).abs() < 1e-4 && (st_true[2] - 0.2437).abs() < 1e-4);
    let n = 8192;
    let y: Vec<f64> = saltelli(n, 3, false, 1)
        .iter()
        .map(|u| ishigami(u))
        .collect();
    let got = analyze(&y, n, 3, false, 200, 0.95, 2).unwrap();
    for i in 0..3 {
        for (e, truth, what) in [
            (&got.s1[i], s1_true[i], "S1"),
            (&got.st[i], st_true[i], "ST"),
        ] {
            let se = e.conf / 1.96;
            assert!(e.conf < 0.04, "{what}{i}: half-width {}", e.conf);
            assert!(
                (e.value - truth).abs() < 3.0 * se,
                "{what}{i}: {} vs {truth} (se {se})",
                e.value
            );
        }
    }
}

#[test]
fn linear_function_has_its_known_indices_and_a_dummy_gets_exactly_zero() {
    // y = 1·u0 + 2·u1 + 3·u2 + 0·u3, uniform inputs: S1 = ST = c²/Σc² (no interactions).
    let c = [1.0, 2.0, 3.0, 0.0];
    let n = 4096;
    let rows = saltelli(n, 4, true, 7);
    let y: Vec<f64> = rows
        .iter()
        .map(|u| u.iter().zip(&c).map(|(x, c)| x * c).sum())
        .collect();
    let got = analyze(&y, n, 4, true, 200, 0.95, 8).unwrap();
    for i in 0..3 {
        let truth = c[i] * c[i] / 14.0;
        for e in [&got.s1[i], &got.st[i]] {
            assert!(
                e.conf < 0.03 && (e.value - truth).abs() < 3.0 * e.conf / 1.96,
                "{e:?}"
            );
        }
    }
    // The dummy: rows differing only in u3 give identical outputs.
    assert_eq!((got.st[3].value, got.st[3].conf), (0.0, 0.0));
    assert!(got.s1[3].value.abs() < 1e-12 && got.s1[3].covers(0.0));
    for p in &got.s2 {
        assert!(
            p.estimate.covers(0.0),
            "S2 {}{}: {:?}",
            p.i,
            p.j,
            p.estimate
        );
    }
}

#[test]
fn a_dummy_under_noise_covers_zero_and_its_st_is_the_noise_share() {
    // y = u0 + 2 u1 + ε, ε ~ N(0, 0.3²) fresh per run (independent seeds): the dummy u2
    // has S1 = 0, and ST ≈ the noise share σ²/(Var f + σ²) (every ST gains it).
    let n = 4096;
    let mut rng = Rng::new(5, 0);
    let y: Vec<f64> = saltelli(n, 3, false, 9)
        .iter()
        .map(|u| u[0] + 2.0 * u[1] + 0.3 * normal(&mut rng))
        .collect();
    let got = analyze(&y, n, 3, false, 200, 0.95, 1).unwrap();
    let (vf, noise) = (5.0 / 12.0, 0.09);
    let share = noise / (vf + noise);
    assert!(got.s1[2].covers(0.0), "{:?}", got.s1[2]);
    assert!(
        got.st[2].covers(share) && got.st[2].low > 0.0,
        "{:?} vs {share}",
        got.st[2]
    );
    let st0 = (1.0 / 12.0 + noise) / (vf + noise);
    assert!(got.st[0].covers(st0), "{:?} vs {st0}", got.st[0]);
}

/// How often the intervals of S1 and ST cover Ishigami's true values over `seeds`
/// independent designs of N base rows, iid uniform (`qmc` false) or Sobol' (`qmc` true).
fn coverage(n: usize, seeds: u64, qmc: bool) -> [usize; 6] {
    let (s1, st) = ishigami_indices();
    let mut hits = [0; 6];
    for seed in 0..seeds {
        let rows = if qmc {
            saltelli(n, 3, false, 1000 + seed)
        } else {
            let mut rng = Rng::new(seed, 77);
            let base: Vec<Vec<f64>> = (0..n)
                .map(|_| (0..6).map(|_| rng.uniform()).collect())
                .collect();
            cross(&base, 3, false)
        };
        let y: Vec<f64> = rows.iter().map(|u| ishigami(u)).collect();
        let got = analyze(&y, n, 3, false, 100, 0.95, seed).unwrap();
        for i in 0..3 {
            hits[i] += usize::from(got.s1[i].covers(s1[i]));
            hits[3 + i] += usize::from(got.st[i].covers(st[i]));
        }
    }
    hits
}

#[test]
fn intervals_cover_at_their_stated_rate() {
    // iid rows: each 95% interval covers the truth in 300 designs at 95% ± 3.5 binomial
    // sd (≈ ±4.4 points); pooled over the six indices, at 95% ± 3.5 sd of 1,800.
    let seeds = 300;
    let hits = coverage(512, seeds, false);
    for (k, &h) in hits.iter().enumerate() {
        assert!(
            within_binomial(h, seeds as usize, 0.95),
            "index {k}: {h}/{seeds}"
        );
    }
    let total: usize = hits.iter().sum();
    assert!(
        within_binomial(total, 6 * seeds as usize, 0.95),
        "{total}/{}",
        6 * seeds
    );
    // Sobol' rows are more accurate than the iid bootstrap assumes: at least 95% less
    // the same tolerance (conservative, never anti-conservative).
    let hits = coverage(512, 100, true);
    for (k, &h) in hits.iter().enumerate() {
        assert!(
            h as f64 >= 95.0 - 3.5 * (100.0f64 * 0.95 * 0.05).sqrt(),
            "qmc index {k}: {h}"
        );
    }
}

#[test]
fn bad_inputs_are_errors() {
    let y = vec![1.0; runs(4, 2, false)];
    assert_eq!(
        analyze(&y, 4, 2, false, 10, 0.95, 0),
        Err(AnalysisError::Constant { value: 1.0 })
    );
    assert!(matches!(
        analyze(&y[1..], 4, 2, false, 10, 0.95, 0),
        Err(AnalysisError::Length {
            expected: 16,
            got: 15,
            ..
        })
    ));
    let mut z: Vec<f64> = (0..16).map(f64::from).collect();
    assert!(analyze(&z, 4, 2, false, 10, 1.5, 0).is_err());
    assert!(analyze(&z, 4, 2, false, 1, 0.95, 0).is_err());
    z[3] = f64::NAN;
    assert!(matches!(
        analyze(&z, 4, 2, false, 10, 0.95, 0),
        Err(AnalysisError::NonFinite { row: 3, .. })
    ));
}
