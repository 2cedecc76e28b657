//! What a sweep measures: every count of a run's report, named by the count paths of
//! `seqsim check` (`outcomes.SEND_LIMIT_REACHED`, `enrollment_attempts`), and metrics over
//! them: a count, or its share of its section in percent (`outcomes.SEND_LIMIT_REACHED%`).

use reports::{Counts, Report};
use scenarios::{Section, TOTALS};

/// The count paths of a report of `scenario`, in report order: the totals, then each section.
pub fn count_names(scenario: &sim::Scenario) -> Vec<String> {
    let mut names: Vec<String> = TOTALS.iter().map(|t| (*t).to_owned()).collect();
    for section in Section::ALL {
        let key = section.key();
        names.extend((section.names(scenario).into_iter()).map(|n| format!("{key}.{n}")));
    }
    names
}

/// The section counts of `report`.
fn section<'a>(report: &'a Report, section: &str) -> Option<&'a Counts> {
    Some(match section {
        "enrollment" => &report.enrollment,
        "outcomes" => &report.outcomes,
        "attempts_by_source" => &report.attempts_by_source,
        "send_limit_reached_by_side" => &report.send_limit_reached_by_side,
        "sequences_daily_limit" => &report.sequences_daily_limit,
        _ => return None,
    })
}

/// The count each of `names` (from [`count_names`]) has in `report`.
pub fn counts(report: &Report, names: &[String]) -> Vec<u64> {
    (names.iter())
        .map(|name| match name.split_once('.') {
            None if name == "enrollment_attempts" => report.enrollment_attempts,
            None if name == "events" => report.events,
            Some((head, rest)) => (section(report, head).and_then(|c| c.get(rest)))
                .unwrap_or_else(|| panic!("report of {} lacks count {name}", report.scenario)),
            None => panic!("{name} is not a count path"),
        })
        .collect()
}

/// A metric: one count, or its share of its section in percent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metric {
    /// Its name: the count path, with `%` for a share.
    pub name: String,
    /// The count's index among the count names.
    pub count: usize,
    /// For a share, the indices of the counts of its section (its total).
    pub share_of: Option<Vec<usize>>,
}

/// A metric's value for one run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A count.
    Count(u64),
    /// A share in percent (0 when the section's total is 0).
    Percent(f64),
}

impl Value {
    /// As a number.
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Count(c) => c as f64,
            Value::Percent(p) => p,
        }
    }

    /// As tables write it: a count whole, a share to four decimals without trailing zeros.
    pub fn text(self) -> String {
        match self {
            Value::Count(c) => c.to_string(),
            Value::Percent(p) => {
                let t = format!("{p:.4}");
                t.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
        }
    }
}

impl Metric {
    /// The metric `text` names among `names` (count paths): a count path or a bare code name
    /// found in exactly one section (`SEND_LIMIT_REACHED`), with `%` for its share.
    pub fn parse(text: &str, names: &[String]) -> Result<Self, String> {
        let text = text.trim();
        let (base, share) = match text.strip_suffix('%') {
            Some(base) => (base.trim_end(), true),
            None => (text, false),
        };
        let found: Vec<usize> = (0..names.len())
            .filter(|&i| {
                names[i] == base || names[i].split_once('.').is_some_and(|(_, n)| n == base)
            })
            .collect();
        let count = match found[..] {
            [one] => one,
            [] => return Err(format!("`{text}` is not a count of the report; allowed: a count path of `seqsim check` (or a code name alone when one section has it), with % for its share of its section: {}", names.join(", "))),
            _ => {
                let which: Vec<&str> = found.iter().map(|&i| names[i].as_str()).collect();
                return Err(format!("`{text}` names several counts; allowed: one of {}", which.join(", ")));
            }
        };
        let name = &names[count];
        let share_of = match name.split_once('.') {
            Some((section, _)) if share => Some(
                (0..names.len())
                    .filter(|&i| names[i].split_once('.').is_some_and(|(s, _)| s == section))
                    .collect(),
            ),
            None if share => {
                return Err(format!("`{text}`: {name} is not in a section, so it has no share; allowed: {name} without %"))
            }
            _ => None,
        };
        Ok(Self {
            name: format!("{name}{}", if share { "%" } else { "" }),
            count,
            share_of,
        })
    }

    /// Its value for a run with `counts`.
    pub fn value(&self, counts: &[u64]) -> Value {
        let count = counts[self.count];
        match &self.share_of {
            None => Value::Count(count),
            Some(section) => {
                let total: u64 = section.iter().map(|&i| counts[i]).sum();
                Value::Percent(if total == 0 {
                    0.0
                } else {
                    100.0 * count as f64 / total as f64
                })
            }
        }
    }
}

/// Per section key (and `""` for the totals): what one of its counts counts, and what its share
/// is a share of.
const UNITS: [(&str, &str, &str); 6] = [
    ("", "", ""),
    ("enrollment", "attempts", "% of attempts"),
    ("outcomes", "enrollments", "% of outcomes"),
    ("attempts_by_source", "attempts", "% of attempts"),
    (
        "send_limit_reached_by_side",
        "enrollments",
        "% of SEND_LIMIT_REACHED",
    ),
    (
        "sequences_daily_limit",
        "attempts",
        "% of refused and deferred",
    ),
];

