//! `chainmodel::codegen::rust_module` over the serving suite's pydantic schemas (issue 27, in
//! progress): every schema gives a module that compiles (one trybuild program for all of them,
//! so chainmodel is built once) and whose root model's `json_schema()` equals the input.
#![cfg(feature = "codegen")]

mod common;

use chainmodel::codegen::{CodegenError, rust_module};
use serde_json::{Value, json};

/// The Rust type name the generator gives a title (`Page[int]` is `PageInt`).
fn type_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| p[..1].to_uppercase() + &p[1..])
        .collect()
}

#[test]
fn serving_schemas_give_rust_models_with_the_same_schema() {
    let Some(python) = common::anchor_python("serving_schemas_give_rust_models_with_the_same_schema") else { return };
    let emitted: Value =
        serde_json::from_str(&common::run_script(&python, "serving_cases.py", &["emit"], b"")).unwrap();
    // Without a warning: the generated code is meant to pass `-D warnings`.
    let mut program = String::from("#![deny(warnings)]\n\nuse chainmodel::ChainModel as _;\n\n");
    let mut checks = String::new();
    let mut skipped = Vec::new();
    for (i, (name, entry)) in emitted.as_object().unwrap().iter().enumerate() {
        // Two models of one title from two Python modules (`$defs` keys qualified by module):
        // the generator writes one module, so the keys are not reproduced yet.
        if name == "Conversation" {
            continue;
        }
        let code = match rust_module(&entry["schema"]) {
            Ok(code) => code,
            Err(e) => {
                skipped.push(format!("{name}: {e}"));
                continue;
            }
        };
        let title = entry["schema"]["title"].as_str().unwrap();
        program.push_str(&format!("pub mod m{i} {{\n{code}\n}}\n\n"));
        checks.push_str(&format!(
            "    let expected: chainmodel::serde_json::Value = chainmodel::serde_json::from_str({:?}).unwrap();\n    \
             if m{i}::{}::json_schema() != expected {{ failures.push(format!(\"{name}:\\n  Rust:     {{}}\\n  pydantic: {{}}\", m{i}::{}::json_schema(), expected)); }}\n",
            entry["schema"].to_string(),
            type_name(title),
            type_name(title),
        ));
    }
    // Function discriminators publish no tag field: the one schema shape not generated yet.
    assert!(skipped.iter().all(|f| f.contains("without `discriminator`")), "{skipped:#?}");
    let generated = checks.matches("json_schema() != expected").count();
    assert!(generated >= 55, "only {generated} schemas generated");
    program.push_str(&format!(
        "fn main() {{\n    let mut failures: Vec<String> = Vec::new();\n{checks}    assert!(failures.is_empty(), \"{{}}\", failures.join(\"\\n\"));\n}}\n"
    ));
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("serving_models.rs");
    std::fs::write(&path, program).unwrap();
    trybuild::TestCases::new().pass(&path);
}

#[test]
fn bad_schemas_are_located() {
    let dangling = json!({"title": "M", "type": "object", "properties": {"x": {"$ref": "#/$defs/Nowhere"}}});
    assert_eq!(
        rust_module(&dangling),
        Err(CodegenError { at: "/properties/x".into(), message: "`$ref` \"#/$defs/Nowhere\" points nowhere".into() })
    );
    let untitled = json!({"type": "object", "properties": {}});
    assert_eq!(rust_module(&untitled).unwrap_err().message, "the root schema has no `title`");
}
