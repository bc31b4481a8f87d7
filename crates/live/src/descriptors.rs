//! Closing inherited descriptors at start, as p0f does (spec §1, step 6).
//!
//! A launcher may leave descriptors open in p0fmod (`p0fmod -d ... 9>&1 | cat`): kept
//! through `-d`, one of them can hold a pipe open for the daemon's whole life, so that
//! whoever waits for the pipe's end (here `cat`, then the shell) never returns. p0f closes
//! every descriptor above 2 before it opens anything; so does the `p0fmod` command. (The
//! library never does it on its own: a program embedding p0fmod owns its descriptors.)

use std::os::fd::RawFd;

/// The highest descriptor tried when `/proc/self/fd` cannot be listed (p0f's fallback).
const FALLBACK_LAST_FD: RawFd = 255;

/// Closes every open descriptor above 2; returns how many were closed. Call it before any
/// descriptor of the process's own is open (first thing in `main`).
pub fn close_inherited() -> u32 {
    let listed: Option<Vec<RawFd>> = std::fs::read_dir("/proc/self/fd").ok().map(|dir| {
        dir.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
            .collect()
    });
    // The listing's own descriptor is in the list; it is closed by now, so closing it
    // again fails and is not counted.
    let candidates = listed.unwrap_or_else(|| (3..=FALLBACK_LAST_FD).collect());
    let mut closed = 0;
    for fd in candidates.into_iter().filter(|&fd| fd > 2) {
        if nix::unistd::close(fd).is_ok() {
            closed += 1;
        }
    }
    closed
}

/// p0f's line for it: `[+] Closed N file descriptor(s).`, or nothing when none was open.
pub fn closed_message(closed: u32) -> Option<String> {
    (closed > 0).then(|| {
        format!(
            "[+] Closed {closed} file descriptor{}.",
            if closed == 1 { "" } else { "s" }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_p0f_s() {
        assert_eq!(closed_message(0), None);
        assert_eq!(
            closed_message(1).as_deref(),
            Some("[+] Closed 1 file descriptor.")
        );
        assert_eq!(
            closed_message(3).as_deref(),
            Some("[+] Closed 3 file descriptors.")
        );
    }
}
