//! Every contact's journey, recorded for comparing two runs (`seqsim diff`): each attempt's
//! decision, each email sent and each enrollment's outcome, in time order, per contact.
//!
//! Millions of contacts make it worth keeping small: an entry is two bytes, and the entries of
//! all contacts sit in one arena, contact after contact, with one `u32` offset per contact. The
//! recorder logs entries as they happen (with their contact) and sorts the log by contact, stably,
//! when its portal finishes.

use std::ops::Range;

use model::{Decision, Outcome};

/// One thing that happened to a contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JourneyEntry {
    /// An attempt to enroll the contact, and the rules' decision.
    Attempt(Decision),
    /// An email of the contact's active enrollment left, for step `.0` (from 0); a retried step
    /// appears once per send.
    Sent(u8),
    /// The contact's active enrollment ended (STILL_ACTIVE at the horizon).
    Ended(Outcome),
}

/// The journeys of a run's contacts (or of one portal's), by contact id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Journeys {
    /// The first contact of each portal, in portal order.
    portal_starts: Vec<u32>,
    /// Contact `c`'s entries are `entries[offsets[c]..offsets[c + 1]]`; one more than contacts.
    offsets: Vec<u32>,
    entries: Vec<JourneyEntry>,
}

/// One enrollment of a contact, as its journey tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrollmentJourney {
    /// How it ended (STILL_ACTIVE if it ran at the horizon).
    pub outcome: Outcome,
    /// The step (from 0) of every email sent in it, in order; a retried step appears again.
    pub emails: Vec<u8>,
}

/// A contact's journey read from its entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Journey {
    /// The decision on each attempt, in order.
    pub decisions: Vec<Decision>,
    /// Each enrollment, in order: the `k`-th is made by the `k`-th ENROLLED attempt.
    pub enrollments: Vec<EnrollmentJourney>,
}

impl Journeys {
    /// The journeys of one portal's contacts `contacts`, from a log of `(local contact, entry)`
    /// in time order: a stable counting sort by contact.
    pub(crate) fn from_log(contacts: Range<u32>, log: JourneyLog) -> Self {
        let len = (contacts.end - contacts.start) as usize;
        let mut offsets = vec![0u32; len + 1];
        for (c, _) in log.iter() {
            offsets[c as usize + 1] += 1;
        }
        for i in 0..len {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut entries = vec![JourneyEntry::Sent(0); log.len()];
        for (c, entry) in log.iter() {
            let at = &mut next[c as usize];
            entries[*at as usize] = entry;
            *at += 1;
        }
        Self {
            portal_starts: vec![0],
            offsets,
            entries,
        }
    }

    /// Appends a later portal's journeys: its contacts follow these.
    pub(crate) fn append(&mut self, later: Journeys) {
        let base = self.entries.len();
        let shift = u32::try_from(base).expect("fewer than 2^32 journey entries");
        let contacts = self.contacts();
        self.portal_starts
            .extend(later.portal_starts.iter().map(|&s| s + contacts));
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let more = later.offsets.iter().skip(1).map(|&o| {
            o.checked_add(shift)
                .expect("fewer than 2^32 journey entries")
        });
        self.offsets.extend(more);
        self.entries.extend(later.entries);
    }

    /// Contacts recorded.
    pub fn contacts(&self) -> u32 {
        self.offsets.len().saturating_sub(1) as u32
    }

    /// The entries of `contact`, in time order.
    pub fn of(&self, contact: u32) -> &[JourneyEntry] {
        let c = contact as usize;
        &self.entries[self.offsets[c] as usize..self.offsets[c + 1] as usize]
    }

    /// The contacts of each portal, in portal order.
    pub fn portals(&self) -> impl Iterator<Item = Range<u32>> + '_ {
        let ends = self.portal_starts.iter().skip(1).copied();
        (self.portal_starts.iter().copied())
            .zip(ends.chain([self.contacts()]))
            .map(|(start, end)| start..end)
    }

    /// The journey of `contact`, read from its entries.
    pub fn journey(&self, contact: u32) -> Journey {
        read(self.of(contact))
    }

