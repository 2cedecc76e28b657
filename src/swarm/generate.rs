//! The swarm's scenario generator: scenario `index` of swarm seed `seed` as TOML text, drawn
//! from its own Xoshiro256++ stream (`sim::rng`, kind `Swarm`), with the features it used.
//!
//! Every draw is a valid scenario by construction (a file that validation refuses is a generator
//! bug, which the swarm reports as a failure); each is small (hundreds to a few thousand
//! contacts, days to weeks) and switches each feature on or off at random, so that a few hundred
//! draws cover every feature and their combinations.

use std::fmt::Write as _;

use sim::rng::{Stream, StreamKind};

model::catalogue! {
    /// What a generated scenario can contain; the swarm counts the scenarios using each.
    pub enum Feature {
        /// A `gmail` inbox.
        InboxGmail = "inbox_gmail",
        /// A `google_workspace` inbox.
        InboxGoogleWorkspace = "inbox_google_workspace",
        /// A `microsoft_365` inbox.
        InboxMicrosoft365 = "inbox_microsoft_365",
        /// An `outlook_com` inbox.
        InboxOutlookCom = "inbox_outlook_com",
        /// An `exchange` inbox.
        InboxExchange = "inbox_exchange",
        /// An `other` inbox.
        InboxOther = "inbox_other",
        /// A user without a connected inbox.
        InboxNone = "inbox_none",
        /// A free seat.
        SeatFree = "seat_free",
        /// A Starter seat.
        SeatStarter = "seat_starter",
        /// A Professional seat.
        SeatProfessional = "seat_professional",
        /// An Enterprise seat.
        SeatEnterprise = "seat_enterprise",
        /// A sequence sending on weekdays only.
        WeekdaysOnly = "weekdays_only",
        /// A sequence sending every day.
        EveryDay = "every_day",
        /// A sequence with a send window.
        SendWindow = "send_window",
        /// A calendar starting on a weekend.
        WeekendStart = "weekend_start",
        /// Several sequences.
        ManySequences = "many_sequences",
        /// A task step.
        TaskStep = "task_step",
        /// A manual email step.
        ManualStep = "manual_step",
        /// Several portals.
        ManyPortals = "many_portals",
        /// Persons shared between portals.
        SharedPersons = "shared_persons",
        /// Duplicate contact records.
        Duplicates = "duplicates",
        /// Declared mailbox providers.
        MailboxProviders = "mailbox_providers",
        /// Soft-bounce and invalid-address reply splits.
        ReplySplits = "reply_splits",
        /// Declared subscription types.
        SubscriptionTypes = "subscription_types",
        /// A custom inbox daily limit.
        CustomDailyLimit = "custom_daily_limit",
        /// A user's own mail counted toward the provider's limits.
        OtherEmails = "other_emails",
        /// A group pinned to a portal or a sequence.
        PinnedSenders = "pinned_senders",
        /// CRM bulk enrollments.
        BulkSource = "bulk_source",
        /// Gmail-extension enrollments.
        GmailSource = "gmail_source",
        /// Second enrollments of a contact.
        SecondEnrollment = "second_enrollment",
        /// A per-minute limit.
        PerMinuteLimit = "per_minute_limit",
        /// Provider limits switched off.
        NoProviderLimits = "no_provider_limits",
        /// Send failures and Gmail send errors.
        SendFailures = "send_failures",
        /// A sequences daily limit that refuses.
        DailyLimitRefuse = "daily_limit_refuse",
        /// A sequences daily limit that defers to the next day.
        DailyLimitNextDay = "daily_limit_next_day",
        /// Reactions to delivered email.
        Engagement = "engagement",
        /// Random inbox disconnections.
        Disconnections = "disconnections",
        /// An outage of one inbox provider.
        Outage = "outage",
        /// An outage of every inbox.
        OutageAll = "outage_all",
        /// Re-enrollment under `policy = "resume"`.
        PolicyResume = "policy_resume",
        /// A remedy with keys of its own.
        CustomRemedy = "custom_remedy",
        /// A rule order of the scenario's own.
        RuleOrder = "rule_order",
        /// A `sender_bounce_rate` guard.
        GuardSenderBounceRate = "guard_sender_bounce_rate",
        /// A `sender_complaint_rate` guard.
        GuardSenderComplaintRate = "guard_sender_complaint_rate",
        /// A `domain_bounces` guard.
        GuardDomainBounces = "guard_domain_bounces",
        /// A `cooldown` guard.
        GuardCooldown = "guard_cooldown",
        /// A `daily_enrollment_cap` guard.
        GuardDailyEnrollmentCap = "guard_daily_enrollment_cap",
        /// A `recent_engagement` guard.
        GuardRecentEngagement = "guard_recent_engagement",
        /// A rate guard whose window counts sends (`window_sends`).
        GuardWindowSends = "guard_window_sends",
        /// A guard that pauses the sender.
        GuardPause = "guard_pause",
        /// One of the library's rule files (rules/*.toml) as the scenario's rules.
        RuleFile = "rule_file",
    }
}

