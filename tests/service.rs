//! Running p0fmod as a service, for real: the shipped systemd unit checked by
//! `systemd-analyze verify`; log rotation with Debian's `logrotate` and the shipped
//! configurations (rename + SIGHUP, and copy + truncate) under `-u`, with every line present
//! once across the rotated files; SIGUSR1 statistics; `--metrics` checked by
//! `promtool check metrics` and scraped by a Prometheus server; the JSON query for IPv4 and
//! IPv6 hosts on a live socket.
//!
//! p0fmod captures on the loopback interface of a network namespace this test creates, so
//! that no other traffic reaches it. Everything that needs root, or a tool that
//! scripts/setup installs, skips with a message when it is missing.

mod common;

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::process::{
    alive, is_root, make_user, netns_add, ok, read, run, signal, spawn_logged, wait_for,
};
use common::{repo, scratch};

const P0FMOD: &str = env!("CARGO_BIN_EXE_p0fmod");
const CLIENT: &str = env!("CARGO_BIN_EXE_p0fmod-client");

/// Makes `count` connections to 127.0.0.1 or ::1 port 8081, `gap` seconds apart, printing
/// each client port as it goes.
const TRAFFIC: &str = r#"
import socket, sys, threading, time
host, count, gap = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
srv = socket.socket(family)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, 8081))
srv.listen(128)
def serve():
    while True:
        c, _ = srv.accept()
        c.close()
threading.Thread(target=serve, daemon=True).start()
for _ in range(count):
    c = socket.create_connection((host, 8081))
    print(c.getsockname()[1], flush=True)
    c.close()
    time.sleep(gap)
"#;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A network namespace with its loopback up, the processes started in it, and a
/// throwaway user; all removed when dropped.
struct Ns {
    name: String,
    dir: PathBuf,
    children: Vec<(String, Child)>,
    user: Option<String>,
}

