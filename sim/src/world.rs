//! The seeded world: portals, domains, persons (mailboxes), contacts and users.
//!
//! Layout is chosen for millions of contacts: plain arrays indexed by `u32` ids, small `Copy`
//! records, and one portal's contacts contiguous. Every entity's attributes come from its own
//! random stream, so generation order does not matter.

use std::collections::BTreeMap;

use model::{AddressFlags, ContactFlags, InboxProvider, SeatTier};

use rayon::prelude::*;

use crate::rng::{Chance, Stream, StreamKind};
use crate::scenario::{Population, Scenario, MAX_SEQUENCES};
use crate::time::{SimTime, SECONDS_PER_DAY, SECONDS_PER_HOUR};

/// Which accounts (portals) of the simulation saw mail to an address hard-bounce, as the
/// platform's global bounce list knows it after its daily refresh: none, one portal, or two
/// or more, in one `u32`. The list starts empty and lives in the run (`engine::Mailboxes`), not
/// on the persons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BounceList(u32);

impl Default for BounceList {
    fn default() -> Self {
        Self::UNLISTED
    }
}

impl BounceList {
    /// No portal of the simulation.
    pub const UNLISTED: Self = Self(u32::MAX);
    /// Two portals or more.
    pub const BY_MANY: Self = Self(u32::MAX - 1);

    /// Bounced from `portal` only.
    pub fn by(portal: u32) -> Self {
        assert!(portal < Self::BY_MANY.0, "a portal id");
        Self(portal)
    }

    /// The list after a bounce from `portal`.
    pub fn with(self, portal: u32) -> Self {
        if self == Self::UNLISTED || self.0 == portal {
            Self::by(portal)
        } else {
            Self::BY_MANY
        }
    }

    /// Whether a portal of the simulation other than `portal` saw a bounce: what
    /// RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY means for an attempt in `portal` ("bounced from
    /// other accounts").
    pub fn by_another_than(self, portal: u32) -> bool {
        self != Self::UNLISTED && self.0 != portal
    }
}

/// A person's mailbox: the platform-wide facts about one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Person {
    /// Facts every portal sees. `BOUNCED_GLOBALLY` here is drawn at the start: bounces at
    /// accounts outside the simulation.
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
    /// Facts about this record; on a canonical record also the address's facts in the portal.
    pub flags: ContactFlags,
    /// Sequences (bit i: `Scenario::sequences[i]`) in which a provider rejected an email to
    /// this contact.
    pub rejected_sequences: u16,
    /// Subscription types (bit i: `Population::subscription_types[i]`) the address opted out
    /// of (UNSUBSCRIBED_PERSONAL for sequences of that type); an address fact, kept on the
    /// canonical record like the [`ContactFlags::ADDRESS_FACTS`].
    pub opted_out: u16,
    /// The first record of the same address in this portal: the contact itself, the record it
    /// duplicates, or the first record of the same shared person. The address's facts in this
    /// portal ([`ContactFlags::ADDRESS_FACTS`]) live on that record only.
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

/// The generated world. Its fields are private: generation is the only writer, and a run
/// takes it apart portal by portal (`portal_part`, then `release_records_from` and
/// `take_persons` as the runs hold their own copies).
#[derive(Clone, Debug)]
pub struct World {
    /// Contacts of portal `p` are `portal_starts[p]..portal_starts[p + 1]`.
    portal_starts: Vec<u32>,
    /// Persons; person `i` is the home mailbox of contact `i`, and shared contacts point at
    /// another contact's home mailbox.
    persons: Vec<Person>,
    /// Contact records, portal by portal.
    contacts: Vec<Contact>,
    /// Whether a contact starts the scenario enrolled in a sequence outside it.
    enrolled_elsewhere: Vec<bool>,
    /// Users, group by group.
    users: Vec<User>,
    /// Each user's position in its portal's user list.
    user_local: Vec<u32>,
    /// Users of portal `p` are `portal_users[portal_user_starts[p]..portal_user_starts[p + 1]]`.
    portal_user_starts: Vec<u32>,
    /// User ids grouped by portal, ascending within a portal.
    portal_users: Vec<u32>,
}

/// One portal's part of a world split for a run.
pub(crate) struct PortalPart<'w> {
    /// The portal.
    pub portal: u32,
    /// The portal's contacts' ids.
    pub contact_ids: std::ops::Range<u32>,
    /// Its contact records, which its run copies into its own layout.
    pub contacts: &'w [Contact],
    /// Whether each of them starts enrolled outside the scenario.
    pub enrolled_elsewhere: &'w [bool],
    /// Its users' ids.
    pub users: &'w [u32],
}

