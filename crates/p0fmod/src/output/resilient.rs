//! A log file that survives write failures, for long-running (live) sessions.
//!
//! When the file system is full (or the disk fails), a live p0fmod must go on capturing and
//! answering, as p0f does, and lose as little as it can. [`ResilientFile`] sits under the
//! log's sink and:
//!
//! * writes whole lines only: bytes are kept until their line is complete, and a write
//!   that fails half-way is undone (the file is cut back to its length before the write),
//!   so the log never holds a partial line;
//! * keeps the lines that could not be written, up to [`MAX_PENDING`] bytes, and writes
//!   them as soon as the file takes them again (retried at most every
//!   [`RETRY_INTERVAL`]); lines beyond that are dropped whole and counted;
//! * reports through a [`LogHealth`] handle: the first failure, the return of writes with
//!   the number of lines lost meanwhile, and (at the end) lines still not written.
//!
//! Nothing here ever returns an error to the sink above it.

use std::fs::File;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Most bytes of lines kept in memory while the file refuses them (1 MiB: some 5,000 log
/// lines).
pub const MAX_PENDING: usize = 1 << 20;

/// Least time between two attempts while the file refuses writes.
pub const RETRY_INTERVAL: Duration = Duration::from_millis(500);

/// What a [`ResilientFile`] has to say, shared with whoever reports it.
#[derive(Clone, Debug, Default)]
pub struct LogHealth(Arc<Mutex<HealthState>>);

#[derive(Debug, Default)]
struct HealthState {
    /// Messages not yet reported.
    notices: Vec<String>,
    /// Lines dropped since the file last accepted a write.
    lost: u64,
    /// Lines dropped in all.
    lost_total: u64,
    /// The file refuses writes now.
    failing: bool,
}

impl LogHealth {
    fn with<T>(&self, f: impl FnOnce(&mut HealthState) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The next message worth a warning, if any: a first failure, or writes that resumed.
    pub fn take_notice(&self) -> Option<String> {
        self.with(|h| (!h.notices.is_empty()).then(|| h.notices.remove(0)))
    }

    /// Lines that could not be written since the start.
    pub fn lost_lines(&self) -> u64 {
        self.with(|h| h.lost_total)
    }

    /// True while the file refuses writes.
    pub fn failing(&self) -> bool {
        self.with(|h| h.failing)
    }
}

/// What a [`ResilientFile`] writes to: a file it can measure and cut back.
pub trait LogTarget: Write {
    /// The file's length now.
    fn file_len(&self) -> io::Result<u64>;
    /// Cuts the file back to `len` bytes (to undo a partial write).
    fn truncate(&self, len: u64) -> io::Result<()>;
}

impl LogTarget for File {
    fn file_len(&self) -> io::Result<u64> {
        self.metadata().map(|m| m.len())
    }

    fn truncate(&self, len: u64) -> io::Result<()> {
        self.set_len(len)
    }
}

/// A log file written in whole lines that keeps working through write failures (see the
/// module documentation).
#[derive(Debug)]
pub struct ResilientFile<F: LogTarget> {
    file: F,
    /// Bytes not yet in the file: whole lines, then perhaps the start of one.
    pending: Vec<u8>,
    /// The rest of the current line is dropped (it did not fit in `pending`).
    discarding: bool,
    /// The last failed attempt, while failing.
    last_failure: Option<Instant>,
    health: LogHealth,
}

impl<F: LogTarget> ResilientFile<F> {
    /// Wraps an open log file (opened for appending); `health` receives its reports.
    pub fn new(file: F, health: LogHealth) -> ResilientFile<F> {
        ResilientFile {
            file,
            pending: Vec::with_capacity(1 << 16),
            discarding: false,
            last_failure: None,
            health,
        }
    }

    /// Drops the line being received (it does not fit): what is pending of it is removed,
    /// and the rest of it will be dropped as it comes.
    fn drop_current_line(&mut self) {
        let whole = self
            .pending
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        self.pending.truncate(whole);
        self.discarding = true;
    }

    /// Writes the whole lines pending, unless a failure is too recent. On failure the file
    /// is cut back to its length before the attempt and the lines stay pending.
    fn write_lines(&mut self, now: Instant) {
        let whole = self
            .pending
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        if whole == 0 {
            return;
        }
        if let Some(at) = self.last_failure
            && now.duration_since(at) < RETRY_INTERVAL
        {
            return;
        }
        let before = self.file.file_len();
        let mut written = 0;
        let result = loop {
            if written == whole {
                break Ok(());
            }
            match self.file.write(&self.pending[written..whole]) {
                Ok(0) => break Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        match result {
            Ok(()) => {
                self.pending.drain(..whole);
                self.last_failure = None;
                self.health.with(|h| {
                    if h.failing {
                        h.failing = false;
                        h.notices.push(format!(
                            "Log writes resumed; {} line{} could not be written.",
                            h.lost,
                            if h.lost == 1 { "" } else { "s" }
                        ));
                        h.lost = 0;
                    }
                });
            }
            Err(e) => {
                // Undo a partial write: the log keeps whole lines only.
                if written > 0
                    && let Ok(len) = before
                {
                    let _ = self.file.truncate(len);
                }
                self.last_failure = Some(now);
                self.health.with(|h| {
                    if !h.failing {
                        h.failing = true;
                        h.notices.push(format!(
                            "Log write failed ({e}); lines are kept in memory (up to {} KiB) \
                             and written when the log takes them again.",
                            MAX_PENDING >> 10
                        ));
                    }
                });
            }
        }
    }
}

impl<F: LogTarget> Write for ResilientFile<F> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            if self.discarding {
                match rest.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        self.discarding = false;
                        self.health.with(|h| {
                            h.lost += 1;
                            h.lost_total += 1;
                        });
                        rest = &rest[i + 1..];
                    }
                    None => break,
                }
                continue;
            }
            let line_end = rest.iter().position(|&b| b == b'\n').map(|i| i + 1);
            let piece = &rest[..line_end.unwrap_or(rest.len())];
            if self.pending.len() + piece.len() > MAX_PENDING {
                self.write_lines(Instant::now());
            }
            if self.pending.len() + piece.len() > MAX_PENDING {
                self.drop_current_line();
                continue;
            }
            self.pending.extend_from_slice(piece);
            rest = &rest[piece.len()..];
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_lines(Instant::now());
        Ok(())
    }
}

