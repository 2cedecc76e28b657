//! Checks of `[reenrollment]`: the policy, and what users do about each step failure.

use model::StepFailure;
use sim::{Remedy, ResumeAt};

use super::Validator;
use crate::key::{field, Key};
use crate::raw::{Policy, RawReenrollment, RawRemedy, RetryFrom};

impl Validator<'_> {
    pub(super) fn reenrollment(
        &mut self,
        (at, r): (Key, &RawReenrollment),
    ) -> Option<sim::Reenrollment> {
        let (policy_key, policy) = field!(at, r.policy);
        let policy = self.named::<Policy>(policy_key, policy, "a policy", "");
        let default_minutes = self
            .count(field!(at, r.delay_hours), 1, 24 * 365)
            .map(|hours| hours * 60);
        let remedies = [
            self.remedy(
                field!(at, r.send_limit_reached),
                StepFailure::SendLimitReached,
                default_minutes,
            ),
            self.remedy(
                field!(at, r.send_failure),
                StepFailure::SendFailure,
                default_minutes,
            ),
            self.remedy(
                field!(at, r.inbox_disconnected),
                StepFailure::InboxDisconnected,
                default_minutes,
            ),
            self.remedy(
                field!(at, r.gmail_send_error),
                StepFailure::GmailSendError,
                None,
            ),
        ];
        debug_assert!(StepFailure::ALL
            .iter()
            .enumerate()
            .all(|(i, f)| f.index() == i));
        match policy? {
            Policy::None => Some(sim::Reenrollment::None),
            Policy::Resume => {
                let [a, b, c, d] = remedies;
                Some(sim::Reenrollment::Act([a?, b?, c?, d?]))
            }
        }
    }

    /// The remedy for `failure`: the knowledge base's, with the file's keys over it. The
    /// delay defaults to `default_minutes` when given (the legacy `delay_hours`).
    fn remedy(
        &mut self,
        (at, r): (Key, &RawRemedy),
        failure: StepFailure,
        default_minutes: Option<u32>,
    ) -> Option<Remedy> {
        let article = Remedy::article(failure);
        let (share_key, share) = field!(at, r.share);
        let share = share.map(|p| self.probability((share_key, &p)));
        let delay_minutes = self.optional_count(field!(at, r.delay_minutes), 1, 60 * 24 * 365)?;
        let resume_at = match field!(at, r.resume_at) {
            (key, Some(name)) => {
                Some(self.named::<ResumeAt>(key, name, "a step to resume at", "")?)
            }
            (_, None) => None,
        };
        let from_gmail = self.retry_from(field!(at, r.retry_from), failure)?;
        Some(Remedy {
            share: share.unwrap_or(article.share),
            delay_minutes: delay_minutes
                .or(default_minutes)
                .unwrap_or(article.delay_minutes),
            resume_at: resume_at.unwrap_or(article.resume_at),
            reconnect_first: r.reconnect_first.unwrap_or(article.reconnect_first),
            from_gmail: from_gmail.unwrap_or(article.from_gmail),
        })
    }

    /// `retry_from`, which only GMAIL_SEND_ERROR's remedy may set: `Some(None)` when absent.
    fn retry_from(
        &mut self,
        (at, name): (Key, &Option<String>),
        failure: StepFailure,
    ) -> Option<Option<bool>> {
        let Some(name) = name else {
            return Some(None);
        };
        if failure != StepFailure::GmailSendError {
            let message = "only the gmail_send_error remedy re-enrolls from Gmail; allowed here: no retry_from";
            self.problem(at, message);
            return None;
        }
        let from = self.named::<RetryFrom>(at, name, "a place to retry from", "")?;
        Some(Some(from == RetryFrom::Gmail))
    }
}