impl World {
    /// Generates the world of `scenario` from its seed.
    pub fn generate(scenario: &Scenario) -> World {
        let pop = &scenario.population;
        let seed = scenario.seed;
        assert!(
            pop.contacts > 0 && pop.portals > 0 && pop.domains > 0,
            "seed {seed}: empty population"
        );
        assert!(scenario.sequences.len() <= MAX_SEQUENCES);
        let portal_starts: Vec<u32> = (0..=pop.portals)
            .map(|p| (u64::from(pop.contacts) * u64::from(p) / u64::from(pop.portals)) as u32)
            .collect();
        let persons = generate_persons(seed, pop);
        let sequences = scenario.sequences.len() as u32;
        let (contacts, enrolled_elsewhere) =
            generate_contacts(seed, pop, &portal_starts, &persons, sequences);
        let users = generate_users(scenario);
        let (portal_user_starts, portal_users, user_local) = index_users(pop.portals, &users);
        let world = World {
            portal_starts,
            persons,
            contacts,
            enrolled_elsewhere,
            users,
            user_local,
            portal_user_starts,
            portal_users,
        };
        world.assert_consistent(seed);
        world
    }

    /// What generation promises: sizes agree, every reference is in range, duplicates point
    /// at their portal's earlier records.
    fn assert_consistent(&self, seed: u64) {
        let n = self.contacts.len();
        assert_eq!(
            self.persons.len(),
            n,
            "seed {seed}: a home person per contact"
        );
        assert_eq!(self.enrolled_elsewhere.len(), n, "seed {seed}");
        assert_eq!(
            *self.portal_starts.last().expect("portals") as usize,
            n,
            "seed {seed}"
        );
        assert!(
            self.portal_starts.windows(2).all(|w| w[0] <= w[1]),
            "seed {seed}"
        );
        assert_eq!(self.portal_users.len(), self.users.len(), "seed {seed}");
        for p in 0..self.portals() {
            let range = self.contacts_of(p);
            for c in range.clone() {
                let contact = &self.contacts[c as usize];
                assert!(
                    (contact.person as usize) < n,
                    "seed {seed}: contact {c}'s person"
                );
                assert!(
                    range.contains(&contact.canonical) && contact.canonical <= c,
                    "seed {seed}: contact {c}'s canonical record is an earlier one of its portal"
                );
                let canonical = &self.contacts[contact.canonical as usize];
                assert_eq!(canonical.person, contact.person, "seed {seed}: contact {c}");
                assert!(
                    contact.canonical == c
                        || ((contact.flags & ContactFlags::ADDRESS_FACTS).is_empty()
                            && contact.opted_out == 0),
                    "seed {seed}: contact {c}'s address facts live on its canonical record"
                );
            }
            for &u in self.users_of(p) {
                assert_eq!(
                    self.users[u as usize].portal, p,
                    "seed {seed}: user {u}'s portal"
                );
            }
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
        debug_assert!((c as usize) < self.contacts.len());
        (self.portal_starts.partition_point(|&start| start <= c) - 1) as u32
    }

    /// The users of portal `p`.
    pub fn users_of(&self, p: u32) -> &[u32] {
        let p = p as usize;
        &self.portal_users
            [self.portal_user_starts[p] as usize..self.portal_user_starts[p + 1] as usize]
    }

    /// Every contact record, portal by portal.
    pub fn contacts(&self) -> &[Contact] {
        &self.contacts
    }

    /// Every person (mailbox).
    pub fn persons(&self) -> &[Person] {
        &self.persons
    }

    /// Every user, group by group.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// Whether contact `c` starts enrolled in a sequence outside the scenario.
    pub fn enrolled_elsewhere(&self, c: u32) -> bool {
        self.enrolled_elsewhere[c as usize]
    }

    /// Portal `p`'s part of the world, for its run to copy.
    pub(crate) fn portal_part(&self, p: u32) -> PortalPart<'_> {
        let ids = self.contacts_of(p);
        let range = ids.start as usize..ids.end as usize;
        let users = self.portal_user_starts[p as usize] as usize
            ..self.portal_user_starts[p as usize + 1] as usize;
        PortalPart {
            portal: p,
            contact_ids: ids,
            contacts: &self.contacts[range.clone()],
            enrolled_elsewhere: &self.enrolled_elsewhere[range],
            users: &self.portal_users[users],
        }
    }

