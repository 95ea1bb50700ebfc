//! Every `extern "C"` function runs inside the panic boundary: its body starts by calling `guard` or `call`
//! (from src/ffi/mod.rs), or a helper of src/ffi whose own body does. One export that forgot it would be enough
//! to abort a host process on a bug, so this scans the source and fails on any that skips it.

use std::collections::HashMap;

/// (name, body) of every `fn` in the text, with `is_export` set for `extern "C"` ones.
fn functions(src: &str) -> Vec<(String, bool, String)> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find("fn ") {
        let before = &rest[..i];
        let line_start = before.rfind('\n').map_or(0, |p| p + 1);
        let prefix = &before[line_start..];
        let after = &rest[i + 3..];
        let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let Some(open) = after.find('{') else { break };
        // A `;` before the `{` means a declaration without a body (e.g. a callback type or a trait's method): go on
        // after it, so that a function right after it is still seen.
        if let Some(semicolon) = after[..open].find(';') {
            rest = &after[semicolon + 1..];
            continue;
        }
        if name.is_empty() {
            rest = &after[open..];
            continue;
        }
        let mut depth = 0;
        let mut end = open;
        for (j, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + j;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = after[open + 1..end].trim().to_string();
        out.push((name, prefix.contains("extern \"C\""), body));
        rest = &after[end..];
    }
    out
}

fn first_call(body: &str) -> String {
    body.trim_start_matches("use cibatch_fault::*;")
        .trim_start_matches("use cibatch_state::*;")
        .trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn every_export_is_behind_the_panic_boundary() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/ffi");
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let src = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        all.extend(functions(&src));
    }
    let bodies: HashMap<&str, &str> = all.iter().map(|(n, _, b)| (n.as_str(), b.as_str())).collect();
    // A helper is guarded when its body starts by calling `guard`, `call` or a guarded helper (a few levels deep).
    fn guarded(name: &str, bodies: &HashMap<&str, &str>, depth: u32) -> bool {
        matches!(name, "guard" | "call")
            || depth > 0 && bodies.get(name).is_some_and(|b| guarded(&first_call(b), bodies, depth - 1))
    }
    let guarded_helper = |name: &str| guarded(name, &bodies, 3);
    let exports: Vec<&(String, bool, String)> = all.iter().filter(|(_, export, _)| *export).collect();
    assert!(exports.len() > 80, "found only {} exports: is the scan broken?", exports.len());
    let unguarded: Vec<&str> =
        exports.iter().filter(|(_, _, body)| !guarded_helper(&first_call(body))).map(|(n, _, _)| n.as_str()).collect();
    assert!(unguarded.is_empty(), "exports outside the panic boundary: {unguarded:?}");
}

/// The boundary only works if panics unwind: no profile of the crate or of the fuzz crate may set `panic = "abort"`
/// (a panic would then abort the host process whatever the boundary does), nor may a cargo config pass it to rustc.
#[test]
fn no_profile_aborts_on_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["Cargo.toml", "fuzz/Cargo.toml", ".cargo/config.toml", ".cargo/config", "fuzz/.cargo/config.toml"] {
        let Ok(text) = std::fs::read_to_string(root.join(file)) else { continue };
        for (i, line) in text.lines().enumerate() {
            let code = line.split('#').next().unwrap_or("").replace(' ', "");
            assert!(
                !code.contains("panic=\"abort\"") && !code.contains("panic=abort"),
                "{file}:{}: {line:?} would make every panic abort the host process",
                i + 1
            );
        }
    }
}
