//! How batches reach an engine: [`Pipeline`], with several batches in flight, over a
//! subprocess speaking JSON lines ([`SubprocessEngine`]), an HTTP service ([`HttpEngine`]), or
//! an in-process [`RuleEngine`] ([`Direct`]).

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead as _, BufReader, BufWriter, Read as _, Write as _};
use std::os::unix::process::CommandExt as _;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::engine::{truncated, EngineError, RuleEngine};
use crate::protocol::{Answer, AnswerMessage, Batch};

/// Longest answer line (or HTTP answer body) read, in bytes: an engine that sends more is
/// answered with an error rather than with all of the machine's memory.
pub const ANSWER_BYTES_MAX: usize = 256 << 20;

/// Batches sent that have no answer yet, at most: the engine's latency does not serialise
/// the run, and memory stays bounded.
pub const IN_FLIGHT_MAX: usize = 8;

/// An engine that takes batches and answers them in the order it got them, several batches
/// possibly in flight.
pub trait Pipeline {
    /// Sends `batch`.
    fn submit(&mut self, batch: Batch) -> Result<(), EngineError>;
    /// The answers to the oldest batch not yet answered.
    fn receive(&mut self) -> Result<Vec<Answer>, EngineError>;
}

/// An in-process [`RuleEngine`] as a [`Pipeline`]: each batch is decided when received.
pub struct Direct<'a> {
    engine: &'a mut dyn RuleEngine,
    queued: VecDeque<Batch>,
}

impl<'a> Direct<'a> {
    /// The pipeline of `engine`.
    pub fn new(engine: &'a mut dyn RuleEngine) -> Self {
        Self {
            engine,
            queued: VecDeque::new(),
        }
    }
}

impl Pipeline for Direct<'_> {
    fn submit(&mut self, batch: Batch) -> Result<(), EngineError> {
        self.queued.push_back(batch);
        Ok(())
    }

    fn receive(&mut self) -> Result<Vec<Answer>, EngineError> {
        let batch = self.queued.pop_front().expect("a batch was submitted");
        self.engine.decide(&batch)
    }
}

/// The answer message in `text`.
fn parse_answers(text: &str) -> Result<Vec<Answer>, EngineError> {
    serde_json::from_str::<AnswerMessage>(text)
        .map(|m| m.answers)
        .map_err(|e| EngineError::Malformed {
            detail: e.to_string(),
            got: truncated(text.trim_end()),
        })
}

/// What the reader thread of a subprocess saw.
enum Line {
    Text(String),
    /// The engine closed its output.
    End,
    /// A line longer than [`ANSWER_BYTES_MAX`], or output that is not UTF-8, or a read error.
    Bad(EngineError),
}

/// An engine process speaking JSON lines: one batch a line on its standard input, one answer
/// message a line on its standard output; its standard error passes through. A writer thread
/// feeds it while the caller reads answers, so several batches are in flight.
///
/// Dropping it closes the engine's input, gives it a moment to exit, then kills it and waits
/// for it: the engine never outlives the harness's use of it, on any path.
pub struct SubprocessEngine {
    child: Child,
    batches: Option<SyncSender<Batch>>,
    lines: Receiver<Line>,
    timeout: Duration,
}

impl SubprocessEngine {
    /// Starts `command` (a program and its arguments, split like a shell would; no shell runs
    /// it). `timeout`: the longest wait for each answer.
    pub fn spawn(command: &str, timeout: Duration) -> Result<Self, EngineError> {
        let words = shlex::split(command)
            .filter(|w| !w.is_empty())
            .ok_or_else(|| {
                EngineError::Spawn(format!("cannot split {command:?} into a program and its arguments (an unclosed quote?)"))
            })?;
        let mut child = Command::new(&words[0])
            .args(&words[1..])
            // Its own process group, so that whatever the engine starts goes with it.
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| EngineError::Spawn(format!("`{}`: {e}", words[0])))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let (batches, to_write) = mpsc::sync_channel(IN_FLIGHT_MAX);
        let (read, lines) = mpsc::channel();
        thread::spawn(move || write_batches(stdin, to_write));
        thread::spawn(move || read_lines(stdout, read));
        Ok(Self {
            child,
            batches: Some(batches),
            lines,
            timeout,
        })
    }

    /// What the engine's exit says, once it has closed its output.
    fn exit_status(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_millis(500);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status.to_string(),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                Ok(None) => return "it closed its standard output".to_owned(),
                Err(e) => return e.to_string(),
            }
        }
    }
}

