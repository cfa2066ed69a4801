//! Compiling a template's policy text and evaluating it on a subject.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use cedar_policy::{
    ActionConstraint, Authorizer, Context, Effect, Entities, Entity, EntityId, EntityUid, Policy,
    PolicyId, PolicySet, PrincipalConstraint, Request, ResourceConstraint, RestrictedExpression,
    ValidationMode,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::error::{Diagnostic, PolicyError};
use crate::facts::{Action, EntityParts, Subject};
use crate::limits::{self, MAX_POLICIES};
use crate::schema::{self, Compiled};

/// The `@id` given to the implicit `permit(principal, action, resource);`. It holds a `/`, which
/// a template's ids cannot, so it never collides with a red line.
pub const DEFAULT_PERMIT_ID: &str = "aigov/default-permit";

/// Longest `@id`, in bytes.
pub const MAX_ID_BYTES: usize = 64;

/// Stack Cedar is guaranteed to have when it runs: if less remains on the caller's thread, the
/// work moves to a fresh stack of [`STACK_SIZE`] (about 14 µs). The deepest text the limits
/// admit needs about 0.5 MiB to compile and evaluate, Cedar's own 100 KiB reserve included, so
/// Cedar's "recursion limit" (hit when under 100 KiB remain) cannot fire on one node and not on
/// another whatever their thread stacks.
const STACK_RED_ZONE: usize = 1536 * 1024;
/// Size of the fresh stack used when the caller's is short.
const STACK_SIZE: usize = 4 * 1024 * 1024;

/// One red line of a template: a `forbid` policy, named by its `@id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedLine {
    /// The policy's `@id`: how decisions, events and reports name it.
    pub id: String,
    /// The actions its scope covers (`action == …`, `action in […]`, or all).
    pub actions: Vec<Action>,
    /// Its other annotations (`@domain("cbrn")`, `@level("critical")`, `@if_unmet("halt")`…),
    /// carried as data for the frontier-safety-framework shape of a red line.
    pub annotations: BTreeMap<String, String>,
}

/// A red line that raised an error while evaluating (integer overflow, for instance).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EvalError {
    /// The red line's `@id`.
    pub id: String,
    /// Cedar's message. It depends only on the policy and the facts, and on the pinned Cedar
    /// version.
    pub message: String,
}

/// The outcome of evaluating a template on a subject for one action.
///
/// Every list is sorted, so equal inputs give byte-equal decisions whatever order Cedar
/// evaluated the policies in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// True when no red line fired and none errored.
    pub allowed: bool,
    /// `@id`s of the red lines that fired or errored (fail closed), sorted.
    pub violated: Vec<String>,
    /// `@id`s of the red lines whose scope covers the action and that held, sorted.
    pub satisfied: Vec<String>,
    /// The red lines that errored, sorted by id; each is also in `violated`.
    pub errors: Vec<EvalError>,
}

/// A template's policy text, parsed, checked against [`crate::SCHEMA`] in strict mode, and ready
/// to evaluate.
///
/// **Constraint sets.** A template holds only `forbid` policies (its red lines); the crate adds
/// one `permit(principal, action, resource);` itself, so a subject is allowed unless a red line
/// fires. Templates cannot hold `permit`s: a permit could never override a forbid, and next to the
/// implicit one it would only suggest, wrongly, that it gates something.
///
/// **Stable names.** Every policy needs an `@id("…")` annotation. Cedar otherwise names policies
/// `policy0`, `policy1`… by position, so inserting one red line would rename every later one;
/// decisions, events and audit reports name red lines, and those names must mean the same thing
/// in every version of a template and on every node. Ids are `[A-Za-z0-9][A-Za-z0-9_.:-]*`, at
/// most [`MAX_ID_BYTES`] bytes, unique within the template.
///
/// **Generic scopes.** A policy's principal and resource scopes may name a type
/// (`resource is Aigov::Model`) but not an entity: a template applies to every subject under it,
/// and pinning one entity belongs in a `when` clause if anywhere. Knowing the scopes statically
/// also tells, per action, which red lines apply (see [`Decision::satisfied`]).
#[derive(Debug, Clone)]
pub struct TemplatePolicy {
    text: String,
    digest: [u8; 32],
    policies: PolicySet,
    red_lines: Vec<RedLine>,
    /// For each action (by [`Action::index`]), the sorted ids of the red lines covering it.
    applicable: [Vec<String>; 4],
}

