//! Start p0fmod from a [`Config`], as p0f does after reading its options: check the
//! combination (the seed API's `start_p0f` codes), load the signature database, open the
//! capture (a file, or an interface with p0f's filter), the log and the query socket, drop
//! privileges, fork for daemon mode, then run until the capture ends or a stop flag is
//! raised.
//!
//! This is the run path of the Rust API and the Python module (`p0fmod.start_p0f`,
//! `p0fmod.P0f`); it prints nothing itself: status lines and warnings go to a callback as
//! [`Notice`]s, with p0f's texts, and failures come back as [`StartError`]s with p0f's
//! texts. Offline runs are [`p0fmod::OfflineRun`], over every capture of
//! [`Config::read_files`] in turn (a directory stands for its captures, `-` for standard
//! input: [`p0fmod::inputs`]) with one host table; live runs are `p0fmod-live`'s
//! `LiveLoop` (cargo feature `live`, on by default; it needs libpcap).
//!
//! The shortest way, like p0f on the command line (messages on stdout and stderr, console
//! blocks on stdout, stops on Ctrl-C):
//!
//! ```
//! use p0fmod::Config;
//! use p0fmod_session::ConfigExt;
//!
//! let log = std::env::temp_dir().join(format!("p0fmod-doc-{}.log", std::process::id()));
//! let mut config = Config::new();
//! config.set_read_file("../../tests/data/local/local-linux-ipv4-http.pcap")?;
//! config.set_log_file(&log)?;
//! let summary = config.start()?;
//! assert!(summary.observations > 0);
//! assert!(std::fs::read_to_string(&log)?.contains("mod=syn|cli=10.77.0.2/"));
//! # std::fs::remove_file(&log)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With control over each step, typed records and the host table ([`Session`]):
//!
//! ```
//! use p0fmod::{Config, Kind};
//! use p0fmod_session::{Session, Started};
//!
//! let mut config = Config::new();
//! config.set_read_file("../../tests/data/local/local-linux-ipv4-http.pcap")?;
//! let Started::Running(mut session) = Session::start(&config, false, &mut |_notice| {})? else {
//!     unreachable!("only daemon mode forks")
//! };
//! let records = session.observations().collect::<Result<Vec<_>, _>>()?;
//! assert_eq!(records[0].kind, Kind::Syn);
//! let host = session.host(records[0].client.ip()).expect("the client is known");
//! assert_eq!(host.os.unwrap().name, "Linux");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod logfile;

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub use p0fmod;
pub use p0fmod_api;

use p0fmod::inputs::Input;
use p0fmod::output::Sink;
use p0fmod::output::json::JsonSink;
use p0fmod::output::p0f::{ConsoleSink, LogOpenError, LogSink, open_log};
use p0fmod::output::resilient::{LogHealth, ResilientFile};
use p0fmod::{
    Config, ConfigError, ConfigWarning, Engine, HostInfo, Observation, OfflineRun, OutputFormat,
    OwnedObservation, RunError, RunWarning, load_database,
};
use p0fmod_capture::ReadProgress;
use p0fmod_db::DbErrors;

use logfile::LogFile;

#[cfg(feature = "live")]
pub use p0fmod_live::Interface;
#[cfg(feature = "live")]
pub use p0fmod_live::setup::interface_listing;

/// Something a session says that is not an observation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A status line as p0f prints it on stdout: the banner, `[+] ...`, `All done. ...`.
    Status(String),
    /// A warning; p0f prints `[!] WARNING: ` and the text on stderr.
    Warning(String),
    /// A note on the configuration that does not stop the run (the seed's start code -6);
    /// p0f prints `[!] ` and [`ConfigWarning::message`] on stdout.
    Note(ConfigWarning),
}

/// Why a session could not start or had to stop. `Display` gives p0f's text.
#[derive(Debug)]
pub enum StartError {
    /// The configuration was refused ([`ConfigError::code`]: the seed's start code).
    Config(ConfigError),
    /// The signature database was refused; p0f prints each error, then
    /// `Signature database refused (N errors).`
    Database(DbErrors),
    /// libpcap refused the filter expression; p0f prints `[-] pcap_compile: ` and
    /// `libpcap`, then `message`.
    Filter {
        /// libpcap's text.
        libpcap: String,
        /// p0f's text.
        message: &'static str,
    },
    /// p0f's FATAL: a failure with p0f's text.
    Fatal(String),
    /// p0f's PFATAL: a failed system call, with p0f's text and the system's.
    System {
        /// p0f's text.
        message: String,
        /// The system's text (`strerror`).
        os: String,
    },
    /// A file named in the configuration (the capture file, the log) could not be
    /// opened: p0f's text, the file and the system's error. p0f treats it as PFATAL
    /// (`system`: the log) or FATAL (the capture file).
    File {
        /// p0f's text.
        message: String,
        /// The file.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
        /// p0f reports it as a failed system call (`[-] SYSTEM ERROR`).
        system: bool,
    },
    /// What was asked needs something this build or this session does not have.
    Unsupported(&'static str),
}

impl StartError {
    /// The seed API's code for a refused configuration (-1 to -4, or -7 and -8 for the
    /// combinations p0f refuses beyond the seed); `None` for the other failures.
    pub fn code(&self) -> Option<i32> {
        match self {
            StartError::Config(e) => Some(e.code()),
            _ => None,
        }
    }
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Config(e) => f.write_str(e.message()),
            StartError::Database(errors) => write!(
                f,
                "Signature database refused ({} error{}).",
                errors.0.len(),
                if errors.0.len() == 1 { "" } else { "s" }
            ),
            StartError::Filter { message, .. } => f.write_str(message),
            StartError::Fatal(message) => f.write_str(message),
            StartError::System { message, os } => write!(f, "{message} ({os})"),
            StartError::File {
                message,
                source,
                system: true,
                ..
            } => write!(f, "{message} ({})", os_message(source)),
            StartError::File { message, .. } => f.write_str(message),
            StartError::Unsupported(what) => f.write_str(what),
        }
    }
}

