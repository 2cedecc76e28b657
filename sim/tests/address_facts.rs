//! Facts belong to the address (domain §3-§4): two records of one address in a portal see the
//! same bounces, complaint and unsubscribes, at the start and as they arise; and
//! RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY means a bounce seen by *other* accounts.
//!
//! Each test builds a hand-made plan over a generated world and checks the decisions in the
//! audit against answers worked out by hand.

mod common;

use model::{Decision, RejectionCode, RuleSet};
use sim::plan::Attempt;
use sim::{RunResult, Scenario, StepKind, World};

const HOUR: u32 = 3_600;
const DAY: u32 = 86_400;

fn decisions(result: &RunResult) -> Vec<(u32, Decision)> {
    let audit = result.recordings.audit.as_ref().expect("audited");
    audit
        .attempts
        .iter()
        .map(|a| (a.contact, a.decision))
        .collect()
}

/// A one-portal world with duplicates and nothing else drawn, sequences of one email, and no
/// failures: only what the plan does happens.
fn duplicates_world(seed: u64) -> Scenario {
    let mut s = common::quiet(seed, 400);
    s.population.duplicate_contacts = 0.3;
    s.population.shared_persons = 0.0;
    s.disconnections.per_inbox_day = 0.0;
    for seq in &mut s.sequences {
        seq.steps = vec![common::step(StepKind::AutomatedEmail, 0)];
    }
    s
}

/// The first record of `world` that duplicates another, with its canonical record.
fn a_duplicate_pair(world: &World) -> (u32, u32) {
    world
        .contacts()
        .iter()
        .enumerate()
        .find(|(c, contact)| contact.canonical != *c as u32)
        .map(|(c, contact)| (contact.canonical, c as u32))
        .expect("a duplicate record")
}

#[test]
fn an_unsubscribe_on_one_record_blocks_the_other_record_of_the_address() {
    let mut scenario = duplicates_world(3);
    scenario.engagement.unsubscribe = 1.0;
    scenario.engagement.unsubscribe_all_share = 1.0;
    let world = World::generate(&scenario);
    let (original, duplicate) = a_duplicate_pair(&world);
    // User 0 (Workspace, Professional) enrolls the original on day 0; step 1 leaves at once
    // and the unsubscribe comes within 48 hours. The duplicate is tried on day 3.
    let plan = vec![
        common::attempt(10 * HOUR, 0, original),
        common::attempt(3 * DAY + 10 * HOUR, 0, duplicate),
    ];
    let result = common::audited(&scenario, world, plan);
    assert_eq!(
        decisions(&result),
        [
            (original, Decision::Enrolled),
            (duplicate, Decision::Rejected(RejectionCode::Unsubscribed))
        ]
    );
}

#[test]
fn a_complaint_and_a_bounce_are_facts_of_the_address_too() {
    for (tweak, code) in [
        (0, RejectionCode::PreviouslyMarkedAsSpam),
        (1, RejectionCode::Bounced),
    ] {
        let mut scenario = duplicates_world(4);
        match tweak {
            0 => scenario.engagement.spam_complaint = 1.0,
            _ => scenario.population.rates.invalid_address = 1.0,
        }
        let world = World::generate(&scenario);
        let (original, duplicate) = a_duplicate_pair(&world);
        let plan = vec![
            common::attempt(10 * HOUR, 0, original),
            common::attempt(3 * DAY + 10 * HOUR, 0, duplicate),
        ];
        let result = common::audited(&scenario, world, plan);
        assert_eq!(decisions(&result)[1], (duplicate, Decision::Rejected(code)));
    }
}

#[test]
fn records_of_one_address_start_with_the_same_facts() {
    // Initial unsubscribes drawn on either record of an address hold for both: tried at the
    // start, before anything can happen, a duplicate and its original get the same decision.
    let mut scenario = duplicates_world(5);
    scenario.population.rates.unsubscribed = 0.3;
    scenario.population.rates.marked_as_spam = 0.2;
    let world = World::generate(&scenario);
    let pairs: Vec<(u32, u32)> = world
        .contacts()
        .iter()
        .enumerate()
        .filter(|(c, contact)| contact.canonical != *c as u32)
        .map(|(c, contact)| (contact.canonical, c as u32))
        .collect();
    assert!(pairs.len() > 50, "{} pairs", pairs.len());
    // Each pair tried by a user without an eligible seat (user 3, Starter): nothing is sent,
    // and with the seat check last every address fact shows first.
    let mut order: Vec<RejectionCode> = RejectionCode::ALL
        .into_iter()
        .filter(|&c| c != RejectionCode::SeatNotEligible)
        .collect();
    order.push(RejectionCode::SeatNotEligible);
    scenario.rules = RuleSet::new(&order).unwrap();
    let plan: Vec<Attempt> = pairs
        .iter()
        .enumerate()
        .flat_map(|(i, &(a, b))| {
            let t = HOUR + 2 * i as u32;
            [common::attempt(t, 3, a), common::attempt(t + 1, 3, b)]
        })
        .collect();
    let result = common::audited(&scenario, world, plan);
    let d = decisions(&result);
    let mut blocked = 0;
    for pair in d.chunks(2) {
        assert_eq!(
            pair[0].1, pair[1].1,
            "contacts {} and {}",
            pair[0].0, pair[1].0
        );
        blocked += usize::from(pair[0].1 != Decision::Rejected(RejectionCode::SeatNotEligible));
    }
    // About half the addresses (1 - 0.7 * 0.8 per record, two records) carry a fact.
    assert!(
        blocked > pairs.len() / 4,
        "{blocked} of {} pairs blocked",
        pairs.len()
    );
}

