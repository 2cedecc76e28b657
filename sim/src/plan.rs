//! The enrollment plan: which user tries to enroll which contact, when, and from where.

use rayon::prelude::*;

use crate::rng::{Stream, StreamKind};
use crate::scenario::{Scenario, Source};
use crate::time::{SimTime, SECONDS_PER_DAY, SECONDS_PER_HOUR};
use crate::world::{group_by_key, spans_of, World};

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
    let lists = Lists::new(scenario, world);
    let attempts = lists.plan_of(
        scenario,
        world,
        &(0..world.users().len() as u32).collect::<Vec<_>>(),
    );
    assert_plan(scenario.seed, world, &attempts);
    attempts
}

/// The plan of `build`, portal by portal: each portal's attempts in the same order as in the
/// whole plan (a stable sort by time of attempts in user, then list order, restricted to the
/// portal's users, is the whole plan's order restricted to them). The engine runs portals
/// apart, and building their plans apart never holds the whole plan twice.
pub fn build_by_portal(scenario: &Scenario, world: &World) -> Vec<Vec<Attempt>> {
    let lists = Lists::new(scenario, world);
    (0..world.portals())
        .into_par_iter()
        .map(|portal| {
            let attempts = lists.plan_of(scenario, world, world.users_of(portal));
            assert_plan(scenario.seed, world, &attempts);
            attempts
        })
        .collect()
}

/// Who enrolls whom: each user's list of contacts, and the days and sources their actions
/// draw from.
struct Lists {
    /// Portal `p`'s lists: its user `u`, at place `l = user_local[u]` among the portal's
    /// users, has `portals[p].contacts[starts[l]..starts[l + 1]]`.
    portals: Vec<PortalLists>,
    days: Vec<u32>,
    weights: Vec<f64>,
}

/// The lists of one portal's users, by the users' places in the portal.
struct PortalLists {
    starts: Vec<u32>,
    contacts: Vec<u32>,
}

impl Lists {
    /// Portal by portal, in parallel: a user enrolls contacts of its own portal only, so a
    /// portal's (user, contact) pairs, in contact order, group into its users' lists alone
    /// (one list per user, in contact order, as grouping all pairs at once would give).
    fn new(scenario: &Scenario, world: &World) -> Self {
        let plan = &scenario.plan;
        let seed = scenario.seed;
        let portals = (0..world.portals())
            .into_par_iter()
            .map(|portal| {
                let users = world.users_of(portal);
                let local = world.user_local();
                let pairs: Vec<(u32, u32)> = (world.contacts_of(portal))
                    .flat_map(|c| assign(seed, plan, users, c).into_iter().flatten())
                    .map(|(user, c)| (local[user as usize], c))
                    .collect();
                let (starts, contacts) = group_by_key(users.len(), pairs.iter().copied());
                PortalLists { starts, contacts }
            })
            .collect();
        Self {
            portals,
            days: scenario.calendar.business_days(plan.business_days),
            weights: plan.sources.weights().to_vec(),
        }
    }

    fn list(&self, world: &World, user: u32) -> &[u32] {
        let u = user as usize;
        let lists = &self.portals[world.users()[u].portal as usize];
        let l = world.user_local()[u] as usize;
        &lists.contacts[lists.starts[l] as usize..lists.starts[l + 1] as usize]
    }

    /// The attempts of `users` (in increasing id order), stably sorted by time: ties keep
    /// user order, then list order. One attempt per listed contact: each user's attempts fill
    /// the span of its list, users in parallel; a radix sort on the time (a `u32`) is linear
    /// (the merge sort it replaced cost 5% of a one-portal run).
    fn plan_of(&self, scenario: &Scenario, world: &World, users: &[u32]) -> Vec<Attempt> {
        assert!(users.windows(2).all(|w| w[0] < w[1]), "users in id order");
        let len = users.iter().map(|&u| self.list(world, u).len()).sum();
        let mut attempts = vec![PLACEHOLDER; len];
        let lengths = users.iter().map(|&u| self.list(world, u).len());
        let spans = spans_of(&mut attempts, lengths);
        (users.par_iter().zip(spans)).for_each(|(&user, span)| {
            let (list, days, weights) = (self.list(world, user), &self.days, &self.weights);
            user_actions(scenario, world, user as usize, list, (days, weights), span);
        });
        radsort::sort_by_key(&mut attempts, |a| a.time);
        attempts
    }
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
fn user_actions(
    scenario: &Scenario,
    world: &World,
    user: usize,
    list: &[u32],
    (days, weights): (&[u32], &[f64]),
    out: &mut [Attempt],
) {
    let (plan, seed) = (&scenario.plan, scenario.seed);
    assert_eq!(
        out.len(),
        list.len(),
        "seed {seed}: one attempt per contact"
    );
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
