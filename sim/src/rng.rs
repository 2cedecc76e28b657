//! Seeded random streams: one named, version-pinned algorithm, one stream per entity.
//!
//! The generator is Xoshiro256++, seeded as `rand_xoshiro` 0.7.0 seeds it from a `u64`
//! (SplitMix64). Each entity (a contact, a person, a user's plan...) gets its own stream derived
//! from the master seed, the stream's kind and the entity's id, so a draw never depends on the
//! order in which entities are processed, nor on how many draws another entity made.
//!
//! The generator's ten lines are written here rather than taken from `rand_xoshiro`: a run
//! seeds a stream for every person, contact and assignment and for every send (about six
//! million in the one-portal benchmark), and the crate's seeding goes through a byte array
//! (`from_seed`) that kept a stream's construction out of line, at three to four times the cost
//! of building the four state words directly. The values are the crate's: the crate stays a
//! development dependency, pinned exactly, and `matches_rand_xoshiro` compares the two over a
//! thousand keys; `streams_are_pinned` holds the first outputs written down.
//!
//! The draws themselves (`chance`, `below`, `unit`) are written here instead of taken from
//! `rand`'s distributions: `rand` documents that its distribution algorithms may change their
//! values between releases, and a seed must give the same world forever. Each draw consumes
//! exactly one 64-bit output, whatever its parameter, so changing one probability in a scenario
//! changes that attribute's values only, never the draws after it.

/// What a stream is for. Part of the stream's identity: two kinds never share values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum StreamKind {
    /// A domain's attributes.
    Domain = 1,
    /// A person's (mailbox's) attributes.
    Person = 2,
    /// A contact record's attributes.
    Contact = 3,
    /// Who enrolls a contact.
    Assignment = 4,
    /// When and how a user enrolls their contacts.
    UserPlan = 5,
    /// When a user's inbox disconnects.
    Inbox = 6,
    /// What happens to one send of one enrollment (see `engine`).
    Send = 7,
    /// One scenario `seqsim swarm` draws (never used inside a run).
    Swarm = 8,
}

/// A probability made ready for many draws: [`Stream::hit`] with `Chance::new(p)` is
/// [`Stream::chance`] with `p`, without converting `p` at every draw (a fifth of world
/// generation, which draws a dozen chances for each of millions of contacts).
#[derive(Clone, Copy, Debug)]
pub struct Chance {
    /// `2^64 * p`, exact for the 53 significant bits of p; the cast saturates.
    threshold: u64,
    /// `p` is 1 (or more): every draw hits.
    certain: bool,
}

impl Chance {
    /// Probability `p`, in [0, 1].
    #[inline]
    pub fn new(p: f64) -> Self {
        debug_assert!((0.0..=1.0).contains(&p), "probability {p} outside [0, 1]");
        Self {
            threshold: (p * 18_446_744_073_709_551_616.0) as u64,
            certain: p >= 1.0,
        }
    }
}

/// One entity's random stream: a Xoshiro256++ state.
#[derive(Clone, Debug)]
pub struct Stream([u64; 4]);

