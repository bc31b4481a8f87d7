//! Side by side with the Debian p0f 3.09b binary (a test oracle only): both run on the same
//! capture files in this test, and their log lines and their console blocks (stdout) must
//! be equal, as multisets, leaving out `reason=date` lines and blocks. Gzip-compressed
//! captures, which p0f cannot read, are decompressed for p0f first, so that p0fmod reading
//! the compressed file directly is checked too.
//!
//! Needs /usr/sbin/p0f (`apt-get install p0f`; scripts/setup installs it) and `setarch`;
//! without them the test says so and passes.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const P0F: &str = "/usr/sbin/p0f";

/// Runs the reference as ../shared/tools/p0f-oracle does: TZ=UTC, no address-space
/// randomisation, a fresh log. Returns what it printed on stdout.
fn run_reference(fp: &Path, capture: &Path, log: &Path, extra: &[&str]) -> String {
    let _ = std::fs::remove_file(log);
    let arch = String::from_utf8(Command::new("uname").arg("-m").output().unwrap().stdout).unwrap();
    Command::new("setarch")
        .env("TZ", "UTC")
        .args([arch.trim(), "-R", P0F, "-f"])
        .arg(fp)
        .arg("-r")
        .arg(capture)
        .arg("-o")
        .arg(log)
        .args(extra)
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .expect("run p0f")
}

/// The console blocks (`.-[ ... ]-` to `` `---- ``) printed on stdout, leaving out the
/// `reason = date` ones and p0fmod's additions (`(tls request)`, `(tls response)`,
/// `(host verdict)`).
fn console_blocks(stdout: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in stdout.lines() {
        if line.starts_with(".-[ ") {
            current = Some(String::new());
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
            if line.starts_with("`----") {
                blocks.extend(current.take().filter(|b| {
                    !b.contains("| reason   = date\n")
                        && !b.contains(" (tls request) ]-\n")
                        && !b.contains(" (host verdict) ]-\n")
                        && !b.contains(" (tls response) ]-\n")
                }));
            }
        }
    }
    blocks
}