/// The library's rule files, embedded: the swarm runs each as a scenario's `[rules]`.
pub const RULE_FILES: [(&str, &str); 7] = [
    ("default", include_str!("../../rules/default.toml")),
    (
        "list-hygiene",
        include_str!("../../rules/list-hygiene.toml"),
    ),
    (
        "pause-at-8-percent",
        include_str!("../../rules/pause-at-8-percent.toml"),
    ),
    (
        "sender-bounce-guard",
        include_str!("../../rules/sender-bounce-guard.toml"),
    ),
    (
        "sender-bounce-last-200-sends",
        include_str!("../../rules/sender-bounce-last-200-sends.toml"),
    ),
    ("two-guards", include_str!("../../rules/two-guards.toml")),
    (
        "unsubscribed-before-spam",
        include_str!("../../rules/unsubscribed-before-spam.toml"),
    ),
];

const INBOXES: [(&str, Feature); 7] = [
    ("gmail", Feature::InboxGmail),
    ("google_workspace", Feature::InboxGoogleWorkspace),
    ("microsoft_365", Feature::InboxMicrosoft365),
    ("outlook_com", Feature::InboxOutlookCom),
    ("exchange", Feature::InboxExchange),
    ("other", Feature::InboxOther),
    ("none", Feature::InboxNone),
];

const SEATS: [(&str, Feature); 4] = [
    ("free", Feature::SeatFree),
    ("starter", Feature::SeatStarter),
    ("professional", Feature::SeatProfessional),
    ("enterprise", Feature::SeatEnterprise),
];

const CODES: [&str; 15] = [
    "MISSING_EMAIL_ADDRESS",
    "NO_CONNECTED_INBOX",
    "CANNOT_COMMUNICATE",
    "SEAT_NOT_ELIGIBLE",
    "SEQUENCES_DAILY_LIMIT_REACHED",
    "BLOCKED_ADDRESS",
    "BLOCKED_DOMAIN",
    "BOUNCED",
    "RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL",
    "RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY",
    "PREVIOUSLY_MARKED_AS_SPAM",
    "OTHER_SEND_REJECTED",
    "UNSUBSCRIBED",
    "UNSUBSCRIBED_PERSONAL",
    "ALREADY_ENROLLED",
];

/// One generated scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The scenario file's text.
    pub toml: String,
    /// The scenario's own seed (its `seed` key).
    pub seed: u64,
    /// Bit `f.index()` is set when the scenario uses feature `f`.
    pub features: u64,
}

impl Generated {
    /// Whether the scenario uses `feature`.
    #[cfg(test)]
    pub fn has(&self, feature: Feature) -> bool {
        self.features & (1 << feature.index()) != 0
    }
}

/// What later sections need to know of earlier ones.
struct Gen {
    draw: Stream,
    out: String,
    features: u64,
    portals: u32,
    horizon: u32,
    /// Days from 2026-03-02 (a Monday) to the start.
    start_offset: u32,
    sequences: u32,
    subscription_types: u32,
}