    /// Frees the contact records from contact `first` on, once the runs of their portals have
    /// copied their parts (a run keeps its own, laid out for it): the world no longer holds
    /// them. Portals' runs are built from the last portal down, so the world's records shrink
    /// while the runs' grow.
    pub(crate) fn release_records_from(&mut self, first: u32) {
        let first = first as usize;
        assert!(
            first <= self.contacts.len(),
            "records are released from the end"
        );
        self.contacts.truncate(first);
        self.contacts.shrink_to_fit();
        self.enrolled_elsewhere.truncate(first);
        self.enrolled_elsewhere.shrink_to_fit();
    }

    /// Each user's position in its portal's user list.
    pub(crate) fn user_local(&self) -> &[u32] {
        &self.user_local
    }

    /// Takes the persons out of the world, for a run that has copied what it reads of them:
    /// the world no longer holds them.
    pub(crate) fn take_persons(&mut self) -> Vec<Person> {
        std::mem::take(&mut self.persons)
    }
}

fn generate_persons(seed: u64, pop: &Population) -> Vec<Person> {
    let domain_blocked: Vec<bool> = (0..pop.domains)
        .into_par_iter()
        .map(|d| Stream::new(seed, StreamKind::Domain, d.into()).chance(pop.rates.blocked_domain))
        .collect();
    let odds = PersonOdds::new(seed, pop);
    (0..pop.contacts)
        .into_par_iter()
        .map(|p| generate_person(&odds, p, &domain_blocked))
        .collect()
}

/// What every person's draws are compared with, made ready once for all of them (see
/// `Chance`).
struct PersonOdds {
    /// The person streams' prefix (see `Stream::prefix`).
    prefix: u64,
    invalid: Chance,
    blocked: Chance,
    bounced_globally_if_invalid: Chance,
    bounced_globally_if_valid: Chance,
    domains: u32,
    provider_shares: Vec<f64>,
}

impl PersonOdds {
    fn new(seed: u64, pop: &Population) -> Self {
        let rates = &pop.rates;
        Self {
            prefix: Stream::prefix(seed, StreamKind::Person),
            invalid: Chance::new(rates.invalid_address),
            blocked: Chance::new(rates.blocked_address),
            bounced_globally_if_invalid: Chance::new(rates.bounced_globally_if_invalid),
            bounced_globally_if_valid: Chance::new(rates.bounced_globally_if_valid),
            domains: pop.domains,
            provider_shares: pop.mailbox_providers.iter().map(|m| m.share).collect(),
        }
    }
}

/// What every contact's draws are compared with, made ready once for all of them (see
/// `Chance`).
struct ContactOdds {
    /// The contact streams' prefix (see `Stream::prefix`).
    prefix: u64,
    missing_email: Chance,
    shared: Chance,
    cannot_communicate: Chance,
    spam: Chance,
    rejected: Chance,
    unsubscribed: Chance,
    elsewhere: Chance,
    duplicate: Chance,
    /// By subscription type, in the scenario's order.
    opted_out: Vec<Chance>,
    /// Sequences in the scenario (a rejection draws one).
    sequences: u32,
}

impl ContactOdds {
    fn new(seed: u64, pop: &Population, sequences: u32) -> Self {
        let rates = &pop.rates;
        Self {
            prefix: Stream::prefix(seed, StreamKind::Contact),
            missing_email: Chance::new(rates.missing_email),
            shared: Chance::new(pop.shared_persons),
            cannot_communicate: Chance::new(rates.cannot_communicate),
            spam: Chance::new(rates.marked_as_spam),
            rejected: Chance::new(rates.other_send_rejected),
            unsubscribed: Chance::new(rates.unsubscribed),
            elsewhere: Chance::new(rates.already_enrolled),
            duplicate: Chance::new(pop.duplicate_contacts),
            opted_out: (pop.subscription_types.iter())
                .map(|t| Chance::new(t.unsubscribed_personal))
                .collect(),
            sequences,
        }
    }
}

