//! The statistics of a count over several seeds: mean, sample standard deviation and the 95%
//! t-interval of the mean. Pure functions over integers; the reports call them when rendering.
//!
//! The interval of `n >= 2` values `x_1..x_n` with mean `m` and sample standard deviation
//! `s = sqrt(sum (x_i - m)^2 / (n - 1))` is `m ± t * s / sqrt(n)`, where `t` is the 0.975
//! quantile of Student's t distribution at `n - 1` degrees of freedom: the two-sided 95%
//! interval, which assumes the seeds' values are independent draws of a roughly normal count.
//!
//! Two sets of seeds are compared by Welch's two-sample t-test ([`welch`]): with means `m_a`,
//! `m_b`, sample variances `v_a`, `v_b` and sizes `n_a`, `n_b`, the standard error is
//! `se = sqrt(v_a / n_a + v_b / n_b)`, the statistic `t = (m_a - m_b) / se`, and the degrees of
//! freedom Welch–Satterthwaite's `se^4 / ((v_a / n_a)^2 / (n_a - 1) + (v_b / n_b)^2 / (n_b - 1))`,
//! a real number. The difference is significant at 5% two-sided when `|t|` exceeds the 0.975
//! quantile at those degrees of freedom; [`t_975_real`] rounds them down to a whole number (no
//! interpolation), which takes the larger quantile and keeps the test's false-alarm rate at or
//! below 5%.
//!
//! No statistics crate: the one quantile needed is a short table (exact to six decimals), a crate
//! would bring an inverse-CDF routine whose last bits could change with its version and move
//! the report's bytes, and the arithmetic here is a sum, a division and a square root, which
//! IEEE 754 rounds the same way on every machine.

/// The 0.975 quantile of Student's t at the degrees of freedom that open each entry, to six
/// decimals (computed with mpmath's regularized incomplete beta function, and matching printed
/// tables to their three decimals).
const T_975: [(u64, f64); 39] = [
    (1, 12.706_205),
    (2, 4.302_653),
    (3, 3.182_446),
    (4, 2.776_445),
    (5, 2.570_582),
    (6, 2.446_912),
    (7, 2.364_624),
    (8, 2.306_004),
    (9, 2.262_157),
    (10, 2.228_139),
    (11, 2.200_985),
    (12, 2.178_813),
    (13, 2.160_369),
    (14, 2.144_787),
    (15, 2.131_450),
    (16, 2.119_905),
    (17, 2.109_816),
    (18, 2.100_922),
    (19, 2.093_024),
    (20, 2.085_963),
    (21, 2.079_614),
    (22, 2.073_873),
    (23, 2.068_658),
    (24, 2.063_899),
    (25, 2.059_539),
    (26, 2.055_529),
    (27, 2.051_831),
    (28, 2.048_407),
    (29, 2.045_230),
    (30, 2.042_272),
    (40, 2.021_075),
    (50, 2.008_559),
    (60, 2.000_298),
    (80, 1.990_063),
    (100, 1.983_972),
    (120, 1.979_930),
    (200, 1.971_896),
    (500, 1.964_720),
    (1000, 1.962_339),
];

/// The normal distribution's 0.975 quantile, the limit of t as the degrees of freedom grow.
const Z_975: f64 = 1.959_964;

/// The 0.975 quantile of Student's t at `df >= 1` degrees of freedom. Exact (to six decimals)
/// for 1 to 30 and at the table's larger entries; between entries, the entry below, which is
/// the larger quantile (a slightly wider, conservative interval); above 1000, the normal 1.96
/// (at most 0.12% narrower than the exact value).
pub fn t_975(df: u64) -> f64 {
    assert!(df >= 1, "t has at least one degree of freedom");
    if df > 1000 {
        return Z_975;
    }
    T_975
        .iter()
        .rev()
        .find(|&&(at, _)| at <= df)
        .map(|&(_, t)| t)
        .expect("the table starts at 1")
}

/// The 0.975 quantile of Student's t at real `df` degrees of freedom (Welch's are fractional):
/// `df` rounded down (at least 1), then [`t_975`]. Rounding down, like [`t_975`] taking the
/// table's entry below, never gives a smaller quantile than the exact one, so a test using it
/// is conservative.
pub fn t_975_real(df: f64) -> f64 {
    assert!(df.is_finite() && df > 0.0, "degrees of freedom {df}");
    t_975((df.floor() as u64).max(1))
}

