//! Rules about the source that the compiler does not enforce.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `registry::id("name")` is a `const fn` that scans every field table: outside a constant it
/// runs on every call. It once did so per TCP analysis item (the TCP-stream fuzz target ran at six
/// inputs a second). Every use must be a `const` item or a `const { }` block.
#[test]
fn registry_names_are_resolved_at_compile_time() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 50);
    let mut bad = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let t = line.trim_start();
            let call = line.contains("registry::id(\"")
                || line.contains(" id(\"")
                || line.contains("(id(\"");
            let constant = t.starts_with("const ")
                || t.starts_with("pub const ")
                || t.starts_with("pub(crate) const ")
                || line.contains("const {")
                || t.starts_with("//");
            if call
                && !constant
                && !f.to_string_lossy().contains("/fields/")
                && !f.ends_with("registry.rs")
            {
                bad.push(format!("{}:{}: {}", f.display(), n + 1, t));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "run-time registry lookups:\n{}",
        bad.join("\n")
    );
}
