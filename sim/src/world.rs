//! The seeded world: portals, domains, persons (mailboxes), contacts and users.
//!
//! Layout is chosen for millions of contacts: plain arrays indexed by `u32` ids, small `Copy`
//! records, and one portal's contacts contiguous. Every entity's attributes come from its own
//! random stream, so generation order does not matter.

use model::{AddressFlags, ContactFlags, InboxProvider, SeatTier};

use rayon::prelude::*;

use crate::rng::{Stream, StreamKind};
use crate::scenario::{Population, Scenario, MAX_SEQUENCES};
use crate::time::{SimTime, SECONDS_PER_DAY, SECONDS_PER_HOUR};

/// A person's mailbox: the platform-wide facts about one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Person {
    /// Facts every portal sees.
    pub address: AddressFlags,
    /// The mailbox does not exist: mail to it hard-bounces. The platform does not know this
    /// until it sends.
    pub invalid: bool,
    /// The address's domain.
    pub domain: u32,
    /// Index into the scenario's mailbox providers.
    pub mailbox_provider: u8,
}

/// A contact record in one portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contact {
    /// The person (mailbox) the record's address belongs to.
    pub person: u32,
    /// Facts about this record.
    pub flags: ContactFlags,
    /// Sequences (bit i: `Scenario::sequences[i]`) in which a provider rejected an email to
    /// this contact.
    pub rejected_sequences: u16,
    /// The first record of the same address in this portal: the contact itself, or the record
    /// it duplicates. Portal-level address facts (an earlier bounce) live on that record.
    pub canonical: u32,
}

/// A user: a potential sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The user's portal.
    pub portal: u32,
    /// The user's seat.
    pub seat: SeatTier,
    /// The user's inbox provider, if an inbox is connected.
    pub inbox: Option<InboxProvider>,
    /// The sequence the user enrolls contacts in.
    pub sequence: u16,
    /// A custom per-inbox daily limit, if set.
    pub daily_limit: Option<u32>,
    /// Email sent outside sequences each day (counts toward the provider's limits).
    pub other_emails_per_day: u32,
    /// When the user's inbox is disconnected: sorted, disjoint `[start, end)` spans.
    pub disconnected: Vec<(SimTime, SimTime)>,
}

/// The generated world.
#[derive(Clone, Debug)]
pub struct World {
    /// Contacts of portal `p` are `portal_starts[p]..portal_starts[p + 1]`.
    pub portal_starts: Vec<u32>,
    /// Persons; person `i` is the home mailbox of contact `i`, and shared contacts point at
    /// another contact's home mailbox.
    pub persons: Vec<Person>,
    /// Contact records, portal by portal.
    pub contacts: Vec<Contact>,
    /// Whether a contact starts the scenario enrolled in a sequence outside it.
    pub enrolled_elsewhere: Vec<bool>,
    /// Users, group by group.
    pub users: Vec<User>,
    /// Each user's position in its portal's user list.
    pub user_local: Vec<u32>,
    /// Users of portal `p` are `portal_users[portal_user_starts[p]..portal_user_starts[p + 1]]`.
    pub portal_user_starts: Vec<u32>,
    /// User ids grouped by portal, ascending within a portal.
    pub portal_users: Vec<u32>,
}

