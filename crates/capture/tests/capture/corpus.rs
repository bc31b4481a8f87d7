//! Every capture of the shared corpus (`../shared` next to the workspace) reads to the end,
//! with the packet counts, formats and link types that its MANIFEST.md lists. The captures
//! are read in place, never copied into the repository.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use p0fmod_capture::{CaptureError, CaptureFormat, FileCapture};

/// Files that are damaged on purpose: packets before the damage, offset of the damage.
const DAMAGED: [(&str, usize, u64); 2] = [
    ("derived-truncated-midpacket__zeek_smtp.pcap", 83, 30_070),
    (
        "suricata-verify__bug-1450-04_tls_DER-incomplete-header.pcap",
        6,
        5_035,
    ),
];

/// What MANIFEST.md says about one file.
#[derive(Debug)]
struct Entry {
    packets: usize,
    format: CaptureFormat,
    link_types: BTreeSet<u32>,
}

fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Parses the table of MANIFEST.md: file, link type(s), format and packet count columns.
fn manifest(path: &Path) -> HashMap<String, Entry> {
    let text = std::fs::read_to_string(path).expect("MANIFEST.md");
    let mut entries = HashMap::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let name = cols[1].trim_matches('`').to_string();
        let digits: String = cols[6].chars().take_while(char::is_ascii_digit).collect();
        let packets = digits.parse().expect("packet count");
        let format = if cols[5].contains("pcapng") {
            CaptureFormat::Pcapng
        } else {
            CaptureFormat::Pcap
        };
        // Link types are written "Name (N)"; "(DLT 12)" and the like are not numbers.
        let link_types = cols[4]
            .split('(')
            .filter_map(|part| part.split_once(')'))
            .filter_map(|(inside, _)| inside.parse().ok())
            .collect();
        entries.insert(
            name,
            Entry {
                packets,
                format,
                link_types,
            },
        );
    }
    entries
}

/// Capture files in a directory (by extension; the corpus also holds notes and tables).
fn captures(dir: &Path) -> Vec<PathBuf> {
    let Ok(list) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = list
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".pcap") || name.ends_with(".pcapng") || name.ends_with(".gz")
        })
        .collect();
    files.sort();
    files
}

/// What reading a whole file gave.
struct Outcome {
    packets: usize,
    format: CaptureFormat,
    /// Link types of the packets.
    link_types: BTreeSet<u32>,
    /// Link types declared by the file (pcap header, pcapng interfaces).
    declared: BTreeSet<u32>,
    error: Option<CaptureError>,
}

fn read(path: &Path) -> Outcome {
    let mut cap = FileCapture::open(path).unwrap_or_else(|e| panic!("{e}"));
    let format = cap.format();
    let mut link_types = BTreeSet::new();
    let mut packets = 0;
    let error = loop {
        match cap.next_packet() {
            Ok(Some(p)) => {
                packets += 1;
                link_types.insert(p.link_type);
                assert!(p.data.len() <= 262_144);
            }
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    assert!(link_types.iter().all(|t| cap.link_types().contains(t)));
    assert!(matches!(cap.next_packet(), Ok(None)));
    Outcome {
        packets,
        format,
        declared: cap.link_types().iter().copied().collect(),
        link_types,
        error,
    }
}

/// `capinfos -c` packet count, when capinfos is installed and can read the file.
fn capinfos_count(path: &Path) -> Option<usize> {
    let out = Command::new("capinfos")
        .arg("-c")
        .arg("-M")
        .arg(path)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains("Number of packets"))?;
    line.split(':').nth(1)?.trim().parse().ok()
}

#[test]
fn shared_corpus_reads_to_the_end() {
    let shared = shared_dir();
    if !shared.is_dir() {
        println!("skipped: ../shared absent");
        return;
    }
    let pcaps = shared.join("pcaps");
    let manifest = manifest(&pcaps.join("MANIFEST.md"));
    assert!(
        manifest.len() >= 90,
        "MANIFEST.md parsed to {} rows",
        manifest.len()
    );
    let mut files = captures(&pcaps);
    files.extend(captures(&pcaps.join("crafted")));
    files.extend(captures(&shared.join("labelled")));
    assert!(files.len() >= 100, "only {} captures found", files.len());

    let mut checked_against_manifest = 0;
    let mut total_packets = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let outcome = read(path);
        total_packets += outcome.packets;
        match DAMAGED.iter().find(|(n, _, _)| *n == name) {
            Some(&(_, good, offset)) => {
                assert_eq!(outcome.packets, good, "{name}");
                match &outcome.error {
                    Some(CaptureError::Malformed { offset: at, .. }) => assert_eq!(*at, offset),
                    other => panic!("{name}: expected Malformed, got {other:?}"),
                }
            }
            None => assert!(outcome.error.is_none(), "{name}: {:?}", outcome.error),
        }
        if let Some(entry) = manifest.get(name) {
            checked_against_manifest += 1;
            assert_eq!(outcome.packets, entry.packets, "{name}: packet count");
            assert_eq!(outcome.format, entry.format, "{name}: format");
            if !entry.link_types.is_empty() {
                assert_eq!(outcome.declared, entry.link_types, "{name}: link types");
            }
        }
        if let Some(count) = capinfos_count(path) {
            assert_eq!(outcome.packets, count, "{name}: capinfos -c");
        }
    }
    assert!(checked_against_manifest >= 90);
    println!(
        "read {} captures ({checked_against_manifest} checked against MANIFEST.md), \
         {total_packets} packets",
        files.len()
    );
}

