//! `seqsim import --synthesize N`: a generated scenario whose population matches the export's:
//! each fact's share, the mailbox providers' shares by the addresses' domains, the duplicates,
//! the domains per contact, the users as sender groups and the sequences. What an export does
//! not record (how recipients react, the send limits, the plan) comes from the default
//! scenario. It holds no address, so it can be shared.

use std::collections::BTreeSet;

use super::{ImportedSequence, ImportedUser, Portal};

/// The shares of the export's facts: `missing_email` of all records, the others of the
/// records with an address.
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)]
pub struct Shares {
    pub records: usize,
    pub addressed: usize,
    pub missing_email: f64,
    pub unsubscribed: f64,
    pub unsubscribed_personal: f64,
    pub bounced: f64,
    pub invalid_address: f64,
    pub blocked_address: f64,
    pub blocked_domain: f64,
    pub marked_as_spam: f64,
    pub already_enrolled: f64,
    pub duplicate_contacts: f64,
    /// Distinct domains per record with an address.
    pub domains_per_record: f64,
    /// The default scenario's three mailbox providers' shares: `gmail`, `microsoft`,
    /// `corporate-gateway`.
    pub providers: [f64; 3],
}

/// The mailbox provider behind `domain`: Google's and Microsoft's consumer domains, else a
/// company's own gateway.
fn provider_of(domain: &str) -> usize {
    match domain {
        "gmail.com" | "googlemail.com" => 0,
        d if ["outlook.", "hotmail.", "live.", "msn."]
            .iter()
            .any(|p| d.starts_with(p)) =>
        {
            1
        }
        _ => 2,
    }
}

impl Shares {
    /// The shares of `portal`'s contacts (at least one with an address).
    pub fn of(portal: &Portal) -> Self {
        let addressed: Vec<_> = portal
            .contacts
            .iter()
            .filter(|c| c.email.is_some())
            .collect();
        assert!(!addressed.is_empty(), "an export with an address");
        let n = addressed.len() as f64;
        let share = |f: &dyn Fn(&&super::ImportedContact) -> bool| {
            addressed.iter().filter(|c| f(c)).count() as f64 / n
        };
        let mut seen = BTreeSet::new();
        let duplicates = addressed
            .iter()
            .filter(|c| !seen.insert(c.email.clone()))
            .count();
        let domain = |c: &&super::ImportedContact| {
            c.email
                .as_deref()
                .and_then(|e| e.split_once('@'))
                .map(|(_, d)| d.to_owned())
        };
        let domains: BTreeSet<String> = addressed.iter().filter_map(domain).collect();
        let mut providers = [0.0; 3];
        for c in &addressed {
            providers[provider_of(&domain(c).unwrap_or_default())] += 1.0 / n;
        }
        Self {
            records: portal.contacts.len(),
            addressed: addressed.len(),
            missing_email: 1.0 - n / portal.contacts.len() as f64,
            unsubscribed: share(&|c| c.unsubscribed),
            unsubscribed_personal: share(&|c| !c.opted_out.is_empty()),
            bounced: share(&|c| c.hard_bounced),
            invalid_address: share(&|c| c.invalid_address),
            blocked_address: share(&|c| c.blocked_address),
            blocked_domain: share(&|c| c.blocked_domain),
            marked_as_spam: share(&|c| c.marked_as_spam),
            already_enrolled: share(&|c| c.in_sequence),
            duplicate_contacts: duplicates as f64 / n,
            domains_per_record: domains.len() as f64 / n,
            providers,
        }
    }
}