/// Welch's two-sample t-test of the means of two sets of seeds, at 5% two-sided.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Welch {
    /// `mean(a) - mean(b)`.
    pub difference: f64,
    /// The statistic `difference / se`; infinite when neither set varies but the means differ,
    /// 0 when neither varies and they agree.
    pub t: f64,
    /// The Welch–Satterthwaite degrees of freedom (`n_a + n_b - 2` when neither set varies).
    pub df: f64,
    /// The 0.975 quantile `|t|` is compared with ([`t_975_real`] at `df`).
    pub critical: f64,
}

impl Welch {
    /// The means differ by more than seed-to-seed noise: `|t| > critical`.
    pub fn significant(&self) -> bool {
        self.t.abs() > self.critical
    }
}

/// Welch's t-test of `a` against `b` (each at least two values, one per seed).
pub fn welch(a: &[i64], b: &[i64]) -> Welch {
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (ea, eb) = (sample_sd(a).powi(2) / na, sample_sd(b).powi(2) / nb);
    let difference = mean(a) - mean(b);
    let se2 = ea + eb;
    let (t, df) = if se2 == 0.0 {
        let t = if difference == 0.0 {
            0.0
        } else {
            difference.signum() * f64::INFINITY
        };
        (t, na + nb - 2.0)
    } else {
        let df = se2 * se2 / (ea * ea / (na - 1.0) + eb * eb / (nb - 1.0));
        (difference / se2.sqrt(), df)
    };
    Welch {
        difference,
        t,
        df,
        critical: t_975_real(df),
    }
}

/// The mean of real `values` (at least two) and the ends of its 95% t-interval, as
/// [`Summary::of`] computes them: for shares, which are not whole numbers.
pub fn interval(values: &[f64]) -> (f64, f64, f64) {
    assert!(values.len() >= 2, "an interval needs two values");
    let n = values.len() as f64;
    let m = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let half = t_975(values.len() as u64 - 1) * sd / n.sqrt();
    (m, m - half, m + half)
}

/// The mean of `values` (at least one).
pub fn mean(values: &[i64]) -> f64 {
    assert!(!values.is_empty(), "the mean of no values");
    // Integers sum exactly in i128; the one rounding is the division.
    let sum: i128 = values.iter().map(|&v| i128::from(v)).sum();
    sum as f64 / values.len() as f64
}

/// The sample standard deviation of `values` (at least two): the root of the squared
/// deviations from the mean summed, over `n - 1`.
pub fn sample_sd(values: &[i64]) -> f64 {
    assert!(values.len() >= 2, "a spread needs two values");
    let m = mean(values);
    let squares: f64 = values.iter().map(|&v| (v as f64 - m).powi(2)).sum();
    (squares / (values.len() - 1) as f64).sqrt()
}

/// A count over the seeds, summed up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// The mean.
    pub mean: f64,
    /// The sample standard deviation.
    pub sd: f64,
    /// The 95% t-interval of the mean, low end.
    pub low: f64,
    /// High end.
    pub high: f64,
    /// The smallest value.
    pub min: i64,
    /// The largest value.
    pub max: i64,
}

impl Summary {
    /// The summary of `values` (at least two, one per seed).
    pub fn of(values: &[i64]) -> Self {
        let n = values.len();
        let (mean, sd) = (mean(values), sample_sd(values));
        let half = t_975(n as u64 - 1) * sd / (n as f64).sqrt();
        Self {
            mean,
            sd,
            low: mean - half,
            high: mean + half,
            min: *values.iter().min().expect("two values"),
            max: *values.iter().max().expect("two values"),
        }
    }

