//! Checks of a rule set: a scenario's `[rules]` table or a rule file (`rules/*.toml`), which
//! share one shape: the order of the checks, and guards with their own reason codes.

use model::{Catalogue, Check, GuardCode, RejectionCode, RuleSet, RuleSetError, MAX_GUARDS};
use sim::{Guard, GuardKind, RateWindow};

use super::{quoted, Validator};
use crate::error::Problem;
use crate::key::{field, Key};
use crate::raw::{GuardKindName, RawGuard, RawRules};

/// How a guard is written, after an unknown key where a rule set is read; `table` is the
/// guards' array of tables: `rules.guards` in a scenario, `guards` in a rule file.
pub(crate) fn guard_syntax(table: &str) -> String {
    format!(
        "a guard is a [[{table}]] table with code (a reason code of its own, SENDER_BOUNCE_RATE_HIGH), description, kind, the kind's keys (sender_bounce_rate, sender_complaint_rate: window_hours or window_sends, threshold, min_sends; domain_bounces: bounces; cooldown, recent_engagement: days; daily_enrollment_cap: per_day) and optionally pause_hours; a CEL check is a [[{checks}]] table with code, description, when (a CEL expression, true refuses) and optionally action = \"pause\" with pause_hours",
        checks = table.replace("guards", "checks")
    )
}

/// Adds [`guard_syntax`] to the unknown-key problems of the rule set whose keys start with
/// `prefix` (`rules.` in a scenario, empty in a rule file): a key of the rule set's table or of
/// one of its guards. In a scenario, a top-level `guards` (a rule file's form) is told where
/// guards go.
pub(crate) fn hint_guard_syntax(problems: &mut [Problem], prefix: &str) {
    let table = format!("{prefix}guards");
    for p in problems.iter_mut() {
        if !p.message.starts_with("unknown key") {
            continue;
        }
        let misplaced = !prefix.is_empty() && p.key == "guards";
        let of_rules = (p.key.strip_prefix(prefix)).is_some_and(|key| {
            !key.contains(['.', '[']) || key.starts_with("guards[") || key.starts_with("checks[")
        });
        if misplaced {
            p.message = format!(
                "{}; a scenario declares guards under [rules]: {}",
                p.message,
                guard_syntax(&table)
            );
        } else if of_rules {
            p.message = format!("{}; {}", p.message, guard_syntax(&table));
        }
    }
}

/// The checks of a rule set and what its guards measure.
pub(crate) type Checked = (RuleSet, Vec<Guard>);

