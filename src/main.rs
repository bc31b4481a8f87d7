//! The `p0fmod` command: p0f 3.09b's flags and messages over the p0fmod library.
//!
//! The command line becomes a [`Config`] (module `args`); the run itself is the library's
//! [`Session`], the same path the Rust API and the Python module take: options and their
//! cross-checks, the signature database, the capture (a file, or an interface with p0f's
//! filter), the log, the query socket, dropping privileges, forking, then the event loop
//! (spec §1). This file only chooses where status lines go and handles signals.

#![forbid(unsafe_code)]

mod args;
mod progress;
mod stderr;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use p0fmod::output::report::{ReportCollector, ReportRun, html_report};
use p0fmod::{Config, OfflineRun, OutputFormat, RunError, load_database};
use p0fmod_live::privileges::running_setuid;
use p0fmod_session::{Notice, Session, StartError, Started, print_err, print_error, print_out};

use args::{Action, Analysis, parse_args};

/// Where status lines (`[+] ...`) go: stdout as p0f, or stderr when stdout carries JSON.
struct Status {
    to_stderr: bool,
}

impl Status {
    fn say(&self, line: &str) {
        if self.to_stderr {
            stderr::print(&format!("{line}\n"));
        } else {
            stderr::sync();
            print_out(&format!("{line}\n"));
        }
    }

    /// Prints a session's notice as p0f does.
    fn notice(&self, notice: Notice) {
        match notice {
            Notice::Status(line) => self.say(&line),
            Notice::Note(note) => self.say(&format!("[!] {}", note.message())),
            // p0f's closing line is never held back by the rate limit.
            Notice::Warning(text) if text == "User-initiated shutdown." => {
                stderr::print(&format!("[!] WARNING: {text}\n"));
            }
            Notice::Warning(text) => warn(&text),
        }
    }
}

/// p0f's FATAL: the message on stderr, exit status 1.
fn fatal(message: &str) -> ExitCode {
    print_error(&StartError::Fatal(message.to_string()));
    ExitCode::from(1)
}

/// p0f's warning line on stderr, at a bounded rate (see [`stderr`]).
fn warn(message: &str) {
    stderr::warn(message);
}

/// Ends the stderr writer when dropped (see [`stderr::finish`]).
struct StderrWriter;

impl Drop for StderrWriter {
    fn drop(&mut self) {
        stderr::finish();
    }
}

fn main() -> ExitCode {
    if running_setuid() {
        return fatal("Please don't make me setuid. See README for more.");
    }
    let argv: Vec<String> = std::env::args().collect();
    let action = match parse_args(&argv[1..]) {
        Ok(action) => action,
        Err(args::ArgError::Usage(msg)) => {
            if let Some(msg) = msg {
                print_err(&format!(
                    "{}: {msg}\n",
                    argv.first().map_or("p0fmod", String::as_str)
                ));
            }
            print_err(args::USAGE);
            return ExitCode::from(1);
        }
        Err(args::ArgError::Fatal(msg)) => return fatal(&msg),
    };
    match action {
        Action::Version => {
            print_out(&format!(
                "p0fmod {} (p0f 3.09b compatible)\n",
                p0fmod::VERSION
            ));
            ExitCode::SUCCESS
        }
        Action::Help => {
            print_out(args::USAGE);
            ExitCode::SUCCESS
        }
        Action::ListInterfaces => list_interfaces(),
        Action::PrintDb(config) => match load_database(&config) {
            Ok(db) => {
                print_out(&db.to_fp_text());
                ExitCode::SUCCESS
            }
            Err(e) => fatal(&e.to_string()),
        },
        Action::Run(config, analysis) => {
            // As p0f: every descriptor above 2 inherited from the launcher is closed.
            let closed = p0fmod_live::descriptors::close_inherited();
            run(&config, &analysis, closed)
        }
        Action::Harvest(config) => harvest(&config),
    }
}

