//! What happens to one email, as pure functions of the scenario and a send's random draws: the
//! sender side's verdict, the recipient's answer, the recipient's reaction, and the step a
//! failed enrollment resumes at. The portal calls them and acts on what they return.

use model::{
    ContactFlags, InboxProvider, LimitSide, Outcome, RejectionCode, SmtpReply, StepFailure,
};

use crate::rng::Stream;
use crate::scenario::{Engagement, MailboxProvider, ResumeAt, Sending};
use crate::time::{Calendar, SimTime, SECONDS_PER_DAY, SECONDS_PER_HOUR};

use super::inbox::Refusal;

/// A recipient's reaction to a delivered email.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reaction {
    /// A reply (unenrolls).
    Reply,
    /// A booked meeting (unenrolls).
    MeetingBooked,
    /// An unsubscribe click: from all email, or from this type only (unenrolls).
    Unsubscribe {
        /// Opted out of all email.
        all: bool,
    },
    /// A spam complaint (unenrolls).
    SpamComplaint,
    /// An out-of-office auto-reply (does not unenroll).
    OutOfOffice,
}

impl Reaction {
    /// The outcome the reaction ends an enrollment with, if it ends it.
    pub fn outcome(self) -> Option<Outcome> {
        match self {
            Self::Reply => Some(Outcome::Replied),
            Self::MeetingBooked => Some(Outcome::MeetingBooked),
            Self::Unsubscribe { .. } => Some(Outcome::Unsubscribed),
            Self::SpamComplaint => Some(Outcome::MarkedAsSpam),
            Self::OutOfOffice => None,
        }
    }
}

/// The random draws of one send (one step, one retry), made together whatever happens, so that
/// changing one probability never moves another draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SendDraws {
    /// Against SEND_FAILURE or GMAIL_SEND_ERROR.
    pub fail: f64,
    /// Picks the recipient's answer.
    pub answer: f64,
    /// Picks the reaction.
    pub reaction: f64,
    /// Picks an unsubscribe's kind.
    pub unsubscribe_all: f64,
    /// Seconds (past the first minute) before the reaction.
    pub reaction_delay_seconds: u32,
}

impl SendDraws {
    /// The five draws, in this order, from the send's own stream.
    pub fn draw(stream: &mut Stream, engagement: &Engagement) -> Self {
        let fail = stream.unit();
        let answer = stream.unit();
        let reaction = stream.unit();
        let unsubscribe_all = stream.unit();
        let reaction_delay_seconds =
            stream.below(engagement.reaction_hours_max * SECONDS_PER_HOUR + 1);
        Self {
            fail,
            answer,
            reaction,
            unsubscribe_all,
            reaction_delay_seconds,
        }
    }
}

/// A step that failed before its email left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FailedStep {
    /// Why.
    pub failure: StepFailure,
    /// For SEND_LIMIT_REACHED, whose limit.
    pub side: Option<LimitSide>,
    /// The sender's provider's answer, where it gives one.
    pub reply: Option<SmtpReply>,
}

impl FailedStep {
    fn plain(failure: StepFailure) -> Self {
        Self {
            failure,
            side: None,
            reply: None,
        }
    }
}

/// The sender side's verdict on a send: `by_gmail` for step 1 of a Gmail-extension enrollment
/// (Gmail sends it, and fails with GMAIL_SEND_ERROR at its rate); otherwise the inbox's
/// `refusal`, if any, then a permanent SEND_FAILURE at its rate. A provider limit at Google
/// answers 550 5.4.5.
pub(crate) fn sender_verdict(
    by_gmail: bool,
    refusal: Option<Refusal>,
    fail_draw: f64,
    sending: &Sending,
    inbox: Option<InboxProvider>,
) -> Option<FailedStep> {
    if by_gmail {
        debug_assert!(
            refusal.is_none(),
            "Gmail's own sends meet no platform check"
        );
        return (fail_draw < sending.gmail_send_error)
            .then(|| FailedStep::plain(StepFailure::GmailSendError));
    }
    match refusal {
        Some(Refusal::Disconnected) => Some(FailedStep::plain(StepFailure::InboxDisconnected)),
        Some(Refusal::Limit(side)) => {
            let google = inbox.is_some_and(InboxProvider::is_google);
            Some(FailedStep {
                failure: StepFailure::SendLimitReached,
                side: Some(side),
                reply: (side == LimitSide::Provider && google)
                    .then_some(SmtpReply::SenderQuotaExhausted),
            })
        }
        None => {
            (fail_draw < sending.send_failure).then(|| FailedStep::plain(StepFailure::SendFailure))
        }
    }
}

