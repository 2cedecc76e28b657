//! The grid of a sweep and its shards, as pure functions of sizes.
//!
//! Runs are numbered in grid order: the first `--vary` axis changes slowest (nested loops in
//! the order the axes were given), then the seeds. Shard `i` of `n` takes runs `i`, `i + n`,
//! `i + 2n`, ... (round-robin), so neighbouring grid points, which cost about the same, spread
//! over the shards.

/// Most runs one sweep may make: a bound on the expansion (and far above a day's computing).
pub const MAX_RUNS: usize = 1_000_000;

/// The index of every axis's value at each grid point, in grid order (first axis slowest).
/// No axes: one point, the scenario as it is.
pub fn points(lens: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for &len in lens {
        out = (out.into_iter())
            .flat_map(|prefix| {
                (0..len).map(move |i| {
                    let mut p = prefix.clone();
                    p.push(i);
                    p
                })
            })
            .collect();
    }
    out
}

/// How many runs a grid of axes of `lens` values makes with `seeds` seeds each, or `None` past
/// [`MAX_RUNS`].
pub fn run_count(lens: &[usize], seeds: usize) -> Option<usize> {
    (lens.iter().try_fold(seeds, |n, &l| n.checked_mul(l))).filter(|&n| n <= MAX_RUNS)
}

/// The runs of shard `index` of `of`, by run number: round-robin.
pub fn shard(runs: usize, index: usize, of: usize) -> Vec<usize> {
    assert!(index < of, "shard {index} of {of}");
    (index..runs).step_by(of).collect()
}

/// `--shard I/N` or `--shard auto/N`: the 0-based shard index and the count. `auto` reads the
/// index from `JOB_COMPLETION_INDEX` (a Kubernetes Indexed Job), else `SLURM_ARRAY_TASK_ID`
/// less `SLURM_ARRAY_TASK_MIN` when set (a Slurm array), through `env`.
pub fn parse_shard(
    text: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(usize, usize), String> {
    const FORM: &str = "I/N with 0 <= I < N <= 10000, or auto/N to take I from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array, less SLURM_ARRAY_TASK_MIN)";
    let Some((i, n)) = text.split_once('/') else {
        return Err(format!("--shard `{text}` has no `/`; allowed: {FORM}"));
    };
    let n: usize = match n.parse() {
        Ok(n) if (1..=10_000).contains(&n) => n,
        _ => {
            return Err(format!(
                "--shard `{text}`: `{n}` is not a shard count; allowed: {FORM}"
            ))
        }
    };
    let (index, from) = if i == "auto" {
        auto_index(&env).ok_or_else(|| {
            format!("--shard `{text}`: neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID holds a whole number; allowed: {FORM}")
        })?
    } else {
        let index = i.parse::<i64>().map_err(|_| {
            format!("--shard `{text}`: `{i}` is not a shard index; allowed: {FORM}")
        })?;
        (index, "--shard")
    };
    match usize::try_from(index) {
        Ok(index) if index < n => Ok((index, n)),
        _ => Err(format!(
            "--shard `{text}`: index {index} (from {from}) is not below {n}; allowed: {FORM}"
        )),
    }
}

/// The index `auto` stands for, and the variable it came from.
fn auto_index(env: &impl Fn(&str) -> Option<String>) -> Option<(i64, &'static str)> {
    let read = |name: &str| env(name).and_then(|v| v.trim().parse::<i64>().ok());
    if let Some(i) = read("JOB_COMPLETION_INDEX") {
        return Some((i, "JOB_COMPLETION_INDEX"));
    }
    let task = read("SLURM_ARRAY_TASK_ID")?;
    Some((
        task - read("SLURM_ARRAY_TASK_MIN").unwrap_or(0),
        "SLURM_ARRAY_TASK_ID",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_nested_loops_in_axis_order() {
        assert_eq!(points(&[]), vec![Vec::<usize>::new()]);
        assert_eq!(points(&[2]), vec![vec![0], vec![1]]);
        assert_eq!(
            points(&[2, 3]),
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![0, 2],
                vec![1, 0],
                vec![1, 1],
                vec![1, 2]
            ]
        );
        assert_eq!(points(&[2, 0]), Vec::<Vec<usize>>::new());
        assert_eq!(run_count(&[2, 3], 4), Some(24));
        assert_eq!(run_count(&[1000, 1000], 2), None);
    }

    #[test]
    fn shards_are_round_robin_and_cover_every_run_once() {
        assert_eq!(shard(10, 0, 3), [0, 3, 6, 9]);
        assert_eq!(shard(10, 2, 3), [2, 5, 8]);
        assert_eq!(shard(2, 4, 7), Vec::<usize>::new());
        for n in [1, 3, 7] {
            let mut all: Vec<usize> = (0..n).flat_map(|i| shard(20, i, n)).collect();
            all.sort();
            assert_eq!(all, (0..20).collect::<Vec<_>>());
        }
    }

    #[test]
    fn shard_indices_come_from_the_flag_or_the_scheduler() {
        let none = |_: &str| None;
        assert_eq!(parse_shard("2/7", none), Ok((2, 7)));
        let k8s = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "6".to_owned());
        assert_eq!(parse_shard("auto/7", k8s), Ok((6, 7)));
        let slurm = |k: &str| match k {
            "SLURM_ARRAY_TASK_ID" => Some("4".to_owned()),
            "SLURM_ARRAY_TASK_MIN" => Some("1".to_owned()),
            _ => None,
        };
        assert_eq!(parse_shard("auto/7", slurm), Ok((3, 7)));
        for (bad, says) in [
            ("7/7", "index 7 (from --shard) is not below 7"),
            ("auto/3", "neither JOB_COMPLETION_INDEX"),
            ("1/0", "not a shard count"),
            ("x/3", "not a shard index"),
            ("3", "no `/`"),
        ] {
            let err = parse_shard(bad, none).unwrap_err();
            assert!(
                err.contains(says) && err.contains("allowed"),
                "{bad}: {err}"
            );
        }
        assert!(parse_shard("auto/3", k8s)
            .unwrap_err()
            .contains("from JOB_COMPLETION_INDEX"));
    }
}
