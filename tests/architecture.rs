//! The data flow between modules: which top-level modules of `src/` name which others
//! (`crate::x` paths and `use crate::{x, …}` lists, root re-exports resolved to their
//! module). No new pair of modules may import each other; the pairs that still do are
//! listed here to be taken apart (the architecture issue), and the list may only shrink.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module pairs that import each other today, sorted (none: keep it so).
const KNOWN: &[(&str, &str)] = &[];

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "bin") {
                sources(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
}

/// The crate's top-level modules and their files, from the `#[path = "…"] mod name;`
/// declarations of `lib.rs`: `(file or folder under src/, module)`.
fn declared(lib: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut path: Option<String> = None;
    for line in lib.lines().map(str::trim) {
        if let Some(p) = line.strip_prefix("#[path = \"") {
            path = p.split('"').next().map(str::to_string);
        } else if let Some(rest) = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "))
        {
            let name = rest.trim_end_matches(';').trim().to_string();
            if !rest.ends_with(';') {
                continue;
            }
            let file = path.take().unwrap_or_else(|| format!("{name}.rs"));
            // A module in a folder (`reconcile/pool/mod.rs`) owns the folder.
            let key = file
                .strip_suffix("mod.rs")
                .map_or(file.clone(), str::to_string);
            out.push((key, name));
        }
    }
    out
}

/// The top-level module a file under `src/` belongs to (`reconcile/pool/meta.rs` → `pool`).
fn module_of(path: &str, declared: &[(String, String)]) -> String {
    let rel = path.split("src/").last().unwrap_or(path);
    declared
        .iter()
        .filter(|(k, _)| rel == k || (k.ends_with('/') && rel.starts_with(k.as_str())))
        .max_by_key(|(k, _)| k.len())
        .map_or_else(|| "lib".to_string(), |(_, m)| m.clone())
}

/// Identifiers following `crate::` in the text, with `use crate::{a, b::c}` lists opened.
fn crate_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + 7..];
        if let Some(list) = rest.strip_prefix('{') {
            let end = list.find('}').unwrap_or(list.len());
            for item in list[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
    }
    out
}

#[test]
fn no_new_pair_of_modules_imports_each_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let lib = std::fs::read_to_string(root.join("lib.rs")).unwrap();
    let declared = declared(&lib);
    let modules: BTreeSet<String> = declared.iter().map(|(_, m)| m.clone()).collect();
    assert!(modules.len() >= 20, "{declared:?}");
    // Root re-exports: `pub use reconcile::{ClaimRow, …}` maps `ClaimRow` to `reconcile`.
    let mut reexport: BTreeMap<String, String> = BTreeMap::new();
    for stmt in lib.split(';') {
        let Some(body) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = body.split_once("::") else {
            continue;
        };
        for n in names.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !n.is_empty() {
                reexport.insert(n.to_string(), module.to_string());
            }
        }
    }
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in &files {
        let m = module_of(path, &declared);
        if m == "lib" {
            continue;
        }
        // Test modules may reach anywhere; comments (doc links) are not imports.
        let text = text.split("#[cfg(test)]").next().unwrap_or(text);
        let code: String = text
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        for r in crate_refs(&code) {
            let target = if modules.contains(&r) {
                Some(r)
            } else {
                reexport.get(&r).cloned()
            };
            if let Some(t) = target.filter(|t| *t != m && modules.contains(t)) {
                imports.entry(m.clone()).or_default().insert(t);
            }
        }
    }
    let mut mutual = BTreeSet::new();
    for (a, targets) in &imports {
        for b in targets {
            if a < b && imports.get(b).is_some_and(|t| t.contains(a)) {
                mutual.insert((a.clone(), b.clone()));
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN
        .iter()
        .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
        .collect();
    let new: Vec<_> = mutual.difference(&known).collect();
    assert!(
        new.is_empty(),
        "modules that now import each other: {new:?}"
    );
    let gone: Vec<_> = known.difference(&mutual).collect();
    assert!(
        gone.is_empty(),
        "these pairs no longer import each other: remove them from KNOWN: {gone:?}"
    );
}
