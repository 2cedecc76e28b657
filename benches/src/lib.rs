//! Fixtures shared by the criterion benches in `benches/benches/`.
//!
//! Run them with `cargo bench -p benches`; each bench's doc says what it measures.

use model::{AddressFlags, Conditions, ContactFlags, SeatTier, SenderState};

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
            Conditions::new(address, contact, sender, pick(56, 2), pick(60, 1))
        })
        .collect()
}
