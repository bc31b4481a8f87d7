//! p0f's two text formats: the console block and the grep-friendly log line (spec §5).

use std::fmt::{self, Write as _};
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chrono::{Local, TimeZone};

use super::{FieldValue, P0fEndpoint, Sink, Text, for_each_field};
use crate::observation::{Observation, Subject};

/// Appends one observation as p0f's console block to `out`.
pub fn format_console(obs: &Observation<'_>, out: &mut String) {
    out.push_str(".-[ ");
    let client_start = out.len();
    P0fEndpoint(obs.client).append_to(out);
    let client = client_start..out.len();
    out.push_str(" -> ");
    let server_start = out.len();
    P0fEndpoint(obs.server).append_to(out);
    let server = server_start..out.len();
    out.push_str(" (");
    out.push_str(obs.kind.keyword());
    out.push_str(") ]-\n|\n");
    let subject = match obs.subject {
        Subject::Client => {
            out.push_str("| client   = ");
            client
        }
        Subject::Server => {
            out.push_str("| server   = ");
            server
        }
    };
    out.extend_from_within(subject);
    out.push('\n');
    for_each_field(obs, &mut |key: &str, value: &FieldValue<'_>| {
        // p0f's "| %-8s = ".
        out.push_str("| ");
        out.push_str(key);
        for _ in key.len()..8 {
            out.push(' ');
        }
        out.push_str(" = ");
        value.append_to(out);
        out.push('\n');
    });
    out.push_str("|\n`----\n\n");
}

/// The `[YYYY/MM/DD HH:MM:SS] ` prefix of log lines, in local time (honouring `TZ`), as
/// p0f prints it; the text of the last second is kept, as packets come in time order.
#[derive(Default)]
pub struct TimeStamper {
    second: Option<i64>,
    text: String,
}

impl TimeStamper {
    /// The prefix for a packet time in seconds.
    pub fn stamp(&mut self, sec: i64) -> &str {
        if self.second != Some(sec) {
            self.second = Some(sec);
            self.text.clear();
            match Local.timestamp_opt(sec, 0).single() {
                Some(t) => {
                    let _ = write!(self.text, "[{}] ", t.format("%Y/%m/%d %H:%M:%S"));
                }
                None => self.text.push_str("[????/??/?? ??:??:??] "),
            }
        }
        &self.text
    }
}

/// Appends one observation as p0f's log line (with its newline) to `out`.
pub fn format_log_line(obs: &Observation<'_>, stamper: &mut TimeStamper, out: &mut String) {
    out.push_str(stamper.stamp(obs.time.sec));
    out.push_str("mod=");
    out.push_str(obs.kind.keyword());
    out.push_str("|cli=");
    P0fEndpoint(obs.client).append_to(out);
    out.push_str("|srv=");
    P0fEndpoint(obs.server).append_to(out);
    out.push_str("|subj=");
    out.push_str(obs.subject.as_str());
    for_each_field(obs, &mut |key: &str, value: &FieldValue<'_>| {
        out.push('|');
        out.push_str(key);
        out.push('=');
        value.append_to(out);
    });
    out.push('\n');
}

/// p0f's console blocks on any writer (normally stdout), buffered: blocks reach `out` in
/// 64 KiB writes and on [`Sink::flush`] (the live loop flushes whenever traffic pauses and
/// at least once a second; an offline run at its end), not one system call per block.
pub struct ConsoleSink<W: Write> {
    out: BufWriter<W>,
    buf: String,
}

impl<W: Write> ConsoleSink<W> {
    /// A console sink writing to `out`.
    pub fn new(out: W) -> ConsoleSink<W> {
        ConsoleSink {
            out: BufWriter::with_capacity(1 << 16, out),
            buf: String::with_capacity(1024),
        }
    }
}

