//! From the simulator's recorded attempts to protocol [`Request`]s and [`Batch`]es, and the
//! names of decisions both ways.

use std::io::Write as _;

use model::{AddressFlags, Catalogue as _, ContactFlags, Decision, RejectionCode, SeatTier};
use sim::{AttemptFacts, DecidedAttempt, Observed, Scenario};

use crate::protocol::{
    AddressFacts, Batch, ContactFacts, DomainFacts, EnrollmentFacts, GuardInfo, Request, Rules,
    Seat, SenderFacts, SequenceRef, Source, Time, Version, Weekday,
};

/// What turns a run's attempts into requests: the scenario's names, computed once.
#[derive(Clone, Debug)]
pub struct RequestBuilder {
    version: Version,
    rules: Rules,
    rule_set: model::RuleSet,
    sequences: Vec<(String, String)>,
    dates: Vec<(String, Weekday)>,
}

impl RequestBuilder {
    /// The builder of `version`'s requests for runs of `scenario`; `rules_name` names its rule
    /// set in batches.
    pub fn new(scenario: &Scenario, rules_name: &str, version: Version) -> Self {
        let rule_set = scenario.rules.clone();
        let rules = Rules {
            name: rules_name.to_owned(),
            order: (rule_set.order().iter())
                .map(|&c| rule_set.check_name(c).to_owned())
                .collect(),
            guards: (rule_set.guards().iter().zip(&scenario.guards))
                .map(|(g, spec)| GuardInfo {
                    code: g.name.clone(),
                    description: g.description.clone(),
                    when: match &spec.kind {
                        sim::GuardKind::Expression(e) if version == Version::V2 => {
                            Some(e.source().to_owned())
                        }
                        _ => None,
                    },
                })
                .collect(),
        };
        let types = &scenario.population.subscription_types;
        let sequences = (scenario.sequences.iter())
            .map(|s| {
                let t = &types[usize::from(s.subscription_type)].name;
                (s.name.clone(), t.clone())
            })
            .collect();
        let cal = &scenario.calendar;
        let start = chrono::NaiveDate::parse_from_str(&cal.start_date, "%Y-%m-%d").ok();
        let dates = (0..cal.horizon_days)
            .map(|day| {
                let date = start
                    .and_then(|d| d.checked_add_days(chrono::Days::new(day.into())))
                    .map_or_else(|| format!("day {day}"), |d| d.to_string());
                (date, weekday(cal.weekday(day)))
            })
            .collect();
        Self {
            version,
            rules,
            rule_set,
            sequences,
            dates,
        }
    }

    /// The protocol version of its requests.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The rule set as batches carry it.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The rule set itself.
    pub fn rule_set(&self) -> &model::RuleSet {
        &self.rule_set
    }

    /// The request of attempt `id`, of `facts` and (version 2) `observed`.
    pub fn request(&self, id: u64, facts: &AttemptFacts, observed: &Observed) -> Request {
        let day = facts.time / sim::time::SECONDS_PER_DAY;
        let (date, weekday) = self.dates[day as usize].clone();
        let (name, subscription_type) = self.sequences[usize::from(facts.sequence)].clone();
        let f = facts.contact_flags;
        let has_address = facts.has_address();
        let a = facts.address;
        let mut request = Request {
            id,
            time: Time {
                seconds: facts.time,
                day,
                date,
                weekday,
            },
            portal: facts.portal,
            source: source(facts.source),
            sequence: SequenceRef {
                index: facts.sequence,
                name,
                step: facts.step,
                subscription_type,
            },
            contact: ContactFacts {
                id: facts.contact,
                has_address,
                cannot_communicate: f.contains(ContactFlags::CANNOT_COMMUNICATE),
                bounced: f.contains(ContactFlags::BOUNCED),
                bounced_on_portal: f.contains(ContactFlags::BOUNCED_ON_PORTAL),
                marked_as_spam: f.contains(ContactFlags::MARKED_AS_SPAM),
                unsubscribed: f.contains(ContactFlags::UNSUBSCRIBED),
                unsubscribed_from_type: f.contains(ContactFlags::UNSUBSCRIBED_PERSONAL),
                enrollments: None,
                last_outcome: None,
                seconds_since_enrollment_end: None,
                seconds_since_engagement: None,
            },
            address: has_address.then(|| AddressFacts {
                blocked_address: a.contains(AddressFlags::BLOCKED_ADDRESS),
                blocked_domain: a.contains(AddressFlags::BLOCKED_DOMAIN),
                bounced_on_another_account: a.contains(AddressFlags::BOUNCED_GLOBALLY),
            }),
            domain: None,
            sender: SenderFacts {
                user: facts.user,
                seat: seat(facts.sender.seat),
                inbox_connected: facts.sender.inbox_connected,
                sequences_daily_limit_full: facts.sender.daily_limit_full,
                provider: None,
                sent_24h: None,
                sent_7d: None,
                bounces_7d: None,
                complaints_7d: None,
                enrolled_today: None,
                bulk_enrolled_today: None,
            },
            enrollment: EnrollmentFacts {
                already_enrolled: facts.already_enrolled,
                provider_rejected_in_sequence: facts.rejected_in_sequence && has_address,
            },
            guards: (0..self.rules.guards.len())
                .filter(|&i| facts.guards & (1 << i) != 0)
                .map(|i| self.rules.guards[i].code.clone())
                .collect(),
        };
        if self.version == Version::V2 {
            observe(&mut request, observed);
        }
        request
    }