/// Rounds to six decimals, so that the file reads well and loads back the same.
fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The scenario text of `contacts` records drawn like `portal`'s, named `name`, on the
/// default scenario's dynamics.
pub fn synthesize(portal: &Portal, contacts: u32, name: &str) -> String {
    let s = Shares::of(portal);
    let base: toml::Table = crate::library::LibraryScenario::find("default")
        .expect("the default is in the library")
        .text
        .parse()
        .expect("the library is TOML");
    let mut t = base;
    t.insert("name".into(), name.into());
    t.insert(
        "description".into(),
        format!(
            "Synthesized from an export of {} records: its facts' shares, no address",
            s.records
        )
        .into(),
    );
    let pop = t["population"].as_table_mut().expect("a population table");
    pop.insert("contacts".into(), i64::from(contacts).into());
    pop.insert("portals".into(), 1.into());
    pop.insert("shared_persons".into(), 0.0.into());
    pop.insert(
        "duplicate_contacts".into(),
        round(s.duplicate_contacts).into(),
    );
    let domains = (s.domains_per_record * f64::from(contacts))
        .round()
        .max(1.0);
    pop.insert("domains".into(), (domains as i64).into());
    let providers = pop["mailbox_providers"]
        .as_array_mut()
        .expect("mailbox providers");
    for (p, share) in providers.iter_mut().zip(s.providers) {
        p.as_table_mut()
            .expect("a provider table")
            .insert("share".into(), round(share).into());
    }
    let rates = pop["rates"].as_table_mut().expect("a rates table");
    for (key, value) in [
        ("missing_email", s.missing_email),
        ("invalid_address", s.invalid_address),
        ("blocked_address", s.blocked_address),
        ("blocked_domain", s.blocked_domain),
        ("bounced_if_invalid", s.bounced),
        ("bounced_if_valid", s.bounced),
        ("marked_as_spam", s.marked_as_spam),
        ("unsubscribed", s.unsubscribed),
        ("unsubscribed_personal", s.unsubscribed_personal),
        ("already_enrolled", s.already_enrolled),
    ] {
        rates.insert(key.into(), round(value).into());
    }
    if !portal.sequences.is_empty() {
        t.insert("sequences".into(), sequences(&portal.sequences));
    }
    let first = t["sequences"][0]["name"]
        .as_str()
        .expect("a sequence name")
        .to_owned();
    if !portal.users.is_empty() {
        t.insert("senders".into(), senders(&portal.users, &first));
    }
    let header = format!("# Synthesized by `seqsim import --synthesize {contacts}`: the export's shares of each fact,\n# its users as sender groups and its sequences; the dynamics are the default scenario's.\n");
    header + &toml::to_string_pretty(&t).expect("a TOML table")
}

/// The sender groups of `users`: one per seat and inbox, in the order first met.
fn senders(users: &[ImportedUser], sequence: &str) -> toml::Value {
    let mut groups: Vec<(&str, &str, i64)> = Vec::new();
    for u in users {
        let key = (u.seat.name(), u.inbox.map_or("none", |p| p.name()));
        match groups.iter_mut().find(|g| (g.0, g.1) == key) {
            Some(g) => g.2 += 1,
            None => groups.push((key.0, key.1, 1)),
        }
    }
    let groups = groups.into_iter().map(|(seat, inbox, count)| {
        let mut g = toml::Table::new();
        g.insert("count".into(), count.into());
        g.insert("seat".into(), seat.into());
        g.insert("inbox".into(), inbox.into());
        g.insert("sequence".into(), sequence.into());
        toml::Value::Table(g)
    });
    toml::Value::Array(groups.collect())
}

/// The scenario's sequences of `imported`: each step's delay in whole days (rounded up: the
/// model schedules follow-ups by day).
fn sequences(imported: &[ImportedSequence]) -> toml::Value {
    const DAY_MILLIS: u64 = 86_400_000;
    let all = imported.iter().map(|s| {
        let steps = s.steps.iter().enumerate().map(|(i, st)| {
            let mut step = toml::Table::new();
            step.insert("kind".into(), st.kind.name().into());
            let days = if i == 0 {
                0
            } else {
                st.delay_millis.div_ceil(DAY_MILLIS)
            };
            step.insert("delay_days".into(), (days as i64).into());
            toml::Value::Table(step)
        });
        let mut t = toml::Table::new();
        t.insert("name".into(), s.name.clone().into());
        t.insert("steps".into(), toml::Value::Array(steps.collect()));
        t.insert("weekdays_only".into(), s.weekdays_only.into());
        if let Some((start, end)) = s.send_window {
            let clock = |m: u32| toml::Value::from(format!("{:02}:{:02}", m / 60, m % 60));
            t.insert(
                "send_window".into(),
                toml::Value::Array(vec![clock(start), clock(end)]),
            );
        }
        toml::Value::Table(t)
    });
    toml::Value::Array(all.collect())
}
