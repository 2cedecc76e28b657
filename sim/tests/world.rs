//! The generated world and plan, checked against hand-computed layouts and simple recounts.

mod common;

use std::collections::BTreeMap;

use model::{ContactFlags, InboxProvider};
use sim::{plan, Outage, Source, World};

#[test]
fn portals_split_contacts_evenly_and_contiguously() {
    let world = World::generate(&common::scenario(1, 10, 3, 0.1));
    assert_eq!(world.portals(), 3);
    // 10 * p / 3 for p = 0..=3: 0, 3, 6, 10.
    assert_eq!(world.contacts_of(0), 0..3);
    assert_eq!(world.contacts_of(1), 3..6);
    assert_eq!(world.contacts_of(2), 6..10);
    let portals: Vec<u32> = (0..10).map(|c| world.portal_of(c)).collect();
    assert_eq!(portals, [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
}

#[test]
fn users_are_dealt_round_robin_over_the_portals() {
    // The test scenario has 3 + 1 + 1 + 2 = 7 users, none pinned to a portal.
    let world = World::generate(&common::scenario(1, 90, 3, 0.1));
    assert_eq!(world.users().len(), 7);
    assert_eq!(world.users_of(0), [0, 3, 6]);
    assert_eq!(world.users_of(1), [1, 4]);
    assert_eq!(world.users_of(2), [2, 5]);
    for (u, user) in world.users().iter().enumerate() {
        assert_eq!(user.portal, u as u32 % 3);
    }
}

#[test]
fn duplicates_share_their_original_person_within_the_portal() {
    let mut scenario = common::scenario(5, 2_000, 4, 0.1);
    scenario.population.duplicate_contacts = 0.3;
    let world = World::generate(&scenario);
    let mut duplicates = 0;
    for (c, contact) in world.contacts().iter().enumerate() {
        let c = c as u32;
        if contact.canonical != c {
            duplicates += 1;
            let original = world.contacts()[contact.canonical as usize];
            assert!(contact.canonical < c);
            assert_eq!(world.portal_of(contact.canonical), world.portal_of(c));
            assert_eq!(original.person, contact.person, "contact {c}");
            assert_eq!(
                original.canonical, contact.canonical,
                "canonical of canonical"
            );
        }
    }
    // About 30% of records (less the first of each portal and those without an address).
    assert!((450..=750).contains(&duplicates), "{duplicates} duplicates");
}

#[test]
fn outages_and_drops_merge_into_disjoint_spans() {
    let mut scenario = common::scenario(3, 100, 1, 0.0);
    scenario.disconnections.per_inbox_day = 0.0;
    let hour = 3_600;
    scenario.disconnections.outages = vec![
        Outage {
            start: 10 * hour,
            duration: 4 * hour,
            inbox: None,
        },
        Outage {
            start: 12 * hour,
            duration: 4 * hour,
            inbox: Some(InboxProvider::GoogleWorkspace),
        },
        Outage {
            start: 30 * hour,
            duration: hour,
            inbox: Some(InboxProvider::Gmail),
        },
    ];
    let world = World::generate(&scenario);
    for user in world.users() {
        let expected = match user.inbox {
            None => vec![],
            Some(InboxProvider::GoogleWorkspace) => vec![(10 * hour, 16 * hour)],
            Some(InboxProvider::Gmail) => vec![(10 * hour, 14 * hour), (30 * hour, 31 * hour)],
            Some(_) => vec![(10 * hour, 14 * hour)],
        };
        assert_eq!(user.disconnected, expected, "{:?}", user.inbox);
    }
}

#[test]
fn the_plan_enrolls_each_contact_at_most_twice_by_users_of_its_portal() {
    let scenario = common::scenario(9, 3_000, 3, 0.1);
    let world = World::generate(&scenario);
    let attempts = plan::build(&scenario, &world);
    let mut per_contact: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for a in &attempts {
        per_contact.entry(a.contact).or_default().push(a.user);
        assert_eq!(
            world.users()[a.user as usize].portal,
            world.portal_of(a.contact)
        );
        if a.source == Source::GmailExtension {
            assert!(world.users()[a.user as usize]
                .inbox
                .is_some_and(|p| p.is_google()));
        }
        if a.source != Source::CrmBulk {
            assert_eq!(a.bulk_position, 0);
        }
    }
    let twice = per_contact
        .values()
        .filter(|users| users.len() == 2)
        .count();
    for users in per_contact.values() {
        assert!(users.len() <= 2);
        if users.len() == 2 {
            assert_ne!(users[0], users[1], "portals here have more than one user");
        }
    }
    // coverage 0.9, second enrollment 0.3: about 2,700 contacts, 810 of them twice.
    let covered = per_contact.len();
    assert!((2_600..=2_800).contains(&covered), "{covered} covered");
    assert!((700..=920).contains(&twice), "{twice} twice");
    assert!(attempts.windows(2).all(|w| w[0].time <= w[1].time));
}

#[test]
fn bulk_enrollments_share_a_moment_and_count_their_positions() {
    let mut scenario = common::scenario(4, 2_000, 1, 0.1);
    scenario.plan.sources.crm_single = 0.0;
    scenario.plan.sources.crm_bulk = 1.0;
    scenario.plan.sources.gmail_extension = 0.0;
    let world = World::generate(&scenario);
    let attempts = plan::build(&scenario, &world);
    // Within each user's list, a bulk starts at position 0 and counts up at one moment.
    let mut last: BTreeMap<u32, (u32, u8)> = BTreeMap::new();
    for a in attempts.iter().filter(|a| a.source == Source::CrmBulk) {
        if a.bulk_position > 0 {
            let (time, position) = last[&a.user];
            assert_eq!((time, position + 1), (a.time, a.bulk_position));
        }
        last.insert(a.user, (a.time, a.bulk_position));
        assert!(u32::from(a.bulk_position) < scenario.plan.bulk_size_max);
    }
    assert!(attempts.iter().any(|a| a.bulk_position > 10));
}

#[test]
fn an_inbox_drops_once_a_day_for_the_drawn_time() {
    // Every inbox drops every day, for exactly two hours (reconnect_hours (2, 2)), starting at
    // a moment drawn in that day; no outage. Spans that overlap merge, so each span starts on
    // its own day, lasts two hours past the start of its last drop, and the drops of all 30
    // days are accounted for.
    let mut scenario = common::scenario(7, 100, 1, 0.0);
    scenario.disconnections.per_inbox_day = 1.0;
    scenario.disconnections.reconnect_hours = (2, 2);
    scenario.disconnections.outages.clear();
    let (day, two_hours) = (86_400, 7_200);
    let world = World::generate(&scenario);
    for user in world.users().iter().filter(|u| u.inbox.is_some()) {
        let spans = &user.disconnected;
        let mut drops = 0;
        for (i, &(start, end)) in spans.iter().enumerate() {
            // A span of k merged drops starts with the first, on day d, and ends two hours after
            // the start of the last, on day d + k - 1 (a drop overlaps only the next day's).
            let days = (end - two_hours) / day - start / day + 1;
            assert!(end - start >= two_hours, "span {i}: {start}..{end}");
            assert!(
                end - start < days * day + two_hours,
                "span {i}: {start}..{end}"
            );
            if days == 1 {
                assert_eq!(end - start, two_hours, "span {i}: one drop");
            }
            if let Some(&(next, _)) = spans.get(i + 1) {
                assert!(next > end && next / day > start / day, "disjoint, in order");
            }
            drops += days;
        }
        assert_eq!(drops, 30, "one drop a day: {spans:?}");
        assert!(spans.iter().filter(|s| s.1 - s.0 == two_hours).count() >= 20);
    }
    let no_inbox: Vec<_> = world.users().iter().filter(|u| u.inbox.is_none()).collect();
    assert!(!no_inbox.is_empty() && no_inbox.iter().all(|u| u.disconnected.is_empty()));
}

#[test]
fn outages_that_touch_merge_into_one_span() {
    let mut scenario = common::scenario(3, 100, 1, 0.0);
    scenario.disconnections.per_inbox_day = 0.0;
    let outage = |start, duration| Outage {
        start,
        duration,
        inbox: None,
    };
    scenario.disconnections.outages = vec![outage(5_000, 1_000), outage(4_000, 1_000)];
    let world = World::generate(&scenario);
    let with_inbox = world.users().iter().filter(|u| u.inbox.is_some());
    for user in with_inbox {
        assert_eq!(user.disconnected, [(4_000, 6_000)]);
    }
}

#[test]
fn a_shared_person_is_another_portal_s_home_person() {
    // 20 contacts in 10 portals of 2, every record shared and no duplicates: each record's
    // person is the home person (the contact of the same id) of a record outside its portal.
    // Over 100 seeds every other portal's persons are met. Without sharing, each record has
    // its own home person.
    let mut met = BTreeMap::new();
    let mut shared_pairs = 0;
    for seed in 0..100 {
        let mut scenario = common::scenario(seed, 20, 10, 0.0);
        scenario.population.shared_persons = 1.0;
        let world = World::generate(&scenario);
        for (c, contact) in (0..20).zip(world.contacts()) {
            assert_ne!(
                world.portal_of(contact.person),
                world.portal_of(c),
                "seed {seed}: contact {c}'s person"
            );
            *met.entry((c / 2, contact.person)).or_insert(0) += 1;
        }
        // Two records of one shared person in a portal are two records of one address: the
        // second's canonical record is the first.
        for first in (0..20).step_by(2) {
            let [a, b] = [first, first + 1].map(|c| world.contacts()[c as usize]);
            assert_eq!(a.canonical, first, "seed {seed}");
            let same = a.person == b.person;
            assert_eq!(
                b.canonical,
                if same { first } else { first + 1 },
                "seed {seed}"
            );
            shared_pairs += usize::from(same);
        }
        scenario.population.shared_persons = 0.0;
        let world = World::generate(&scenario);
        let persons: Vec<u32> = world.contacts().iter().map(|c| c.person).collect();
        assert_eq!(persons, (0..20).collect::<Vec<_>>(), "seed {seed}");
    }
    // 10 portals, each meeting the 18 persons of the other 9 portals; a pair shares its
    // person once in 18, about 56 times in the 1,000 pairs.
    assert_eq!(met.len(), 10 * 18);
    assert!(
        (25..=90).contains(&shared_pairs),
        "{shared_pairs} pairs share a person"
    );
}

#[test]
fn an_address_s_facts_gather_on_its_canonical_record() {
    // Every record is unsubscribed, marked as spam and opted out of both subscription types,
    // and about half are duplicates: each address's facts are all on its canonical record,
    // none on the others.
    let mut scenario = common::scenario(8, 300, 2, 0.0);
    let pop = &mut scenario.population;
    pop.duplicate_contacts = 0.5;
    pop.rates.unsubscribed = 1.0;
    pop.rates.marked_as_spam = 1.0;
    for t in &mut pop.subscription_types {
        t.unsubscribed_personal = 1.0;
    }
    let world = World::generate(&scenario);
    let facts = ContactFlags::UNSUBSCRIBED | ContactFlags::MARKED_AS_SPAM;
    let mut duplicates = 0;
    for (c, contact) in (0..).zip(world.contacts()) {
        if contact.canonical == c {
            let address_facts = contact.flags & ContactFlags::ADDRESS_FACTS;
            assert_eq!(address_facts, facts, "contact {c}");
            assert_eq!(contact.opted_out, 0b11, "contact {c}");
        } else {
            duplicates += 1;
            assert!((contact.flags & facts).is_empty(), "contact {c}");
            assert_eq!(contact.opted_out, 0, "contact {c}");
        }
    }
    assert!(duplicates > 100, "{duplicates} duplicates");
}

#[test]
fn an_address_is_opted_out_of_a_type_if_any_of_its_records_is() {
    // Each record is drawn opted out of each type with probability 1/2; an address with k
    // records is opted out with probability 1 - 1/2^k: 3/4 and more for the canonical records
    // that have duplicates.
    let mut scenario = common::scenario(8, 2_000, 2, 0.0);
    scenario.population.duplicate_contacts = 0.5;
    for t in &mut scenario.population.subscription_types {
        t.unsubscribed_personal = 0.5;
    }
    let world = World::generate(&scenario);
    let mut records: BTreeMap<u32, u32> = BTreeMap::new();
    for contact in world.contacts() {
        *records.entry(contact.canonical).or_default() += 1;
    }
    let shared: Vec<u32> = (records.iter())
        .filter(|&(_, &k)| k > 1)
        .map(|(&c, _)| c)
        .collect();
    for bit in [0b01, 0b10] {
        let out = (shared.iter())
            .filter(|&&c| world.contacts()[c as usize].opted_out & bit != 0)
            .count();
        let share = out as f64 / shared.len() as f64;
        assert!(share > 0.7, "{out} of {} addresses opted out", shared.len());
    }
}

#[test]
fn an_inbox_stays_down_for_a_time_drawn_across_the_reconnect_hours() {
    // Drops every day, each down 1 to 3 hours: lengths fill the range. (Two 1-hour drops that
    // overlap make a span under 2 hours.)
    let mut scenario = common::scenario(7, 100, 1, 0.0);
    scenario.disconnections.per_inbox_day = 1.0;
    scenario.disconnections.reconnect_hours = (1, 3);
    scenario.disconnections.outages.clear();
    let world = World::generate(&scenario);
    let lengths: Vec<u32> = (world.users().iter())
        .flat_map(|u| u.disconnected.iter().map(|s| s.1 - s.0))
        .collect();
    assert!(lengths.iter().all(|&l| l >= 3_600));
    assert!(lengths.iter().any(|&l| l < 4_000));
    assert!(lengths.iter().any(|&l| (9_000..=10_800).contains(&l)));
}
