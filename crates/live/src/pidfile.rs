//! `--pid-file`: the process id in a file for the length of the run.
//!
//! [`PidFile::create`] opens the file (and holds its directory) before privileges are
//! dropped; [`PidFile::write`] puts a process id in it (in daemon mode the original
//! process writes the daemon's, before it exits, so that the file is there when a
//! supervisor looks); the process that runs [`PidFile::arm`]s it, and it is removed
//! when dropped there (through the held directory, which works inside the chroot when
//! the service user may write to the directory, as `/run/p0fmod` in the shipped unit).

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Seek, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use nix::fcntl::{OFlag, openat};

use crate::logfile::open_directory_of;
use nix::sys::stat::Mode;
use nix::unistd::{UnlinkatFlags, unlinkat};

/// An open PID file.
#[derive(Debug)]
pub struct PidFile {
    file: File,
    dir: OwnedFd,
    name: OsString,
    path: PathBuf,
    armed: bool,
}

/// Why the PID file could not be written.
#[derive(Debug)]
pub struct PidFileError {
    /// The path.
    pub path: PathBuf,
    /// The system error.
    pub source: io::Error,
}

impl std::fmt::Display for PidFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cannot write the PID file '{}'.", self.path.display())
    }
}

impl std::error::Error for PidFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl PidFile {
    /// Creates (or truncates) the file, mode 0644, never through a symbolic link.
    pub fn create(path: &Path) -> Result<PidFile, PidFileError> {
        let err = |e: io::Error| PidFileError {
            path: path.to_path_buf(),
            source: e,
        };
        let name = path
            .file_name()
            .ok_or_else(|| err(io::Error::other("no file name")))?;
        let dir = open_directory_of(path).map_err(|e| err(e.into()))?;
        let fd = openat(
            &dir,
            name,
            OFlag::O_WRONLY
                | OFlag::O_CREAT
                | OFlag::O_TRUNC
                | OFlag::O_NOFOLLOW
                | OFlag::O_CLOEXEC,
            Mode::from_bits_truncate(0o644),
        )
        .map_err(|e| err(e.into()))?;
        Ok(PidFile {
            file: File::from(fd),
            dir,
            name: name.to_os_string(),
            path: path.to_path_buf(),
            armed: false,
        })
    }

    /// Writes `pid` and a newline, replacing what the file held.
    pub fn write(&mut self, pid: u32) -> Result<(), PidFileError> {
        let err = |e: io::Error| PidFileError {
            path: self.path.clone(),
            source: e,
        };
        self.file.set_len(0).map_err(err)?;
        self.file.rewind().map_err(err)?;
        self.file
            .write_all(format!("{pid}\n").as_bytes())
            .map_err(err)
    }

    /// Has the file removed when this is dropped (in the process that runs).
    pub fn arm(&mut self) {
        self.armed = true;
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        if self.armed {
            // Best effort: a directory the user may not write to keeps the file.
            let _ = unlinkat(&self.dir, self.name.as_os_str(), UnlinkatFlags::NoRemoveDir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_then_removed_only_when_armed() {
        let dir = std::env::temp_dir().join(format!("p0fmod-pidfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p0fmod.pid");
        std::fs::write(&path, "123456789 old content\n").unwrap();
        let mut pid = PidFile::create(&path).unwrap();
        pid.write(42).unwrap();
        pid.write(4242).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "4242\n");
        drop(pid);
        assert!(path.exists(), "not armed: kept (the parent of a daemon)");
        let mut pid = PidFile::create(&path).unwrap();
        pid.write(7).unwrap();
        pid.arm();
        drop(pid);
        assert!(!path.exists());
        std::os::unix::fs::symlink("/etc/passwd", &path).unwrap();
        let e = PidFile::create(&path).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("Cannot write the PID file '{}'.", path.display())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
