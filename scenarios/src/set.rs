//! `--set PATH=VALUE`: one key of a scenario replaced before validation, so that the value is
//! checked exactly as if the file held it.
//!
//! A path is the key path messages use (`population.contacts`, `senders[0].count`): table keys
//! joined by dots, array elements by `[index]`. The value is read as a TOML value (`48`, `0.5`,
//! `true`, `"x"`, `[8, 18]`), and taken as a string when it is not one (`seat=enterprise`). A
//! key the file lacks is added (tables on the way are created), and validation then judges it
//! like any key of the file: an unknown key is reported with the keys allowed at its level. An
//! index must name an element the file has.

use std::fmt;

use crate::error::Problem;

/// One step of a path: a table key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A key of a table.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// A parsed `--set PATH=VALUE`.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    /// The path as written (`senders[0].count`).
    pub path: String,
    /// The path's steps.
    pub segments: Vec<Segment>,
    /// The value to put there.
    pub value: toml::Value,
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, value_text(&self.value))
    }
}

/// How a value is written back (`48`, `0.5`, `"x"`): TOML's own spelling.
pub fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What a path looks like, for messages.
const PATH_FORM: &str =
    "a key path such as population.contacts, senders[0].count or sending.stagger_seconds";

/// The steps of `path`, or what is wrong with it.
pub fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if name.is_empty() || !name.chars().all(is_name) {
            return Err(format!("`{path}` is not a key path; allowed: {PATH_FORM}"));
        }
        segments.push(Segment::Key(name.to_owned()));
        while !rest.is_empty() {
            let index = (rest.strip_prefix('['))
                .and_then(|r| r.split_once(']'))
                .and_then(|(i, r)| Some((i.parse::<usize>().ok()?, r)));
            let Some((index, after)) = index else {
                return Err(format!(
                    "`{path}`: `{rest}` is not an index; allowed: [N] with N a whole number from 0, as in senders[0].count"
                ));
            };
            segments.push(Segment::Index(index));
            rest = after;
        }
    }
    Ok(segments)
}

/// `text` as a TOML value: a number, a boolean, a quoted string, an array or an inline table;
/// anything else is the string itself (`enterprise`).
pub fn parse_value(text: &str) -> toml::Value {
    let document = format!("v = {text}");
    match toml::from_str::<toml::Table>(&document) {
        Ok(mut table) => table.remove("v").expect("the key just written"),
        Err(_) => toml::Value::String(text.to_owned()),
    }
}

impl Setting {
    /// `PATH=VALUE` read, or what is wrong with it.
    pub fn parse(arg: &str) -> Result<Self, String> {
        let Some((path, value)) = arg.split_once('=') else {
            return Err(format!(
                "`{arg}` has no `=`; allowed: PATH=VALUE with PATH {PATH_FORM}"
            ));
        };
        let path = path.trim();
        Ok(Self {
            segments: parse_path(path)?,
            path: path.to_owned(),
            value: parse_value(value.trim()),
        })
    }

    /// The setting at `path` (already parsed) with `value`.
    pub fn new(path: &str, segments: Vec<Segment>, value: toml::Value) -> Self {
        Self {
            path: path.to_owned(),
            segments,
            value,
        }
    }

    /// Puts the value into `table`, or says why it cannot: an index past the end of its array,
    /// an index into something that is not an array, a key inside a plain value. The problem's
    /// key is the part of the path that could not be followed.
    pub fn apply(&self, table: &mut toml::Table) -> Result<(), Problem> {
        let mut here = TableOrArray::Table(table);
        let mut at = String::new();
        let (last, parents) = self.segments.split_last().expect("a path has a step");
        for (i, segment) in parents.iter().enumerate() {
            let next_is_index = matches!(self.segments[i + 1], Segment::Index(_));
            here = here.step(segment, &mut at, next_is_index)?;
        }
        here.put(last, &mut at, self.value.clone())
    }
}