/// SHA-256 of a policy text's exact bytes: the template's content address.
///
/// Nothing is normalised (no whitespace or comment stripping): the address names exactly the
/// text that was proposed and voted on, and a normaliser would be one more thing every node must
/// implement identically.
pub fn policy_digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Runs `f` with at least [`STACK_RED_ZONE`] bytes of stack.
fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SIZE, f)
}

/// Converts a Cedar diagnostic, locating its first labelled span in `text`.
fn diagnostic(d: &dyn miette::Diagnostic, text: &str, policy: Option<String>) -> Diagnostic {
    let position = d
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| limits::line_column(text, label.offset()));
    Diagnostic {
        message: d.to_string(),
        help: d.help().map(|h| h.to_string()),
        policy,
        line: position.map(|p| p.0),
        column: position.map(|p| p.1),
    }
}

/// Sorts diagnostics by position then text, so the error does not depend on Cedar's order.
fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by(|a, b| {
        (a.line, a.column, &a.policy, &a.message).cmp(&(b.line, b.column, &b.policy, &b.message))
    });
    diagnostics
}

fn check_id(id: &str) -> Result<(), PolicyError> {
    let bad = |reason| {
        Err(PolicyError::BadId {
            id: id.to_owned(),
            reason,
        })
    };
    if id.is_empty() {
        return bad("it is empty");
    }
    if id.len() > MAX_ID_BYTES {
        return bad("it is longer than 64 bytes");
    }
    let mut bytes = id.bytes();
    if !bytes.next().is_some_and(|b| b.is_ascii_alphanumeric()) {
        return bad("it must start with an ASCII letter or digit");
    }
    if !bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-')) {
        return bad("it may hold only ASCII letters, digits, '_', '.', ':' and '-'");
    }
    Ok(())
}

/// The index Cedar gave a policy parsed from a set: `policy<N>`, in text order.
fn parse_index(id: &PolicyId) -> usize {
    id.to_string()
        .strip_prefix("policy")
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX)
}

/// The actions a scope's action constraint covers.
fn covered_actions(constraint: &ActionConstraint, compiled: &Compiled) -> Vec<Action> {
    let action_of = |uid: &EntityUid| {
        (uid.type_name() == &compiled.types.action)
            .then(|| Action::from_name(uid.id().unescaped()))
            .flatten()
    };
    let mut actions: Vec<Action> = match constraint {
        ActionConstraint::Any => Action::ALL.to_vec(),
        ActionConstraint::Eq(uid) => action_of(uid).into_iter().collect(),
        ActionConstraint::In(uids) => uids.iter().filter_map(action_of).collect(),
    };
    actions.sort();
    actions.dedup();
    actions
}

impl TemplatePolicy {
    /// Parses `text`, checks its limits, ids and scopes, and validates it against
    /// [`crate::SCHEMA`] in strict mode.
    ///
    /// Run at proposal time, so that a template that reaches a vote is known to evaluate
    /// without type errors. Errors carry Cedar's own messages with line and column. Hostile
    /// text is bounded before Cedar sees it (see [`crate::MAX_NESTING`]); no input panics.
    pub fn compile(text: &str) -> Result<TemplatePolicy, PolicyError> {
        let starts = limits::check_shape(text)?;
        let compiled = schema::compiled()?;
        with_stack(|| Self::compile_checked(text, &starts, compiled))
    }

