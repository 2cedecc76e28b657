//! A portal's contact records as its run lays them out: one 28-byte `Slot` per record holding
//! everything an attempt, a send or an end reads about the contact (the record, its run state,
//! its person's fixed facts), in the order the portal's plan first reaches the contacts.
//!
//! Why: the engine is bound by memory latency. The plan enrolls contacts in random id order,
//! so with the records, the persons and the run state in three arrays indexed by id, an attempt
//! cost three cache misses, and every later event of the enrollment one or two more. In slot
//! order the plan walks the slots front to back, and the events of one simulated hour (the
//! follow-ups of the enrollments of an hour days ago, in that order) touch neighbouring slots.
//! The contact's id stays in the slot: streams, the recorder and everything in the output use
//! ids, never slots, so the layout cannot change a result.

use std::collections::BTreeMap;

use model::{AddressFlags, ContactFlags};

use crate::plan::Attempt;
use crate::world::{Contact, Person};

/// Not a slot yet (while ordering).
const UNPLACED: u32 = u32::MAX;

/// One contact record of the portal, with its run state.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slot {
    /// The contact's id.
    pub id: u32,
    /// The person (mailbox) of the record's address.
    pub person: u32,
    /// The slot of the address's canonical record in this portal.
    pub canonical: u32,
    /// The active enrollment's id, or one of the portal's markers.
    pub active: u32,
    /// Enrollments made so far, up to [`Counts::LONG`]; counts from there on are kept in
    /// the run's [`Counts`] (28 bytes a slot where a `u32` here made 32: 40 MB at 10 million
    /// contacts).
    pub ordinal: u16,
    /// The record's flags; on a canonical record also the address's facts in the portal.
    pub flags: ContactFlags,
    /// Sequences in which a provider rejected an email to the record.
    pub rejected_sequences: u16,
    /// Subscription types the address opted out of (on the canonical record).
    pub opted_out: u16,
    /// The person's platform-wide facts drawn at the start (they never change in a run; the
    /// global bounce list, which does, stays on the person).
    pub address: AddressFlags,
    /// The person's mailbox does not exist.
    pub invalid: bool,
    /// The person's mailbox provider.
    pub mailbox_provider: u8,
}

const _: () = assert!(std::mem::size_of::<Slot>() == 28);

impl Slot {
    /// A slot holding no record (no record has this id: ids are below the population's size),
    /// nothing drawn, nothing learnt: what `lay_out` fills the slots with before it writes each.
    pub const BLANK: Slot = Slot {
        id: u32::MAX,
        person: 0,
        canonical: 0,
        active: 0,
        ordinal: 0,
        flags: ContactFlags::EMPTY,
        rejected_sequences: 0,
        opted_out: 0,
        address: AddressFlags::EMPTY,
        invalid: false,
        mailbox_provider: 0,
    };
}

/// The records' enrollment counts past what a slot's 16 bits hold: a contact re-enrolled every
/// few minutes for months (a step failing at every send, a remedy acting at once) would pass
/// 65,534. Exact either way, since the count keys the enrollment's draws.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    /// Each long-counted slot's count.
    long: BTreeMap<u32, u32>,
}

impl Counts {
    /// The slot count meaning "see `long`".
    pub const LONG: u16 = u16::MAX;

    /// Slot `c`'s enrollment count, its slot's count being `short`.
    pub fn get(&self, c: u32, short: u16) -> u32 {
        match short {
            Self::LONG => self.long[&c],
            _ => short.into(),
        }
    }

    /// Counts one more enrollment of slot `c`, its slot's count being `short`.
    pub fn add(&mut self, c: u32, short: &mut u16) {
        match *short {
            Self::LONG => *self.long.get_mut(&c).expect("a long count") += 1,
            n if n + 1 == Self::LONG => {
                *short = Self::LONG;
                self.long.insert(c, Self::LONG.into());
            }
            _ => *short += 1,
        }
    }
}

