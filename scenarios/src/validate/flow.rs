//! Checks of the enrollment flow: sequences and their steps, sender groups, the plan.

use model::{InboxProvider, SeatTier};
use sim::scenario::{MAX_BULK_SIZE, MAX_SEQUENCES, MAX_STEPS};

use super::world::weekday;
use super::{quoted, CalendarParts, Validator};
use crate::key::{field, Key};
use crate::raw::{RawPlan, RawSenderGroup, RawSequence, RawSources, RawStep};

/// How a sender group says its users have no connected inbox.
const NO_INBOX: &str = "none";

/// `"HH:MM"` as minutes of the day; `end_of_day` allows `"24:00"`.
pub(super) fn clock(text: &str, end_of_day: bool) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60 + m;
    (m < 60 && (minutes < 24 * 60 || (end_of_day && minutes == 24 * 60))).then_some(minutes)
}

/// Every element checked (so that each reports its problems), then all or nothing.
fn all<T>(checked: Vec<Option<T>>) -> Option<Vec<T>> {
    checked.into_iter().collect()
}

impl Validator<'_> {
    /// The sequences; `types` names the population's subscription types.
    pub(super) fn sequences(
        &mut self,
        (at, raw): (Key, &Vec<RawSequence>),
        types: &[&str],
    ) -> Option<Vec<sim::Sequence>> {
        if raw.is_empty() || raw.len() > MAX_SEQUENCES {
            self.problem(
                at,
                format!(
                    "{} sequences given; allowed: 1 to {MAX_SEQUENCES} [[sequences]] tables, each with a name and steps",
                    raw.len()
                ),
            );
            return None;
        }
        let checked = (raw.iter().enumerate())
            .map(|(i, seq)| self.sequence((at.index(i), seq), &raw[..i], types))
            .collect();
        all(checked)
    }

    /// Sequence `seq`, whose name must differ from those of the `earlier` ones.
    fn sequence(
        &mut self,
        (at, seq): (Key, &RawSequence),
        earlier: &[RawSequence],
        types: &[&str],
    ) -> Option<sim::Sequence> {
        let (name_key, name) = field!(at, seq.name);
        let unique = !earlier.iter().any(|other| &other.name == name);
        if !unique {
            self.problem(
                name_key,
                format!("{name:?} names two sequences; allowed: a name no other sequence has"),
            );
        }
        let steps = self.steps(field!(at, seq.steps));
        let send_window = self.send_window(field!(at, seq.send_window));
        let subscription_type = self.subscription_type(field!(at, seq.subscription_type), types);
        unique.then_some(())?;
        Some(sim::Sequence {
            name: name.clone(),
            steps: steps?,
            weekdays_only: seq.weekdays_only,
            send_window: send_window?,
            subscription_type: subscription_type?,
        })
    }

    /// The index of the type `name` among `types`; the first type when the file names none.
    fn subscription_type(
        &mut self,
        (at, name): (Key, &Option<String>),
        types: &[&str],
    ) -> Option<u16> {
        let Some(name) = name else {
            return Some(0);
        };
        let found = types.iter().position(|t| t == name);
        if found.is_none() {
            let message = format!(
                "{name:?} is not a subscription type of the population; allowed: {}",
                quoted(types.iter().copied())
            );
            self.problem(at, message);
        }
        found.map(|i| i as u16)
    }

    fn steps(&mut self, (at, raw): (Key, &Vec<RawStep>)) -> Option<Vec<sim::Step>> {
        if raw.len() > MAX_STEPS {
            let message = format!("{} steps; allowed: 1 to {MAX_STEPS}", raw.len());
            self.problem(at, message);
            return None;
        }
        if raw.is_empty() {
            self.problem(
                at.clone(),
                "a sequence needs at least one step ([[sequences.steps]] with kind and delay_days)",
            );
        }
        let checked = (raw.iter().enumerate())
            .map(|(j, step)| self.step((at.index(j), step), j == 0))
            .collect();
        all(checked).filter(|steps| !steps.is_empty())
    }

    /// A step; the `first` executes at enrollment, so its delay must be 0.
    fn step(&mut self, (at, step): (Key, &RawStep), first: bool) -> Option<sim::Step> {
        let (kind_key, kind) = field!(at, step.kind);
        let kind = self.named::<sim::StepKind>(kind_key, kind, "a step kind", "");
        let (delay_key, delay_days) = field!(at, step.delay_days);
        let delay_days = if first && *delay_days != 0 {
            self.problem(
                delay_key,
                format!("{delay_days}: the first step executes at enrollment; allowed: 0"),
            );
            None
        } else {
            self.count((delay_key, delay_days), 0, 365)
        };
        Some(sim::Step {
            kind: kind?,
            delay_days: delay_days?,
        })
    }

    /// An optional `["HH:MM", "HH:MM"]` window: `Some(None)` when the file gives none.
    fn send_window(
        &mut self,
        (at, window): (Key, &Option<Vec<String>>),
    ) -> Option<Option<(u32, u32)>> {
        let Some(pair) = window else {
            return Some(None);
        };
        let parsed = match &pair[..] {
            [a, b] => clock(a, false).zip(clock(b, true)).filter(|(a, b)| a < b),
            _ => None,
        };
        if parsed.is_none() {
            self.problem(
                at,
                format!("{pair:?} is not a window; allowed: [\"HH:MM\", \"HH:MM\"] with the start before the end, for example [\"08:00\", \"17:30\"]"),
            );
        }
        parsed.map(Some)
    }

    /// The sender groups; `sequences` are the file's (for names), `portals` the population's
    /// portal count with its key (`None` when the population table is missing).
    pub(super) fn senders(
        &mut self,
        (at, raw): (Key, &Vec<RawSenderGroup>),
        sequences: &[RawSequence],
        portals: Option<(Key, Option<u32>)>,
    ) -> Option<Vec<sim::SenderGroup>> {
        if raw.is_empty() {
            self.problem(
                at,
                "no senders; allowed: one or more [[senders]] tables with count, seat and inbox",
            );
            return None;
        }
        let checked = (raw.iter().enumerate())
            .map(|(i, g)| self.sender_group((at.index(i), g), sequences, portals.as_ref()))
            .collect();
        all(checked)
    }

    fn sender_group(
        &mut self,
        (at, g): (Key, &RawSenderGroup),
        sequences: &[RawSequence],
        portals: Option<&(Key, Option<u32>)>,
    ) -> Option<sim::SenderGroup> {
        let count = self.count(field!(at, g.count), 1, 1_000_000);
        let (seat_key, seat) = field!(at, g.seat);
        let seat = self.named::<SeatTier>(seat_key, seat, "a seat", "");
        let inbox = self.inbox(field!(at, g.inbox));
        let portal = self.portal(field!(at, g.portal), portals);
        let sequence = self.sequence_index(field!(at, g.sequence), sequences);
        let (limit_key, daily_limit) = field!(at, g.daily_limit);
        let daily_limit = self.optional_count((limit_key.clone(), daily_limit), 1, 100_000);
        if let (Some(Some(inbox)), Some(Some(limit))) = (inbox, daily_limit) {
            self.custom_limit_fits(limit_key, inbox, limit);
        }
        let other_emails_per_day = self.count(field!(at, g.other_emails_per_day), 0, 100_000);
        Some(sim::SenderGroup {
            count: count?,
            seat: seat?,
            inbox: inbox?,
            portal: portal?,
            sequence: sequence?,
            daily_limit: daily_limit?,
            other_emails_per_day: other_emails_per_day?,
        })
    }

    /// Warns when a custom daily limit is above what the product lets an account set for
    /// `inbox` (domain.md §5): the file still runs, with the value as the model takes it.
    fn custom_limit_fits(&mut self, key: Key, inbox: InboxProvider, limit: u32) {
        let max = inbox.custom_daily_limit_max();
        if limit <= max {
            return;
        }
        let (why, used) = match inbox {
            InboxProvider::Gmail => ("free Gmail is capped at 350 whatever is set", max),
            _ => ("a custom limit must be below the default of 1,000", limit),
        };
        let message = format!(
            "{limit} is above the product's maximum for {} inboxes, {max} ({why}); the run uses {used}",
            inbox.name()
        );
        self.warning(key, message);
    }

    /// A sender's inbox provider, or [`NO_INBOX`]: `Some(None)`.
    fn inbox(&mut self, (at, name): (Key, &String)) -> Option<Option<InboxProvider>> {
        if name == NO_INBOX {
            return Some(None);
        }
        let also = format!(", or \"{NO_INBOX}\" for no connected inbox");
        self.named::<InboxProvider>(at, name, "an inbox", &also)
            .map(Some)
    }

    /// A group's optional portal number, below the population's `portals` (its key and
    /// value); not judged when the population table is missing, which is reported already.
    fn portal(
        &mut self,
        (at, portal): (Key, &Option<i64>),
        portals: Option<&(Key, Option<u32>)>,
    ) -> Option<Option<u32>> {
        let Some(p) = *portal else {
            return Some(None);
        };
        let (portals_key, portals) = portals?;
        match portals {
            Some(n) if (0..i64::from(*n)).contains(&p) => Some(Some(p as u32)),
            _ => {
                let last = portals.map_or(String::new(), |n| format!(" = {}", n - 1));
                self.problem(
                    at,
                    format!("{p} is not a portal; allowed: a portal number from 0 to {portals_key} - 1{last}"),
                );
                None
            }
        }
    }

    /// The index of the sequence a group names; the first sequence when it names none.
    fn sequence_index(
        &mut self,
        (at, name): (Key, &Option<String>),
        sequences: &[RawSequence],
    ) -> Option<u16> {
        let Some(name) = name else {
            return Some(0);
        };
        let found = sequences.iter().position(|s| &s.name == name);
        if found.is_none() {
            let names = quoted(sequences.iter().map(|s| s.name.as_str()));
            self.problem(
                at,
                format!("{name:?} is not a sequence of this file; allowed: {names}"),
            );
        }
        found.map(|s| s as u16)
    }

    /// The plan, and its business days (with their key) for [`Self::business_days_fit`].
    pub(super) fn plan(
        &mut self,
        (at, p): (Key, &RawPlan),
    ) -> (Option<sim::Plan>, (Key, Option<u32>)) {
        let (days_key, business_days) = field!(at, p.business_days);
        let business_days = self.count((days_key.clone(), business_days), 1, 3_650);
        let working_hours = self.working_hours(field!(at, p.working_hours));
        let coverage = self.probability(field!(at, p.coverage));
        let second_enrollment = self.probability(field!(at, p.second_enrollment));
        let sources = self.sources(field!(at, p.sources));
        let bulk_size_max = self.count(field!(at, p.bulk_size_max), 1, i64::from(MAX_BULK_SIZE));
        let plan = || {
            Some(sim::Plan {
                business_days: business_days?,
                working_hours: working_hours?,
                coverage,
                second_enrollment,
                sources,
                bulk_size_max: bulk_size_max?,
            })
        };
        (plan(), (days_key, business_days))
    }

    fn working_hours(&mut self, (at, hours): (Key, &Vec<i64>)) -> Option<(u32, u32)> {
        match hours[..] {
            [from, to] if 0 <= from && from < to && to <= 24 => Some((from as u32, to as u32)),
            _ => {
                self.problem(
                    at,
                    format!(
                        "{hours:?} is not a span of hours; write [start, end] with 0 <= start < end <= 24, for example [8, 18]"
                    ),
                );
                None
            }
        }
    }

    fn sources(&mut self, (at, s): (Key, &RawSources)) -> sim::SourceMix {
        let (crm_single, crm_bulk, gmail_extension) = (
            field!(at, s.crm_single),
            field!(at, s.crm_bulk),
            field!(at, s.gmail_extension),
        );
        // The message names the shares by their keys' last segments.
        let names = [&crm_single.0, &crm_bulk.0, &gmail_extension.0]
            .map(|key| key.parent_and_name().1.to_owned())
            .join(" + ");
        let sources = sim::SourceMix {
            crm_single: self.probability(crm_single),
            crm_bulk: self.probability(crm_bulk),
            gmail_extension: self.probability(gmail_extension),
        };
        let sum = sources.crm_single + sources.crm_bulk + sources.gmail_extension;
        if (sum - 1.0).abs() > 1e-9 {
            self.problem(at, format!("{names} = {sum}; the shares must sum to 1"));
        }
        sources
    }

    /// The plan's `business_days` (key and value) must all fall inside the calendar's horizon.
    pub(super) fn business_days_fit(
        &mut self,
        (at, business_days): (Key, Option<u32>),
        calendar: &CalendarParts,
    ) {
        let (horizon_key, horizon_days) = &calendar.horizon_days;
        let (Some(plan_days), Some(days), Some(start)) =
            (business_days, *horizon_days, calendar.start.1)
        else {
            return;
        };
        let sim_calendar = sim::Calendar {
            start_date: String::new(),
            start_weekday: weekday(start),
            horizon_days: days,
        };
        let fitting = (0..days)
            .filter(|&d| !sim_calendar.weekday(d).is_weekend())
            .count();
        if plan_days as usize > fitting {
            self.problem(
                at,
                format!(
                    "{plan_days} business days do not fit in {horizon_key} = {days}; allowed: at most {fitting}"
                ),
            );
        }
    }
}
