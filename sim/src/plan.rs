//! The enrollment plan: which user tries to enroll which contact, when, and from where.

use rayon::prelude::*;

use crate::rng::{Chance, Stream, StreamKind};
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
    /// When the working day opens (seconds into the day), and how many seconds it lasts.
    opens: SimTime,
    span: u32,
}

/// The lists of one portal's users, by the users' places in the portal.
struct PortalLists {
    starts: Vec<u32>,
    contacts: Vec<u32>,
}

/// No user: an `assign` draw that enrolls nobody.
const NOBODY: u32 = u32::MAX;

impl Lists {
    /// Portal by portal, in parallel: a user enrolls contacts of its own portal only, so a
    /// portal's (user, contact) pairs, in contact order, group into its users' lists alone
    /// (one list per user, in contact order, as grouping all pairs at once would give).
    /// Each contact's users are drawn into a pair per contact (a vector of known size, filled
    /// in parallel), then grouped by a counting sort.
    fn new(scenario: &Scenario, world: &World) -> Self {
        let plan = &scenario.plan;
        let odds = AssignOdds {
            prefix: Stream::prefix(scenario.seed, StreamKind::Assignment),
            coverage: Chance::new(plan.coverage),
            second_enrollment: Chance::new(plan.second_enrollment),
        };
        let portals = (0..world.portals())
            .into_par_iter()
            .map(|portal| {
                let users = world.users_of(portal);
                let assigned: Vec<[u32; 2]> = (world.contacts_of(portal))
                    .into_par_iter()
                    .map(|c| assign(&odds, users.len() as u32, c))
                    .collect();
                let first = world.contacts_of(portal).start;
                let pairs = (assigned.iter().zip(first..))
                    .flat_map(|(users, c)| users.map(|u| (u, c)))
                    .filter(|&(u, _)| u != NOBODY);
                let (starts, contacts) = group_by_key(users.len(), pairs);
                PortalLists { starts, contacts }
            })
            .collect();
        let days = scenario.calendar.business_days(plan.business_days);
        // `plan_of` puts each day's attempts after the earlier days'.
        assert!(
            days.windows(2).all(|w| w[0] < w[1]),
            "the plan's days in order"
        );
        let (hour_from, hour_to) = plan.working_hours;
        Self {
            portals,
            days,
            weights: plan.sources.weights().to_vec(),
            opens: hour_from * SECONDS_PER_HOUR,
            span: (hour_to - hour_from) * SECONDS_PER_HOUR,
        }
    }

    fn list(&self, world: &World, user: u32) -> &[u32] {
        let u = user as usize;
        let lists = &self.portals[world.users()[u].portal as usize];
        let l = world.user_local()[u] as usize;
        &lists.contacts[lists.starts[l] as usize..lists.starts[l + 1] as usize]
    }

    /// The actions of `user` over its list (see [`Actions`]).
    fn actions(&self, scenario: &Scenario, world: &World, user: u32) -> Actions<'_> {
        let inbox = world.users()[user as usize].inbox;
        Actions {
            stream: Stream::new(scenario.seed, StreamKind::UserPlan, user.into()),
            left: self.list(world, user).len(),
            google: inbox.is_some_and(|p| p.is_google()),
            bulk_size_max: scenario.plan.bulk_size_max,
            lists: self,
        }
    }

    /// The attempts of `users` (in increasing id order), stably sorted by time: ties keep
    /// user order, then list order.
    ///
    /// A counting sort by day, then a sort of each day by time: the users' actions are
    /// counted by day, then written into their day's span user by user, so each day holds
    /// its attempts in user then list order, and a stable sort of each day by time gives the
    /// whole order (the days' times do not overlap). A day's span is sorted in cache, with no
    /// scratch the size of the plan (the radix sort of the whole plan it replaced cost a
    /// pass of page faults over a second copy of it, and three passes over memory).
    fn plan_of(&self, scenario: &Scenario, world: &World, users: &[u32]) -> Vec<Attempt> {
        assert!(users.windows(2).all(|w| w[0] < w[1]), "users in id order");
        let mut day_sizes = vec![0usize; self.days.len()];
        for &user in users {
            for action in self.actions(scenario, world, user) {
                day_sizes[action.day] += action.take;
            }
        }
        let mut attempts = vec![PLACEHOLDER; day_sizes.iter().sum()];
        let mut next: Vec<usize> = (day_sizes.iter())
            .scan(0, |start, &size| {
                Some(std::mem::replace(start, *start + size))
            })
            .collect();
        for &user in users {
            let mut list = self.list(world, user);
            for action in self.actions(scenario, world, user) {
                let (taken, rest) = list.split_at(action.take);
                for (position, &contact) in taken.iter().enumerate() {
                    attempts[next[action.day]] = Attempt {
                        time: action.time,
                        user,
                        contact,
                        source: action.source,
                        bulk_position: position as u8,
                    };
                    next[action.day] += 1;
                }
                list = rest;
            }
            assert!(
                list.is_empty(),
                "seed {}: one attempt per contact",
                scenario.seed
            );
        }
        let days = spans_of(&mut attempts, day_sizes);
        (days.into_par_iter().zip(&self.days)).for_each(|(attempts, &day)| {
            sort_by_time(attempts, day * SECONDS_PER_DAY + self.opens, self.span);
        });
        attempts
    }
}

