//! One validated configuration for every front end.
//!
//! The command line, the Rust API and the Python module all build a [`Config`] through
//! the same setters (one per call of the p0fmod seed API, with its return codes and p0f's
//! messages), then check the combination with [`Config::validate`] before running.
//!
//! ```
//! use p0fmod::Config;
//!
//! let mut config = Config::new();
//! config.set_read_file("capture.pcap")?;
//! let e = config.set_read_file("other.pcap").unwrap_err();
//! assert_eq!((e.code(), e.to_string().as_str()), (-1, "Multiple -r options not supported."));
//! assert_eq!(config.set_max_conn(0).unwrap_err().code(), -2); // outlandish, nothing changed
//! config.set_max_conn(100)?;
//! config.set_api_sock("/run/p0fmod.sock")?;
//! assert_eq!(config.validate().unwrap_err().code(), -1); // API mode and a capture file
//! # Ok::<(), p0fmod::ConfigError>(())
//! ```

use std::fmt;
use std::path::PathBuf;

use crate::state::Limits;

/// Default `-S`: simultaneous API clients.
pub const DEFAULT_API_MAX_CONN: u32 = 20;

/// A refused setting: the seed API's return code and p0f's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    code: i32,
    message: String,
}

impl ConfigError {
    fn new(code: i32, message: impl Into<String>) -> ConfigError {
        ConfigError {
            code,
            message: message.into(),
        }
    }

    /// The seed API's return code (-1 repeated setting, -2 outlandish value, ...).
    pub fn code(&self) -> i32 {
        self.code
    }

    /// p0f's message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// How observations are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// p0f's console blocks on stdout, and p0f's log lines in the `-o` file.
    #[default]
    P0f,
    /// One JSON object per observation, on stdout or in the `-o` file.
    Json,
}

/// Everything a run needs to know. Build it with the setters; fields are read-only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    fp_file: Option<PathBuf>,
    iface: Option<String>,
    read_files: Vec<PathBuf>,
    log_file: Option<PathBuf>,
    api_sock: Option<PathBuf>,
    daemon: bool,
    user: Option<String>,
    promisc: bool,
    api_max_conn: Option<u32>,
    limits: Option<Limits>,
    limits_set: [bool; 4],
    filter: Option<String>,
    format: OutputFormat,
    threads: Option<u32>,
    no_tls: bool,
    pid_file: Option<PathBuf>,
    metrics_addr: Option<String>,
    quiet: bool,
}

/// A note that does not stop a run (the seed's start codes -5 and -6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigWarning {
    /// Daemon mode without `-u`: "Consider specifying -u in daemon mode".
    DaemonWithoutUser,
}

impl ConfigWarning {
    /// The seed API's code for this note.
    pub fn code(self) -> i32 {
        match self {
            ConfigWarning::DaemonWithoutUser => -6,
        }
    }

    /// p0f's text.
    pub fn message(self) -> &'static str {
        match self {
            ConfigWarning::DaemonWithoutUser => {
                "Consider specifying -u in daemon mode (see README)."
            }
        }
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T, message: &str) -> Result<(), ConfigError> {
    if slot.is_some() {
        return Err(ConfigError::new(-1, message));
    }
    *slot = Some(value);
    Ok(())
}

impl Config {
    /// A configuration with every default.
    pub fn new() -> Config {
        Config::default()
    }

    /// `-f`: read the signature database from this file instead of the embedded one.
    pub fn set_fp_file(&mut self, path: impl Into<PathBuf>) -> Result<(), ConfigError> {
        set_once(
            &mut self.fp_file,
            path.into(),
            "Multiple -f options not supported.",
        )
    }

    /// `-i`: capture live on this interface (`any` for all).
    pub fn set_iface(&mut self, iface: impl Into<String>) -> Result<(), ConfigError> {
        set_once(
            &mut self.iface,
            iface.into(),
            "Multiple -i options not supported (try '-i any').",
        )
    }

    /// `-r`: read packets from this capture file (`-` for standard input, a directory for
    /// the captures in it). Refused when an input is already set, as p0f refuses a second
    /// `-r`: use [`Config::add_read_file`] for several.
    pub fn set_read_file(&mut self, path: impl Into<PathBuf>) -> Result<(), ConfigError> {
        if !self.read_files.is_empty() {
            return Err(ConfigError::new(-1, "Multiple -r options not supported."));
        }
        self.read_files.push(path.into());
        Ok(())
    }