impl Ns {
    fn new(tag: &str) -> Option<Ns> {
        if !is_root() {
            eprintln!("SKIPPED: service tests need root (a network namespace and capture)");
            return None;
        }
        let ns = Ns {
            name: format!("p0fms-{}-{tag}", std::process::id()),
            dir: scratch(&format!("service-{tag}")),
            children: Vec::new(),
            user: None,
        };
        if !netns_add(&ns.name) {
            return None;
        }
        ok(Command::new("ip").args(["-n", &ns.name, "link", "set", "lo", "up"]));
        std::fs::set_permissions(&ns.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        Some(ns)
    }

    fn exec(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name, program]);
        c
    }

    fn spawn(&mut self, name: &str, program: &str, args: &[&str]) -> u32 {
        let child = spawn_logged(self.exec(program).args(args), &self.dir, name);
        let pid = child.id();
        self.children.push((name.to_string(), child));
        pid
    }

    fn out(&self, name: &str) -> String {
        read(&self.dir.join(format!("{name}.out")))
    }

    fn err(&self, name: &str) -> String {
        read(&self.dir.join(format!("{name}.err")))
    }

    /// Waits for the process started as `name` to end; its exit status.
    fn wait(&mut self, name: &str, timeout: Duration) -> std::process::ExitStatus {
        let (_, child) = self.children.iter_mut().find(|(n, _)| n == name).unwrap();
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "{name} did not end");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A throwaway system user whose home (the chroot of `-u`) is an empty directory
    /// owned by root; returns its name.
    fn make_user(&mut self) -> String {
        let user = format!("p0fms{}", std::process::id() % 100_000);
        make_user(&user, &self.dir.join("home"));
        self.user = Some(user.clone());
        user
    }

    /// Runs the traffic generator to completion: `count` connections to `host`.
    fn traffic(&mut self, name: &str, host: &str, count: u32, gap: &str) -> u32 {
        let python = "python3";
        self.spawn(
            name,
            python,
            &["-c", TRAFFIC, host, &count.to_string(), gap],
        )
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        for (_, child) in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = run(Command::new("ip").args(["netns", "del", &self.name]));
        if let Some(user) = self.user.take() {
            let _ = run(Command::new("userdel").arg(&user));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The shipped unit, with ExecStart pointing at the binary under test.
#[test]
fn the_shipped_systemd_unit_verifies() {
    if !have("systemd-analyze") {
        eprintln!("SKIPPED: systemd-analyze is missing (Debian package systemd)");
        return;
    }
    let unit = read(&repo().join("dist/p0fmod.service"));
    assert!(unit.contains("ExecStart=/usr/local/bin/p0fmod "));
    // The embedded database, a dedicated user, capabilities instead of root, no console.
    for line in [
        "User=p0fmod",
        "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN",
        "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line} missing");
    }
    assert!(!unit.contains(" -f ") && unit.contains(" --quiet "));
    let dir = scratch("unit");
    let path = dir.join("p0fmod.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/p0fmod", P0FMOD)).unwrap();
    let out = run(Command::new("systemd-analyze").args(["verify", &path.to_string_lossy()]));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    if stderr.contains("Failed to connect to bus") || stderr.contains("Failed to initialize") {
        eprintln!("SKIPPED: systemd-analyze cannot run here: {stderr}");
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "systemd-analyze verify:\n{stdout}{stderr}"
    );
    // A unit with a mistake in it does not pass the same check.
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/p0fmod", P0FMOD)
            .replace("ProtectSystem=strict", "ProtectSystem=stricter"),
    )
    .unwrap();
    let out = run(Command::new("systemd-analyze").args(["verify", &path.to_string_lossy()]));
    assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty());
    // The command line of ExecStart is one p0fmod accepts.
    let exec = unit
        .split("ExecStart=/usr/local/bin/p0fmod ")
        .nth(1)
        .unwrap()
        .split("\nExecReload")
        .next()
        .unwrap()
        .replace("\\\n", " ");
    assert!(exec.contains("--pid-file /run/p0fmod/p0fmod.pid --metrics 127.0.0.1:9811"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every file of a rotated log (`p0fmod.log`, `.1`, `.2.gz`, ...), decompressed, by name.
fn rotated_logs(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("p0fmod.log"))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let mut text = String::new();
            let file = File::open(e.path()).unwrap();
            if name.ends_with(".gz") {
                flate2::read::GzDecoder::new(file)
                    .read_to_string(&mut text)
                    .unwrap();
            } else {
                let mut file = file;
                file.read_to_string(&mut text).unwrap();
            }
            (name, text)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn logrotate_under_u_by_rename_and_by_copytruncate_keeps_every_line_once() {
    if !have("logrotate") {
        eprintln!("SKIPPED: logrotate is missing (scripts/setup installs Debian's package)");
        return;
    }
    let Some(mut ns) = Ns::new("rotate") else {
        return;
    };
    let user = ns.make_user();
    // The log's directory belongs to the service user: after -u, p0fmod creates the new
    // log there on SIGHUP (through the directory it kept open before the chroot).
    let logs = ns.dir.join("log");
    let run_dir = ns.dir.join("run");
    for d in [&logs, &run_dir] {
        std::fs::create_dir_all(d).unwrap();
        ok(Command::new("chown").arg(format!("{user}:{user}")).arg(d));
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o750)).unwrap();
    }
    let log = logs.join("p0fmod.log");
    let pid_file = run_dir.join("p0fmod.pid");
    let (log_s, pid_s) = (
        log.to_string_lossy().into_owned(),
        pid_file.to_string_lossy().into_owned(),
    );
    ns.spawn(
        "p0fmod",
        P0FMOD,
        &[
            "-i",
            "lo",
            "-u",
            &user,
            "-o",
            &log_s,
            "--pid-file",
            &pid_s,
            "--quiet",
            "tcp port 8081",
        ],
    );
    wait_for("the PID file", Duration::from_secs(20), || {
        !read(&pid_file).trim().is_empty()
    });
    let pid: u32 = read(&pid_file).trim().parse().unwrap();
    wait_for("the event loop", Duration::from_secs(20), || {
        ns.out("p0fmod").contains("[+] Entered main event loop.")
    });

    // The shipped configurations, pointed at this log, PID file and user.
    let config = |file: &str| {
        let text = read(&repo().join("dist").join(file))
            .replace("/var/log/p0fmod/p0fmod.log", &log_s)
            .replace("/run/p0fmod/p0fmod.pid", &pid_s)
            .replace(
                "create 0600 p0fmod p0fmod",
                &format!("create 0600 {user} {user}"),
            );
        let path = ns.dir.join(file);
        std::fs::write(&path, text).unwrap();
        path
    };
    let by_rename = config("p0fmod.logrotate");
    let by_copy = config("p0fmod-copytruncate.logrotate");
    let count = 400;
    ns.traffic("traffic", "127.0.0.1", count, "0.012");
    std::thread::sleep(Duration::from_millis(400));
    let mut rotations = String::new();
    for (round, conf) in [&by_rename, &by_copy, &by_rename, &by_copy]
        .iter()
        .enumerate()
    {
        // A rotation needs something to rotate (notifempty).
        wait_for("lines in the log", Duration::from_secs(10), || {
            std::fs::metadata(&log).is_ok_and(|m| m.len() > 0)
        });
        let state = ns.dir.join(format!("state{round}"));
        let out = run(Command::new("logrotate").args([
            "-v",
            "-f",
            "-s",
            &state.to_string_lossy(),
            &conf.to_string_lossy(),
        ]));
        rotations.push_str(&String::from_utf8_lossy(&out.stdout));
        rotations.push_str(&String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "logrotate:\n{rotations}");
        std::thread::sleep(Duration::from_millis(400));
    }
    let status = ns.wait("traffic", Duration::from_secs(60));
    assert!(status.success(), "{}", ns.err("traffic"));
    let ports: Vec<String> = ns.out("traffic").lines().map(str::to_string).collect();
    assert_eq!(ports.len(), count as usize);
    let last = format!("mod=syn|cli=127.0.0.1/{}|", ports[ports.len() - 1]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !read(&log).contains(&last) {
        assert!(
            Instant::now() < deadline,
            "the last line is not in the log:\n{}\n{}\n{}\n{:?}",
            ok(Command::new("ls").args(["-laR", &ns.dir.to_string_lossy()])),
            ns.out("p0fmod"),
            ns.err("p0fmod"),
            rotated_logs(&logs)
                .iter()
                .map(|(n, t)| (n.clone(), t.lines().count()))
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(alive(pid), "p0fmod runs on after four rotations");
    signal(pid, "-TERM");
    let status = ns.wait("p0fmod", Duration::from_secs(10));
    let (out, err) = (ns.out("p0fmod"), ns.err("p0fmod"));
    assert!(status.success(), "{status:?}\n{out}\n{err}");
    assert_eq!(
        out.matches(&format!("[+] Log file '{log_s}' reopened."))
            .count(),
        4,
        "{out}\n{err}\n{rotations}"
    );
    assert!(!err.contains("was not reopened"), "{err}");

    let files = rotated_logs(&logs);
    assert!(
        files.len() >= 4,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let mut seen = HashSet::new();
    let mut syn_lines: HashMap<String, usize> = HashMap::new();
    for (name, text) in &files {
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "{name} ends mid-line"
        );
        for line in text.lines() {
            assert!(
                line.starts_with("[20") && line.contains("|subj="),
                "{name}: {line}"
            );
            assert!(seen.insert(line.to_string()), "{name}: duplicated: {line}");
            if let Some(port) = line
                .split("mod=syn|cli=127.0.0.1/")
                .nth(1)
                .and_then(|r| r.split('|').next())
            {
                *syn_lines.entry(port.to_string()).or_default() += 1;
            }
        }
    }
    // (A client port may come back: on loopback, Linux reuses ports in TIME_WAIT.)
    let mut expected: HashMap<String, usize> = HashMap::new();
    for port in &ports {
        *expected.entry(port.clone()).or_default() += 1;
    }
    for (port, n) in &expected {
        assert_eq!(syn_lines.get(port), Some(n), "the SYN from port {port}");
    }
    assert_eq!(syn_lines.len(), expected.len());
    // Every connection gave its SYN, SYN+ACK and two MTU lines (and the loopback host may
    // get a `host change` line of its own).
    let count_mod = |m: &str| {
        let tag = format!("] mod={m}|");
        seen.iter().filter(|l| l.contains(&tag)).count()
    };
    assert_eq!(count_mod("syn+ack"), ports.len());
    assert_eq!(count_mod("mtu"), 2 * ports.len());
    // The live log was created by p0fmod or logrotate for the user, mode 0600.
    let meta = std::fs::metadata(&log).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(!pid_file.exists(), "the PID file is removed at the end");
}

fn metrics_port() -> u16 {
    // A port free now on the host; the namespace has its own ports, all free.
    20_000 + (std::process::id() % 20_000) as u16
}

#[test]
fn statistics_on_sigusr1_metrics_for_prometheus_and_the_json_query() {
    let Some(mut ns) = Ns::new("stats") else {
        return;
    };
    let port = metrics_port();
    let metrics = format!("127.0.0.1:{port}");
    let sock = ns.dir.join("api.sock");
    let log = ns.dir.join("p0fmod.log");
    let pid_file = ns.dir.join("p0fmod.pid");
    let (sock_s, log_s, pid_s) = (
        sock.to_string_lossy().into_owned(),
        log.to_string_lossy().into_owned(),
        pid_file.to_string_lossy().into_owned(),
    );
    let pid = ns.spawn(
        "p0fmod",
        P0FMOD,
        &[
            "-i",
            "lo",
            "-s",
            &sock_s,
            "-o",
            &log_s,
            "--metrics",
            &metrics,
            "--pid-file",
            &pid_s,
            "--quiet",
            "tcp port 8081",
        ],
    );
    wait_for("the event loop", Duration::from_secs(20), || {
        ns.out("p0fmod").contains("[+] Entered main event loop.")
    });
    assert_eq!(read(&pid_file), format!("{pid}\n"));
    let count = 12;
    for (name, host) in [("v4", "127.0.0.1"), ("v6", "::1")] {
        ns.traffic(name, host, count, "0.01");
        let status = ns.wait(name, Duration::from_secs(30));
        assert!(status.success(), "{}", ns.err(name));
    }
    wait_for("the log", Duration::from_secs(10), || {
        read(&log).matches("mod=syn|").count() == 2 * count as usize
    });

    // SIGUSR1: the statistics, and the run goes on.
    signal(pid, "-USR1");
    wait_for("the statistics", Duration::from_secs(10), || {
        ns.out("p0fmod").contains("[+] API: ")
    });
    let out = ns.out("p0fmod");
    assert!(out.contains("[+] Statistics after "), "{out}");
    assert!(
        out.contains(&format!(
            " observations: syn {}, syn+ack {}",
            2 * count,
            2 * count
        )),
        "{out}"
    );
    assert!(out.contains("[+] In the tables now: 2 hosts"), "{out}");
    assert!(out.contains(" 0 dropped by the kernel"), "{out}");
    assert!(!out.contains(".-["), "--quiet: no console blocks\n{out}");
    assert!(alive(pid));

    // The JSON query, IPv4 and IPv6 (RFC 5952), beside p0f's binary query.
    let json = |addr: &str| -> serde_json::Value {
        let text = ok(ns.exec(CLIENT).args(["--json", &sock_s, addr]));
        serde_json::from_str(&text).unwrap()
    };
    for (asked, named) in [("127.0.0.1", "127.0.0.1"), ("0:0:0:0:0:0:0:1", "::1")] {
        let answer = json(asked);
        assert_eq!(answer["status"], "ok", "{answer}");
        let host = &answer["host"];
        assert_eq!(host["addr"], named);
        // Each connection: a SYN from and a SYN+ACK by the same loopback address.
        assert_eq!(host["observations"]["syn"], count);
        assert_eq!(host["observations"]["syn+ack"], count);
        assert_eq!(host["total_conn"], 2 * count);
        assert_eq!(host["distance"], 0);
        assert_eq!(host["os"]["class"], "unix", "{host}");
        let binary = p0fmod_api::query(&sock, named.parse().unwrap()).unwrap();
        assert_eq!(
            u64::from(binary.total_conn),
            host["total_conn"].as_u64().unwrap()
        );
        assert_eq!(
            binary.os_name.to_string_lossy(),
            host["os"]["name"].as_str().unwrap()
        );
    }

    // --metrics: promtool accepts the text, and a Prometheus server scrapes it.
    // (The loop publishes its counters every 250 ms.)
    let url = format!("http://{metrics}/metrics");
    let want = [
        format!("p0fmod_observations_total{{kind=\"syn\"}} {}", 2 * count),
        "p0fmod_api_json_answers_total 2".to_string(),
        "p0fmod_api_answers_total 2".to_string(),
        "p0fmod_hosts 2".to_string(),
    ];
    let mut text = String::new();
    wait_for("the metrics", Duration::from_secs(10), || {
        text = ok(ns.exec("curl").args(["-sf", &url]));
        want.iter().all(|w| text.lines().any(|l| l == w))
    });
    if have("promtool") {
        let metrics_file = ns.dir.join("metrics.txt");
        std::fs::write(&metrics_file, &text).unwrap();
        let out = run(Command::new("sh").args([
            "-c",
            &format!("promtool check metrics < {}", metrics_file.display()),
        ]));
        assert!(
            out.status.success(),
            "promtool: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        eprintln!("SKIPPED promtool: missing (scripts/setup installs Debian's prometheus)");
    }
    if have("prometheus") {
        let config = ns.dir.join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: p0fmod\n    static_configs:\n      - targets: ['{metrics}']\n"
            ),
        )
        .unwrap();
        let tsdb = ns.dir.join("tsdb");
        let web = format!("127.0.0.1:{}", port + 1);
        ns.spawn(
            "prometheus",
            "prometheus",
            &[
                &format!("--config.file={}", config.display()),
                &format!("--storage.tsdb.path={}", tsdb.display()),
                &format!("--web.listen-address={web}"),
            ],
        );
        let query = format!(
            "http://{web}/api/v1/query?query=p0fmod_observations_total%7Bkind%3D%22syn%22%7D"
        );
        let scraped = Instant::now() + Duration::from_secs(90);
        let last = loop {
            let out = run(ns.exec("curl").args(["-s", &query]));
            let last = String::from_utf8_lossy(&out.stdout).into_owned();
            if last.contains(&format!("\"{}\"]", 2 * count)) {
                break last;
            }
            assert!(
                Instant::now() < scraped,
                "Prometheus did not scrape p0fmod: {last}\n{}",
                ns.err("prometheus")
            );
            std::thread::sleep(Duration::from_millis(500));
        };
        let v: serde_json::Value = serde_json::from_str(&last).unwrap();
        assert_eq!(v["status"], "success");
        assert_eq!(v["data"]["result"][0]["metric"]["job"], "p0fmod");
    } else {
        eprintln!(
            "SKIPPED Prometheus scrape: missing (scripts/setup installs Debian's prometheus)"
        );
    }

    // SIGTERM: the statistics at the end, and the PID file removed.
    signal(pid, "-TERM");
    let status = ns.wait("p0fmod", Duration::from_secs(10));
    assert!(status.success());
    let out = ns.out("p0fmod");
    assert_eq!(out.matches("[+] Statistics after ").count(), 2, "{out}");
    assert!(
        out.trim_end()
            .ends_with(&format!("All done. Processed {} packets.", {
                let n = out.rsplit("All done. Processed ").next().unwrap();
                n.split(' ').next().unwrap().to_string()
            }))
    );
    assert!(!pid_file.exists());
}

/// docs/divergences.md #12: with `-o`, SIGHUP reopens the log where p0f stops; without
/// `-o`, SIGHUP stops both; SIGUSR1 and SIGUSR2, which kill p0f, do not stop p0fmod.
#[test]
fn sighup_reopens_the_log_where_p0f_stops() {
    let Some(mut ns) = Ns::new("hup") else {
        return;
    };
    let log = ns.dir.join("p0fmod.log").to_string_lossy().into_owned();
    let with_log = ns.spawn(
        "with-log",
        P0FMOD,
        &["-i", "lo", "-o", &log, "tcp port 8081"],
    );
    let without = ns.spawn("without", P0FMOD, &["-i", "lo", "tcp port 8081"]);
    for name in ["with-log", "without"] {
        wait_for("the event loop", Duration::from_secs(20), || {
            ns.out(name).contains("[+] Entered main event loop.")
        });
    }
    for sig in ["-USR1", "-USR2", "-HUP"] {
        signal(with_log, sig);
    }
    signal(without, "-USR2");
    signal(without, "-USR1");
    std::thread::sleep(Duration::from_millis(300));
    assert!(alive(with_log) && alive(without));
    assert!(
        ns.out("with-log")
            .contains(&format!("[+] Log file '{log}' reopened."))
    );
    signal(without, "-HUP");
    assert!(ns.wait("without", Duration::from_secs(10)).success());
    assert!(
        ns.err("without")
            .contains("[!] WARNING: User-initiated shutdown.")
    );
    signal(with_log, "-TERM");
    assert!(ns.wait("with-log", Duration::from_secs(10)).success());

    // p0f 3.09b, for comparison: SIGHUP stops it, log or not; SIGUSR1 kills it.
    let p0f_fp = "/etc/p0f/p0f.fp";
    if !Path::new("/usr/sbin/p0f").exists() || !Path::new(p0f_fp).exists() {
        eprintln!("SKIPPED p0f's side: /usr/sbin/p0f is missing (scripts/setup installs it)");
        return;
    }
    let p0f_log = ns.dir.join("p0f.log").to_string_lossy().into_owned();
    let p0f = ns.spawn(
        "p0f",
        "/usr/sbin/p0f",
        &["-f", p0f_fp, "-i", "lo", "-o", &p0f_log, "tcp port 8081"],
    );
    wait_for("p0f's event loop", Duration::from_secs(20), || {
        ns.out("p0f").contains("[+] Entered main event loop.")
    });
    signal(p0f, "-HUP");
    ns.wait("p0f", Duration::from_secs(10));
    assert!(
        ns.err("p0f")
            .contains("[!] WARNING: User-initiated shutdown.")
    );
    let p0f = ns.spawn(
        "p0f-usr1",
        "/usr/sbin/p0f",
        &["-f", p0f_fp, "-i", "lo", "tcp port 8081"],
    );
    wait_for("p0f's event loop", Duration::from_secs(20), || {
        ns.out("p0f-usr1").contains("[+] Entered main event loop.")
    });
    signal(p0f, "-USR1");
    let status = ns.wait("p0f-usr1", Duration::from_secs(10));
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(10), "killed by SIGUSR1");
}
