//! Checks of the world's sections: the calendar and the population (mailbox providers with
//! their answers and reply splits, rates).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use model::{Catalogue, SmtpReply};
use sim::time::Weekday;

use super::{quoted, CalendarParts, Validator};
use crate::key::{field, Key};
use crate::raw::{
    RawCalendar, RawMailboxProvider, RawPopulation, RawRates, RawSubscriptionType,
    DEFAULT_SUBSCRIPTION_TYPE,
};
use sim::scenario::MAX_SUBSCRIPTION_TYPES;

/// Most mailbox providers a population may describe: a person's provider is one byte.
const MAX_MAILBOX_PROVIDERS: usize = 255;

/// The calendar, once both its parts are valid.
pub(super) fn calendar(start_date: &str, parts: &CalendarParts) -> Option<sim::Calendar> {
    Some(sim::Calendar {
        start_date: start_date.to_owned(),
        start_weekday: weekday(parts.start.1?),
        horizon_days: parts.horizon_days.1?,
    })
}

/// A `"YYYY-MM-DD"` date.
pub(super) fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

pub(super) fn weekday(date: NaiveDate) -> Weekday {
    match date.weekday() {
        chrono::Weekday::Mon => Weekday::Monday,
        chrono::Weekday::Tue => Weekday::Tuesday,
        chrono::Weekday::Wed => Weekday::Wednesday,
        chrono::Weekday::Thu => Weekday::Thursday,
        chrono::Weekday::Fri => Weekday::Friday,
        chrono::Weekday::Sat => Weekday::Saturday,
        chrono::Weekday::Sun => Weekday::Sunday,
    }
}

/// The names of the subscription types of population `pop` (as far as the file gives it), for
/// the sequences' `subscription_type`.
pub(super) fn subscription_type_names(pop: Option<&RawPopulation>) -> Vec<&str> {
    match pop {
        Some(pop) if !pop.subscription_types.is_empty() => pop
            .subscription_types
            .iter()
            .map(|t| t.name.as_str())
            .collect(),
        _ => vec![DEFAULT_SUBSCRIPTION_TYPE],
    }
}