/// Contacts portal by portal, portals in parallel; within a portal in order, since a duplicate
/// copies an earlier record of its portal. Returns the records and whether each starts
/// enrolled elsewhere.
///
/// Each portal writes its own span of the one vector of records: concatenating per-portal
/// vectors instead copied every record once more, on one thread (about a tenth of a second at
/// 10M contacts, and a second copy of the records held meanwhile).
fn generate_contacts(
    seed: u64,
    pop: &Population,
    portal_starts: &[u32],
    persons: &[Person],
    sequences: u32,
) -> (Vec<Contact>, Vec<bool>) {
    let n = pop.contacts as usize;
    // Written over below; filled in parallel so that the pages are first touched in parallel.
    let mut contacts: Vec<Contact> = (0..n).into_par_iter().map(|_| UNWRITTEN).collect();
    let mut enrolled_elsewhere = vec![false; n];
    let sizes = || portal_starts.windows(2).map(|r| (r[1] - r[0]) as usize);
    let odds = ContactOdds::new(seed, pop, sequences);
    let records = spans_of(&mut contacts, sizes());
    let elsewhere = spans_of(&mut enrolled_elsewhere, sizes());
    (portal_starts.par_iter().zip(records).zip(elsewhere)).for_each(
        |((&first, records), elsewhere)| {
            let end = first + records.len() as u32;
            // The first record of each person met through sharing: two shared records of one
            // person in a portal are two records of one address.
            let mut first_shared: BTreeMap<u32, u32> = BTreeMap::new();
            for (i, c) in (first..end).enumerate() {
                let (mut contact, e) =
                    generate_contact(&odds, c, (first, end), pop, persons, &records[..i]);
                if contact.canonical == c && contact.person != c {
                    contact.canonical = *first_shared.entry(contact.person).or_insert(c);
                }
                records[i] = contact;
                elsewhere[i] = e;
            }
            gather_address_facts(first, records);
        },
    );
    debug_assert!(contacts.iter().all(|c| *c != UNWRITTEN));
    (contacts, enrolled_elsewhere)
}

/// What `generate_contacts` fills its vector with before every record is written: no record
/// is its own canonical at `u32::MAX` (contact ids are below the population's size).
const UNWRITTEN: Contact = Contact {
    person: u32::MAX,
    flags: ContactFlags::EMPTY,
    rejected_sequences: 0,
    opted_out: 0,
    canonical: u32::MAX,
};

/// Facts about an address belong to the address (domain §3, §4): the bounces, complaint and
/// unsubscribes drawn on any record of an address in a portal move to its canonical record,
/// where every record of the address reads them.
fn gather_address_facts(first: u32, contacts: &mut [Contact]) {
    for i in 0..contacts.len() {
        let canonical = (contacts[i].canonical - first) as usize;
        if canonical == i {
            continue;
        }
        assert!(canonical < i, "a canonical record comes first");
        let facts = contacts[i].flags & ContactFlags::ADDRESS_FACTS;
        contacts[i].flags.remove(ContactFlags::ADDRESS_FACTS);
        contacts[canonical].flags.insert(facts);
        contacts[canonical].opted_out |= std::mem::take(&mut contacts[i].opted_out);
    }
}

fn generate_users(scenario: &Scenario) -> Vec<User> {
    let user_portals = scenario.user_portals();
    scenario
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
        .collect()
}

/// Groups users by portal: the start of each portal's run, the user ids in portal order, and
/// each user's position in its portal's list.
fn index_users(portals: u32, users: &[User]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let (starts, grouped) = group_by_key(
        portals as usize,
        users
            .iter()
            .enumerate()
            .map(|(u, user)| (user.portal, u as u32)),
    );
    let mut local = vec![0; users.len()];
    for p in 0..portals as usize {
        let range = starts[p] as usize..starts[p + 1] as usize;
        for (i, &u) in grouped[range].iter().enumerate() {
            local[u as usize] = i as u32;
        }
    }
    (starts, grouped, local)
}

