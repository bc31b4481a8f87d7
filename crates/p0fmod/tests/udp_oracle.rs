//! QUIC and DTLS hellos of real captures, through p0fmod's engine, against the values
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

use std::sync::Arc;

use p0fmod::observation::{Details, Observation};
use p0fmod::{Database, Engine, Limits};
use p0fmod_capture::FileCapture;

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
    let mut engine = Engine::new(Arc::new(Database::embedded()), Limits::default());
    let mut add = |obs: &Observation<'_>| {
        let Details::Tls(t) = &obs.details else {
            return;
        };
        if t.carriage.transport == "tcp" {
            return;
        }
        let Some(h) = &t.hello else { return };
        let ends = (
            obs.client.ip(),
            obs.client.port(),
            obs.server.ip(),
            obs.server.port(),
        );
        let set = ours.entry((name.to_string(), ends)).or_default();
        if let Some(j) = &h.ja4 {
            set.insert(("ja4", j.ja4.to_string()));
        }
        if let Some((_, md5)) = &h.ja3 {
            set.insert(("ja3_md5", md5.clone()));
        }
        if let Some((_, md5)) = &h.ja3s {
            set.insert(("ja3s_md5", md5.clone()));
        }
        // Every QUIC hello carries its QUIC facts, and every observation prints.
        assert_eq!(t.quic.is_some(), t.carriage.transport == "quic");
        assert!(p0fmod::output::json::to_json(obs).get("quic").is_some());
    };
    while let Ok(Some(pkt)) = cap.next_packet() {
        let _ = engine.process_frame(pkt.ts, pkt.link_type, pkt.data, &mut add);
    }
    engine.finish(&mut add);
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

/// UDP changes nothing p0f writes: on the local QUIC captures, the observations other than
/// TLS are the same with TLS fingerprinting (and so UDP) on and off, and with it off no
/// UDP hello is reported.
#[test]
fn udp_leaves_p0f_observations_alone() {
    let dir = repo().join("tests/data/tls/local");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().contains("-quic"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let run = |tls: bool| {
            let mut engine = Engine::new(Arc::new(Database::embedded()), Limits::default());
            engine.set_tls(tls);
            let mut cap = FileCapture::open(&path).unwrap();
            let (mut p0f, mut udp) = (Vec::new(), 0);
            let mut add = |obs: &Observation<'_>| match &obs.details {
                Details::Tls(t) => udp += usize::from(t.carriage.transport != "tcp"),
                _ => p0f.push(p0fmod::output::json::to_json(obs).to_string()),
            };
            while let Ok(Some(pkt)) = cap.next_packet() {
                let _ = engine.process_frame(pkt.ts, pkt.link_type, pkt.data, &mut add);
            }
            engine.finish(&mut add);
            (p0f, udp, engine.packets())
        };
        let (on, off) = (run(true), run(false));
        assert_eq!((&on.0, on.2), (&off.0, off.2), "{}", path.display());
        assert!(on.1 >= 2, "{}: {} UDP hellos", path.display(), on.1);
        assert_eq!(off.1, 0);
    }
}
