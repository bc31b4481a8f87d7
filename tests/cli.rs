//! The `p0fmod` command as a user meets it: option errors with p0f's messages and exit
//! status, the log file rules, damaged and foreign input, and JSON output that says what
//! p0f's log says.

mod common;

use std::process::Command;

use common::*;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_p0fmod"))
        .env("TZ", "UTC")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sample(name: &str) -> String {
    repo()
        .join("tests/data/local")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn option_conflicts_exit_1_with_p0f_messages() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["-i", "a", "-i", "b"],
            "Multiple -i options not supported (try '-i any').",
        ),
        (&["-m", "0,10"], "Outlandish value specified for -m."),
        (&["-t", "5"], "Outlandish value specified for -t."),
        (&["-S", "101"], "Outlandish value specified for -S."),
        (
            &["-r", "x", "tcp", "port"],
            "Filter rule must be a single parameter (use quotes).",
        ),
        (
            &["-r", "x", "-s", "/tmp/sock"],
            "API mode looks down on ofline captures.",
        ),
        (
            &["-r", "x", "-S", "5"],
            "Option -S makes sense only with -s.",
        ),
        (
            &["-d", "-r", "x"],
            "Daemon mode and offline captures don't mix.",
        ),
        (
            &["-r", "x", "-p"],
            "Dude, how am I supposed to make a file promiscuous?",
        ),
        (
            &["-r", "x", "-i", "eth0"],
            "Options -i and -r are mutually exclusive.",
        ),
    ];
    for (args, message) in cases {
        let (code, _, err) = run(args);
        assert_eq!(code, 1, "{args:?}");
        assert!(
            err.contains(&format!("[-] PROGRAM ABORT : {message}")),
            "{args:?}: {err}"
        );
    }
    let (code, _, err) = run(&["-X"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("invalid option -- 'X'") && err.contains("Usage: p0fmod"),
        "{err}"
    );
}