impl StartError {
    /// A capture file (or a folder of them) that cannot be read: "PATH: reason".
    fn unreadable(path: PathBuf, source: std::io::Error) -> StartError {
        StartError::File {
            message: format!("{}: {source}", path.display()),
            path,
            source,
            system: false,
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::File { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<ConfigError> for StartError {
    fn from(e: ConfigError) -> StartError {
        StartError::Config(e)
    }
}

/// The kernel's capture counters at the end of a live run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KernelStats {
    /// Packets received.
    pub received: u32,
    /// Packets dropped by the kernel.
    pub dropped: u32,
    /// Packets dropped by the interface.
    pub if_dropped: u32,
}

/// Counts from a finished run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Frames read (capture files; live runs count packets only).
    pub frames: u64,
    /// Packets processed, as p0f counts them.
    pub packets: u64,
    /// Observations made.
    pub observations: u64,
    /// The run stopped because the stop flag was raised.
    pub interrupted: bool,
    /// The capture file is damaged after some point; everything before it was processed.
    pub damaged: bool,
    /// The kernel's counters (live runs).
    pub kernel: Option<KernelStats>,
    /// In the original process of a daemon-mode start: the daemon's process id (the run
    /// goes on there, and every other count is zero).
    pub daemon_pid: Option<i32>,
}

/// Requests to a running live session, acted on between packets. Raise them from signal
/// handlers (the `p0fmod` command: SIGHUP reopens the log, SIGUSR1 prints the
/// statistics), then raise `wake` so that the event loop acts at once.
#[derive(Clone, Debug, Default)]
pub struct Requests {
    /// Reopen the `-o` log (after a rotation renamed it); says so, or why not, through the
    /// run's notices.
    pub reopen_log: Arc<AtomicBool>,
    /// Print the statistics (a [`Notice::Status`] of `[+] ...` lines).
    pub report: Arc<AtomicBool>,
    /// Hold the log's writes in memory until the next reopen (at most 60 s): for a
    /// rotation that copies and truncates the log (logrotate's `copytruncate`).
    pub hold_log: Arc<AtomicBool>,
    /// Makes the event loop return to the session, which acts on the requests and goes on.
    pub wake: Arc<AtomicBool>,
}

/// What [`Session::start`] gives.
pub enum Started {
    /// Ready to run.
    Running(Session),
    /// Daemon mode, in the original process: the daemon runs on in the background.
    Parent {
        /// The daemon's process id.
        pid: i32,
        /// p0f's lines for this moment (`[+] Daemon process created, PID ...`).
        message: String,
    },
}

/// Where observations are written while a session runs.
#[derive(Default)]
struct Outputs {
    // Boxed, to keep `Started::Running(Session)` small.
    console: Option<Box<ConsoleSink<io::Stdout>>>,
    json: Option<Box<JsonSink<Box<dyn Write + Send>>>>,
    log: Option<LogSink<Box<dyn Write + Send>>>,
    /// The `-o` file behind `log` or `json`.
    log_file: Option<LogFile>,
    /// The health of a resilient log (live sessions), for the end-of-run report.
    log_health: Option<LogHealth>,
}

impl Outputs {
    /// Opens the log file (with p0f's line) and, if `console`, p0f's console blocks on
    /// stdout (JSON lines when the format is JSON and there is no log file). With
    /// `resilient` (live sessions), the log survives write failures
    /// ([`p0fmod::output::resilient`]); otherwise a failed write ends the run.
    fn open(
        config: &Config,
        console: bool,
        resilient: bool,
        notice: &mut dyn FnMut(Notice),
    ) -> Result<Outputs, StartError> {
        let mut outputs = Outputs::default();
        if let Some(path) = config.log_file() {
            let file = open_log(path).map_err(|e| match e {
                LogOpenError {
                    path,
                    message,
                    source: Some(source),
                } if message.starts_with("Cannot open") => StartError::File {
                    message,
                    path,
                    source,
                    system: true,
                },
                e => StartError::Fatal(e.to_string()),
            })?;
            let file = LogFile::new(file);
            let health = resilient.then(LogHealth::default);
            let writer: Box<dyn Write + Send> = match &health {
                Some(h) => Box::new(ResilientFile::new(file.clone(), h.clone())),
                None => Box::new(file.clone()),
            };
            match (config.output_format(), health.clone()) {
                (OutputFormat::Json, None) => {
                    outputs.json = Some(Box::new(JsonSink::new(writer)));
                }
                (OutputFormat::Json, Some(h)) => {
                    outputs.json = Some(Box::new(JsonSink::new(writer).with_health(h)));
                }
                (OutputFormat::P0f, None) => outputs.log = Some(LogSink::new(writer)),
                (OutputFormat::P0f, Some(h)) => {
                    outputs.log = Some(LogSink::new(writer).with_health(h));
                }
            }
            outputs.log_file = Some(file);
            outputs.log_health = health;
            notice(Notice::Status(format!(
                "[+] Log file '{}' opened for writing.",
                path.display()
            )));
        }
        if console {
            match (config.output_format(), config.log_file()) {
                (OutputFormat::Json, None) => {
                    outputs.json = Some(Box::new(JsonSink::new(Box::new(io::stdout()))));
                }
                _ => outputs.console = Some(Box::new(ConsoleSink::new(io::stdout()))),
            }
        }
        Ok(outputs)
    }

    /// Names the capture of the next observations in the JSON records.
    fn set_source(&mut self, name: &str) {
        if let Some(json) = self.json.as_mut() {
            json.set_source(Some(name));
        }
    }

    fn sinks<'a>(&'a mut self, observer: &'a mut dyn FnMut(&Observation<'_>)) -> Sinks<'a> {
        Sinks {
            outputs: self,
            observer: Observer(observer),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.each(&mut |sink| sink.flush())
    }

    fn each(&mut self, f: &mut dyn FnMut(&mut dyn Sink) -> io::Result<()>) -> io::Result<()> {
        if let Some(s) = self.console.as_deref_mut() {
            f(s)?;
        }
        if let Some(s) = self.json.as_deref_mut() {
            f(s)?;
        }
        if let Some(s) = self.log.as_mut() {
            f(s)?;
        }
        Ok(())
    }
}

