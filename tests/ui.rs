//! Compile-time errors, each proven by its `.stderr` file: binary fields in JSON, bad
//! attributes, unsupported input. Regenerate with `TRYBUILD=overwrite cargo test --test ui`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
