//! The docs are tested: every shell example of `README.md` and of the user guide
//! (`docs/guide/**/*.md`) runs, and exits as the page says.
//!
//! Conventions, also written down in the guide's chapter "Reliability tools":
//!
//! - A block is tested when its fence's info string is `sh` and its first line that is neither
//!   empty nor a comment starts with `seqsim`. Synopses (`[OPTIONS]`) go in `text` blocks, and
//!   commands that build or run for long (`cargo`, `bash .ci/...`) in blocks that start
//!   otherwise, so they are shown, not run.
//! - Each line that is neither empty nor a comment (`# ...`) is one command; a line ending in
//!   `\` continues onto the next. A trailing comment is prose and is stripped: a `#` starts one
//!   only at the start of a word (after whitespace) and outside quotes, so
//!   `--vary 'senders[0].count=1..4'` and `'#'` stay part of the command.
//! - A command must exit 0, unless its comment starts with `exit N`
//!   (`seqsim validate broken.toml   # exit 2: ...`): then it must exit N.
//! - Each block runs in a fresh scratch folder holding copies of the repository's `scenarios/`,
//!   `rules/`, `expectations/` and `examples/`, its commands in order through `sh -c` (quotes,
//!   globs and `>` work as in a user's shell), with the built `seqsim` first on `PATH`. So a
//!   block may write a file and read it in a later command; blocks share nothing.
//!
//! Every failure is listed at once, with its file, line, command, exit codes and stderr. The
//! fence scanner is a few lines of our own: the pages use plain fences only, and a markdown
//! crate would be one more dependency for it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest one documented command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// The folders each block's scratch folder starts with.
const COPIED_FOLDERS: &[&str] = &["scenarios", "rules", "expectations", "examples"];

/// One command of a tested block.
#[derive(Debug, Clone, PartialEq)]
struct DocCommand {
    /// The line (from 1) the command starts on.
    line: usize,
    /// The command, continuation lines joined and the trailing comment stripped.
    text: String,
    /// The exit code the page expects.
    exit: i32,
}

/// The tested blocks of a markdown page: each its commands, in order.
fn tested_blocks(markdown: &str) -> Vec<Vec<DocCommand>> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        let trimmed = line.trim_start();
        let Some(fence) = fence_of(trimmed) else {
            continue;
        };
        let info = trimmed[fence.len()..].trim();
        let mut body = Vec::new();
        for (index, inner) in lines.by_ref() {
            let inner_trimmed = inner.trim();
            if inner_trimmed.starts_with(fence) && inner_trimmed.trim_matches('`').is_empty() {
                break;
            }
            body.push((index + 1, inner));
        }
        if info.split_whitespace().next() == Some("sh") {
            let commands = commands_of(&body);
            let first = commands.first().map(|c| c.text.as_str()).unwrap_or("");
            if first == "seqsim" || first.starts_with("seqsim ") {
                blocks.push(commands);
            }
        }
    }
    blocks
}

/// The opening fence (three or more backticks) a trimmed line starts with, if any.
fn fence_of(trimmed: &str) -> Option<&str> {
    let ticks = trimmed.chars().take_while(|&c| c == '`').count();
    (ticks >= 3).then(|| &trimmed[..ticks])
}

/// The commands of a block's lines (numbered from 1).
fn commands_of(body: &[(usize, &str)]) -> Vec<DocCommand> {
    let mut commands = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for &(number, raw) in body {
        let line = raw.trim();
        if pending.is_none() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        let (start, mut text) = pending.take().unwrap_or((number, String::new()));
        if let Some(continued) = line.strip_suffix('\\') {
            text.push_str(continued.trim_end());
            text.push(' ');
            pending = Some((start, text));
            continue;
        }
        text.push_str(line);
        let (command, comment) = split_comment(&text);
        commands.push(DocCommand {
            line: start,
            text: command.to_owned(),
            exit: comment.and_then(exit_marker).unwrap_or(0),
        });
    }
    if let Some((start, text)) = pending {
        let (command, _) = split_comment(&text);
        commands.push(DocCommand {
            line: start,
            text: command.to_owned(),
            exit: 0,
        });
    }
    commands
}