    fn compile_checked(
        text: &str,
        starts: &[usize],
        compiled: &Compiled,
    ) -> Result<TemplatePolicy, PolicyError> {
        let parsed = PolicySet::from_str(text).map_err(|errors| PolicyError::Syntax {
            diagnostics: errors.iter().map(|e| diagnostic(e, text, None)).collect(),
        })?;
        let count = parsed.policies().count() + parsed.templates().count();
        if count == 0 {
            return Err(PolicyError::Empty);
        }
        if count > MAX_POLICIES {
            return Err(PolicyError::TooManyPolicies {
                count,
                max: MAX_POLICIES,
            });
        }
        // Text order, whatever order the set iterates in.
        let mut templates: Vec<_> = parsed.templates().collect();
        templates.sort_by_key(|t| parse_index(t.id()));
        let mut in_order: Vec<&Policy> = parsed.policies().collect();
        in_order.sort_by_key(|p| parse_index(p.id()));

        let position_of = |index: usize| {
            limits::line_column(text, starts.get(index).copied().unwrap_or(text.len()))
        };
        let id_of = |index: usize, annotation: Option<&str>| match annotation {
            None => {
                let (line, column) = position_of(index);
                Err(PolicyError::MissingId { line, column })
            }
            Some(id) => check_id(id).map(|()| id.to_owned()),
        };
        if let Some(template) = templates.first() {
            let id = id_of(parse_index(template.id()), template.annotation("id"))?;
            return Err(PolicyError::Slot { id });
        }

        let mut set = PolicySet::new();
        let mut red_lines = Vec::with_capacity(in_order.len());
        let mut seen = BTreeSet::new();
        for policy in in_order {
            let id = id_of(parse_index(policy.id()), policy.annotation("id"))?;
            if !seen.insert(id.clone()) {
                return Err(PolicyError::DuplicateId { id });
            }
            if policy.effect() != Effect::Forbid {
                return Err(PolicyError::NotForbid { id });
            }
            let pinned = |variable| PolicyError::PinnedScope {
                id: id.clone(),
                variable,
            };
            match policy.principal_constraint() {
                PrincipalConstraint::Any | PrincipalConstraint::Is(_) => {}
                _ => return Err(pinned("principal")),
            }
            match policy.resource_constraint() {
                ResourceConstraint::Any | ResourceConstraint::Is(_) => {}
                _ => return Err(pinned("resource")),
            }
            let actions = covered_actions(&policy.action_constraint(), compiled);
            let annotations = policy
                .annotations()
                .filter(|(key, _)| *key != "id")
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            set.add(policy.new_id(PolicyId::new(&id)))
                .map_err(|e| PolicyError::Internal {
                    message: e.to_string(),
                })?;
            red_lines.push(RedLine {
                id,
                actions,
                annotations,
            });
        }
        let permit = Policy::parse(
            Some(PolicyId::new(DEFAULT_PERMIT_ID)),
            "permit(principal, action, resource);",
        )
        .map_err(|e| PolicyError::Internal {
            message: e.to_string(),
        })?;
        set.add(permit).map_err(|e| PolicyError::Internal {
            message: e.to_string(),
        })?;

        let result = compiled.validator.validate(&set, ValidationMode::Strict);
        let diagnostics: Vec<Diagnostic> = result
            .validation_errors()
            .map(|e| diagnostic(e, text, Some(e.policy_id().to_string())))
            .chain(
                result
                    .validation_warnings()
                    .map(|w| diagnostic(w, text, Some(w.policy_id().to_string()))),
            )
            .collect();
        if !diagnostics.is_empty() {
            return Err(PolicyError::Invalid {
                diagnostics: sorted(diagnostics),
            });
        }

        let applicable = Action::ALL.map(|action| {
            let mut ids: Vec<String> = red_lines
                .iter()
                .filter(|r| r.actions.contains(&action))
                .map(|r| r.id.clone())
                .collect();
            ids.sort();
            ids
        });
        Ok(TemplatePolicy {
            text: text.to_owned(),
            digest: policy_digest(text),
            policies: set,
            red_lines,
            applicable,
        })
    }

    /// The policy text exactly as compiled.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// SHA-256 of [`Self::text`]: the template's content address ([`policy_digest`]).
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// [`Self::digest`] as lower-case hex, for logs and the API.
    pub fn digest_hex(&self) -> String {
        hex::encode(self.digest)
    }

    /// The red lines, in text order.
    pub fn red_lines(&self) -> &[RedLine] {
        &self.red_lines
    }