/// A callback as a sink.
struct Observer<'a>(&'a mut dyn FnMut(&Observation<'_>));

impl Sink for Observer<'_> {
    fn write(&mut self, obs: &Observation<'_>) -> io::Result<()> {
        (self.0)(obs);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The outputs and the caller's callback, for one run.
struct Sinks<'a> {
    outputs: &'a mut Outputs,
    observer: Observer<'a>,
}

impl Sinks<'_> {
    fn as_list(&mut self) -> Vec<&mut dyn Sink> {
        let mut list: Vec<&mut dyn Sink> = Vec::new();
        if let Some(s) = self.outputs.console.as_deref_mut() {
            list.push(s);
        }
        if let Some(s) = self.outputs.json.as_deref_mut() {
            list.push(s);
        }
        if let Some(s) = self.outputs.log.as_mut() {
            list.push(s);
        }
        list.push(&mut self.observer);
        list
    }
}

/// The system's text for an error (`strerror`), as p0f prints it.
fn os_message(e: &io::Error) -> String {
    #[cfg(feature = "live")]
    {
        p0fmod_live::os_message(e)
    }
    #[cfg(not(feature = "live"))]
    {
        e.to_string()
    }
}

/// The capture a session reads.
enum Source {
    File(Box<Offline>),
    #[cfg(feature = "live")]
    Live(Box<live::Live>),
}

impl Source {
    /// The offline run, for capture files.
    fn file(&mut self) -> Option<&mut Offline> {
        match self {
            Source::File(offline) => Some(offline),
            #[cfg(feature = "live")]
            Source::Live(_) => None,
        }
    }
}

/// An offline session: the run over the current capture and the captures still to read.
struct Offline {
    run: OfflineRun,
    pending: VecDeque<Input>,
    /// The JSON records name their capture (several inputs).
    name_source: bool,
    progress: Progress,
}

/// How far the captures of an offline session have been read, all inputs together: raw
/// bytes taken from the files (compressed bytes for gzip) out of their total size. A
/// cheap handle that another thread may read while the session runs (a progress display).
#[derive(Clone, Debug)]
pub struct Progress {
    inner: Arc<ProgressInner>,
}

#[derive(Debug)]
struct ProgressInner {
    total: Option<u64>,
    /// Bytes of the captures already read to their end.
    done: AtomicU64,
    /// The capture being read.
    current: Mutex<ReadProgress>,
    /// Captures to read, and the number of the current one (from 1).
    captures: usize,
    index: AtomicUsize,
}

impl Progress {
    fn new(inputs: &[Input], first: ReadProgress) -> Progress {
        let sizes: Option<u64> = inputs
            .iter()
            .map(|input| match input {
                Input::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
                Input::Stdin => None,
            })
            .sum();
        Progress {
            inner: Arc::new(ProgressInner {
                total: sizes.filter(|_| first.total().is_some()),
                done: AtomicU64::new(0),
                current: Mutex::new(first),
                captures: inputs.len(),
                index: AtomicUsize::new(1),
            }),
        }
    }

    /// Moves on to the next capture.
    fn next(&self, next: ReadProgress) {
        if let Ok(mut current) = self.inner.current.lock() {
            self.inner.done.fetch_add(current.read(), Ordering::Relaxed);
            *current = next;
        }
        self.inner.index.fetch_add(1, Ordering::Relaxed);
    }

    /// Bytes read so far.
    pub fn read(&self) -> u64 {
        let current = self.inner.current.lock().map_or(0, |c| c.read());
        self.inner.done.load(Ordering::Relaxed) + current
    }

    /// The size of every capture together, when known (not with standard input).
    pub fn total(&self) -> Option<u64> {
        self.inner.total
    }

    /// The number of the capture being read (from 1) and the number of captures.
    pub fn capture(&self) -> (usize, usize) {
        (
            self.inner.index.load(Ordering::Relaxed),
            self.inner.captures,
        )
    }
}

impl Offline {
    /// Moves on to the next capture that opens, saying so (p0f's status line) and naming
    /// it in the JSON records; a capture that does not open is skipped with a warning.
    /// False when there is none left.
    fn next_input(&mut self, outputs: &mut Outputs, notice: &mut dyn FnMut(Notice)) -> bool {
        while let Some(input) = self.pending.pop_front() {
            let opened = input
                .open()
                .map_err(RunError::Capture)
                .and_then(|capture| self.run.continue_with(capture));
            match opened {
                Ok(()) => {
                    self.progress.next(self.run.progress());
                    notice(Notice::Status(read_status(&input)));
                    if self.name_source {
                        outputs.set_source(&input.name());
                    }
                    return true;
                }
                Err(e) => notice(Notice::Warning(format!("Skipped '{}': {e}", input.name()))),
            }
        }
        false
    }
}

/// p0f's status line for a capture being opened.
fn read_status(input: &Input) -> String {
    format!("[+] Will read pcap data from file '{}'.", input.name())
}

/// The error for a filter expression libpcap refused: p0f's, or, when the expression is
/// the name of a file or directory, one that says so (`p0fmod -r a.pcap b.pcap`).
fn filter_error(rule: Option<&str>, libpcap: String, message: &'static str) -> StartError {
    match rule {
        Some(rule) if Path::new(rule).exists() => StartError::Fatal(format!(
            "'{rule}' is a file, not a filter: give each capture with its own -r \
             (-r FILE -r FILE ...), or a directory (-r DIR)."
        )),
        _ => StartError::Filter { libpcap, message },
    }
}

/// A started p0fmod: the capture, the engine and its host table, the outputs.
pub struct Session {
    source: Source,
    outputs: Outputs,
    daemon: bool,
    requests: Requests,
}

/// p0fmod's banner line.
pub fn banner() -> String {
    format!(
        "--- p0fmod {} (p0f 3.09b compatible) ---\n",
        p0fmod::VERSION
    )
}