/// The recipient's server's answer, from the send's one answer draw (no other draw: adding
/// classes moved no send's answer kind).
///
/// A mailbox that does not exist answers from the provider's invalid-address split (550 5.1.1
/// by default), picked by the draw itself. Otherwise the draw falls in the provider's
/// soft-bounce share, then its policy-rejection share, then its mailbox-moved share, then
/// delivery; a soft bounce's reply is picked from the soft-bounce split by where the draw
/// falls inside the soft-bounce share (`answer_draw / soft_bounce`, uniform on [0, 1)), so
/// which sends bounce depends on `soft_bounce` alone, as it did before replies had classes.
pub(crate) fn recipient_answer(
    invalid: bool,
    provider: &MailboxProvider,
    answer_draw: f64,
) -> SmtpReply {
    let soft = provider.soft_bounce;
    let policy = soft + provider.policy_rejection;
    if invalid {
        pick(&provider.invalid_split, answer_draw)
    } else if answer_draw < soft {
        pick(&provider.soft_bounce_split, answer_draw / soft)
    } else if answer_draw < policy {
        SmtpReply::PolicyRejection
    } else if answer_draw < policy + provider.mailbox_moved {
        SmtpReply::MailboxMoved
    } else {
        SmtpReply::Delivered
    }
}

/// The reply of `split` (shares summing to 1) whose interval holds `u` in [0, 1); the last
/// reply with a share when rounding leaves `u` past the sum.
fn pick(split: &[(SmtpReply, f64)], u: f64) -> SmtpReply {
    let mut acc = 0.0;
    for &(reply, share) in split {
        acc += share;
        if u < acc {
            return reply;
        }
    }
    let last = split.iter().rev().find(|&&(_, share)| share > 0.0);
    last.expect("a split has a reply with a share").0
}

/// The reaction to a delivered email, if any: the engagement odds stacked in the order
/// complaint, unsubscribe, meeting, reply, out-of-office.
pub(crate) fn pick_reaction(engagement: &Engagement, draws: &SendDraws) -> Option<Reaction> {
    let odds = [
        (engagement.spam_complaint, Reaction::SpamComplaint),
        (
            engagement.unsubscribe,
            Reaction::Unsubscribe {
                all: draws.unsubscribe_all < engagement.unsubscribe_all_share,
            },
        ),
        (engagement.meeting_booked, Reaction::MeetingBooked),
        (engagement.reply, Reaction::Reply),
        (engagement.out_of_office, Reaction::OutOfOffice),
    ];
    let mut acc = 0.0;
    for (p, reaction) in odds {
        acc += p;
        if draws.reaction < acc {
            return Some(reaction);
        }
    }
    None
}

/// Why mail to an address must stop, if it must: facts its address learned while the
/// enrollment ran (from a reaction or a bounce on another record of the address) end the
/// enrollment before its next email, as the fact itself would have: a bounce, then a
/// complaint, then an unsubscribe.
pub(crate) fn address_stop(flags: ContactFlags) -> Option<(RejectionCode, Outcome)> {
    let stops = [
        (
            ContactFlags::BOUNCED,
            RejectionCode::Bounced,
            Outcome::Bounced,
        ),
        (
            ContactFlags::MARKED_AS_SPAM,
            RejectionCode::PreviouslyMarkedAsSpam,
            Outcome::MarkedAsSpam,
        ),
        (
            ContactFlags::UNSUBSCRIBED,
            RejectionCode::Unsubscribed,
            Outcome::Unsubscribed,
        ),
        (
            ContactFlags::UNSUBSCRIBED_PERSONAL,
            RejectionCode::UnsubscribedPersonal,
            Outcome::Unsubscribed,
        ),
    ];
    stops
        .into_iter()
        .find(|(flag, _, _)| flags.contains(*flag))
        .map(|(_, code, outcome)| (code, outcome))
}

