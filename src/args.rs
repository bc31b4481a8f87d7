//! Command-line parsing with p0f's getopt rules (`+LS:df:i:m:o:pr:s:t:u:`, spec §2): flags
//! may be clustered (`-dp`), arguments attached (`-ieth0`) or separate, and the filter is
//! the one word that is not an option. Long options add what p0f lacks.
//!
//! Beyond p0f, on command lines p0f refuses: options may follow the filter (p0f stops at
//! the filter and then refuses the words after it), `-r` may be repeated (the captures are
//! read in order into one host table), and a "filter" made of several words one of which
//! is a file gets a message that says so. Everything p0f accepts means the same here.
//! The result is a validated [`Config`] built through the library's setters.

use p0fmod::{Config, ConfigError, OutputFormat};

/// What to make of a run beyond p0f's outputs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    /// `--hosts`: one row per host at the end, on stdout, instead of the console output.
    pub hosts: bool,
    /// `--report FILE`: a self-contained HTML page about the run.
    pub report: Option<std::path::PathBuf>,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Action {
    /// Fingerprint traffic.
    Run(Config, Analysis),
    /// Print the signature database in p0f.fp syntax.
    PrintDb(Config),
    /// `--harvest`: read the `-r` capture and print the signatures seen that the database
    /// does not name, or names only generically or fuzzily, as p0f.fp lines.
    Harvest(Config),
    /// `-L`: list the capture interfaces (p0f runs it as soon as it meets the flag).
    ListInterfaces,
    /// `--version`.
    Version,
    /// `-h` / `--help`.
    Help,
}

/// A command line that cannot run.
#[derive(Debug, PartialEq, Eq)]
pub enum ArgError {
    /// Print the usage text (after this getopt-style message, if any) and exit 1.
    Usage(Option<String>),
    /// p0f's FATAL message, exit 1.
    Fatal(String),
}

impl From<ConfigError> for ArgError {
    fn from(e: ConfigError) -> ArgError {
        ArgError::Fatal(e.message().to_string())
    }
}

/// The usage text (p0f's, with p0fmod's additions).
pub const USAGE: &str = "Usage: p0fmod [ ...options... ] [ 'filter rule' ]

Network interface options:

  -i iface  - listen on the specified network interface
  -r file   - read offline pcap data from a given file (repeat it for several;
              '-' for standard input, a directory for its capture files)
  -p        - put the listening interface in promiscuous mode
  -L        - list all available interfaces

