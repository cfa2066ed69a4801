//! The fixed Cedar schema templates are validated against, parsed once.

use std::str::FromStr;
use std::sync::LazyLock;

use cedar_policy::{EntityTypeName, Schema, Validator};

use crate::error::PolicyError;
use crate::facts::TypeNames;

/// aigov's Cedar schema (Cedar's human-readable schema syntax), namespace `Aigov`.
///
/// It is part of the consensus rules: a template is valid only against this exact text, and a
/// change to it is a chain upgrade, so it is a constant compiled into the binary rather than
/// state. Its comments document every attribute, its unit and its values.
pub const SCHEMA: &str = include_str!("aigov.cedarschema");

/// The Cedar namespace of every aigov entity type and action.
pub const NAMESPACE: &str = "Aigov";

/// Everything derived from [`SCHEMA`] once per process.
pub(crate) struct Compiled {
    pub schema: Schema,
    pub validator: Validator,
    pub types: TypeNames,
}

static COMPILED: LazyLock<Result<Compiled, String>> = LazyLock::new(|| {
    let (schema, warnings) = Schema::from_cedarschema_str(SCHEMA).map_err(|e| e.to_string())?;
    if let Some(warning) = warnings.into_iter().next() {
        return Err(format!("schema warning: {warning}"));
    }
    let name =
        |n: &str| EntityTypeName::from_str(&format!("{NAMESPACE}::{n}")).map_err(|e| e.to_string());
    let types = TypeNames {
        lab: name("Lab")?,
        model: name("Model")?,
        hardware: name("Hardware")?,
        workload: name("Workload")?,
        report: name("Report")?,
        action: name("Action")?,
    };
    Ok(Compiled {
        validator: Validator::new(schema.clone()),
        schema,
        types,
    })
});

/// The parsed schema, validator and type names; an error only if [`SCHEMA`] itself is broken,
/// which the tests rule out.
pub(crate) fn compiled() -> Result<&'static Compiled, PolicyError> {
    COMPILED.as_ref().map_err(|message| PolicyError::Internal {
        message: format!("the embedded schema does not parse: {message}"),
    })
}

/// Checks that [`SCHEMA`] parses without warnings. The crate's tests call it; a node may call it
/// at start-up to fail early rather than at the first template.
pub fn check_schema() -> Result<(), PolicyError> {
    compiled().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_parses_without_warnings() {
        check_schema().expect("schema");
    }

    #[test]
    fn schema_declares_the_four_actions() {
        let compiled = compiled().expect("schema");
        let mut actions: Vec<String> = compiled
            .schema
            .actions()
            .map(|a| a.id().unescaped().to_owned())
            .collect();
        actions.sort();
        assert_eq!(actions, ["certify", "deploy", "run_workload", "train"]);
    }
}