impl<W: Write> Sink for ConsoleSink<W> {
    fn write(&mut self, obs: &Observation<'_>) -> io::Result<()> {
        self.buf.clear();
        format_console(obs, &mut self.buf);
        self.out.write_all(self.buf.as_bytes())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Why a log file could not be opened, in p0f's words.
#[derive(Debug)]
pub struct LogOpenError {
    /// The path.
    pub path: PathBuf,
    /// p0f's message.
    pub message: String,
    /// The system error, if any.
    pub source: Option<io::Error>,
}

impl fmt::Display for LogOpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(e) = &self.source {
            write!(f, " ({e})")?;
        }
        Ok(())
    }
}

impl std::error::Error for LogOpenError {}

/// Opens a log file as p0f does (spec §5.2): an existing file is appended to without
/// following symlinks and must be a regular file; a new one is created with mode 0600;
/// an exclusive advisory lock keeps a second writer out.
///
/// Two additions to p0f's rules: the file is opened without blocking, so that a FIFO with
/// no reader is refused at once (`... is not a regular file.`) instead of hanging the
/// start; and when the file ends in a fragment of a line (a previous run killed or out of
/// space in the middle of one), a line end is appended first, so the next line starts on
/// a line of its own.
pub fn open_log(path: &Path) -> Result<File, LogOpenError> {
    let err = |message: String, source: Option<io::Error>| LogOpenError {
        path: path.to_path_buf(),
        message,
        source,
    };
    let shown = path.display();
    let not_regular = || err(format!("'{shown}' is not a regular file."), None);
    let flags = libc::O_NOFOLLOW | libc::O_NONBLOCK;
    let file = match OpenOptions::new()
        .read(true)
        .append(true)
        .custom_flags(flags)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(flags)
            .open(path)
            .map_err(|e| err(format!("Cannot open '{shown}'."), Some(e)))?,
        // A FIFO that nobody reads (O_NONBLOCK makes its open fail at once).
        Err(e) if e.raw_os_error() == Some(libc::ENXIO) => return Err(not_regular()),
        Err(e) => return Err(err(format!("Cannot open '{shown}'."), Some(e))),
    };
    let meta = file
        .metadata()
        .map_err(|e| err(format!("fstat() on '{shown}' failed."), Some(e)))?;
    if !meta.file_type().is_file() {
        return Err(not_regular());
    }
    if file.try_lock().is_err() {
        return Err(err(
            format!("'{shown}' is being used by another process."),
            None,
        ));
    }
    end_torn_line(&file, meta.len())
        .map_err(|e| err(format!("Cannot write to '{shown}'."), Some(e)))?;
    Ok(file)
}

/// Appends a line end when the file's last byte is not one.
fn end_torn_line(file: &File, len: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    if len == 0 {
        return Ok(());
    }
    let mut last = [0u8; 1];
    file.read_exact_at(&mut last, len - 1)?;
    if last[0] != b'\n' {
        (&*file).write_all(b"\n")?;
    }
    Ok(())
}

/// p0f's log lines on a writer (normally the locked `-o` file), buffered.
pub struct LogSink<W: Write> {
    out: BufWriter<W>,
    buf: String,
    stamper: TimeStamper,
    health: Option<super::resilient::LogHealth>,
}

impl<W: Write> LogSink<W> {
    /// A log sink writing to `out`.
    pub fn new(out: W) -> LogSink<W> {
        LogSink {
            out: BufWriter::with_capacity(1 << 16, out),
            buf: String::with_capacity(512),
            stamper: TimeStamper::default(),
            health: None,
        }
    }

    /// Reports the health of the file under it (a
    /// [`ResilientFile`](super::resilient::ResilientFile)) through [`Sink::take_notice`].
    pub fn with_health(mut self, health: super::resilient::LogHealth) -> LogSink<W> {
        self.health = Some(health);
        self
    }
}

impl<W: Write> Sink for LogSink<W> {
    fn write(&mut self, obs: &Observation<'_>) -> io::Result<()> {
        self.buf.clear();
        format_log_line(obs, &mut self.stamper, &mut self.buf);
        self.out.write_all(self.buf.as_bytes())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn take_notice(&mut self) -> Option<String> {
        self.health.as_ref()?.take_notice()
    }
}
