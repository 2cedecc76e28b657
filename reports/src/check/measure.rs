//! A count of a report, found in the report's JSON by its count path.

use serde_json::Value;

use super::CountPath;

/// A count as one report has it, with the total of its section (for a share).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Measure {
    /// The count.
    pub count: u64,
    /// Its section's total; `None` for counts outside the sections.
    pub total: Option<u64>,
}

impl Measure {
    /// The count as a share of its section's total; 0 when the total is 0 or absent.
    pub fn share(self) -> f64 {
        match self.total {
            Some(total) if total > 0 => self.count as f64 / total as f64,
            _ => 0.0,
        }
    }
}

/// The count `path` names in `report` (a report's JSON); `None` if the report lacks it (a
/// baseline from another rule set may lack a guard's code). A daily count of a sender provider
/// the run had no users of is 0.
pub fn measure(report: &Value, path: &CountPath) -> Option<Measure> {
    match path {
        CountPath::Total(name) => Some(Measure {
            count: report.get(*name)?.as_u64()?,
            total: None,
        }),
        CountPath::Named { section, name } => {
            let counts = report.get(section.key())?.as_object()?;
            let total = counts.values().map(|v| v.as_u64()).sum::<Option<u64>>()?;
            Some(Measure {
                count: counts.get(name)?.as_u64()?,
                total: Some(total),
            })
        }
        CountPath::Daily {
            day,
            provider,
            counter,
        } => {
            let days = report.get("daily")?.as_array()?;
            let on_day = |d: &&Value| day.is_none_or(|day| d["day"] == day);
            let mut count = 0;
            for d in days.iter().filter(on_day) {
                for p in d.get("providers")?.as_array()? {
                    if provider
                        .as_ref()
                        .is_none_or(|name| p["provider"] == name.as_str())
                    {
                        count += p.get(counter.as_str())?.as_u64()?;
                    }
                }
            }
            Some(Measure { count, total: None })
        }
    }
}