#[test]
fn globally_means_another_account_saw_the_bounce() {
    // Two portals; every person's mailbox is dead. Users 0, 2, 4, 6 are in portal 0 (user 0:
    // Workspace, Professional), users 1, 3, 5 in portal 1 (user 3: free Gmail, Starter, who can
    // enroll no one, so its attempts send nothing). GLOBALLY is checked first, then BOUNCED.
    let mut scenario = common::quiet(6, 400);
    scenario.population.portals = 2;
    scenario.population.shared_persons = 0.5;
    scenario.population.rates.invalid_address = 1.0;
    scenario.disconnections.per_inbox_day = 0.0;
    let mut order = vec![
        RejectionCode::MissingEmailAddress,
        RejectionCode::RecipientPreviouslyBouncedGlobally,
        RejectionCode::Bounced,
    ];
    let first = order.clone();
    order.extend(
        RejectionCode::ALL
            .into_iter()
            .filter(|c| !first.contains(c)),
    );
    scenario.rules = RuleSet::new(&order).unwrap();
    let world = World::generate(&scenario);
    // A record `mine` in portal 0 whose person is the home person of `theirs` in portal 1.
    let (mine, theirs) = world
        .contacts_of(0)
        .map(|c| (c, world.contacts()[c as usize].person))
        .find(|&(_, p)| world.portal_of(p) == 1 && world.contacts()[p as usize].person == p)
        .expect("a person shared across the portals");
    let plan = vec![
        common::attempt(10 * HOUR, 0, mine), // enrolled; step 1 bounces at once
        common::attempt(11 * HOUR, 0, mine), // own portal's bounce: BOUNCED, never GLOBALLY
        common::attempt(12 * HOUR, 3, theirs), // the list is refreshed at midnight: not yet
        common::attempt(DAY + 12 * HOUR, 3, theirs), // after the merge: GLOBALLY
        common::attempt(DAY + 13 * HOUR, 0, mine), // still BOUNCED in the bouncing portal
    ];
    let result = common::audited(&scenario, world, plan);
    // The audit lists portal 0's attempts, then portal 1's.
    assert_eq!(
        decisions(&result),
        [
            (mine, Decision::Enrolled),
            (mine, Decision::Rejected(RejectionCode::Bounced)),
            (mine, Decision::Rejected(RejectionCode::Bounced)),
            (theirs, Decision::Rejected(RejectionCode::SeatNotEligible)),
            (
                theirs,
                Decision::Rejected(RejectionCode::RecipientPreviouslyBouncedGlobally)
            ),
        ]
    );
}

#[test]
fn an_exhausted_soft_bounce_stays_off_the_global_list() {
    // As above, but every mailbox is alive and answers 452 4.2.2, with no retries: the record
    // in portal 0 ends BOUNCED and is BOUNCED in its portal, but the mailbox is not known to be
    // dead, so the person never joins the global list (domain §4.3): portal 1's record of the
    // same person is enrolled the next day, by a user who may enroll.
    let mut scenario = common::quiet(6, 400);
    scenario.population.portals = 2;
    scenario.population.shared_persons = 0.5;
    scenario.disconnections.per_inbox_day = 0.0;
    scenario.sending.soft_bounce_retries = 0;
    for p in &mut scenario.population.mailbox_providers {
        p.soft_bounce = 1.0;
    }
    let world = World::generate(&scenario);
    let (mine, theirs) = world
        .contacts_of(0)
        .map(|c| (c, world.contacts()[c as usize].person))
        .find(|&(_, p)| world.portal_of(p) == 1 && world.contacts()[p as usize].person == p)
        .expect("a person shared across the portals");
    // Users 0 (portal 0) and 1 (portal 1) are Workspace, Professional.
    let plan = vec![
        common::attempt(10 * HOUR, 0, mine),
        common::attempt(11 * HOUR, 0, mine),
        common::attempt(DAY + 12 * HOUR, 1, theirs),
    ];
    let result = common::audited(&scenario, world, plan);
    assert_eq!(
        decisions(&result),
        [
            (mine, Decision::Enrolled),
            (mine, Decision::Rejected(RejectionCode::Bounced)),
            (theirs, Decision::Enrolled),
        ]
    );
}

#[test]
fn every_portal_s_bounces_reach_the_global_list() {
    // The mirror of `globally_means_another_account_saw_the_bounce`: the bounce is seen in
    // portal 1 (user 1: Workspace, Professional) and the other record is in portal 0 (user 0),
    // so the daily merge must take portal 1's bounces too.
    let mut scenario = common::quiet(6, 400);
    scenario.population.portals = 2;
    scenario.population.shared_persons = 0.5;
    scenario.population.rates.invalid_address = 1.0;
    scenario.disconnections.per_inbox_day = 0.0;
    let world = World::generate(&scenario);
    let (mine, theirs) = world
        .contacts_of(1)
        .map(|c| (c, world.contacts()[c as usize].person))
        .find(|&(_, p)| world.portal_of(p) == 0 && world.contacts()[p as usize].person == p)
        .expect("a person shared across the portals");
    let plan = vec![
        common::attempt(10 * HOUR, 1, mine),
        common::attempt(DAY + 12 * HOUR, 0, theirs),
    ];
    let result = common::audited(&scenario, world, plan);
    // Portal 0's attempts first. GLOBALLY is the only check that holds for `theirs`.
    assert_eq!(
        decisions(&result),
        [
            (
                theirs,
                Decision::Rejected(RejectionCode::RecipientPreviouslyBouncedGlobally)
            ),
            (mine, Decision::Enrolled),
        ]
    );
}