/// Scenario `index` of the swarm with seed `seed`.
pub fn generate(seed: u64, index: u64) -> Generated {
    const { assert!(Feature::ALL.len() <= 64) };
    let mut g = Gen {
        draw: Stream::keyed(seed, StreamKind::Swarm, &[index]),
        out: String::with_capacity(4_096),
        features: 0,
        portals: 1,
        horizon: 1,
        start_offset: 0,
        sequences: 1,
        subscription_types: 0,
    };
    let scenario_seed = g.draw.next_u64();
    let _ = writeln!(g.out, "# seqsim swarm --seed {seed}: scenario {index}");
    let _ = writeln!(
        g.out,
        "name = \"swarm-{seed}-{index}\"\nseed = \"{scenario_seed}\""
    );
    g.calendar();
    g.population();
    g.sequences();
    g.senders();
    g.plan();
    g.sending();
    g.dynamics();
    g.reenrollment();
    g.rules();
    Generated {
        toml: g.out,
        seed: scenario_seed,
        features: g.features,
    }
}

impl Gen {
    fn mark(&mut self, feature: Feature) {
        self.features |= 1 << feature.index();
    }

    /// A whole number in `lo..=hi`.
    fn int(&mut self, lo: u32, hi: u32) -> u32 {
        debug_assert!(lo <= hi);
        lo + self.draw.below(hi - lo + 1)
    }

    /// A probability below `max`, in thousandths (so the text stays short).
    fn rate(&mut self, max: f64) -> f64 {
        let thousandths = (max * 1_000.0) as u32;
        f64::from(self.draw.below(thousandths + 1)) / 1_000.0
    }

    fn chance(&mut self, p: f64) -> bool {
        self.draw.chance(p)
    }

    fn line(&mut self, text: impl AsRef<str>) {
        self.out.push_str(text.as_ref());
        self.out.push('\n');
    }

    /// The date `day` days after the start, as `"YYYY-MM-DD"`.
    fn date(&self, day: u32) -> String {
        let march = 2 + self.start_offset + day;
        if march <= 31 {
            format!("2026-03-{march:02}")
        } else {
            format!("2026-04-{:02}", march - 31)
        }
    }

    fn calendar(&mut self) {
        self.start_offset = self.draw.below(7);
        self.horizon = self.int(3, 35);
        if self.start_offset >= 5 {
            self.mark(Feature::WeekendStart);
        }
        let start = self.date(0);
        let horizon = self.horizon;
        self.line(format!(
            "\n[calendar]\nstart = \"{start}\"\nhorizon_days = {horizon}"
        ));
    }

    fn population(&mut self) {
        self.portals = if self.chance(0.5) { self.int(2, 4) } else { 1 };
        if self.portals > 1 {
            self.mark(Feature::ManyPortals);
        }
        let contacts = self.int(100, 3_000);
        let domains = self.int(5, 500);
        let portals = self.portals;
        self.line(format!(
            "\n[population]\ncontacts = {contacts}\nportals = {portals}\ndomains = {domains}"
        ));
        if self.chance(0.5) {
            self.mark(Feature::SharedPersons);
            let shared = self.rate(0.3);
            self.line(format!("shared_persons = {shared}"));
        }
        if self.chance(0.5) {
            self.mark(Feature::Duplicates);
            let duplicates = self.rate(0.1);
            self.line(format!("duplicate_contacts = {duplicates}"));
        }
        self.subscription_types = if self.chance(0.3) { self.int(1, 3) } else { 0 };
        self.rates();
        self.mailbox_providers();
        for t in 0..self.subscription_types {
            self.mark(Feature::SubscriptionTypes);
            let rate = self.rate(0.1);
            self.line(format!(
                "\n[[population.subscription_types]]\nname = \"type-{t}\"\nunsubscribed_personal = {rate}"
            ));
        }
    }

