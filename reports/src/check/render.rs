//! What a check says: its expected and measured values as text, and the table and Markdown
//! summary of every check.

use std::fmt::Write as _;

use super::{Bound, Check, CheckReport, Spread, Verdict};
use crate::table::{share, thousands, Grid};

/// `fraction` (0.12) as a percentage with two decimals (`12.00%`).
fn percent(fraction: f64) -> String {
    format!("{:.2}%", fraction * 100.0)
}

/// A signed whole number: `+12`, `-3`, `0`.
fn signed(got: u64, bound: u64) -> String {
    match got.cmp(&bound) {
        std::cmp::Ordering::Less => format!("-{}", thousands(bound - got)),
        std::cmp::Ordering::Equal => "0".to_owned(),
        std::cmp::Ordering::Greater => format!("+{}", thousands(got - bound)),
    }
}

impl Check {
    /// The bound as text: `>= 10`, `share <= 12.00%`, `within 10.00% of 1,234`.
    pub fn expected(&self) -> String {
        if let Some(s) = &self.spread {
            return self.expected_seeded(s);
        }
        match self.bound {
            Bound::Min(min) => format!(">= {}", thousands(min)),
            Bound::Max(max) => format!("<= {}", thousands(max)),
            Bound::ShareMin(s) => format!("share >= {}", percent(s)),
            Bound::ShareMax(s) => format!("share <= {}", percent(s)),
            Bound::Relative(r) => {
                let base = thousands(self.baseline.unwrap_or(0));
                format!("within {} of {base}", percent(r))
            }
        }
    }

    /// What the report has: the count, or the share and the counts it is taken of.
    pub fn got_text(&self) -> String {
        if let Some(s) = &self.spread {
            let shown = |v: f64| match self.bound {
                Bound::ShareMin(_) | Bound::ShareMax(_) => percent(v),
                _ => format!("{v:.2}"),
            };
            return format!(
                "mean {} [{}, {}] of {} seeds",
                shown(s.mean),
                shown(s.low),
                shown(s.high),
                s.seeds
            );
        }
        let count = thousands(self.got.count);
        match self.bound {
            Bound::ShareMin(_) | Bound::ShareMax(_) => {
                let total = self.got.total.unwrap_or(0);
                format!(
                    "{} ({count} of {})",
                    share(self.got.count, total),
                    thousands(total)
                )
            }
            _ => count,
        }
    }

    /// How far the count is from the bound (or, for a relative bound, moved from the
    /// baseline): negative below, positive above.
    pub fn by(&self) -> String {
        if let Some(s) = &self.spread {
            return by_seeded(self.bound, s);
        }
        let points = |s: f64| format!("{:+.2} pts", (self.got.share() - s) * 100.0);
        match self.bound {
            Bound::Min(b) | Bound::Max(b) => signed(self.got.count, b),
            Bound::ShareMin(s) | Bound::ShareMax(s) => points(s),
            Bound::Relative(_) => {
                let base = self.baseline.unwrap_or(0);
                match (base, self.got.count) {
                    (0, 0) => "0.00%".to_owned(),
                    (0, _) => "new".to_owned(),
                    (base, got) => {
                        format!("{:+.2}%", (got as f64 - base as f64) / base as f64 * 100.0)
                    }
                }
            }
        }
    }

    /// The bound as judged over several seeds: on the interval, or by the t-test.
    fn expected_seeded(&self, s: &Spread) -> String {
        match (self.bound, s.baseline) {
            (Bound::Relative(r), Some((n, base, _))) if r > 0.0 => format!(
                "no significant move beyond {} of mean {base:.2} ({n} seeds)",
                percent(r)
            ),
            (Bound::Relative(_), Some((n, base, _))) => {
                format!("no significant move from mean {base:.2} ({n} seeds)")
            }
            _ => format!(
                "{}, 95% interval of the mean",
                Check {
                    spread: None,
                    ..self.clone()
                }
                .expected()
            ),
        }
    }

    /// The verdict as a word.
    pub fn result(&self) -> &'static str {
        match self.verdict {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Skipped => "skipped",
        }
    }

    /// One line on the check, for a failure message or an annotation.
    pub fn message(&self) -> String {
        let mut out = format!(
            "{}: {} is {}, expected {} (by {})",
            self.scenario,
            self.count,
            self.got_text(),
            self.expected(),
            self.by()
        );
        if self.verdict == Verdict::Skipped {
            let base = match self.spread.and_then(|s| s.baseline) {
                Some((_, mean, _)) => format!("mean {mean:.2}"),
                None => thousands(self.baseline.unwrap_or(0)),
            };
            let _ = write!(
                out,
                "; not judged: the baseline's {base} is below min_count {}",
                self.min_count
            );
        }
        out
    }
}