/// SplitMix64's output function: a bijective 64-bit mixer.
const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Stream {
    /// The stream of entity `id` of `kind` under `master_seed`.
    #[inline]
    pub fn new(master_seed: u64, kind: StreamKind, id: u64) -> Self {
        Self::keyed(master_seed, kind, &[id])
    }

    /// The stream of the entity identified by the words of `id` (say contact, enrollment
    /// count, step and retry): each word is mixed in turn, so no word's range limits another.
    #[inline]
    pub fn keyed(master_seed: u64, kind: StreamKind, id: &[u64]) -> Self {
        Self::keyed_from(Self::prefix(master_seed, kind), id)
    }

    /// What [`Stream::keyed`] mixes before the id's words: fixed for a run and a kind, so a
    /// caller drawing many streams of one kind computes it once.
    pub fn prefix(master_seed: u64, kind: StreamKind) -> u64 {
        mix64(master_seed ^ mix64(kind as u64))
    }

    /// `Stream::keyed(master_seed, kind, id)` given `prefix = Stream::prefix(master_seed, kind)`.
    #[inline]
    pub fn keyed_from(prefix: u64, id: &[u64]) -> Self {
        let key = id.iter().fold(prefix, |key, &word| mix64(key ^ word));
        Self::seeded(key)
    }

    /// `Xoshiro256PlusPlus::seed_from_u64(key)`: the four state words are the first four
    /// outputs of SplitMix64 seeded with `key`. The all-zero state Xoshiro cannot leave cannot
    /// occur: SplitMix64's outputs of four consecutive states are distinct.
    #[inline]
    fn seeded(key: u64) -> Self {
        const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;
        let word = |i: u64| mix64(key.wrapping_add(GAMMA.wrapping_mul(i)));
        Self([word(1), word(2), word(3), word(4)])
    }

    /// The next raw 64-bit output: Xoshiro256++'s step.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let out = (s[0].wrapping_add(s[3])).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }

    /// True with probability `p` (0 never, 1 always). One draw.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.hit(Chance::new(p))
    }

    /// True with the probability of `chance`: the draw of [`Stream::chance`]. One draw.
    #[inline]
    pub fn hit(&mut self, chance: Chance) -> bool {
        let x = self.next_u64();
        chance.certain || x < chance.threshold
    }

    /// A uniform integer in `0..n`, `n > 0`. One draw, by a widening multiply: the bias is below
    /// n / 2^64, far under anything a simulation of this size can see.
    #[inline]
    pub fn below(&mut self, n: u32) -> u32 {
        assert!(n > 0, "below(0) has no value");
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u32
    }

    /// A uniform float in `[0, 1)` with 53 random bits. One draw.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// The index of the weight `unit()` falls into, for weights summing to 1. One draw.
    #[inline]
    pub fn pick(&mut self, weights: &[f64]) -> usize {
        let u = self.unit();
        let mut acc = 0.0;
        for (i, w) in weights.iter().enumerate() {
            acc += w;
            if u < acc {
                return i;
            }
        }
        // Rounding can leave the sum a hair under 1: the last non-zero weight takes the rest.
        weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::{RngCore, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn streams_are_pinned() {
        // The first outputs of one stream, written down: if the algorithm, the seeding or the
        // derivation ever changes, every snapshot would move, and this says why.
        let mut s = Stream::new(42, StreamKind::Contact, 7);
        let first: Vec<u64> = (0..3).map(|_| s.next_u64()).collect();
        let mut again = Stream::new(42, StreamKind::Contact, 7);
        assert_eq!(first, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
        assert_eq!(first, PINNED);
    }

    const PINNED: [u64; 3] = [
        17_763_490_149_766_569_978,
        12_396_931_118_052_095_901,
        13_078_532_602_759_430_159,
    ];

    #[test]
    fn matches_rand_xoshiro() {
        // The oracle: the crate's own seeding and generator, over keys from every corner of
        // the range, for long enough that every state word has fed the output.
        let keys = [
            0,
            1,
            2,
            0x9e37_79b9_7f4a_7c15,
            u64::MAX,
            u64::MAX - 1,
            1 << 63,
        ];
        let more = (0..1000u64).map(|i| mix64(i).wrapping_mul(i | 1));
        for key in keys.into_iter().chain(more) {
            let mut ours = Stream::seeded(key);
            let mut theirs = Xoshiro256PlusPlus::seed_from_u64(key);
            for _ in 0..64 {
                assert_eq!(ours.next_u64(), theirs.next_u64(), "key {key}");
            }
        }
    }

    #[test]
    fn kinds_ids_and_seeds_give_distinct_streams() {
        let a = Stream::new(1, StreamKind::Contact, 0).next_u64();
        let b = Stream::new(1, StreamKind::Person, 0).next_u64();
        let c = Stream::new(1, StreamKind::Contact, 1).next_u64();
        let d = Stream::new(2, StreamKind::Contact, 0).next_u64();
        let mut all = vec![a, b, c, d];
        all.dedup();
        assert_eq!(all.len(), 4);
    }

    #[test]
    fn multi_word_keys_are_ordered_and_unbounded() {
        let draw = |id: &[u64]| Stream::keyed(3, StreamKind::Send, id).next_u64();
        assert_ne!(draw(&[1, 2]), draw(&[2, 1]));
        assert_ne!(draw(&[1 << 40, 0]), draw(&[0, 1 << 40]));
        assert_ne!(draw(&[5, u64::MAX]), draw(&[5, u64::MAX - 1]));
        assert_eq!(draw(&[7]), Stream::new(3, StreamKind::Send, 7).next_u64());
        let prefix = Stream::prefix(3, StreamKind::Send);
        assert_eq!(
            draw(&[5, 6]),
            Stream::keyed_from(prefix, &[5, 6]).next_u64()
        );
    }

    #[test]
    fn draws_respect_their_bounds() {
        let mut s = Stream::new(9, StreamKind::UserPlan, 3);
        for _ in 0..10_000 {
            assert!(s.below(7) < 7);
            let u = s.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(!s.chance(0.0));
            assert!(s.chance(1.0));
            assert_eq!(s.pick(&[0.0, 1.0, 0.0]), 1);
        }
    }

    /// When rounding leaves the weights' sum under 1 and the draw falls past it, the last
    /// non-zero weight takes it: worked with weights summing to a half, where a draw of a half
    /// or more falls past the sum (half the draws).
    #[test]
    fn the_last_non_zero_weight_takes_what_rounding_leaves() {
        let weights = [0.25, 0.25, 0.0];
        let mut past = 0;
        for id in 0..1_000 {
            let u = Stream::new(4, StreamKind::Swarm, id).unit();
            let expected = match u {
                u if u < 0.25 => 0,
                _ => 1,
            };
            past += usize::from(u >= 0.5);
            assert_eq!(
                Stream::new(4, StreamKind::Swarm, id).pick(&weights),
                expected
            );
        }
        assert!(
            past > 400,
            "{past} draws past the sum: the case is exercised"
        );
    }

    /// The oracle: `2^64 * p` worked out exactly in integers from the bits of `p` (mantissa
    /// and exponent), so a draw `x` hits when `x < 2^64 * p`, for probabilities from every
    /// corner of [0, 1], the smallest and the largest below 1 included.
    #[test]
    fn a_ready_chance_hits_below_its_exact_threshold() {
        let exact = |p: f64| -> u128 {
            let bits = p.to_bits();
            let (exponent, fraction) = (((bits >> 52) & 0x7ff) as i32, bits & ((1 << 52) - 1));
            let (mantissa, power) = match exponent {
                0 => (fraction, -1074),
                _ => (fraction | 1 << 52, exponent - 1075),
            };
            match power + 64 {
                shift @ 0.. => u128::from(mantissa) << shift,
                shift => u128::from(mantissa) >> (-shift).min(127),
            }
        };
        let below_one = f64::from_bits(1.0f64.to_bits() - 1);
        let probabilities = [0.0, f64::MIN_POSITIVE, 1e-300, 1e-9, 0.001, 0.3, 0.5, 0.75];
        for p in probabilities.into_iter().chain([below_one, 1.0]) {
            let (mut raw, mut ready) = (
                Stream::new(8, StreamKind::Swarm, 1),
                Stream::new(8, StreamKind::Swarm, 1),
            );
            let chance = Chance::new(p);
            match p < 1.0 {
                true => assert_eq!(u128::from(chance.threshold), exact(p), "p {p}"),
                false => assert!(chance.certain),
            }
            for _ in 0..2_000 {
                let x = raw.next_u64();
                assert_eq!(
                    ready.hit(chance),
                    u128::from(x) < exact(p),
                    "p {p}, draw {x}"
                );
            }
        }
        assert_eq!(exact(0.5), 1 << 63);
        assert_eq!(exact(1.0), 1 << 64);
        // At the threshold itself: a draw equal to it misses, one below it hits.
        let x = Stream::new(8, StreamKind::Swarm, 2).next_u64();
        let at = |threshold| Chance {
            threshold,
            certain: false,
        };
        assert!(!Stream::new(8, StreamKind::Swarm, 2).hit(at(x)));
        assert!(Stream::new(8, StreamKind::Swarm, 2).hit(at(x + 1)));
    }

    #[test]
    fn chance_matches_its_probability() {
        let mut s = Stream::new(5, StreamKind::Contact, 0);
        let n = 200_000;
        let hits = (0..n).filter(|_| s.chance(0.3)).count() as f64;
        // Binomial sd = sqrt(n p (1-p)) ~ 205; allow 5 sd.
        assert!((hits - 0.3 * n as f64).abs() < 5.0 * 205.0, "{hits}");
    }
}
