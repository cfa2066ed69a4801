//! The shipped example templates compile.

use aigov_policy::TemplatePolicy;

fn compile(name: &str) -> TemplatePolicy {
    let path = format!("{}/examples/templates/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example template");
    TemplatePolicy::compile(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn example_templates_compile() {
    let frontier = compile("frontier-general.cedar");
    assert_eq!(frontier.red_lines().len(), 10);
    let narrow = compile("narrow-protein.cedar");
    assert_eq!(narrow.red_lines().len(), 7);
    let training = compile("training-workload.cedar");
    assert_eq!(training.red_lines().len(), 7);
}