impl World {
    /// Generates the world of `scenario` from its seed.
    pub fn generate(scenario: &Scenario) -> World {
        let pop = &scenario.population;
        let rates = &pop.rates;
        let seed = scenario.seed;
        let n = pop.contacts;
        assert!(
            n > 0 && pop.portals > 0 && pop.domains > 0,
            "seed {seed}: empty population"
        );
        assert!(scenario.sequences.len() <= MAX_SEQUENCES);

        let portal_starts: Vec<u32> = (0..=pop.portals)
            .map(|p| (u64::from(n) * u64::from(p) / u64::from(pop.portals)) as u32)
            .collect();

        let domain_blocked: Vec<bool> = (0..pop.domains)
            .into_par_iter()
            .map(|d| Stream::new(seed, StreamKind::Domain, d.into()).chance(rates.blocked_domain))
            .collect();
        let provider_shares: Vec<f64> = pop.mailbox_providers.iter().map(|m| m.share).collect();
        let persons: Vec<Person> = (0..n)
            .into_par_iter()
            .map(|p| generate_person(seed, p, pop, &provider_shares, &domain_blocked))
            .collect();

        // Portals in parallel; within a portal in order, since a duplicate copies an earlier
        // record of its portal.
        let sequences = scenario.sequences.len() as u32;
        let portals: Vec<(Vec<Contact>, Vec<bool>)> = portal_starts
            .par_windows(2)
            .map(|range| {
                let (first, end) = (range[0], range[1]);
                let mut contacts = Vec::with_capacity((end - first) as usize);
                let mut elsewhere = Vec::with_capacity((end - first) as usize);
                for c in first..end {
                    let (contact, e) = generate_contact(
                        seed,
                        c,
                        (first, end),
                        pop,
                        &persons,
                        &contacts,
                        sequences,
                    );
                    contacts.push(contact);
                    elsewhere.push(e);
                }
                (contacts, elsewhere)
            })
            .collect();
        let mut contacts: Vec<Contact> = Vec::with_capacity(n as usize);
        let mut enrolled_elsewhere = Vec::with_capacity(n as usize);
        for (c, e) in portals {
            contacts.extend(c);
            enrolled_elsewhere.extend(e);
        }

        let user_portals = scenario.user_portals();
        let users: Vec<User> = scenario
            .senders
            .iter()
            .flat_map(|g| std::iter::repeat_n(g, g.count as usize))
            .zip(&user_portals)
            .enumerate()
            .map(|(u, (g, &portal))| User {
                portal,
                seat: g.seat,
                inbox: g.inbox,
                sequence: g.sequence,
                daily_limit: g.daily_limit,
                other_emails_per_day: g.other_emails_per_day,
                disconnected: disconnections(scenario, u as u32, g.inbox),
            })
            .collect();
        let (portal_user_starts, portal_users) = group_by_key(
            pop.portals as usize,
            users
                .iter()
                .enumerate()
                .map(|(u, user)| (user.portal, u as u32)),
        );
        let mut user_local = vec![0; users.len()];
        for p in 0..pop.portals as usize {
            let range = portal_user_starts[p] as usize..portal_user_starts[p + 1] as usize;
            for (i, &u) in portal_users[range].iter().enumerate() {
                user_local[u as usize] = i as u32;
            }
        }

        World {
            portal_starts,
            persons,
            contacts,
            enrolled_elsewhere,
            users,
            user_local,
            portal_user_starts,
            portal_users,
        }
    }

    /// The number of portals.
    pub fn portals(&self) -> u32 {
        (self.portal_starts.len() - 1) as u32
    }

    /// The contacts of portal `p`.
    pub fn contacts_of(&self, p: u32) -> std::ops::Range<u32> {
        self.portal_starts[p as usize]..self.portal_starts[p as usize + 1]
    }

    /// The portal of contact `c`.
    pub fn portal_of(&self, c: u32) -> u32 {
        (self.portal_starts.partition_point(|&start| start <= c) - 1) as u32
    }

    /// The users of portal `p`.
    pub fn users_of(&self, p: u32) -> &[u32] {
        let p = p as usize;
        &self.portal_users
            [self.portal_user_starts[p] as usize..self.portal_user_starts[p + 1] as usize]
    }
}

/// Groups `(key, value)` pairs by key in `0..keys`, keeping the values' order within a key
/// (a counting sort): returns the start of each key's run and the values.
pub(crate) fn group_by_key(
    keys: usize,
    pairs: impl Iterator<Item = (u32, u32)> + Clone,
) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; keys + 1];
    for (key, _) in pairs.clone() {
        starts[key as usize + 1] += 1;
    }
    for k in 0..keys {
        starts[k + 1] += starts[k];
    }
    let mut next = starts.clone();
    let mut values = vec![0u32; starts[keys] as usize];
    for (key, value) in pairs {
        let slot = &mut next[key as usize];
        values[*slot as usize] = value;
        *slot += 1;
    }
    (starts, values)
}

fn generate_person(
    seed: u64,
    p: u32,
    pop: &Population,
    provider_shares: &[f64],
    domain_blocked: &[bool],
) -> Person {
    let rates = &pop.rates;
    let mut s = Stream::new(seed, StreamKind::Person, p.into());
    let invalid = s.chance(rates.invalid_address);
    let blocked = s.chance(rates.blocked_address);
    let bounced_globally = s.chance(if invalid {
        rates.bounced_globally_if_invalid
    } else {
        rates.bounced_globally_if_valid
    });
    let domain = s.below(pop.domains);
    let mailbox_provider = s.pick(provider_shares) as u8;
    let mut address = AddressFlags::EMPTY;
    address.set(AddressFlags::BLOCKED_ADDRESS, blocked);
    address.set(
        AddressFlags::BLOCKED_DOMAIN,
        domain_blocked[domain as usize],
    );
    address.set(AddressFlags::BOUNCED_GLOBALLY, bounced_globally);
    Person {
        address,
        invalid,
        domain,
        mailbox_provider,
    }
}

