//! Fixtures shared by the criterion benches in `benches/benches/`.
//!
//! Run them with `cargo bench -p benches`; each bench's doc says what it measures.

use model::{
    AddressFlags, Check, Conditions, ContactFlags, GuardCode, RejectionCode, RuleSet, SeatTier,
    SenderState,
};

/// `n` enrollment conditions drawn like a realistic population: most attempts pass every check,
/// a few fail one or several. Built with a fixed-seed xorshift so benches compare like with like.
pub fn conditions(n: usize) -> Vec<Conditions> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let r = next();
            let pick = |bits: u64, rare: u64| r >> bits & 0xff < rare;
            let mut address = AddressFlags::EMPTY;
            address.set(AddressFlags::BOUNCED_GLOBALLY, pick(0, 5));
            address.set(AddressFlags::BLOCKED_ADDRESS, pick(8, 2));
            let mut contact = ContactFlags::EMPTY;
            contact.set(ContactFlags::UNSUBSCRIBED, pick(16, 8));
            contact.set(ContactFlags::BOUNCED, pick(24, 4));
            contact.set(ContactFlags::MISSING_EMAIL, pick(32, 2));
            let sender = SenderState::new(
                if pick(40, 3) {
                    SeatTier::Starter
                } else {
                    SeatTier::Professional
                },
                !pick(48, 3),
            );
            // Four guards, each holding for about one attempt in 64 (bits of the draw's top).
            let guards = (r >> 44) as u16 & (r >> 50) as u16 & (r >> 56) as u16 & 0b1111;
            Conditions::new(address, contact, sender, pick(56, 2), pick(60, 1)).with_guards(guards)
        })
        .collect()
}

/// A rule set with four guards, two right after the pre-enrollment blocks and two at the end,
/// for the guarded rule-evaluation bench.
pub fn guarded_rules() -> RuleSet {
    let code = |i: usize| GuardCode {
        name: format!("GUARD_{i}"),
        description: String::new(),
    };
    let blocks = RejectionCode::PRE_ENROLLMENT_BLOCKS.map(Check::Code);
    let order: Vec<Check> = (blocks.into_iter())
        .chain([Check::Guard(0), Check::Guard(1)])
        .chain(RejectionCode::ENROLLMENT_REJECTIONS.map(Check::Code))
        .chain([Check::Guard(2), Check::Guard(3)])
        .collect();
    RuleSet::with_guards(&order, (0..4).map(code).collect()).expect("a valid rule set")
}

/// `n` attempts for the CEL bench: bulk mostly, an address bounced elsewhere about one in 50,
/// the sender's sends in the last 24 hours spread over 0 to 511. The same xorshift as
/// [`conditions`].
pub fn cel_attempts(n: usize) -> Vec<(sim::AttemptFacts, sim::cel::Statistics)> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n as u32)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut address = AddressFlags::EMPTY;
            address.set(AddressFlags::BOUNCED_GLOBALLY, x & 0xff < 5);
            let facts = sim::AttemptFacts {
                time: i,
                portal: 0,
                contact: i,
                user: (x >> 8) as u32 % 10,
                source: match x >> 16 & 0xf {
                    0 => sim::Source::CrmSingle,
                    _ => sim::Source::CrmBulk,
                },
                sequence: 0,
                step: 0,
                address,
                contact_flags: ContactFlags::EMPTY,
                sender: SenderState::new(SeatTier::Professional, true),
                rejected_in_sequence: false,
                already_enrolled: false,
                guards: 0,
            };
            let statistics = sim::cel::Statistics {
                sent_24h: (x >> 24) as u32 % 512,
                ..Default::default()
            };
            (facts, statistics)
        })
        .collect()
}
