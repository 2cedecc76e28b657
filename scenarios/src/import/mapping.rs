//! Which column holds which fact: HubSpot's default names (its export label and its internal
//! property name, docs/import.md), replaced per fact by a mapping file.

use std::collections::BTreeMap;
use std::path::Path;

use model::Catalogue as _;

use super::ImportError;

model::catalogue! {
    /// A fact the importer reads from a column; names as mapping files spell them.
    pub enum Column {
        /// Contacts: the record id (required).
        RecordId = "contacts.record_id",
        /// Contacts: the email address (required; an empty cell: no address).
        Email = "contacts.email",
        /// Contacts: the owner.
        Owner = "contacts.owner",
        /// Contacts: the lifecycle stage.
        LifecycleStage = "contacts.lifecycle_stage",
        /// Contacts: unsubscribed from all email.
        Unsubscribed = "contacts.unsubscribed",
        /// Contacts: why an email hard-bounced (non-empty: bounced).
        HardBounceReason = "contacts.hard_bounce_reason",
        /// Contacts: HubSpot marks the address invalid.
        InvalidAddress = "contacts.invalid_address",
        /// Contacts: the address is quarantined.
        BlockedAddress = "contacts.blocked_address",
        /// Contacts: the address's domain is blocked (no HubSpot property: map yours).
        BlockedDomain = "contacts.blocked_domain",
        /// Contacts: marked an email as spam (no HubSpot property: map yours).
        MarkedAsSpam = "contacts.marked_as_spam",
        /// Contacts: currently in a sequence.
        InSequence = "contacts.in_sequence",
        /// Users: the user id (required).
        UserId = "users.id",
        /// Users: the email (required).
        UserEmail = "users.email",
        /// Users: the first name.
        FirstName = "users.first_name",
        /// Users: the last name.
        LastName = "users.last_name",
        /// Users: the owner id contacts name them by.
        OwnerId = "users.owner_id",
        /// Users: the seat (required).
        Seat = "users.seat",
        /// Users: the connected inbox's provider (required; `none`: no inbox).
        InboxProvider = "users.inbox_provider",
    }
}

impl Column {
    /// The names HubSpot gives the column: its export label (first) and internal name.
    fn defaults(self) -> &'static [&'static str] {
        match self {
            Column::RecordId => &["Record ID", "Contact ID", "hs_object_id"],
            Column::Email => &["Email", "email"],
            Column::Owner => &["Contact owner", "hubspot_owner_id"],
            Column::LifecycleStage => &["Lifecycle Stage", "lifecyclestage"],
            Column::Unsubscribed => &["Unsubscribed from all email", "hs_email_optout"],
            Column::HardBounceReason => &[
                "Email hard bounce reason",
                "hs_email_hard_bounce_reason_enum",
                "hs_email_hard_bounce_reason",
            ],
            Column::InvalidAddress => &["Invalid email address", "hs_email_bad_address"],
            Column::BlockedAddress => &["Email Address Quarantined", "hs_email_quarantined"],
            Column::BlockedDomain => &["Blocked domain"],
            Column::MarkedAsSpam => &["Marked as spam"],
            Column::InSequence => &["Currently in Sequence", "hs_sequences_is_enrolled"],
            Column::UserId => &["User ID", "id"],
            Column::UserEmail => &["Email", "email"],
            Column::FirstName => &["First Name", "firstName"],
            Column::LastName => &["Last Name", "lastName"],
            Column::OwnerId => &["Owner ID", "ownerId"],
            Column::Seat => &["Seat", "seat"],
            Column::InboxProvider => &["Inbox provider", "Email Status"],
        }
    }

    /// Whether a file without the column is refused.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::RecordId
                | Column::Email
                | Column::UserId
                | Column::UserEmail
                | Column::Seat
                | Column::InboxProvider
        )
    }
}

/// The column names of every fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    names: BTreeMap<Column, Vec<String>>,
}

impl Default for Mapping {
    fn default() -> Self {
        let names = (Column::ALL.iter())
            .map(|&c| (c, c.defaults().iter().map(|n| n.to_string()).collect()))
            .collect();
        Self { names }
    }
}

/// The prefixes of the per-subscription-type opt-out columns (`Opted out of email: One to
/// One`, `hs_email_optout_52655928`).
pub(super) const OPT_OUT_PREFIXES: [&str; 2] = ["Opted out of email:", "hs_email_optout_"];

impl Mapping {
    /// The default mapping with the names of the mapping file at `path` (TOML: `[contacts]`
    /// and `[users]` tables of `fact = "Column"` or `fact = ["Column", "other name"]`) in place
    /// of the defaults of the facts it names.
    pub fn load(path: &Path) -> Result<Self, ImportError> {
        let shown = path.display().to_string();
        let error = |message: String| ImportError::Map {
            path: shown.clone(),
            message,
        };
        let text = crate::read_text(path).map_err(|e| error(e.to_string()))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| error(e.message().to_owned()))?;
        let mut mapping = Self::default();
        for (section, facts) in &table {
            let facts = facts.as_table().ok_or_else(|| {
                error(format!(
                    "`{section}` is not a table; allowed: [contacts] and [users] tables"
                ))
            })?;
            for (fact, names) in facts {
                let key = format!("{section}.{fact}");
                let column = Column::from_name(&key).ok_or_else(|| {
                    error(format!(
                        "unknown key `{key}`; allowed: {}",
                        Column::ALL.map(Column::name).join(", ")
                    ))
                })?;
                mapping.names.insert(
                    column,
                    column_names(names).ok_or_else(|| {
                        error(format!(
                            "key `{key}`: allowed: a column name or a list of them"
                        ))
                    })?,
                );
            }
        }
        Ok(mapping)
    }

    /// The names of `column`'s column.
    pub fn names(&self, column: Column) -> &[String] {
        &self.names[&column]
    }
}

fn column_names(value: &toml::Value) -> Option<Vec<String>> {
    match value {
        toml::Value::String(s) => Some(vec![s.clone()]),
        toml::Value::Array(a) if !a.is_empty() => {
            a.iter().map(|v| v.as_str().map(str::to_owned)).collect()
        }
        _ => None,
    }
}
