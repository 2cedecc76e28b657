//! The generated population matches the configured probabilities.
//!
//! Each rate is checked on a world of 200,000 contacts against a bound of five binomial
//! standard deviations (sqrt(n p (1 - p)) for n trials), so a correct generator fails with
//! probability below one in a million per check; the seed is fixed, so the test is
//! deterministic, and a generator that is off by a little more than the bound fails.

mod common;

use model::{AddressFlags, ContactFlags};
use sim::World;

const CONTACTS: u32 = 200_000;

/// Asserts `hits` of `trials` is within five standard deviations of probability `p`.
fn assert_rate(what: &str, hits: usize, trials: usize, p: f64) {
    let n = trials as f64;
    let sd = (n * p * (1.0 - p)).sqrt();
    let expected = n * p;
    let bound = 5.0 * sd.max(1.0);
    assert!(
        (hits as f64 - expected).abs() <= bound,
        "{what}: {hits} of {trials}, expected {expected:.0} ± {bound:.0}"
    );
}

/// A population with a rate for every initial state, 4 portals, two subscription types.
fn configured_scenario() -> sim::Scenario {
    let mut scenario = common::scenario(77, CONTACTS, 4, 0.0);
    let r = &mut scenario.population.rates;
    r.missing_email = 0.02;
    r.invalid_address = 0.1;
    r.blocked_address = 0.01;
    r.blocked_domain = 0.0;
    r.bounced_globally_if_invalid = 0.5;
    r.bounced_globally_if_valid = 0.01;
    r.bounced_if_invalid = 0.4;
    r.bounced_if_valid = 0.003;
    r.bounced_on_portal_if_invalid = 0.25;
    r.bounced_on_portal_if_valid = 0.002;
    r.marked_as_spam = 0.005;
    r.unsubscribed = 0.07;
    r.cannot_communicate = 0.015;
    r.already_enrolled = 0.04;
    r.other_send_rejected = 0.006;
    scenario.population.subscription_types[0].unsubscribed_personal = 0.03;
    scenario.population.subscription_types[1].unsubscribed_personal = 0.05;
    scenario.population.shared_persons = 0.1;
    scenario
}

#[test]
fn record_and_person_rates_match_configured_probabilities() {
    let scenario = configured_scenario();
    let r = scenario.population.rates.clone();
    let world = World::generate(&scenario);

    let n = world.contacts().len();
    let count = |f: &dyn Fn(usize) -> bool| (0..n).filter(|&i| f(i)).count();
    let flag = |i: usize, f: ContactFlags| world.contacts()[i].flags.contains(f);
    let missing = |i: usize| flag(i, ContactFlags::MISSING_EMAIL);

    assert_rate("missing_email", count(&|i| missing(i)), n, r.missing_email);
    assert_rate(
        "cannot_communicate",
        count(&|i| flag(i, ContactFlags::CANNOT_COMMUNICATE)),
        n,
        r.cannot_communicate,
    );

    // Person-level rates over the persons' own draws.
    let persons = world.persons();
    let invalid = persons.iter().filter(|p| p.invalid).count();
    assert_rate("invalid_address", invalid, persons.len(), r.invalid_address);
    let blocked = persons
        .iter()
        .filter(|p| p.address.contains(AddressFlags::BLOCKED_ADDRESS))
        .count();
    assert_rate("blocked_address", blocked, persons.len(), r.blocked_address);
    let global = |inv: bool| {
        persons
            .iter()
            .filter(|p| p.invalid == inv && p.address.contains(AddressFlags::BOUNCED_GLOBALLY))
            .count()
    };
    assert_rate(
        "bounced_globally_if_invalid",
        global(true),
        invalid,
        r.bounced_globally_if_invalid,
    );
    assert_rate(
        "bounced_globally_if_valid",
        global(false),
        persons.len() - invalid,
        r.bounced_globally_if_valid,
    );
}