impl Metric {
    /// The metric's unit: `% of outcomes` for a share of the outcomes, `enrollments` for an
    /// outcome's count, `attempts` for `enrollment_attempts`, `events` for `events`.
    pub fn unit(&self) -> String {
        let base = self.name.trim_end_matches('%');
        let (section, _) = base.split_once('.').unwrap_or(("", base));
        let (_, count, share) = (UNITS.iter())
            .find(|(s, _, _)| *s == section)
            .copied()
            .unwrap_or(("", "count", "% of its section"));
        match (self.share_of.is_some(), section) {
            (true, _) => share.to_owned(),
            (false, "") if base == "enrollment_attempts" => "attempts".to_owned(),
            (false, "") if base == "events" => "events".to_owned(),
            (false, "") => "count".to_owned(),
            (false, _) => count.to_owned(),
        }
    }

    /// The y axis's title: the count's name within its section and the unit
    /// (`SEND_LIMIT_REACHED (% of outcomes)`, `enrollment_attempts (attempts)`; `events`).
    pub fn axis_title(&self) -> String {
        let base = self.name.trim_end_matches('%');
        let short = base.split_once('.').map_or(base, |(_, n)| n);
        let unit = self.unit();
        if unit == short {
            unit
        } else {
            format!("{short} ({unit})")
        }
    }
}

/// The metrics of a sweep when `--metric` is not given: the attempts, every enrollment decision
/// and outcome with its share, and the send-limit sides.
pub fn default_metrics(names: &[String]) -> Vec<String> {
    let mut out = vec!["enrollment_attempts".to_owned()];
    for name in names {
        if name.starts_with("enrollment.") || name.starts_with("outcomes.") {
            out.push(name.clone());
            out.push(format!("{name}%"));
        }
    }
    out.extend(
        (names.iter())
            .filter(|n| n.starts_with("send_limit_reached_by_side."))
            .cloned(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        [
            "enrollment_attempts",
            "enrollment.ENROLLED",
            "enrollment.BLOCKED",
            "outcomes.BOUNCED",
            "outcomes.FINISHED",
            "x.BOUNCED",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    #[test]
    fn metrics_are_counts_or_shares_of_their_section() {
        let counts = [10, 8, 2, 1, 3, 5];
        let m = Metric::parse("outcomes.BOUNCED%", &names()).unwrap();
        assert_eq!(m.value(&counts), Value::Percent(25.0));
        let m = Metric::parse("ENROLLED", &names()).unwrap();
        assert_eq!(
            (m.name.as_str(), m.value(&counts)),
            ("enrollment.ENROLLED", Value::Count(8))
        );
        let m = Metric::parse("BLOCKED %", &names()).unwrap();
        assert_eq!(m.value(&counts), Value::Percent(20.0));
        assert_eq!(m.value(&[0; 6]), Value::Percent(0.0));
        assert_eq!(Value::Percent(100.0 / 3.0).text(), "33.3333");
        assert_eq!(Value::Percent(2.5).text(), "2.5");
        assert_eq!(Value::Percent(0.0).text(), "0");
    }

    #[test]
    fn bad_metrics_say_what_is_allowed() {
        let err = Metric::parse("BOUNCED", &names()).unwrap_err();
        assert!(err.contains("outcomes.BOUNCED, x.BOUNCED"), "{err}");
        let err = Metric::parse("NOPE", &names()).unwrap_err();
        assert!(
            err.contains("allowed") && err.contains("enrollment.BLOCKED"),
            "{err}"
        );
        let err = Metric::parse("enrollment_attempts%", &names()).unwrap_err();
        assert!(err.contains("no share"), "{err}");
    }

    #[test]
    fn units_name_what_a_metric_counts() {
        let names = [
            "enrollment_attempts",
            "events",
            "enrollment.ENROLLED",
            "outcomes.SEND_LIMIT_REACHED",
            "send_limit_reached_by_side.provider",
            "sequences_daily_limit.refused",
        ]
        .map(str::to_owned);
        let title = |m: &str| Metric::parse(m, &names).unwrap().axis_title();
        assert_eq!(
            title("SEND_LIMIT_REACHED%"),
            "SEND_LIMIT_REACHED (% of outcomes)"
        );
        assert_eq!(
            title("SEND_LIMIT_REACHED"),
            "SEND_LIMIT_REACHED (enrollments)"
        );
        assert_eq!(title("ENROLLED%"), "ENROLLED (% of attempts)");
        assert_eq!(
            title("enrollment_attempts"),
            "enrollment_attempts (attempts)"
        );
        assert_eq!(title("events"), "events");
        assert_eq!(title("provider%"), "provider (% of SEND_LIMIT_REACHED)");
        assert_eq!(title("refused"), "refused (attempts)");
    }

    #[test]
    fn count_names_follow_the_report_and_check_names() {
        let scenario = scenarios::default_scenario();
        let names = count_names(&scenario);
        assert_eq!(names[0], "enrollment_attempts");
        assert!(names.contains(&"outcomes.SEND_LIMIT_REACHED".to_owned()));
        assert!(names.contains(&"send_limit_reached_by_side.provider".to_owned()));
        for name in &names {
            let path = scenarios::CountPath::parse(name, &scenario);
            assert!(path.is_ok(), "{name} is not a count path of seqsim check");
        }
    }
}
