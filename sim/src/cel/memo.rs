//! Remembering a CEL check's verdicts by the values it read.
//!
//! A CEL expression has no side effects and reads nothing but its variables, so its verdict is
//! a function of the values of the variables it reads: an attempt that reads the same values
//! as an earlier one gets the earlier verdict without the interpreter. Most checks read a few
//! low-cardinality facts (a source, a flag, a count under a cap), and most attempts then hit;
//! a check over a value that hardly repeats (a contact id, the time) misses, and the memo turns
//! itself off after a window of misses. Either way the verdict is the interpreter's: the memo
//! changes how fast a run is, never what it says.

use super::{Expression, Facts};

/// Most variables an expression may read and still be remembered (each is one key word).
const KEY_WORDS: usize = 3;

/// Entries of the table, direct-mapped by the key's hash.
const ENTRIES: usize = 128;

/// Lookups per window; a window with fewer than a quarter hits turns the memo off.
const WINDOW: u32 = 4096;

/// One remembered verdict.
#[derive(Clone, Copy, Default)]
struct Entry {
    used: bool,
    key: [u64; KEY_WORDS],
    verdict: bool,
}

/// One check's remembered verdicts, for one portal's run.
#[derive(Default)]
pub struct Memo {
    /// Allocated at the first lookup; emptied when the memo turns off.
    entries: Vec<Entry>,
    off: bool,
    lookups: u32,
    hits: u32,
}

impl Memo {
    /// Whether it has turned itself off.
    pub fn is_off(&self) -> bool {
        self.off
    }

    /// The key of `facts` for `e`: the values it reads, if few enough.
    fn key(e: &Expression, facts: &Facts) -> Option<[u64; KEY_WORDS]> {
        let mut key = [0u64; KEY_WORDS];
        let mut words = key.iter_mut();
        for v in e.reads().iter() {
            *words.next()? = facts.key(v);
        }
        Some(key)
    }

    /// `e`'s verdict on `facts`: remembered, or the interpreter's (then remembered unless an
    /// error).
    pub fn holds(&mut self, e: &Expression, facts: &Facts) -> Result<bool, String> {
        let key = match Self::key(e, facts) {
            Some(key) if !self.off => key,
            _ => return e.holds(facts),
        };
        if self.entries.is_empty() {
            self.entries = vec![Entry::default(); ENTRIES];
        }
        let slot = &mut self.entries[index(&key)];
        self.lookups += 1;
        let verdict = if slot.used && slot.key == key {
            self.hits += 1;
            Ok(slot.verdict)
        } else {
            let verdict = e.holds(facts);
            if let Ok(v) = verdict {
                *slot = Entry {
                    used: true,
                    key,
                    verdict: v,
                };
            }
            verdict
        };
        if self.lookups == WINDOW {
            self.off = self.hits < WINDOW / 4;
            if self.off {
                self.entries = Vec::new();
            }
            (self.lookups, self.hits) = (0, 0);
        }
        verdict
    }
}