Operating mode and output settings:

  -f file   - read fingerprint database from 'file' (default: embedded)
  -o file   - write information to the specified log file
  -s name   - answer to API queries at a named unix socket
  -u user   - switch to the specified unprivileged account and chroot
  -d        - fork into background (requires -o or -s)
  --json    - write one JSON object per observation (to -o, or stdout)
  --no-tls  - no TLS fingerprinting (tls request / tls response): p0f's
              observations only
  --quiet   - no observations on the console (the -o log is still written)
  --pid-file path - with -i: write the process id (the daemon's with -d)
  --metrics host:port - with -i: statistics for Prometheus at /metrics
  --print-db - print the signature database in p0f.fp syntax and exit
  --harvest - with -r: print the signatures seen that the database does not
              name (or only generically), as p0f.fp lines to edit, and exit
  --hosts   - at the end, print one row per host on stdout (JSON lines with
              --json) instead of the console output
  --report file - at the end, write a self-contained HTML report of the run

Performance-related options:

  -S limit  - limit number of parallel API connections (20)
  -t c,h    - set connection / host cache age limits (30s,120m)
  -m c,h    - cap the number of active connections / hosts (1000,10000)
  --threads n - with -r, read and decode on a second thread when n >= 2
                (2 where there are two CPUs or more, else 1)

Optional filter expressions (man tcpdump) can be specified in the command
line to prevent p0fmod from looking at incidental network traffic.

  -h, --help     - this text
  --version      - print the version and exit
";

/// Reads an unsigned number the way C's `sscanf("%u")` does: optional blanks, an
/// optional sign (a minus wraps around), then digits. Returns the value and the rest.
fn scan_u32(s: &str) -> Option<(u32, &str)> {
    let s = s.trim_start();
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let mut value: u32 = 0;
    for b in s[..digits].bytes() {
        value = value.wrapping_mul(10).wrapping_add(u32::from(b - b'0'));
    }
    Some((
        if negative {
            value.wrapping_neg()
        } else {
            value
        },
        &s[digits..],
    ))
}

/// `c,h` as p0f reads `-m` and `-t` (`sscanf("%u,%u")`; trailing junk ignored).
fn pair(s: &str) -> Option<(u32, u32)> {
    let (a, rest) = scan_u32(s)?;
    let rest = rest.strip_prefix(',')?;
    let (b, _) = scan_u32(rest)?;
    Some((a, b))
}

/// `atol` as p0f reads `-S`: junk gives 0.
fn atol(s: &str) -> u32 {
    scan_u32(s).map_or(0, |(v, _)| v)
}

/// Parses the arguments after the program name.
pub fn parse_args(args: &[String]) -> Result<Action, ArgError> {
    let mut config = Config::new();
    let mut print_db = false;
    let mut harvest = false;
    let mut analysis = Analysis::default();
    let mut filter_words: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        i += 1;
        if arg == "--" {
            filter_words.extend(args[i..].iter().map(String::as_str));
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            match long {
                "json" => config.set_output_format(OutputFormat::Json),
                "version" => return Ok(Action::Version),
                "help" => return Ok(Action::Help),
                "print-db" => print_db = true,
                "harvest" => harvest = true,
                "hosts" => analysis.hosts = true,
                "report" => {
                    let Some(value) = args.get(i) else {
                        return Err(ArgError::Usage(Some(
                            "option '--report' requires an argument".into(),
                        )));
                    };
                    i += 1;
                    if analysis.report.replace(value.into()).is_some() {
                        return Err(ArgError::Fatal(
                            "Multiple --report options not supported.".into(),
                        ));
                    }
                }
                _ if long.starts_with("report=") => {
                    if analysis
                        .report
                        .replace(long["report=".len()..].into())
                        .is_some()
                    {
                        return Err(ArgError::Fatal(
                            "Multiple --report options not supported.".into(),
                        ));
                    }
                }
                "no-tls" => config.set_no_tls()?,
                "threads" => {
                    let Some(value) = args.get(i) else {
                        return Err(ArgError::Usage(Some(
                            "option '--threads' requires an argument".into(),
                        )));
                    };
                    i += 1;
                    config.set_threads(atol(value))?;
                }
                _ if long.starts_with("threads=") => {
                    config.set_threads(atol(&long["threads=".len()..]))?
                }
                "quiet" => config.set_quiet(),
                _ if long_option(long, "pid-file").is_some() => {
                    config.set_pid_file(long_value(long, "pid-file", args, &mut i)?)?
                }
                _ if long_option(long, "metrics").is_some() => {
                    config.set_metrics_addr(long_value(long, "metrics", args, &mut i)?)?
                }
                _ => {
                    return Err(ArgError::Usage(Some(format!(
                        "unrecognized option '--{long}'"
                    ))));
                }
            }
            continue;
        }
        if !arg.starts_with('-') || arg == "-" {
            filter_words.push(arg);
            continue;
        }
        let flags = &arg[1..];
        for (pos, flag) in flags.char_indices() {
            let takes_value = matches!(flag, 'S' | 'f' | 'i' | 'm' | 'o' | 'r' | 's' | 't' | 'u');
            if takes_value {
                let attached = &flags[pos + flag.len_utf8()..];
                let value = if !attached.is_empty() {
                    attached.to_string()
                } else if i < args.len() {
                    i += 1;
                    args[i - 1].clone()
                } else {
                    return Err(ArgError::Usage(Some(format!(
                        "option requires an argument -- '{flag}'"
                    ))));
                };
                apply_value(&mut config, flag, &value)?;
                break;
            }
            match flag {
                'L' => return Ok(Action::ListInterfaces),
                'd' => config.en_daemon_mode()?,
                'p' => config.en_promisc_mode()?,
                'h' => return Ok(Action::Help),
                other => {
                    return Err(ArgError::Usage(Some(format!(
                        "invalid option -- '{other}'"
                    ))));
                }
            }
        }
    }
    match filter_words.len() {
        0 => {}
        1 => config.set_filter(filter_words[0])?,
        _ => {
            if let Some(file) = filter_words
                .iter()
                .find(|w| std::path::Path::new(w).exists())
            {
                return Err(ArgError::Fatal(format!(
                    "'{file}' is a file, not a filter: give each capture with its own -r \
             (-r FILE -r FILE ...), or a directory (-r DIR)."
                )));
            }
            return Err(ArgError::Fatal(
                "Filter rule must be a single parameter (use quotes).".into(),
            ));
        }
    }
    if config.threads() > 1 && config.read_files().is_empty() && !print_db {
        return Err(ArgError::Fatal(
            "--threads reads capture files ahead: it works with -r only.".into(),
        ));
    }
    // Capture files are read on two threads where there are two CPUs: the same output,
    // sooner (README, Performance).
    if !config.threads_given()
        && !config.read_files().is_empty()
        && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
    {
        config.set_threads(2)?;
    }
    Ok(if harvest {
        Action::Harvest(config)
    } else if print_db {
        Action::PrintDb(config)
    } else {
        Action::Run(config, analysis)
    })
}