    fn rates(&mut self) {
        self.line("\n[population.rates]");
        let keys: [(&str, f64); 16] = [
            ("missing_email", 0.05),
            ("invalid_address", 0.2),
            ("blocked_address", 0.02),
            ("blocked_domain", 0.02),
            ("bounced_globally_if_invalid", 0.5),
            ("bounced_globally_if_valid", 0.01),
            ("bounced_if_invalid", 0.5),
            ("bounced_if_valid", 0.01),
            ("bounced_on_portal_if_invalid", 0.5),
            ("bounced_on_portal_if_valid", 0.01),
            ("marked_as_spam", 0.02),
            ("other_send_rejected", 0.02),
            ("unsubscribed", 0.05),
            ("unsubscribed_personal", 0.05),
            ("cannot_communicate", 0.03),
            ("already_enrolled", 0.05),
        ];
        for (key, max) in keys {
            // With declared types, each type states its own opt-out rate.
            let own_rate = key == "unsubscribed_personal" && self.subscription_types > 0;
            if !own_rate && self.chance(0.7) {
                let rate = self.rate(max);
                self.line(format!("{key} = {rate}"));
            }
        }
    }

    fn mailbox_providers(&mut self) {
        if self.chance(0.5) {
            return;
        }
        self.mark(Feature::MailboxProviders);
        let count = self.int(1, 3);
        let mut left = 100;
        for i in 0..count {
            let share = if i + 1 == count {
                left
            } else {
                self.int(1, left - (count - 1 - i))
            };
            left -= share;
            let (soft, policy, moved) = (self.rate(0.1), self.rate(0.05), self.rate(0.02));
            self.line(format!(
                "\n[[population.mailbox_providers]]\nname = \"provider-{i}\"\nshare = {}\nsoft_bounce = {soft}\npolicy_rejection = {policy}\nmailbox_moved = {moved}",
                f64::from(share) / 100.0
            ));
            if self.chance(0.5) {
                self.mark(Feature::ReplySplits);
                let a = self.int(1, 99);
                let soft = [
                    "mailbox_full",
                    "network_routing",
                    "receiving_too_fast",
                    "low_reputation",
                ];
                let invalid = ["bad_mailbox", "bad_domain", "bad_syntax", "null_mx"];
                let (s1, s2) = (self.draw.below(2) as usize, 2 + self.draw.below(2) as usize);
                let (i1, i2) = (self.draw.below(2) as usize, 2 + self.draw.below(2) as usize);
                let (x, y) = (f64::from(a) / 100.0, f64::from(100 - a) / 100.0);
                self.line(format!(
                    "soft_bounce_split = {{ {} = {x}, {} = {y} }}",
                    soft[s1], soft[s2]
                ));
                self.line(format!(
                    "invalid_split = {{ {} = {y}, {} = {x} }}",
                    invalid[i1], invalid[i2]
                ));
            }
        }
    }

    fn sequences(&mut self) {
        self.sequences = self.int(1, 3);
        if self.sequences > 1 {
            self.mark(Feature::ManySequences);
        }
        for s in 0..self.sequences {
            self.line(format!("\n[[sequences]]\nname = \"seq-{s}\""));
            let steps = self.int(1, 5);
            let mut list = Vec::new();
            for i in 0..steps {
                let (kind, feature) = match self.draw.below(6) {
                    0 => ("task", Some(Feature::TaskStep)),
                    1 => ("manual_email", Some(Feature::ManualStep)),
                    _ => ("automated_email", None),
                };
                if let Some(f) = feature {
                    self.mark(f);
                }
                let delay = if i == 0 { 0 } else { self.int(0, 4) };
                list.push(format!("  {{ kind = \"{kind}\", delay_days = {delay} }},"));
            }
            self.line(format!("steps = [\n{}\n]", list.join("\n")));
            let weekdays = self.chance(0.6);
            self.mark(if weekdays {
                Feature::WeekdaysOnly
            } else {
                Feature::EveryDay
            });
            self.line(format!("weekdays_only = {weekdays}"));
            if self.chance(0.4) {
                self.mark(Feature::SendWindow);
                let (from, to) = (self.int(0, 12 * 60 - 1), self.int(12 * 60, 24 * 60 - 1));
                let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
                self.line(format!("send_window = [\"{}\", \"{}\"]", hm(from), hm(to)));
            }
            if self.subscription_types > 0 && self.chance(0.7) {
                let t = self.draw.below(self.subscription_types);
                self.line(format!("subscription_type = \"type-{t}\""));
            }
        }
    }