#[test]
fn contact_rates_match_configured_probabilities() {
    let scenario = configured_scenario();
    let r = scenario.population.rates.clone();
    let types = scenario.population.subscription_types.clone();
    let world = World::generate(&scenario);
    let n = world.contacts().len();
    let flag = |i: usize, f: ContactFlags| world.contacts()[i].flags.contains(f);
    let missing = |i: usize| flag(i, ContactFlags::MISSING_EMAIL);
    // Contact-level rates among contacts with an address, conditional on their mailbox.
    let with_address: Vec<usize> = (0..n).filter(|&i| !missing(i)).collect();
    let m = with_address.len();
    let among = |f: &dyn Fn(usize) -> bool| with_address.iter().filter(|&&i| f(i)).count();
    assert_rate(
        "marked_as_spam",
        among(&|i| flag(i, ContactFlags::MARKED_AS_SPAM)),
        m,
        r.marked_as_spam,
    );
    assert_rate(
        "unsubscribed",
        among(&|i| flag(i, ContactFlags::UNSUBSCRIBED)),
        m,
        r.unsubscribed,
    );
    for (t, kind) in types.iter().enumerate() {
        assert_rate(
            "unsubscribed_personal",
            among(&|i| world.contacts()[i].opted_out & (1 << t) != 0),
            m,
            kind.unsubscribed_personal,
        );
    }
    assert_rate(
        "already_enrolled",
        among(&|i| world.enrolled_elsewhere(i as u32)),
        m,
        r.already_enrolled,
    );
    assert_rate(
        "other_send_rejected",
        among(&|i| world.contacts()[i].rejected_sequences != 0),
        m,
        r.other_send_rejected,
    );
    let shared = among(&|i| world.contacts()[i].person != i as u32);
    assert_rate(
        "shared_persons",
        shared,
        m,
        scenario.population.shared_persons,
    );
    for i in &with_address {
        let person = world.contacts()[*i].person;
        if person != *i as u32 {
            assert_ne!(
                world.portal_of(person),
                world.portal_of(*i as u32),
                "shared across portals"
            );
        }
    }
}

#[test]
fn bounce_rates_match_configured_probabilities_given_the_mailbox() {
    let scenario = configured_scenario();
    let r = scenario.population.rates.clone();
    let world = World::generate(&scenario);
    let n = world.contacts().len();
    let flag = |i: usize, f: ContactFlags| world.contacts()[i].flags.contains(f);
    let with_address: Vec<usize> = (0..n)
        .filter(|&i| !flag(i, ContactFlags::MISSING_EMAIL))
        .collect();
    let m = with_address.len();
    let among = |f: &dyn Fn(usize) -> bool| with_address.iter().filter(|&&i| f(i)).count();
    let is_invalid = |i: usize| world.persons()[world.contacts()[i].person as usize].invalid;
    let invalid_contacts = among(&|i| is_invalid(i));
    let valid_contacts = m - invalid_contacts;
    assert_rate(
        "bounced_if_invalid",
        among(&|i| is_invalid(i) && flag(i, ContactFlags::BOUNCED)),
        invalid_contacts,
        r.bounced_if_invalid,
    );
    assert_rate(
        "bounced_if_valid",
        among(&|i| !is_invalid(i) && flag(i, ContactFlags::BOUNCED)),
        valid_contacts,
        r.bounced_if_valid,
    );
    assert_rate(
        "bounced_on_portal_if_invalid",
        among(&|i| is_invalid(i) && flag(i, ContactFlags::BOUNCED_ON_PORTAL)),
        invalid_contacts,
        r.bounced_on_portal_if_invalid,
    );
    assert_rate(
        "bounced_on_portal_if_valid",
        among(&|i| !is_invalid(i) && flag(i, ContactFlags::BOUNCED_ON_PORTAL)),
        valid_contacts,
        r.bounced_on_portal_if_valid,
    );
}

#[test]
fn blocked_domains_block_every_address_on_them() {
    let mut scenario = common::scenario(5, 50_000, 2, 0.0);
    scenario.population.domains = 2_000;
    scenario.population.rates.blocked_domain = 0.05;
    let world = World::generate(&scenario);
    let mut blocked_domains = std::collections::BTreeSet::new();
    for p in world.persons() {
        if p.address.contains(AddressFlags::BLOCKED_DOMAIN) {
            blocked_domains.insert(p.domain);
        }
    }
    assert_rate("blocked_domain", blocked_domains.len(), 2_000, 0.05);
    for p in world.persons() {
        assert_eq!(
            p.address.contains(AddressFlags::BLOCKED_DOMAIN),
            blocked_domains.contains(&p.domain)
        );
    }
}

#[test]
fn the_plan_follows_coverage_and_second_enrollment() {
    let mut scenario = common::scenario(9, 100_000, 2, 0.0);
    scenario.plan.coverage = 0.8;
    scenario.plan.second_enrollment = 0.25;
    let world = World::generate(&scenario);
    let attempts = sim::plan::build(&scenario, &world);
    let mut per_contact = vec![0u8; world.contacts().len()];
    for a in &attempts {
        per_contact[a.contact as usize] += 1;
        assert_eq!(
            world.users()[a.user as usize].portal,
            world.portal_of(a.contact),
            "same portal"
        );
        assert!(
            a.time % 86_400 >= 9 * 3_600 && a.time % 86_400 < 17 * 3_600,
            "working hours"
        );
    }
    let n = per_contact.len();
    let covered = per_contact.iter().filter(|&&k| k > 0).count();
    assert_rate("coverage", covered, n, 0.8);
    let twice = per_contact.iter().filter(|&&k| k == 2).count();
    assert_rate("second_enrollment", twice, covered, 0.25);
    assert!(per_contact.iter().all(|&k| k <= 2));
}