impl Session {
    /// Checks `config` and opens everything it names, saying p0f's status lines through
    /// `notice`. With `console` (and without [`Config::quiet`]), observations are also
    /// printed on stdout as p0f's console blocks (or JSON lines, for the JSON format
    /// without a log file); daemon mode never prints them.
    ///
    /// In daemon mode the process forks here: the original gets [`Started::Parent`], the
    /// daemon goes on with [`Started::Running`] (and should exit when its run ends). The
    /// caller must not have started threads then.
    pub fn start(
        config: &Config,
        console: bool,
        notice: &mut dyn FnMut(Notice),
    ) -> Result<Started, StartError> {
        notice(Notice::Status(banner()));
        let console = console && !config.quiet();
        for note in config.validate()? {
            notice(Notice::Note(note));
        }
        let db = load_database(config).map_err(|e| match e {
            RunError::Database(errors) => StartError::Database(errors),
            other => StartError::Fatal(other.to_string()),
        })?;
        let n = db.signature_count;
        notice(Notice::Status(if n == 0 {
            format!("[!] No signatures found in '{}'.", db.origin)
        } else {
            format!(
                "[+] Loaded {n} signature{} from '{}'.",
                if n == 1 { "" } else { "s" },
                db.origin
            )
        }));
        let Some(read_file) = config.read_file() else {
            #[cfg(feature = "live")]
            return live::start(config, db, console, notice);
            #[cfg(not(feature = "live"))]
            return Err(StartError::Unsupported(
                "This build of p0fmod has no live capture (cargo feature `live`); use a capture file.",
            ));
        };
        let inputs = p0fmod::inputs::expand(config.read_files()).map_err(|e| match e {
            p0fmod::inputs::InputError::Io { path, source } => StartError::unreadable(path, source),
            e => StartError::Fatal(e.to_string()),
        })?;
        for skipped in &inputs.skipped {
            notice(Notice::Warning(format!(
                "Skipped '{}': not a capture file.",
                skipped.display()
            )));
        }
        let mut pending = VecDeque::from(inputs.captures.clone());
        let Some(first) = pending.pop_front() else {
            return Err(StartError::Fatal(format!(
                "No capture to read in '{}'.",
                read_file.display()
            )));
        };
        let capture = first.open().map_err(|e| match e {
            p0fmod_capture::CaptureError::Io { path, source } => {
                StartError::unreadable(path, source)
            }
            e => StartError::Fatal(e.to_string()),
        })?;
        let mut run = OfflineRun::with_capture(capture, db, config.limits(), config.filter())
            .map_err(|e| match e {
                RunError::Filter(e) => filter_error(
                    config.filter(),
                    e.message,
                    "Syntax error! See 'man tcpdump' for help on filters.",
                ),
                other => StartError::Fatal(other.to_string()),
            })?;
        run.set_threads(config.threads() as usize);
        run.set_tls(config.tls());
        let progress = Progress::new(&inputs.captures, run.progress());
        notice(Notice::Status(read_status(&first)));
        notice(Notice::Status(match config.filter() {
            Some(rule) => format!("[+] Custom filtering rule enabled: {rule}"),
            None => "[+] Default packet filtering configured.".to_string(),
        }));
        let mut outputs = Outputs::open(config, console, false, notice)?;
        if inputs.several {
            outputs.set_source(&first.name());
        }
        Ok(Started::Running(Session {
            source: Source::File(Box::new(Offline {
                run,
                pending,
                name_source: inputs.several,
                progress,
            })),
            outputs,
            daemon: false,
            requests: Requests::default(),
        }))
    }

    /// How far the capture files have been read (`None` for a live session).
    pub fn progress(&self) -> Option<Progress> {
        match &self.source {
            Source::File(offline) => Some(offline.progress.clone()),
            #[cfg(feature = "live")]
            Source::Live(_) => None,
        }
    }

    /// True when the session captures live on an interface.
    pub fn is_live(&self) -> bool {
        !matches!(self.source, Source::File(_))
    }

    /// True in the daemon process of a daemon-mode start.
    pub fn is_daemon(&self) -> bool {
        self.daemon
    }

    /// The engine (its host table and counters).
    pub fn engine(&self) -> &Engine {
        match &self.source {
            Source::File(offline) => offline.run.engine(),
            #[cfg(feature = "live")]
            Source::Live(live) => &live.engine,
        }
    }

    /// What the engine knows about one address (what the query API answers).
    pub fn host(&self, addr: IpAddr) -> Option<HostInfo> {
        self.engine().host(addr)
    }

    /// Every host in the table.
    pub fn hosts(&self) -> Vec<HostInfo> {
        self.engine().hosts()
    }

    /// The flags to raise for a running live session (reopen the log, print the
    /// statistics); capture files ignore them.
    pub fn requests(&self) -> Requests {
        self.requests.clone()
    }

