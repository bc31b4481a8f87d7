//! QUIC and DTLS hellos of real captures, through p0fmod's UDP table, against the values
//! independent tools computed (`oracle.tsv`, see `../shared/tls/README.md`): every
//! ClientHello the oracle decrypted is found, and its JA4 / JA3 (ServerHello: JA3S) are
//! among the values p0fmod computes for the same client and server ends.
//!
//! Captures: the local ones shipped in `tests/data/tls/local/`, and the public ones of
//! `../shared/tls/pcaps/` (or `$P0FMOD_SHARED/tls/pcaps`; not shipped, the test says when
//! they are absent).

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use p0fmod::Limits;
use p0fmod::state::udp::{UdpOutcome, UdpTable, UdpTransport};
use p0fmod_capture::FileCapture;
use p0fmod_tls::{ClientHello, ServerHello, Transport, ja3, ja3s, ja4};
use p0fmod_wire::{LinkType, decode_udp};

/// Least share of oracle values found.
const MIN_SHARE: f64 = 99.5;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> PathBuf {
    std::env::var_os("P0FMOD_SHARED").map_or_else(|| repo().join("../shared"), PathBuf::from)
}

/// Client ip, client port, server ip, server port.
type Ends = (IpAddr, u16, IpAddr, u16);

/// Our values per file and ends: (field, value).
type Ours = HashMap<(String, Ends), HashSet<(&'static str, String)>>;

fn fingerprint(dir: &Path, name: &str, ours: &mut Ours) {
    let mut cap = FileCapture::open(&dir.join(name)).unwrap();
    let mut table = UdpTable::new(Limits::default());
    let mut text = String::new();
    let mut add = |h: p0fmod::state::udp::UdpHello<'_>| {
        let UdpOutcome::Complete { msg_type, body } = h.outcome else {
            return;
        };
        let ends = (h.key.client, h.key.cli_port, h.key.server, h.key.srv_port);
        let set = ours.entry((name.to_string(), ends)).or_default();
        let dtls = h.transport == UdpTransport::Dtls;
        match msg_type {
            1 => {
                let parsed = if dtls {
                    ClientHello::parse_dtls(body)
                } else {
                    ClientHello::parse(body)
                };
                let Ok(hello) = parsed else { return };
                let t = if dtls {
                    Transport::Dtls
                } else {
                    Transport::Quic
                };
                set.insert(("ja4", ja4(&hello, t).ja4.as_str().to_string()));
                if let Some(md5) = ja3(&hello, &mut text) {
                    set.insert(("ja3_md5", md5.as_str().to_string()));
                }
            }
            2 => {
                let parsed = if dtls {
                    ServerHello::parse_dtls(body)
                } else {
                    ServerHello::parse(body)
                };
                let Ok(hello) = parsed else { return };
                set.insert(("ja3s_md5", ja3s(&hello, &mut text).as_str().to_string()));
            }
            _ => {}
        }
    };
    while let Ok(Some(pkt)) = cap.next_packet() {
        if let Ok(udp) = decode_udp(LinkType(pkt.link_type), pkt.data) {
            table.process(pkt.ts.sec, &udp, &mut add);
        }
    }
    table.finish(&mut add);
}

#[derive(Default)]
struct Tally {
    compared: HashMap<(String, &'static str), usize>,
    found: HashMap<(String, &'static str), usize>,
    missing: Vec<String>,
}

fn check(dir: &Path, oracle: &Path, tally: &mut Tally) {
    let text = std::fs::read_to_string(oracle).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (file, transport, message) = (col("file"), col("transport"), col("message"));
    let ends = [
        col("client_ip"),
        col("client_port"),
        col("server_ip"),
        col("server_port"),
    ];
    let mut ours = Ours::new();
    let mut done = HashSet::new();
    for line in lines {
        let row: Vec<&str> = line.split('\t').collect();
        if !matches!(row[transport], "quic" | "dtls") || !dir.join(row[file]).exists() {
            continue;
        }
        if done.insert(row[file].to_string()) {
            fingerprint(dir, row[file], &mut ours);
        }
        let ip = |s: &str| {
            s.trim_matches(|c| c == '[' || c == ']')
                .parse::<IpAddr>()
                .unwrap()
        };
        let key = (
            row[file].to_string(),
            (
                ip(row[ends[0]]),
                row[ends[1]].parse().unwrap(),
                ip(row[ends[2]]),
                row[ends[3]].parse().unwrap(),
            ),
        );
        let fields: &[&'static str] = if row[message] == "client_hello" {
            &["ja4", "ja3_md5"]
        } else {
            &["ja3s_md5"]
        };
        for &field in fields {
            let want = row[col(field)];
            if want.is_empty() {
                continue;
            }
            let k = (row[transport].to_string(), field);
            *tally.compared.entry(k.clone()).or_default() += 1;
            if ours
                .get(&key)
                .is_some_and(|s| s.contains(&(field, want.to_string())))
            {
                *tally.found.entry(k).or_default() += 1;
            } else {
                tally.missing.push(format!(
                    "{} frame {} {field} {want}",
                    row[file],
                    row[col("frame")]
                ));
            }
        }
    }
}

#[test]
fn quic_and_dtls_hellos_match_the_oracle() {
    let mut tally = Tally::default();
    let local = repo().join("tests/data/tls/local");
    check(&local, &local.join("oracle.tsv"), &mut tally);
    let public = shared().join("tls");
    if public.join("oracle.tsv").exists() {
        check(
            &public.join("pcaps"),
            &public.join("oracle.tsv"),
            &mut tally,
        );
    } else {
        println!(
            "{} absent: public QUIC/DTLS captures skipped",
            public.display()
        );
    }
    let mut keys: Vec<_> = tally.compared.keys().cloned().collect();
    keys.sort();
    let (mut all, mut found) = (0, 0);
    for k in keys {
        let (c, f) = (
            tally.compared[&k],
            tally.found.get(&k).copied().unwrap_or(0),
        );
        println!("{} {}: {f}/{c}", k.0, k.1);
        all += c;
        found += f;
    }
    for m in &tally.missing {
        println!("  not found: {m}");
    }
    let share = 100.0 * found as f64 / all.max(1) as f64;
    println!("udp hellos: {found}/{all} oracle values found ({share:.2}%)");
    assert!(share >= MIN_SHARE, "{share:.2}% < {MIN_SHARE}%");
}
