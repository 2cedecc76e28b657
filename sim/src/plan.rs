//! The enrollment plan: which user tries to enroll which contact, when, and from where.

use rayon::prelude::*;

use crate::rng::{Stream, StreamKind};
use crate::scenario::{Scenario, Source};
use crate::time::{SimTime, SECONDS_PER_DAY, SECONDS_PER_HOUR};
use crate::world::{group_by_key, World};

/// One enrollment attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// When the user enrolls the contact.
    pub time: SimTime,
    /// The enrolling user.
    pub user: u32,
    /// The contact.
    pub contact: u32,
    /// Where the enrollment is made.
    pub source: Source,
    /// The contact's place in its bulk enrollment (0 outside bulks): bulk first steps are paced.
    pub bulk_position: u8,
}

/// What `build` fills every attempt over.
const PLACEHOLDER: Attempt = Attempt {
    time: 0,
    user: 0,
    contact: 0,
    source: Source::CrmSingle,
    bulk_position: 0,
};

/// Builds the plan of `scenario` over `world`, ordered by time; attempts at the same second keep
/// the order of user id, then of the user's list, so the order is reproducible.
///
/// Each contact is, with probability `coverage`, enrolled by a user of its portal drawn
/// uniformly, and with probability `second_enrollment` also by a second one (overlapping
/// lists: the second attempt meets ALREADY_ENROLLED while the first enrollment is active).
/// Each user then works through their list in enrollment actions: a CRM bulk takes up to
/// `bulk_size_max` contacts at one moment, a CRM single or a Gmail-extension enrollment one.
/// The Gmail extension needs a Google inbox: other users make a CRM single enrollment instead.
pub fn build(scenario: &Scenario, world: &World) -> Vec<Attempt> {
    let plan = &scenario.plan;
    let seed = scenario.seed;

    // Who enrolls whom: (user, contact) pairs in contact order, portals in parallel.
    let pairs: Vec<(u32, u32)> = (0..world.portals())
        .into_par_iter()
        .flat_map_iter(|portal| {
            let users = world.users_of(portal);
            world
                .contacts_of(portal)
                .flat_map(move |c| assign(seed, plan, users, c).into_iter().flatten())
        })
        .collect();
    let (starts, lists) = group_by_key(world.users().len(), pairs.iter().copied());
    drop(pairs);

    let days = scenario.calendar.business_days(plan.business_days);
    let weights = plan.sources.weights();

    // One attempt per pair: each user's attempts fill the span of its list, users in parallel.
    let mut attempts = vec![PLACEHOLDER; lists.len()];
    let mut spans: Vec<(usize, &mut [Attempt])> = Vec::with_capacity(starts.len());
    let mut rest = attempts.as_mut_slice();
    for user in 0..world.users().len() {
        let (span, tail) = rest.split_at_mut((starts[user + 1] - starts[user]) as usize);
        spans.push((user, span));
        rest = tail;
    }
    spans.into_par_iter().for_each(|(user, span)| {
        let list = &lists[starts[user] as usize..starts[user + 1] as usize];
        user_actions(seed, plan, world, user, list, &days, &weights, span);
    });
    // Stable: ties keep user order, then list order. A radix sort on the time (a `u32`) is
    // linear; the merge sort it replaced cost 5% of a one-portal run.
    radsort::sort_by_key(&mut attempts, |a| a.time);
    assert_plan(seed, world, &attempts);
    attempts
}

/// What the engine relies on: the plan is time-ordered, within the working days, and every
/// attempt's user works in its contact's portal.
fn assert_plan(seed: u64, world: &World, attempts: &[Attempt]) {
    assert!(
        attempts.windows(2).all(|w| w[0].time <= w[1].time),
        "seed {seed}: the plan is time-ordered"
    );
    for a in attempts {
        let user = &world.users()[a.user as usize];
        assert_eq!(
            user.portal,
            world.portal_of(a.contact),
            "seed {seed}: user {} enrolls contact {} of another portal",
            a.user,
            a.contact
        );
        assert!(usize::from(a.bulk_position) < crate::scenario::MAX_BULK_SIZE as usize);
    }
}

/// The users who enroll contact `c`: with probability `coverage` one drawn among `users`, and
/// with probability `second_enrollment` a second one.
fn assign(
    seed: u64,
    plan: &crate::scenario::Plan,
    users: &[u32],
    c: u32,
) -> [Option<(u32, u32)>; 2] {
    let mut s = Stream::new(seed, StreamKind::Assignment, c.into());
    let covered = s.chance(plan.coverage);
    let owner_draw = s.below(users.len().max(1) as u32);
    let second = s.chance(plan.second_enrollment);
    let other_draw = s.below(users.len().saturating_sub(1).max(1) as u32);
    if !covered || users.is_empty() {
        return [None, None];
    }
    let owner = users[owner_draw as usize];
    if !second {
        return [Some((owner, c)), None];
    }
    // Any user but the owner; the owner again if they are alone in the portal.
    let other = if users.len() == 1 {
        owner
    } else {
        let i = other_draw as usize;
        users[if i < owner_draw as usize { i } else { i + 1 }]
    };
    [Some((owner, c)), Some((other, c))]
}

/// User `user`'s enrollment actions over `list`, its contacts in order: one attempt per
/// contact, written to `out`.
#[allow(clippy::too_many_arguments)] // The plan's inputs, each read here; a struct would only name them again.
fn user_actions(
    seed: u64,
    plan: &crate::scenario::Plan,
    world: &World,
    user: usize,
    list: &[u32],
    days: &[u32],
    weights: &[f64],
    out: &mut [Attempt],
) {
    assert_eq!(out.len(), list.len(), "seed {seed}: one attempt per contact");
    let (hour_from, hour_to) = plan.working_hours;
    let day_seconds = (hour_to - hour_from) * SECONDS_PER_HOUR;
    let google = world.users()[user].inbox.is_some_and(|p| p.is_google());
    let mut s = Stream::new(seed, StreamKind::UserPlan, user as u64);
    let mut written = 0;
    let mut rest = list;
    while !rest.is_empty() {
        let mut source = Source::ALL[s.pick(weights)];
        if source == Source::GmailExtension && !google {
            source = Source::CrmSingle;
        }
        let bulk = 1 + s.below(plan.bulk_size_max);
        let day = days[s.below(days.len() as u32) as usize];
        let time = day * SECONDS_PER_DAY + hour_from * SECONDS_PER_HOUR + s.below(day_seconds);
        let take = match source {
            Source::CrmBulk => (bulk as usize).min(rest.len()),
            _ => 1,
        };
        for (position, &contact) in rest[..take].iter().enumerate() {
            out[written] = Attempt {
                time,
                user: user as u32,
                contact,
                source,
                bulk_position: position as u8,
            };
            written += 1;
        }
        rest = &rest[take..];
    }
    assert_eq!(written, out.len(), "seed {seed}: one attempt per contact");
}