/// `items` cut into consecutive spans of the lengths `lengths` gives, which cover it exactly:
/// spans that parallel work can fill side by side.
pub(crate) fn spans_of<T>(
    mut items: &mut [T],
    lengths: impl IntoIterator<Item = usize>,
) -> Vec<&mut [T]> {
    let mut spans = Vec::new();
    for len in lengths {
        let (span, rest) = std::mem::take(&mut items).split_at_mut(len);
        spans.push(span);
        items = rest;
    }
    assert!(items.is_empty(), "the spans cover the items");
    spans
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

fn generate_person(odds: &PersonOdds, p: u32, domain_blocked: &[bool]) -> Person {
    let mut s = Stream::keyed_from(odds.prefix, &[p.into()]);
    let invalid = s.hit(odds.invalid);
    let blocked = s.hit(odds.blocked);
    let bounced_globally = s.hit(if invalid {
        odds.bounced_globally_if_invalid
    } else {
        odds.bounced_globally_if_valid
    });
    let domain = s.below(odds.domains);
    let mailbox_provider = s.pick(&odds.provider_shares) as u8;
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
    odds: &ContactOdds,
    c: u32,
    portal: (u32, u32),
    pop: &Population,
    persons: &[Person],
    earlier: &[Contact],
) -> (Contact, bool) {
    let rates = &pop.rates;
    let mut s = Stream::keyed_from(odds.prefix, &[c.into()]);
    // Every draw is made whatever the earlier ones gave: a contact's values in one slot never
    // move because a probability in another slot changed.
    let missing = s.hit(odds.missing_email);
    let shared = s.hit(odds.shared);
    let outside = pop.contacts - (portal.1 - portal.0);
    let target = s.below(outside.max(1));
    let cannot_communicate = s.hit(odds.cannot_communicate);
    let bounced_draw = s.unit();
    let on_portal_draw = s.unit();
    let spam = s.hit(odds.spam);
    let rejected = s.hit(odds.rejected);
    let rejected_sequence = s.below(odds.sequences);
    let unsubscribed = s.hit(odds.unsubscribed);
    let mut opted_out = u16::from(s.hit(odds.opted_out[0]));
    let elsewhere = s.hit(odds.elsewhere);
    let duplicate = s.hit(odds.duplicate);
    let original = portal.0 + s.below((c - portal.0).max(1));
    // Further subscription types draw after every older slot, so adding a type moves no
    // earlier draw.
    for (t, &chance) in odds.opted_out.iter().enumerate().skip(1) {
        opted_out |= u16::from(s.hit(chance)) << t;
    }

    let mut flags = ContactFlags::EMPTY;
    flags.set(ContactFlags::CANNOT_COMMUNICATE, cannot_communicate);
    if missing {
        flags.insert(ContactFlags::MISSING_EMAIL);
        let contact = Contact {
            person: c,
            flags,
            rejected_sequences: 0,
            opted_out: 0,
            canonical: c,
        };
        return (contact, false);
    }
    let duplicated = (duplicate && original < c)
        .then(|| earlier[(original - portal.0) as usize])
        .filter(|o| !o.flags.contains(ContactFlags::MISSING_EMAIL));
    let shared_target = (shared && outside > 0).then_some(target);
    let (person, canonical) = contact_person(c, portal, duplicated, shared_target);
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
    let contact = Contact {
        person,
        flags,
        rejected_sequences: if rejected { 1 << rejected_sequence } else { 0 },
        opted_out,
        canonical,
    };
    (contact, elsewhere)
}

/// The person of contact `c` of the portal whose contacts are `portal.0..portal.1`, and its
/// canonical record so far: the person and canonical record of the record it duplicates; or a
/// person of another portal (the `shared_target`-th outside this portal, for a shared person,
/// its canonical fixed by the caller); or its own home person.
fn contact_person(
    c: u32,
    portal: (u32, u32),
    duplicated: Option<Contact>,
    shared_target: Option<u32>,
) -> (u32, u32) {
    match (duplicated, shared_target) {
        (Some(o), _) => (o.person, o.canonical),
        // Skip over the contact's own portal.
        (None, Some(target)) if target < portal.0 => (target, c),
        (None, Some(target)) => (target + (portal.1 - portal.0), c),
        (None, None) => (c, c),
    }
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
        let down_seconds = lo * SECONDS_PER_HOUR + s.below((hi - lo) * SECONDS_PER_HOUR + 1);
        if drops {
            spans.push((at, at + down_seconds.max(1)));
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

#[cfg(test)]
mod tests {
    use super::{group_by_key, BounceList};

    #[test]
    fn the_bounce_list_tells_other_accounts_apart() {
        let none = BounceList::UNLISTED;
        assert!(!none.by_another_than(0));
        let by_two = none.with(2);
        assert_eq!(by_two, BounceList::by(2));
        assert!(
            !by_two.by_another_than(2),
            "a portal's own bounce is not global for it"
        );
        assert!(by_two.by_another_than(0));
        assert_eq!(by_two.with(2), by_two);
        let many = by_two.with(5);
        assert_eq!(many, BounceList::BY_MANY);
        assert!(many.by_another_than(2) && many.by_another_than(5) && many.by_another_than(0));
        assert_eq!(std::mem::size_of::<super::Person>(), 8);
    }

    #[test]
    fn grouping_keeps_order_within_a_key() {
        let pairs = [(2, 10), (0, 11), (2, 12), (1, 13), (0, 14)];
        let (starts, values) = group_by_key(4, pairs.iter().copied());
        assert_eq!(starts, [0, 2, 3, 5, 5]);
        assert_eq!(values, [11, 14, 13, 10, 12]);
    }
}
