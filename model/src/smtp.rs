//! SMTP-style answers to a send (RFC 5321 reply codes with RFC 3463 enhanced status codes),
//! as domain §6 classes them: each answer is one specific reply, with its code, its class
//! (the first digit) and what it means for the send (its [`ReplyKind`]).

crate::catalogue! {
    /// The answer a send got: one specific reply. Names as scenario files spell them (in the
    /// mailbox providers' splits).
    pub enum SmtpReply {
        /// 250 2.0.0: accepted for delivery.
        Delivered = "delivered",
        /// 550 5.1.1: the mailbox does not exist (hard bounce).
        BadMailbox = "bad_mailbox",
        /// 550 5.1.2: the domain does not exist (hard bounce).
        BadDomain = "bad_domain",
        /// 553 5.1.3: the address's syntax is bad (hard bounce).
        BadSyntax = "bad_syntax",
        /// 550 5.1.6: the mailbox has moved, with no forwarding address (hard bounce; a mailbox
        /// that once existed).
        MailboxMoved = "mailbox_moved",
        /// 550 5.7.27: the domain publishes a null MX, it accepts no mail (hard bounce).
        NullMx = "null_mx",
        /// 452 4.2.2: the mailbox is full (soft bounce).
        MailboxFull = "mailbox_full",
        /// 451 4.4.1: a network or routing problem, no answer from the host (soft bounce).
        NetworkRouting = "network_routing",
        /// 450 4.2.1: the mailbox is receiving mail too fast (soft bounce).
        ReceivingTooFast = "receiving_too_fast",
        /// 421 4.7.0: rate-limited for the sender's low reputation (soft bounce).
        LowReputation = "low_reputation",
        /// 550 5.7.1: rejected on policy or spam grounds.
        PolicyRejection = "policy_rejection",
        /// 550 5.4.5: the sender's own quota at its provider is exhausted (a sender-side limit,
        /// Gmail's).
        SenderQuotaExhausted = "sender_quota_exhausted",
    }
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

impl ReplyClass {
    /// The class's digit: 2, 4 or 5.
    pub const fn digit(self) -> u8 {
        match self {
            Self::Success => 2,
            Self::Transient => 4,
            Self::Permanent => 5,
        }
    }
}

/// What a reply means for the send (domain.md §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyKind {
    /// Delivered.
    Delivered,
    /// A hard bounce: the address cannot receive mail (BOUNCED).
    HardBounce,
    /// A soft bounce: transient, a retry may work.
    SoftBounce,
    /// A policy or spam block by the recipient's provider (OTHER_SEND_REJECTED).
    PolicyRejection,
    /// The sender's own provider quota is exhausted (SEND_LIMIT_REACHED, provider side).
    SenderQuota,
}

impl SmtpReply {
    /// The reply as a mail server writes it: basic code and enhanced status code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Delivered => "250 2.0.0",
            Self::BadMailbox => "550 5.1.1",
            Self::BadDomain => "550 5.1.2",
            Self::BadSyntax => "553 5.1.3",
            Self::MailboxMoved => "550 5.1.6",
            Self::NullMx => "550 5.7.27",
            Self::MailboxFull => "452 4.2.2",
            Self::NetworkRouting => "451 4.4.1",
            Self::ReceivingTooFast => "450 4.2.1",
            Self::LowReputation => "421 4.7.0",
            Self::PolicyRejection => "550 5.7.1",
            Self::SenderQuotaExhausted => "550 5.4.5",
        }
    }

    /// What the reply means for the send.
    pub const fn kind(self) -> ReplyKind {
        match self {
            Self::Delivered => ReplyKind::Delivered,
            Self::BadMailbox | Self::BadDomain | Self::BadSyntax | Self::MailboxMoved => {
                ReplyKind::HardBounce
            }
            Self::NullMx => ReplyKind::HardBounce,
            Self::MailboxFull | Self::NetworkRouting | Self::ReceivingTooFast => {
                ReplyKind::SoftBounce
            }
            Self::LowReputation => ReplyKind::SoftBounce,
            Self::PolicyRejection => ReplyKind::PolicyRejection,
            Self::SenderQuotaExhausted => ReplyKind::SenderQuota,
        }
    }

    /// The reply's class.
    pub const fn class(self) -> ReplyClass {
        match self.kind() {
            ReplyKind::Delivered => ReplyClass::Success,
            ReplyKind::SoftBounce => ReplyClass::Transient,
            ReplyKind::HardBounce | ReplyKind::PolicyRejection | ReplyKind::SenderQuota => {
                ReplyClass::Permanent
            }
        }
    }

    /// The replies of `kind`, in catalogue order.
    pub fn of_kind(kind: ReplyKind) -> impl Iterator<Item = Self> {
        Self::ALL.into_iter().filter(move |r| r.kind() == kind)
    }

    /// Whether the reply is a soft bounce.
    pub const fn is_soft_bounce(self) -> bool {
        matches!(self.kind(), ReplyKind::SoftBounce)
    }

    /// The hard bounces an address that does not exist can get (x.1.1, x.1.2, x.1.3, null MX);
    /// the mailbox-moved bounce is a valid mailbox's.
    pub const fn is_invalid_address_answer(self) -> bool {
        matches!(
            self,
            Self::BadMailbox | Self::BadDomain | Self::BadSyntax | Self::NullMx
        )
    }
}

