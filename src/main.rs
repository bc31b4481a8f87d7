//! The `p0fmod` command: p0f 3.09b's flags and messages over the p0fmod library.

#![forbid(unsafe_code)]

mod args;

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use p0fmod::output::Sink;
use p0fmod::output::json::JsonSink;
use p0fmod::output::p0f::{ConsoleSink, LogSink, open_log};
use p0fmod::{Config, OfflineRun, OutputFormat, RunError, load_database};

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

fn warn(message: &str) {
    eprintln!("[!] WARNING: {message}");
}

fn main() -> ExitCode {
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
        Action::PrintDb(config) => match load_database(&config) {
            Ok(db) => {
                print!("{}", db.to_fp_text());
                ExitCode::SUCCESS
            }
            Err(e) => fatal(&e.to_string()),
        },
        Action::Run(config) => run(&config),
    }
}

fn run(config: &Config) -> ExitCode {
    let json_on_stdout =
        config.output_format() == OutputFormat::Json && config.log_file().is_none();
    let status = Status {
        to_stderr: json_on_stdout,
    };
    status.say(&format!(
        "--- p0fmod {} (p0f 3.09b compatible) ---\n",
        p0fmod::VERSION
    ));
    let notes = match config.validate() {
        Ok(notes) => notes,
        Err(e) => return fatal(e.message()),
    };
    for note in notes {
        status.say(&format!("[!] {}", note.message()));
    }
    let Some(read_file) = config.read_file() else {
        return fatal(
            "Live capture (-i), the API socket (-s) and daemon mode (-d) are not available in this build; use -r to read a capture file.",
        );
    };

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

    let stdout = io::stdout();
    let mut console: Option<ConsoleSink<io::StdoutLock<'static>>> = None;
    let mut json_out: Option<JsonSink<Box<dyn Write>>> = None;
    let mut log_out: Option<LogSink<std::fs::File>> = None;
    if let Some(path) = config.log_file() {
        let file = match open_log(path) {
            Ok(f) => f,
            Err(e) => return fatal(&e.to_string()),
        };
        match config.output_format() {
            OutputFormat::Json => json_out = Some(JsonSink::new(Box::new(file))),
            OutputFormat::P0f => log_out = Some(LogSink::new(file)),
        }
        status.say(&format!(
            "[+] Log file '{}' opened for writing.",
            path.display()
        ));
    }
    match (config.output_format(), config.log_file()) {
        (OutputFormat::Json, None) => json_out = Some(JsonSink::new(Box::new(stdout.lock()))),
        _ => console = Some(ConsoleSink::new(stdout.lock())),
    }
    let mut sinks: Vec<&mut dyn Sink> = Vec::new();
    if let Some(s) = console.as_mut() {
        sinks.push(s);
    }
    if let Some(s) = json_out.as_mut() {
        sinks.push(s);
    }
    if let Some(s) = log_out.as_mut() {
        sinks.push(s);
    }

    let stop = Arc::new(AtomicBool::new(false));
    install_stop_handler(&stop);
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

/// SIGINT / SIGTERM raise the stop flag; a second one exits at once with status 1, as p0f.
fn install_stop_handler(stop: &Arc<AtomicBool>) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    for signal in [SIGINT, SIGTERM] {
        let _ = signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(stop));
        let _ = signal_hook::flag::register(signal, Arc::clone(stop));
    }
}
