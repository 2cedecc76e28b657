//! Count paths: which count of a report an expectation bounds (`outcomes.BOUNCED`,
//! `daily.*.google_workspace.sent`), checked against the scenario's catalogues and rule set.

use model::{Catalogue, InboxProvider, Outcome, RejectionCode};
use sim::{DayCounter, Scenario, Source};

/// A section of the report: named counts that add up to a meaningful total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// `enrollment`: ENROLLED and every rejection code; sums to the attempts.
    Enrollment,
    /// `outcomes`: the final outcome of every enrollment; sums to ENROLLED.
    Outcomes,
    /// `attempts_by_source`: sums to the attempts.
    AttemptsBySource,
    /// `send_limit_reached_by_side`: platform and provider; sums to SEND_LIMIT_REACHED.
    SendLimitReachedBySide,
    /// `sequences_daily_limit`: refused and deferred.
    SequencesDailyLimit,
}

impl Section {
    /// Every section, in report order.
    pub const ALL: [Section; 5] = [
        Section::Enrollment,
        Section::Outcomes,
        Section::AttemptsBySource,
        Section::SendLimitReachedBySide,
        Section::SequencesDailyLimit,
    ];

    /// Its key in the JSON report.
    pub fn key(self) -> &'static str {
        match self {
            Section::Enrollment => "enrollment",
            Section::Outcomes => "outcomes",
            Section::AttemptsBySource => "attempts_by_source",
            Section::SendLimitReachedBySide => "send_limit_reached_by_side",
            Section::SequencesDailyLimit => "sequences_daily_limit",
        }
    }

    /// The names a report of `scenario` has in this section, in report order.
    pub fn names(self, scenario: &Scenario) -> Vec<String> {
        let owned = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect();
        match self {
            Section::Enrollment => std::iter::once("ENROLLED".to_owned())
                .chain(RejectionCode::ALL.iter().map(|c| c.name().to_owned()))
                .chain(scenario.rules.guards().iter().map(|g| g.name.clone()))
                .collect(),
            Section::Outcomes => Outcome::ALL.iter().map(|o| o.name().to_owned()).collect(),
            Section::AttemptsBySource => Source::ALL.iter().map(|s| s.name().to_owned()).collect(),
            Section::SendLimitReachedBySide => owned(&["platform", "provider"]),
            Section::SequencesDailyLimit => owned(&["refused", "deferred"]),
        }
    }
}

/// The counts of a report outside the sections, as count paths name them.
pub const TOTALS: [&str; 2] = ["enrollment_attempts", "events"];

/// A count of a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CountPath {
    /// `enrollment_attempts` or `events`.
    Total(&'static str),
    /// One named count of a section (`outcomes.BOUNCED`).
    Named {
        /// The section.
        section: Section,
        /// The count's name in it.
        name: String,
    },
    /// `daily.<day>.<provider>.<counter>`: a daily counter; `None` for `*`, the sum over every
    /// day or every sender provider.
    Daily {
        /// The day, from 0.
        day: Option<u32>,
        /// The sender provider (`none` for users without an inbox).
        provider: Option<String>,
        /// The daily counter (`sent`, `hard_bounces`...).
        counter: String,
    },
}

impl CountPath {
    /// The count `text` names in a report of `scenario`, or what is allowed instead.
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Self, String> {
        if let Some(total) = TOTALS.iter().find(|t| **t == text) {
            return Ok(CountPath::Total(total));
        }
        let (head, rest) = text.split_once('.').unwrap_or((text, ""));
        if head == "daily" {
            return daily(text, rest, scenario);
        }
        let Some(section) = Section::ALL.into_iter().find(|s| s.key() == head) else {
            let sections: Vec<&str> = Section::ALL.iter().map(|s| s.key()).collect();
            return Err(format!(
                "{text:?} is not a count; allowed: {}, <section>.<name> with section one of {}, or daily.<day>.<provider>.<counter>",
                TOTALS.join(", "),
                sections.join(", ")
            ));
        };
        let names = section.names(scenario);
        if names.iter().any(|n| n == rest) {
            return Ok(CountPath::Named {
                section,
                name: rest.to_owned(),
            });
        }
        Err(format!(
            "{text:?} is not a count; allowed in `{head}`: {}",
            names.join(", ")
        ))
    }

    /// The section whose total a share of this count is taken of; `None` for counts outside
    /// the sections.
    pub fn section(&self) -> Option<Section> {
        match self {
            CountPath::Named { section, .. } => Some(*section),
            _ => None,
        }
    }
}

/// `daily.<day>.<provider>.<counter>`, `rest` being what follows `daily.`.
fn daily(text: &str, rest: &str, scenario: &Scenario) -> Result<CountPath, String> {
    let parts: Vec<&str> = rest.split('.').collect();
    let [day, provider, counter] = parts[..] else {
        return Err(format!("{text:?} is not a daily count; allowed: daily.<day>.<provider>.<counter>, day and provider `*` for the sum over all"));
    };
    let last = scenario.calendar.horizon_days.saturating_sub(1);
    let day = match day {
        "*" => None,
        d => match d.parse::<u32>() {
            Ok(d) if d <= last => Some(d),
            _ => return Err(format!("{text:?}: day {d:?} is not a day of the run; allowed: 0 to {last}, or * for every day")),
        },
    };
    let providers: Vec<&str> = (InboxProvider::ALL.iter().map(|p| p.name()))
        .chain(["none"])
        .collect();
    let provider = match provider {
        "*" => None,
        p if providers.contains(&p) => Some(p.to_owned()),
        p => {
            return Err(format!(
                "{text:?}: {p:?} is not a sender provider; allowed: {}, or * for every provider",
                providers.join(", ")
            ))
        }
    };
    if DayCounter::from_name(counter).is_none() {
        return Err(format!(
            "{text:?}: {counter:?} is not a daily counter; allowed: {}",
            DayCounter::names()
        ));
    }
    Ok(CountPath::Daily {
        day,
        provider,
        counter: counter.to_owned(),
    })
}
