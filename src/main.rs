//! The `p0fmod` command: p0f 3.09b's flags and messages over the p0fmod library.
//!
//! The steps follow p0f's `main` (spec §1): options and their cross-checks, the signature
//! database, the capture (a file, or an interface with p0f's filter), the log, the query
//! socket, `/dev/null` for daemon mode, dropping privileges, forking, then the event loop.

#![forbid(unsafe_code)]

mod args;

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use p0fmod::output::Sink;
use p0fmod::output::json::JsonSink;
use p0fmod::output::p0f::{ConsoleSink, LogSink, open_log};
use p0fmod::{Config, Database, Engine, OfflineRun, OutputFormat, RunError, load_database};
use p0fmod_api::{ApiServer, ServerOptions};
use p0fmod_live::daemon::{Forked, fork_off};
use p0fmod_live::privileges::{drop_privileges, running_setuid};
use p0fmod_live::setup::{self, DefaultInterfaceError, FilterFailure};
use p0fmod_live::{CaptureError, LiveCapture, LiveError, LiveLoop, os_message, stats_message};

use args::{Action, parse_args};

/// Where status lines (`[+] ...`) go: stdout as p0f, or stderr when stdout carries JSON.
struct Status {
    to_stderr: bool,
}

impl Status {
    fn say(&self, line: &str) {
        if self.to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
}

/// p0f's FATAL: the message on stderr, exit status 1.
fn fatal(message: &str) -> ExitCode {
    let _ = io::stdout().flush();
    eprintln!("[-] PROGRAM ABORT : {message}");
    ExitCode::from(1)
}

/// p0f's PFATAL: the message and the system's text for the error on stderr, exit status 1.
fn pfatal(message: &str, os_text: &str) -> ExitCode {
    let _ = io::stdout().flush();
    eprintln!("[-] SYSTEM ERROR : {message}\n      OS message : {os_text}");
    ExitCode::from(1)
}

fn warn(message: &str) {
    eprintln!("[!] WARNING: {message}");
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
                eprintln!("{}: {msg}", argv.first().map_or("p0fmod", String::as_str));
            }
            eprint!("{}", args::USAGE);
            return ExitCode::from(1);
        }
        Err(args::ArgError::Fatal(msg)) => return fatal(&msg),
    };
    match action {
        Action::Version => {
            println!("p0fmod {} (p0f 3.09b compatible)", p0fmod::VERSION);
            ExitCode::SUCCESS
        }
        Action::Help => {
            print!("{}", args::USAGE);
            ExitCode::SUCCESS
        }
        Action::ListInterfaces => list_interfaces(),
        Action::PrintDb(config) => match load_database(&config) {
            Ok(db) => {
                print!("{}", db.to_fp_text());
                ExitCode::SUCCESS
            }
            Err(e) => fatal(&e.to_string()),
        },
        Action::Run(config) => run(&config),
        Action::Harvest(config) => harvest(&config),
    }
}

/// `--harvest`: runs the `-r` capture and prints what [`p0fmod::harvest`] collects.
fn harvest(config: &Config) -> ExitCode {
    let Some(read_file) = config.read_file() else {
        return fatal("--harvest reads a capture: give it with -r.");
    };
    let db = match load_database(config) {
        Ok(db) => db,
        Err(e) => return fatal(&e.to_string()),
    };
    let mut offline = match OfflineRun::open(read_file, db, config.limits(), config.filter()) {
        Ok(run) => run,
        Err(e) => return fatal(&e.to_string()),
    };
    let mut harvest = p0fmod::harvest::Harvest::new();
    while offline.step(4096, &mut |obs| harvest.add(obs), &mut |w| {
        warn(&w.to_string())
    }) > 0
    {}
    print!("{harvest}");
    ExitCode::SUCCESS
}

fn banner() -> String {
    format!(
        "--- p0fmod {} (p0f 3.09b compatible) ---\n",
        p0fmod::VERSION
    )
}

/// `-L` (spec §2.6).
fn list_interfaces() -> ExitCode {
    println!("{}", banner());
    match p0fmod_live::list_interfaces() {
        Ok(list) if list.is_empty() => {
            fatal("Can't find any interfaces. Maybe you need to be root?")
        }
        Ok(list) => {
            print!("{}", setup::interface_listing(&list));
            ExitCode::SUCCESS
        }
        Err(CaptureError::SysClassNetUnreadable) => {
            fatal("This operation requires access to /sys/class/net/, sorry.")
        }
        Err(CaptureError::List(message)) => fatal(&format!("pcap_findalldevs: {message}")),
        Err(e) => fatal(&e.to_string()),
    }
}

