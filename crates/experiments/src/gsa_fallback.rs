//! TEMPORARY (branch a14-sweep only): stand-ins for the Saltelli and Morris designs that
//! belong to branch a14-gsa (`sobol.rs`, `morris.rs`), with the signatures of the
//! contract, so that `credsim sweep` can lay out `sobol` and `morris` sweeps before
//! that branch lands. At the merge, delete this file and its two lines in `lib.rs`;
//! a14-gsa's modules take the same names and the call sites do not change.
//! The Saltelli stand-in draws its base matrices A and B pseudo-randomly (a14-gsa uses
//! a Sobol' sequence); the row layout is the contract's.

/// Saltelli's design, contract layout.
pub mod sobol {
    use crate::design::uniform;

    /// N·(d+2) rows (N·(2d+2) with `second_order`): per base row j, A_j, AB_j^1..AB_j^d,
    /// [BA_j^1..BA_j^d,] B_j, where AB_j^i is A_j with coordinate i from B_j and BA_j^i
    /// B_j with coordinate i from A_j.
    pub fn saltelli(n: usize, d: usize, second_order: bool, seed: u64) -> Vec<Vec<f64>> {
        let mut rows = Vec::with_capacity(n * (if second_order { 2 * d + 2 } else { d + 2 }));
        for j in 0..n {
            let a: Vec<f64> = (0..d).map(|i| uniform(seed, i as u64, j as u64)).collect();
            let b: Vec<f64> = (0..d)
                .map(|i| uniform(seed, (d + i) as u64, j as u64))
                .collect();
            rows.push(a.clone());
            for i in 0..d {
                let mut ab = a.clone();
                ab[i] = b[i];
                rows.push(ab);
            }
            if second_order {
                for i in 0..d {
                    let mut ba = b.clone();
                    ba[i] = a[i];
                    rows.push(ba);
                }
            }
            rows.push(b);
        }
        rows
    }
}

/// Morris's elementary-effects design, contract layout.
pub mod morris {
    use crate::design::uniform;

    /// r·(d+1) rows, trajectory-major: each trajectory starts at a random point of the
    /// `levels`-level grid and moves one coordinate at a time, in a random order, by
    /// Δ = levels / (2(levels − 1)) up or down.
    pub fn trajectories(r: usize, d: usize, levels: usize, seed: u64) -> Vec<Vec<f64>> {
        let p = levels.max(2);
        let step = p as f64 / (2.0 * (p - 1) as f64);
        let half = p / 2;
        let mut rows = Vec::with_capacity(r * (d + 1));
        for t in 0..r {
            let key = |what: u64, i: usize| uniform(seed, what, (t * (d + 1) + i) as u64);
            // Base levels 0..p/2−1, so that base + Δ stays within [0, 1].
            let mut x: Vec<f64> = (0..d)
                .map(|i| ((key(0, i) * half as f64) as usize).min(half - 1) as f64 / (p - 1) as f64)
                .collect();
            let up: Vec<bool> = (0..d).map(|i| key(1, i) < 0.5).collect();
            for i in 0..d {
                if !up[i] {
                    x[i] += step;
                }
            }
            let mut order: Vec<usize> = (0..d).collect();
            for i in (1..d).rev() {
                let k = ((key(2, i) * (i + 1) as f64) as usize).min(i);
                order.swap(i, k);
            }
            rows.push(x.clone());
            for &i in &order {
                x[i] += if up[i] { step } else { -step };
                x[i] = x[i].clamp(0.0, 1.0);
                rows.push(x.clone());
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saltelli_layout() {
        let rows = sobol::saltelli(3, 2, false, 1);
        assert_eq!(rows.len(), 3 * 4);
        // AB^1 shares coordinate 2 with A and coordinate 1 with B.
        let (a, ab1, b) = (&rows[0], &rows[1], &rows[3]);
        assert_eq!((ab1[0], ab1[1]), (b[0], a[1]));
        assert_eq!(sobol::saltelli(3, 2, true, 1).len(), 3 * 6);
    }

    #[test]
    fn morris_steps_change_one_coordinate_by_delta() {
        let (r, d, p) = (5, 3, 4);
        let rows = morris::trajectories(r, d, p, 2);
        assert_eq!(rows.len(), r * (d + 1));
        let step = p as f64 / (2.0 * (p - 1) as f64);
        for t in 0..r {
            let mut moved = vec![false; d];
            for s in 0..d {
                let (x, y) = (&rows[t * (d + 1) + s], &rows[t * (d + 1) + s + 1]);
                let diff: Vec<usize> = (0..d).filter(|&i| x[i] != y[i]).collect();
                assert_eq!(diff.len(), 1);
                assert!(((x[diff[0]] - y[diff[0]]).abs() - step).abs() < 1e-12);
                moved[diff[0]] = true;
            }
            assert!(moved.iter().all(|&m| m));
            for x in &rows[t * (d + 1)..(t + 1) * (d + 1)] {
                assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
            }
        }
    }
}