    fn senders(&mut self) {
        let groups = self.int(1, 5);
        for _ in 0..groups {
            let (inbox, inbox_feature) = INBOXES[self.draw.below(7) as usize];
            // Most users can send, so that the sending features have work to do.
            let seat = if self.chance(0.6) {
                2 + self.draw.below(2)
            } else {
                self.draw.below(4)
            };
            let (seat, seat_feature) = SEATS[seat as usize];
            self.mark(inbox_feature);
            self.mark(seat_feature);
            let count = self.int(1, 4);
            self.line(format!(
                "\n[[senders]]\ncount = {count}\nseat = \"{seat}\"\ninbox = \"{inbox}\""
            ));
            if self.chance(0.3) {
                self.mark(Feature::PinnedSenders);
                let portal = self.draw.below(self.portals);
                let sequence = self.draw.below(self.sequences);
                self.line(format!("portal = {portal}\nsequence = \"seq-{sequence}\""));
            }
            if self.chance(0.3) {
                self.mark(Feature::CustomDailyLimit);
                let limit = self.int(5, 600);
                self.line(format!("daily_limit = {limit}"));
            }
            if self.chance(0.2) {
                self.mark(Feature::OtherEmails);
                let other = self.int(0, 400);
                self.line(format!("other_emails_per_day = {other}"));
            }
        }
    }

    fn plan(&mut self) {
        // The weekdays among the simulated days: at least one, as the horizon is 3 or more.
        let fitting = (0..self.horizon)
            .filter(|d| (self.start_offset + d) % 7 < 5)
            .count() as u32;
        let business_days = self.int(1, fitting.min(15));
        let from = self.int(0, 12);
        let to = self.int(from + 1, 24);
        let coverage = f64::from(self.int(200, 1_000)) / 1_000.0;
        self.line(format!(
            "\n[plan]\nbusiness_days = {business_days}\nworking_hours = [{from}, {to}]\ncoverage = {coverage}"
        ));
        if self.chance(0.5) {
            self.mark(Feature::SecondEnrollment);
            let second = self.rate(0.4);
            self.line(format!("second_enrollment = {second}"));
        }
        let bulk_size_max = self.int(1, 50);
        self.line(format!("bulk_size_max = {bulk_size_max}"));
        let single = self.int(0, 100);
        let bulk = if self.chance(0.6) {
            self.int(0, 100 - single)
        } else {
            0
        };
        let gmail = if self.chance(0.5) {
            100 - single - bulk
        } else {
            0
        };
        let single = 100 - bulk - gmail;
        if bulk > 0 {
            self.mark(Feature::BulkSource);
        }
        if gmail > 0 {
            self.mark(Feature::GmailSource);
        }
        let share = |n: u32| f64::from(n) / 100.0;
        self.line(format!(
            "\n[plan.sources]\ncrm_single = {}\ncrm_bulk = {}\ngmail_extension = {}",
            share(single),
            share(bulk),
            share(gmail)
        ));
    }
}

