//! Who did what: the people and processes that act (`Actor`, `Role`, `Profile`), the
//! audit log's entries, and what checking its hash chain found.

use super::*;

/// What checking the audit log's hash chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditCheck {
    /// Entries read.
    #[ts(type = "number")]
    pub entries: i64,
    /// The first entry that breaks the chain and why, `None` when the log is intact.
    pub broken: Option<BrokenEntry>,
    /// The last entry's hash (empty when the chain is broken before the end).
    pub head: String,
    /// The public key (hex) that signed the log's recorded head, `None` when the head is
    /// not signed (written where no signing key was at hand, or from before heads were
    /// signed). Whose key it is — this machine's, a trusted colleague's — is for the
    /// caller to say.
    pub signed_by: Option<String>,
}

/// The audit log's head as recorded beside the log: how many entries it holds, the last
/// one's hash, and who signed that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditHead {
    #[ts(type = "number")]
    pub seq: i64,
    pub hash: String,
    /// Public key (hex) of the signer; `None` with `signature` when unsigned.
    pub signer: Option<String>,
    /// ed25519 signature (hex) over the project id, `seq` and `hash`.
    pub signature: Option<String>,
}

/// Formats the audit log exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditFormat {
    Csv,
    Json,
}

/// An audit entry that does not fit the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BrokenEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub reason: String,
}

/// Who made a decision recorded in the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// A person using the app or the CLI, by their local profile's name and role.
    Person {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        role: Option<Role>,
    },
    /// Pathforge itself (imports, migrations).
    System,
    /// A model, by id and version.
    Model { id: String, version: String },
}

impl Actor {
    /// The person logged in at this machine (`$USER`), for binaries to use when no local
    /// profile was set up.
    pub fn local_user() -> Actor {
        let name = std::env::var("USER").or_else(|_| std::env::var("USERNAME"));
        Actor::Person {
            name: name.unwrap_or_else(|_| "local user".to_owned()),
            role: None,
        }
    }

    /// A person by name, without a role.
    pub fn person(name: impl Into<String>) -> Actor {
        Actor::Person {
            name: name.into(),
            role: None,
        }
    }

    /// How the actor reads in a log: `Dana Okafor (SME)`, `Pathforge`, `model@version`.
    pub fn label(&self) -> String {
        match self {
            Actor::Person { name, role: None } => name.clone(),
            Actor::Person {
                name,
                role: Some(role),
            } => format!("{name} ({})", role.label()),
            Actor::System => "Pathforge".to_owned(),
            Actor::Model { id, version } => format!("{id}@{version}"),
        }
    }
}

/// What a person does in the project, recorded with their decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Builds the curriculum: libraries, graph, rules, exports.
    Designer,
    /// A subject-matter expert reviewing tags.
    Sme,
    /// Runs the LMS side: exports, bundles, settings.
    Admin,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Designer => "designer",
            Role::Sme => "SME",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "designer" => Some(Role::Designer),
            "sme" => Some(Role::Sme),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The person using Pathforge on this machine: kept beside the app's settings (not in a
/// project), recorded as the actor of every decision they make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Profile {
    pub name: String,
    pub role: Role,
}

impl Profile {
    pub fn actor(&self) -> Actor {
        Actor::Person {
            name: self.name.clone(),
            role: Some(self.role),
        }
    }
}

/// An audit entry as the Log shows it: the entry, and what it did in plain words by the
/// names the project uses now. The words are a reading of the entry, not part of it: the
/// hash chain covers the entry alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditLine {
    #[serde(flatten)]
    pub event: AuditEvent,
    pub summary: String,
}

/// One entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditEvent {
    /// Position in the log, from 1.
    #[ts(type = "number")]
    pub seq: i64,
    pub at: Timestamp,
    pub actor: Actor,
    /// What happened, e.g. `library.imported`.
    pub action: String,
    /// What it happened to (an id).
    pub object: String,
    #[ts(type = "unknown")]
    pub before: serde_json::Value,
    #[ts(type = "unknown")]
    pub after: serde_json::Value,
}