/// The writer thread: each batch as one line. It stops when the engine stops reading.
fn write_batches(stdin: ChildStdin, batches: Receiver<Batch>) {
    let mut out = BufWriter::with_capacity(1 << 20, stdin);
    for batch in batches {
        let written = serde_json::to_writer(&mut out, &batch)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush());
        if written.is_err() {
            return;
        }
    }
}

/// The reader thread: each line of the engine's output, then its end.
fn read_lines(stdout: ChildStdout, lines: Sender<Line>) {
    let mut input = BufReader::with_capacity(1 << 20, stdout);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        let limit = ANSWER_BYTES_MAX as u64 + 1;
        let line = match (&mut input).take(limit).read_until(b'\n', &mut buffer) {
            Ok(0) => Line::End,
            Ok(n) if n as u64 == limit => Line::Bad(EngineError::Malformed {
                detail: format!("an answer line longer than {ANSWER_BYTES_MAX} bytes"),
                got: truncated(&String::from_utf8_lossy(&buffer[..1000])),
            }),
            Ok(_) => match std::str::from_utf8(&buffer) {
                Ok(text) => Line::Text(text.to_owned()),
                Err(_) => Line::Bad(EngineError::Malformed {
                    detail: "the answer is not UTF-8".to_owned(),
                    got: truncated(&String::from_utf8_lossy(&buffer)),
                }),
            },
            Err(e) => Line::Bad(EngineError::Io(e.to_string())),
        };
        let last = !matches!(line, Line::Text(_));
        if lines.send(line).is_err() || last {
            return;
        }
    }
}

impl Pipeline for SubprocessEngine {
    fn submit(&mut self, batch: Batch) -> Result<(), EngineError> {
        let sender = self.batches.as_ref().expect("open until dropped");
        // The writer thread ends only when the engine stops reading: then its exit (or a
        // missing answer) is the error to report, at `receive`.
        let _ = sender.send(batch);
        Ok(())
    }

    fn receive(&mut self) -> Result<Vec<Answer>, EngineError> {
        match self.lines.recv_timeout(self.timeout) {
            Ok(Line::Text(text)) => parse_answers(&text),
            Ok(Line::Bad(error)) => Err(error),
            Ok(Line::End) | Err(RecvTimeoutError::Disconnected) => {
                Err(EngineError::Exited(self.exit_status()))
            }
            Err(RecvTimeoutError::Timeout) => Err(EngineError::Timeout(millis(self.timeout))),
        }
    }
}

impl RuleEngine for SubprocessEngine {
    fn decide(&mut self, batch: &Batch) -> Result<Vec<Answer>, EngineError> {
        self.submit(batch.clone())?;
        self.receive()
    }
}

