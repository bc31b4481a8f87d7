//! Corpus parity with p0f 3.09b: for every capture in ../shared/pcaps and
//! ../shared/pcaps/crafted, `p0fmod -f <stock p0f.fp> -r X -o L` (TZ=UTC) must write the
//! same log lines as p0f did (../shared/oracle/X.log), compared as multisets, leaving out
//! `reason=date` lines (p0f's date check reads uninitialised memory). Differences must be
//! listed divergences (docs/divergences.md), named in `EXPECTED_DIFFERENCES` below.
//!
//! The captures made for this project (tests/data: crafted corner cases and local Linux
//! captures, with p0f's logs of them) are always compared; the public captures are not part
//! of this repository, and are compared when ../shared is present.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Captures whose differences from p0f are listed divergences (docs/divergences.md):
/// (capture, reference lines we do not write, extra lines we write).
const EXPECTED_DIFFERENCES: &[(&str, usize, usize)] = &[];

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("P0FMOD_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    dir.join("oracle").is_dir().then_some(dir)
}

fn stock_fp(shared: Option<&Path>) -> Option<PathBuf> {
    shared
        .map(|s| s.join("reference/p0f.fp"))
        .into_iter()
        .chain([PathBuf::from("/etc/p0f/p0f.fp")])
        .find(|p| p.is_file())
}

fn log_lines(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| !l.contains("reason=date"))
        .map(str::to_string)
        .collect()
}

fn module(line: &str) -> String {
    line.split("mod=").nth(1).and_then(|r| r.split('|').next()).unwrap_or("?").to_string()
}

#[test]
fn log_lines_equal_p0f_on_the_shared_corpus() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpora: Vec<(PathBuf, PathBuf)> = vec![
        (here.join("tests/data/crafted"), here.join("tests/data/crafted")),
        (here.join("tests/data/local"), here.join("tests/data/local")),
    ];
    let shared = shared();
    match &shared {
        Some(shared) => {
            corpora.push((shared.join("pcaps"), shared.join("oracle")));
            corpora.push((shared.join("pcaps/crafted"), shared.join("oracle/crafted")));
        }
        None => eprintln!("note: ../shared is absent: only the captures in tests/data are compared"),
    }
    let Some(fp) = stock_fp(shared.as_deref()) else {
        panic!("the stock p0f.fp is needed (../shared/reference/p0f.fp or /etc/p0f/p0f.fp: apt-get install p0f)");
    };
    let tmp = std::env::temp_dir().join(format!("p0fmod-parity-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut per_mod: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let (mut total_ref, mut total_match) = (0, 0);
    for (pcaps, oracle) in &corpora {
        let mut captures: Vec<PathBuf> = std::fs::read_dir(pcaps)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.contains(".pcap") && !n.ends_with(".log")
            }))
            .collect();
        captures.sort();
        for capture in captures {
            let name = capture.file_name().unwrap().to_string_lossy().to_string();
            let reference_log = oracle.join(format!("{name}.log"));
            if !reference_log.is_file() {
                continue;
            }
            let ours = tmp.join(format!("{name}.log"));
            let _ = std::fs::remove_file(&ours);
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_p0fmod"));
            cmd.env("TZ", "UTC").arg("-f").arg(&fp).arg("-r").arg(&capture).arg("-o").arg(&ours);
            if name == "many_hosts.pcap" {
                cmd.args(["-m", "100,20"]);
            }
            let out = cmd.output().expect("run p0fmod");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{name}: p0fmod panicked: {stderr}");
            let reference = log_lines(&reference_log);
            let mut got: BTreeMap<String, isize> = BTreeMap::new();
            for l in log_lines(&ours) {
                *got.entry(l).or_default() += 1;
            }
            let mut missing = 0;
            for l in &reference {
                let entry = per_mod.entry(module(l)).or_default();
                entry.0 += 1;
                match got.get_mut(l) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        entry.1 += 1;
                    }
                    _ => {
                        missing += 1;
                        if missing <= 3 {
                            eprintln!("  {name} MISSING {l}");
                        }
                    }
                }
            }
            let extra: isize = got.values().sum();
            for (l, n) in &got {
                if *n > 0 && extra <= 3 {
                    eprintln!("  {name} EXTRA   {l}");
                }
            }
            let extra = extra as usize;
            total_ref += reference.len();
            total_match += reference.len() - missing;
            let expected = EXPECTED_DIFFERENCES.iter().find(|(n, _, _)| *n == name);
            let verdict = match expected {
                Some(&(_, m, e)) if (m, e) == (missing, extra) => "listed divergence",
                _ if missing == 0 && extra == 0 => "equal",
                _ => {
                    failures.push(format!("{name}: {missing} missing, {extra} extra"));
                    "DIFFERENT"
                }
            };
            println!("{name:<90} {:>4}/{:<4} extra {extra:<4} {verdict}", reference.len() - missing, reference.len());
        }
    }
    println!("\nagreement per mod (reference lines written identically):");
    for (m, (n, ok)) in &per_mod {
        println!("  {m:<18} {ok:>5}/{n:<5} {:6.2}%", 100.0 * *ok as f64 / (*n).max(1) as f64);
    }
    println!(
        "total: {total_match}/{total_ref} reference lines ({:.2}%)",
        100.0 * total_match as f64 / total_ref.max(1) as f64
    );
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "captures that differ from p0f 3.09b:\n{}", failures.join("\n"));
}