crate::catalogue! {
    /// Which side's send limit stopped a step (the product tells them apart, domain §4).
    pub enum LimitSide {
        /// The platform's per-inbox limit (over a rolling 24 hours).
        Platform = "platform",
        /// The sender's mail provider's own limit.
        Provider = "provider",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// domain.md §6, written out independently of the code above: every reply, its code, its
    /// class digit and its kind.
    const DOMAIN_TABLE: [(SmtpReply, &str, u8, ReplyKind); 12] = [
        (SmtpReply::Delivered, "250 2.0.0", 2, ReplyKind::Delivered),
        (SmtpReply::BadMailbox, "550 5.1.1", 5, ReplyKind::HardBounce),
        (SmtpReply::BadDomain, "550 5.1.2", 5, ReplyKind::HardBounce),
        (SmtpReply::BadSyntax, "553 5.1.3", 5, ReplyKind::HardBounce),
        (
            SmtpReply::MailboxMoved,
            "550 5.1.6",
            5,
            ReplyKind::HardBounce,
        ),
        (SmtpReply::NullMx, "550 5.7.27", 5, ReplyKind::HardBounce),
        (
            SmtpReply::MailboxFull,
            "452 4.2.2",
            4,
            ReplyKind::SoftBounce,
        ),
        (
            SmtpReply::NetworkRouting,
            "451 4.4.1",
            4,
            ReplyKind::SoftBounce,
        ),
        (
            SmtpReply::ReceivingTooFast,
            "450 4.2.1",
            4,
            ReplyKind::SoftBounce,
        ),
        (
            SmtpReply::LowReputation,
            "421 4.7.0",
            4,
            ReplyKind::SoftBounce,
        ),
        (
            SmtpReply::PolicyRejection,
            "550 5.7.1",
            5,
            ReplyKind::PolicyRejection,
        ),
        (
            SmtpReply::SenderQuotaExhausted,
            "550 5.4.5",
            5,
            ReplyKind::SenderQuota,
        ),
    ];

    #[test]
    fn every_reply_is_domain_sections_six() {
        let listed: Vec<SmtpReply> = DOMAIN_TABLE.iter().map(|row| row.0).collect();
        assert_eq!(listed, SmtpReply::ALL, "the table lists every reply once");
        for (reply, code, digit, kind) in DOMAIN_TABLE {
            assert_eq!(reply.code(), code, "{reply:?}");
            assert_eq!(reply.class().digit(), digit, "{reply:?}");
            assert_eq!(reply.kind(), kind, "{reply:?}");
        }
    }

    #[test]
    fn classes_follow_the_first_digits() {
        for reply in SmtpReply::ALL {
            let code = reply.code().as_bytes();
            let digit = reply.class().digit();
            assert_eq!(code[0] - b'0', digit, "{}", reply.code());
            assert_eq!(code[4] - b'0', digit, "enhanced code of {}", reply.code());
        }
    }

    #[test]
    fn kinds_list_their_replies() {
        let soft: Vec<_> = SmtpReply::of_kind(ReplyKind::SoftBounce).collect();
        assert_eq!(
            soft,
            [
                SmtpReply::MailboxFull,
                SmtpReply::NetworkRouting,
                SmtpReply::ReceivingTooFast,
                SmtpReply::LowReputation
            ]
        );
        let soft_too: Vec<_> = SmtpReply::ALL
            .into_iter()
            .filter(|r| r.is_soft_bounce())
            .collect();
        assert_eq!(soft_too, soft);
        let invalid: Vec<_> = SmtpReply::ALL
            .into_iter()
            .filter(|r| r.is_invalid_address_answer())
            .collect();
        assert_eq!(
            invalid,
            [
                SmtpReply::BadMailbox,
                SmtpReply::BadDomain,
                SmtpReply::BadSyntax,
                SmtpReply::NullMx
            ]
        );
    }
}
