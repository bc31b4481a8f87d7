//! Daemon mode (spec §2.5): fork, and in the child point the standard streams at
//! `/dev/null` (stdout joins stderr when stderr is not a terminal, so that a redirected
//! stderr keeps receiving messages), `chdir("/")` and start a new session.
//!
//! This module holds p0fmod's only `unsafe` code: the `fork()` call, which nix marks
//! unsafe because a multi-threaded parent could leave locks held in the child. p0fmod
//! forks before it starts any thread (no thread exists before the event loop, and signal
//! handlers are installed after the fork), so the child may run arbitrary code.

use std::fmt;
use std::fs::File;
use std::io::{self, Write};

use nix::errno::Errno;
use nix::unistd::{ForkResult, chdir, dup2_stderr, dup2_stdin, dup2_stdout, fork, isatty, setsid};

/// Which side of the fork this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forked {
    /// The original process: it should report and exit.
    Parent {
        /// The daemon's process id.
        child: i32,
        /// stderr is not a terminal, so the daemon keeps it.
        stderr_kept: bool,
    },
    /// The daemon, detached.
    Child,
}

impl Forked {
    /// The parent's lines: `[+] Daemon process created, PID %u (stderr %s).`, a blank line
    /// and `Good luck, you're on your own now!` (None in the child).
    pub fn parent_message(&self) -> Option<String> {
        match self {
            Forked::Parent { child, stderr_kept } => Some(format!(
                "[+] Daemon process created, PID {child} (stderr {}).\n\nGood luck, you're on your own now!",
                if *stderr_kept {
                    "kept as-is"
                } else {
                    "not kept"
                }
            )),
            Forked::Child => None,
        }
    }
}

/// A step of daemonising that failed. `Display` gives p0f's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaemonError {
    /// fork() failed.
    Fork(Errno),
    /// Redirecting a standard stream failed.
    Dup2(Errno),
    /// chdir("/") failed.
    Chdir(Errno),
}

impl DaemonError {
    /// p0f's message.
    pub fn message(&self) -> &'static str {
        match self {
            DaemonError::Fork(_) => "fork() failed.",
            DaemonError::Dup2(_) => "dup2() failed.",
            DaemonError::Chdir(_) => "chdir('/') failed.",
        }
    }

    /// The system error.
    pub fn os_error(&self) -> Errno {
        match self {
            DaemonError::Fork(e) | DaemonError::Dup2(e) | DaemonError::Chdir(e) => *e,
        }
    }
}

impl fmt::Display for DaemonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message(), self.os_error().desc())
    }
}

impl std::error::Error for DaemonError {}

/// Forks into the background. `dev_null` is `/dev/null`, opened before privileges were
/// dropped (it may be unreachable inside the chroot). The caller must not have started any
/// thread.
pub fn fork_off(dev_null: File) -> Result<Forked, DaemonError> {
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    let stderr_is_tty = isatty(io::stderr()).unwrap_or(false);
    // SAFETY: p0fmod is single-threaded here (see the module documentation), so the child
    // inherits no lock held by another thread and may run any code.
    let forked = unsafe { fork() }.map_err(DaemonError::Fork)?;
    match forked {
        ForkResult::Parent { child } => Ok(Forked::Parent {
            child: child.as_raw(),
            stderr_kept: !stderr_is_tty,
        }),
        ForkResult::Child => {
            dup2_stdin(&dev_null).map_err(DaemonError::Dup2)?;
            if stderr_is_tty {
                dup2_stdout(&dev_null).map_err(DaemonError::Dup2)?;
                dup2_stderr(&dev_null).map_err(DaemonError::Dup2)?;
            } else {
                dup2_stdout(io::stderr()).map_err(DaemonError::Dup2)?;
            }
            drop(dev_null);
            chdir("/").map_err(DaemonError::Chdir)?;
            // Fails only if the child already leads a process group, which it cannot.
            let _ = setsid();
            Ok(Forked::Child)
        }
    }
}