/// `Some(attached value or "")` when `long` is the option `name` (`name` or `name=VALUE`).
fn long_option<'a>(long: &'a str, name: &str) -> Option<&'a str> {
    let rest = long.strip_prefix(name)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('=')
    }
}

/// The value of the long option `name`: attached (`--name=VALUE`) or the next argument.
fn long_value(long: &str, name: &str, args: &[String], i: &mut usize) -> Result<String, ArgError> {
    match long_option(long, name) {
        Some(v) if long.len() > name.len() => Ok(v.to_string()),
        _ => {
            let value = args.get(*i).ok_or_else(|| {
                ArgError::Usage(Some(format!("option '--{name}' requires an argument")))
            })?;
            *i += 1;
            Ok(value.clone())
        }
    }
}

fn apply_value(config: &mut Config, flag: char, value: &str) -> Result<(), ArgError> {
    match flag {
        'f' => config.set_fp_file(value)?,
        'i' => config.set_iface(value)?,
        'r' => config.add_read_file(value),
        'o' => config.set_log_file(value)?,
        's' => config.set_api_sock(value)?,
        'u' => config.switch_user(value)?,
        'S' => config.set_api_max_conn(atol(value))?,
        'm' => {
            let (c, h) = pair(value)
                .ok_or_else(|| ArgError::Fatal("Outlandish value specified for -m.".into()))?;
            config.set_max_conn(c)?;
            config.set_max_hosts(h)?;
        }
        't' => {
            let (c, h) = pair(value)
                .ok_or_else(|| ArgError::Fatal("Outlandish value specified for -t.".into()))?;
            config.set_conn_max_age(c)?;
            config.set_host_idle_limit(h)?;
        }
        _ => unreachable!("only flags with values reach here"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Config, ArgError> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        match parse_args(&args)? {
            Action::Run(c, _) | Action::PrintDb(c) => Ok(c),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn service_options() {
        let c = parse("-i lo --quiet --pid-file /run/p.pid --metrics=127.0.0.1:9811").unwrap();
        assert!(c.quiet());
        assert_eq!(c.pid_file().unwrap().to_str(), Some("/run/p.pid"));
        assert_eq!(c.metrics_addr(), Some("127.0.0.1:9811"));
        let c = parse("--metrics [::1]:0 --pid-file=x").unwrap();
        assert_eq!(c.metrics_addr(), Some("[::1]:0"));
        assert_eq!(c.pid_file().unwrap().to_str(), Some("x"));
        assert_eq!(
            parse("--metrics").unwrap_err(),
            ArgError::Usage(Some("option '--metrics' requires an argument".into()))
        );
        assert!(matches!(parse("--pid-filex"), Err(ArgError::Usage(_))));
    }

    #[test]
    fn clustered_and_attached_flags_work_like_getopt() {
        let c = parse("-dp -ieth0 -t30,120 -o /tmp/x").unwrap();
        assert!(c.daemon() && c.promisc());
        assert_eq!(c.iface(), Some("eth0"));
        assert_eq!(c.log_file().unwrap().to_str(), Some("/tmp/x"));
        assert_eq!(c.limits().conn_max_age, 30);
    }

    #[test]
    fn filter_is_one_word_and_options_may_follow_it() {
        let args = vec!["-r".to_string(), "x".into(), "port 80".into()];
        let Action::Run(c, _) = parse_args(&args).unwrap() else {
            panic!()
        };
        assert_eq!(c.filter(), Some("port 80"));
        assert_eq!(
            parse("-r x port 80").unwrap_err(),
            ArgError::Fatal("Filter rule must be a single parameter (use quotes).".into())
        );
        // p0f stops at the filter and refuses what follows; p0fmod reads the options.
        let c = parse("-r x tcp -o y").unwrap();
        assert_eq!(
            (c.filter(), c.log_file().unwrap().to_str()),
            (Some("tcp"), Some("y"))
        );
        let c = parse("tcp -r x").unwrap();
        assert_eq!(
            (c.filter(), c.read_file().unwrap().to_str()),
            (Some("tcp"), Some("x"))
        );
        // After `--`, every word is the filter's, as in p0f.
        let args: Vec<String> = ["-r", "x", "--", "-o"].map(String::from).to_vec();
        let Action::Run(c, _) = parse_args(&args).unwrap() else {
            panic!()
        };
        assert_eq!(c.filter(), Some("-o"));
    }

    #[test]
    fn threads_need_a_capture_file() {
        assert_eq!(
            parse("-i eth0 --threads 2").unwrap_err(),
            ArgError::Fatal("--threads reads capture files ahead: it works with -r only.".into())
        );
        assert_eq!(parse("-r x --threads 2").unwrap().threads(), 2);
        assert_eq!(parse("-r x --threads 1").unwrap().threads(), 1);
        // Not given: two threads for files where there are two CPUs, one otherwise.
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(
            parse("-r x").unwrap().threads(),
            if cpus >= 2 { 2 } else { 1 }
        );
        assert_eq!(parse("-i eth0").unwrap().threads(), 1);
        assert_eq!(parse("-i eth0 --threads 1").unwrap().threads(), 1);
    }

    #[test]
    fn analysis_options() {
        let args: Vec<String> = "-r x --hosts --report r.html tcp"
            .split(' ')
            .map(String::from)
            .collect();
        let Action::Run(c, analysis) = parse_args(&args).unwrap() else {
            panic!()
        };
        assert_eq!(c.filter(), Some("tcp"));
        assert!(analysis.hosts);
        assert_eq!(analysis.report.unwrap().to_str(), Some("r.html"));
        assert_eq!(
            parse("--report=a --report b").unwrap_err(),
            ArgError::Fatal("Multiple --report options not supported.".into())
        );
        assert_eq!(
            parse("--report").unwrap_err(),
            ArgError::Usage(Some("option '--report' requires an argument".into()))
        );
    }

    #[test]
    fn several_inputs_and_files_taken_for_filters() {
        let c = parse("-r a.pcap -r b.pcap -r -").unwrap();
        let names: Vec<_> = c.read_files().iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(names, ["a.pcap", "b.pcap", "-"]);
        let this = file!();
        let err = parse(&format!("-r a.pcap {this} port")).unwrap_err();
        assert_eq!(
            err,
            ArgError::Fatal(format!(
                "'{this}' is a file, not a filter: give each capture with its own -r \
             (-r FILE -r FILE ...), or a directory (-r DIR)."
            ))
        );
    }

    #[test]
    fn list_interfaces_runs_when_met_like_p0f() {
        let args = |line: &str| {
            line.split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert!(matches!(
            parse_args(&args("-L")),
            Ok(Action::ListInterfaces)
        ));
        // Options after -L are never read; errors before it still stop the run.
        assert!(matches!(
            parse_args(&args("-L -X")),
            Ok(Action::ListInterfaces)
        ));
        assert!(matches!(
            parse_args(&args("-pL")),
            Ok(Action::ListInterfaces)
        ));
        assert_eq!(
            parse_args(&args("-p -p -L")).unwrap_err(),
            ArgError::Fatal("Even more promiscuous? People will start talking!".into())
        );
    }

    #[test]
    fn live_options_reach_the_config() {
        let c = parse("-i veth0 -p -s /tmp/sock -S 100 -d -u nobody").unwrap();
        assert_eq!(c.iface(), Some("veth0"));
        assert!(c.promisc() && c.daemon());
        assert_eq!(c.api_sock().unwrap().to_str(), Some("/tmp/sock"));
        assert_eq!(c.api_max_conn(), 100);
        assert_eq!(c.user(), Some("nobody"));
        let fatal = |m: &str| ArgError::Fatal(m.into());
        assert_eq!(
            parse("-d -d").unwrap_err(),
            fatal("Double werewolf mode not supported yet.")
        );
        assert_eq!(
            parse("-u a -u b").unwrap_err(),
            fatal("Split personality mode not supported.")
        );
        assert_eq!(
            parse("-s a -s b").unwrap_err(),
            fatal("Multiple -s options not supported.")
        );
        assert_eq!(
            parse("-S 0").unwrap_err(),
            fatal("Outlandish value specified for -S.")
        );
        assert_eq!(
            parse("-S 101").unwrap_err(),
            fatal("Outlandish value specified for -S.")
        );
    }

    #[test]
    fn p0f_messages_for_bad_values_and_repeats() {
        assert_eq!(
            parse("-m 0,5").unwrap_err(),
            ArgError::Fatal("Outlandish value specified for -m.".into())
        );
        assert_eq!(
            parse("-m -1,5").unwrap_err(),
            ArgError::Fatal("Outlandish value specified for -m.".into())
        );
        assert_eq!(
            parse("-m 5").unwrap_err(),
            ArgError::Fatal("Outlandish value specified for -m.".into())
        );
        assert_eq!(
            parse("-S junk").unwrap_err(),
            ArgError::Fatal("Outlandish value specified for -S.".into())
        );
        assert_eq!(parse("-S 5x").unwrap().api_max_conn(), 5);
        assert_eq!(parse("-m 10,20junk").unwrap().limits().max_hosts, 20);
        assert_eq!(
            parse("-i a -i b").unwrap_err(),
            ArgError::Fatal("Multiple -i options not supported (try '-i any').".into())
        );
        assert_eq!(
            parse("-p -p").unwrap_err(),
            ArgError::Fatal("Even more promiscuous? People will start talking!".into())
        );
        assert_eq!(
            parse("-X").unwrap_err(),
            ArgError::Usage(Some("invalid option -- 'X'".into()))
        );
        assert_eq!(
            parse("-r").unwrap_err(),
            ArgError::Usage(Some("option requires an argument -- 'r'".into()))
        );
    }
}
