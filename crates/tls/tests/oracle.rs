//! JA4, JA3 and JA3S of the single-segment TCP hellos of real captures against the values
//! independent tools computed (`oracle.tsv`, see `../shared/tls/README.md`).
//! `../shared` is next to the repository, or `$P0FMOD_SHARED`.
//!
//! Captures: the local ones shipped in `tests/data/tls/local/` (made for this project),
//! and the public ones of `../shared/tls/pcaps/` (not shipped; the test says when they are
//! absent). Every TCP payload that starts with a complete hello in one segment is
//! fingerprinted and compared with the oracle row of that file and frame; hellos that span
//! segments are left to the engine's reassembly tests. A difference fails the test unless
//! it is listed in `KNOWN` with the reason (docs/divergences.md).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use p0fmod_capture::FileCapture;
use p0fmod_tls::{
    ClientHello, Extracted, HANDSHAKE_CLIENT_HELLO, HANDSHAKE_SERVER_HELLO, ServerHello, Transport,
    extract_handshake, ja3, ja3s, ja4, ja4_r, ja4_ro,
};
use p0fmod_wire::{LinkType, decode};

/// Oracle values that are known to be wrong: (file, frame, field, why). Each is a row of
/// the TLS table of docs/divergences.md, and `ja4_rules.rs` shows the rule on a hello
/// built in code.
const KNOWN: &[(&str, u64, &str, &str)] = &[
    // ja4plus writes 000000000000 for ja4_o's extension hash when the only extension is
    // SNI: it tests the sorted list (SNI and ALPN left out) for emptiness, not the
    // wire-order list it hashes (its own ja4_ro shows `_0000`).
    (
        "foxio-ja4__https3-301-get.pcap",
        4,
        "ja4_o",
        "ja4plus: empty test on the wrong list",
    ),
    // ALPN 0xba 0xad: the spec's hex rule gives `bd`; ja4plus and FoxIO's ja4.py print `99`
    // for a non-ASCII first byte.
    (
        "foxio-ja4__tls-non-ascii-alpn.pcapng",
        1,
        "ja4",
        "non-alphanumeric ALPN: spec hex rule",
    ),
    (
        "foxio-ja4__tls-non-ascii-alpn.pcapng",
        1,
        "ja4_o",
        "non-alphanumeric ALPN: spec hex rule",
    ),
    (
        "foxio-ja4__tls-non-ascii-alpn.pcapng",
        1,
        "ja4_r",
        "non-alphanumeric ALPN: spec hex rule",
    ),
    (
        "foxio-ja4__tls-non-ascii-alpn.pcapng",
        1,
        "ja4_ro",
        "non-alphanumeric ALPN: spec hex rule",
    ),
    // A fuzzed ServerHello whose handshake header says length 0: tshark reads fields past
    // the end of the message (version 0x0000, cipher 8565); the message is malformed.
    (
        "mercury__afl_data-corner-cases.pcap",
        3,
        "parse",
        "tshark reads past a 0-length message",
    ),
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One oracle row's expected values, by column name.
type Row = HashMap<String, String>;

fn read_oracle(path: &Path) -> HashMap<(String, u64), Row> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let mut rows = HashMap::new();
    for line in lines {
        let row: Row = header
            .iter()
            .zip(line.split('\t'))
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect();
        if row["transport"] != "tcp" {
            continue;
        }
        let key = (row["file"].clone(), row["frame"].parse().unwrap());
        rows.insert(key, row);
    }
    rows
}

#[derive(Default)]
struct Tally {
    compared: usize,
    agreed: usize,
    known: usize,
    mismatches: Vec<String>,
    unmatched_ours: usize,
    hellos: usize,
}

impl Tally {
    fn check(&mut self, file: &str, frame: u64, field: &str, want: &str, got: &str) {
        if want.is_empty() {
            return;
        }
        self.compared += 1;
        if want == got {
            self.agreed += 1;
        } else if KNOWN
            .iter()
            .any(|&(f, n, fl, _)| f == file && n == frame && fl == field)
        {
            self.known += 1;
        } else {
            self.mismatches.push(format!(
                "{file} frame {frame} {field}: oracle {want} ours {got}"
            ));
        }
    }
}

