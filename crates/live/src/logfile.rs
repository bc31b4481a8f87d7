//! Reopening the `-o` log on SIGHUP, also after `-u` has chrooted the process.
//!
//! [`LogReopener::new`] opens the log's directory (`O_PATH`) while the whole file system is
//! still visible; [`LogReopener::reopen`] then opens the log's name relative to that
//! directory (`openat`), which works inside the chroot too. The rules are those of the
//! first open (p0f's, spec §5.2): an existing log is appended to, never through a symbolic
//! link, and must be a regular file (opened without blocking, so a FIFO is refused at once); a missing one is created with mode 0600; an exclusive
//! advisory lock keeps a second writer out. After `-u`, creating the file needs a
//! directory the user may write to (the documented `/var/log/p0fmod`, owned by the
//! service user), or a file created by the rotation tool (`create 0600 p0fmod p0fmod`).

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag, open, openat};
use nix::sys::stat::{Mode, fstatat};
use p0fmod::output::p0f::LogOpenError;

/// Opens (`O_PATH`) the directory `path` names a file in: its parent, or `.` for a bare
/// name. Held, it lets the file be reached by name after a chroot (`openat`, `unlinkat`).
pub(crate) fn open_directory_of(path: &Path) -> nix::Result<OwnedFd> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    open(
        dir,
        OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
}

/// The log's directory, held open, and the log's name in it.
#[derive(Debug)]
pub struct LogReopener {
    dir: OwnedFd,
    name: OsString,
    path: PathBuf,
}

impl LogReopener {
    /// Holds `path`'s directory open. Call it before dropping privileges.
    pub fn new(path: &Path) -> Result<LogReopener, LogOpenError> {
        let err = |e: Errno| LogOpenError {
            path: path.to_path_buf(),
            message: format!("Cannot open the directory of '{}'.", path.display()),
            source: Some(e.into()),
        };
        let name = path.file_name().ok_or_else(|| err(Errno::EISDIR))?;
        let fd = open_directory_of(path).map_err(err)?;
        Ok(LogReopener {
            dir: fd,
            name: name.to_os_string(),
            path: path.to_path_buf(),
        })
    }

    /// The log's path, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the log again: the file now at its name (a new one after a rotation renamed
    /// it). `None` when that is still `current`, the file being written (after a rotation
    /// that copied and truncated it): nothing needs to change then.
    pub fn reopen(&self, current: &File) -> Result<Option<File>, LogOpenError> {
        let shown = self.path.display();
        let err = |message: String, source: Option<io::Error>| LogOpenError {
            path: self.path.clone(),
            message,
            source,
        };
        // Still the file being written (copied and truncated, or not rotated at all)? It is
        // looked at without opening it: after -u, the first log (created by root) cannot be
        // opened again.
        if let (Ok(now), Ok(cur)) = (
            fstatat(
                &self.dir,
                self.name.as_os_str(),
                AtFlags::AT_SYMLINK_NOFOLLOW,
            ),
            current.metadata(),
        ) && (now.st_dev, now.st_ino) == (cur.dev(), cur.ino())
        {
            return Ok(None);
        }
        // O_NONBLOCK: a FIFO put at the name is refused below instead of blocking the loop.
        let flags = OFlag::O_WRONLY
            | OFlag::O_APPEND
            | OFlag::O_NOFOLLOW
            | OFlag::O_NONBLOCK
            | OFlag::O_CLOEXEC;
        let fd = match openat(&self.dir, self.name.as_os_str(), flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::ENOENT) => openat(
                &self.dir,
                self.name.as_os_str(),
                flags | OFlag::O_CREAT | OFlag::O_EXCL,
                Mode::from_bits_truncate(0o600),
            )
            .map_err(|e| err(format!("Cannot open '{shown}'."), Some(e.into())))?,
            Err(e) => return Err(err(format!("Cannot open '{shown}'."), Some(e.into()))),
        };
        let file = File::from(fd);
        let meta = file
            .metadata()
            .map_err(|e| err(format!("fstat() on '{shown}' failed."), Some(e)))?;
        if !meta.file_type().is_file() {
            return Err(err(format!("'{shown}' is not a regular file."), None));
        }
        if file.try_lock().is_err() {
            return Err(err(
                format!("'{shown}' is being used by another process."),
                None,
            ));
        }
        Ok(Some(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("p0fmod-logfile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reopens_the_name_after_a_rename_and_appends() {
        let dir = scratch("rename");
        let log = dir.join("p0fmod.log");
        let first = p0fmod::output::p0f::open_log(&log).unwrap();
        let reopener = LogReopener::new(&log).unwrap();
        // Still the same file (copied and truncated, or not rotated at all): kept.
        assert!(reopener.reopen(&first).unwrap().is_none());
        std::fs::rename(&log, dir.join("p0fmod.log.1")).unwrap();
        let mut second = reopener.reopen(&first).unwrap().unwrap();
        drop(first);
        second.write_all(b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "new\n");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&log).unwrap().permissions().mode() & 0o777,
            0o600
        );
        drop(second);
        // An existing file is appended to.
        let other = File::open("/dev/null").unwrap();
        let mut third = reopener.reopen(&other).unwrap().unwrap();
        third.write_all(b"more\n").unwrap();
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "new\nmore\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_links_other_files_and_a_locked_log() {
        let dir = scratch("refuse");
        let log = dir.join("p0fmod.log");
        let reopener = LogReopener::new(&log).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", &log).unwrap();
        let other = File::open("/dev/null").unwrap();
        let e = reopener.reopen(&other).unwrap_err();
        assert_eq!(e.message, format!("Cannot open '{}'.", log.display()));
        std::fs::remove_file(&log).unwrap();
        std::fs::create_dir(&log).unwrap();
        assert!(reopener.reopen(&other).is_err());
        std::fs::remove_dir(&log).unwrap();
        nix::unistd::mkfifo(&log, Mode::from_bits_truncate(0o600)).unwrap();
        // Refused at once (no reader: ENXIO), never waited on.
        assert!(reopener.reopen(&other).is_err());
        std::fs::remove_file(&log).unwrap();
        let held = reopener.reopen(&other).unwrap().unwrap();
        let e = reopener.reopen(&other).unwrap_err();
        assert!(
            e.message.contains("is being used by another process"),
            "{}",
            e.message
        );
        drop(held);
        assert!(LogReopener::new(&dir.join("missing/p0fmod.log")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