impl Gen {
    fn sending(&mut self) {
        let stagger = self.int(0, 90);
        let bulk_per_minute = self.int(1, 10);
        let provider_limits = self.chance(0.8);
        if !provider_limits {
            self.mark(Feature::NoProviderLimits);
        }
        let block = self.int(0, 48);
        let retries = self.int(0, 4);
        let backoff = self.int(1, 120);
        self.line(format!(
            "\n[sending]\nstagger_seconds = {stagger}\nbulk_per_minute = {bulk_per_minute}\nprovider_limits = {provider_limits}\nprovider_block_hours = {block}\nsoft_bounce_retries = {retries}\nretry_backoff_minutes = {backoff}"
        ));
        if self.chance(0.3) {
            self.mark(Feature::PerMinuteLimit);
            let limit = self.int(1, 10);
            self.line(format!("per_minute_limit = {limit}"));
        }
        if self.chance(0.5) {
            self.mark(Feature::SendFailures);
            let (failure, gmail) = (self.rate(0.05), self.rate(0.2));
            self.line(format!(
                "send_failure = {failure}\ngmail_send_error = {gmail}"
            ));
        }
        if self.chance(0.4) {
            let per_user = self.int(1, 150);
            let next_day = self.chance(0.5);
            self.mark(if next_day {
                Feature::DailyLimitNextDay
            } else {
                Feature::DailyLimitRefuse
            });
            let when = if next_day { "next_day" } else { "refuse" };
            self.line(format!(
                "\n[sending.sequences_daily_limit]\nper_user = {per_user}\nwhen_full = \"{when}\""
            ));
        }
    }

    /// Engagement, disconnections, outages and tasks.
    fn dynamics(&mut self) {
        if self.chance(0.7) {
            self.mark(Feature::Engagement);
            let r: Vec<f64> = (0..5).map(|_| self.rate(0.1)).collect();
            let all_share = self.rate(1.0);
            let hours = self.int(0, 96);
            self.line(format!(
                "\n[engagement]\nreply = {}\nmeeting_booked = {}\nunsubscribe = {}\nunsubscribe_all_share = {all_share}\nspam_complaint = {}\nout_of_office = {}\nreaction_hours_max = {hours}",
                r[0], r[1], r[2], r[3], r[4]
            ));
        }
        self.line("\n[disconnections]");
        if self.chance(0.4) {
            self.mark(Feature::Disconnections);
            let rate = self.rate(0.1);
            self.line(format!("per_inbox_day = {rate}"));
        }
        let lo = self.int(0, 24);
        let hi = self.int(lo, 72);
        self.line(format!("reconnect_hours = [{lo}, {hi}]"));
        for _ in 0..self.draw.below(3) {
            let day = self.draw.below(self.horizon);
            let date = self.date(day);
            let (hour, minute) = (self.draw.below(24), self.draw.below(60));
            let hours = f64::from(self.int(1, 96)) / 4.0;
            let (inbox, feature) = match self.draw.below(7) {
                6 => ("all", Feature::OutageAll),
                i => (INBOXES[i as usize].0, Feature::Outage),
            };
            self.mark(feature);
            self.line(format!(
                "\n[[disconnections.outages]]\ndate = \"{date}\"\nstart = \"{hour:02}:{minute:02}\"\nhours = {hours}\ninbox = \"{inbox}\""
            ));
        }
        let lo = self.int(0, 48);
        let hi = self.int(lo, 96);
        self.line(format!("\n[tasks]\ncompletion_hours = [{lo}, {hi}]"));
    }

    fn reenrollment(&mut self) {
        if self.chance(0.5) {
            return;
        }
        self.mark(Feature::PolicyResume);
        let delay = self.int(1, 72);
        self.line(format!(
            "\n[reenrollment]\npolicy = \"resume\"\ndelay_hours = {delay}"
        ));
        let failures = [
            "send_limit_reached",
            "send_failure",
            "inbox_disconnected",
            "gmail_send_error",
        ];
        for failure in failures {
            if self.chance(0.6) {
                continue;
            }
            self.mark(Feature::CustomRemedy);
            self.line(format!("\n[reenrollment.{failure}]"));
            if self.chance(0.7) {
                let share = self.rate(1.0);
                self.line(format!("share = {share}"));
            }
            if self.chance(0.7) {
                let minutes = self.int(1, 3 * 1_440);
                self.line(format!("delay_minutes = {minutes}"));
            }
            if self.chance(0.7) {
                let at = ["next", "same", "first"][self.draw.below(3) as usize];
                self.line(format!("resume_at = \"{at}\""));
            }
            if self.chance(0.5) {
                let first = self.chance(0.5);
                self.line(format!("reconnect_first = {first}"));
            }
            if failure == "gmail_send_error" && self.chance(0.7) {
                let from = ["gmail", "crm"][self.draw.below(2) as usize];
                self.line(format!("retry_from = \"{from}\""));
            }
        }
    }