    /// Runs until the capture file ends, `stop` is raised, or something fails, writing the
    /// outputs and handing every observation to `observer` too. Says p0f's closing lines
    /// through `notice`.
    pub fn run(
        &mut self,
        stop: &AtomicBool,
        observer: &mut dyn FnMut(&Observation<'_>),
        notice: &mut dyn FnMut(Notice),
    ) -> Result<Summary, StartError> {
        let summary = match &mut self.source {
            Source::File(offline) => {
                notice(Notice::Status("[+] Processing capture data.\n".into()));
                let mut damaged = false;
                let s = loop {
                    let mut sinks = self.outputs.sinks(observer);
                    let result = offline.run.run_to_end(
                        &mut sinks.as_list(),
                        &mut |w| {
                            damaged |= matches!(w, RunWarning::Damaged(_));
                            notice(Notice::Warning(w.to_string()));
                        },
                        Some(stop),
                    );
                    let s = result.map_err(|e| StartError::Fatal(e.to_string()))?;
                    if s.interrupted || !offline.next_input(&mut self.outputs, notice) {
                        break s;
                    }
                };
                Summary {
                    frames: s.frames,
                    packets: s.packets,
                    observations: s.observations,
                    interrupted: s.interrupted,
                    damaged,
                    ..Summary::default()
                }
            }
            #[cfg(feature = "live")]
            Source::Live(live) => {
                if !self.daemon {
                    notice(Notice::Status("[+] Entered main event loop.\n".into()));
                }
                let summary =
                    live.run_serving(&mut self.outputs, observer, stop, &self.requests, notice)?;
                if let Some(health) = &self.outputs.log_health {
                    let lost = health.lost_lines();
                    if lost > 0 || health.failing() {
                        notice(Notice::Warning(format!(
                            "{lost} log line{} could not be written{}.",
                            if lost == 1 { "" } else { "s" },
                            if health.failing() {
                                ", and the log still refuses writes"
                            } else {
                                ""
                            }
                        )));
                    }
                }
                if summary.interrupted {
                    notice(Notice::Warning("User-initiated shutdown.".into()));
                }
                // The statistics, the kernel's counters among them.
                notice(Notice::Status(live.stats().report()));
                if !self.daemon {
                    notice(Notice::Status(format!(
                        "\nAll done. Processed {} packets.",
                        summary.packets
                    )));
                }
                return Ok(summary);
            }
        };
        if summary.interrupted {
            notice(Notice::Warning("User-initiated shutdown.".into()));
        }
        if !self.daemon {
            notice(Notice::Status(format!(
                "\nAll done. Processed {} packets.",
                summary.packets
            )));
        }
        Ok(summary)
    }

    /// Processes up to `max_frames` frames of a capture file, writing the outputs and
    /// handing each observation to `observer`. Returns the number of frames read (0 at the
    /// end). Live sessions cannot be stepped: use [`Session::run`].
    pub fn step(
        &mut self,
        max_frames: usize,
        observer: &mut dyn FnMut(&Observation<'_>),
        notice: &mut dyn FnMut(Notice),
    ) -> Result<usize, StartError> {
        let Some(offline) = self.source.file() else {
            return Err(StartError::Unsupported(
                "Only capture files can be stepped through; use run() on an interface.",
            ));
        };
        let n = loop {
            let mut failure = None;
            let mut sinks = self.outputs.sinks(observer);
            let mut list = sinks.as_list();
            let n = offline.run.step(
                max_frames,
                &mut |obs| {
                    for sink in list.iter_mut() {
                        if failure.is_none()
                            && let Err(e) = sink.write(obs)
                        {
                            failure = Some(e);
                        }
                    }
                },
                &mut |w| notice(Notice::Warning(w.to_string())),
            );
            if let Some(e) = failure {
                return Err(StartError::Fatal(RunError::Output(e).to_string()));
            }
            if n > 0 || !offline.next_input(&mut self.outputs, notice) {
                break n;
            }
        };
        if n == 0 {
            self.flush()?;
        }
        Ok(n)
    }

    /// The observations of a capture file as owned records, in capture order (the outputs
    /// are written as they go by). An error ends the iteration.
    pub fn observations(&mut self) -> Observations<'_> {
        Observations {
            session: self,
            queue: VecDeque::new(),
            done: false,
        }
    }

    /// Flushes the outputs.
    pub fn flush(&mut self) -> Result<(), StartError> {
        self.outputs
            .flush()
            .map_err(|e| StartError::Fatal(RunError::Output(e).to_string()))
    }
}

/// The iterator of [`Session::observations`]; warnings are dropped.
pub struct Observations<'s> {
    session: &'s mut Session,
    queue: VecDeque<OwnedObservation>,
    done: bool,
}

impl Iterator for Observations<'_> {
    type Item = Result<OwnedObservation, StartError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.queue.is_empty() && !self.done {
            let queue = &mut self.queue;
            match self
                .session
                .step(256, &mut |obs| queue.push_back(obs.into()), &mut |_| {})
            {
                Ok(0) => self.done = true,
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        self.queue.pop_front().map(Ok)
    }
}

/// Writes `text` on stdout. Unlike `print!`, a closed or failing stdout (`p0fmod -r X |
/// head`) is not a panic: the text is dropped, and the run's console output, which writes
/// to the same stdout, reports the failure as an error.
pub fn print_out(text: &str) {
    let _ = io::stdout().lock().write_all(text.as_bytes());
}

/// Writes `text` on stderr; a closed or failing stderr is not a panic (the text is lost).
pub fn print_err(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Prints a notice as p0f does: status lines and notes on stdout, warnings on stderr.
pub fn print_notice(notice: Notice) {
    match notice {
        Notice::Status(line) => print_out(&format!("{line}\n")),
        Notice::Note(note) => print_out(&format!("[!] {}\n", note.message())),
        Notice::Warning(text) => print_err(&format!("[!] WARNING: {text}\n")),
    }
}

/// Prints a failure as p0f does (`[-] PROGRAM ABORT : ...` or `[-] SYSTEM ERROR : ...`,
/// with the lines that come before it) on stderr.
pub fn print_error(error: &StartError) {
    let _ = io::stdout().flush();
    match error {
        StartError::Database(errors) => {
            for e in &errors.0 {
                print_err(&format!("[-] {e}\n"));
            }
        }
        StartError::Filter { libpcap, .. } => print_err(&format!("[-] pcap_compile: {libpcap}\n")),
        _ => {}
    }
    match error {
        StartError::System { message, os } => {
            print_err(&format!(
                "[-] SYSTEM ERROR : {message}\n      OS message : {os}\n"
            ));
        }
        StartError::File {
            message,
            source,
            system: true,
            ..
        } => {
            print_err(&format!(
                "[-] SYSTEM ERROR : {message}\n      OS message : {}\n",
                os_message(source)
            ));
        }
        other => print_err(&format!("[-] PROGRAM ABORT : {other}\n")),
    }
}

/// The seed API's calls that are not settings, on [`Config`].
pub trait ConfigExt {
    /// Runs as p0f would with these options: status lines and warnings on stdout and
    /// stderr, console blocks on stdout (not in daemon mode), the log and the query socket
    /// as configured, until the capture file ends or SIGINT / SIGTERM arrives. Failures
    /// are returned, not printed ([`print_error`] prints them as p0f).
    ///
    /// In daemon mode the original process returns at once with
    /// [`Summary::daemon_pid`]; the daemon returns when its run ends.
    fn start(&self) -> Result<Summary, StartError>;

    /// The capture interfaces libpcap knows (the seed's `list_interfaces`;
    /// [`p0fmod_live::setup::interface_listing`] prints them as p0f's `-L`).
    #[cfg(feature = "live")]
    fn list_interfaces(&self) -> Result<Vec<Interface>, StartError>;
}

impl ConfigExt for Config {
    fn start(&self) -> Result<Summary, StartError> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut session = match Session::start(self, true, &mut print_notice)? {
            Started::Running(session) => session,
            Started::Parent { pid, message } => {
                print_out(&format!("{message}\n"));
                return Ok(Summary {
                    daemon_pid: Some(pid),
                    ..Summary::default()
                });
            }
        };
        let stop = Arc::new(AtomicBool::new(false));
        let handlers: Vec<_> = [SIGINT, SIGTERM]
            .into_iter()
            .filter_map(|signal| signal_hook::flag::register(signal, Arc::clone(&stop)).ok())
            .collect();
        let result = session.run(&stop, &mut |_| {}, &mut print_notice);
        for handler in handlers {
            signal_hook::low_level::unregister(handler);
        }
        result
    }

    #[cfg(feature = "live")]
    fn list_interfaces(&self) -> Result<Vec<Interface>, StartError> {
        list_interfaces()
    }
}