    /// Every contact's entries make sense (an email or an end only in an enrollment, no
    /// enrollment over another, every enrollment ended), and they hold `attempts` attempts and
    /// `enrolled` enrollments in all.
    pub(crate) fn assert_consistent(&self, seed: u64, attempts: u64, enrolled: u64) {
        let (mut seen_attempts, mut seen_ends) = (0u64, 0u64);
        for contact in 0..self.contacts() {
            let mut open = false;
            for &entry in self.of(contact) {
                let fine = match entry {
                    JourneyEntry::Attempt(d) => {
                        seen_attempts += 1;
                        let enrolls = d == Decision::Enrolled;
                        let ok = !(open && enrolls);
                        open |= enrolls;
                        ok
                    }
                    JourneyEntry::Sent(_) => open,
                    JourneyEntry::Ended(_) => {
                        seen_ends += 1;
                        std::mem::replace(&mut open, false)
                    }
                };
                assert!(
                    fine,
                    "seed {seed}: contact {contact}'s journey is out of order"
                );
            }
            assert!(
                !open,
                "seed {seed}: contact {contact} has an enrollment without an end"
            );
        }
        assert_eq!(
            (seen_attempts, seen_ends),
            (attempts, enrolled),
            "seed {seed}: journeys hold every attempt and every enrollment"
        );
    }
}

/// A journey from its entries (see [`Journeys::assert_consistent`] for their order).
fn read(entries: &[JourneyEntry]) -> Journey {
    let mut journey = Journey::default();
    let mut emails = Vec::new();
    for &entry in entries {
        match entry {
            JourneyEntry::Attempt(d) => journey.decisions.push(d),
            JourneyEntry::Sent(step) => emails.push(step),
            JourneyEntry::Ended(outcome) => journey.enrollments.push(EnrollmentJourney {
                outcome,
                emails: std::mem::take(&mut emails),
            }),
        }
    }
    journey
}

/// Entries a [`JourneyLog`] chunk holds: chunks of a fixed size waste at most one chunk, where
/// one doubling vector could hold twice what it needs.
const CHUNK_ENTRIES: usize = 1 << 14;

/// The journey entries of one portal as they happen, each with its contact (counted from the
/// portal's first), in chunks.
#[derive(Debug, Default)]
pub(crate) struct JourneyLog {
    chunks: Vec<(Vec<u32>, Vec<JourneyEntry>)>,
}

impl JourneyLog {
    /// Logs `entry` for local contact `contact`.
    pub fn push(&mut self, contact: u32, entry: JourneyEntry) {
        if self
            .chunks
            .last()
            .is_none_or(|(c, _)| c.len() == CHUNK_ENTRIES)
        {
            let chunk = (
                Vec::with_capacity(CHUNK_ENTRIES),
                Vec::with_capacity(CHUNK_ENTRIES),
            );
            self.chunks.push(chunk);
        }
        let (contacts, entries) = self.chunks.last_mut().expect("a chunk");
        contacts.push(contact);
        entries.push(entry);
    }

    /// Every `(contact, entry)` in the order logged.
    fn iter(&self) -> impl Iterator<Item = (u32, JourneyEntry)> + '_ {
        (self.chunks.iter()).flat_map(|(c, e)| c.iter().copied().zip(e.iter().copied()))
    }

    /// Entries logged.
    fn len(&self) -> usize {
        self.chunks.iter().map(|(c, _)| c.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::RejectionCode;

    #[test]
    fn entries_are_two_bytes() {
        assert_eq!(std::mem::size_of::<JourneyEntry>(), 2);
    }

    #[test]
    fn the_log_is_sorted_by_contact_keeping_time_order() {
        let spam = Decision::Rejected(RejectionCode::PreviouslyMarkedAsSpam);
        let mut log = JourneyLog::default();
        log.push(1, JourneyEntry::Attempt(Decision::Enrolled));
        log.push(0, JourneyEntry::Attempt(spam));
        log.push(1, JourneyEntry::Sent(0));
        log.push(1, JourneyEntry::Sent(0));
        log.push(1, JourneyEntry::Ended(Outcome::Bounced));
        let mut all = Journeys::from_log(10..12, log);
        all.append(Journeys::from_log(12..15, JourneyLog::default()));
        all.assert_consistent(0, 2, 1);
        assert_eq!(all.contacts(), 5);
        assert_eq!(all.portals().collect::<Vec<_>>(), [0..2, 2..5]);
        assert_eq!(all.of(0), [JourneyEntry::Attempt(spam)]);
        assert!(all.of(4).is_empty());
        let journey = all.journey(1);
        assert_eq!(journey.decisions, [Decision::Enrolled]);
        assert_eq!(
            journey.enrollments,
            [EnrollmentJourney {
                outcome: Outcome::Bounced,
                emails: vec![0, 0]
            }]
        );
    }
}