    fn rules(&mut self) {
        match self.draw.below(4) {
            0 => {}
            1 => {
                self.mark(Feature::RuleFile);
                let (name, text) = RULE_FILES[self.draw.below(RULE_FILES.len() as u32) as usize];
                self.line(format!("\n# rules/{name}.toml\n[rules]"));
                self.line(text.replace("[[guards]]", "[[rules.guards]]"));
            }
            _ => self.drawn_rules(),
        }
    }

    /// A rule set of the generator's own: guards of random kinds, maybe an order.
    fn drawn_rules(&mut self) {
        let guards: Vec<String> = (0..self.draw.below(4))
            .map(|i| format!("GUARD_{i}"))
            .collect();
        let mut order = Vec::new();
        if self.chance(0.5) {
            self.mark(Feature::RuleOrder);
            let mut codes: Vec<String> = CODES
                .iter()
                .filter(|&&c| {
                    matches!(c, "MISSING_EMAIL_ADDRESS" | "ALREADY_ENROLLED") || self.chance(0.8)
                })
                .map(|&c| c.to_owned())
                .chain(guards.iter().cloned())
                .collect();
            // Fisher-Yates with the scenario's stream.
            for i in (1..codes.len()).rev() {
                codes.swap(i, self.draw.below(i as u32 + 1) as usize);
            }
            order = codes;
        }
        self.line("\n[rules]");
        if !order.is_empty() {
            let quoted: Vec<String> = order.iter().map(|c| format!("\"{c}\"")).collect();
            self.line(format!("order = [{}]", quoted.join(", ")));
        }
        for code in &guards {
            self.guard(code);
        }
    }

    fn guard(&mut self, code: &str) {
        self.line(format!(
            "\n[[rules.guards]]\ncode = \"{code}\"\ndescription = \"a drawn guard\""
        ));
        let (feature, body) = match self.draw.below(6) {
            0 | 1 => {
                let kind =
                    ["sender_bounce_rate", "sender_complaint_rate"][self.draw.below(2) as usize];
                let hours = self.int(1, 168);
                let threshold = self.rate(0.2);
                let min_sends = self.int(1, 50);
                let feature = if kind == "sender_bounce_rate" {
                    Feature::GuardSenderBounceRate
                } else {
                    Feature::GuardSenderComplaintRate
                };
                let window = if self.chance(0.4) {
                    self.mark(Feature::GuardWindowSends);
                    format!("window_sends = {}", self.int(min_sends, 300))
                } else {
                    format!("window_hours = {hours}")
                };
                let body = format!(
                    "kind = \"{kind}\"\n{window}\nthreshold = {threshold}\nmin_sends = {min_sends}"
                );
                (feature, body)
            }
            2 => (
                Feature::GuardDomainBounces,
                format!("kind = \"domain_bounces\"\nbounces = {}", self.int(1, 5)),
            ),
            3 => (
                Feature::GuardCooldown,
                format!("kind = \"cooldown\"\ndays = {}", self.int(1, 10)),
            ),
            4 => (
                Feature::GuardDailyEnrollmentCap,
                format!(
                    "kind = \"daily_enrollment_cap\"\nper_day = {}",
                    self.int(1, 60)
                ),
            ),
            _ => (
                Feature::GuardRecentEngagement,
                format!("kind = \"recent_engagement\"\ndays = {}", self.int(1, 10)),
            ),
        };
        self.mark(feature);
        self.line(body);
        if matches!(
            feature,
            Feature::GuardSenderBounceRate | Feature::GuardSenderComplaintRate
        ) && self.chance(0.3)
        {
            self.mark(Feature::GuardPause);
            let hours = self.int(1, 48);
            self.line(format!("pause_hours = {hours}"));
        }
    }
}
