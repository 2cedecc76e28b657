//! What CI systems read: JUnit XML (one testcase per check) and GitHub Actions annotations.

use std::fmt::Write as _;

use super::{CheckReport, Verdict};

/// `text` escaped for XML character data and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newline are not allowed in XML 1.0.
            c if c.is_control() && c != '\t' && c != '\n' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `text` escaped for a GitHub workflow command: `%`, CR and LF always, and `:` and `,` in a
/// property value (`property`).
fn workflow_escape(text: &str, property: bool) -> String {
    let mut out = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

impl CheckReport {
    /// The checks as JUnit XML: one testsuite per scenario, one testcase per check (named by
    /// its count and bound), a `failure` for each failed check and `skipped` for each skipped one.
    pub fn junit(&self) -> String {
        let count = |v| self.count(v);
        let mut out = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"seqsim check\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n",
            self.checks.len(),
            count(Verdict::Fail),
            count(Verdict::Skipped)
        );
        let mut scenarios: Vec<&str> = Vec::new();
        for c in &self.checks {
            if !scenarios.contains(&c.scenario.as_str()) {
                scenarios.push(&c.scenario);
            }
        }
        for scenario in scenarios {
            let checks: Vec<_> = self
                .checks
                .iter()
                .filter(|c| c.scenario == scenario)
                .collect();
            let failed = checks.iter().filter(|c| c.verdict == Verdict::Fail).count();
            let skipped = checks
                .iter()
                .filter(|c| c.verdict == Verdict::Skipped)
                .count();
            let name = xml_escape(scenario);
            let _ = writeln!(out, "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failed}\" skipped=\"{skipped}\">", checks.len());
            for c in checks {
                let case = xml_escape(&format!("{} {} ({})", c.count, c.bound.key(), c.key));
                let message = xml_escape(&c.message());
                let _ = write!(
                    out,
                    "    <testcase classname=\"{name}\" name=\"{case}\" file=\"{}\"",
                    xml_escape(&self.file)
                );
                match c.verdict {
                    Verdict::Pass => out.push_str("/>\n"),
                    Verdict::Fail => {
                        let _ = writeln!(out, ">\n      <failure message=\"{message}\" type=\"expectation\">{message}</failure>\n    </testcase>");
                    }
                    Verdict::Skipped => {
                        let _ = writeln!(
                            out,
                            ">\n      <skipped message=\"{message}\"/>\n    </testcase>"
                        );
                    }
                }
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }

    /// One GitHub Actions `::error` line per failed check, for standard error.
    pub fn github_annotations(&self) -> String {
        let file = workflow_escape(&self.file, true);
        let mut out = String::new();
        for c in self.checks.iter().filter(|c| c.verdict == Verdict::Fail) {
            let title = format!("seqsim check: {} {} {}", c.scenario, c.count, c.bound.key());
            let _ = writeln!(
                out,
                "::error file={file},title={}::{}",
                workflow_escape(&title, true),
                workflow_escape(&c.message(), false)
            );
        }
        out
    }
}