/// The capture interfaces libpcap knows, with p0f's failures for `-L`.
#[cfg(feature = "live")]
pub fn list_interfaces() -> Result<Vec<Interface>, StartError> {
    use p0fmod_live::CaptureError;
    match p0fmod_live::list_interfaces() {
        Ok(list) if list.is_empty() => Err(StartError::Fatal(
            "Can't find any interfaces. Maybe you need to be root?".into(),
        )),
        Ok(list) => Ok(list),
        Err(CaptureError::SysClassNetUnreadable) => Err(StartError::Fatal(
            "This operation requires access to /sys/class/net/, sorry.".into(),
        )),
        Err(CaptureError::List(message)) => {
            Err(StartError::Fatal(format!("pcap_findalldevs: {message}")))
        }
        Err(e) => Err(StartError::Fatal(e.to_string())),
    }
}

#[cfg(feature = "live")]
mod live {
    //! The live half of a session: p0f's steps from opening the interface to the event
    //! loop, over `p0fmod-live`.

    use std::fs::File;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    use p0fmod::{Config, Database, Engine, Observation};
    use p0fmod_api::{ApiServer, ServerOptions};
    use p0fmod_live::daemon::{Forked, fork_off};
    use p0fmod_live::logfile::LogReopener;
    use p0fmod_live::metrics::{MetricsListener, MetricsServer};
    use p0fmod_live::pidfile::PidFile;
    use p0fmod_live::privileges::drop_privileges;
    use p0fmod_live::setup::{self, DefaultInterfaceError, FilterFailure};
    use p0fmod_live::stats::ServiceStats;
    use p0fmod_live::{CaptureError, LiveCapture, LiveError, LiveLoop, os_message};

    use super::{
        KernelStats, Notice, Outputs, Requests, Session, Source, StartError, Started, Summary,
        filter_error,
    };

    /// The capture, the engine and the query server of a live session, with what the
    /// service adds: the log's reopener, the metrics server, the PID file.
    pub(super) struct Live {
        capture: LiveCapture,
        pub(super) engine: Engine,
        api: Option<ApiServer>,
        reopener: Option<LogReopener>,
        metrics: Option<MetricsServer>,
        // Held for its removal when the run ends.
        _pid_file: Option<PidFile>,
        started: Instant,
        /// While the log is held: when to give up waiting for SIGHUP.
        hold_until: Option<Instant>,
        /// The `-o` log's write failures, for the statistics.
        log_health: Option<p0fmod::output::resilient::LogHealth>,
    }

    /// Longest time the log is held waiting for SIGHUP.
    const MAX_HOLD: Duration = Duration::from_secs(60);

    /// Opens the interface and puts p0f's filter in place.
    fn open_capture(
        config: &Config,
        notice: &mut dyn FnMut(Notice),
    ) -> Result<LiveCapture, StartError> {
        let (iface, default) = match config.iface() {
            Some(i) => (i.to_string(), false),
            None => match setup::default_interface() {
                Ok(i) => (i, true),
                Err(DefaultInterfaceError::OutOfIdeas) => {
                    return Err(StartError::Fatal(
                        "libpcap is out of ideas; use -i to specify interface.".into(),
                    ));
                }
                Err(DefaultInterfaceError::List(e)) => {
                    return Err(StartError::Fatal(e.to_string()));
                }
            },
        };
        notice(Notice::Status(format!(
            "[+] Intercepting traffic on {}interface '{iface}'.",
            if default { "default " } else { "" }
        )));
        let mut capture = LiveCapture::open(&iface, config.promisc()).map_err(|e| match e {
            CaptureError::Open { message, .. } => {
                StartError::Fatal(format!("pcap_open_live: {message}"))
            }
            e => StartError::Fatal(e.to_string()),
        })?;
        match setup::apply_filter(&mut capture, config.filter(), config.tls()) {
            Ok(vlan) => notice(Notice::Status(setup::filter_message(config.filter(), vlan))),
            Err(FilterFailure::Compile { message }) => {
                return Err(filter_error(
                    config.filter(),
                    message,
                    if config.filter().is_none() {
                        "pcap_compile() didn't work, strange"
                    } else {
                        "Syntax error! See 'man tcpdump' for help on filters."
                    },
                ));
            }
            Err(FilterFailure::SetFilter(_)) => {
                return Err(StartError::Fatal(
                    "pcap_setfilter() didn't work, strange.".into(),
                ));
            }
        }
        Ok(capture)
    }

