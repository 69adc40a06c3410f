//! Coverage of the jackknife intervals (value ± t₀.₉₇₅(k − 1) · se) for k = 2, 3, 7 and 20
//! groups, on group tallies drawn from a known population, for a family of measures: a
//! share, a population total, a ratio of two categories' rates and the Gini coefficient.
//! Each interval must cover the analytic value in 95% of replications, within binomial
//! bounds; the normal ± 1.96 interval is shown to fail with 2 groups (the test can fail).

use super::stats::{gini, ratio, t975};
use super::{AuditTally, GroupTally};

/// SplitMix64: a small deterministic generator for the test's draws.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Days under sanction of one person: 0 (p 0.7), 30 (0.2) or 365 (0.1); category b
/// is sanctioned twice as often (0 with p 0.4).
const DAYS: [u32; 3] = [0, 30, 365];
const P_A: [f64; 3] = [0.7, 0.2, 0.1];
const P_B: [f64; 3] = [0.4, 0.4, 0.2];

fn draw(rng: &mut Rng, p: &[f64; 3]) -> u32 {
    let u = rng.uniform();
    if u < p[0] {
        DAYS[0]
    } else if u < p[0] + p[1] {
        DAYS[1]
    } else {
        DAYS[2]
    }
}

/// k groups like the chunks of a run: all of `n` persons but the last (half of it),
/// half of each in category a, half in b.
fn tally(rng: &mut Rng, k: usize, n: u64) -> AuditTally {
    let mut groups: Vec<GroupTally> = (0..k)
        .map(|g| {
            let size = if g + 1 == k && k > 1 { n / 2 } else { n };
            let mut t = GroupTally {
                days_histogram: vec![0; 366],
                categories: vec![[0; 4]; 2],
                ..GroupTally::default()
            };
            for i in 0..size {
                let cat = (i % 2) as usize;
                let d = draw(rng, if cat == 0 { &P_A } else { &P_B });
                t.persons += 1;
                t.categories[cat][0] += 1;
                if d > 0 {
                    t.sanctioned += 1;
                    t.categories[cat][1] += 1;
                    t.days_histogram[d as usize] += 1;
                }
            }
            t
        })
        .collect();
    // Empty groups up to GROUPS, as in a run with fewer chunks than groups.
    let empty = GroupTally::new_like(&groups[0]);
    groups.resize(super::GROUPS, empty);
    AuditTally {
        variants: Vec::new(),
        queue_at_end: 0,
        groups,
        firms: None,
        leaks: None,
    }
}

/// The population Gini of a discrete distribution: Σᵢⱼ pᵢpⱼ|xᵢ − xⱼ| / (2μ).
fn gini_of(values: &[(f64, f64)]) -> f64 {
    let mu: f64 = values.iter().map(|(x, p)| x * p).sum();
    let mut d = 0.0;
    for (x, p) in values {
        for (y, q) in values {
            d += p * q * (x - y).abs();
        }
    }
    d / (2.0 * mu)
}

#[test]
fn t_intervals_cover_at_their_nominal_rate() {
    const REPS: usize = 400;
    const N: u64 = 600;
    let p_a = 1.0 - P_A[0];
    let p_b = 1.0 - P_B[0];
    let mix: Vec<(f64, f64)> = (0..3)
        .map(|i| (DAYS[i] as f64, (P_A[i] + P_B[i]) / 2.0))
        .collect();
    let truth = [(p_a + p_b) / 2.0, p_b / p_a, gini_of(&mix)];
    // 95% ± 3.5 binomial standard deviations of a proportion over REPS replications.
    let tol = 3.5 * (0.95f64 * 0.05 / REPS as f64).sqrt();
    let mut rng = Rng(2026);
    for k in [2usize, 3, 7, 20] {
        let persons = N * (k as u64 - 1) + N / 2;
        // The total's truth: expected sanctioned persons in the whole population.
        let truth_total = persons as f64 * truth[0];
        let (mut covered, mut covered_normal) = ([0usize; 4], [0usize; 4]);
        for _ in 0..REPS {
            let t = tally(&mut rng, k, N);
            let all = persons as f64;
            let estimates = [
                t.estimate(|g| ratio(g.sanctioned, g.persons)),
                t.estimate(|g| {
                    ratio(g.categories[1][1], g.categories[1][0])
                        .zip(ratio(g.categories[0][1], g.categories[0][0]))
                        .map(|(b, a)| b / a)
                }),
                t.estimate(|g| gini(&g.days_histogram, g.persons)),
                t.estimate(|g| {
                    (g.persons > 0).then(|| g.sanctioned as f64 / g.persons as f64 * all)
                }),
            ];
            let truths = [truth[0], truth[1], truth[2], truth_total];
            for (m, (e, &x)) in estimates.iter().zip(&truths).enumerate() {
                let (v, se) = (e.value.expect("value"), e.se.expect("se"));
                assert_eq!(e.replicates.len(), k);
                covered[m] += usize::from((v - x).abs() <= t975(k as f64 - 1.0) * se);
                covered_normal[m] += usize::from((v - x).abs() <= 1.96 * se);
            }
        }
        for m in 0..4 {
            let c = covered[m] as f64 / REPS as f64;
            assert!(
                (c - 0.95).abs() <= tol,
                "k = {k}, measure {m}: t interval covers {c:.3}, outside 0.95 ± {tol:.3}"
            );
            if k == 2 {
                let n = covered_normal[m] as f64 / REPS as f64;
                assert!(n < 0.95 - tol, "k = 2, measure {m}: ± 1.96 covers {n:.3}");
            }
        }
    }
}