fn run(dir: &Path, oracle: &HashMap<(String, u64), Row>, tally: &mut Tally) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    files.sort();
    let mut scratch = Vec::new();
    let mut text = String::new();
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let mut cap = FileCapture::open(&path).unwrap();
        let mut frame = 0u64;
        while let Ok(Some(pkt)) = cap.next_packet() {
            frame += 1;
            let Ok(tcp) = decode(LinkType(pkt.link_type), pkt.data) else {
                continue;
            };
            let Extracted::Complete(msg) = extract_handshake(tcp.payload, &mut scratch) else {
                continue;
            };
            let row = oracle.get(&(name.clone(), frame));
            tally.hellos += 1;
            match (msg.msg_type, row) {
                (HANDSHAKE_CLIENT_HELLO, Some(row)) if row["message"] == "client_hello" => {
                    let Ok(hello) = ClientHello::from_handshake(&msg) else {
                        tally.check(&name, frame, "parse", "parsed", "malformed");
                        continue;
                    };
                    let h = ja4(&hello, Transport::Tcp);
                    tally.check(&name, frame, "ja4", &row["ja4"], h.ja4.as_str());
                    tally.check(&name, frame, "ja4_o", &row["ja4_o"], h.ja4_o.as_str());
                    ja4_r(&hello, Transport::Tcp, &mut text);
                    tally.check(&name, frame, "ja4_r", &row["ja4_r"], &text);
                    ja4_ro(&hello, Transport::Tcp, &mut text);
                    tally.check(&name, frame, "ja4_ro", &row["ja4_ro"], &text);
                    let md5 = ja3(&hello, &mut text);
                    tally.check(&name, frame, "ja3_string", &row["ja3_string"], &text);
                    let md5 = md5.map(|m| m.as_str().to_string()).unwrap_or_default();
                    tally.check(&name, frame, "ja3_md5", &row["ja3_md5"], &md5);
                }
                (HANDSHAKE_SERVER_HELLO, Some(row)) if row["message"] == "server_hello" => {
                    let Ok(hello) = ServerHello::from_handshake(&msg) else {
                        tally.check(&name, frame, "parse", "parsed", "malformed");
                        continue;
                    };
                    let md5 = ja3s(&hello, &mut text);
                    tally.check(&name, frame, "ja3s_string", &row["ja3s_string"], &text);
                    tally.check(&name, frame, "ja3s_md5", &row["ja3s_md5"], md5.as_str());
                }
                (HANDSHAKE_CLIENT_HELLO | HANDSHAKE_SERVER_HELLO, _) => tally.unmatched_ours += 1,
                _ => {}
            }
        }
    }
}

fn report(what: &str, tally: &Tally) {
    println!(
        "{what}: {} single-segment hellos, {} values compared, {} agree, {} known oracle errors, {} differ; {} hellos without an oracle row",
        tally.hellos,
        tally.compared,
        tally.agreed,
        tally.known,
        tally.mismatches.len(),
        tally.unmatched_ours
    );
    for m in &tally.mismatches {
        println!("  {m}");
    }
}

#[test]
fn local_captures_agree_with_oracle() {
    let dir = repo().join("tests/data/tls/local");
    let oracle = read_oracle(&dir.join("oracle.tsv"));
    let mut tally = Tally::default();
    run(&dir, &oracle, &mut tally);
    report("tls/local", &tally);
    assert!(tally.compared > 100, "too few values compared");
    assert!(
        tally.mismatches.is_empty(),
        "fingerprints differ from the oracle"
    );
}

#[test]
fn public_captures_agree_with_oracle() {
    let shared = std::env::var_os("P0FMOD_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let dir = shared.join("tls/pcaps");
    if !dir.is_dir() {
        println!(
            "SKIPPED: {} is absent (public captures are not shipped with p0fmod; set P0FMOD_SHARED)",
            dir.display()
        );
        return;
    }
    let oracle = read_oracle(&dir.join("../oracle.tsv"));
    let mut tally = Tally::default();
    run(&dir, &oracle, &mut tally);
    report("tls/pcaps", &tally);
    assert!(tally.compared > 500, "too few values compared");
    assert!(
        tally.mismatches.is_empty(),
        "fingerprints differ from the oracle"
    );
}
