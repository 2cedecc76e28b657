//! The seeded world: portals, domains, persons (mailboxes), contacts and users.
//!
//! Layout is chosen for millions of contacts: plain arrays indexed by `u32` ids, small `Copy`
//! records, and one portal's contacts contiguous. Every entity's attributes come from its own
//! random stream, so generation order does not matter.

use model::{AddressFlags, ContactFlags, InboxProvider, SeatTier};

use crate::rng::{Stream, StreamKind};
use crate::scenario::{Rates, Scenario, MAX_SEQUENCES};

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
}

/// A user: a potential sender.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct User {
    /// The user's portal.
    pub portal: u32,
    /// The user's seat.
    pub seat: SeatTier,
    /// The user's inbox provider, if an inbox is connected.
    pub inbox: Option<InboxProvider>,
    /// The sequence the user enrolls contacts in.
    pub sequence: u16,
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
            .map(|d| Stream::new(seed, StreamKind::Domain, d.into()).chance(rates.blocked_domain))
            .collect();
        let persons: Vec<Person> = (0..n)
            .map(|p| generate_person(seed, p, pop.domains, rates, &domain_blocked))
            .collect();

        let sequences = scenario.sequences.len() as u32;
        let mut contacts = Vec::with_capacity(n as usize);
        let mut enrolled_elsewhere = Vec::with_capacity(n as usize);
        for range in portal_starts.windows(2) {
            for c in range[0]..range[1] {
                let (contact, elsewhere) = generate_contact(
                    seed,
                    c,
                    (range[0], range[1]),
                    n,
                    pop.shared_persons,
                    rates,
                    &persons,
                    sequences,
                );
                contacts.push(contact);
                enrolled_elsewhere.push(elsewhere);
            }
        }

        let user_portals = scenario.user_portals();
        let users: Vec<User> = scenario
            .senders
            .iter()
            .flat_map(|g| std::iter::repeat_n(g, g.count as usize))
            .zip(&user_portals)
            .map(|(g, &portal)| User {
                portal,
                seat: g.seat,
                inbox: g.inbox,
                sequence: g.sequence,
            })
            .collect();
        let (portal_user_starts, portal_users) = group_by_key(
            pop.portals as usize,
            users
                .iter()
                .enumerate()
                .map(|(u, user)| (user.portal, u as u32)),
        );

        World {
            portal_starts,
            persons,
            contacts,
            enrolled_elsewhere,
            users,
            portal_user_starts,
            portal_users,
        }
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
    domains: u32,
    rates: &Rates,
    domain_blocked: &[bool],
) -> Person {
    let mut s = Stream::new(seed, StreamKind::Person, p.into());
    let invalid = s.chance(rates.invalid_address);
    let blocked = s.chance(rates.blocked_address);
    let bounced_globally = s.chance(if invalid {
        rates.bounced_globally_if_invalid
    } else {
        rates.bounced_globally_if_valid
    });
    let domain = s.below(domains);
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
    }
}

#[allow(clippy::too_many_arguments)] // one call site; the arguments are the world so far
fn generate_contact(
    seed: u64,
    c: u32,
    portal: (u32, u32),
    contacts: u32,
    shared_persons: f64,
    rates: &Rates,
    persons: &[Person],
    sequences: u32,
) -> (Contact, bool) {
    let mut s = Stream::new(seed, StreamKind::Contact, c.into());
    // Every draw is made whatever the earlier ones gave: a contact's values in one slot never
    // move because a probability in another slot changed.
    let missing = s.chance(rates.missing_email);
    let shared = s.chance(shared_persons);
    let outside = contacts - (portal.1 - portal.0);
    let target = if outside > 0 {
        s.below(outside)
    } else {
        s.below(1)
    };
    let cannot_communicate = s.chance(rates.cannot_communicate);
    let bounced_draw = s.unit();
    let on_portal_draw = s.unit();
    let spam = s.chance(rates.marked_as_spam);
    let rejected = s.chance(rates.other_send_rejected);
    let rejected_sequence = s.below(sequences);
    let unsubscribed = s.chance(rates.unsubscribed);
    let unsubscribed_personal = s.chance(rates.unsubscribed_personal);
    let elsewhere = s.chance(rates.already_enrolled);

    let mut flags = ContactFlags::EMPTY;
    flags.set(ContactFlags::CANNOT_COMMUNICATE, cannot_communicate);
    if missing {
        flags.insert(ContactFlags::MISSING_EMAIL);
        let contact = Contact {
            person: c,
            flags,
            rejected_sequences: 0,
        };
        return (contact, false);
    }
    let person = if shared && outside > 0 {
        // Skip over the contact's own portal.
        if target < portal.0 {
            target
        } else {
            target + (portal.1 - portal.0)
        }
    } else {
        c
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
    };
    (contact, elsewhere)
}