/// Generates contact `c` of the portal whose contacts are `portal.0..portal.1`. `earlier`
/// holds the portal's contacts before `c`: a duplicate points at an earlier record of its portal.
fn generate_contact(
    seed: u64,
    c: u32,
    portal: (u32, u32),
    pop: &Population,
    persons: &[Person],
    earlier: &[Contact],
    sequences: u32,
) -> (Contact, bool) {
    let rates = &pop.rates;
    let mut s = Stream::new(seed, StreamKind::Contact, c.into());
    // Every draw is made whatever the earlier ones gave: a contact's values in one slot never
    // move because a probability in another slot changed.
    let missing = s.chance(rates.missing_email);
    let shared = s.chance(pop.shared_persons);
    let outside = pop.contacts - (portal.1 - portal.0);
    let target = s.below(outside.max(1));
    let cannot_communicate = s.chance(rates.cannot_communicate);
    let bounced_draw = s.unit();
    let on_portal_draw = s.unit();
    let spam = s.chance(rates.marked_as_spam);
    let rejected = s.chance(rates.other_send_rejected);
    let rejected_sequence = s.below(sequences);
    let unsubscribed = s.chance(rates.unsubscribed);
    let unsubscribed_personal = s.chance(rates.unsubscribed_personal);
    let elsewhere = s.chance(rates.already_enrolled);
    let duplicate = s.chance(pop.duplicate_contacts);
    let original = portal.0 + s.below((c - portal.0).max(1));

    let mut flags = ContactFlags::EMPTY;
    flags.set(ContactFlags::CANNOT_COMMUNICATE, cannot_communicate);
    if missing {
        flags.insert(ContactFlags::MISSING_EMAIL);
        let contact = Contact {
            person: c,
            flags,
            rejected_sequences: 0,
            canonical: c,
        };
        return (contact, false);
    }
    let duplicated = (duplicate && original < c)
        .then(|| earlier[(original - portal.0) as usize])
        .filter(|o| !o.flags.contains(ContactFlags::MISSING_EMAIL));
    let (person, canonical) = match duplicated {
        // The same address as an earlier record: the same person, and that record's canonical.
        Some(o) => (o.person, o.canonical),
        // Skip over the contact's own portal.
        None if shared && outside > 0 => {
            let person = if target < portal.0 {
                target
            } else {
                target + (portal.1 - portal.0)
            };
            (person, c)
        }
        None => (c, c),
    };
    let invalid = persons[person as usize].invalid;
    let (bounced, on_portal) = if invalid {
        (rates.bounced_if_invalid, rates.bounced_on_portal_if_invalid)
    } else {
        (rates.bounced_if_valid, rates.bounced_on_portal_if_valid)
    };
    flags.set(ContactFlags::BOUNCED, bounced_draw < bounced);
    flags.set(ContactFlags::BOUNCED_ON_PORTAL, on_portal_draw < on_portal);
    flags.set(ContactFlags::MARKED_AS_SPAM, spam);
    flags.set(ContactFlags::UNSUBSCRIBED, unsubscribed);
    flags.set(ContactFlags::UNSUBSCRIBED_PERSONAL, unsubscribed_personal);
    let contact = Contact {
        person,
        flags,
        rejected_sequences: if rejected { 1 << rejected_sequence } else { 0 },
        canonical,
    };
    (contact, elsewhere)
}

/// The spans in which user `u`'s inbox is disconnected: random drops (at most one starting
/// each day, reconnecting after a drawn delay) and the scenario's outages for its provider,
/// merged into sorted, disjoint spans. A user without an inbox has none: it is never connected.
fn disconnections(
    scenario: &Scenario,
    u: u32,
    inbox: Option<InboxProvider>,
) -> Vec<(SimTime, SimTime)> {
    let Some(provider) = inbox else {
        return Vec::new();
    };
    let d = &scenario.disconnections;
    let mut spans = Vec::new();
    let mut s = Stream::new(scenario.seed, StreamKind::Inbox, u.into());
    let (lo, hi) = d.reconnect_hours;
    for day in 0..scenario.calendar.horizon_days {
        let drops = s.chance(d.per_inbox_day);
        let at = day * SECONDS_PER_DAY + s.below(SECONDS_PER_DAY);
        let hours = lo * SECONDS_PER_HOUR + s.below((hi - lo) * SECONDS_PER_HOUR + 1);
        if drops {
            spans.push((at, at + hours.max(1)));
        }
    }
    for outage in &d.outages {
        if outage.inbox.is_none_or(|p| p == provider) {
            spans.push((outage.start, outage.start + outage.duration));
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<(SimTime, SimTime)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}