    /// Evaluates the template on `subject` for `action`.
    ///
    /// Errors only when the subject is malformed or lacks a fact the action needs; a red line
    /// that errors while evaluating (an integer overflow, say) is returned in the decision's
    /// `errors` and counted as violated. Fail closed: a red line that cannot say whether it
    /// holds must not let a model through, and the error is the same on every node.
    pub fn evaluate(&self, subject: &Subject, action: Action) -> Result<Decision, PolicyError> {
        subject.check()?;
        let compiled = schema::compiled()?;
        let (entities, request) = build_request(subject, action, compiled)?;
        let response =
            with_stack(|| Authorizer::new().is_authorized(&request, &self.policies, &entities));
        let diagnostics = response.diagnostics();
        let mut errors: Vec<EvalError> = diagnostics
            .errors()
            .map(|e| match e {
                cedar_policy::AuthorizationError::PolicyEvaluationError(e) => EvalError {
                    id: e.policy_id().to_string(),
                    message: e.inner().to_string(),
                },
            })
            .collect();
        errors.sort();
        let mut violated: BTreeSet<String> = diagnostics
            .reason()
            .map(ToString::to_string)
            .filter(|id| id != DEFAULT_PERMIT_ID)
            .collect();
        violated.extend(errors.iter().map(|e| e.id.clone()));
        let satisfied = self.applicable[action.index()]
            .iter()
            .filter(|id| !violated.contains(*id))
            .cloned()
            .collect();
        Ok(Decision {
            allowed: violated.is_empty(),
            violated: violated.into_iter().collect(),
            satisfied,
            errors,
        })
    }
}

fn internal(e: impl std::fmt::Display) -> PolicyError {
    PolicyError::Internal {
        message: e.to_string(),
    }
}

fn entity(parts: EntityParts) -> Result<Entity, PolicyError> {
    Entity::new_with_tags(parts.uid, parts.attrs, [], parts.tags).map_err(internal)
}

/// Builds the entities and the request for `action`, checking both against the schema.
fn build_request(
    subject: &Subject,
    action: Action,
    compiled: &Compiled,
) -> Result<(Entities, Request), PolicyError> {
    let types = &compiled.types;
    let missing = |fact| PolicyError::MissingFact {
        action: action.name(),
        fact,
    };
    let lab = subject.lab.entity(types);
    let model = subject.model.entity(types)?;
    let principal = lab.uid.clone();
    let resource = model.uid.clone();
    let mut entities = vec![entity(lab)?, entity(model)?];
    let mut context: Vec<(String, RestrictedExpression)> = Vec::with_capacity(2);
    let needs_report = matches!(action, Action::Certify | Action::Deploy);
    let needs_workload = matches!(action, Action::Train | Action::RunWorkload);
    let needs_hardware = matches!(action, Action::Deploy | Action::RunWorkload);
    if needs_report {
        let parts = subject
            .report
            .as_ref()
            .ok_or(missing("report"))?
            .entity(types);
        context.push((
            "report".into(),
            RestrictedExpression::new_entity_uid(parts.uid.clone()),
        ));
        entities.push(entity(parts)?);
    }
    if needs_workload {
        let parts = subject
            .workload
            .as_ref()
            .ok_or(missing("workload"))?
            .entity(types)?;
        context.push((
            "workload".into(),
            RestrictedExpression::new_entity_uid(parts.uid.clone()),
        ));
        entities.push(entity(parts)?);
    }
    if needs_hardware {
        let parts = subject
            .hardware
            .as_ref()
            .ok_or(missing("hardware"))?
            .entity(types)?;
        context.push((
            "hardware".into(),
            RestrictedExpression::new_entity_uid(parts.uid.clone()),
        ));
        entities.push(entity(parts)?);
    }
    let entities = Entities::from_entities(entities, Some(&compiled.schema)).map_err(internal)?;
    let context = Context::from_pairs(context).map_err(internal)?;
    let action_uid =
        EntityUid::from_type_name_and_id(types.action.clone(), EntityId::new(action.name()));
    let request = Request::new(
        principal,
        action_uid,
        resource,
        context,
        Some(&compiled.schema),
    )
    .map_err(internal)?;
    Ok((entities, request))
}