/// `--harvest`: runs the `-r` captures and prints what [`p0fmod::harvest`] collects.
fn harvest(config: &Config) -> ExitCode {
    if config.read_files().is_empty() {
        return fatal("--harvest reads a capture: give it with -r.");
    }
    let db = match load_database(config) {
        Ok(db) => db,
        Err(e) => return fatal(&e.to_string()),
    };
    let inputs = match p0fmod::inputs::expand(config.read_files()) {
        Ok(inputs) => inputs,
        Err(e) => return fatal(&e.to_string()),
    };
    for skipped in &inputs.skipped {
        warn(&format!(
            "Skipped '{}': not a capture file.",
            skipped.display()
        ));
    }
    let mut harvest = p0fmod::harvest::Harvest::new();
    let mut offline: Option<OfflineRun> = None;
    for input in &inputs.captures {
        let opened = input.open().map_err(RunError::Capture);
        let opened = match offline.as_mut() {
            Some(run) => opened.and_then(|capture| run.continue_with(capture)),
            None => opened
                .and_then(|capture| {
                    OfflineRun::with_capture(
                        capture,
                        Arc::clone(&db),
                        config.limits(),
                        config.filter(),
                    )
                })
                .map(|run| offline = Some(run)),
        };
        if let Err(e) = opened {
            return fatal(&e.to_string());
        }
        if let Some(run) = offline.as_mut() {
            while run.step(4096, &mut |obs| harvest.add(obs), &mut |w| {
                warn(&w.to_string())
            }) > 0
            {}
        }
    }
    print_out(&harvest.to_string());
    ExitCode::SUCCESS
}

/// `-L` (spec §2.6).
fn list_interfaces() -> ExitCode {
    print_out(&format!("{}\n", p0fmod_session::banner()));
    match p0fmod_session::list_interfaces() {
        Ok(list) => {
            print_out(&p0fmod_session::interface_listing(&list));
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_error(&e);
            ExitCode::from(1)
        }
    }
}

/// Runs a capture; `closed` is how many inherited descriptors were closed (said, as p0f
/// says it, just before the database line).
fn run(config: &Config, analysis: &Analysis, closed: u32) -> ExitCode {
    let json = config.output_format() == OutputFormat::Json;
    let json_on_stdout = json && config.log_file().is_none();
    // With --hosts, stdout carries the host table only: no console output, status lines
    // on stderr.
    let status = Status {
        to_stderr: json_on_stdout || analysis.hosts,
    };
    let console = !analysis.hosts;
    let mut closed_line = p0fmod_live::descriptors::closed_message(closed);
    let mut start_notice = |n: Notice| {
        if let Notice::Status(line) = &n
            && (line.starts_with("[+] Loaded ") || line.starts_with("[!] No signatures found"))
            && let Some(closed) = closed_line.take()
        {
            status.say(&closed);
        }
        status.notice(n);
    };
    // The report's file is created first (before privileges are dropped, like the log),
    // so that a path that cannot be written stops the run before it starts.
    let mut report = match &analysis.report {
        None => None,
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Some((path, file, ReportCollector::new())),
            Err(e) => {
                return fatal(&format!("Cannot write report '{}': {e}", path.display()));
            }
        },
    };
    let mut session = match Session::start(config, console, &mut start_notice) {
        Ok(Started::Running(session)) => session,
        Ok(Started::Parent { message, .. }) => {
            status.say(&message);
            let _ = io::stdout().flush();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            if let Some((path, _, _)) = report.take() {
                let _ = std::fs::remove_file(path);
            }
            print_error(&e);
            return ExitCode::from(1);
        }
    };
    // From here on (after any fork), a stalled stderr cannot stop the run.
    stderr::start_writer();
    let _stderr = StderrWriter;
    let stop = Arc::new(AtomicBool::new(false));
    install_handlers(&stop, config, &session);
    let started = Instant::now();
    let observations = Arc::new(AtomicU64::new(0));
    // The progress display shares the terminal with nothing else: standard error is a
    // terminal and standard output goes elsewhere.
    let display = match session.progress() {
        Some(progress)
            if io::stderr().is_terminal() && (analysis.hosts || !io::stdout().is_terminal()) =>
        {
            progress::Display::start(progress, Arc::clone(&observations))
        }
        _ => progress::Display::hidden(),
    };
    let result = session.run(
        &stop,
        &mut |obs| {
            observations.fetch_add(1, Ordering::Relaxed);
            if let Some((_, _, collector)) = report.as_mut() {
                collector.add(obs);
            }
        },
        &mut |n| display.suspend(|| status.notice(n)),
    );
    drop(display);
    let elapsed = started.elapsed();
    let stats = session.engine().stats();
    let eviction = stats.eviction_warning(session.engine().limits());
    if !session.is_daemon() {
        // A live run printed its statistics (these lines among them) itself.
        if !session.is_live() {
            for line in stats.summary_lines(elapsed) {
                stderr::print(&format!("{line}\n"));
            }
        }
        if let Some(text) = &eviction {
            warn(text);
        }
    }
    let hosts = if analysis.hosts || report.is_some() {
        p0fmod::output::hosts::sorted(session.hosts())
    } else {
        Vec::new()
    };
    if analysis.hosts {
        print_out(&if json {
            p0fmod::output::hosts::host_json_lines(&hosts)
        } else {
            p0fmod::output::hosts::host_table(&hosts)
        });
    }
    if let Some((path, mut file, collector)) = report {
        let run = ReportRun {
            captures: config
                .read_files()
                .iter()
                .map(|p| p.display().to_string())
                .chain(config.iface().map(|i| format!("interface {i}")))
                .collect(),
            stats,
            eviction_warning: eviction,
            hosts: &hosts,
            elapsed: elapsed.as_secs_f64(),
        };
        if let Err(e) = file.write_all(html_report(&run, &collector).as_bytes()) {
            return fatal(&format!("Cannot write report '{}': {e}", path.display()));
        }
        stderr::print(&format!("[+] Report written to '{}'.\n", path.display()));
    }
    match result {
        // A file that yielded nothing before its damage: nothing could be read.
        Ok(summary) if summary.damaged && summary.frames == 0 => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            print_error(&e);
            ExitCode::from(1)
        }
    }
}

