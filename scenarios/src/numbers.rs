//! Numbers beyond TOML's integers. TOML integers are 64-bit signed, so `seed =
//! 18446744073709551615` or a count of 2^63 stops the `toml` crate with a parse error that names
//! no key. [`parse`] reads the file's syntax first (toml's `DeTable`, which keeps each integer
//! as its digits), finds every integer outside `i64`, and
//!
//! - for a `seed` key, puts the number in a string (`seed = "18446744073709551615"`), which the
//!   seed's own check reads ([`RawSeed`]): seeds are `u64`, and a file can write any of them;
//! - for any other key, puts `i64::MAX` (or `i64::MIN`) in its place, so that the key's own
//!   range check reports it with the range it allows, and [`restore`] puts the file's digits
//!   back into that message. A key whose check has no such message gets one of its own.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use toml::de::{DeTable, DeValue};

use crate::error::Problem;

/// An integer of the file outside `i64`, and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Oversized {
    /// Its key path (`population.contacts`, `senders[0].count`).
    pub key: String,
    /// Its digits as the file writes them.
    pub literal: String,
    /// The value put in its place.
    substitute: String,
}

/// Most oversized integers reported from one file (a bound on the patching below).
const MAX_OVERSIZED: usize = 64;

/// `text` as a TOML table, with every integer outside `i64` replaced as the module says, and
/// the ones replaced (empty for almost every file); or the syntax error.
pub(crate) fn parse(text: &str) -> Result<(toml::Table, Vec<Oversized>), String> {
    let document = DeTable::parse(text).map_err(|e| e.to_string())?;
    let mut found = Vec::new();
    find_table(document.get_ref(), "", text, &mut found);
    if found.is_empty() {
        return toml::from_str(text)
            .map(|t| (t, Vec::new()))
            .map_err(|e| e.to_string());
    }
    found.sort_by_key(|(span, _)| span.start);
    found.truncate(MAX_OVERSIZED);
    let mut patched = String::with_capacity(text.len());
    let mut at = 0;
    for (span, oversized) in &found {
        patched.push_str(&text[at..span.start]);
        patched.push_str(&oversized.substitute);
        at = span.end;
    }
    patched.push_str(&text[at..]);
    let table = toml::from_str(&patched).map_err(|e| e.to_string())?;
    Ok((table, found.into_iter().map(|(_, o)| o).collect()))
}

type Found = Vec<(std::ops::Range<usize>, Oversized)>;

fn find_table(table: &DeTable<'_>, at: &str, text: &str, found: &mut Found) {
    for (key, value) in table.iter() {
        let key = match at {
            "" => key.get_ref().to_string(),
            _ => format!("{at}.{}", key.get_ref()),
        };
        find_value(value, &key, text, found);
    }
}

fn find_value(value: &toml::Spanned<DeValue<'_>>, key: &str, text: &str, found: &mut Found) {
    match value.get_ref() {
        DeValue::Integer(n) if i64::from_str_radix(n.as_str(), n.radix()).is_err() => {
            let span = value.span();
            let literal = text[span.clone()].to_owned();
            let substitute = substitute(key, &literal, n.as_str(), n.radix());
            let key = key.to_owned();
            found.push((
                span,
                Oversized {
                    key,
                    literal,
                    substitute,
                },
            ));
        }
        DeValue::Table(t) => find_table(t, key, text, found),
        DeValue::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                find_value(v, &format!("{key}[{i}]"), text, found);
            }
        }
        _ => {}
    }
}

/// What to put in place of an oversized integer at `key`.
fn substitute(key: &str, literal: &str, digits: &str, radix: u32) -> String {
    if is_seed(key) {
        return match u64::from_str_radix(digits, radix) {
            Ok(seed) => format!("\"{seed}\""),
            Err(_) => format!("\"{literal}\""),
        };
    }
    match digits.starts_with('-') {
        true => i64::MIN.to_string(),
        false => i64::MAX.to_string(),
    }
}

/// A seed's key: the scenario's `seed`, an expectations file's `scenario[i].seed`.
fn is_seed(key: &str) -> bool {
    key == "seed" || key.ends_with(".seed")
}

/// Puts the file's digits back into the problems about `oversized` integers (their checks saw
/// the substitute), and reports the ones no check did. A seed is not oversized: it is read.
pub(crate) fn restore(problems: &mut Vec<Problem>, oversized: &[Oversized]) {
    for o in oversized.iter().filter(|o| !is_seed(&o.key)) {
        let mut reported = false;
        for p in problems.iter_mut().filter(|p| p.key == o.key) {
            if p.message.contains(&o.substitute) {
                p.message = p.message.replace(&o.substitute, &o.literal);
                reported = true;
            }
        }
        if !reported {
            let message = format!(
                "{} is out of range: TOML integers are whole numbers from {} to {}, and this key allows far less",
                o.literal,
                i64::MIN,
                i64::MAX
            );
            problems.push(Problem::new(o.key.clone(), message));
        }
    }
}

/// Whether a file with these oversized integers must be refused even if validation found no
/// problem (a substitute that happens to be allowed is still not what the file says).
pub(crate) fn any_refused(oversized: &[Oversized]) -> bool {
    oversized.iter().any(|o| !is_seed(&o.key))
}

/// A seed as the file writes it: a TOML integer (0 to 2^63 - 1), or a string holding any `u64`
/// in decimal or `0x` hexadecimal (underscores allowed), for the seeds TOML cannot write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RawSeed {
    Number(i64),
    Text(String),
}

/// What a seed may be, for messages.
pub(crate) const SEED_ALLOWED: &str = "a whole number from 0 to 18446744073709551615 (2^64 - 1), written as a TOML integer or, above 9223372036854775807, as a string: \"18446744073709551615\" or \"0xffffffffffffffff\"";

