//! Corpus parity with p0f 3.09b: for every capture, `p0fmod -f <stock p0f.fp> -r X -o L`
//! (TZ=UTC) must write the same log lines as p0f did (the oracle log beside it), compared
//! as multisets, leaving out `reason=date` lines. Differences must be listed divergences
//! (docs/divergences.md), named in `EXPECTED_DIFFERENCES` below.
//!
//! The captures made for this project (tests/data: crafted corner cases and local Linux
//! captures, with p0f's logs of them) are always compared; the public captures are not part
//! of this repository, and are compared when ../shared is present. Extra lines on captures
//! p0f cannot read at all (it logs nothing there) are p0fmod doing better, not divergences.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::*;

/// Captures whose differences from p0f are listed divergences (docs/divergences.md):
/// (capture, reference lines we do not write, extra lines we write).
const EXPECTED_DIFFERENCES: &[(&str, usize, usize)] = &[];

/// Captures where p0f reads only part of the traffic and p0fmod reads the rest: (capture,
/// extra lines, why). Not divergences: every line p0f writes, p0fmod writes too.
const READS_MORE_THAN_P0F: &[(&str, usize, &str)] = &[
    (
        "dlt_en10mb_vlan.pcap",
        2,
        "p0f's parser drops 802.1Q-tagged frames",
    ),
    (
        "zeek__mixed-vlan-mpls.pcap",
        6,
        "p0f drops the VLAN-tagged and MPLS frames",
    ),
];

#[test]
fn log_lines_equal_p0f_on_the_corpus() {
    let mut corpora: Vec<(PathBuf, PathBuf)> = vec![
        (
            repo().join("tests/data/crafted"),
            repo().join("tests/data/crafted"),
        ),
        (
            repo().join("tests/data/local"),
            repo().join("tests/data/local"),
        ),
    ];
    match shared() {
        Some(shared) => {
            corpora.push((shared.join("pcaps"), shared.join("oracle")));
            corpora.push((shared.join("pcaps/crafted"), shared.join("oracle/crafted")));
        }
        None => {
            eprintln!("note: ../shared is absent: only the captures in tests/data are compared")
        }
    }
    let fp = stock_fp()
        .expect("the stock p0f.fp is needed (../shared/reference/p0f.fp or /etc/p0f/p0f.fp)");
    let tmp = scratch("parity");
    let mut per_mod: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let (mut total_ref, mut total_match, mut total_extra) = (0, 0, 0);
    for (pcaps, oracle) in &corpora {
        for capture in captures_in(pcaps) {
            let name = capture.file_name().unwrap().to_string_lossy().to_string();
            let reference_log = oracle.join(format!("{name}.log"));
            if !reference_log.is_file() {
                continue;
            }
            let ours = tmp.join(format!("{name}.log"));
            let out = p0fmod_log(&fp, &capture, &ours, extra_options(&name));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !stderr.contains("panicked"),
                "{name}: p0fmod panicked: {stderr}"
            );
            let c = compare(&log_lines(&reference_log), &log_lines(&ours));
            for l in c.missing.iter().take(3) {
                eprintln!("  {name} MISSING {l}");
            }
            for (m, (n, ok)) in &c.per_mod {
                let e = per_mod.entry(m.clone()).or_default();
                e.0 += n;
                e.1 += ok;
            }
            total_ref += c.reference;
            total_match += c.matched;
            total_extra += c.extra.len();
            let (missing, extra) = (c.missing.len(), c.extra.len());
            let listed = EXPECTED_DIFFERENCES
                .iter()
                .any(|&(n, m, e)| n == name && (m, e) == (missing, extra));
            let reference_empty = c.reference == 0;
            let verdict = if listed {
                "listed divergence"
            } else if missing == 0 && extra == 0 {
                "equal"
            } else if missing == 0 && reference_empty {
                "p0f reads nothing here; p0fmod does"
            } else if missing == 0
                && READS_MORE_THAN_P0F
                    .iter()
                    .any(|&(n, e, _)| n == name && e == extra)
            {
                "p0fmod reads frames p0f drops"
            } else {
                failures.push(format!("{name}: {missing} missing, {extra} extra"));
                for l in c.extra.iter().take(3) {
                    eprintln!("  {name} EXTRA   {l}");
                }
                "DIFFERENT"
            };
            println!(
                "{name:<80} {:>4}/{:<4} extra {extra:<4} {verdict}",
                c.matched, c.reference
            );
        }
    }
    println!("\nagreement per mod (reference lines written identically):");
    for (m, (n, ok)) in &per_mod {
        println!(
            "  {m:<18} {ok:>5}/{n:<5} {:6.2}%",
            100.0 * *ok as f64 / (*n).max(1) as f64
        );
    }
    println!(
        "total: {total_match}/{total_ref} reference lines ({:.2}%), {total_extra} extra lines",
        100.0 * total_match as f64 / total_ref.max(1) as f64
    );
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        failures.is_empty(),
        "captures that differ from p0f 3.09b:\n{}",
        failures.join("\n")
    );
}
