//! The plan built portal by portal (what the engine runs) is the whole plan restricted to each
//! portal, in the whole plan's order; and the whole plan's order is time, then user, then the
//! user's list.

mod common;

use sim::{plan, World};

#[test]
fn each_portals_plan_is_the_whole_plan_restricted_to_it() {
    for (seed, contacts, portals) in [(1, 2_000, 1), (2, 3_000, 3), (3, 5_000, 7), (4, 600, 12)] {
        let scenario = common::scenario(seed, contacts, portals, 0.1);
        let world = World::generate(&scenario);
        let whole = plan::build(&scenario, &world);
        let by_portal = plan::build_by_portal(&scenario, &world);
        assert_eq!(by_portal.len(), portals as usize);
        assert_eq!(by_portal.iter().map(Vec::len).sum::<usize>(), whole.len());
        for (p, plan) in by_portal.iter().enumerate() {
            let restricted: Vec<_> = (whole.iter())
                .filter(|a| world.portal_of(a.contact) == p as u32)
                .copied()
                .collect();
            assert_eq!(plan, &restricted, "seed {seed}, portal {p}");
        }
    }
}

#[test]
fn the_whole_plan_orders_ties_by_user_then_list() {
    let mut scenario = common::scenario(5, 4_000, 2, 0.1);
    // Bulks put many attempts at one moment: ties are common.
    scenario.plan.sources.crm_single = 0.2;
    scenario.plan.sources.crm_bulk = 0.8;
    scenario.plan.sources.gmail_extension = 0.0;
    let world = World::generate(&scenario);
    let whole = plan::build(&scenario, &world);
    let mut ties = 0;
    for w in whole.windows(2) {
        assert!(w[0].time <= w[1].time);
        if w[0].time == w[1].time {
            ties += 1;
            assert!(w[0].user <= w[1].user, "{:?} before {:?}", w[0], w[1]);
            if w[0].user == w[1].user {
                // One bulk: positions count up along the user's list.
                assert_eq!(w[0].bulk_position + 1, w[1].bulk_position);
            }
        }
    }
    assert!(ties > 100, "{ties} ties: the case is exercised");
}

#[test]
fn only_the_gmail_extension_needs_a_google_inbox() {
    let scenario = common::scenario(6, 4_000, 1, 0.1);
    let world = World::generate(&scenario);
    let google = |user: u32| {
        world.users()[user as usize]
            .inbox
            .is_some_and(|p| p.is_google())
    };
    let whole = plan::build(&scenario, &world);
    let count = |is_google: bool, source: sim::Source| {
        (whole.iter())
            .filter(|a| google(a.user) == is_google && a.source == source)
            .count()
    };
    // Users without a Google inbox make CRM singles in the extension's place, and their bulks
    // as everyone does.
    assert_eq!(count(false, sim::Source::GmailExtension), 0);
    assert!(count(false, sim::Source::CrmBulk) > 1_000);
    assert!(count(false, sim::Source::CrmSingle) > 50);
    assert!(count(true, sim::Source::GmailExtension) > 20);
}

/// Who enrolls whom, worked out from the documented assignment stream of each contact
/// (`rng`: seed, `StreamKind::Assignment`, the contact's id; draws: covered, owner, second,
/// other): the plan holds exactly those (user, contact) attempts, portal by portal. The owner
/// is drawn among the portal's users in id order, the other among the rest.
#[test]
fn each_contact_is_enrolled_by_the_users_its_stream_draws() {
    use sim::rng::{Stream, StreamKind};
    let scenario = common::scenario(8, 3_000, 3, 0.1);
    let world = World::generate(&scenario);
    let mut expected: Vec<(u32, u32)> = Vec::new();
    for portal in 0..world.portals() {
        let users = world.users_of(portal);
        for c in world.contacts_of(portal) {
            let mut s = Stream::new(scenario.seed, StreamKind::Assignment, c.into());
            let covered = s.chance(scenario.plan.coverage);
            let owner = s.below(users.len() as u32) as usize;
            let second = s.chance(scenario.plan.second_enrollment);
            let other = s.below(users.len() as u32 - 1) as usize;
            if !covered {
                continue;
            }
            expected.push((users[owner], c));
            if second {
                let other = if other < owner { other } else { other + 1 };
                expected.push((users[other], c));
            }
        }
    }
    let mut planned: Vec<(u32, u32)> = (plan::build_by_portal(&scenario, &world).iter())
        .flatten()
        .map(|a| (a.user, a.contact))
        .collect();
    expected.sort_unstable();
    planned.sort_unstable();
    assert!(expected.len() > 3_000, "second enrollments are exercised");
    assert_eq!(planned, expected);
}
