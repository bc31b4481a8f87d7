//! JA4, JA3 and JA3S of the single-segment TCP hellos of real captures against the values
//! independent tools computed (`oracle.tsv`, see `../shared/tls/README.md`).
//! `../shared` is next to the repository, or `$P0FMOD_SHARED`.
//!
//! Captures: the local ones shipped in `tests/data/tls/local/` (made for this project),
//! and the public ones of `../shared/tls/pcaps/` (not shipped; the test says when they are
//! absent). Every hello is fingerprinted and compared with the oracle row of that file and
//! frame (for a hello over several segments, the frame of its last segment, as tshark
//! reports it). Segments are joined in arrival order when their sequence numbers follow,
//! which is enough for these captures; out-of-order and retransmitted segments are the
//! engine's reassembler's job (and tests). A difference fails the test unless
//! it is listed in `KNOWN` with the reason (docs/divergences.md).

use std::collections::HashMap;
use std::net::IpAddr;
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

/// Client address and port, server address and port (or source then destination).
type Flow = (IpAddr, u16, IpAddr, u16);

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

/// The oracle row of a hello: the row of its frame, else (tshark reports a ServerHello
/// at the end of the whole record that holds it and the certificates) the next row of the
/// same connection and message within 20 frames that no hello has taken yet.
fn oracle_frame(
    oracle: &HashMap<(String, u64), Row>,
    seen: &std::collections::HashSet<(String, u64)>,
    file: &str,
    frame: u64,
    (cli, cli_port, srv, srv_port): Flow,
    client_hello: bool,
) -> Option<u64> {
    let message = if client_hello {
        "client_hello"
    } else {
        "server_hello"
    };
    (frame..frame + 20).find(|&f| {
        let key = (file.to_string(), f);
        oracle.get(&key).is_some_and(|r| {
            !seen.contains(&key)
                && r["message"] == message
                && (f == frame
                    || (r["client_ip"].parse() == Ok(cli)
                        && r["client_port"] == cli_port.to_string()
                        && r["server_ip"].parse() == Ok(srv)
                        && r["server_port"] == srv_port.to_string()))
        })
    })
}

#[derive(Default)]
struct Tally {
    compared: usize,
    agreed: usize,
    known: usize,
    mismatches: Vec<String>,
    unmatched_ours: usize,
    hellos: usize,
    multi: usize,
    seen: std::collections::HashSet<(String, u64)>,
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
        // Per direction of a flow: the next sequence number and the hello bytes so far.
        let mut pending: HashMap<Flow, (u32, Vec<u8>)> = HashMap::new();
        while let Ok(Some(pkt)) = cap.next_packet() {
            frame += 1;
            let Ok(tcp) = decode(LinkType(pkt.link_type), pkt.data) else {
                continue;
            };
            if tcp.payload.is_empty() {
                continue;
            }
            let key = (tcp.src, tcp.src_port, tcp.dst, tcp.dst_port);
            let next = tcp.seq.wrapping_add(tcp.payload.len() as u32);
            // The next segment in order continues a pending hello; anything else (a
            // retransmission, a gap) starts afresh.
            let joined = match pending.remove(&key) {
                Some((want, mut buf)) if want == tcp.seq => {
                    buf.extend_from_slice(tcp.payload);
                    Some(buf)
                }
                _ => None,
            };
            let segments = if joined.is_some() { 2 } else { 1 };
            let stream: &[u8] = joined.as_deref().unwrap_or(tcp.payload);
            let msg = match extract_handshake(stream, &mut scratch) {
                Extracted::Complete(msg) => msg,
                Extracted::NeedMore { .. } if stream.len() < 20_000 => {
                    let bytes = stream.to_vec();
                    pending.insert(key, (next, bytes));
                    continue;
                }
                _ => {
                    pending.remove(&key);
                    continue;
                }
            };
            if !matches!(
                msg.msg_type,
                HANDSHAKE_CLIENT_HELLO | HANDSHAKE_SERVER_HELLO
            ) {
                continue;
            }
            let is_client = msg.msg_type == HANDSHAKE_CLIENT_HELLO;
            let flow = if is_client {
                (tcp.src, tcp.src_port, tcp.dst, tcp.dst_port)
            } else {
                (tcp.dst, tcp.dst_port, tcp.src, tcp.src_port)
            };
            let row_frame = oracle_frame(oracle, &tally.seen, &name, frame, flow, is_client);
            let row = row_frame.and_then(|f| oracle.get(&(name.clone(), f)));
            if let Some(f) = row_frame {
                tally.seen.insert((name.clone(), f));
            }
            tally.hellos += 1;
            if segments > 1 {
                tally.multi += 1;
            }
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

/// Oracle rows with a fingerprint that no hello of ours met (hellos this test cannot
/// join: out of order, retransmitted, or in files it does not read).
fn missed(oracle: &HashMap<(String, u64), Row>, tally: &Tally) -> Vec<String> {
    let mut out: Vec<String> = oracle
        .iter()
        .filter(|(k, r)| {
            !tally.seen.contains(k)
                && ["ja4", "ja3_md5", "ja3s_md5"]
                    .iter()
                    .any(|f| !r[*f].is_empty())
        })
        .map(|((f, n), r)| format!("{f} frame {n} {}", r["message"]))
        .collect();
    out.sort();
    out
}

fn report(what: &str, tally: &Tally) {
    println!(
        "{what}: {} hellos ({} over several segments), {} values compared, {} agree, {} known oracle errors, {} differ; {} hellos without an oracle row",
        tally.hellos,
        tally.multi,
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
    let missed = missed(&oracle, &tally);
    println!(
        "tls/local: {} oracle rows not met: {missed:?}",
        missed.len()
    );
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
    let missed = missed(&oracle, &tally);
    println!(
        "tls/pcaps: {} oracle rows not met, among them:",
        missed.len()
    );
    for m in missed.iter().take(100) {
        println!("  {m}");
    }
    assert!(tally.compared > 500, "too few values compared");
    assert!(
        tally.mismatches.is_empty(),
        "fingerprints differ from the oracle"
    );
}