    /// p0f's live start: capture, outputs, query socket, privileges, fork.
    pub(super) fn start(
        config: &Config,
        db: Arc<Database>,
        console: bool,
        notice: &mut dyn FnMut(Notice),
    ) -> Result<Started, StartError> {
        let daemon = config.daemon();
        let capture = open_capture(config, notice)?;
        let outputs = Outputs::open(config, console && !daemon, true, notice)?;
        // Held before privileges are dropped: the log's directory (SIGHUP reopens the log
        // through it, also inside the chroot), the PID file, the metrics socket.
        let reopener = match config.log_file() {
            Some(path) => Some(LogReopener::new(path).map_err(|e| match &e.source {
                Some(os) => StartError::System {
                    message: e.message.clone(),
                    os: os_message(os),
                },
                None => StartError::Fatal(e.message.clone()),
            })?),
            None => None,
        };
        let mut pid_file = match config.pid_file() {
            Some(path) => Some(PidFile::create(path).map_err(|e| StartError::System {
                message: e.to_string(),
                os: os_message(&e.source),
            })?),
            None => None,
        };
        let metrics = match config.metrics_addr() {
            Some(addr) => {
                let listener =
                    MetricsListener::bind(addr).map_err(|e| StartError::Fatal(e.to_string()))?;
                notice(Notice::Status(format!(
                    "[+] Serving metrics at http://{}/metrics.",
                    listener.local_addr()
                )));
                Some(listener)
            }
            None => None,
        };
        let api = match config.api_sock() {
            None => None,
            Some(path) => {
                let options = ServerOptions {
                    max_clients: config.api_max_conn(),
                    ..ServerOptions::default()
                };
                let server = ApiServer::bind(path, options).map_err(|e| match e.os_error() {
                    Some(os) => StartError::System {
                        message: e.message(),
                        os: os_message(os),
                    },
                    None => StartError::Fatal(e.message()),
                })?;
                notice(Notice::Status(format!(
                    "[+] Listening on API socket '{}' (max {} clients).",
                    path.display(),
                    config.api_max_conn()
                )));
                Some(server)
            }
        };
        let dev_null = if daemon {
            Some(File::open("/dev/null").map_err(|e| StartError::System {
                message: "Cannot open '/dev/null'.".into(),
                os: os_message(&e),
            })?)
        } else {
            None
        };
        if let Some(user) = config.user() {
            let dropped = drop_privileges(user).map_err(|e| match e.os_error() {
                Some(os) => StartError::System {
                    message: e.message(),
                    os: os.desc().into(),
                },
                None => StartError::Fatal(e.message()),
            })?;
            notice(Notice::Status(dropped.message()));
        }
        if let Some(dev_null) = dev_null {
            let forked = fork_off(dev_null).map_err(|e| StartError::System {
                message: e.message().into(),
                os: e.os_error().desc().into(),
            })?;
            if let Forked::Parent { child, .. } = forked {
                // The daemon's id is in the file before this process exits.
                if let Some(pid_file) = pid_file.as_mut() {
                    pid_file.write(child.unsigned_abs()).map_err(pid_error)?;
                }
                return Ok(Started::Parent {
                    pid: child,
                    message: forked.parent_message().unwrap_or_default(),
                });
            }
        } else if let Some(pid_file) = pid_file.as_mut() {
            pid_file.write(std::process::id()).map_err(pid_error)?;
        }
        if let Some(pid_file) = pid_file.as_mut() {
            pid_file.arm();
        }
        let metrics = match metrics {
            Some(listener) => Some(
                listener
                    .start()
                    .map_err(|e| StartError::Fatal(e.to_string()))?,
            ),
            None => None,
        };
        Ok(Started::Running(Session {
            source: Source::Live(Box::new(Live {
                capture,
                engine: {
                    let mut engine = Engine::new(db, config.limits());
                    engine.set_tls(config.tls());
                    engine
                },
                api,
                reopener,
                metrics,
                _pid_file: pid_file,
                started: Instant::now(),
                hold_until: None,
                log_health: outputs.log_health.clone(),
            })),
            outputs,
            daemon,
            requests: Requests::default(),
        }))
    }

    fn pid_error(e: p0fmod_live::pidfile::PidFileError) -> StartError {
        StartError::System {
            message: e.to_string(),
            os: os_message(&e.source),
        }
    }

    impl Live {
        /// The statistics now.
        pub(super) fn stats(&mut self) -> ServiceStats {
            ServiceStats::collect(
                self.started,
                &self.engine,
                &mut self.capture,
                self.api.as_ref(),
                self.log_health.as_ref(),
            )
        }

