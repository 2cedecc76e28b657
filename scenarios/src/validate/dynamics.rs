//! Checks of what happens during a run: sending, engagement, disconnections and tasks.

use model::InboxProvider;
use sim::scenario::MAX_SOFT_BOUNCE_RETRIES;

use super::flow::clock;
use super::world::date;
use super::{CalendarParts, Validator};
use crate::key::{field, Key};
use crate::raw::{
    RawDisconnections, RawEngagement, RawOutage, RawSending, RawSequencesDailyLimit, RawTasks,
};
use sim::scenario::WhenFull;

/// How an outage says it hits every inbox.
const ALL_INBOXES: &str = "all";

impl Validator<'_> {
    pub(super) fn sending(&mut self, (at, r): (Key, &RawSending)) -> Option<sim::Sending> {
        let stagger_seconds = self.count(field!(at, r.stagger_seconds), 0, 3_600);
        let bulk_per_minute = self.count(field!(at, r.bulk_per_minute), 1, 60);
        let per_minute_limit = self.optional_count(field!(at, r.per_minute_limit), 1, 10);
        let provider_block_hours = self.count(field!(at, r.provider_block_hours), 0, 24 * 7);
        let soft_bounce_retries = self.count(
            field!(at, r.soft_bounce_retries),
            0,
            i64::from(MAX_SOFT_BOUNCE_RETRIES),
        );
        let retry_backoff_minutes = self.count(field!(at, r.retry_backoff_minutes), 1, 24 * 60);
        let sequences_daily_limit = match field!(at, r.sequences_daily_limit) {
            (limit_at, Some(limit)) => self.sequences_daily_limit((limit_at, limit)).map(Some),
            (_, None) => Some(None),
        };
        Some(sim::Sending {
            stagger_seconds: stagger_seconds?,
            bulk_per_minute: bulk_per_minute?,
            per_minute_limit: per_minute_limit?,
            provider_limits: r.provider_limits,
            provider_block_hours: provider_block_hours?,
            send_failure: self.probability(field!(at, r.send_failure)),
            gmail_send_error: self.probability(field!(at, r.gmail_send_error)),
            soft_bounce_retries: soft_bounce_retries?,
            retry_backoff_minutes: retry_backoff_minutes?,
            sequences_daily_limit: sequences_daily_limit?,
        })
    }

    fn sequences_daily_limit(
        &mut self,
        (at, r): (Key, &RawSequencesDailyLimit),
    ) -> Option<sim::scenario::SequencesDailyLimit> {
        let per_user = self.count(field!(at, r.per_user), 1, 1_000_000);
        let (when_key, when_full) = field!(at, r.when_full);
        let when_full =
            self.named::<WhenFull>(when_key, when_full, "a way to handle a full day", "");
        Some(sim::scenario::SequencesDailyLimit {
            per_user: per_user?,
            when_full: when_full?,
        })
    }

    pub(super) fn engagement(&mut self, (at, r): (Key, &RawEngagement)) -> sim::Engagement {
        let reply = field!(at, r.reply);
        let meeting_booked = field!(at, r.meeting_booked);
        let unsubscribe = field!(at, r.unsubscribe);
        let spam_complaint = field!(at, r.spam_complaint);
        let out_of_office = field!(at, r.out_of_office);
        // One email draws at most one reaction: their probabilities share 1.
        let reactions = [
            &reply,
            &meeting_booked,
            &unsubscribe,
            &spam_complaint,
            &out_of_office,
        ];
        let names: Vec<&str> = (reactions.iter())
            .map(|(key, _)| key.parent_and_name().1)
            .collect();
        let names = names.join(" + ");
        let reply = self.probability(reply);
        let meeting_booked = self.probability(meeting_booked);
        let unsubscribe = self.probability(unsubscribe);
        let unsubscribe_all_share = self.probability(field!(at, r.unsubscribe_all_share));
        let spam_complaint = self.probability(spam_complaint);
        let out_of_office = self.probability(out_of_office);
        let sum = reply + meeting_booked + unsubscribe + spam_complaint + out_of_office;
        if sum > 1.0 + 1e-9 {
            self.problem(
                at.clone(),
                format!("{names} = {sum}; allowed: at most 1 (one reaction per email)"),
            );
        }
        let hours = self.count(field!(at, r.reaction_hours_max), 0, 24 * 30);
        sim::Engagement {
            reply,
            meeting_booked,
            unsubscribe,
            unsubscribe_all_share,
            spam_complaint,
            out_of_office,
            reaction_hours_max: hours.unwrap_or(0),
        }
    }

    pub(super) fn disconnections(
        &mut self,
        (at, r): (Key, &RawDisconnections),
        calendar: &CalendarParts,
    ) -> Option<sim::Disconnections> {
        let per_inbox_day = self.probability(field!(at, r.per_inbox_day));
        let reconnect_hours = self.span(field!(at, r.reconnect_hours), 0, 24 * 30);
        let (outages_key, outages) = field!(at, r.outages);
        let outages: Vec<Option<sim::Outage>> = (outages.iter().enumerate())
            .map(|(i, o)| self.outage((outages_key.index(i), o), calendar))
            .collect();
        Some(sim::Disconnections {
            per_inbox_day,
            reconnect_hours: reconnect_hours?,
            outages: outages.into_iter().collect::<Option<_>>()?,
        })
    }

    fn outage(
        &mut self,
        (at, o): (Key, &RawOutage),
        calendar: &CalendarParts,
    ) -> Option<sim::Outage> {
        let day = self.outage_day(field!(at, o.date), calendar);
        let (start_key, start) = field!(at, o.start);
        let minute = clock(start, false);
        if minute.is_none() {
            self.problem(
                start_key,
                format!(
                    "{start:?} is not a time of day; write it as \"HH:MM\", for example \"09:30\""
                ),
            );
        }
        let (hours_key, hours) = field!(at, o.hours);
        let duration = if *hours > 0.0 && *hours <= 24.0 * 30.0 {
            Some((hours * 3_600.0).round() as u32)
        } else {
            self.problem(
                hours_key,
                format!("{hours} is out of range; allowed: a number of hours above 0, up to 720"),
            );
            None
        };
        let inbox = self.outage_inbox(field!(at, o.inbox));
        Some(sim::Outage {
            start: day? * 86_400 + minute? * 60,
            duration: duration?,
            inbox: inbox?,
        })
    }

    /// An outage's date as a day of the run; not judged against a calendar that is invalid
    /// itself.
    fn outage_day(&mut self, (at, text): (Key, &String), calendar: &CalendarParts) -> Option<u32> {
        let Some(date) = date(text) else {
            let message = format!("{text:?} is not a date; write it as \"YYYY-MM-DD\"");
            self.problem(at, message);
            return None;
        };
        let (start_key, start) = &calendar.start;
        let days = calendar.horizon_days.1?;
        let day = (date - (*start)?).num_days();
        if (0..i64::from(days)).contains(&day) {
            return Some(day as u32);
        }
        self.problem(
            at,
            format!(
                "{text:?} is outside the simulated days; allowed: a date from {start_key} to {} days after it",
                days - 1
            ),
        );
        None
    }

    /// The inbox provider an outage hits, or `Some(None)` for every inbox.
    fn outage_inbox(
        &mut self,
        (at, name): (Key, &Option<String>),
    ) -> Option<Option<InboxProvider>> {
        match name.as_deref() {
            None => Some(None),
            Some(name) if name == ALL_INBOXES => Some(None),
            Some(name) => {
                let also = format!(", or \"{ALL_INBOXES}\"");
                self.named::<InboxProvider>(at, name, "an inbox provider", &also)
                    .map(Some)
            }
        }
    }

    pub(super) fn tasks(&mut self, (at, r): (Key, &RawTasks)) -> Option<sim::Tasks> {
        let completion_hours = self.span(field!(at, r.completion_hours), 0, 24 * 30)?;
        Some(sim::Tasks { completion_hours })
    }
}
