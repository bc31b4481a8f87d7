//! Running programs and watching processes, for the tests that start p0fmod for real
//! (tests/live.rs, tests/service.rs).

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// True when the test runs as root (network namespaces and capture need it).
pub fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs `cmd` to its end; panics only when it cannot be started.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Runs `cmd`, which must succeed; its standard output.
pub fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Polls `cond` every 50 ms; panics naming `what` when `timeout` passes first.
pub fn wait_for(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The text of a file, empty when it cannot be read.
pub fn read(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
}

/// Sends `sig` (as `kill` spells it: "-TERM") to `pid`; a process already gone is fine.
pub fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([sig, &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// True while the process exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

/// Makes a throwaway system user named `name` (an old one of that name is removed first)
/// whose home, the chroot of `-u`, is the empty directory `home`, created here. The caller
/// removes the user (`userdel`) when done.
pub fn make_user(name: &str, home: &Path) {
    std::fs::create_dir_all(home).unwrap();
    let _ = run(Command::new("userdel").arg(name));
    ok(Command::new("useradd").args([
        "--system",
        "--no-create-home",
        "--home-dir",
        &home.to_string_lossy(),
        "--shell",
        "/usr/sbin/nologin",
        name,
    ]));
}

/// Makes the network namespace `name` (removing a leftover of an interrupted run first).
/// False, with a `SKIPPED:` message saying why, when it cannot be made.
pub fn netns_add(name: &str) -> bool {
    let _ = run(Command::new("ip").args(["netns", "del", name]));
    let made = run(Command::new("ip").args(["netns", "add", name]));
    if !made.status.success() {
        eprintln!(
            "SKIPPED: `ip netns add` failed: {}",
            String::from_utf8_lossy(&made.stderr)
        );
    }
    made.status.success()
}

/// Starts `cmd` with no input, its output and errors in `dir`/`name`.out and .err.
pub fn spawn_logged(cmd: &mut Command, dir: &Path, name: &str) -> Child {
    let out = File::create(dir.join(format!("{name}.out"))).unwrap();
    let err = File::create(dir.join(format!("{name}.err"))).unwrap();
    cmd.stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"))
}
