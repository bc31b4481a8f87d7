//! Dropping root (spec §2.4), in p0f's order: look the user up, refuse a shared home or a
//! root account, `initgroups`, `chdir(home)`, `chroot(home)`, `chdir("/")`, refuse when
//! `/proc/` or `/sys/` is still reachable, `setgid`, `setuid`, then check the effective ids.
//! This runs after the capture, the log and the API socket are open, so the process keeps
//! those descriptors and needs nothing else from the file system, except the time zone for
//! log time stamps: it is loaded before the chroot (p0f calls `tzset()` early for the same
//! reason). A zone named by `TZ` stays in use; without `TZ`, `/etc/localtime` is looked up
//! again inside the chroot, and times are UTC unless the chroot has its own `etc/localtime`.

use std::ffi::CString;
use std::fmt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::unistd::{
    AccessFlags, Gid, User, access, chdir, chroot, getegid, geteuid, getuid, initgroups, setgid,
    setuid,
};

/// Where the process now runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    /// The user's uid.
    pub uid: u32,
    /// The user's gid.
    pub gid: u32,
    /// The new root (the user's home).
    pub root: PathBuf,
}

impl Dropped {
    /// p0f's line: `[+] Privileges dropped: uid %u, gid %u, root '%s'.`
    pub fn message(&self) -> String {
        format!(
            "[+] Privileges dropped: uid {}, gid {}, root '{}'.",
            self.uid,
            self.gid,
            self.root.display()
        )
    }
}

/// Why privileges could not be dropped. [`PrivError::message`] is p0f's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivError {
    /// No such user.
    NotFound(String),
    /// The user's home is `/`.
    SharedHome(String),
    /// The user's uid or gid is 0.
    Root(String),
    /// initgroups() failed.
    InitGroups(String, Errno),
    /// chdir(home) failed.
    Chdir(PathBuf, Errno),
    /// chroot(home) failed.
    Chroot(PathBuf, Errno),
    /// chdir("/") after the chroot failed.
    ChdirRoot(PathBuf, Errno),
    /// `/proc/` or `/sys/` is reachable inside the new root.
    ProcVisible(String),
    /// setgid() failed.
    SetGid(u32, Errno),
    /// setuid() failed.
    SetUid(u32, Errno),
    /// The effective ids are not the user's afterwards.
    Inconsistent,
}

impl PrivError {
    /// p0f's message.
    pub fn message(&self) -> String {
        match self {
            PrivError::NotFound(u) => format!("User '{u}' not found."),
            PrivError::SharedHome(u) | PrivError::ProcVisible(u) => {
                format!("User '{u}' must have a dedicated home directory.")
            }
            PrivError::Root(u) => format!("User '{u}' must be non-root."),
            PrivError::InitGroups(u, _) => format!("initgroups() for '{u}' failed."),
            PrivError::Chdir(d, _) => format!("chdir('{}') failed.", d.display()),
            PrivError::Chroot(d, _) => format!("chroot('{}') failed.", d.display()),
            PrivError::ChdirRoot(d, _) => {
                format!("chdir('/') after chroot('{}') failed.", d.display())
            }
            PrivError::SetGid(g, _) => format!("setgid({g}) failed."),
            PrivError::SetUid(u, _) => format!("setuid({u}) failed."),
            PrivError::Inconsistent => "Inconsistent euid / egid after dropping privs.".into(),
        }
    }

    /// The system error, for p0f's PFATAL cases.
    pub fn os_error(&self) -> Option<Errno> {
        match self {
            PrivError::InitGroups(_, e)
            | PrivError::Chdir(_, e)
            | PrivError::Chroot(_, e)
            | PrivError::ChdirRoot(_, e)
            | PrivError::SetGid(_, e)
            | PrivError::SetUid(_, e) => Some(*e),
            _ => None,
        }
    }
}

impl fmt::Display for PrivError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())?;
        if let Some(e) = self.os_error() {
            write!(f, " ({})", e.desc())?;
        }
        Ok(())
    }
}

impl std::error::Error for PrivError {}

/// True when the process runs setuid (real uid ≠ effective uid), which p0f refuses:
/// `Please don't make me setuid. See README for more.`
pub fn running_setuid() -> bool {
    getuid() != geteuid()
}

fn reachable(path: &str) -> bool {
    access(path, AccessFlags::F_OK).is_ok()
}

/// Switches to `user` and chroots to its home, as p0f's `drop_privs`.
pub fn drop_privileges(user: &str) -> Result<Dropped, PrivError> {
    let pw = match User::from_name(user) {
        Ok(Some(pw)) => pw,
        Ok(None) | Err(_) => return Err(PrivError::NotFound(user.to_string())),
    };
    let home = pw.dir.clone();
    if home == Path::new("/") {
        return Err(PrivError::SharedHome(user.to_string()));
    }
    if pw.uid.is_root() || pw.gid == Gid::from_raw(0) {
        return Err(PrivError::Root(user.to_string()));
    }
    let name = CString::new(pw.name.as_str()).map_err(|_| PrivError::NotFound(user.to_string()))?;
    // Loads (and caches, for this thread) the local time zone while its files are reachable.
    let _ = chrono::Local::now();
    initgroups(&name, pw.gid).map_err(|e| PrivError::InitGroups(user.to_string(), e))?;
    chdir(&home).map_err(|e| PrivError::Chdir(home.clone(), e))?;
    chroot(&home).map_err(|e| PrivError::Chroot(home.clone(), e))?;
    chdir("/").map_err(|e| PrivError::ChdirRoot(home.clone(), e))?;
    if reachable("/proc/") || reachable("/sys/") {
        return Err(PrivError::ProcVisible(user.to_string()));
    }
    setgid(pw.gid).map_err(|e| PrivError::SetGid(pw.gid.as_raw(), e))?;
    setuid(pw.uid).map_err(|e| PrivError::SetUid(pw.uid.as_raw(), e))?;
    if getegid() != pw.gid || geteuid() != pw.uid {
        return Err(PrivError::Inconsistent);
    }
    Ok(Dropped {
        uid: pw.uid.as_raw(),
        gid: pw.gid.as_raw(),
        root: home,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_use_p0f_texts() {
        assert_eq!(
            drop_privileges("p0fmod-no-such-user-here")
                .unwrap_err()
                .message(),
            "User 'p0fmod-no-such-user-here' not found."
        );
        // `root` is refused before anything changes: for its uid 0, or for a home of `/`.
        let root = drop_privileges("root").unwrap_err();
        assert!(
            matches!(root, PrivError::Root(_) | PrivError::SharedHome(_)),
            "{root:?}"
        );
        assert_eq!(
            PrivError::ChdirRoot("/home/x".into(), Errno::ENOENT).message(),
            "chdir('/') after chroot('/home/x') failed."
        );
        assert_eq!(
            Dropped {
                uid: 5,
                gid: 6,
                root: "/var/empty".into()
            }
            .message(),
            "[+] Privileges dropped: uid 5, gid 6, root '/var/empty'."
        );
    }
}