#[test]
fn shared_corpus_spot_checks() {
    let pcaps = shared_dir().join("pcaps");
    if !pcaps.is_dir() {
        println!("skipped: ../shared absent");
        return;
    }
    // Eleven interfaces, all declared before the first packet; packets use only two.
    let cap = FileCapture::open(&pcaps.join("pcapplusplus__many_interfaces-1.pcapng")).unwrap();
    assert_eq!(cap.format(), CaptureFormat::Pcapng);
    assert_eq!(cap.link_types(), &[1, 0, 12]);
    let outcome = read(&pcaps.join("pcapplusplus__many_interfaces-1.pcapng"));
    assert_eq!(outcome.packets, 64);
    assert_eq!(outcome.declared, BTreeSet::from([0, 1, 12]));
    assert_eq!(outcome.link_types, BTreeSet::from([0, 1]));

    // pcapng despite its name.
    let cap = FileCapture::open(&pcaps.join("ndpi__jabber.pcap")).unwrap();
    assert_eq!(cap.format(), CaptureFormat::Pcapng);

    let mut cap =
        FileCapture::open(&pcaps.join("zeek__http_1000-requests-one-dropped-response.pcap.gz"))
            .unwrap();
    assert!(cap.is_compressed());
    assert_eq!(cap.link_types(), &[1]);
    let first = cap.next_packet().unwrap().unwrap();
    assert_eq!(first.link_type, 1);

    let mut cap = FileCapture::open(&pcaps.join("pcap-parser__modified-format.pcap")).unwrap();
    let p = cap.next_packet().unwrap().unwrap();
    assert_eq!(
        (p.ts.sec, p.ts.usec, p.data.len(), p.orig_len),
        (1_712_763_541, 734_807, 98, 98)
    );
    assert!(cap.next_packet().unwrap().is_none());

    let mut cap = FileCapture::open(&pcaps.join("tcpdump__tcp-handshake-nano.pcap")).unwrap();
    assert_eq!(cap.link_types(), &[113]);
    assert!(cap.next_packet().unwrap().unwrap().ts.usec < 1_000_000);

    let mut cap =
        FileCapture::open(&pcaps.join("derived-truncated-midpacket__zeek_smtp.pcap")).unwrap();
    let mut n = 0;
    let err = loop {
        match cap.next_packet() {
            Ok(Some(_)) => n += 1,
            Ok(None) => panic!("no error"),
            Err(e) => break e,
        }
    };
    assert_eq!(n, 83);
    let text = err.to_string();
    assert!(text.contains("at byte 30070"), "{text}");
    assert!(
        text.contains("record header says 72 bytes, 36 present"),
        "{text}"
    );
}