fn run(config: &Config) -> ExitCode {
    let json_on_stdout =
        config.output_format() == OutputFormat::Json && config.log_file().is_none();
    let status = Status {
        to_stderr: json_on_stdout,
    };
    status.say(&banner());
    let notes = match config.validate() {
        Ok(notes) => notes,
        Err(e) => return fatal(e.message()),
    };
    for note in notes {
        status.say(&format!("[!] {}", note.message()));
    }
    let db = match load_database(config) {
        Ok(db) => db,
        Err(RunError::Database(errors)) => {
            for e in &errors.0 {
                eprintln!("[-] {e}");
            }
            return fatal(&format!(
                "Signature database refused ({} error{}).",
                errors.0.len(),
                if errors.0.len() == 1 { "" } else { "s" }
            ));
        }
        Err(e) => return fatal(&e.to_string()),
    };
    let n = db.signature_count;
    if n == 0 {
        status.say(&format!("[!] No signatures found in '{}'.", db.origin));
    } else {
        status.say(&format!(
            "[+] Loaded {n} signature{} from '{}'.",
            if n == 1 { "" } else { "s" },
            db.origin
        ));
    }
    match config.read_file() {
        Some(read_file) => run_offline(config, db, read_file, &status),
        None => run_live(config, db, &status),
    }
}

/// The outputs of a run: p0f's console blocks, p0f's log lines, or JSON lines.
#[derive(Default)]
struct Outputs {
    console: Option<ConsoleSink<io::StdoutLock<'static>>>,
    json: Option<JsonSink<Box<dyn Write>>>,
    log: Option<LogSink<File>>,
}

impl Outputs {
    /// Opens the `-o` file (printing p0f's line) and, unless `quiet` (daemon mode), the
    /// console or JSON-on-stdout output.
    fn open(config: &Config, status: &Status, quiet: bool) -> Result<Outputs, ExitCode> {
        let mut outputs = Outputs::default();
        if let Some(path) = config.log_file() {
            let file = match open_log(path) {
                Ok(f) => f,
                // p0f's PFATAL when a system call failed, FATAL otherwise.
                Err(e) => {
                    return Err(match &e.source {
                        Some(os) => pfatal(&e.message, &os_message(os)),
                        None => fatal(&e.message),
                    });
                }
            };
            match config.output_format() {
                OutputFormat::Json => outputs.json = Some(JsonSink::new(Box::new(file))),
                OutputFormat::P0f => outputs.log = Some(LogSink::new(file)),
            }
            status.say(&format!(
                "[+] Log file '{}' opened for writing.",
                path.display()
            ));
        }
        if !quiet {
            let stdout = io::stdout();
            match (config.output_format(), config.log_file()) {
                (OutputFormat::Json, None) => {
                    outputs.json = Some(JsonSink::new(Box::new(stdout.lock())));
                }
                _ => outputs.console = Some(ConsoleSink::new(stdout.lock())),
            }
        }
        Ok(outputs)
    }

    fn sinks(&mut self) -> Vec<&mut dyn Sink> {
        let mut sinks: Vec<&mut dyn Sink> = Vec::new();
        if let Some(s) = self.console.as_mut() {
            sinks.push(s);
        }
        if let Some(s) = self.json.as_mut() {
            sinks.push(s);
        }
        if let Some(s) = self.log.as_mut() {
            sinks.push(s);
        }
        sinks
    }
}