impl RawSeed {
    /// The seed, or why it is not one.
    pub(crate) fn value(&self) -> Result<u64, String> {
        let parsed = match self {
            Self::Number(n) => u64::try_from(*n).ok(),
            Self::Text(s) => {
                let digits = s.trim().replace('_', "");
                match digits
                    .strip_prefix("0x")
                    .or_else(|| digits.strip_prefix("0X"))
                {
                    Some(hex) => u64::from_str_radix(hex, 16).ok(),
                    None => digits.parse().ok(),
                }
            }
        };
        parsed.ok_or_else(|| {
            let shown = match self {
                Self::Number(n) => n.to_string(),
                Self::Text(s) => format!("{s:?}"),
            };
            format!("{shown} is not a seed; allowed: {SEED_ALLOWED}")
        })
    }
}

impl<'de> Deserialize<'de> for RawSeed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SeedVisitor;
        impl Visitor<'_> for SeedVisitor {
            type Value = RawSeed;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a seed: a whole number, or a string holding one")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<RawSeed, E> {
                Ok(RawSeed::Number(n))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<RawSeed, E> {
                Ok(RawSeed::Text(n.to_string()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawSeed, E> {
                // Bounded: a seed string longer than any u64 is kept short in messages.
                Ok(RawSeed::Text(s.chars().take(40).collect()))
            }
        }
        deserializer.deserialize_any(SeedVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_read_every_u64_in_decimal_and_hex() {
        let cases = [
            (RawSeed::Number(7), 7),
            (RawSeed::Text("18446744073709551615".into()), u64::MAX),
            (RawSeed::Text("0xffffffffffffffff".into()), u64::MAX),
            (RawSeed::Text("0x10".into()), 16),
            (RawSeed::Text("1_000".into()), 1000),
        ];
        for (raw, expected) in cases {
            assert_eq!(raw.value(), Ok(expected), "{raw:?}");
        }
        for bad in [
            RawSeed::Number(-1),
            RawSeed::Text("18446744073709551616".into()),
            RawSeed::Text("seven".into()),
            RawSeed::Text("0x1_0000_0000_0000_0000".into()),
        ] {
            let message = bad.value().unwrap_err();
            assert!(message.contains("18446744073709551615"), "{message}");
        }
    }

    #[test]
    fn oversized_integers_are_found_with_their_key_paths() {
        let text = "seed = 18446744073709551615\nsmall = 3\n[a]\nb = [1, -9223372036854775809]\n[[c]]\nd = 0x1_0000_0000_0000_0000\n";
        let (table, found) = parse(text).unwrap();
        let keys: Vec<(&str, &str)> = (found.iter())
            .map(|o| (o.key.as_str(), o.literal.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("seed", "18446744073709551615"),
                ("a.b[1]", "-9223372036854775809"),
                ("c[0].d", "0x1_0000_0000_0000_0000"),
            ]
        );
        assert_eq!(table["seed"].as_str(), Some("18446744073709551615"));
        assert_eq!(table["a"]["b"][1].as_integer(), Some(i64::MIN));
        assert_eq!(table["c"][0]["d"].as_integer(), Some(i64::MAX));
        assert_eq!(table["small"].as_integer(), Some(3));
    }

    /// Every integer of `text` with its key path and span.
    fn integers(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
        fn walk(
            v: &toml::Spanned<DeValue<'_>>,
            key: String,
            out: &mut Vec<(String, std::ops::Range<usize>)>,
        ) {
            match v.get_ref() {
                DeValue::Integer(_) => out.push((key, v.span())),
                DeValue::Table(t) => {
                    for (k, v) in t.iter() {
                        let key = match key.as_str() {
                            "" => k.get_ref().to_string(),
                            _ => format!("{key}.{}", k.get_ref()),
                        };
                        walk(v, key, out);
                    }
                }
                DeValue::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        walk(v, format!("{key}[{i}]"), out);
                    }
                }
                _ => {}
            }
        }
        let document = DeTable::parse(text).unwrap();
        let mut out = Vec::new();
        for (k, v) in document.get_ref().iter() {
            walk(v, k.get_ref().to_string(), &mut out);
        }
        out
    }

    /// Issue 13's row "a count of 2^63 in a file": every integer of every library scenario
    /// and rule file, replaced by a number beyond TOML's integers (each sign), is refused
    /// with its key path and the file's digits (never a parse error without a key).
    #[test]
    fn every_integer_key_refuses_a_number_beyond_64_bits_by_name() {
        let rules: Vec<&str> = vec![
            include_str!("../../rules/sender-bounce-guard.toml"),
            include_str!("../../rules/two-guards.toml"),
            include_str!("../../rules/pause-at-8-percent.toml"),
        ];
        let files = (crate::LIBRARY.iter().map(|s| (s.text, false)))
            .chain(rules.into_iter().map(|t| (t, true)));
        let mut tried = 0;
        for (text, is_rules) in files {
            for (key, span) in integers(text) {
                for literal in ["99999999999999999999", "-99999999999999999999"] {
                    let patched = format!("{}{literal}{}", &text[..span.start], &text[span.end..]);
                    let problems = match is_rules {
                        false => crate::validate::validate(&patched, "t").map(|_| ()),
                        true => crate::validate::validate_rules(&patched).map(|_| ()),
                    }
                    .unwrap_err();
                    if key == "seed" {
                        assert!(problems.iter().any(|p| p.key == "seed"), "{problems:?}");
                        continue;
                    }
                    assert!(
                        problems
                            .iter()
                            .any(|p| p.key == key && p.message.contains(literal)),
                        "`{key}` = {literal}: {problems:?}"
                    );
                    tried += 1;
                }
            }
        }
        assert!(tried > 100, "{tried} integers tried");
    }
}