/// Where a path has got to: a table or an array.
enum TableOrArray<'a> {
    Table(&'a mut toml::Table),
    Array(&'a mut Vec<toml::Value>),
}

/// `at` extended by `segment`, as messages spell paths.
fn extend(at: &mut String, segment: &Segment) {
    match segment {
        Segment::Key(k) if at.is_empty() => at.push_str(k),
        Segment::Key(k) => at.push_str(&format!(".{k}")),
        Segment::Index(i) => at.push_str(&format!("[{i}]")),
    }
}

impl<'a> TableOrArray<'a> {
    /// One step down; a missing key becomes a new table (an array is never made up).
    fn step(
        self,
        segment: &Segment,
        at: &mut String,
        next_is_index: bool,
    ) -> Result<Self, Problem> {
        let parent = at.clone();
        extend(at, segment);
        let value = match (self, segment) {
            (TableOrArray::Table(t), Segment::Key(k)) => {
                if !t.contains_key(k) && next_is_index {
                    let message = "the scenario has no such array; an index needs an array the file has (add the key to the file, or give a key path without an index)";
                    return Err(Problem::new(at.clone(), message));
                }
                t.entry(k.clone())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            }
            (TableOrArray::Array(a), Segment::Index(i)) => {
                let len = a.len();
                a.get_mut(*i)
                    .ok_or_else(|| out_of_range(&parent, *i, len))?
            }
            (TableOrArray::Table(_), Segment::Index(_)) => {
                return Err(Problem::new(
                    parent,
                    "this is a table, not an array; allowed: a key after a dot",
                ));
            }
            (TableOrArray::Array(_), Segment::Key(_)) => {
                return Err(Problem::new(
                    parent,
                    "this is an array; allowed: an element index [N] before the key",
                ));
            }
        };
        match value {
            toml::Value::Table(t) => Ok(TableOrArray::Table(t)),
            toml::Value::Array(a) => Ok(TableOrArray::Array(a)),
            other => Err(Problem::new(
                at.clone(),
                format!(
                    "this key holds the value {}, not a table or an array; allowed: the key itself, without what follows",
                    value_text(other)
                ),
            )),
        }
    }

    /// Puts `value` at the last step.
    fn put(self, segment: &Segment, at: &mut String, value: toml::Value) -> Result<(), Problem> {
        let parent = at.clone();
        extend(at, segment);
        match (self, segment) {
            (TableOrArray::Table(t), Segment::Key(k)) => {
                t.insert(k.clone(), value);
                Ok(())
            }
            (TableOrArray::Array(a), Segment::Index(i)) => {
                let len = a.len();
                *a.get_mut(*i)
                    .ok_or_else(|| out_of_range(&parent, *i, len))? = value;
                Ok(())
            }
            (TableOrArray::Table(_), Segment::Index(_)) => Err(Problem::new(
                parent,
                "this is a table, not an array; allowed: a key after a dot",
            )),
            (TableOrArray::Array(_), Segment::Key(_)) => Err(Problem::new(
                parent,
                "this is an array; allowed: an element index [N] before the key",
            )),
        }
    }
}

/// The problem of index `i` into the array at `at` of `len` elements.
fn out_of_range(at: &str, i: usize, len: usize) -> Problem {
    let allowed = match len {
        0 => "none: the array is empty".to_owned(),
        n => format!("0 to {}", n - 1),
    };
    Problem::new(
        format!("{at}[{i}]"),
        format!("index {i} is out of range: `{at}` has {len} elements; allowed: {allowed}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    fn set(text: &str, arg: &str) -> Result<toml::Table, Problem> {
        let mut t = table(text);
        Setting::parse(arg).unwrap().apply(&mut t)?;
        Ok(t)
    }

    #[test]
    fn paths_read_keys_and_indices() {
        use Segment::{Index, Key};
        assert_eq!(
            parse_path("senders[0].count").unwrap(),
            vec![Key("senders".into()), Index(0), Key("count".into())]
        );
        assert_eq!(
            parse_path("a[1][2]").unwrap(),
            vec![Key("a".into()), Index(1), Index(2)]
        );
        for bad in ["", "a..b", "a[x]", "a[1", ".a", "a b", "a[-1]"] {
            let err = parse_path(bad).unwrap_err();
            assert!(err.contains("allowed"), "{bad}: {err}");
        }
    }

    #[test]
    fn values_are_toml_or_else_strings() {
        assert_eq!(parse_value("48"), toml::Value::Integer(48));
        assert_eq!(parse_value("0.5"), toml::Value::Float(0.5));
        assert_eq!(parse_value("true"), toml::Value::Boolean(true));
        assert_eq!(parse_value("\"a b\""), toml::Value::String("a b".into()));
        assert_eq!(
            parse_value("enterprise"),
            toml::Value::String("enterprise".into())
        );
        assert_eq!(
            parse_value("[8, 18]"),
            toml::Value::Array(vec![8.into(), 18.into()])
        );
        assert!(Setting::parse("seed").unwrap_err().contains("no `="));
    }

    #[test]
    fn a_setting_replaces_adds_and_creates() {
        let text = "seed = 1\n[[senders]]\ncount = 2\n[[senders]]\ncount = 3\n";
        let t = set(text, "senders[1].count=48").unwrap();
        assert_eq!(
            t,
            table("seed = 1\n[[senders]]\ncount = 2\n[[senders]]\ncount = 48\n")
        );
        let t = set(text, "sending.stagger_seconds=0").unwrap();
        assert_eq!(t["sending"]["stagger_seconds"], toml::Value::Integer(0));
        let t = set(text, "seed=7").unwrap();
        assert_eq!(t["seed"], toml::Value::Integer(7));
    }

    #[test]
    fn paths_that_lead_nowhere_say_where_and_what_is_allowed() {
        let text = "seed = 1\n[[senders]]\ncount = 2\n";
        let err = set(text, "senders[3].count=1").unwrap_err();
        assert_eq!(err.key, "senders[3]");
        assert!(
            err.message.contains("has 1 elements; allowed: 0 to 0"),
            "{err}"
        );
        let err = set(text, "seed.x=1").unwrap_err();
        assert_eq!(err.key, "seed");
        assert!(err.message.contains("holds the value 1"), "{err}");
        let err = set(text, "groups[0].count=1").unwrap_err();
        assert_eq!(err.key, "groups");
        let err = set(text, "senders.count=1").unwrap_err();
        assert_eq!(err.key, "senders");
        assert!(err.message.contains("an array"), "{err}");
    }
}