fn run_offline(config: &Config, db: Arc<Database>, read_file: &Path, status: &Status) -> ExitCode {
    let mut offline =
        match OfflineRun::open(read_file, Arc::clone(&db), config.limits(), config.filter()) {
            Ok(run) => run,
            Err(RunError::Filter(e)) => {
                eprintln!("[-] pcap_compile: {}", e.message);
                return fatal("Syntax error! See 'man tcpdump' for help on filters.");
            }
            Err(e) => return fatal(&e.to_string()),
        };
    status.say(&format!(
        "[+] Will read pcap data from file '{}'.",
        read_file.display()
    ));
    match config.filter() {
        Some(rule) => status.say(&format!("[+] Custom filtering rule enabled: {rule}")),
        None => status.say("[+] Default packet filtering configured."),
    }
    let mut outputs = match Outputs::open(config, status, false) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let mut sinks = outputs.sinks();

    let stop = Arc::new(AtomicBool::new(false));
    install_stop_handler(&stop, false);
    status.say("[+] Processing capture data.\n");
    let mut read_anything = true;
    let mut on_warning = |w: p0fmod::RunWarning| {
        if let p0fmod::RunWarning::Damaged(_) = &w {
            read_anything = false;
        }
        warn(&w.to_string());
    };
    let result = offline.run_to_end(&mut sinks, &mut on_warning, Some(&stop));
    drop(sinks);
    let summary = match result {
        Ok(s) => s,
        Err(e) => return fatal(&e.to_string()),
    };
    if summary.interrupted {
        warn("User-initiated shutdown.");
    }
    status.say(&format!(
        "\nAll done. Processed {} packets.",
        summary.packets
    ));
    if !read_anything && summary.frames == 0 {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Opens the interface and puts p0f's filter in place, with p0f's messages.
fn open_capture(config: &Config, status: &Status) -> Result<LiveCapture, ExitCode> {
    let (iface, default) = match config.iface() {
        Some(i) => (i.to_string(), false),
        None => match setup::default_interface() {
            Ok(i) => (i, true),
            Err(DefaultInterfaceError::OutOfIdeas) => {
                return Err(fatal(
                    "libpcap is out of ideas; use -i to specify interface.",
                ));
            }
            Err(DefaultInterfaceError::List(e)) => return Err(fatal(&e.to_string())),
        },
    };
    status.say(&format!(
        "[+] Intercepting traffic on {}interface '{iface}'.",
        if default { "default " } else { "" }
    ));
    let mut capture = match LiveCapture::open(&iface, config.promisc()) {
        Ok(c) => c,
        Err(CaptureError::Open { message, .. }) => {
            return Err(fatal(&format!("pcap_open_live: {message}")));
        }
        Err(e) => return Err(fatal(&e.to_string())),
    };
    match setup::apply_filter(&mut capture, config.filter()) {
        Ok(vlan) => status.say(&setup::filter_message(config.filter(), vlan)),
        Err(FilterFailure::Compile { message }) => {
            eprintln!("[-] pcap_compile: {message}");
            return Err(fatal(if config.filter().is_none() {
                "pcap_compile() didn't work, strange"
            } else {
                "Syntax error! See 'man tcpdump' for help on filters."
            }));
        }
        Err(FilterFailure::SetFilter(_)) => {
            return Err(fatal("pcap_setfilter() didn't work, strange."));
        }
    }
    Ok(capture)
}

fn run_live(config: &Config, db: Arc<Database>, status: &Status) -> ExitCode {
    let daemon = config.daemon();
    let mut capture = match open_capture(config, status) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut outputs = match Outputs::open(config, status, daemon) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let mut api = match config.api_sock() {
        None => None,
        Some(path) => {
            let options = ServerOptions {
                max_clients: config.api_max_conn(),
                ..ServerOptions::default()
            };
            match ApiServer::bind(path, options) {
                Ok(server) => {
                    status.say(&format!(
                        "[+] Listening on API socket '{}' (max {} clients).",
                        path.display(),
                        config.api_max_conn()
                    ));
                    Some(server)
                }
                Err(e) => {
                    return match e.os_error() {
                        Some(os) => pfatal(&e.message(), &os_message(os)),
                        None => fatal(&e.message()),
                    };
                }
            }
        }
    };
    let dev_null = if daemon {
        match File::open("/dev/null") {
            Ok(f) => Some(f),
            Err(e) => return pfatal("Cannot open '/dev/null'.", &os_message(&e)),
        }
    } else {
        None
    };
    if let Some(user) = config.user() {
        match drop_privileges(user) {
            Ok(dropped) => status.say(&dropped.message()),
            Err(e) => {
                return match e.os_error() {
                    Some(os) => pfatal(&e.message(), os.desc()),
                    None => fatal(&e.message()),
                };
            }
        }
    }
    if let Some(dev_null) = dev_null {
        match fork_off(dev_null) {
            Ok(Forked::Child) => {}
            Ok(parent) => {
                if let Some(message) = parent.parent_message() {
                    status.say(&message);
                }
                let _ = io::stdout().flush();
                std::process::exit(0);
            }
            Err(e) => return pfatal(e.message(), e.os_error().desc()),
        }
    }

    let stop = Arc::new(AtomicBool::new(false));
    install_stop_handler(&stop, daemon);
    if !daemon {
        status.say("[+] Entered main event loop.\n");
    }
    let mut engine = Engine::new(db, config.limits());
    let mut sinks = outputs.sinks();
    let mut live = LiveLoop {
        capture: &mut capture,
        engine: &mut engine,
        api: api.as_mut(),
        sinks: &mut sinks,
    };
    let result = live.run(&stop, &mut |w| warn(&w.to_string()));
    drop(sinks);
    let summary = match result {
        Ok(s) => s,
        Err(LiveError::Poll(e)) => return pfatal("poll() failed.", e.desc()),
        Err(e) => return fatal(&e.to_string()),
    };
    if summary.interrupted {
        warn("User-initiated shutdown.");
    }
    if let Some(stats) = &summary.stats {
        status.say(&stats_message(stats));
    }
    if !daemon {
        status.say(&format!(
            "\nAll done. Processed {} packets.",
            summary.packets
        ));
    }
    ExitCode::SUCCESS
}

/// SIGINT / SIGTERM (and SIGHUP, except in daemon mode, where it is ignored) raise the stop
/// flag; a second one exits at once with status 1, as p0f.
fn install_stop_handler(stop: &Arc<AtomicBool>, daemon: bool) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        if signal == SIGHUP && daemon {
            // A handler that raises a flag nobody reads: the signal is ignored.
            let _ = signal_hook::flag::register(signal, Arc::new(AtomicBool::new(false)));
            continue;
        }
        let _ = signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(stop));
        let _ = signal_hook::flag::register(signal, Arc::clone(stop));
    }
}