    /// Another `-r` input, read after the ones before it into the same host table (the
    /// command line's repeated `-r`).
    pub fn add_read_file(&mut self, path: impl Into<PathBuf>) {
        self.read_files.push(path.into());
    }

    /// `-o`: append observations to this log file.
    pub fn set_log_file(&mut self, path: impl Into<PathBuf>) -> Result<(), ConfigError> {
        set_once(
            &mut self.log_file,
            path.into(),
            "Multiple -o options not supported.",
        )
    }

    /// `-s`: answer queries on this unix socket.
    pub fn set_api_sock(&mut self, path: impl Into<PathBuf>) -> Result<(), ConfigError> {
        set_once(
            &mut self.api_sock,
            path.into(),
            "Multiple -s options not supported.",
        )
    }

    /// `-d`: run in the background.
    pub fn en_daemon_mode(&mut self) -> Result<(), ConfigError> {
        if self.daemon {
            return Err(ConfigError::new(
                -1,
                "Double werewolf mode not supported yet.",
            ));
        }
        self.daemon = true;
        Ok(())
    }

    /// `-u`: drop privileges to this user and chroot to its home.
    pub fn switch_user(&mut self, user: impl Into<String>) -> Result<(), ConfigError> {
        set_once(
            &mut self.user,
            user.into(),
            "Split personality mode not supported.",
        )
    }

    /// `-p`: promiscuous mode.
    pub fn en_promisc_mode(&mut self) -> Result<(), ConfigError> {
        if self.promisc {
            return Err(ConfigError::new(
                -1,
                "Even more promiscuous? People will start talking!",
            ));
        }
        self.promisc = true;
        Ok(())
    }

    /// `-S`: most simultaneous API clients, 1 to 100.
    pub fn set_api_max_conn(&mut self, n: u32) -> Result<(), ConfigError> {
        if self.api_max_conn.is_some() {
            return Err(ConfigError::new(-1, "Multiple -S options not supported."));
        }
        if !(1..=100).contains(&n) {
            return Err(ConfigError::new(-2, "Outlandish value specified for -S."));
        }
        self.api_max_conn = Some(n);
        Ok(())
    }

    fn set_limit(
        &mut self,
        which: usize,
        value: u32,
        range: std::ops::RangeInclusive<u32>,
        option: &str,
    ) -> Result<(), ConfigError> {
        if self.limits_set[which] {
            return Err(ConfigError::new(
                -1,
                format!("Multiple {option} options not supported."),
            ));
        }
        if !range.contains(&value) {
            return Err(ConfigError::new(
                -2,
                format!("Outlandish value specified for {option}."),
            ));
        }
        self.limits_set[which] = true;
        let limits = self.limits.get_or_insert_with(Limits::default);
        *[
            &mut limits.max_conn,
            &mut limits.max_hosts,
            &mut limits.conn_max_age,
            &mut limits.host_idle_limit,
        ][which] = value;
        Ok(())
    }

    /// `-m c,…`: most tracked connections, 1 to 100000.
    pub fn set_max_conn(&mut self, c: u32) -> Result<(), ConfigError> {
        self.set_limit(0, c, 1..=100_000, "-m")
    }

    /// `-m …,h`: most tracked hosts, 1 to 500000.
    pub fn set_max_hosts(&mut self, h: u32) -> Result<(), ConfigError> {
        self.set_limit(1, h, 1..=500_000, "-m")
    }

    /// `-t c,…`: seconds a connection is tracked, 1 to 1000000.
    pub fn set_conn_max_age(&mut self, c: u32) -> Result<(), ConfigError> {
        self.set_limit(2, c, 1..=1_000_000, "-t")
    }

    /// `-t …,h`: minutes an idle host is kept, 1 to 1000000.
    pub fn set_host_idle_limit(&mut self, h: u32) -> Result<(), ConfigError> {
        self.set_limit(3, h, 1..=1_000_000, "-t")
    }

    /// The BPF filter expression (tcpdump syntax).
    pub fn set_filter(&mut self, expr: impl Into<String>) -> Result<(), ConfigError> {
        set_once(
            &mut self.filter,
            expr.into(),
            "Filter rule must be a single parameter (use quotes).",
        )
    }