impl Drop for SubprocessEngine {
    fn drop(&mut self) {
        // Closing its input asks the engine to finish; one that does not is killed.
        self.batches = None;
        let deadline = Instant::now() + Duration::from_millis(300);
        while Instant::now() < deadline && !matches!(self.child.try_wait(), Ok(Some(_))) {
            thread::sleep(Duration::from_millis(5));
        }
        kill_group(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Kills every process left in the engine's process group (a shell's children, a server's
/// workers); the group's id is the engine's pid (`process_group(0)` at spawn).
fn kill_group(pid: u32) {
    let Ok(group) = i32::try_from(pid) else {
        return;
    };
    // SAFETY: kill(2) takes plain integers and touches no memory of ours; a group already
    // gone gives ESRCH, which is what we want.
    unsafe {
        libc::kill(-group, libc::SIGKILL);
    }
}

fn millis(d: Duration) -> u64 {
    d.as_millis().try_into().unwrap_or(u64::MAX)
}

/// Requests one HTTP engine serves at once.
pub const HTTP_CONNECTIONS: usize = 4;

type HttpResult = (u64, Result<String, EngineError>);

/// An engine behind an HTTP endpoint: each batch is the JSON body of a POST to the URL, the
/// answer message the response's body (status 200). [`HTTP_CONNECTIONS`] requests are in
/// flight at once; answers are handed back in batch order.
pub struct HttpEngine {
    jobs: Option<Sender<(u64, Batch)>>,
    results: Receiver<HttpResult>,
    done: BTreeMap<u64, Result<String, EngineError>>,
    submitted: u64,
    received: u64,
    timeout: Duration,
    url: String,
}

impl HttpEngine {
    /// The engine at `url`; `timeout`: the longest wait for each answer.
    pub fn new(url: &str, timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build();
        let agent: ureq::Agent = config.into();
        let (jobs, queue) = mpsc::channel::<(u64, Batch)>();
        let queue = Arc::new(Mutex::new(queue));
        let (results_in, results) = mpsc::channel();
        for _ in 0..HTTP_CONNECTIONS {
            let (agent, url, queue, results_in) = (
                agent.clone(),
                url.to_owned(),
                Arc::clone(&queue),
                results_in.clone(),
            );
            thread::spawn(move || loop {
                let job = queue.lock().expect("no worker panics").recv();
                let Ok((index, batch)) = job else { return };
                if results_in
                    .send((index, post(&agent, &url, &batch)))
                    .is_err()
                {
                    return;
                }
            });
        }
        Self {
            jobs: Some(jobs),
            results,
            done: BTreeMap::new(),
            submitted: 0,
            received: 0,
            timeout,
            url: url.to_owned(),
        }
    }

    /// No answer within the timeout, with its likeliest cause: a server that serves one
    /// connection at a time while the harness keeps several open.
    fn stalled(&self) -> EngineError {
        EngineError::Http(format!(
            "no answer from {} within {} ms (--timeout-ms); the harness keeps {HTTP_CONNECTIONS} requests in flight on keep-alive connections, and a single-threaded server (Python's HTTPServer speaking HTTP/1.1) serves one connection until it closes while the others wait: serve with a threaded server (ThreadingHTTPServer) or an async one; see docs/harness.md, \"HTTP engines\"",
            self.url,
            millis(self.timeout)
        ))
    }
}

/// One POST of `batch` to `url`: the answer's body, or what went wrong.
fn post(agent: &ureq::Agent, url: &str, batch: &Batch) -> Result<String, EngineError> {
    let body = serde_json::to_vec(batch).expect("a batch always serializes");
    let mut response = agent
        .post(url)
        .header("content-type", "application/json")
        .send(&body[..])
        .map_err(|e| EngineError::Http(format!("POST {url}: {e}")))?;
    let status = response.status();
    let text = response
        .body_mut()
        .with_config()
        .limit(ANSWER_BYTES_MAX as u64)
        .read_to_string()
        .map_err(|e| EngineError::Http(format!("POST {url}: reading the answer: {e}")))?;
    if status != 200 {
        return Err(EngineError::Http(format!(
            "POST {url} answered {status}; body: {}",
            truncated(text.trim_end())
        )));
    }
    Ok(text)
}

impl Pipeline for HttpEngine {
    fn submit(&mut self, batch: Batch) -> Result<(), EngineError> {
        let jobs = self.jobs.as_ref().expect("open until dropped");
        jobs.send((self.submitted, batch))
            .map_err(|_| EngineError::Http("the HTTP workers stopped".to_owned()))?;
        self.submitted += 1;
        Ok(())
    }

    fn receive(&mut self) -> Result<Vec<Answer>, EngineError> {
        assert!(self.received < self.submitted, "a batch was submitted");
        let deadline = Instant::now() + self.timeout;
        while !self.done.contains_key(&self.received) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.results.recv_timeout(left) {
                Ok((index, result)) => {
                    self.done.insert(index, result);
                }
                Err(_) => return Err(self.stalled()),
            }
        }
        let result = self.done.remove(&self.received).expect("present");
        self.received += 1;
        parse_answers(&result?)
    }
}

impl RuleEngine for HttpEngine {
    fn decide(&mut self, batch: &Batch) -> Result<Vec<Answer>, EngineError> {
        self.submit(batch.clone())?;
        self.receive()
    }
}

impl Drop for HttpEngine {
    fn drop(&mut self) {
        // The workers end when the job queue closes (after at most one request each, bounded
        // by the agent's timeout); nothing waits for them.
        self.jobs = None;
    }
}
