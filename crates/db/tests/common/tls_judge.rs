//! How a TLS label is judged against what a labelled capture says its client (or server)
//! is. Shared by crates/db/tests/tls_local.rs (the matcher on the local hellos) and the
//! workspace's tests/accuracy.rs (the engine on the local captures).
//!
//! The truth is LABELS.tsv's `client_software` and `tls_library` (SERVERS.tsv's
//! `software_version` and `tls_library` for a server), joined. A label is *right* when its
//! name (or an alias: `Chrome` for Chromium, `Java` for OpenJDK / SunJSSE) appears in the
//! truth as a word, and, when its flavor claims versions (`1.21 or older`, `1.24 or
//! newer`, `3.x`), the version written after that word in the truth is in the range. A
//! name that offers alternatives (`OpenSSL or Go`) is *ambiguous* when one of them fits.

use std::collections::HashMap;
use std::path::Path;

/// A TSV file as rows of column name → value.
pub fn tsv(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let head: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split('\t')
        .map(String::from)
        .collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split('\t').map(String::from))
                .collect()
        })
        .collect()
}

/// The truth of each capture of `dir` (LABELS.tsv, SERVERS.tsv), by file name: the client
/// (`software | library`) and the server (`software | library`).
pub fn truths(dir: &Path) -> HashMap<String, (String, String)> {
    let servers = tsv(&dir.join("SERVERS.tsv"));
    let first = |s: &str| {
        s.split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let server_truth = |server: &str| -> String {
        let found = servers
            .iter()
            .find(|s| server.starts_with(s["software_version"].as_str()))
            .or_else(|| {
                servers
                    .iter()
                    .find(|s| first(&s["software_version"]) == first(server))
            })
            .unwrap_or_else(|| panic!("no SERVERS.tsv row for {server}"));
        format!("{} | {}", found["software_version"], found["tls_library"])
    };
    tsv(&dir.join("LABELS.tsv"))
        .into_iter()
        .map(|r| {
            let client = format!("{} | {}", r["client_software"], r["tls_library"]);
            (r["file"].clone(), (client, server_truth(&r["server"])))
        })
        .collect()
}

/// The verdict on one hello.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVerdict {
    /// The application or library family as labelled, and any version claimed fits.
    Right,
    /// A label naming alternatives, one of them right.
    Ambiguous,
    /// No match.
    Unnamed,
    /// The right family with a version range that excludes the truth.
    WrongVersion,
    /// Another family.
    Wrong,
}

/// The words a label name may appear as in the truth.
fn aliases(name: &str) -> Vec<&str> {
    match name {
        "Chrome" => vec!["Chrome", "Chromium"],
        "Java" => vec!["Java", "OpenJDK", "SunJSSE"],
        _ => vec![name],
    }
}

/// Byte offsets just after each occurrence of `word` in `text` as a whole word (ASCII case
/// ignored; a word's neighbours are not alphanumeric).
fn word_ends(text: &str, word: &str) -> Vec<usize> {
    let (t, w) = (text.to_ascii_lowercase(), word.to_ascii_lowercase());
    let bytes = t.as_bytes();
    let mut ends = Vec::new();
    let mut from = 0;
    while let Some(i) = t[from..].find(&w) {
        let start = from + i;
        let end = start + w.len();
        let before = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        if before && after {
            ends.push(end);
        }
        from = start + 1;
    }
    ends
}

/// Dotted version numbers, `1.19.8` → `[1, 19, 8]`.
fn numbers(text: &str) -> Option<Vec<u32>> {
    let parts: Option<Vec<u32>> = text.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| !p.is_empty())
}

/// The version written after a word of the truth: the first token with a digit, from its
/// first digit (`go1.27.3` → 1.27.3, `(go1.19.8)` → 1.19.8, `v20.20.2` → 20.20.2).
fn version_after(truth: &str, end: usize) -> Option<Vec<u32>> {
    let token = truth[end..]
        .split_whitespace()
        .find(|t| t.bytes().any(|b| b.is_ascii_digit()))?;
    let start = token.find(|c: char| c.is_ascii_digit())?;
    let digits: String = token[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    numbers(digits.trim_end_matches('.'))
}

/// Compares `v` with `bound` on the bound's components only (`1.21` covers 1.21.x).
fn cmp_prefix(v: &[u32], bound: &[u32]) -> std::cmp::Ordering {
    let n = bound.len();
    let mut padded = v.to_vec();
    padded.resize(n.max(v.len()), 0);
    padded[..n].cmp(bound)
}

/// Whether a flavor's version claim admits `v`; `None` when the flavor claims no version.
pub fn flavor_admits(flavor: &str, v: &[u32]) -> Option<bool> {
    use std::cmp::Ordering::{Greater, Less};
    let words: Vec<&str> = flavor.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let Some(first) = w.chars().next() else {
            continue;
        };
        if !first.is_ascii_digit() {
            continue;
        }
        let next = words.get(i + 1..i + 3).map(|s| s.join(" "));
        if let Some(x) = w.strip_suffix(".x").and_then(numbers) {
            return Some(cmp_prefix(v, &x).is_eq());
        }
        if let Some((lo, hi)) = w.split_once('-') {
            let (lo, hi) = (numbers(lo)?, numbers(hi)?);
            return Some(cmp_prefix(v, &lo) != Less && cmp_prefix(v, &hi) != Greater);
        }
        let bound = numbers(w)?;
        return Some(match next.as_deref() {
            Some("or older") => cmp_prefix(v, &bound) != Greater,
            Some("or newer") => cmp_prefix(v, &bound) != Less,
            _ => cmp_prefix(v, &bound).is_eq(),
        });
    }
    None
}

/// Judges one label (`name`, `flavor`; `None` when nothing matched) against the truth.
pub fn judge(truth: &str, label: Option<(&str, &str)>) -> TlsVerdict {
    let Some((name, flavor)) = label else {
        return TlsVerdict::Unnamed;
    };
    let alternatives: Vec<&str> = name.split(" or ").collect();
    if alternatives.len() > 1 {
        let any = alternatives
            .iter()
            .any(|a| aliases(a).iter().any(|w| !word_ends(truth, w).is_empty()));
        return if any {
            TlsVerdict::Ambiguous
        } else {
            TlsVerdict::Wrong
        };
    }
    let ends: Vec<usize> = aliases(name)
        .iter()
        .flat_map(|w| word_ends(truth, w))
        .collect();
    if ends.is_empty() {
        return TlsVerdict::Wrong;
    }
    let versions: Vec<Vec<u32>> = ends
        .iter()
        .filter_map(|&e| version_after(truth, e))
        .collect();
    let admitted: Vec<Option<bool>> = versions.iter().map(|v| flavor_admits(flavor, v)).collect();
    if admitted.contains(&Some(false)) && !admitted.contains(&Some(true)) {
        TlsVerdict::WrongVersion
    } else {
        TlsVerdict::Right
    }
}