/// The slots of a portal whose first contact id is `first`, and `plan` with each attempt's
/// `contact` replaced by its slot. Slots follow the plan's first attempt at each contact, then
/// the contacts the plan never reaches, in id order. `active` gives each record's starting
/// active-enrollment marker.
///
/// The records are scattered into their slots rather than gathered: read in id order (and
/// their persons too, but for shared ones: a person's id is its home contact's), each is
/// written to its slot. Gathering read them in slot order, at random, a cache miss each.
pub(crate) fn lay_out(
    first: u32,
    contacts: &[Contact],
    persons: &[Person],
    active: impl Fn(usize) -> u32,
    plan: &mut [Attempt],
) -> Vec<Slot> {
    let n = contacts.len();
    let mut slot_of = vec![UNPLACED; n];
    let mut placed = 0u32;
    for a in plan.iter_mut() {
        let local = (a.contact - first) as usize;
        if slot_of[local] == UNPLACED {
            slot_of[local] = placed;
            placed += 1;
        }
        a.contact = slot_of[local];
    }
    for slot in slot_of.iter_mut().filter(|s| **s == UNPLACED) {
        *slot = placed;
        placed += 1;
    }
    assert_eq!(placed as usize, n, "every contact has one slot");
    let mut slots = vec![Slot::BLANK; n];
    for (local, record) in contacts.iter().enumerate() {
        let person = &persons[record.person as usize];
        slots[slot_of[local] as usize] = Slot {
            id: first + local as u32,
            person: record.person,
            canonical: slot_of[(record.canonical - first) as usize],
            active: active(local),
            ordinal: 0,
            flags: record.flags,
            rejected_sequences: record.rejected_sequences,
            opted_out: record.opted_out,
            address: person.address,
            invalid: person.invalid,
            mailbox_provider: person.mailbox_provider,
        };
    }
    debug_assert!(slots.iter().all(|s| s.id != Slot::BLANK.id));
    debug_assert!(slots
        .iter()
        .all(|s| slots[s.canonical as usize].canonical == s.canonical));
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Source;

    fn contact(person: u32, canonical: u32) -> Contact {
        Contact {
            person,
            flags: ContactFlags::EMPTY,
            rejected_sequences: 0,
            opted_out: 0,
            canonical,
        }
    }

    fn attempt(contact: u32) -> Attempt {
        Attempt {
            time: 0,
            user: 0,
            contact,
            source: Source::CrmSingle,
            bulk_position: 0,
        }
    }

    #[test]
    fn slots_follow_the_plan_then_the_ids() {
        // Portal of contacts 10..15; contact 13 duplicates 11 (canonical 11).
        let contacts = [
            contact(0, 10),
            contact(1, 11),
            contact(2, 12),
            contact(1, 11),
            contact(4, 14),
        ];
        let person = Person {
            address: AddressFlags::EMPTY,
            invalid: false,
            domain: 0,
            mailbox_provider: 0,
        };
        let mut persons = vec![person; 5];
        persons[1].invalid = true;
        persons[1].mailbox_provider = 2;
        let mut plan = vec![attempt(13), attempt(12), attempt(13), attempt(11)];
        let slots = lay_out(10, &contacts, &persons, |local| local as u32, &mut plan);
        // Worked by hand: 13, 12, 11 in plan order, then 10 and 14.
        let ids: Vec<u32> = slots.iter().map(|s| s.id).collect();
        assert_eq!(ids, [13, 12, 11, 10, 14]);
        let planned: Vec<u32> = plan.iter().map(|a| a.contact).collect();
        assert_eq!(planned, [0, 1, 0, 2]);
        // 13's canonical record, 11, sits in slot 2; 11 is its own.
        assert_eq!((slots[0].canonical, slots[2].canonical), (2, 2));
        assert_eq!(slots[0].active, 3, "the marker of local record 3");
        assert!(slots[0].invalid && slots[0].mailbox_provider == 2);
        assert!(!slots[1].invalid);
    }

    /// The count goes on past a slot's 16 bits, exactly: checked against a plain counter
    /// over 70,000 enrollments of one slot, beside another slot that stays short.
    #[test]
    fn enrollment_counts_pass_sixteen_bits() {
        let mut counts = Counts::default();
        let (mut short, mut other) = (0u16, 0u16);
        counts.add(8, &mut other);
        for expected in 1..=70_000u32 {
            counts.add(7, &mut short);
            assert_eq!(counts.get(7, short), expected);
        }
        assert_eq!(short, Counts::LONG);
        assert_eq!(counts.get(8, other), 1);
        assert_eq!(counts.long.len(), 1, "only the long count is kept aside");
    }
}