    /// A batch of `requests`.
    pub fn batch(&self, requests: Vec<Request>) -> Batch {
        Batch {
            protocol: self.version.name().to_owned(),
            rules: self.rules.clone(),
            requests,
        }
    }

    /// The name of `decision` under the rule set.
    pub fn decision_name(&self, decision: Decision) -> &str {
        self.rule_set.decision_name(decision)
    }

    /// The decision an engine's answer names: ENROLLED, a built-in code or one of the rule
    /// set's guards; `None` for any other word.
    pub fn parse_decision(&self, name: &str) -> Option<Decision> {
        if name == crate::protocol::ENROLLED {
            return Some(Decision::Enrolled);
        }
        if let Some(code) = RejectionCode::from_name(name) {
            return Some(Decision::Rejected(code));
        }
        (self.rule_set.guards().iter())
            .position(|g| g.name == name)
            .map(|i| Decision::Guarded(i as u8))
    }
}

/// Version 2's fields of `request`, from `observed`: the values CEL checks read.
fn observe(request: &mut Request, observed: &Observed) {
    let s = &observed.statistics;
    let never_or = |seconds: Option<u32>| seconds.map_or(i64::MAX, i64::from);
    let c = &mut request.contact;
    c.enrollments = Some(s.enrollments);
    c.last_outcome = Some(s.last_outcome.map_or("", model::Outcome::name).to_owned());
    c.seconds_since_enrollment_end = Some(never_or(s.since_enrollment_end));
    c.seconds_since_engagement = Some(never_or(s.since_engagement));
    request.domain = Some(DomainFacts {
        bounces: s.domain_bounces,
    });
    let u = &mut request.sender;
    u.provider = Some(
        observed
            .provider
            .map_or("none", model::InboxProvider::name)
            .to_owned(),
    );
    u.sent_24h = Some(s.sent_24h);
    u.sent_7d = Some(s.sent_7d);
    u.bounces_7d = Some(s.bounces_7d);
    u.complaints_7d = Some(s.complaints_7d);
    u.enrolled_today = Some(s.enrolled_today);
    u.bulk_enrolled_today = Some(s.bulk_enrolled_today);
}

fn weekday(day: sim::Weekday) -> Weekday {
    use sim::Weekday as W;
    match day {
        W::Monday => Weekday::Mon,
        W::Tuesday => Weekday::Tue,
        W::Wednesday => Weekday::Wed,
        W::Thursday => Weekday::Thu,
        W::Friday => Weekday::Fri,
        W::Saturday => Weekday::Sat,
        W::Sunday => Weekday::Sun,
    }
}

fn source(source: sim::Source) -> Source {
    match source {
        sim::Source::CrmSingle => Source::CrmSingle,
        sim::Source::CrmBulk => Source::CrmBulk,
        sim::Source::GmailExtension => Source::GmailExtension,
        sim::Source::ReEnrollment => Source::ReEnrollment,
    }
}

fn seat(seat: SeatTier) -> Seat {
    match seat {
        SeatTier::Free => Seat::Free,
        SeatTier::Starter => Seat::Starter,
        SeatTier::Professional => Seat::Professional,
        SeatTier::Enterprise => Seat::Enterprise,
    }
}

/// The model's seat of a protocol seat.
pub(crate) fn seat_tier(seat: Seat) -> SeatTier {
    match seat {
        Seat::Free => SeatTier::Free,
        Seat::Starter => SeatTier::Starter,
        Seat::Professional => SeatTier::Professional,
        Seat::Enterprise => SeatTier::Enterprise,
    }
}

/// One line of `seqsim export-attempts`: the request's fields, then the reference decision.
#[derive(serde::Serialize)]
struct ExportRow<'a> {
    #[serde(flatten)]
    request: Request,
    reference: &'a str,
}

impl RequestBuilder {
    /// Writes `attempts` (a run's, in order: attempt `i` gets id `i`) as `export-attempts`
    /// rows, one JSON object a line: the request and the reference decision.
    pub fn write_export(
        &self,
        attempts: &[DecidedAttempt],
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
        for (id, attempt) in attempts.iter().enumerate() {
            let row = ExportRow {
                request: self.request(id as u64, &attempt.facts, &attempt.observed),
                reference: self.decision_name(attempt.decision),
            };
            serde_json::to_writer(&mut out, &row)?;
            out.write_all(b"\n")?;
        }
        out.flush()
    }
}
