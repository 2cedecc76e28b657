//! Where reports go: the progress bar on stderr, standard output (every write error but a
//! closed pipe is an error), and `Output`, a report file written to a temporary file beside its
//! target and renamed over it only when complete.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use crate::cleanup;

/// A progress bar on stderr for runs that take a while: it appears only on a terminal, and only
/// once a run has lasted a second, so quick runs and pipes print nothing extra.
pub struct ProgressBar {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl ProgressBar {
    pub fn new(days: u64) -> Self {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_length(days);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg:>12} [{bar:30}] day {pos}/{len}, {elapsed} elapsed",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_message("generating");
        Self {
            bar,
            started: std::time::Instant::now(),
            shown: false.into(),
        }
    }

    pub fn update(&self, progress: sim::Progress) {
        use std::io::IsTerminal as _;
        use std::sync::atomic::Ordering;
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > std::time::Duration::from_secs(1)
            && std::io::stderr().is_terminal()
        {
            self.shown.store(true, Ordering::Relaxed);
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        match progress {
            sim::Progress::Generated => self.bar.set_message("simulating"),
            sim::Progress::Day { done, .. } => self.bar.set_position(u64::from(done)),
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Writes `text` to the prepared output file, or to standard output.
pub fn emit(output: Option<Output>, text: &str) -> Result<()> {
    match output {
        Some(output) => output.commit(text),
        None => write_stdout(text),
    }
}

/// Writes `text` to standard output: every command's output goes through here. A closed pipe
/// (`seqsim run | head`) is not an error worth a message; any other write error is.
pub fn write_stdout(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(err).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// A report file being written: a temporary file beside the target, renamed over it at the end.
pub struct Output {
    pub path: PathBuf,
    pub temp: tempfile::NamedTempFile,
    /// The flag that named the file, for messages.
    flag: &'static str,
}

impl Output {
    pub fn prepare(path: &Path, flag: &'static str) -> Result<Self> {
        let shown = path.display();
        if path.is_dir() || path.as_os_str().to_string_lossy().ends_with('/') {
            bail!(
                "cannot write the report to `{shown}` ({flag}): it is a directory; give a file path"
            );
        }
        // The report replaces the target whole (a rename): only ever a regular file. A
        // symbolic link is replaced by the file, not followed, so it is refused rather than
        // silently broken; so is a device or a FIFO.
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if !meta.file_type().is_file() {
                bail!(
                    "cannot write the report to `{shown}` ({flag}): it exists and is not a regular file (a link, a device or a FIFO); give a new path or a regular file to replace"
                );
            }
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            bail!(
                "cannot write the report to `{shown}` ({flag}): directory `{}` does not exist",
                dir.display()
            );
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(".seqsim-report-");
        // The usual permissions of a new file (0666 less the umask), not tempfile's private
        // 0600: reports are artifacts other users (a CI uploader) read.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = cleanup::make_registered(|| builder.tempfile_in(dir), |t| t.path());
        let temp = temp.map_err(|e| {
            anyhow::anyhow!(
                "cannot write the report to `{shown}` ({flag}): directory `{}` is not writable ({})",
                dir.display(),
                e.kind()
            )
        })?;
        Ok(Self {
            path: path.to_owned(),
            temp,
            flag,
        })
    }

    pub fn commit(mut self, text: &str) -> Result<()> {
        let (shown, flag) = (self.path.display().to_string(), self.flag);
        self.temp
            .write_all(text.as_bytes())
            .and_then(|()| self.temp.flush())
            .with_context(|| format!("cannot write the report to `{shown}` ({flag})"))?;
        let temp_path = self.temp.path().to_owned();
        cleanup::unregister(&temp_path, || self.temp.persist(&self.path))
            .with_context(|| format!("cannot write the report to `{shown}` ({flag})"))?;
        Ok(())
    }
}
