//! The `-o` file behind the log sink: shared between the sink and the session, so that
//! the session can put another file behind it (SIGHUP, after a rotation renamed the log)
//! and hold writes for a moment (SIGUSR2, while a rotation copies and truncates it).
//!
//! Holding keeps what the sink writes in memory (at most [`MAX_HELD`] bytes; past that
//! the held bytes are written out and holding ends); the next reopen or release writes
//! them, in order, to the file then in place. With logrotate's `copytruncate`, a
//! `prerotate` SIGUSR2 and a `postrotate` SIGHUP make the rotation lose no line: nothing is
//! written between the copy and the truncation.

use std::fs::File;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Most bytes held in memory.
pub const MAX_HELD: usize = 64 << 20;

struct State {
    file: File,
    held: Option<Vec<u8>>,
}

/// A handle on the log file; clones share it.
#[derive(Clone)]
pub(crate) struct LogFile(Arc<Mutex<State>>);

impl LogFile {
    pub(crate) fn new(file: File) -> LogFile {
        LogFile(Arc::new(Mutex::new(State { file, held: None })))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps further writes in memory until [`LogFile::release`] or [`LogFile::replace`].
    #[cfg(feature = "live")]
    pub(crate) fn hold(&self) {
        self.state().held.get_or_insert_with(Vec::new);
    }

    /// True while writes are held.
    #[cfg(feature = "live")]
    pub(crate) fn holding(&self) -> bool {
        self.state().held.is_some()
    }

    /// Writes what was held to the file and stops holding.
    #[cfg(feature = "live")]
    pub(crate) fn release(&self) -> io::Result<()> {
        let mut state = self.state();
        if let Some(held) = state.held.take() {
            state.file.write_all(&held)?;
        }
        Ok(())
    }

    /// Writes to `file` from now on (the same file when `None`), starting with what was
    /// held. `reopen` gets the current file and gives the next one.
    #[cfg(feature = "live")]
    pub(crate) fn reopen<E>(
        &self,
        reopen: impl FnOnce(&File) -> Result<Option<File>, E>,
    ) -> Result<io::Result<()>, E> {
        let mut state = self.state();
        match reopen(&state.file) {
            Ok(Some(file)) => state.file = file,
            Ok(None) => {}
            Err(e) => return Err(e),
        }
        Ok(match state.held.take() {
            Some(held) => state.file.write_all(&held),
            None => Ok(()),
        })
    }
}

impl p0fmod::output::resilient::LogTarget for LogFile {
    fn file_len(&self) -> io::Result<u64> {
        self.state().file.metadata().map(|m| m.len())
    }

    fn truncate(&self, len: u64) -> io::Result<()> {
        self.state().file.set_len(len)
    }
}

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut state = self.state();
        let state = &mut *state;
        match &mut state.held {
            Some(held) if held.len() + buf.len() <= MAX_HELD => {
                held.extend_from_slice(buf);
                Ok(buf.len())
            }
            Some(_) => {
                if let Some(held) = state.held.take() {
                    state.file.write_all(&held)?;
                }
                state.file.write(buf)
            }
            None => state.file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.state().file.flush()
    }
}

#[cfg(all(test, feature = "live"))]
mod tests {
    use super::*;
    use std::io::Read;

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!(
            "p0fmod-session-logfile-{name}-{}",
            std::process::id()
        ))
    }

    fn read(path: &std::path::Path) -> String {
        let mut s = String::new();
        File::open(path).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn held_lines_go_to_the_file_in_place_in_order() {
        let (a, b) = (temp("a"), temp("b"));
        let mut log = LogFile::new(File::create(&a).unwrap());
        log.write_all(b"1\n").unwrap();
        log.hold();
        assert!(log.holding());
        log.write_all(b"2\n").unwrap();
        assert_eq!(read(&a), "1\n", "held");
        let b_file = File::create(&b).unwrap();
        log.reopen(|_| Ok::<_, ()>(Some(b_file))).unwrap().unwrap();
        assert!(!log.holding());
        log.write_all(b"3\n").unwrap();
        assert_eq!((read(&a), read(&b)), ("1\n".into(), "2\n3\n".into()));
        log.hold();
        log.write_all(b"4\n").unwrap();
        log.release().unwrap();
        assert_eq!(read(&b), "2\n3\n4\n");
        std::fs::remove_file(&a).unwrap();
        std::fs::remove_file(&b).unwrap();
    }

    #[test]
    fn holding_stops_at_the_cap() {
        let a = temp("cap");
        let mut log = LogFile::new(File::create(&a).unwrap());
        log.hold();
        let chunk = vec![b'x'; MAX_HELD / 2 + 1];
        log.write_all(&chunk).unwrap();
        assert_eq!(std::fs::metadata(&a).unwrap().len(), 0);
        log.write_all(&chunk).unwrap();
        assert!(!log.holding());
        assert_eq!(std::fs::metadata(&a).unwrap().len(), 2 * chunk.len() as u64);
        std::fs::remove_file(&a).unwrap();
    }
}
