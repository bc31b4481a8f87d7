//! Helpers shared by the integration tests: where the data lives, running p0fmod, and
//! comparing p0f-format logs as multisets.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod process;

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// ../shared (or $P0FMOD_SHARED) when present.
pub fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("P0FMOD_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    dir.join("oracle").is_dir().then_some(dir)
}

/// The stock p0f.fp: ../shared/reference/p0f.fp or Debian's /etc/p0f/p0f.fp.
pub fn stock_fp() -> Option<PathBuf> {
    shared()
        .map(|s| s.join("reference/p0f.fp"))
        .into_iter()
        .chain([PathBuf::from("/etc/p0f/p0f.fp")])
        .find(|p| p.is_file())
}

/// Capture files in a folder, sorted.
pub fn captures_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.contains(".pcap") && !n.ends_with(".log")
            })
        })
        .collect();
    out.sort();
    out
}

/// Extra options a capture is run with (the oracle ran many_hosts with `-m 100,20`).
pub fn extra_options(name: &str) -> &'static [&'static str] {
    if name == "many_hosts.pcap" {
        &["-m", "100,20"]
    } else {
        &[]
    }
}

/// Runs `p0fmod -f FP -r CAPTURE -o LOG [extra]` with TZ=UTC on a fresh log.
pub fn p0fmod_log(fp: &Path, capture: &Path, log: &Path, extra: &[&str]) -> Output {
    let _ = std::fs::remove_file(log);
    Command::new(env!("CARGO_BIN_EXE_p0fmod"))
        .env("TZ", "UTC")
        .arg("-f")
        .arg(fp)
        .arg("-r")
        .arg(capture)
        .arg("-o")
        .arg(log)
        .args(extra)
        .output()
        .expect("run p0fmod")
}

/// Log lines of a file, leaving out `reason=date` (p0f's date check reads uninitialised
/// memory) and p0fmod's additions (`mod=tls request`, `mod=tls response`, `mod=host
/// verdict`: lines that p0f does not write; every other line must be p0f's).
pub fn log_lines(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| !l.contains("reason=date") && !is_addition(l))
        .map(str::to_string)
        .collect()
}

/// Whether a log line is one of p0fmod's additions (TLS hellos, cross-layer verdicts).
pub fn is_addition(line: &str) -> bool {
    p0fmod::Kind::ALL
        .iter()
        .filter(|k| !k.is_p0f())
        .any(|k| line.contains(&format!("] mod={}|", k.keyword())))
}

/// The `mod=` of a log line.
pub fn module(line: &str) -> String {
    line.split("mod=")
        .nth(1)
        .and_then(|r| r.split('|').next())
        .unwrap_or("?")
        .to_string()
}

/// A multiset comparison of two logs.
#[derive(Default)]
pub struct Comparison {
    /// Reference lines.
    pub reference: usize,
    /// Reference lines we wrote too.
    pub matched: usize,
    /// Reference lines we did not write.
    pub missing: Vec<String>,
    /// Lines we wrote that the reference did not.
    pub extra: Vec<String>,
    /// Per mod: (reference lines, matched).
    pub per_mod: BTreeMap<String, (usize, usize)>,
}

/// Compares our log lines with the reference's, as multisets.
pub fn compare(reference: &[String], ours: &[String]) -> Comparison {
    let mut got: BTreeMap<&str, usize> = BTreeMap::new();
    for l in ours {
        *got.entry(l).or_default() += 1;
    }
    let mut c = Comparison {
        reference: reference.len(),
        ..Comparison::default()
    };
    for l in reference {
        let entry = c.per_mod.entry(module(l)).or_default();
        entry.0 += 1;
        match got.get_mut(l.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                entry.1 += 1;
                c.matched += 1;
            }
            _ => c.missing.push(l.clone()),
        }
    }
    for (l, n) in got {
        c.extra.extend(std::iter::repeat_n(l.to_string(), n));
    }
    c
}

/// A scratch folder for one test, removed by the caller.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("p0fmod-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
