//! SMTP-style answers to a send (RFC 5321 reply codes with RFC 3463 enhanced status codes),
//! as domain §6 classes them.

/// The answer a send got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SmtpReply {
    /// 250 2.0.0: accepted for delivery.
    Delivered,
    /// 550 5.1.1: the mailbox does not exist (hard bounce).
    HardBounce,
    /// 452 4.2.2: mailbox full, or another transient condition (soft bounce; retry may work).
    SoftBounce,
    /// 550 5.7.1: rejected on policy or spam grounds.
    PolicyRejection,
    /// 550 5.4.5: the sender's own quota at its provider is exhausted (a sender-side limit).
    SenderQuotaExhausted,
}

/// Whether a reply is success, transient or permanent (the first digit of the code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyClass {
    /// 2.x.x.
    Success,
    /// 4.x.x: a retry may work.
    Transient,
    /// 5.x.x: a retry will not work.
    Permanent,
}

impl SmtpReply {
    /// The reply as a mail server writes it: basic code and enhanced status code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Delivered => "250 2.0.0",
            Self::HardBounce => "550 5.1.1",
            Self::SoftBounce => "452 4.2.2",
            Self::PolicyRejection => "550 5.7.1",
            Self::SenderQuotaExhausted => "550 5.4.5",
        }
    }

    /// The reply's class.
    pub const fn class(self) -> ReplyClass {
        match self {
            Self::Delivered => ReplyClass::Success,
            Self::SoftBounce => ReplyClass::Transient,
            Self::HardBounce | Self::PolicyRejection | Self::SenderQuotaExhausted => {
                ReplyClass::Permanent
            }
        }
    }
}

crate::catalogue! {
    /// Which side's send limit stopped a step (the product tells them apart, domain §4).
    pub enum LimitSide {
        /// The platform's per-inbox limit (90% of the inbox limit over a rolling 24 hours).
        Platform = "platform",
        /// The sender's mail provider's own limit.
        Provider = "provider",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_first_digit() {
        for reply in [
            SmtpReply::Delivered,
            SmtpReply::HardBounce,
            SmtpReply::SoftBounce,
            SmtpReply::PolicyRejection,
            SmtpReply::SenderQuotaExhausted,
        ] {
            let expected = match reply.code().as_bytes()[0] {
                b'2' => ReplyClass::Success,
                b'4' => ReplyClass::Transient,
                _ => ReplyClass::Permanent,
            };
            assert_eq!(reply.class(), expected, "{}", reply.code());
        }
    }
}
