//! Temporary report files removed when the process is told to stop. `Output` writes a report
//! to a temporary file beside its target and renames it at the end; SIGINT or SIGTERM in
//! between would leave the temporary file behind, so every one is registered here and a
//! signal thread (signal-hook: a handler may not lock or allocate, a thread may) removes them
//! and exits 128 + the signal's number, as a shell reports a process killed by it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

/// The temporary files to remove on a signal. Locked while a file is renamed into place, so a
/// signal never removes a file halfway through a commit (it waits for the rename).
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Most temporary files at once: `check` writes two (--junit, --save-baseline), `run` one.
const MAX_TEMPORARY: usize = 8;

/// The registry, whatever a panicking thread left it as: paths stay valid.
fn registry() -> MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Creates a temporary file with `make` and remembers its path (`path_of`) for removal on a
/// signal, starting the signal thread the first time. The handler is installed before the file
/// exists, and the registry stays locked from its creation to its registration, so a signal
/// in between waits and then removes it: SIGTERM right after the file appeared, on a loaded
/// machine, used to leave it behind.
pub fn create<T>(
    make: impl FnOnce() -> std::io::Result<T>,
    path_of: impl FnOnce(&T) -> PathBuf,
) -> std::io::Result<T> {
    static START: Once = Once::new();
    START.call_once(start_signal_thread);
    let mut temps = registry();
    assert!(
        temps.len() < MAX_TEMPORARY,
        "at most {MAX_TEMPORARY} output files"
    );
    let made = make()?;
    temps.push(path_of(&made));
    Ok(made)
}

/// Forgets `path` (it was renamed into place or removed), holding the registry locked while
/// `finish` runs (the rename), so that a signal either comes before it or after it.
pub fn unregister<T>(path: &Path, finish: impl FnOnce() -> T) -> T {
    let mut temps = registry();
    let answer = finish();
    temps.retain(|p| p != path);
    answer
}

#[cfg(unix)]
fn start_signal_thread() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
        Ok(signals) => signals,
        // Without the handler a signal kills the process as before: the only loss is the
        // cleanup, not worth refusing the run for.
        Err(_) => return,
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let temps = registry();
            for path in temps.iter() {
                let _ = std::fs::remove_file(path);
            }
            let name = if signal == SIGINT {
                "SIGINT"
            } else {
                "SIGTERM"
            };
            eprintln!("seqsim: stopped by {name}; no report was written");
            // Still holding the registry: no rename can start now.
            std::process::exit(128 + signal);
        }
    });
}

#[cfg(not(unix))]
fn start_signal_thread() {}
