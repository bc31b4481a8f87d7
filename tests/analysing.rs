//! Analysing captures (README "Analysing captures"): several inputs in one run (repeated
//! `-r`, a directory, standard input) read into one host table, the messages for a file
//! taken for a filter and for options after the filter, the end-of-run statistics and the
//! eviction warning, and the progress display.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;

/// Exit status, stdout and stderr of `p0fmod args...` (TZ=UTC), with `stdin` on its input.
fn run_with(args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_p0fmod"))
        .env("TZ", "UTC")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_with(args, None)
}

fn local(name: &str) -> PathBuf {
    repo().join("tests/data/local").join(name)
}

fn s(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn fp() -> String {
    s(&stock_fp()
        .expect("the stock p0f.fp is needed (../shared/reference/p0f.fp or /etc/p0f/p0f.fp)"))
}

/// A classic little-endian pcap cut after its `n`th packet: (head, tail), each a pcap.
fn split_pcap(bytes: &[u8], n: usize) -> (Vec<u8>, Vec<u8>) {
    assert_eq!(
        &bytes[..4],
        &[0xd4, 0xc3, 0xb2, 0xa1],
        "a little-endian pcap"
    );
    let mut at = 24;
    for _ in 0..n {
        let len = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        at += 16 + len;
    }
    let mut tail = bytes[..24].to_vec();
    tail.extend_from_slice(&bytes[at..]);
    (bytes[..at].to_vec(), tail)
}

fn packets_in(bytes: &[u8]) -> usize {
    let (mut at, mut n) = (24, 0);
    while at + 16 <= bytes.len() {
        at += 16 + u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        n += 1;
    }
    n
}

#[test]
fn captures_read_in_order_share_one_host_table() {
    let fp = fp();
    let dir = scratch("analysing-split");
    let name = "local-linux-veth-uptime-hostchange.pcap";
    let whole = std::fs::read(local(name)).unwrap();
    let half = packets_in(&whole) / 2;
    let (head, tail) = split_pcap(&whole, half);
    let (a, b) = (dir.join("part1.pcap"), dir.join("part2.pcap"));
    std::fs::write(&a, &head).unwrap();
    std::fs::write(&b, &tail).unwrap();
    let reference = log_lines(&local(&format!("{name}.log")));
    assert!(reference.iter().any(|l| l.contains("mod=uptime")));

    // Two -r: p0f's log of the whole capture, line for line (uptime and host-change
    // verdicts in the second part need what the first part taught the host table).
    let log = dir.join("two.log");
    let (code, stdout, _) = run(&["-f", &fp, "-r", &s(&a), "-r", &s(&b), "-o", &s(&log)]);
    assert_eq!(code, 0);
    assert_eq!(log_lines(&log), reference);
    assert!(
        stdout.contains(&format!("[+] Will read pcap data from file '{}'.", s(&b))),
        "{stdout}"
    );
    // The second part alone says less: the table really carried over.
    let alone = dir.join("alone.log");
    run(&["-f", &fp, "-r", &s(&b), "-o", &s(&alone)]);
    assert_ne!(
        log_lines(&alone),
        reference[reference.len() - log_lines(&alone).len()..]
    );

    // A directory: its captures in name order (other files skipped with a warning).
    std::fs::write(dir.join("README.txt"), "notes").unwrap();
    let from_dir = dir.join("dir.log");
    let (code, _, stderr) = run(&["-f", &fp, "-r", &s(&dir), "-o", &s(&from_dir)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(log_lines(&from_dir), reference);
    assert!(
        stderr.contains(&format!(
            "[!] WARNING: Skipped '{}': not a capture file.",
            s(&dir.join("README.txt"))
        )),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_records_name_their_source_and_subject() {
    let (a, b) = (
        local("local-linux-ipv4-http.pcap"),
        local("local-linux-ipv6-http.pcap"),
    );
    let (code, stdout, _) = run(&["-r", &s(&a), "-r", &s(&b), "--json"]);
    assert_eq!(code, 0);
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sources: Vec<&str> = records
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    let first_b = sources.iter().position(|x| *x == s(&b)).unwrap();
    assert!(first_b > 0 && sources[..first_b].iter().all(|x| *x == s(&a)));
    assert!(sources[first_b..].iter().all(|x| *x == s(&b)));
    for r in &records {
        let subject = if r["subj"] == "cli" {
            "cli_ip"
        } else {
            "srv_ip"
        };
        let p0f_text = r[subject].as_str().unwrap();
        let addr: std::net::IpAddr = r["subj_ip"].as_str().unwrap().parse().unwrap();
        // The subject's address in RFC 5952 text; cli_ip / srv_ip keep p0f's notation.
        assert_eq!(addr.to_string(), r["subj_ip"].as_str().unwrap());
        let groups = |text: &str| -> Vec<u16> {
            match text.parse::<std::net::IpAddr>().unwrap() {
                std::net::IpAddr::V6(v6) => v6.segments().to_vec(),
                std::net::IpAddr::V4(v4) => v4.octets().iter().map(|&o| u16::from(o)).collect(),
            }
        };
        assert_eq!(groups(p0f_text), groups(&addr.to_string()));
    }
    // One capture: no `source` (the record is the JSON output's as before).
    let (_, stdout, _) = run(&["-r", &s(&a), "--json"]);
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert!(first.get("source").is_none() && first.get("subj_ip").is_some());
}

#[test]
fn standard_input_is_read_with_dash() {
    let fp = fp();
    let dir = scratch("analysing-stdin");
    let name = "local-linux-sequential-http.pcap";
    let log = dir.join("stdin.log");
    let bytes = std::fs::read(local(name)).unwrap();
    let (code, stdout, stderr) = run_with(&["-f", &fp, "-r", "-", "-o", &s(&log)], Some(&bytes));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("[+] Will read pcap data from file '-'."));
    assert_eq!(log_lines(&log), log_lines(&local(&format!("{name}.log"))));
    // gzip on standard input too.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).unwrap();
    let gz_log = dir.join("gz.log");
    let (code, _, _) = run_with(
        &["-f", &fp, "-r", "-", "-o", &s(&gz_log)],
        Some(&gz.finish().unwrap()),
    );
    assert_eq!(code, 0);
    assert_eq!(log_lines(&gz_log), log_lines(&log));
    // A named pipe given with -r is opened once, when it is read.
    let fifo = dir.join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let writer = {
        let (fifo, bytes) = (fifo.clone(), bytes.clone());
        std::thread::spawn(move || std::fs::write(fifo, bytes))
    };
    let fifo_log = dir.join("fifo.log");
    let (code, _, stderr) = run(&["-f", &fp, "-r", &s(&fifo), "-o", &s(&fifo_log)]);
    assert_eq!(code, 0, "{stderr}");
    writer.join().unwrap().unwrap();
    assert_eq!(log_lines(&fifo_log), log_lines(&log));
    // Not a capture, and twice.
    let (code, _, stderr) = run_with(&["-r", "-"], Some(b"hello"));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("-: ") && stderr.contains("not a pcap or pcapng file"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["-r", "-", "-r", "-"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("[-] PROGRAM ABORT : Standard input (-r -) can be read only once."),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn files_taken_for_filters_and_options_after_the_filter() {
    let (a, b) = (
        s(&local("local-linux-ipv4-http.pcap")),
        s(&local("local-linux-ipv6-http.pcap")),
    );
    let message = format!(
        "[-] PROGRAM ABORT : '{b}' is a file, not a filter: give each capture with its own -r \
         (-r FILE -r FILE ...), or a directory (-r DIR)."
    );
    // One word: the filter libpcap refuses is a file.
    let (code, _, stderr) = run(&["-r", &a, &b]);
    assert_eq!(code, 1);
    assert!(stderr.contains(&message), "{stderr}");
    assert!(!stderr.contains("Syntax error"), "{stderr}");
    // Several words, one of them a file.
    let (code, _, stderr) = run(&["-r", &a, &b, "port", "80"]);
    assert_eq!(code, 1);
    assert!(stderr.contains(&message), "{stderr}");
    // Several words, none a file: p0f's message.
    let (code, _, stderr) = run(&["-r", &a, "tcp", "port"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("[-] PROGRAM ABORT : Filter rule must be a single parameter (use quotes)."),
        "{stderr}"
    );
    // A quoted filter, then an option: accepted (p0f refuses it with the message above).
    let dir = scratch("analysing-after");
    let log = dir.join("after.log");
    let (code, stdout, stderr) = run(&["-r", &a, "ip6 or tcp", "-o", &s(&log)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("[+] Custom filtering rule enabled: ip6 or tcp"));
    assert!(!log_lines(&log).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The summary lines on stderr: (frames, packets, observations, per-kind text, hosts seen,
/// hosts evicted).
fn summary(stderr: &str) -> (u64, u64, u64, String, u64, u64) {
    let line = |prefix: &str| {
        stderr
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no '{prefix}' line in {stderr}"))
            .to_string()
    };
    let numbers = |text: &str| -> Vec<u64> {
        text.split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .map(|w| w.parse().unwrap())
            .collect()
    };
    let read = numbers(&line("[+] Read "));
    let obs_line = stderr
        .lines()
        .find(|l| l.starts_with("[+] ") && l.contains(" observations"))
        .unwrap_or_else(|| panic!("no observations line in {stderr}"))
        .to_string();
    let hosts = numbers(&line("[+] Hosts: "));
    (
        read[0],
        read[3],
        numbers(&obs_line)[0],
        obs_line,
        hosts[0],
        hosts[1],
    )
}

#[test]
fn every_run_ends_with_statistics_on_stderr() {
    let fp = fp();
    let name = "local-linux-sequential-http.pcap";
    let capture = s(&local(name));
    let (code, stdout, stderr) = run(&["-f", &fp, "-r", &capture]);
    assert_eq!(code, 0);
    let reference = log_lines(&local(&format!("{name}.log")));
    let (frames, packets, observations, per_kind, hosts, evicted) = summary(&stderr);
    assert!(frames >= packets && packets > 0);
    assert_eq!(observations, reference.len() as u64);
    for kind in ["syn", "syn+ack", "mtu", "http request", "http response"] {
        let n = reference.iter().filter(|l| module(l) == kind).count();
        assert!(
            per_kind.contains(&format!("{kind} {n}")),
            "{kind} {n}: {per_kind}"
        );
    }
    let addresses: std::collections::BTreeSet<String> = reference
        .iter()
        .flat_map(|l| {
            ["cli=", "srv="].map(|k| {
                let v = l.split(k).nth(1).unwrap().split('|').next().unwrap();
                v.rsplit_once('/').unwrap().0.to_string()
            })
        })
        .collect();
    assert_eq!(hosts, addresses.len() as u64);
    assert_eq!(evicted, 0);
    assert!(!stderr.contains("WARNING"), "{stderr}");
    // stdout is p0f's: the statistics are not there, and it ends with p0f's last line.
    assert!(!stdout.contains("[+] Read ") && !stdout.contains("observations"));
    assert!(
        stdout
            .trim_end()
            .ends_with(&format!("All done. Processed {packets} packets."))
    );
}

#[test]
fn evicted_hosts_are_reported_with_the_limit_that_keeps_them() {
    let capture = s(&repo().join("tests/data/crafted/many_hosts.pcap"));
    let dir = scratch("analysing-evict");
    let small = dir.join("small.log");
    let (code, _, stderr) = run(&["-r", &capture, "-m", "100,20", "-o", &s(&small)]);
    assert_eq!(code, 0);
    let (_, _, _, _, seen, evicted) = summary(&stderr);
    assert!(evicted > 0, "{stderr}");
    let warning = stderr
        .lines()
        .find(|l| l.starts_with("[!] WARNING: "))
        .unwrap_or_else(|| panic!("no warning: {stderr}"));
    assert!(
        warning.starts_with(&format!(
            "[!] WARNING: {evicted} hosts were evicted to stay within -m 100,20: "
        )),
        "{warning}"
    );
    let suggested = warning
        .split(" -m ")
        .last()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    assert!(warning.ends_with(&format!("-m {suggested} would have kept them.")));
    // The suggested limits keep every host: no warning, nothing evicted, and the log is
    // the one of limits that are never reached.
    let kept = dir.join("kept.log");
    let (_, _, stderr) = run(&["-r", &capture, "-m", suggested, "-o", &s(&kept)]);
    let (_, _, _, _, seen_kept, evicted_kept) = summary(&stderr);
    assert_eq!(evicted_kept, 0, "{stderr}");
    assert!(!stderr.contains("WARNING"), "{stderr}");
    assert!(seen_kept <= seen);
    let unbounded = dir.join("unbounded.log");
    run(&["-r", &capture, "-m", "100000,500000", "-o", &s(&unbounded)]);
    assert_eq!(log_lines(&kept), log_lines(&unbounded));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// On a terminal (standard error a pty, standard output elsewhere) a progress line is
/// drawn; with standard error not a terminal, nothing is.
#[test]
fn progress_is_drawn_on_a_terminal_only() {
    let capture = s(&local("local-linux-sequential-http.pcap"));
    let mut args: Vec<&str> = Vec::new();
    for _ in 0..100 {
        args.extend(["-r", &capture]);
    }
    let (code, _, stderr) = run(&args);
    assert_eq!(code, 0);
    assert!(
        !stderr.contains('\r') && !stderr.contains("\u{1b}["),
        "{stderr}"
    );
    assert!(!stderr.contains("observations, capture"), "{stderr}");

    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped the terminal half: no `script` (util-linux)");
        return;
    }
    let command = format!(
        "{} {} > /dev/null",
        env!("CARGO_BIN_EXE_p0fmod"),
        args.join(" ")
    );
    let out = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("P0FMOD_PROGRESS_AFTER_MS", "0")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(screen.contains("observations, capture "), "{screen}");
    assert!(screen.contains("/100"), "{screen}");
    // The statistics come after the display was cleared.
    assert!(screen.contains("[+] Read "), "{screen}");
}

/// The subject's address of a p0f log line (`subj=cli` → the `cli=` address).
fn subject_of(line: &str) -> String {
    let field = |k: &str| {
        line.split('|')
            .find_map(|f| f.strip_prefix(k))
            .unwrap()
            .to_string()
    };
    let end = if field("subj=") == "cli" {
        "cli="
    } else {
        "srv="
    };
    let text = field(end);
    let addr = text.rsplit_once('/').unwrap().0;
    // p0f writes IPv6 without `::`; compare in RFC 5952 text.
    addr.parse::<std::net::IpAddr>().unwrap().to_string()
}

#[test]
fn host_summary_rows_match_the_host_table_and_p0f_log() {
    use p0fmod_session::p0fmod::Config;
    use p0fmod_session::{Session, Started};
    let fp = fp();
    let dir = scratch("analysing-hosts");
    let name = "local-linux-veth-uptime-hostchange.pcap";
    let whole = std::fs::read(local(name)).unwrap();
    let (head, tail) = split_pcap(&whole, packets_in(&whole) / 2);
    let (a, b) = (dir.join("part1.pcap"), dir.join("part2.pcap"));
    std::fs::write(&a, &head).unwrap();
    std::fs::write(&b, &tail).unwrap();
    let args = ["-f", &fp, "-r", &s(&a), "-r", &s(&b), "--hosts"];

    // JSON lines: the library's host table, in address order.
    let (code, stdout, stderr) = run(&[&args[..], &["--json"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("All done."),
        "status lines go to stderr: {stderr}"
    );
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut config = Config::new();
    config.set_fp_file(&fp).unwrap();
    config.add_read_file(&a);
    config.add_read_file(&b);
    let Ok(Started::Running(mut session)) = Session::start(&config, false, &mut |_| {}) else {
        panic!("session")
    };
    session
        .run(&Default::default(), &mut |_| {}, &mut |_| {})
        .unwrap();
    let mut table = session.hosts();
    table.sort_by_key(|h| (h.addr.is_ipv6(), h.addr));
    let expected: Vec<serde_json::Value> = table
        .iter()
        .map(|h| serde_json::to_value(h).unwrap())
        .collect();
    assert_eq!(rows, expected);

    // The text table: one row per host, checked against p0f's log of the capture: the
    // observations about each host, and its last OS.
    let (code, stdout, _) = run(&args);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("address "), "{stdout}");
    assert_eq!(lines.len(), rows.len() + 1, "{stdout}");
    let reference = log_lines(&local(&format!("{name}.log")));
    let columns = |line: &str| -> Vec<String> {
        line.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    let title = columns(lines[0]);
    let col = |name: &str| title.iter().position(|t| t == name).unwrap();
    for (line, row) in lines[1..].iter().zip(&rows) {
        let cells = columns(line);
        assert_eq!(cells.len(), title.len(), "{line}");
        let addr = &cells[col("address")];
        assert_eq!(row["addr"].as_str().unwrap(), addr);
        let about: Vec<&String> = reference
            .iter()
            .filter(|l| subject_of(l) == *addr)
            .collect();
        // p0f's lines about the host, plus p0fmod's additions (TLS hellos, verdicts).
        let additions: u64 = ["tls request", "tls response", "host verdict"]
            .iter()
            .filter_map(|k| row["observations"][k].as_u64())
            .sum();
        assert_eq!(
            cells[col("observations")],
            (about.len() as u64 + additions).to_string(),
            "{addr}: {line}"
        );
        let last_os = about
            .iter()
            .filter_map(|l| l.split('|').find_map(|f| f.strip_prefix("os=")))
            .rfind(|os| *os != "???")
            .unwrap_or("-");
        assert_eq!(cells[col("os")], last_os, "{addr}: {line}");
        let changes = about
            .iter()
            .filter(|l| l.contains("mod=host change|"))
            .count();
        let shown = if changes == 0 {
            "-".to_string()
        } else {
            changes.to_string()
        };
        assert_eq!(cells[col("host change")], shown, "{addr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--report`: a self-contained page that a real browser (Debian's chromium, headless)
/// renders with every host of the host table and no script error.
#[test]
fn report_renders_in_a_real_browser() {
    let dir = scratch("analysing-report");
    let report = dir.join("report.html");
    // In time order; the host idle limit (-t) keeps the first capture's hosts through the
    // days between the two.
    let (a, c) = (
        s(&local("local-linux-veth-uptime-hostchange.pcap")),
        s(&repo().join("tests/data/tls/local/local-tls-curl-7.88.1-v4-sni-srv-caddy.pcap")),
    );
    let inputs = ["-t", "30,100000", "-r", &a, "-r", &c];
    let (code, stdout, stderr) = run(&[&inputs[..], &["--report", &s(&report)]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(&format!("[+] Report written to '{}'.", s(&report))));
    assert!(
        stdout.trim_end().ends_with("packets."),
        "stdout ends with p0f's line"
    );
    let page = std::fs::read_to_string(&report).unwrap();
    // Self-contained: no external script, style, image or link.
    for needle in ["<link", " src=", "@import", "url(", "https://"] {
        assert!(!page.contains(needle), "{needle} in the page");
    }
    let (_, hosts_json, _) = run(&[&inputs[..], &["--hosts", "--json"]].concat());
    let (_, observations, _) = run(&["-r", &c, "--json"]);
    let ja4: Vec<String> = observations
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.get("ja4").and_then(|j| j.as_str()).map(str::to_string)
        })
        .collect();
    let addrs: Vec<String> = hosts_json
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["addr"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(addrs.len() >= 3);

    let Some(chromium) = ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        eprintln!(
            "skipped the browser half: no chromium (scripts/setup installs Debian's package)"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        return;
    };
    let profile = dir.join("profile");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", s(&profile)),
            "--dump-dom",
            &format!("file://{}", s(&report)),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dom.contains("data-status=\"rendered\""),
        "the script did not finish: {dom}"
    );
    assert!(
        dom.contains("<pre id=\"errors\"></pre>"),
        "a script error: {dom}"
    );
    // The host table, built by the script: one row per host.
    let table = dom
        .split("<table id=\"hosts\">")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert_eq!(table.matches("<tr>").count(), addrs.len() + 1, "{table}");
    for addr in &addrs {
        assert!(
            table.contains(&format!("<td class=\"\">{addr}</td>")),
            "{addr}: {table}"
        );
    }
    // The OS mix, the events and the timeline are drawn.
    assert!(dom.contains("title=\"Linux 4.19 and newer\""), "OS mix");
    let events = dom
        .split("<table id=\"events\">")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    let (_, all, _) = run(&[&inputs[..], &["--json"]].concat());
    let nat = all
        .lines()
        .filter(|l| l.contains("\"mod\":\"host change\"") || l.contains("\"mod\":\"ip sharing\""))
        .count();
    assert!(nat > 0);
    assert_eq!(events.matches("<tr>").count(), nat + 1, "{events}");
    assert!(events.contains("host change"), "{events}");
    assert!(dom.contains("<svg") && dom.contains("<rect"), "timeline");
    // The TLS hellos of the TLS capture: the client's by JA4, with its server name.
    let tls = dom
        .split("<table id=\"tls\">")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert!(
        tls.contains("<td class=\"\">client</td>") && tls.contains("<td class=\"\">server</td>"),
        "{tls}"
    );
    assert!(!ja4.is_empty(), "the JSON observations carry JA4");
    for fingerprint in &ja4 {
        assert!(tls.contains(fingerprint.as_str()), "{fingerprint}: {tls}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_paths_that_cannot_be_written_stop_the_run_first() {
    let capture = s(&local("local-linux-ipv4-http.pcap"));
    let (code, stdout, stderr) = run(&["-r", &capture, "--report", "/nonexistent/dir/r.html"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("[-] PROGRAM ABORT : Cannot write report '/nonexistent/dir/r.html': "),
        "{stderr}"
    );
    assert!(!stdout.contains(".-["), "nothing was read: {stdout}");
    // A run that cannot start leaves no empty report behind.
    let dir = scratch("analysing-report-fail");
    let report = dir.join("r.html");
    let (code, _, _) = run(&["-r", &s(&dir.join("missing.pcap")), "--report", &s(&report)]);
    assert_eq!(code, 1);
    assert!(!report.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