#[test]
fn p0fmod_writes_what_the_reference_binary_writes() {
    if !Path::new(P0F).is_file() || Command::new("setarch").arg("--version").output().is_err() {
        eprintln!("skipped: {P0F} or setarch is not installed (apt-get install p0f util-linux)");
        return;
    }
    let fp = stock_fp().expect("stock p0f.fp");
    let mut captures: Vec<PathBuf> = captures_in(&repo().join("tests/data/crafted"));
    captures.extend(captures_in(&repo().join("tests/data/local")));
    if let Some(shared) = shared() {
        captures.extend(captures_in(&shared.join("pcaps")));
    } else {
        eprintln!("note: ../shared is absent: only the captures in tests/data are compared");
    }
    let tmp = scratch("reference");
    let mut failures = Vec::new();
    let (mut total, mut matched) = (0, 0);
    let (mut console_total, mut console_matched) = (0, 0);
    for capture in &captures {
        let name = capture.file_name().unwrap().to_string_lossy().to_string();
        let mut for_p0f = capture.clone();
        if name.ends_with(".gz") {
            let mut data = Vec::new();
            flate2::read::MultiGzDecoder::new(std::fs::File::open(capture).unwrap())
                .read_to_end(&mut data)
                .unwrap();
            for_p0f = tmp.join(name.trim_end_matches(".gz"));
            std::fs::write(&for_p0f, data).unwrap();
        }
        let theirs = tmp.join(format!("{name}.p0f.log"));
        let ours = tmp.join(format!("{name}.p0fmod.log"));
        let their_console = run_reference(&fp, &for_p0f, &theirs, extra_options(&name));
        let our_console = p0fmod_log(&fp, capture, &ours, extra_options(&name)).stdout;
        let their_blocks = console_blocks(&their_console);
        let blocks = compare(
            &their_blocks,
            &console_blocks(&String::from_utf8_lossy(&our_console)),
        );
        console_total += blocks.reference;
        console_matched += blocks.matched;
        if !blocks.missing.is_empty()
            || (!blocks.extra.is_empty()
                && !their_blocks.is_empty()
                && !is_known_better(&name, blocks.extra.len()))
        {
            failures.push(format!(
                "{name}: console blocks differ: {} missing, {} extra, e.g.\n{}",
                blocks.missing.len(),
                blocks.extra.len(),
                blocks.missing.first().or(blocks.extra.first()).unwrap()
            ));
        }
        let reference = log_lines(&theirs);
        let c = compare(&reference, &log_lines(&ours));
        total += c.reference;
        matched += c.matched;
        if !c.missing.is_empty() {
            failures.push(format!(
                "{name}: {} of {} reference lines missing, e.g. {}",
                c.missing.len(),
                c.reference,
                c.missing[0]
            ));
        }
        if !c.extra.is_empty() && !reference.is_empty() && !is_known_better(&name, c.extra.len()) {
            failures.push(format!(
                "{name}: {} extra lines, e.g. {}",
                c.extra.len(),
                c.extra[0]
            ));
        }
    }
    println!(
        "reference binary: {matched}/{total} lines written identically over {} captures",
        captures.len()
    );
    println!("reference binary: {console_matched}/{console_total} console blocks identical");
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Captures where p0fmod decodes frames p0f drops (see tests/parity.rs).
fn is_known_better(name: &str, extra: usize) -> bool {
    matches!(
        (name, extra),
        ("dlt_en10mb_vlan.pcap", 2) | ("zeek__mixed-vlan-mpls.pcap", 6)
    )
}

/// Runs the reference binary with arguments, returning (exit status, stdout + stderr).
fn reference(args: &[&str]) -> (i32, String) {
    let out = Command::new(P0F)
        .env("TZ", "UTC")
        .args(args)
        .output()
        .expect("run p0f");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// Runs p0fmod with arguments, returning (exit status, stdout + stderr).
fn ours(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_p0fmod"))
        .env("TZ", "UTC")
        .args(args)
        .output()
        .expect("run p0fmod");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// The divergences listed in docs/divergences.md, each shown on both programs.
#[test]
fn listed_divergences_show_both_behaviours() {
    if !Path::new(P0F).is_file() {
        eprintln!("skipped: {P0F} is not installed (apt-get install p0f)");
        return;
    }
    let fp = stock_fp().expect("stock p0f.fp");
    let fp = fp.to_string_lossy().into_owned();
    let tmp = scratch("divergences");
    let capture = repo().join("tests/data/local/local-linux-ipv4-http.pcap");
    let capture = capture.to_string_lossy().into_owned();

    // 2: CRLF line ends.
    let crlf = tmp.join("crlf.fp");
    let text = std::fs::read_to_string(&fp).unwrap().replace('\n', "\r\n");
    std::fs::write(&crlf, text).unwrap();
    let crlf = crlf.to_string_lossy().into_owned();
    let (code, out) = reference(&["-f", &crlf, "-r", &capture]);
    assert_eq!(code, 1, "p0f refuses a CRLF database: {out}");
    assert!(
        out.contains("PROGRAM ABORT") && out.contains(" in line "),
        "{out}"
    );
    let (code, out) = ours(&["-f", &crlf, "-r", &capture]);
    assert_eq!(code, 0, "p0fmod accepts it: {out}");
    assert!(out.contains("Loaded 322 signatures"), "{out}");

    // 3: every error listed, not just the first.
    let broken = tmp.join("broken.fp");
    std::fs::write(
        &broken,
        "classes = win\n[tcp:request]\nlabel = s:nope:X:1\nsig = *:64:0:*:*,*::df:0\nbogus line\n",
    )
    .unwrap();
    let broken = broken.to_string_lossy().into_owned();
    let (code, out) = reference(&["-f", &broken, "-r", &capture]);
    assert_eq!(code, 1);
    assert_eq!(
        out.matches("line").count(),
        1,
        "p0f names one problem: {out}"
    );
    let (code, out) = ours(&["-f", &broken, "-r", &capture]);
    assert_eq!(code, 1);
    assert!(
        out.contains(":3:") && out.contains(":5:"),
        "p0fmod names lines 3 and 5: {out}"
    );

    // 4: a repeated -m whose first value is the default.
    let (code, out) = reference(&["-m", "1000,10000", "-m", "5,5", "-r", &capture]);
    assert_eq!(code, 0, "p0f accepts the repeat: {out}");
    let (code, out) = ours(&["-m", "1000,10000", "-m", "5,5", "-r", &capture]);
    assert_eq!(code, 1);
    assert!(out.contains("Multiple -m options not supported."), "{out}");

    // 10: several -r, options after the filter, a file given as a filter.
    let other = repo().join("tests/data/local/local-linux-ipv6-http.pcap");
    let other = other.to_string_lossy().into_owned();
    let (code, out) = reference(&["-r", &capture, "-r", &other]);
    assert_eq!(code, 1);
    assert!(out.contains("Multiple -r options not supported."), "{out}");
    let (code, out) = ours(&["-r", &capture, "-r", &other]);
    assert_eq!(code, 0, "p0fmod reads both: {out}");
    assert!(
        out.contains(&format!("Will read pcap data from file '{other}'")),
        "{out}"
    );
    let log = tmp.join("after-filter.log");
    let log = log.to_string_lossy().into_owned();
    let (code, out) = reference(&["-r", &capture, "tcp", "-o", &log]);
    assert_eq!(code, 1);
    assert!(
        out.contains("Filter rule must be a single parameter (use quotes)."),
        "{out}"
    );
    let (code, out) = ours(&["-r", &capture, "tcp", "-o", &log]);
    assert_eq!(code, 0, "p0fmod reads the option after the filter: {out}");
    let (code, out) = reference(&["-r", &capture, &other]);
    assert_eq!(code, 1);
    assert!(out.contains("Syntax error!"), "{out}");
    let (code, out) = ours(&["-r", &capture, &other]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!("'{other}' is a file, not a filter")),
        "{out}"
    );

    // 5: an MSS that overflows its field.
    let wrap = tmp.join("wrap.fp");
    std::fs::write(
        &wrap,
        "classes = unix\n[tcp:request]\nlabel = s:unix:X:1\nsig = 4:64:0:4294967297:*,*::df:0\n",
    )
    .unwrap();
    let wrap = wrap.to_string_lossy().into_owned();
    let (code, out) = reference(&["-f", &wrap, "-r", &capture]);
    assert_eq!(code, 0, "p0f loads it: {out}");
    assert!(out.contains("Loaded 1 signature"), "{out}");
    let (code, out) = ours(&["-f", &wrap, "-r", &capture]);
    assert_eq!(code, 1, "p0fmod refuses it: {out}");
    assert!(out.contains("Bogus MSS"), "{out}");
    std::fs::remove_dir_all(&tmp).unwrap();
}