/// The entry `key` maps to (a multiply-rotate mix of its words).
fn index(key: &[u64; KEY_WORDS]) -> usize {
    let mut h: u64 = 0;
    for &w in key {
        h = (h ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
    (h >> 32) as usize % ENTRIES
}

#[cfg(test)]
mod tests {
    use model::{AddressFlags, ContactFlags, InboxProvider, Outcome, SeatTier, SenderState};
    use proptest::prelude::*;

    use super::*;
    use crate::cel::{Statistics, Variable};
    use crate::engine::AttemptFacts;
    use crate::scenario::Source;
    use crate::time::Weekday;

    /// The names of the sequences of the attempts below, by index.
    const SEQUENCES: [(&str, &str); 3] = [
        ("intro", "sales_email"),
        ("nurture", "marketing_outreach"),
        ("intro-b", "sales_email"),
    ];

    /// An attempt as the proptests draw it: source, sequence, seat, provider, last outcome,
    /// sent_24h, contact id.
    type Drawn = (usize, u8, usize, Option<usize>, Option<usize>, u32, u32);

    fn attempt(d: &Drawn) -> AttemptFacts {
        let (source, sequence, seat, _, _, _, contact) = *d;
        AttemptFacts {
            time: 86_400 + contact,
            portal: 0,
            contact,
            user: 1,
            source: Source::ALL[source],
            sequence: sequence.into(),
            step: 0,
            address: AddressFlags::EMPTY,
            contact_flags: ContactFlags::EMPTY,
            sender: SenderState::new(SeatTier::ALL[seat], true),
            rejected_in_sequence: false,
            already_enrolled: false,
            guards: 0,
        }
    }

    fn facts<'a>(a: &'a AttemptFacts, d: &Drawn) -> Facts<'a> {
        let (name, subscription_type) = SEQUENCES[usize::from(a.sequence)];
        Facts {
            attempt: a,
            weekday: Weekday::ALL[(a.time / 86_400 % 7) as usize],
            sequence_name: name,
            subscription_type,
            provider: d.3.map(|p| InboxProvider::ALL[p]),
            statistics: Statistics {
                last_outcome: d.4.map(|o| Outcome::ALL[o]),
                sent_24h: d.5,
                ..Statistics::default()
            },
        }
    }

    fn drawn() -> impl Strategy<Value = Drawn> {
        (
            0..Source::ALL.len(),
            0..SEQUENCES.len() as u8,
            0..SeatTier::ALL.len(),
            proptest::option::of(0..InboxProvider::ALL.len()),
            proptest::option::of(0..Outcome::ALL.len()),
            0u32..60,
            0u32..20_000,
        )
    }

    /// Each check with its verdict computed by hand from the drawn attempt, not by CEL.
    type Oracle = fn(&Drawn) -> bool;
    const CHECKS: [(&str, Oracle); 4] = [
        ("source == 'crm_bulk' && sender.sent_24h >= 30", |d| {
            Source::ALL[d.0] == Source::CrmBulk && d.5 >= 30
        }),
        (
            "sequence.name == 'intro' || sequence.subscription_type == 'marketing_outreach'",
            |d| d.1 == 0 || d.1 == 1,
        ),
        (
            "sender.seat == 'enterprise' && sender.provider != 'none'",
            |d| SeatTier::ALL[d.2] == SeatTier::Enterprise && d.3.is_some(),
        ),
        (
            "contact.last_outcome == 'BOUNCED' || contact.id % 7 == 3",
            |d| d.4.map(|o| Outcome::ALL[o]) == Some(Outcome::Bounced) || d.6 % 7 == 3,
        ),
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn remembered_verdicts_are_the_verdicts_of_the_attempt_at_hand(
            attempts in proptest::collection::vec(drawn(), 1..3_000),
        ) {
            for (source, oracle) in CHECKS {
                let e = Expression::compile(source).unwrap();
                let mut memo = Memo::default();
                for d in &attempts {
                    let a = attempt(d);
                    prop_assert_eq!(memo.holds(&e, &facts(&a, d)), Ok(oracle(d)), "{} on {:?}", source, d);
                }
            }
        }

        #[test]
        fn keys_tell_apart_what_reads_differently(d in drawn(), e in drawn()) {
            let (a, b) = (attempt(&d), attempt(&e));
            let (fa, fb) = (facts(&a, &d), facts(&b, &e));
            for v in Variable::ALL {
                if fa.show(v) != fb.show(v) {
                    prop_assert_ne!(fa.key(v), fb.key(v), "{}", v.name());
                }
            }
        }
    }

    #[test]
    fn a_check_over_what_never_repeats_turns_the_memo_off_and_stays_right() {
        let e = Expression::compile("contact.id % 2 == 0").unwrap();
        let mut memo = Memo::default();
        for contact in 0..3 * WINDOW {
            let d = (0, 0, 0, None, None, 0, contact);
            let a = attempt(&d);
            assert_eq!(memo.holds(&e, &facts(&a, &d)), Ok(contact % 2 == 0));
            assert_eq!(memo.is_off(), contact + 1 >= WINDOW, "after {contact}");
        }
        assert!(memo.entries.is_empty(), "an off memo keeps no table");
    }

    #[test]
    fn a_check_over_a_few_values_stays_on() {
        let e = Expression::compile("source == 'crm_bulk'").unwrap();
        let mut memo = Memo::default();
        for i in 0..3 * WINDOW {
            let d = ((i % 4) as usize, 0, 0, None, None, 0, i);
            let a = attempt(&d);
            memo.holds(&e, &facts(&a, &d)).unwrap();
        }
        assert!(!memo.is_off());
    }
}
