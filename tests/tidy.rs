//! House rules, checked on every test run: each source file documents its module, nothing
//! reaching a report can iterate a `HashMap` or read a clock or an OS random source, no
//! debugging leftovers remain, and no function grows past 80 lines unless it is on a shrinking
//! allowlist. The architecture's invariants, kept true by a test.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("target")
                && !path.file_name().unwrap().to_string_lossy().starts_with('.')
            {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every folder of the workspace that holds Rust sources.
const EVERY_CRATE: &[&str] = &[
    "model",
    "sim",
    "scenarios",
    "reports",
    "harness",
    "sweep",
    "benches",
    "src",
    "tests",
    "examples",
];

fn files_of(crates: &[&str]) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for krate in crates {
        rust_files(&root.join(krate), &mut files);
    }
    assert!(!files.is_empty());
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

#[test]
fn every_source_file_documents_its_module() {
    for (path, text) in files_of(EVERY_CRATE) {
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with("//!"),
            "{} has no module doc (//!) at the top",
            path.display()
        );
    }
}

#[test]
fn the_simulation_core_stays_deterministic_and_pure() {
    // Spelled in pieces so that this file does not match itself.
    let banned_everywhere = [["Hash", "Map"].concat(), ["Hash", "Set"].concat()];
    let banned_in_core = [
        ["Std", "Rng"].concat(),
        ["Small", "Rng"].concat(),
        ["thread", "_rng"].concat(),
        ["Os", "Rng"].concat(),
        ["System", "Time"].concat(),
        ["Instant", "::"].concat(),
        ["std::", "fs"].concat(),
        ["serde", "::"].concat(),
        ["Serial", "ize"].concat(),
    ];
    for (path, text) in files_of(&["model", "sim", "scenarios", "reports", "harness"]) {
        for word in &banned_everywhere {
            assert!(
                !text.contains(word.as_str()),
                "{} uses {word}: iteration order must not reach output",
                path.display()
            );
        }
        let core = ["model", "sim"]
            .iter()
            .any(|c| path.components().any(|p| p.as_os_str() == *c));
        if core {
            for word in &banned_in_core {
                assert!(!text.contains(word.as_str()), "{} uses {word}: model and sim do no I/O, read no clock, draw only from sim::rng and know no serde", path.display());
            }
        }
    }
}

#[test]
fn no_debugging_leftovers() {
    let banned = [
        ["db", "g!("].concat(),
        ["to", "do!("].concat(),
        ["unimpl", "emented!("].concat(),
        ["#[ig", "nore"].concat(),
    ];
    for (path, text) in files_of(EVERY_CRATE) {
        for word in &banned {
            assert!(
                !text.contains(word.as_str()),
                "{} contains {word}",
                path.display()
            );
        }
    }
}

/// Longest a function body may run, in lines from its `fn` line to its closing brace.
const FUNCTION_LINES_MAX: usize = 80;

/// Functions longer than [`FUNCTION_LINES_MAX`] today, as `path::fn_name` and their length. The
/// list may only shrink: a function on it may not grow, and one that shrinks or goes must
/// lower or leave its entry, so the next long function is noticed. Every `.rs` file of the
/// workspace counts, tests and `#[cfg(test)]` modules included: a test is read as often.
const LONG_FUNCTIONS: &[(&str, usize)] = &[];

/// `text` with the contents of comments, string and character literals blanked out (newlines
/// kept), so that braces and `fn` inside them are not read as code.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let word_before = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let end = if c == '/' && next == Some('/') {
            (i..chars.len())
                .find(|&j| chars[j] == '\n')
                .unwrap_or(chars.len())
        } else if c == '/' && next == Some('*') {
            block_comment_end(&chars, i)
        } else if c == 'r' && !word_before && matches!(next, Some('"' | '#')) {
            raw_string_end(&chars, i).unwrap_or(i + 1)
        } else if c == '"' {
            string_end(&chars, i)
        } else if c == '\'' {
            char_end(&chars, i).unwrap_or(i + 1)
        } else {
            i + 1
        };
        if end == i + 1 {
            out.push(c);
        } else {
            out.extend(chars[i..end].iter().map(|&c| blank(c)));
        }
        i = end;
    }
    out
}

