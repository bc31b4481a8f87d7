//! Side by side with the Debian p0f 3.09b binary (a test oracle only): both run on the same
//! capture files in this test, and their log lines must be equal, as multisets, leaving out
//! `reason=date` lines. Gzip-compressed captures, which p0f cannot read, are decompressed
//! for p0f first, so that p0fmod reading the compressed file directly is checked too.
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
/// randomisation, a fresh log.
fn run_reference(fp: &Path, capture: &Path, log: &Path, extra: &[&str]) {
    let _ = std::fs::remove_file(log);
    let arch = String::from_utf8(Command::new("uname").arg("-m").output().unwrap().stdout).unwrap();
    let status = Command::new("setarch")
        .env("TZ", "UTC")
        .args([arch.trim(), "-R", P0F, "-f"])
        .arg(fp)
        .arg("-r")
        .arg(capture)
        .arg("-o")
        .arg(log)
        .args(extra)
        .output()
        .expect("run p0f");
    let _ = status;
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
        run_reference(&fp, &for_p0f, &theirs, extra_options(&name));
        p0fmod_log(&fp, capture, &ours, extra_options(&name));
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
