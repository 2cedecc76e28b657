//! Key paths of the file (`population.contacts`, `senders[1].seat`), spelled from field names.
//!
//! A message names the key it is about. Typing that key as a string beside the field it
//! describes lets the two drift apart when a field is renamed; so keys are only ever built from
//! a parent [`Key`] and the field's own identifier, through [`field!`]. That is
//! exact because the raw structs of `raw.rs` use no serde renames: a field's Rust name is its
//! TOML key (a test checks that `raw.rs` never renames).

use std::fmt;

/// A dotted key path; empty for the file as a whole.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Key(String);

impl Key {
    /// The file as a whole.
    pub(crate) fn root() -> Self {
        Self::default()
    }

    /// The key `name` inside this table. Use [`field!`] rather than naming a
    /// field by hand.
    pub(crate) fn field(&self, name: &str) -> Self {
        if self.0.is_empty() {
            Self(name.to_owned())
        } else {
            Self(format!("{}.{name}", self.0))
        }
    }

    /// Element `index` of this array.
    pub(crate) fn index(&self, index: usize) -> Self {
        Self(format!("{}[{index}]", self.0))
    }

    /// The table holding this key and the key's own name: `("senders[0]", "seat")`. Field
    /// names are identifiers, so the last dot always separates them.
    pub(crate) fn parent_and_name(&self) -> (Self, &str) {
        match self.0.rsplit_once('.') {
            Some((parent, name)) => (Self(parent.to_owned()), name),
            None => (Self::root(), &self.0),
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Key> for String {
    fn from(key: Key) -> Self {
        key.0
    }
}

/// `field!(at, raw.population.contacts)`: the value `raw.population.contacts` and its key
/// `at` + `population.contacts`, spelled by `stringify!` from the same identifiers that read
/// the value, so the key cannot name a field that is not the one read. `raw` is the variable
/// holding the table at key `at`; every identifier after it is a key segment.
///
/// Evaluates to a `(Key, &T)` pair, which the checks of `validate` take.
macro_rules! field {
    ($at:expr, $table:ident $(. $name:ident)+) => {
        ($at$(.field(stringify!($name)))+, &$table$(.$name)+)
    };
}

pub(crate) use field;