/// A command line and its trailing comment (the text after a `#` that starts a word outside
/// quotes), both trimmed.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        if escaped {
            escaped = false;
        } else if single {
            single = c != '\'';
        } else if c == '\\' {
            escaped = true;
        } else if double {
            double = c != '"';
        } else if c == '\'' {
            single = true;
        } else if c == '"' {
            double = true;
        } else if c == '#' && previous.is_whitespace() {
            return (line[..at].trim(), Some(line[at + 1..].trim()));
        }
        previous = c;
    }
    (line.trim(), None)
}

/// The exit code a comment announces: `exit N` at its start.
fn exit_marker(comment: &str) -> Option<i32> {
    let rest = comment.strip_prefix("exit ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `README.md` and every page of the guide, sorted.
fn documented_pages(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut pages = Vec::new();
    walk(&root.join("docs/guide"), &mut pages);
    pages.sort();
    pages.insert(0, root.join("README.md"));
    pages
}

/// Copies the folder `from` into `to`, recursively.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_folder(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A scratch folder with the repository's example folders in it.
fn scratch_folder(root: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in COPIED_FOLDERS {
        copy_folder(&root.join(folder), &dir.path().join(folder));
    }
    dir
}

/// Runs one command through `sh -c` in `dir`: its exit code (-1 when killed or timed out)
/// and the start of its stderr.
fn run(command: &str, dir: &Path, path_var: &str) -> (i32, String) {
    let stderr_file = dir.join(".docs-test-stderr");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PATH", path_var)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_file).unwrap())
        .spawn()
        .expect("sh starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > COMMAND_TIMEOUT {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = std::fs::read_to_string(&stderr_file).unwrap_or_default();
    let start: String = stderr.chars().take(400).collect();
    match status {
        Some(status) => (status.code().unwrap_or(-1), start),
        None => (-1, format!("timed out after {COMMAND_TIMEOUT:?}; {start}")),
    }
}

#[test]
fn every_documented_command_exits_as_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binary = Path::new(env!("CARGO_BIN_EXE_seqsim"));
    let path_var = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let (mut ran, mut failures) = (0, Vec::new());
    for page in documented_pages(root) {
        let name = page.strip_prefix(root).unwrap().display().to_string();
        let markdown = std::fs::read_to_string(&page).unwrap();
        for block in tested_blocks(&markdown) {
            let scratch = scratch_folder(root);
            for command in block {
                ran += 1;
                let (code, stderr) = run(&command.text, scratch.path(), &path_var);
                if code != command.exit {
                    failures.push(format!(
                        "{name}:{}: `{}`: expected exit {}, got {code}; stderr: {}",
                        command.line,
                        command.text,
                        command.exit,
                        stderr.trim_end()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} documented commands failed:\n\n{}\n",
        failures.len(),
        failures.join("\n\n")
    );
    eprintln!("ran {ran} documented commands");
    assert!(
        ran >= 40,
        "only {ran} documented commands found: is the block filter broken?"
    );
}

#[test]
fn the_scanner_reads_commands_comments_continuations_and_exit_markers() {
    let page = r#"# A page

```sh
# a comment line, skipped
seqsim run --summary        # prose, stripped
seqsim sweep default --vary 'senders[0].count=1..4' \
    --label 'a=b # not a comment'   # exit 1

seqsim validate "x#y.toml" a#b  # exit 2: a bad file
seqsim check e.toml | grep -c '#'
```

```text
seqsim run [OPTIONS]
```

```sh
cargo run --release -- run   # not tested: it starts with cargo
seqsim run
```

- A list item:

  ```sh
  seqsim list # exit 0
  ```
"#;
    let blocks = tested_blocks(page);
    let command = |line, text: &str, exit| DocCommand {
        line,
        text: text.to_owned(),
        exit,
    };
    assert_eq!(
        blocks,
        [
            vec![
                command(5, "seqsim run --summary", 0),
                command(
                    6,
                    "seqsim sweep default --vary 'senders[0].count=1..4' --label 'a=b # not a comment'",
                    1
                ),
                command(9, "seqsim validate \"x#y.toml\" a#b", 2),
                command(10, "seqsim check e.toml | grep -c '#'", 0),
            ],
            vec![command(25, "seqsim list", 0)],
        ]
    );
    assert_eq!(split_comment("a \\# b # c"), ("a \\# b", Some("c")));
    assert_eq!(exit_marker("exit 2: bad"), Some(2));
    assert_eq!(exit_marker("exits twice"), None);
}
