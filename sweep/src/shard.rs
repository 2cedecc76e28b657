//! Shard files (`seqsim sweep --shard I/N`) and their merge (`seqsim merge`).
//!
//! A shard file is JSON lines: a header naming the format, the shard (`shard`, `of`, the
//! slicing) and the whole grid; then one line per run of the shard, `{"run", "seed",
//! "counts"}`, counts in the order of the grid's `counts`. The grid holds the HTML report's
//! presentation too: each axis's `--label` and the `--target`s (optional fields, left out when
//! not given, so a shard file without them reads as it did). Merging checks that the shards are
//! one sweep's: the same grid and shard count, every index once, every run once and in its
//! shard, then gives the [`Sweep`] the unsharded sweep would have, so its outputs are the same
//! bytes.

use serde::{Deserialize, Serialize};

use crate::{grid, Grid, RunRow, Sweep};

/// The format's name and version, the header's first key.
pub const FORMAT: &str = "seqsim-sweep-shard/1";

/// A shard file's header line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// [`FORMAT`].
    pub format: String,
    /// This shard's index, from 0.
    pub shard: usize,
    /// How many shards the grid is cut into.
    pub of: usize,
    /// How runs are dealt to shards: always `round-robin` (run k to shard k mod N).
    pub slicing: String,
    /// Runs in the whole grid.
    pub runs: usize,
    /// The grid.
    pub grid: Grid,
}

/// Shard `index` of `of` of a sweep of `grid`, with its runs' rows, as a file's text.
pub fn write(grid: &Grid, index: usize, of: usize, rows: &[RunRow]) -> String {
    let header = Header {
        format: FORMAT.to_owned(),
        shard: index,
        of,
        slicing: "round-robin".to_owned(),
        runs: grid.run_count(),
        grid: grid.clone(),
    };
    let mut out = serde_json::to_string(&header).expect("a header serializes") + "\n";
    for row in rows {
        out.push_str(&serde_json::to_string(row).expect("a row serializes"));
        out.push('\n');
    }
    out
}

/// One shard file read: its header and rows, or what is wrong (naming `origin`).
pub fn read(text: &str, origin: &str) -> Result<(Header, Vec<RunRow>), String> {
    let mut lines = text.lines();
    let header: Header = (lines.next())
        .and_then(|l| serde_json::from_str(l).ok())
        .filter(|h: &Header| h.format == FORMAT)
        .ok_or_else(|| format!("`{origin}` is not a shard file: its first line is not a {FORMAT} header; allowed: files written by `seqsim sweep --shard`"))?;
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let row: RunRow = serde_json::from_str(line).map_err(|e| {
            format!(
                "`{origin}` line {}: not a run row ({e}); the file is damaged or cut short",
                i + 2
            )
        })?;
        if row.counts.len() != header.grid.counts.len() {
            return Err(format!(
                "`{origin}` line {}: {} counts where the grid has {}",
                i + 2,
                row.counts.len(),
                header.grid.counts.len()
            ));
        }
        rows.push(row);
    }
    Ok((header, rows))
}

/// The sweep the shard files `files` (origin, text) make together, or why they do not make
/// one: a file that is not a shard, shards of other grids or shard counts, a shard given twice
/// or missing, a run in the wrong shard, twice or missing.
pub fn merge(files: &[(String, String)]) -> Result<Sweep, String> {
    let mut read_files = Vec::with_capacity(files.len());
    for (origin, text) in files {
        read_files.push((origin.as_str(), read(text, origin)?));
    }
    let Some((first_origin, (first, _))) = read_files.first() else {
        return Err("no shard files; allowed: every shard file of one sweep".to_owned());
    };
    let of = first.of;
    let mut seen: Vec<Option<&str>> = vec![None; of];
    let mut runs: Vec<Option<RunRow>> = vec![None; first.runs];
    for (origin, (header, rows)) in &read_files {
        if header.grid != first.grid || header.of != of || header.runs != first.runs {
            return Err(format!("`{origin}` is a shard of another sweep than `{first_origin}` (its grid, shard count, --label or --target differs); allowed: the shards of one sweep, run with the same arguments"));
        }
        if let Some(other) = seen[header.shard].replace(origin) {
            return Err(format!("shard {} of {of} is given twice: `{other}` and `{origin}`; allowed: each shard once", header.shard));
        }
        let expected = grid::shard(first.runs, header.shard, of);
        let got: Vec<usize> = rows.iter().map(|r| r.run).collect();
        if got != expected {
            return Err(format!("`{origin}` (shard {} of {of}) holds runs {got:?} where the shard's runs are {expected:?}; the file is damaged or cut short", header.shard));
        }
        for row in rows {
            runs[row.run] = Some(row.clone());
        }
    }
    let missing: Vec<usize> = (0..of).filter(|&i| seen[i].is_none()).collect();
    if !missing.is_empty() {
        return Err(format!(
            "shards {missing:?} of {of} are missing; allowed: every shard of the sweep, 0 to {}",
            of - 1
        ));
    }
    let runs = runs
        .into_iter()
        .map(|r| r.expect("every shard's runs are present"))
        .collect();
    Ok(Sweep {
        grid: first.grid.clone(),
        runs,
    })
}