    /// The interval leaves out 0: the values differ from 0 by more than seed-to-seed noise.
    pub fn excludes_zero(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn t_quantiles_match_their_closed_forms_and_the_table_below() {
        // df 1: tan(0.475 pi) = 12.7062047...; df 2: 0.95 / sqrt(2 * 0.975 * 0.025) = 4.3026527...
        assert!(close(t_975(1), 12.706_205));
        assert!(close(t_975(2), 4.302_653));
        assert!(close(t_975(19), 2.093_024));
        // Between entries, the entry below: 31..=39 use df 30's value.
        assert_eq!(t_975(35), t_975(30));
        assert_eq!(t_975(1000), 1.962_339);
        assert_eq!(t_975(1001), 1.959_964);
        // The quantile never grows with the degrees of freedom.
        let ts: Vec<f64> = (1..=1200).map(t_975).collect();
        assert!(ts.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn mean_and_spread_of_hand_worked_values() {
        // 1, 2, 3, 4: mean 10 / 4 = 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5,
        // s = sqrt(5 / 3) = 1.2909944...
        let values = [1, 2, 3, 4];
        assert_eq!(mean(&values), 2.5);
        assert!(close(sample_sd(&values), 1.290_994_4));
        // Half width 3.182446 * 1.2909944 / 2 = 2.0542601...
        let s = Summary::of(&values);
        assert!(close(s.low, 2.5 - 2.054_260_1), "{s:?}");
        assert!(close(s.high, 2.5 + 2.054_260_1), "{s:?}");
        assert_eq!((s.min, s.max), (1, 4));
        assert!(s.excludes_zero());
    }

    #[test]
    fn intervals_around_zero_and_without_spread() {
        // -3, 1, 5: mean 1, s = sqrt((16 + 0 + 16) / 2) = 4, half width 4.302653 * 4 / sqrt 3
        // = 9.9365...: the interval holds 0.
        let s = Summary::of(&[-3, 1, 5]);
        assert_eq!(s.mean, 1.0);
        assert_eq!(s.sd, 4.0);
        assert!(close(s.high - s.mean, 9.936_552));
        assert!(!s.excludes_zero());
        // The same change in every seed: no spread, an interval of one point.
        let s = Summary::of(&[-7, -7, -7]);
        assert_eq!((s.low, s.mean, s.high, s.sd), (-7.0, -7.0, -7.0, 0.0));
        assert!(s.excludes_zero());
        let s = Summary::of(&[0, 0]);
        assert!(!s.excludes_zero());
    }

    #[test]
    fn welch_of_hand_worked_values() {
        // a = 1, 2, 3, 4: mean 2.5, variance 5 / 3; b = 4, 6, 8, 10: mean 7, variance
        // (9 + 1 + 1 + 9) / 3 = 20 / 3. se^2 = 5 / 12 + 20 / 12 = 25 / 12, se = 1.4433757;
        // t = -4.5 / 1.4433757 = -3.1176915; df = (25 / 12)^2 / ((5 / 12)^2 / 3 + (20 / 12)^2 / 3)
        // = 625 * 3 / 425 = 4.4117647, rounded down to 4: critical 2.776445 < 3.118.
        let w = welch(&[1, 2, 3, 4], &[4, 6, 8, 10]);
        assert_eq!(w.difference, -4.5);
        assert!(close(w.t, -3.117_691_5), "{w:?}");
        assert!(close(w.df, 4.411_764_7), "{w:?}");
        assert_eq!(w.critical, 2.776_445);
        assert!(w.significant());
        // Swapped, the sign flips and nothing else.
        let back = welch(&[4, 6, 8, 10], &[1, 2, 3, 4]);
        assert_eq!((back.t, back.df), (-w.t, w.df));
        // 1, 2, 3, 4 against 2, 3, 4, 5: t = -1 / sqrt(10 / 12) = -1.0954451, df = 6: not
        // significant (2.446912).
        let w = welch(&[1, 2, 3, 4], &[2, 3, 4, 5]);
        assert!(close(w.t, -1.095_445_1) && close(w.df, 6.0), "{w:?}");
        assert!(!w.significant());
    }

    #[test]
    fn welch_without_spread_and_fractional_quantiles() {
        let w = welch(&[5, 5, 5], &[5, 5]);
        assert_eq!((w.t, w.df), (0.0, 3.0));
        assert!(!w.significant());
        let w = welch(&[5, 5, 5], &[6, 6]);
        assert_eq!(w.t, f64::NEG_INFINITY);
        assert!(w.significant());
        // Rounded down: 4.99 uses df 4; below 1, df 1.
        assert_eq!(t_975_real(4.99), t_975(4));
        assert_eq!(t_975_real(0.5), t_975(1));
        assert_eq!(t_975_real(35.2), t_975(30));
    }

    #[test]
    fn real_intervals_match_whole_ones() {
        // The same values as `mean_and_spread_of_hand_worked_values`.
        let (m, low, high) = interval(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        assert!(close(low, 2.5 - 2.054_260_1) && close(high, 2.5 + 2.054_260_1));
    }
}