        /// The event loop until `stop` is raised or something fails, acting on the
        /// requests (reopen the log, print the statistics) as they come.
        pub(super) fn run_serving(
            &mut self,
            outputs: &mut Outputs,
            observer: &mut dyn FnMut(&Observation<'_>),
            stop: &AtomicBool,
            requests: &Requests,
            notice: &mut dyn FnMut(Notice),
        ) -> Result<Summary, StartError> {
            let mut total = Summary::default();
            loop {
                let (segment, paused) = {
                    let mut sinks = outputs.sinks(observer);
                    let mut list = sinks.as_list();
                    let (segment, paused) = self.run(&mut list, stop, &requests.wake, notice)?;
                    if !paused {
                        // The end of a live run ends the TLS hellos still being read:
                        // they are reported incomplete (capture_end).
                        self.engine.finish(&mut |obs| {
                            for sink in list.iter_mut() {
                                let _ = sink.write(obs);
                            }
                        });
                        for sink in list.iter_mut() {
                            let _ = sink.flush();
                        }
                    }
                    (segment, paused)
                };
                total.packets += segment.packets;
                total.observations += segment.observations;
                total.interrupted = segment.interrupted;
                total.kernel = segment.kernel;
                if !paused {
                    return Ok(total);
                }
                requests.wake.store(false, Ordering::SeqCst);
                if requests.hold_log.swap(false, Ordering::SeqCst)
                    && let Some(log) = &outputs.log_file
                {
                    // The loop flushed the sinks before returning: from here on, nothing
                    // reaches the file until it is reopened.
                    log.hold();
                    self.hold_until = Some(Instant::now() + MAX_HOLD);
                }
                if requests.reopen_log.swap(false, Ordering::SeqCst) {
                    self.reopen_log(outputs, notice);
                    self.hold_until = None;
                }
                if self.hold_until.is_some_and(|t| Instant::now() >= t) {
                    self.hold_until = None;
                    if let Some(log) = &outputs.log_file
                        && log.holding()
                    {
                        notice(Notice::Warning(
                            "The log was held for 60 s without SIGHUP; writing on.".into(),
                        ));
                        if let Err(e) = log.release() {
                            notice(Notice::Warning(format!("Writing the held log failed: {e}")));
                        }
                    }
                }
                if requests.report.swap(false, Ordering::SeqCst) {
                    notice(Notice::Status(self.stats().report()));
                }
            }
        }

        /// Reopens the `-o` log: on failure, says why and goes on writing to the old one.
        fn reopen_log(&mut self, outputs: &mut Outputs, notice: &mut dyn FnMut(Notice)) {
            let Some(reopener) = &self.reopener else {
                return;
            };
            let Some(log) = &outputs.log_file else {
                return;
            };
            let reopened = match log.reopen(|current| reopener.reopen(current)) {
                Ok(written) => written.map_err(|e| format!("Writing the held log failed ({e}).")),
                Err(e) => {
                    // Whatever was held goes to the old file.
                    let released = log.release();
                    Err(match released {
                        Ok(()) => e.to_string(),
                        Err(w) => format!("{e} Writing the held log failed ({w})."),
                    })
                }
            };
            match reopened {
                Ok(()) => notice(Notice::Status(format!(
                    "[+] Log file '{}' reopened.",
                    reopener.path().display()
                ))),
                Err(why) => notice(Notice::Warning(format!(
                    "{why} The log was not reopened; writing on to the old file."
                ))),
            }
        }

        /// The event loop until `stop` or `pause` is raised or something fails. Returns
        /// the counts and whether it paused.
        fn run(
            &mut self,
            sinks: &mut [&mut dyn p0fmod::output::Sink],
            stop: &AtomicBool,
            pause: &AtomicBool,
            notice: &mut dyn FnMut(Notice),
        ) -> Result<(Summary, bool), StartError> {
            let publisher = self.metrics.as_ref().map(MetricsServer::publisher);
            let mut live = LiveLoop {
                capture: &mut self.capture,
                engine: &mut self.engine,
                api: self.api.as_mut(),
                sinks,
                pause: Some(pause),
                publish: publisher.as_deref(),
                started: self.started,
                wake_at: self.hold_until,
                log_health: self.log_health.as_ref(),
            };
            let s = live
                .run(stop, &mut |w| notice(Notice::Warning(w.to_string())))
                .map_err(|e| match e {
                    LiveError::Poll(e) => StartError::System {
                        message: "poll() failed.".into(),
                        os: e.desc().into(),
                    },
                    e => StartError::Fatal(e.to_string()),
                })?;
            let summary = Summary {
                packets: s.packets,
                observations: s.observations,
                interrupted: s.interrupted,
                kernel: s.stats.map(|k| KernelStats {
                    received: k.received,
                    dropped: k.dropped,
                    if_dropped: k.if_dropped,
                }),
                ..Summary::default()
            };
            Ok((summary, s.paused))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(name: &str) -> String {
        format!("{}/../../tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    fn start(config: &Config) -> Result<Session, StartError> {
        match Session::start(config, false, &mut |_| {})? {
            Started::Running(s) => Ok(s),
            Started::Parent { .. } => unreachable!("no daemon mode here"),
        }
    }

    #[test]
    fn sessions_can_move_to_another_thread() {
        fn is_send<T: Send>() {}
        is_send::<Session>();
        is_send::<OwnedObservation>();
    }

    #[test]
    fn start_refuses_combinations_with_the_seed_codes() {
        let mut c = Config::new();
        c.set_read_file(capture("local/local-linux-ipv4-http.pcap"))
            .unwrap();
        c.set_api_sock("/nonexistent/sock").unwrap();
        let e = start(&c).err().unwrap();
        assert_eq!(e.code(), Some(-1));
        assert_eq!(e.to_string(), "API mode looks down on ofline captures.");
    }

    #[test]
    fn run_step_and_observations_agree() {
        let mut c = Config::new();
        c.set_read_file(capture("local/local-linux-veth-uptime-hostchange.pcap"))
            .unwrap();
        let mut notices = Vec::new();
        let Started::Running(mut session) = Session::start(&c, false, &mut |n| notices.push(n))
            .ok()
            .unwrap()
        else {
            unreachable!()
        };
        assert!(matches!(&notices[0], Notice::Status(b) if b.starts_with("--- p0fmod ")));
        let mut seen = Vec::new();
        let summary = session
            .run(
                &AtomicBool::new(false),
                &mut |obs| seen.push(OwnedObservation::from(obs)),
                &mut |n| notices.push(n),
            )
            .unwrap();
        assert_eq!(summary.observations, seen.len() as u64);
        assert!(!session.hosts().is_empty());
        assert_eq!(
            notices.last(),
            Some(&Notice::Status(format!(
                "\nAll done. Processed {} packets.",
                summary.packets
            )))
        );

        let mut again = start(&c).unwrap();
        let records: Vec<_> = again.observations().map(Result::unwrap).collect();
        assert_eq!(records, seen);
        assert_eq!(again.hosts(), session.hosts());
    }

    #[test]
    fn a_raised_stop_flag_stops_an_offline_run() {
        let mut c = Config::new();
        c.set_read_file(capture("local/local-linux-ipv4-http.pcap"))
            .unwrap();
        let mut session = start(&c).unwrap();
        let summary = session
            .run(&AtomicBool::new(true), &mut |_| {}, &mut |_| {})
            .unwrap();
        assert!(summary.interrupted);
        assert_eq!(summary.observations, 0);
    }

    #[test]
    fn missing_files_are_p0f_failures() {
        let mut c = Config::new();
        c.set_read_file("/nonexistent.pcap").unwrap();
        match start(&c) {
            Err(StartError::File {
                path,
                source,
                system: false,
                ..
            }) => {
                assert_eq!(path, std::path::Path::new("/nonexistent.pcap"));
                assert_eq!(source.kind(), io::ErrorKind::NotFound);
            }
            other => panic!("{:?}", other.err()),
        }
        let mut c = Config::new();
        c.set_read_file(capture("local/local-linux-ipv4-http.pcap"))
            .unwrap();
        c.set_log_file("/nonexistent/dir/log").unwrap();
        match start(&c) {
            Err(StartError::File {
                message,
                source,
                system: true,
                ..
            }) => {
                assert_eq!(message, "Cannot open '/nonexistent/dir/log'.");
                assert_eq!(source.kind(), io::ErrorKind::NotFound);
            }
            other => panic!("{:?}", other.err()),
        }
    }
}