/// The step (0-based) a re-enrollment resumes at, `resume_at` the step that failed, `step`,
/// of a sequence of `steps` steps; `None` when there is nothing to resume (the following step
/// of the last).
pub(crate) fn resume_step(resume_at: ResumeAt, step: u8, steps: usize) -> Option<u8> {
    debug_assert!(usize::from(step) < steps);
    let resume = match resume_at {
        ResumeAt::Next => usize::from(step) + 1,
        ResumeAt::Same => usize::from(step),
        ResumeAt::First => 0,
    };
    (resume < steps).then_some(resume as u8)
}

/// The first moment at or after `t` that is on a weekday of `calendar`, within the working
/// `window` (minutes of the day, `[start, end)`), and outside every span of `down` (sorted,
/// disjoint `[start, end)` spans of a disconnected inbox): when a user back at work acts. A
/// moment after work or on a weekend moves to the next working day's start. Each turn moves to
/// a later day, into the window, or past a span, so the loop is bounded: past each span at most
/// five turns (the span's end, after work, Saturday, Sunday, the window's start), and 16 more
/// reach a working moment from anywhere.
pub(crate) fn user_moment(
    calendar: &Calendar,
    window: (u32, u32),
    down: &[(SimTime, SimTime)],
    t: SimTime,
) -> SimTime {
    let (start, end) = window;
    assert!(start < end && end <= 24 * 60, "a working window");
    let mut at = t;
    for _ in 0..(5 * down.len() + 16) {
        let day = at / SECONDS_PER_DAY;
        let minute = at % SECONDS_PER_DAY / 60;
        if calendar.weekday(day).is_weekend() || minute >= end {
            at = (day + 1) * SECONDS_PER_DAY;
        } else if minute < start {
            at = day * SECONDS_PER_DAY + start * 60;
        } else if let Some(&(_, up)) = down.iter().find(|&&(from, to)| from <= at && at < to) {
            at = up;
        } else {
            return at;
        }
    }
    unreachable!("a working moment within {} turns", 5 * down.len() + 16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::StreamKind;

    fn engagement() -> Engagement {
        Engagement {
            reply: 0.1,
            meeting_booked: 0.05,
            unsubscribe: 0.02,
            unsubscribe_all_share: 0.25,
            spam_complaint: 0.01,
            out_of_office: 0.2,
            reaction_hours_max: 48,
        }
    }

    fn sending() -> Sending {
        Sending {
            stagger_seconds: 30,
            bulk_per_minute: 3,
            per_minute_limit: None,
            provider_limits: true,
            provider_block_hours: 24,
            send_failure: 0.1,
            gmail_send_error: 0.2,
            soft_bounce_retries: 2,
            retry_backoff_minutes: 30,
            sequences_daily_limit: None,
        }
    }

    fn draws(reaction: f64, unsubscribe_all: f64) -> SendDraws {
        SendDraws {
            fail: 0.5,
            answer: 0.5,
            reaction,
            unsubscribe_all,
            reaction_delay_seconds: 0,
        }
    }

    #[test]
    fn reactions_stack_in_order() {
        let e = engagement();
        // Cumulative bounds by hand: 0.01 spam, 0.03 unsubscribe, 0.08 meeting, 0.18 reply,
        // 0.38 out-of-office.
        let cases = [
            (0.0, Some(Reaction::SpamComplaint)),
            (0.0099, Some(Reaction::SpamComplaint)),
            (0.01, Some(Reaction::Unsubscribe { all: true })),
            (0.0299, Some(Reaction::Unsubscribe { all: true })),
            (0.03, Some(Reaction::MeetingBooked)),
            (0.079, Some(Reaction::MeetingBooked)),
            (0.081, Some(Reaction::Reply)),
            (0.179, Some(Reaction::Reply)),
            (0.181, Some(Reaction::OutOfOffice)),
            (0.379, Some(Reaction::OutOfOffice)),
            (0.381, None),
            (0.999, None),
        ];
        for (reaction, expected) in cases {
            assert_eq!(
                pick_reaction(&e, &draws(reaction, 0.1)),
                expected,
                "{reaction}"
            );
        }
        assert_eq!(
            pick_reaction(&e, &draws(0.02, 0.25)),
            Some(Reaction::Unsubscribe { all: false }),
            "at the share itself the unsubscribe is from this type only"
        );
    }

    #[test]
    fn recipient_answers_follow_the_shares() {
        let provider = MailboxProvider::plain("p", 1.0, 0.1, 0.05);
        let cases = [
            (true, 0.9, SmtpReply::BadMailbox),
            (false, 0.0, SmtpReply::MailboxFull),
            (false, 0.0999, SmtpReply::MailboxFull),
            (false, 0.1, SmtpReply::PolicyRejection),
            (false, 0.1499, SmtpReply::PolicyRejection),
            (false, 0.1501, SmtpReply::Delivered),
        ];
        for (invalid, draw, expected) in cases {
            assert_eq!(
                recipient_answer(invalid, &provider, draw),
                expected,
                "{draw}"
            );
        }
    }

    #[test]
    fn shares_are_half_open_intervals() {
        // Quarters, exact in binary: soft [0, 0.25), policy [0.25, 0.5), moved [0.5, 0.75),
        // delivered [0.75, 1). A draw on a boundary belongs to the interval it starts.
        let provider = MailboxProvider {
            mailbox_moved: 0.25,
            ..MailboxProvider::plain("p", 1.0, 0.25, 0.25)
        };
        let cases = [
            (0.25, SmtpReply::PolicyRejection),
            (0.5, SmtpReply::MailboxMoved),
            (0.75, SmtpReply::Delivered),
        ];
        for (draw, expected) in cases {
            assert_eq!(recipient_answer(false, &provider, draw), expected, "{draw}");
        }
        // Within a split too, and past the sum (rounding) the last reply with a share.
        let split = [
            (SmtpReply::BadMailbox, 0.5),
            (SmtpReply::BadDomain, 0.5),
            (SmtpReply::NullMx, 0.0),
        ];
        assert_eq!(pick(&split, 0.5), SmtpReply::BadDomain);
        assert_eq!(pick(&split, 0.4999), SmtpReply::BadMailbox);
        assert_eq!(pick(&split, 1.0), SmtpReply::BadDomain);
    }

    #[test]
    fn a_send_s_five_draws_come_in_order() {
        // The raw outputs of the same stream, turned into draws by hand: units from the top 53
        // bits, the reaction delay in [0, 48 h] (both ends included) by multiply and shift.
        let key = [7, 0, 1, 2];
        let mut raw = Stream::keyed(3, StreamKind::Send, &key);
        let outputs: Vec<u64> = (0..5).map(|_| raw.next_u64()).collect();
        let unit = |x: u64| (x >> 11) as f64 / 9_007_199_254_740_992.0;
        let span = 48 * 3_600 + 1;
        let delay = ((u128::from(outputs[4]) * span) >> 64) as u32;
        let draws = SendDraws::draw(&mut Stream::keyed(3, StreamKind::Send, &key), &engagement());
        assert_eq!(
            draws,
            SendDraws {
                fail: unit(outputs[0]),
                answer: unit(outputs[1]),
                reaction: unit(outputs[2]),
                unsubscribe_all: unit(outputs[3]),
                reaction_delay_seconds: delay,
            }
        );
    }

    #[test]
    fn reply_classes_come_from_sub_intervals() {
        let provider = MailboxProvider {
            mailbox_moved: 0.01,
            soft_bounce_split: vec![
                (SmtpReply::MailboxFull, 0.5),
                (SmtpReply::ReceivingTooFast, 0.25),
                (SmtpReply::LowReputation, 0.25),
            ],
            invalid_split: vec![
                (SmtpReply::BadMailbox, 0.8),
                (SmtpReply::BadDomain, 0.1),
                (SmtpReply::NullMx, 0.1),
            ],
            ..MailboxProvider::plain("p", 1.0, 0.2, 0.05)
        };
        // Soft bounces below 0.2, split at 0.2 * 0.5 = 0.1 and 0.2 * 0.75 = 0.15; policy to
        // 0.25; mailbox moved to 0.26; then delivery. Invalid: 0.8, 0.9, then null MX.
        let cases = [
            (false, 0.0999, SmtpReply::MailboxFull),
            (false, 0.1001, SmtpReply::ReceivingTooFast),
            (false, 0.1499, SmtpReply::ReceivingTooFast),
            (false, 0.1501, SmtpReply::LowReputation),
            (false, 0.1999, SmtpReply::LowReputation),
            (false, 0.2001, SmtpReply::PolicyRejection),
            (false, 0.2501, SmtpReply::MailboxMoved),
            (false, 0.2599, SmtpReply::MailboxMoved),
            (false, 0.2601, SmtpReply::Delivered),
            (true, 0.7999, SmtpReply::BadMailbox),
            (true, 0.8001, SmtpReply::BadDomain),
            (true, 0.9001, SmtpReply::NullMx),
            (true, 0.9999, SmtpReply::NullMx),
        ];
        for (invalid, draw, expected) in cases {
            assert_eq!(
                recipient_answer(invalid, &provider, draw),
                expected,
                "{draw}"
            );
        }
        // Which sends soft-bounce depends on the total alone, whatever the split.
        let plain = MailboxProvider::plain("p", 1.0, 0.2, 0.05);
        for i in 0..1_000 {
            let draw = f64::from(i) / 1_000.0;
            let kind = |p: &MailboxProvider| recipient_answer(false, p, draw).kind();
            if draw < 0.25 {
                assert_eq!(kind(&provider), kind(&plain), "{draw}");
            }
        }
    }

    #[test]
    fn resume_steps() {
        assert_eq!(resume_step(ResumeAt::Next, 0, 3), Some(1));
        assert_eq!(
            resume_step(ResumeAt::Next, 2, 3),
            None,
            "no step after the last"
        );
        assert_eq!(resume_step(ResumeAt::Same, 2, 3), Some(2));
        assert_eq!(resume_step(ResumeAt::Same, 0, 1), Some(0));
        assert_eq!(resume_step(ResumeAt::First, 2, 3), Some(0));
    }

    #[test]
    fn users_act_on_weekdays_in_working_hours_once_connected() {
        // Day 0 is a Friday; working hours 09:00 to 17:00.
        let cal = Calendar {
            start_date: "2026-01-02".to_owned(),
            start_weekday: crate::time::Weekday::Friday,
            horizon_days: 30,
        };
        let h = |day: u32, hour: u32| day * 86_400 + hour * 3_600;
        let work = (9 * 60, 17 * 60);
        assert_eq!(user_moment(&cal, work, &[], h(0, 10)), h(0, 10));
        assert_eq!(user_moment(&cal, work, &[], h(0, 8)), h(0, 9));
        // Friday 18:00, Friday 17:00 (the window's end) and Saturday noon move to Monday 09:00.
        assert_eq!(user_moment(&cal, work, &[], h(0, 18)), h(3, 9));
        assert_eq!(user_moment(&cal, work, &[], h(0, 17)), h(3, 9));
        assert_eq!(user_moment(&cal, work, &[], h(1, 12)), h(3, 9));
        assert_eq!(user_moment(&cal, work, &[], h(0, 17) - 1), h(0, 17) - 1);
        // Disconnected from Monday 08:00 to Monday 15:00: the user acts at 15:00.
        let down = [(h(3, 8), h(3, 15))];
        assert_eq!(user_moment(&cal, work, &down, h(0, 18)), h(3, 15));
        // Reconnected at Monday 20:00, after work: Tuesday 09:00.
        let down = [(h(3, 8), h(3, 20))];
        assert_eq!(user_moment(&cal, work, &down, h(0, 18)), h(4, 9));
        // Two spans in a row.
        let down = [(h(3, 8), h(3, 20)), (h(4, 8), h(4, 10))];
        assert_eq!(user_moment(&cal, work, &down, h(0, 18)), h(4, 10));
    }

    #[test]
    fn users_get_past_many_spans_that_end_on_friday_evenings() {
        // Day 0 is a Monday. Each of 17 spans runs from a Monday 08:00 to the Friday at 18:00,
        // after work: past each one the user needs five turns (its end, Saturday, Sunday,
        // Monday, 09:00), and lands in the next span; after the last, on Monday 09:00.
        let cal = Calendar {
            start_date: "2026-01-05".to_owned(),
            start_weekday: crate::time::Weekday::Monday,
            horizon_days: 200,
        };
        let h = |day: u32, hour: u32| day * 86_400 + hour * 3_600;
        let down: Vec<_> = (0..17).map(|w| (h(7 * w, 8), h(7 * w + 4, 18))).collect();
        assert_eq!(
            user_moment(&cal, (9 * 60, 17 * 60), &down, h(0, 9)),
            h(7 * 17, 9)
        );
    }

    #[test]
    fn address_facts_stop_mail_in_order() {
        assert_eq!(address_stop(ContactFlags::CANNOT_COMMUNICATE), None);
        assert_eq!(
            address_stop(ContactFlags::UNSUBSCRIBED_PERSONAL | ContactFlags::MARKED_AS_SPAM),
            Some((RejectionCode::PreviouslyMarkedAsSpam, Outcome::MarkedAsSpam))
        );
        assert_eq!(
            address_stop(ContactFlags::UNSUBSCRIBED | ContactFlags::BOUNCED),
            Some((RejectionCode::Bounced, Outcome::Bounced))
        );
        assert_eq!(
            address_stop(ContactFlags::UNSUBSCRIBED_PERSONAL),
            Some((RejectionCode::UnsubscribedPersonal, Outcome::Unsubscribed))
        );
        assert_eq!(
            address_stop(ContactFlags::BOUNCED_ON_PORTAL),
            None,
            "a fact of the past"
        );
    }

    #[test]
    fn sender_verdicts() {
        let s = sending();
        let google = Some(InboxProvider::GoogleWorkspace);
        let outlook = Some(InboxProvider::OutlookCom);
        let limit = |side| Some(Refusal::Limit(side));
        assert_eq!(
            sender_verdict(true, None, 0.19, &s, google)
                .unwrap()
                .failure,
            StepFailure::GmailSendError
        );
        assert_eq!(sender_verdict(true, None, 0.2, &s, google), None);
        assert_eq!(
            sender_verdict(false, Some(Refusal::Disconnected), 0.9, &s, google)
                .unwrap()
                .failure,
            StepFailure::InboxDisconnected
        );
        let provider = sender_verdict(false, limit(LimitSide::Provider), 0.9, &s, google).unwrap();
        assert_eq!(provider.side, Some(LimitSide::Provider));
        assert_eq!(provider.reply, Some(SmtpReply::SenderQuotaExhausted));
        let outlook_limit = sender_verdict(false, limit(LimitSide::Provider), 0.9, &s, outlook);
        assert_eq!(
            outlook_limit.unwrap().reply,
            None,
            "only Google answers 5.4.5"
        );
        let platform = sender_verdict(false, limit(LimitSide::Platform), 0.9, &s, google).unwrap();
        assert_eq!(
            (platform.side, platform.reply),
            (Some(LimitSide::Platform), None)
        );
        assert_eq!(
            sender_verdict(false, None, 0.09, &s, google)
                .unwrap()
                .failure,
            StepFailure::SendFailure
        );
        assert_eq!(sender_verdict(false, None, 0.1, &s, google), None);
    }

    #[test]
    fn send_draws_take_five_outputs_in_order() {
        let e = engagement();
        let mut a = Stream::keyed(7, StreamKind::Send, &[1, 2, 3, 4]);
        let mut b = a.clone();
        let d = SendDraws::draw(&mut a, &e);
        assert_eq!(d.fail, b.unit());
        assert_eq!(d.answer, b.unit());
        assert_eq!(d.reaction, b.unit());
        assert_eq!(d.unsubscribe_all, b.unit());
        assert_eq!(d.reaction_delay_seconds, b.below(48 * 3_600 + 1));
        assert_eq!(a.next_u64(), b.next_u64(), "nothing else drawn");
    }
}