/// The end (exclusive) of the block comment opening at `start`; block comments nest.
fn block_comment_end(chars: &[char], start: usize) -> usize {
    let (mut depth, mut i) = (0, start);
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('*')) => (depth, i) = (depth + 1, i + 2),
            ('*', Some('/')) if depth == 1 => return i + 2,
            ('*', Some('/')) => (depth, i) = (depth - 1, i + 2),
            _ => i += 1,
        }
    }
    chars.len()
}

/// The end (exclusive) of the raw string `r#"..."#` opening at `start`, if it is one.
fn raw_string_end(chars: &[char], start: usize) -> Option<usize> {
    let hashes = chars[start + 1..].iter().take_while(|&&c| c == '#').count();
    let quote = start + 1 + hashes;
    if chars.get(quote) != Some(&'"') {
        return None;
    }
    let closing: Vec<char> = std::iter::once('"')
        .chain(std::iter::repeat_n('#', hashes))
        .collect();
    (quote + 1..chars.len())
        .find(|&j| chars[j..].starts_with(&closing))
        .map(|j| j + closing.len())
        .or(Some(chars.len()))
}

/// The end (exclusive) of the string literal opening at `start`.
fn string_end(chars: &[char], start: usize) -> usize {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// The end (exclusive) of the character literal opening at `start`, or `None` for a lifetime.
fn char_end(chars: &[char], start: usize) -> Option<usize> {
    match chars.get(start + 1)? {
        '\\' => (start + 2..chars.len())
            .find(|&j| chars[j] == '\'')
            .map(|j| j + 1),
        _ if chars.get(start + 2) == Some(&'\'') => Some(start + 3),
        _ => None,
    }
}

/// Every function with a body in `code` (see [`code_only`]): its name and its length in lines,
/// from the line of `fn` to the line of the closing brace.
fn functions(code: &str) -> Vec<(String, usize)> {
    let bytes = code.as_bytes();
    let line_of = |at: usize| code[..at].matches('\n').count();
    let mut found = Vec::new();
    for (at, _) in code.match_indices("fn ") {
        let keyword = at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        let name: String = code[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !keyword || name.is_empty() {
            continue;
        }
        if let Some(close) = body_end(bytes, at + 3 + name.len()) {
            found.push((name, line_of(close) - line_of(at) + 1));
        }
    }
    found
}

/// The byte offset of the brace closing the body of the function whose signature continues at
/// `from`, or `None` for a declaration without a body.
fn body_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut nesting = 0i32;
    let mut open = false;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match b {
            b'(' | b'[' => nesting += 1,
            b')' | b']' => nesting -= 1,
            b';' if nesting == 0 && !open => return None,
            b'{' if nesting == 0 && !open => {
                open = true;
                nesting = 1;
            }
            b'{' if open => nesting += 1,
            b'}' if open => {
                nesting -= 1;
                if nesting == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Every function of the workspace over [`FUNCTION_LINES_MAX`] lines, as `path::fn_name` and
/// its length, in file order.
fn long_functions() -> Vec<(String, usize)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut long = Vec::new();
    for (path, text) in files_of(EVERY_CRATE) {
        let relative = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (name, lines) in functions(&code_only(&text)) {
            if lines > FUNCTION_LINES_MAX {
                long.push((format!("{relative}::{name}"), lines));
            }
        }
    }
    long
}

#[test]
fn functions_stay_short() {
    let long = long_functions();
    let mut problems = Vec::new();
    for (key, lines) in &long {
        match LONG_FUNCTIONS.iter().find(|(k, _)| k == key) {
            None => problems.push(format!(
                "{key} is {lines} lines long, over {FUNCTION_LINES_MAX}: split it into a short parent and helpers"
            )),
            Some((_, allowed)) if lines > allowed => problems.push(format!(
                "{key} grew from {allowed} to {lines} lines: it is on the allowlist of long functions, which may only shrink; split it"
            )),
            Some((_, allowed)) if lines < allowed => problems.push(format!(
                "{key} shrank from {allowed} to {lines} lines: lower its entry in LONG_FUNCTIONS (tests/tidy.rs) to {lines}"
            )),
            Some(_) => {}
        }
    }
    for (key, allowed) in LONG_FUNCTIONS {
        if !long.iter().any(|(k, _)| k == key) {
            problems.push(format!(
                "{key} (allowed {allowed} lines) no longer exists or is now {FUNCTION_LINES_MAX} lines or fewer: remove it from the allowlist LONG_FUNCTIONS in tests/tidy.rs"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn the_function_scanner_reads_code_not_text() {
    let source = r####"
trait T {
    fn declared(&self) -> [u8; 2];
}
fn outer<'a>(x: &'a str) -> usize {
    let _ = "fn fake() { {";
    let _ = r#"} fn raw() {"#;
    let _ = ('{', '\'', b'}');
    /* fn commented() { /* nested } */ } */
    // fn line_comment() {
    fn inner() {
        let _ = 1;
    }
    x.len()
}
"####;
    assert_eq!(
        functions(&code_only(source)),
        [("outer".to_owned(), 11), ("inner".to_owned(), 3)]
    );
}

/// Every test docs/domain.md names (`file.rs::test_name`) exists: the reference cannot point at
/// a test that was renamed or removed.
#[test]
fn the_domain_reference_names_real_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/domain.md")).unwrap();
    let files = files_of(EVERY_CRATE);
    let mut named = 0;
    let mut missing = Vec::new();
    for reference in doc.split('`').skip(1).step_by(2) {
        let Some((file, test)) = reference.split_once(".rs::") else {
            continue;
        };
        named += 1;
        let file = format!("{file}.rs");
        let found = files.iter().any(|(path, text)| {
            path.to_string_lossy().ends_with(&format!("/{file}"))
                && text.contains(&format!("fn {test}("))
        });
        if !found {
            missing.push(format!("{file}::{test}"));
        }
    }
    assert!(named > 40, "docs/domain.md names {named} tests");
    assert!(
        missing.is_empty(),
        "docs/domain.md names tests that do not exist: {missing:?}"
    );
}

/// The module path of `file` in the crate whose sources are in `src` (`engine::guards`; the
/// crate root: empty).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("lib" | "mod" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// The modules of `modules` that `code` (of module `at`) names through `crate::` or `super::`,
/// the longest module of each path.
fn modules_named(code: &str, at: &str, modules: &[String]) -> Vec<String> {
    let parent = at.rsplit_once("::").map_or("", |(p, _)| p);
    let mut named = Vec::new();
    for (prefix, base) in [("crate::", ""), ("super::", parent)] {
        for (i, _) in code.match_indices(prefix) {
            let path: String = code[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
            let full = |k: usize| {
                let tail = parts[..k].join("::");
                if base.is_empty() {
                    tail
                } else {
                    format!("{base}::{tail}")
                }
            };
            if let Some(m) = (1..=parts.len())
                .rev()
                .map(full)
                .find(|m| modules.contains(m))
            {
                named.push(m);
            }
        }
    }
    named
}

#[test]
fn no_two_modules_import_each_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut circles = Vec::new();
    for krate in ["model", "sim", "scenarios", "reports", "harness", "sweep"] {
        let src = root.join(krate).join("src");
        let files = files_of(&[&format!("{krate}/src")]);
        let modules: Vec<String> = files.iter().map(|(p, _)| module_of(&src, p)).collect();
        let named: Vec<Vec<String>> = (files.iter().zip(&modules))
            .map(|((_, text), m)| {
                let code = code_only(text);
                let code = code.split("mod tests {").next().unwrap_or("").to_owned();
                modules_named(&code, m, &modules)
            })
            .collect();
        for (i, a) in modules.iter().enumerate() {
            for (j, b) in modules.iter().enumerate() {
                let nested = b.starts_with(&format!("{a}::")) || a.starts_with(&format!("{b}::"));
                if i < j
                    && !nested
                    && !a.is_empty()
                    && !b.is_empty()
                    && named[i].contains(b)
                    && named[j].contains(a)
                {
                    circles.push(format!("{krate}: {a} and {b} import each other"));
                }
            }
        }
    }
    assert!(circles.is_empty(), "{}", circles.join("\n"));
}