/// One enrollment action of a user: the next `take` contacts of its list, at `time` on the
/// `day`-th of the plan's days, from `source`.
struct Action {
    day: usize,
    time: SimTime,
    source: Source,
    take: usize,
}

/// A user's enrollment actions over a list of `left` contacts, in order, drawn from the user's
/// plan stream: a CRM bulk takes up to `bulk_size_max` contacts at one moment, a CRM single or
/// a Gmail-extension enrollment one. The Gmail extension needs a Google inbox: other users
/// make a CRM single enrollment instead.
struct Actions<'a> {
    stream: Stream,
    left: usize,
    google: bool,
    bulk_size_max: u32,
    /// The days, source weights and working day the actions draw from.
    lists: &'a Lists,
}

impl Iterator for Actions<'_> {
    type Item = Action;

    fn next(&mut self) -> Option<Action> {
        if self.left == 0 {
            return None;
        }
        let (s, lists) = (&mut self.stream, self.lists);
        let mut source = Source::ALL[s.pick(&lists.weights)];
        if source == Source::GmailExtension && !self.google {
            source = Source::CrmSingle;
        }
        let bulk = 1 + s.below(self.bulk_size_max);
        let day = s.below(lists.days.len() as u32) as usize;
        let time = lists.days[day] * SECONDS_PER_DAY + lists.opens + s.below(lists.span);
        let take = match source {
            Source::CrmBulk => (bulk as usize).min(self.left),
            _ => 1,
        };
        self.left -= take;
        Some(Action {
            day,
            time,
            source,
            take,
        })
    }
}

/// `attempts`, all at times in `opening..opening + span`, stably sorted by time: a counting
/// sort by the second of the working day, or for a day of fewer attempts than a tenth of its
/// seconds, where the counts would cost more than the attempts, the standard stable sort (a
/// small world's plan stays linear in its size).
fn sort_by_time(attempts: &mut [Attempt], opening: SimTime, span: u32) {
    if attempts.len() < span as usize / 10 {
        attempts.sort_by_key(|a| a.time);
        return;
    }
    let Some(&first) = attempts.first() else {
        return;
    };
    assert!(
        u32::try_from(attempts.len()).is_ok(),
        "a day's attempts count in a u32"
    );
    let second = |a: &Attempt| {
        debug_assert!((opening..opening + span).contains(&a.time));
        (a.time - opening) as usize
    };
    let mut starts = vec![0u32; span as usize + 1];
    for a in attempts.iter() {
        starts[second(a) + 1] += 1;
    }
    for s in 1..starts.len() {
        starts[s] += starts[s - 1];
    }
    let mut sorted = vec![first; attempts.len()];
    for a in attempts.iter() {
        let at = &mut starts[second(a)];
        sorted[*at as usize] = *a;
        *at += 1;
    }
    attempts.copy_from_slice(&sorted);
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

/// What every contact's assignment draws are compared with, made ready once (see `Chance`).
struct AssignOdds {
    /// The assignment streams' prefix (see `Stream::prefix`).
    prefix: u64,
    coverage: Chance,
    second_enrollment: Chance,
}

/// The users who enroll contact `c`, as places among its portal's `users` users: with
/// probability `coverage` one drawn uniformly, and with probability `second_enrollment` a
/// second one ([`NOBODY`] where none).
fn assign(odds: &AssignOdds, users: u32, c: u32) -> [u32; 2] {
    let mut s = Stream::keyed_from(odds.prefix, &[c.into()]);
    let covered = s.hit(odds.coverage);
    let owner = s.below(users.max(1));
    let second = s.hit(odds.second_enrollment);
    let other_draw = s.below(users.saturating_sub(1).max(1));
    if !covered || users == 0 {
        return [NOBODY, NOBODY];
    }
    if !second {
        return [owner, NOBODY];
    }
    // Any user but the owner; the owner again if they are alone in the portal.
    let other = match users {
        1 => owner,
        _ if other_draw < owner => other_draw,
        _ => other_draw + 1,
    };
    [owner, other]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oracle is the standard library's stable sort; few seconds for many attempts make
    /// ties the rule, and the span's first and last seconds are both used.
    #[test]
    fn a_days_sort_is_a_stable_sort_by_time() {
        let opening = 3 * SECONDS_PER_DAY + 8 * SECONDS_PER_HOUR;
        let span = 300;
        let mut s = Stream::new(1, StreamKind::Swarm, 0);
        let mut attempts: Vec<Attempt> = (0..5_000)
            .map(|i| Attempt {
                time: opening + s.below(span),
                user: i / 50,
                contact: i,
                ..PLACEHOLDER
            })
            .collect();
        attempts[17].time = opening;
        attempts[4_000].time = opening + span - 1;
        let mut expected = attempts.clone();
        expected.sort_by_key(|a| a.time);
        sort_by_time(&mut attempts, opening, span);
        assert_eq!(attempts, expected);
        assert_eq!(attempts[0].time, opening);
        assert_eq!(attempts[4_999].time, opening + span - 1);
        // The same attempts over a day a thousand times longer take the comparison sort.
        let mut sparse = expected.clone();
        sparse.reverse();
        sort_by_time(&mut sparse, opening, span * 1_000);
        let mut again = expected.clone();
        again.reverse();
        again.sort_by_key(|a| a.time);
        assert_eq!(sparse, again);
    }
}
