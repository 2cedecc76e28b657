//! The enrollment plan: which user tries to enroll which contact, when, and from where.

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

    // Who enrolls whom: (user, contact) pairs in contact order.
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (portal, range) in world.portal_starts.windows(2).enumerate() {
        let users = world.users_of(portal as u32);
        for c in range[0]..range[1] {
            let mut s = Stream::new(seed, StreamKind::Assignment, c.into());
            let covered = s.chance(plan.coverage);
            let owner_draw = s.below(users.len().max(1) as u32);
            let second = s.chance(plan.second_enrollment);
            let other_draw = s.below(users.len().saturating_sub(1).max(1) as u32);
            if !covered || users.is_empty() {
                continue;
            }
            let owner = users[owner_draw as usize];
            pairs.push((owner, c));
            if second {
                // Any user but the owner; the owner again if they are alone in the portal.
                let other = if users.len() == 1 {
                    owner
                } else {
                    let i = other_draw as usize;
                    let owner_at = owner_draw as usize;
                    users[if i < owner_at { i } else { i + 1 }]
                };
                pairs.push((other, c));
            }
        }
    }
    let (starts, lists) = group_by_key(world.users.len(), pairs.iter().copied());
    drop(pairs);

    let days = scenario.calendar.business_days(plan.business_days);
    let (hour_from, hour_to) = plan.working_hours;
    let day_seconds = (hour_to - hour_from) * SECONDS_PER_HOUR;
    let weights = plan.sources.weights();

    let mut attempts = Vec::with_capacity(lists.len());
    for user in 0..world.users.len() {
        let list = &lists[starts[user] as usize..starts[user + 1] as usize];
        let mut s = Stream::new(seed, StreamKind::UserPlan, user as u64);
        let mut rest = list;
        while !rest.is_empty() {
            let mut source = Source::ALL[s.pick(&weights)];
            let google = world.users[user].inbox.is_some_and(|p| p.is_google());
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
                attempts.push(Attempt {
                    time,
                    user: user as u32,
                    contact,
                    source,
                    bulk_position: position as u8,
                });
            }
            rest = &rest[take..];
        }
    }
    // Stable: ties keep user order, then list order.
    attempts.sort_by_key(|a| a.time);
    attempts
}