    /// `--threads N`: with 2 or more, capture files are read and decoded on a second
    /// thread, ahead of fingerprinting and output (the output is the same). 1 to 64.
    pub fn set_threads(&mut self, n: u32) -> Result<(), ConfigError> {
        if self.threads.is_some() {
            return Err(ConfigError::new(
                -1,
                "Multiple --threads options not supported.",
            ));
        }
        if !(1..=64).contains(&n) {
            return Err(ConfigError::new(
                -2,
                "Outlandish value specified for --threads.",
            ));
        }
        self.threads = Some(n);
        Ok(())
    }

    /// `--no-tls`: no TLS fingerprinting (no `tls request` / `tls response`
    /// observations, no TLS state): exactly p0f's observations.
    pub fn set_no_tls(&mut self) -> Result<(), ConfigError> {
        if self.no_tls {
            return Err(ConfigError::new(
                -1,
                "Multiple --no-tls options not supported.",
            ));
        }
        self.no_tls = true;
        Ok(())
    }

    /// Whether TLS fingerprinting is on (the default).
    pub fn tls(&self) -> bool {
        !self.no_tls
    }

    /// `--quiet`: no observations on the console (console blocks, or JSON lines on stdout);
    /// the `-o` log, the query socket and the status lines are not affected.
    pub fn set_quiet(&mut self) {
        self.quiet = true;
    }

    /// `--quiet` was given.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// `--pid-file PATH`: write the process id there (the daemon's, with `-d`) for the
    /// run's length; live capture only.
    pub fn set_pid_file(&mut self, path: impl Into<PathBuf>) -> Result<(), ConfigError> {
        set_once(
            &mut self.pid_file,
            path.into(),
            "Multiple --pid-file options not supported.",
        )
    }

    /// `--pid-file`, if given.
    pub fn pid_file(&self) -> Option<&std::path::Path> {
        self.pid_file.as_deref()
    }

    /// `--metrics HOST:PORT`: serve the statistics in the Prometheus text format over HTTP
    /// at `/metrics`; live capture only.
    pub fn set_metrics_addr(&mut self, addr: impl Into<String>) -> Result<(), ConfigError> {
        set_once(
            &mut self.metrics_addr,
            addr.into(),
            "Multiple --metrics options not supported.",
        )
    }

    /// `--metrics`, if given.
    pub fn metrics_addr(&self) -> Option<&str> {
        self.metrics_addr.as_deref()
    }

    /// Threads for offline runs (default 1).
    pub fn threads(&self) -> u32 {
        self.threads.unwrap_or(1)
    }

    /// Whether `--threads` was given.
    pub fn threads_given(&self) -> bool {
        self.threads.is_some()
    }

    /// The output format.
    pub fn set_output_format(&mut self, format: OutputFormat) {
        self.format = format;
    }

    /// Checks the combination, as p0f does after reading its options (the seed's
    /// `start_p0f` codes -1 to -4). Returns the notes that do not stop a run.
    pub fn validate(&self) -> Result<Vec<ConfigWarning>, ConfigError> {
        let read_file = !self.read_files.is_empty();
        if read_file && self.api_sock.is_some() {
            return Err(ConfigError::new(
                -1,
                "API mode looks down on ofline captures.",
            ));
        }
        if self.api_max_conn.is_some_and(|n| n != DEFAULT_API_MAX_CONN) && self.api_sock.is_none() {
            return Err(ConfigError::new(-2, "Option -S makes sense only with -s."));
        }
        if self.daemon && read_file {
            return Err(ConfigError::new(
                -3,
                "Daemon mode and offline captures don't mix.",
            ));
        }
        if self.daemon && self.log_file.is_none() && self.api_sock.is_none() {
            return Err(ConfigError::new(-4, "Daemon mode requires -o or -s."));
        }
        if read_file && self.promisc {
            return Err(ConfigError::new(
                -7,
                "Dude, how am I supposed to make a file promiscuous?",
            ));
        }
        if read_file && self.iface.is_some() {
            return Err(ConfigError::new(
                -8,
                "Options -i and -r are mutually exclusive.",
            ));
        }
        if self.read_file().is_some() && (self.pid_file.is_some() || self.metrics_addr.is_some()) {
            return Err(ConfigError::new(
                -9,
                "Options --pid-file and --metrics are for live capture, not -r.",
            ));
        }
        let mut notes = Vec::new();
        if self.daemon && self.user.is_none() {
            notes.push(ConfigWarning::DaemonWithoutUser);
        }
        Ok(notes)
    }

