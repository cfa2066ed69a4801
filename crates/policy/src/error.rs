//! Errors of compiling a template policy and of evaluating it.

use std::fmt;

/// One message from Cedar's parser or validator, located in the policy text where Cedar says.
///
/// Proposers fix their text from these, so they keep Cedar's own wording, its help line, and the
/// line and column of the first span it points at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// Cedar's message.
    pub message: String,
    /// Cedar's hint, when it has one.
    pub help: Option<String>,
    /// The `@id` of the policy concerned, when known.
    pub policy: Option<String>,
    /// 1-based line of the first span Cedar points at.
    pub line: Option<usize>,
    /// 1-based column, in characters, of that span.
    pub column: Option<usize>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, "{line}:{column}: ")?;
        }
        if let Some(policy) = &self.policy {
            write!(f, "[{policy}] ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// Joins diagnostics for an error's one-line message.
struct List<'a>(&'a [Diagnostic]);

impl fmt::Display for List<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Why a policy text was refused, or why a subject could not be evaluated.
///
/// Compile errors are returned at proposal time, so a template that reaches a vote is known to
/// parse and to type-check against the schema. Evaluation errors are about the subject's facts
/// (out of bounds, missing for the action), never about the template's logic: a red line that
/// errors while evaluating is reported in [`crate::Decision::errors`] and counts as violated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text is longer than [`crate::MAX_TEXT_BYTES`].
    #[error("policy text is {bytes} bytes, more than the {max} allowed")]
    TooLarge {
        /// Length of the text.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// Brackets or operators nest deeper than [`crate::MAX_NESTING`] or
    /// [`crate::MAX_EXPR_DEPTH`].
    #[error("policy text nests {depth} deep at {line}:{column}, more than the {max} allowed")]
    TooDeep {
        /// Depth reached where the scan stopped.
        depth: usize,
        /// The limit exceeded.
        max: usize,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
    },
    /// Cedar could not parse the text.
    #[error("syntax error: {}", List(.diagnostics))]
    Syntax {
        /// Cedar's parse errors, in its order.
        diagnostics: Vec<Diagnostic>,
    },
    /// The text holds no policy.
    #[error("policy text holds no policy: a template needs at least one red line")]
    Empty,
    /// The text holds more than [`crate::MAX_POLICIES`] policies.
    #[error("policy text holds {count} policies, more than the {max} allowed")]
    TooManyPolicies {
        /// Number of policies.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A policy has no `@id("…")` annotation.
    #[error(
        "policy at {line}:{column} has no @id(\"...\") annotation: every red line needs a stable name"
    )]
    MissingId {
        /// 1-based line where the policy starts.
        line: usize,
        /// 1-based column where it starts.
        column: usize,
    },
    /// An `@id` is not a valid red-line name.
    #[error("@id({id:?}) is not a valid red-line name: {reason}")]
    BadId {
        /// The offending id.
        id: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two policies share one `@id`.
    #[error("@id({id:?}) is used by more than one policy")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// A policy is a `permit`; templates hold only `forbid` red lines.
    #[error(
        "policy {id:?} is a permit: templates hold only forbid policies (allowed unless a red line fires)"
    )]
    NotForbid {
        /// The policy's `@id`.
        id: String,
    },
    /// The text holds a Cedar template (a policy with `?principal` or `?resource` slots).
    #[error(
        "policy {id:?} has a ?principal or ?resource slot: templates are not linked, write the condition in when/unless"
    )]
    Slot {
        /// The policy's `@id`.
        id: String,
    },
    /// A policy's scope names particular entities.
    #[error(
        "policy {id:?} constrains {variable} to particular entities: a template applies to every subject, write the condition in when/unless"
    )]
    PinnedScope {
        /// The policy's `@id`.
        id: String,
        /// `principal` or `resource`.
        variable: &'static str,
    },
    /// The policies do not validate against [`crate::SCHEMA`] in strict mode (unknown entity type
    /// or attribute, type mismatch, impossible policy, confusable or bidirectional characters…).
    #[error("policy does not validate against the aigov schema: {}", List(.diagnostics))]
    Invalid {
        /// Cedar's validation errors and warnings, in its order.
        diagnostics: Vec<Diagnostic>,
    },
    /// A fact of the subject is out of bounds or malformed.
    #[error("fact {field} is invalid: {reason}")]
    BadFact {
        /// Path of the field, e.g. `model.data_domains`.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The action needs a fact the subject does not carry.
    #[error("action {action} needs the subject's {fact}")]
    MissingFact {
        /// The action asked for.
        action: &'static str,
        /// `report`, `workload` or `hardware`.
        fact: &'static str,
    },
    /// Cedar refused the entities or request built from checked facts. It means the facts'
    /// checks and the schema disagree: a bug in this crate, reported rather than panicking.
    #[error("internal error building the Cedar request: {message}")]
    Internal {
        /// Cedar's message.
        message: String,
    },
}