impl Validator<'_> {
    pub(super) fn calendar(&mut self, (at, c): (Key, &RawCalendar)) -> CalendarParts {
        let (start_key, start_text) = field!(at, c.start);
        let start = date(start_text);
        if start.is_none() {
            self.problem(
                start_key.clone(),
                format!(
                    "{start_text:?} is not a date; write it as \"YYYY-MM-DD\", for example \"2026-01-05\""
                ),
            );
        }
        let (horizon_key, horizon_days) = field!(at, c.horizon_days);
        let horizon_days = self.count((horizon_key.clone(), horizon_days), 1, 3_650);
        CalendarParts {
            start: (start_key, start),
            horizon_days: (horizon_key, horizon_days),
        }
    }

    /// The population, and its portal count (with its key) for the senders' check.
    pub(super) fn population(
        &mut self,
        (at, pop): (Key, &RawPopulation),
    ) -> (Option<sim::Population>, Option<(Key, Option<u32>)>) {
        let contacts = self.count(field!(at, pop.contacts), 1, 100_000_000);
        let (portals_key, portals) = field!(at, pop.portals);
        let portals = self.count((portals_key.clone(), portals), 1, 10_000);
        let domains = self.count(field!(at, pop.domains), 1, 100_000_000);
        let shared_persons = self.probability(field!(at, pop.shared_persons));
        let duplicate_contacts = self.probability(field!(at, pop.duplicate_contacts));
        let mailbox_providers = self.mailbox_providers(field!(at, pop.mailbox_providers));
        let subscription_types = self.subscription_types(
            field!(at, pop.subscription_types),
            field!(at, pop.rates.unsubscribed_personal),
        );
        let rates = self.rates(field!(at, pop.rates));
        let population = || {
            Some(sim::Population {
                contacts: contacts?,
                portals: portals?,
                domains: domains?,
                shared_persons,
                duplicate_contacts,
                mailbox_providers: mailbox_providers?,
                subscription_types: subscription_types?,
                rates,
            })
        };
        (population(), Some((portals_key, portals)))
    }

    fn mailbox_providers(
        &mut self,
        (at, raw): (Key, &Vec<RawMailboxProvider>),
    ) -> Option<Vec<sim::MailboxProvider>> {
        if raw.is_empty() {
            // No providers described: every mailbox answers like a plain, well-behaved server.
            return Some(vec![sim::MailboxProvider::plain("other", 1.0, 0.0, 0.0)]);
        }
        if raw.len() > MAX_MAILBOX_PROVIDERS {
            self.problem(
                at,
                format!("more than {MAX_MAILBOX_PROVIDERS} providers; allowed: 1 to {MAX_MAILBOX_PROVIDERS}"),
            );
            return None;
        }
        let providers: Vec<sim::MailboxProvider> = (raw.iter().enumerate())
            .map(|(i, m)| self.mailbox_provider((at.index(i), m)))
            .collect();
        let sum: f64 = providers.iter().map(|m| m.share).sum();
        if (sum - 1.0).abs() > 1e-9 {
            self.problem(
                at,
                format!("the shares sum to {sum}; allowed: shares summing to 1"),
            );
        }
        Some(providers)
    }

    fn mailbox_provider(&mut self, (at, m): (Key, &RawMailboxProvider)) -> sim::MailboxProvider {
        let soft_bounce = self.probability(field!(at, m.soft_bounce));
        let (policy_key, policy_rejection) = field!(at, m.policy_rejection);
        let policy_rejection = self.probability((policy_key.clone(), policy_rejection));
        let (moved_key, mailbox_moved) = field!(at, m.mailbox_moved);
        let mailbox_moved = self.probability((moved_key.clone(), mailbox_moved));
        if soft_bounce + policy_rejection > 1.0 {
            self.problem(
                policy_key,
                "soft_bounce + policy_rejection exceeds 1; allowed: probabilities of one answer, summing to at most 1",
            );
        } else if soft_bounce + policy_rejection + mailbox_moved > 1.0 {
            self.problem(
                moved_key,
                "soft_bounce + policy_rejection + mailbox_moved exceeds 1; allowed: probabilities of one answer, summing to at most 1",
            );
        }
        let soft_bounce_split = self.reply_split(
            field!(at, m.soft_bounce_split),
            (SmtpReply::is_soft_bounce, "a soft-bounce reply"),
            sim::MailboxProvider::default_soft_bounce_split,
        );
        let invalid_split = self.reply_split(
            field!(at, m.invalid_split),
            (
                SmtpReply::is_invalid_address_answer,
                "an invalid-address reply",
            ),
            sim::MailboxProvider::default_invalid_split,
        );
        sim::MailboxProvider {
            name: m.name.clone(),
            share: self.probability(field!(at, m.share)),
            soft_bounce,
            policy_rejection,
            mailbox_moved,
            soft_bounce_split,
            invalid_split,
        }
    }

    /// The subscription types: the declared ones, or the default one whose opt-out rate is
    /// `rates.unsubscribed_personal` (`rate`), which declared types replace.
    fn subscription_types(
        &mut self,
        (at, raw): (Key, &Vec<RawSubscriptionType>),
        (rate_key, rate): (Key, &Option<f64>),
    ) -> Option<Vec<sim::SubscriptionType>> {
        if raw.is_empty() {
            let unsubscribed_personal = self.probability((rate_key, &rate.unwrap_or(0.0)));
            return Some(vec![sim::SubscriptionType {
                name: DEFAULT_SUBSCRIPTION_TYPE.to_owned(),
                unsubscribed_personal,
            }]);
        }
        if rate.is_some() {
            let message = "with [[population.subscription_types]] declared, each type states its own unsubscribed_personal; allowed: no rates.unsubscribed_personal";
            self.problem(rate_key, message);
        }
        if raw.len() > MAX_SUBSCRIPTION_TYPES {
            let message = format!(
                "{} types; allowed: 1 to {MAX_SUBSCRIPTION_TYPES}",
                raw.len()
            );
            self.problem(at, message);
            return None;
        }
        let mut types = Vec::with_capacity(raw.len());
        for (i, t) in raw.iter().enumerate() {
            let at = at.index(i);
            let (name_key, name) = field!(at, t.name);
            if raw[..i].iter().any(|other| &other.name == name) {
                let message =
                    format!("{name:?} names two types; allowed: a name no other type has");
                self.problem(name_key, message);
            }
            types.push(sim::SubscriptionType {
                name: name.clone(),
                unsubscribed_personal: self.probability(field!(at, t.unsubscribed_personal)),
            });
        }
        Some(types)
    }

    /// A split of one kind of answer among its replies: a table of reply names (those `allowed`
    /// accepts, described as `what`) to shares summing to 1, in catalogue order; `default()`
    /// when the file gives none (or, after a problem, so validation can go on).
    fn reply_split(
        &mut self,
        (at, raw): (Key, &Option<BTreeMap<String, f64>>),
        (allowed, what): (fn(SmtpReply) -> bool, &str),
        default: fn() -> Vec<(SmtpReply, f64)>,
    ) -> Vec<(SmtpReply, f64)> {
        let Some(raw) = raw else {
            return default();
        };
        let mut good = true;
        for (name, share) in raw {
            // The table's keys are names the file chose, so the key is built from them.
            let key = at.field(name);
            if !SmtpReply::from_name(name).is_some_and(allowed) {
                let names = SmtpReply::ALL.into_iter().filter(|&r| allowed(r));
                let allowed = quoted(names.map(SmtpReply::name));
                self.problem(
                    key.clone(),
                    format!("{name:?} is not {what}; allowed: {allowed}"),
                );
                good = false;
            }
            good &= self.probability((key, share)) == *share;
        }
        let sum: f64 = raw.values().sum();
        if (sum - 1.0).abs() > 1e-9 {
            let message = format!("the shares sum to {sum}; allowed: shares summing to 1");
            self.problem(at, message);
            good = false;
        }
        if !good {
            return default();
        }
        let split = SmtpReply::ALL.into_iter().filter_map(|reply| {
            let share = raw.get(reply.name())?;
            Some((reply, *share))
        });
        split.collect()
    }

    fn rates(&mut self, (at, r): (Key, &RawRates)) -> sim::Rates {
        sim::Rates {
            missing_email: self.probability(field!(at, r.missing_email)),
            invalid_address: self.probability(field!(at, r.invalid_address)),
            blocked_address: self.probability(field!(at, r.blocked_address)),
            blocked_domain: self.probability(field!(at, r.blocked_domain)),
            bounced_globally_if_invalid: self
                .probability(field!(at, r.bounced_globally_if_invalid)),
            bounced_globally_if_valid: self.probability(field!(at, r.bounced_globally_if_valid)),
            bounced_if_invalid: self.probability(field!(at, r.bounced_if_invalid)),
            bounced_if_valid: self.probability(field!(at, r.bounced_if_valid)),
            bounced_on_portal_if_invalid: self
                .probability(field!(at, r.bounced_on_portal_if_invalid)),
            bounced_on_portal_if_valid: self.probability(field!(at, r.bounced_on_portal_if_valid)),
            marked_as_spam: self.probability(field!(at, r.marked_as_spam)),
            other_send_rejected: self.probability(field!(at, r.other_send_rejected)),
            unsubscribed: self.probability(field!(at, r.unsubscribed)),
            cannot_communicate: self.probability(field!(at, r.cannot_communicate)),
            already_enrolled: self.probability(field!(at, r.already_enrolled)),
        }
    }
}