    /// `-f`, if given.
    pub fn fp_file(&self) -> Option<&std::path::Path> {
        self.fp_file.as_deref()
    }

    /// `-i`, if given.
    pub fn iface(&self) -> Option<&str> {
        self.iface.as_deref()
    }

    /// The first `-r`, if given.
    pub fn read_file(&self) -> Option<&std::path::Path> {
        self.read_files.first().map(PathBuf::as_path)
    }

    /// Every `-r`, in order.
    pub fn read_files(&self) -> &[PathBuf] {
        &self.read_files
    }

    /// `-o`, if given.
    pub fn log_file(&self) -> Option<&std::path::Path> {
        self.log_file.as_deref()
    }

    /// `-s`, if given.
    pub fn api_sock(&self) -> Option<&std::path::Path> {
        self.api_sock.as_deref()
    }

    /// `-d`.
    pub fn daemon(&self) -> bool {
        self.daemon
    }

    /// `-u`, if given.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// `-p`.
    pub fn promisc(&self) -> bool {
        self.promisc
    }

    /// `-S` (default 20).
    pub fn api_max_conn(&self) -> u32 {
        self.api_max_conn.unwrap_or(DEFAULT_API_MAX_CONN)
    }

    /// Cache limits (`-m`, `-t`).
    pub fn limits(&self) -> Limits {
        self.limits.unwrap_or_default()
    }

    /// The BPF filter, if given.
    pub fn filter(&self) -> Option<&str> {
        self.filter.as_deref()
    }

    /// Output format.
    pub fn output_format(&self) -> OutputFormat {
        self.format
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_settings_get_code_minus_one_and_p0f_text() {
        let mut c = Config::new();
        c.set_iface("eth0").unwrap();
        let e = c.set_iface("eth1").unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            (-1, "Multiple -i options not supported (try '-i any').")
        );
        assert_eq!(c.iface(), Some("eth0"), "a refused call changes nothing");
    }

    #[test]
    fn outlandish_values_get_code_minus_two_and_change_nothing() {
        let mut c = Config::new();
        let e = c.set_api_max_conn(101).unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            (-2, "Outlandish value specified for -S.")
        );
        c.set_api_max_conn(100).unwrap();
        assert_eq!(c.api_max_conn(), 100);
        assert_eq!(c.set_max_conn(0).unwrap_err().code(), -2);
        c.set_max_conn(5).unwrap();
        assert_eq!(
            c.set_max_conn(6).unwrap_err().message(),
            "Multiple -m options not supported."
        );
        assert_eq!(c.limits().max_conn, 5);
    }

    #[test]
    fn combinations_follow_the_seed_start_codes() {
        let mut c = Config::new();
        c.set_read_file("x.pcap").unwrap();
        c.set_api_sock("/tmp/s").unwrap();
        assert_eq!(c.validate().unwrap_err().code(), -1);

        let mut c = Config::new();
        c.set_api_max_conn(5).unwrap();
        assert_eq!(c.validate().unwrap_err().code(), -2);

        let mut c = Config::new();
        c.en_daemon_mode().unwrap();
        c.set_read_file("x.pcap").unwrap();
        assert_eq!(c.validate().unwrap_err().code(), -3);

        let mut c = Config::new();
        c.en_daemon_mode().unwrap();
        assert_eq!(c.validate().unwrap_err().code(), -4);
        c.set_log_file("/tmp/log").unwrap();
        assert_eq!(
            c.validate().unwrap(),
            vec![ConfigWarning::DaemonWithoutUser]
        );
        c.switch_user("nobody").unwrap();
        assert!(c.validate().unwrap().is_empty());
    }

    #[test]
    fn pid_file_and_metrics_are_for_live_capture() {
        let mut c = Config::new();
        c.set_pid_file("/run/p0fmod.pid").unwrap();
        c.set_metrics_addr("127.0.0.1:9811").unwrap();
        assert_eq!(
            c.set_pid_file("/x").unwrap_err().message(),
            "Multiple --pid-file options not supported."
        );
        assert_eq!(c.set_metrics_addr("[::1]:1").unwrap_err().code(), -1);
        assert!(c.validate().is_ok());
        assert_eq!(c.metrics_addr(), Some("127.0.0.1:9811"));
        c.set_read_file("x.pcap").unwrap();
        let e = c.validate().unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            (
                -9,
                "Options --pid-file and --metrics are for live capture, not -r."
            )
        );
    }
}