/// How a spread stands against `bound`: the mean's distance from an absolute bound, or the
/// move of the mean from the baseline's with Welch's t, degrees of freedom and critical value
/// (no `|`: the text goes into Markdown tables).
fn by_seeded(bound: Bound, s: &Spread) -> String {
    match (bound, s.baseline) {
        (Bound::Min(b) | Bound::Max(b), _) => format!("{:+.2}", s.mean - b as f64),
        (Bound::ShareMin(b) | Bound::ShareMax(b), _) => {
            format!("{:+.2} pts", (s.mean - b) * 100.0)
        }
        (Bound::Relative(_), Some((_, base, test))) => {
            let moved = if base == 0.0 {
                format!("{:+.2}", test.difference)
            } else {
                format!("{:+.2}%", test.difference / base * 100.0)
            };
            format!(
                "{moved}, t {:.2} (df {:.1}, significant beyond ±{:.3})",
                test.t, test.df, test.critical
            )
        }
        (Bound::Relative(_), None) => unreachable!("a relative bound has a baseline"),
    }
}

impl CheckReport {
    /// One line counting the checks and their verdicts.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} checks, {} passed, {} failed, {} skipped",
            self.file,
            self.checks.len(),
            self.count(Verdict::Pass),
            self.count(Verdict::Fail),
            self.count(Verdict::Skipped)
        )
    }

    /// The checks in `which` as a table.
    fn grid<'c>(which: impl Iterator<Item = &'c Check>, markdown: bool) -> Grid {
        let header = ["scenario", "count", "expected", "got", "by", "result"];
        let mut grid = Grid::new(&header, 2);
        for c in which {
            let code = |s: &str| {
                if markdown {
                    format!("`{s}`")
                } else {
                    s.to_owned()
                }
            };
            grid.rows.push(vec![
                code(&c.scenario),
                code(&c.count),
                c.expected(),
                c.got_text(),
                c.by(),
                c.result().to_owned(),
            ]);
        }
        grid
    }

    /// Every check as a table for a terminal, between the summary line and a closing tally
    /// in the plain form test runners end with (`check: N passed, N failed, N skipped`, the
    /// skipped being the relative bounds below their `min_count`).
    pub fn render_table(&self) -> String {
        let mut out = format!("seqsim check {}\n", self.summary());
        Self::grid(self.checks.iter(), false).write(&mut out, false);
        let _ = writeln!(
            out,
            "\ncheck: {} passed, {} failed, {} skipped",
            self.count(Verdict::Pass),
            self.count(Verdict::Fail),
            self.count(Verdict::Skipped)
        );
        out
    }

    /// A summary fit for a pull-request comment: the verdict, the failed checks, and every
    /// check folded away.
    pub fn render_markdown(&self) -> String {
        let verdict = if self.passed() { "passed" } else { "FAILED" };
        let mut out = format!("## seqsim check {verdict}\n\n`{}`\n", self.summary());
        let failed = self.checks.iter().filter(|c| c.verdict == Verdict::Fail);
        if !self.passed() {
            out.push_str("\n### Failed checks\n");
            Self::grid(failed, true).write(&mut out, true);
        }
        let _ = writeln!(
            out,
            "\n<details><summary>All {} checks</summary>\n",
            self.checks.len()
        );
        Self::grid(self.checks.iter(), true).write(&mut out, true);
        out.push_str("\n</details>\n");
        out
    }

    /// Every check as a self-contained HTML page: the verdict, the tally, and a row per bound
    /// (green passed, red failed, grey skipped) with its scenario, count, expected and measured
    /// values and by how much.
    pub fn render_html(&self) -> String {
        use crate::html::{escape, head, TAIL};
        let verdict = if self.passed() { "passed" } else { "FAILED" };
        let mut out = head(&format!("seqsim check {}: {verdict}", self.file));
        let _ = write!(
            out,
            "<h1>seqsim check {verdict}</h1>\n<p><code>{}</code></p>\n<table class=\"checks\">\n<caption>Every bound of <code>{}</code>, in file order</caption>\n<thead>\n<tr>",
            escape(&self.summary()),
            escape(&self.file)
        );
        for name in ["scenario", "count", "expected", "got", "by", "result"] {
            let _ = write!(out, "<th scope=\"col\">{name}</th>");
        }
        out.push_str("</tr>\n</thead>\n<tbody>\n");
        for c in &self.checks {
            let cells = [
                (&c.scenario, "name"),
                (&c.count, "name"),
                (&c.expected(), ""),
                (&c.got_text(), ""),
                (&c.by(), ""),
                (&c.result().to_owned(), "name"),
            ];
            let _ = write!(out, "<tr class=\"{}\">", c.result().to_lowercase());
            for (text, class) in cells {
                let class = if class.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{class}\"")
                };
                let _ = write!(out, "<td{class}>{}</td>", escape(text));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        out.push_str(TAIL);
        out
    }
}
