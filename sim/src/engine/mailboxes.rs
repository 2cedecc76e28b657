//! What a run reads of the persons (mailboxes) once every portal's run holds its records: each
//! person's domain, and the global bounce list.
//!
//! The person's fixed facts (drawn at the start: blocked, bounced outside the simulation,
//! invalid, provider) are copied into every slot of the person's records (see `slots`), and the
//! global bounce list starts empty and stays short (the persons whose mail hard-bounced), so
//! the persons themselves (8 bytes each, 80 MB at 10 million) are freed for the run: a domain
//! (4 bytes) is all it keeps per person.

use std::collections::BTreeMap;

use model::AddressFlags;

use super::slots::Slot;
use crate::world::{BounceList, Person};

pub(crate) struct Mailboxes {
    /// Each person's domain.
    domains: Vec<u32>,
    /// Bit `p` set: person `p` is on the global bounce list (as of the last daily merge). An
    /// attempt reads the list's entry only then.
    listed: Vec<u64>,
    /// The entries of the global bounce list.
    lists: BTreeMap<u32, BounceList>,
}

impl Mailboxes {
    /// The mailboxes of `persons`, as generated: the global bounce list starts empty. The
    /// domains are collected in the persons' own memory (an in-place collect), which then
    /// shrinks to them: the persons and the domains are never held side by side.
    pub fn new(persons: Vec<Person>) -> Self {
        let count = persons.len();
        let mut domains: Vec<u32> = persons.into_iter().map(|p| p.domain).collect();
        domains.shrink_to_fit();
        Self {
            domains,
            listed: vec![0; count.div_ceil(64)],
            lists: BTreeMap::new(),
        }
    }

    /// Person `p`'s domain.
    pub fn domain(&self, p: u32) -> u32 {
        self.domains[p as usize]
    }

    /// The platform-wide facts about slot `record`'s address as an attempt in `portal` reads
    /// them: the fixed facts the slot holds, and RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY if
    /// another portal's bounce is on the list (a bounce counts as "bounced from other
    /// accounts" only if another account saw it: [`BounceList::by_another_than`]).
    pub fn address_seen_from(&self, record: &Slot, portal: u32) -> AddressFlags {
        let p = record.person;
        let mut address = record.address;
        if self.listed[p as usize / 64] & (1 << (p % 64)) != 0
            && self.lists[&p].by_another_than(portal)
        {
            address.insert(AddressFlags::BOUNCED_GLOBALLY);
        }
        address
    }

    /// Mail from `portal` to person `p` hard-bounced: the daily merge lists it.
    pub fn list(&mut self, p: u32, portal: u32) {
        let entry = self.lists.entry(p).or_default();
        *entry = entry.with(portal);
        self.listed[p as usize / 64] |= 1 << (p % 64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(domain: u32, address: AddressFlags) -> Person {
        Person {
            address,
            invalid: false,
            domain,
            mailbox_provider: 0,
        }
    }

    fn slot(person: u32, address: AddressFlags) -> Slot {
        Slot {
            id: person,
            person,
            address,
            ..Slot::BLANK
        }
    }

    /// RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY means bounced from other accounts (domain §3):
    /// worked out by hand for persons listed by no portal, by portal 1, and by portals 1 and 2,
    /// over 70 persons (two words of the listed bitset).
    #[test]
    fn the_bounce_list_counts_other_portals_only() {
        let blocked = AddressFlags::BLOCKED_DOMAIN;
        let persons: Vec<Person> = (0..70)
            .map(|p| person(p * 10, AddressFlags::EMPTY))
            .collect();
        let mut m = Mailboxes::new(persons);
        assert_eq!(m.domain(7), 70);
        m.list(65, 1);
        m.list(3, 1);
        m.list(3, 2);
        let globally = AddressFlags::BOUNCED_GLOBALLY;
        // Unlisted: the slot's own fixed facts, whatever they are.
        assert_eq!(m.address_seen_from(&slot(64, blocked), 1), blocked);
        assert_eq!(
            m.address_seen_from(&slot(2, AddressFlags::EMPTY), 2),
            AddressFlags::EMPTY
        );
        // Listed by portal 1 only: globally bounced for portal 0 and 2, not for 1.
        assert_eq!(m.address_seen_from(&slot(65, blocked), 1), blocked);
        assert_eq!(
            m.address_seen_from(&slot(65, blocked), 0),
            blocked | globally
        );
        assert_eq!(
            m.address_seen_from(&slot(65, AddressFlags::EMPTY), 2),
            globally
        );
        // Listed by two portals: globally bounced for each of them.
        for portal in 0..3 {
            assert_eq!(
                m.address_seen_from(&slot(3, AddressFlags::EMPTY), portal),
                globally
            );
        }
        // Bounced outside the simulation (drawn at the start): always.
        assert_eq!(m.address_seen_from(&slot(65, globally), 1), globally);
    }
}
