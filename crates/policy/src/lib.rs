//! Template red lines as Cedar policies, validated against aigov's schema and evaluated deterministically.
//!
//! A template's machine-readable part is a Cedar policy set of `forbid` red lines. This crate
//! fixes the [`SCHEMA`] those policies are written against (a `Lab` asks for an [`Action`] on a
//! `Model`, with a `Report`, `Workload` or `Hardware` in the context), compiles proposed text with
//! [`TemplatePolicy::compile`] (bounded, strictly validated, every red line named by `@id`), and
//! evaluates it with [`TemplatePolicy::evaluate`] on typed facts into a [`Decision`].
//!
//! It runs inside the consensus state machine, so evaluation is deterministic (sorted outputs, a
//! pinned Cedar version, integer facts only), bounded (size and nesting limits checked before
//! Cedar parses anything, a guaranteed stack), and does not panic on hostile text.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod facts;
mod limits;
mod schema;
mod template;

pub use error::{Diagnostic, PolicyError};
pub use facts::{
    Access, Action, HardwareFacts, LabFacts, MAX_FACT_SET_ITEMS, MAX_FACT_STRING_BYTES, MAX_SCORES,
    Modality, ModelFacts, Phase, Provenance, ReportFacts, ReportKind, ReportResult, Scope, Subject,
    WorkloadFacts, log10_of_flop, pflop_of_flop,
};
pub use limits::{MAX_EXPR_DEPTH, MAX_NESTING, MAX_POLICIES, MAX_TEXT_BYTES};
pub use schema::{NAMESPACE, SCHEMA, check_schema};
pub use template::{
    DEFAULT_PERMIT_ID, Decision, EvalError, MAX_ID_BYTES, RedLine, TemplatePolicy, policy_digest,
};