/// Whether `name` is spelled like a reason code: capitals, digits and underscores, starting
/// with a capital.
fn code_like(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The default order with `guards` guards: the pre-enrollment blocks, the guards, then the
/// table of domain §3.
fn default_order(guards: usize) -> Vec<Check> {
    let blocks = RejectionCode::PRE_ENROLLMENT_BLOCKS.map(Check::Code);
    let guard_checks = (0..guards as u8).map(Check::Guard);
    let rest = RejectionCode::ENROLLMENT_REJECTIONS.map(Check::Code);
    blocks.into_iter().chain(guard_checks).chain(rest).collect()
}

impl Validator<'_> {
    /// The rule set of `raw`; every problem reported.
    pub(super) fn rules(&mut self, (at, raw): (Key, &RawRules)) -> Option<Checked> {
        let (guards_key, raw_guards) = field!(at, raw.guards);
        let (checks_key, raw_checks) = field!(at, raw.checks);
        let declared: Vec<&str> = (raw_guards.iter().map(|g| g.code.as_str()))
            .chain(raw_checks.iter().map(|c| c.code.as_str()))
            .collect();
        if declared.len() > MAX_GUARDS {
            let message = format!(
                "{} guards and {} CEL checks; allowed: at most {MAX_GUARDS} in all",
                raw_guards.len(),
                raw_checks.len()
            );
            self.problem(guards_key, message);
            return None;
        }
        let mut checked: Vec<Option<(GuardCode, Guard)>> = (raw_guards.iter().enumerate())
            .map(|(i, g)| self.guard((guards_key.index(i), g), &declared[..i]))
            .collect();
        checked.extend((raw_checks.iter().enumerate()).map(|(j, c)| {
            let earlier = &declared[..raw_guards.len() + j];
            self.cel_check((checks_key.index(j), c), earlier)
        }));
        let (order_key, order) = field!(at, raw.order);
        let order = match order {
            None => Some(default_order(declared.len())),
            Some(names) => self.order((order_key.clone(), names), &declared),
        };
        let guards: Vec<(GuardCode, Guard)> = checked.into_iter().collect::<Option<_>>()?;
        let (codes, kinds): (Vec<GuardCode>, Vec<Guard>) = guards.into_iter().unzip();
        let message = match RuleSet::with_guards(&order?, codes) {
            Ok(rules) => return Some((rules, kinds)),
            Err(RuleSetError::Duplicate(check)) => {
                let name = match check {
                    Check::Code(code) => code.name().to_owned(),
                    Check::Guard(i) => declared[usize::from(i)].to_owned(),
                };
                format!("{name} is listed twice; allowed: each check at most once")
            }
            Err(RuleSetError::Missing(code)) => format!(
                "{} is left out; every rule set must check {}",
                code.name(),
                RuleSet::REQUIRED.map(RejectionCode::name).join(" and ")
            ),
            Err(RuleSetError::UnknownGuard(_) | RuleSetError::TooManyGuards(_)) => {
                unreachable!("checked above")
            }
        };
        self.problem(order_key, message);
        None
    }

    /// The checks `names` lists: built-in codes or the `declared` codes of the guards and CEL
    /// checks, each declared one listed (one left out would never block, which is surely a
    /// mistake).
    fn order(&mut self, (at, names): (Key, &Vec<String>), guards: &[&str]) -> Option<Vec<Check>> {
        let checked: Vec<Option<Check>> = (names.iter().enumerate())
            .map(|(i, name)| {
                let guard = guards.iter().position(|g| g == name);
                let check = guard
                    .map(|g| Check::Guard(g as u8))
                    .or_else(|| RejectionCode::from_name(name).map(Check::Code));
                if check.is_none() {
                    let declared = quoted(guards.iter().copied());
                    let also = if guards.is_empty() {
                        String::new()
                    } else {
                        format!(", or a declared guard: {declared}")
                    };
                    let allowed = quoted(RejectionCode::ALL.iter().map(|c| c.name()));
                    let message =
                        format!("{name:?} is not an enrollment check; allowed: {allowed}{also}");
                    self.problem(at.index(i), message);
                }
                check
            })
            .collect();
        let mut complete = true;
        for g in guards.iter().filter(|g| !names.iter().any(|n| n == *g)) {
            let message = format!(
                "guard {g} is declared but not in the order, so it would never block; allowed: an order listing every declared guard and CEL check (or no order: they go after the pre-enrollment blocks)"
            );
            self.problem(at.clone(), message);
            complete = false;
        }
        let order: Option<Vec<Check>> = checked.into_iter().collect();
        order.filter(|_| complete)
    }

    /// Whether `code` (at `key`) may name a guard or CEL check: spelled like a reason code, not
    /// a built-in one, and not one of the `earlier` declared ones.
    pub(super) fn declared_code(&mut self, key: Key, code: &str, earlier: &[&str]) -> bool {
        let message = if !code_like(code) {
            format!("{code:?} is not spelled like a reason code; allowed: capitals, digits and underscores, starting with a capital (SENDER_BOUNCE_RATE_HIGH)")
        } else if RejectionCode::from_name(code).is_some() {
            format!("{code} is a built-in code; allowed: a code of the check's own")
        } else if earlier.contains(&code) {
            format!("{code} names two checks; allowed: a code no other guard or CEL check has")
        } else {
            return true;
        };
        self.problem(key, message);
        false
    }

    /// Guard `g`, whose code must differ from the `earlier` declared ones and the built-in
    /// ones.
    fn guard(&mut self, (at, g): (Key, &RawGuard), earlier: &[&str]) -> Option<(GuardCode, Guard)> {
        let (code_key, code) = field!(at, g.code);
        let good_code = self.declared_code(code_key, code, earlier);
        let (kind_key, kind) = field!(at, g.kind);
        let kind = self.named::<GuardKindName>(kind_key, kind, "a guard kind", "");
        let measured = kind.and_then(|kind| self.guard_kind(&at, g, kind));
        let pause_hours = self.optional_count(field!(at, g.pause_hours), 1, 24 * 365);
        good_code.then_some(())?;
        let code = GuardCode {
            name: code.clone(),
            description: g.description.clone(),
        };
        let guard = Guard {
            kind: measured?,
            pause_hours: pause_hours?,
        };
        Some((code, guard))
    }

    /// What a guard of `kind` measures, from the keys of its kind; a key of another kind is a
    /// problem.
    fn guard_kind(&mut self, at: &Key, g: &RawGuard, kind: GuardKindName) -> Option<GuardKind> {
        use GuardKindName as K;
        let takes: &[&str] = match kind {
            K::SenderBounceRate | K::SenderComplaintRate => {
                &["window_hours", "window_sends", "threshold", "min_sends"]
            }
            K::DomainBounces => &["bounces"],
            K::Cooldown | K::RecentEngagement => &["days"],
            K::DailyEnrollmentCap => &["per_day"],
        };
        let given = [
            ("window_hours", g.window_hours.is_some()),
            ("window_sends", g.window_sends.is_some()),
            ("threshold", g.threshold.is_some()),
            ("min_sends", g.min_sends.is_some()),
            ("bounces", g.bounces.is_some()),
            ("days", g.days.is_some()),
            ("per_day", g.per_day.is_some()),
        ];
        for (key, _) in given
            .iter()
            .filter(|(key, set)| *set && !takes.contains(key))
        {
            let message = format!(
                "not a key of a {} guard; allowed here: {}",
                kind.name(),
                takes.join(", ")
            );
            self.problem(at.field(key), message);
        }
        self.measure(at, g, kind)
    }

    /// The statistic and threshold of a guard of `kind`.
    fn measure(&mut self, at: &Key, g: &RawGuard, kind: GuardKindName) -> Option<GuardKind> {
        use GuardKindName as K;
        let at = at.clone();
        match kind {
            K::SenderBounceRate | K::SenderComplaintRate => {
                let window = self.rate_window(&at, g);
                let threshold = self.required_probability(field!(at, g.threshold));
                let min_sends = self.optional_count(field!(at, g.min_sends), 1, 1_000_000)?;
                let (window, threshold) = (window?, threshold?);
                let min_sends = min_sends.unwrap_or(1);
                if let RateWindow::Sends(sends) = window {
                    if min_sends > sends {
                        let message = format!("{min_sends} sends is more than the window's {sends} (window_sends), so the guard could never hold; allowed: at most window_sends");
                        self.problem(at.field("min_sends"), message);
                        return None;
                    }
                }
                Some(match kind {
                    K::SenderBounceRate => GuardKind::SenderBounceRate {
                        window,
                        threshold,
                        min_sends,
                    },
                    _ => GuardKind::SenderComplaintRate {
                        window,
                        threshold,
                        min_sends,
                    },
                })
            }
            K::DomainBounces => {
                let bounces = self.required_count(field!(at, g.bounces), 1, 1_000_000)?;
                Some(GuardKind::DomainBounces { bounces })
            }
            K::Cooldown => Some(GuardKind::Cooldown {
                days: self.required_count(field!(at, g.days), 1, 3_650)?,
            }),
            K::RecentEngagement => Some(GuardKind::RecentEngagement {
                days: self.required_count(field!(at, g.days), 1, 3_650)?,
            }),
            K::DailyEnrollmentCap => Some(GuardKind::DailyEnrollmentCap {
                per_day: self.required_count(field!(at, g.per_day), 1, 1_000_000)?,
            }),
        }
    }

    /// A rate guard's window: `window_hours` or `window_sends`, exactly one of them.
    fn rate_window(&mut self, at: &Key, g: &RawGuard) -> Option<RateWindow> {
        let at = at.clone();
        match (g.window_hours, g.window_sends) {
            (Some(_), None) => {
                let hours = self.required_count(field!(at, g.window_hours), 1, 24 * 365)?;
                Some(RateWindow::Hours(hours))
            }
            (None, Some(_)) => {
                let sends = self.required_count(field!(at, g.window_sends), 1, 1_000_000)?;
                Some(RateWindow::Sends(sends))
            }
            (hours, _) => {
                let (key, given) = if hours.is_some() {
                    ("window_sends", "both are given")
                } else {
                    ("window_hours", "neither is given")
                };
                let message = format!("a rate guard's window is window_hours (the last N hours, 1 to 8760) or window_sends (the sender's last N sends, 1 to 1000000), exactly one of them, and {given}");
                self.problem(at.field(key), message);
                None
            }
        }
    }

    /// A whole number in `min..=max` the guard's kind needs.
    fn required_count(
        &mut self,
        (key, value): (Key, &Option<i64>),
        min: i64,
        max: i64,
    ) -> Option<u32> {
        let (key, value) = self.required((key, value))?;
        self.count((key, value), min, max)
    }

    /// A probability the guard's kind needs.
    fn required_probability(&mut self, (key, value): (Key, &Option<f64>)) -> Option<f64> {
        let (key, value) = self.required((key, value))?;
        let good = (0.0..=1.0).contains(value);
        let p = self.probability((key, value));
        good.then_some(p)
    }
}