#[test]
fn log_must_be_a_regular_file_and_is_appended() {
    let (code, _, err) = run(&[
        "-r",
        &sample("local-linux-ipv4-http.pcap"),
        "-o",
        "/dev/null",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("'/dev/null' is not a regular file."), "{err}");

    let dir = scratch("cli-log");
    let log = dir.join("p0f.log");
    let log_s = log.to_string_lossy().into_owned();
    for _ in 0..2 {
        let (code, _, _) = run(&["-r", &sample("local-linux-ipv4-http.pcap"), "-o", &log_s]);
        assert_eq!(code, 0);
    }
    let reference = log_lines(&repo().join("tests/data/local/local-linux-ipv4-http.pcap.log"));
    assert_eq!(
        log_lines(&log).len(),
        2 * reference.len(),
        "the second run appends"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&log).unwrap().permissions().mode() & 0o777,
        0o600 & !umask()
    );
    let link = dir.join("link.log");
    std::os::unix::fs::symlink(&log, &link).unwrap();
    let (code, _, err) = run(&[
        "-r",
        &sample("local-linux-ipv4-http.pcap"),
        "-o",
        &link.to_string_lossy(),
    ]);
    assert_eq!(code, 1, "a symlinked log is refused: {err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn umask() -> u32 {
    let out = Command::new("sh").args(["-c", "umask"]).output().unwrap();
    u32::from_str_radix(String::from_utf8_lossy(&out.stdout).trim(), 8).unwrap_or(0o022)
}

#[test]
fn damaged_and_foreign_input_get_clear_messages() {
    let dir = scratch("cli-damage");
    let full = std::fs::read(sample("local-linux-ipv4-http.pcap")).unwrap();
    let cut = dir.join("cut.pcap");
    std::fs::write(&cut, &full[..full.len() - 10]).unwrap();
    let log = dir.join("cut.log");
    let (code, _, err) = run(&["-r", &cut.to_string_lossy(), "-o", &log.to_string_lossy()]);
    assert_eq!(code, 0, "packets before the damage were read");
    assert!(
        err.contains("Capture damaged") && err.contains("at byte"),
        "{err}"
    );
    assert!(
        !log_lines(&log).is_empty(),
        "everything before the damage is processed"
    );

    let text = dir.join("notes.txt");
    std::fs::write(&text, "hello, not a capture\n").unwrap();
    let (code, _, err) = run(&["-r", &text.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(err.contains("not a pcap or pcapng file"), "{err}");

    let (code, _, err) = run(&["-r", &dir.join("missing.pcap").to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(err.contains("missing.pcap"), "{err}");

    let mut usb = full[..24].to_vec();
    usb[20..24].copy_from_slice(&189u32.to_le_bytes());
    usb.extend_from_slice(&full[24..]);
    let usb_file = dir.join("usb.pcap");
    std::fs::write(&usb_file, &usb).unwrap();
    let (code, _, err) = run(&["-r", &usb_file.to_string_lossy()]);
    assert_eq!(code, 0);
    assert_eq!(
        err.matches("Unsupported link type 189").count(),
        1,
        "one warning naming it: {err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_filter_and_good_filter() {
    let (code, _, err) = run(&["-r", &sample("local-linux-ipv4-http.pcap"), "port eighty"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Syntax error! See 'man tcpdump' for help on filters."),
        "{err}"
    );
    let dir = scratch("cli-filter");
    let log = dir.join("f.log");
    let (code, _, _) = run(&[
        "-r",
        &sample("local-linux-sequential-http.pcap"),
        "-o",
        &log.to_string_lossy(),
        "ip6",
    ]);
    assert_eq!(code, 0);
    let lines = log_lines(&log);
    assert!(
        !lines.is_empty() && lines.iter().all(|l| l.contains("|cli=fd")),
        "only IPv6 flows remain"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_says_what_the_p0f_log_says() {
    let Some(fp) = stock_fp() else {
        panic!("the stock p0f.fp is needed (../shared/reference/p0f.fp or /etc/p0f/p0f.fp)");
    };
    let capture = sample("local-linux-sequential-http.pcap");
    let (code, out, _) = run(&["-f", &fp.to_string_lossy(), "-r", &capture, "--json"]);
    assert_eq!(code, 0);
    let reference =
        log_lines(&repo().join("tests/data/local/local-linux-sequential-http.pcap.log"));
    let objects: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), reference.len());
    for (obj, line) in objects.iter().zip(&reference) {
        let field = |k: &str| {
            line.split('|')
                .find_map(|f| f.strip_prefix(&format!("{k}=")))
                .unwrap_or("")
        };
        let module = line
            .split("mod=")
            .nth(1)
            .and_then(|r| r.split('|').next())
            .unwrap();
        assert_eq!(obj["mod"], module, "{line}");
        // The same address; JSON writes IPv6 in RFC 5952 text, p0f every group.
        let (ip, port) = field("cli").rsplit_once('/').unwrap();
        let ip: std::net::IpAddr = ip.parse().unwrap();
        assert_eq!(obj["cli_ip"].as_str().unwrap(), ip.to_string(), "{line}");
        assert_eq!(obj["cli_port"].to_string(), port, "{line}");
        if let Some(raw) = obj.get("raw_sig") {
            assert_eq!(raw.as_str().unwrap(), field("raw_sig"), "{line}");
        }
        if let Some(link) = obj.get("link") {
            assert_eq!(link.as_str().unwrap_or("???"), field("link"));
        }
    }
}

/// `p0fmod ... | head`: the reader has gone. Status lines are dropped, the console output
/// fails with a clear message and exit status 1; never a panic (p0f dies of SIGPIPE,
/// silently). Help text to a closed pipe is simply lost.
#[test]
fn a_closed_stdout_pipe_is_an_error_not_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let spawn_program = |program: &str, args: &[&str]| {
        // The reading end is closed before the program starts, so that its first write
        // fails whatever the timing (closing it after the spawn let a fast program fill the
        // pipe's buffer first and exit 0).
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut child = Command::new(program)
            .env("TZ", "UTC")
            .args(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (child.wait().unwrap(), stderr)
    };
    let spawn = |args: &[&str]| {
        let (status, stderr) = spawn_program(env!("CARGO_BIN_EXE_p0fmod"), args);
        (status.code(), stderr)
    };
    let capture = sample("local-linux-sequential-http.pcap");
    let (code, stderr) = spawn(&["-r", &capture]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("[-] PROGRAM ABORT : write error: Broken pipe"),
        "{stderr}"
    );
    // p0f 3.09b, when installed, is killed by SIGPIPE instead (docs/divergences.md #9).
    if std::path::Path::new("/usr/sbin/p0f").is_file() {
        use std::os::unix::process::ExitStatusExt;
        let (status, stderr) = spawn_program("/usr/sbin/p0f", &["-r", &capture]);
        assert_eq!(status.signal(), Some(13), "{status:?} {stderr}");
    }
    for args in [&["-h"][..], &["--version"], &["--print-db"]] {
        let (code, stderr) = spawn(args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn json_writes_ipv6_in_rfc_5952_text() {
    let capture = sample("local-linux-ipv6-http.pcap");
    let (code, out, _) = run(&["-r", &capture, "--json"]);
    assert_eq!(code, 0);
    let reference = log_lines(&repo().join("tests/data/local/local-linux-ipv6-http.pcap.log"));
    let mut seen = 0;
    for (l, line) in out.lines().zip(&reference) {
        let obj: serde_json::Value = serde_json::from_str(l).unwrap();
        // p0f writes every group ("fd00:77:0:0:0:0:0:2"); RFC 5952 compresses the longest
        // run of zero groups ("fd00:77::2").
        let p0f_text = line
            .split('|')
            .find_map(|f| f.strip_prefix("cli="))
            .and_then(|c| c.rsplit_once('/'))
            .unwrap()
            .0;
        let compressed = p0f_text.replace(":0:0:0:0:0:", "::");
        assert_ne!(compressed, p0f_text, "{line}");
        assert_eq!(obj["cli_ip"], compressed, "{line}");
        seen += 1;
    }
    assert!(seen > 0);
}

#[test]
fn tls_lines_are_written_unless_no_tls_is_given() {
    let capture = repo()
        .join("tests/data/tls/local/local-tls-curl-7.88.1-v4-sni.pcap")
        .to_string_lossy()
        .into_owned();
    let dir = scratch("cli-tls");
    let log = dir.join("tls.log");
    let log_s = log.to_string_lossy().into_owned();
    let read = |path: &std::path::Path| std::fs::read_to_string(path).unwrap_or_default();
    let (code, out, _) = run(&["-r", &capture, "-o", &log_s]);
    assert_eq!(code, 0);
    let text = read(&log);
    assert_eq!(text.matches("mod=tls request|").count(), 1, "{text}");
    assert_eq!(text.matches("mod=tls response|").count(), 1, "{text}");
    assert!(
        text.contains("|ja4=t13d3112h2_e8f1e7e78f70_b26ce05bbdd6|"),
        "{text}"
    );
    assert!(out.contains(" (tls request) ]-"), "{out}");
    std::fs::remove_file(&log).unwrap();
    let (code, out, _) = run(&["-r", &capture, "-o", &log_s, "--no-tls"]);
    assert_eq!(code, 0);
    let text = read(&log);
    assert!(
        !text.contains("mod=tls") && !out.contains("(tls "),
        "{text}"
    );
    assert!(text.contains("mod=syn|"), "{text}");
    let (code, _, err) = run(&["-r", &capture, "--no-tls", "--no-tls"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Multiple --no-tls options not supported."),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn quiet_stops_the_console_output_only() {
    let dir = scratch("cli-quiet");
    let log = dir.join("p0fmod.log");
    let capture = sample("local-linux-ipv4-http.pcap");
    let (code, out, _) = run(&["-r", &capture, "-o", &log.to_string_lossy(), "--quiet"]);
    assert_eq!(code, 0);
    assert!(!out.contains(".-["), "no console blocks:\n{out}");
    assert!(
        out.contains("[+] Processing capture data."),
        "status lines stay:\n{out}"
    );
    assert!(!log_lines(&log).is_empty(), "the log is written");
    let (code, out, _) = run(&["-r", &capture, "--json", "--quiet"]);
    assert_eq!(code, 0);
    assert!(!out.contains("\"mod\""), "no JSON lines on stdout:\n{out}");
    // --pid-file and --metrics are for live capture.
    let (code, _, err) = run(&["-r", &capture, "--metrics", "127.0.0.1:0"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Options --pid-file and --metrics are for live capture, not -r."),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--print-db` prints the embedded database with its TLS sections, as text that loads
/// back (`-f`) and prints the same again.
#[test]
fn print_db_round_trips_with_the_tls_sections() {
    let (status, printed, stderr) = run(&["--print-db"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(printed.contains("\n[tls:request]\n"), "{printed}");
    assert!(printed.contains("\n[tls:response]\n"));
    assert!(printed.contains("label = s:!:Chrome:or Chromium\nsys = Windows,@unix\nsig = t:13:"));
    let dir = scratch("print-db");
    std::fs::create_dir_all(&dir).unwrap();
    let fp = dir.join("printed.fp");
    std::fs::write(&fp, &printed).unwrap();
    let (status, again, stderr) = run(&["-f", fp.to_str().unwrap(), "--print-db"]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(again, printed);
    let embedded = p0fmod::Database::embedded();
    let loaded = p0fmod::Database::parse(&printed, "printed").expect("the printed database loads");
    assert_eq!(loaded.signature_count, embedded.signature_count);
    assert_eq!(loaded.tls_request.len(), embedded.tls_request.len());
    assert_eq!(loaded.tls_response.len(), embedded.tls_response.len());
    assert_eq!(loaded.to_fp_text(), printed);
}