/// SIGINT / SIGTERM raise the stop flag; a second one exits at once with status 1, as p0f.
///
/// Live capture: SIGHUP reopens the `-o` log (log rotation), SIGUSR2 holds the log's writes
/// until the next SIGHUP (a rotation by copy and truncation), and SIGUSR1 prints the
/// statistics; none of them stops the run. Without a log file, and for capture files, SIGHUP
/// does what it does in p0f (stops the run; ignored in daemon mode), and the other two are
/// ignored.
fn install_handlers(stop: &Arc<AtomicBool>, config: &Config, session: &Session) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2};
    use signal_hook::flag::{register, register_conditional_shutdown};
    let requests = session.requests();
    let live = session.is_live();
    for signal in [SIGINT, SIGTERM] {
        let _ = register_conditional_shutdown(signal, 1, Arc::clone(stop));
        let _ = register(signal, Arc::clone(stop));
    }
    // A handler that raises a flag nobody reads: the signal is ignored.
    let ignore = |signal| register(signal, Arc::new(AtomicBool::new(false)));
    if live && config.log_file().is_some() {
        let _ = register(SIGHUP, Arc::clone(&requests.reopen_log));
        let _ = register(SIGHUP, Arc::clone(&requests.wake));
        let _ = register(SIGUSR2, Arc::clone(&requests.hold_log));
        let _ = register(SIGUSR2, Arc::clone(&requests.wake));
    } else {
        if config.daemon() {
            let _ = ignore(SIGHUP);
        } else {
            let _ = register_conditional_shutdown(SIGHUP, 1, Arc::clone(stop));
            let _ = register(SIGHUP, Arc::clone(stop));
        }
        let _ = ignore(SIGUSR2);
    }
    if live {
        let _ = register(SIGUSR1, Arc::clone(&requests.report));
        let _ = register(SIGUSR1, Arc::clone(&requests.wake));
    } else {
        let _ = ignore(SIGUSR1);
    }
}