impl<F: LogTarget> Drop for ResilientFile<F> {
    fn drop(&mut self) {
        self.last_failure = None;
        self.write_lines(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_lines_only_reach_the_file() {
        let path = std::env::temp_dir().join(format!("p0fmod-resilient-{}", std::process::id()));
        let file = File::options()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        let health = LogHealth::default();
        let mut log = ResilientFile::new(file, health.clone());
        log.write_all(b"one\ntw").unwrap();
        log.flush().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one\n");
        log.write_all(b"o\n").unwrap();
        log.flush().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one\ntwo\n");
        assert_eq!(health.take_notice(), None);
        drop(log);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn lines_past_the_limit_are_dropped_whole_and_counted() {
        // /dev/full refuses every write with ENOSPC.
        let Ok(full) = File::options().write(true).open("/dev/full") else {
            return;
        };
        let health = LogHealth::default();
        let mut log = ResilientFile::new(full, health.clone());
        let line = [b'x'; 99];
        let mut n = 0;
        while n * 100 < MAX_PENDING + 1000 {
            log.write_all(&line[..50]).unwrap();
            log.write_all(&line[50..]).unwrap();
            log.write_all(b"\n").unwrap();
            n += 1;
        }
        log.flush().unwrap();
        assert!(health.failing());
        let notice = health.take_notice().expect("the failure is reported");
        assert!(notice.starts_with("Log write failed ("), "{notice}");
        assert_eq!(health.take_notice(), None, "once");
        let kept = MAX_PENDING / 100;
        assert_eq!(health.lost_lines(), (n - kept) as u64);
        assert_eq!(log.pending.len(), kept * 100);
        assert!(log.pending.ends_with(b"\n"));
    }
}
