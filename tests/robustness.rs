//! The `p0fmod` command against damaged and hostile input, end to end (issue 7).
//!
//! Every case runs the real binary with a deadline, and checks that it neither panics nor
//! hangs, that it says clearly what is wrong, and that everything before the damage was
//! processed:
//!
//! * captures: empty files (plain and gzip), a header and nothing else, a cut gzip stream,
//!   record and block lengths that cannot be right (pcap and pcapng);
//! * packets: IP and TCP header lengths past the end of the packet, TCP option lengths of
//!   0, 1 and 255, packets of 64 KiB and just over; these are also compared with the p0f
//!   3.09b binary when it is installed (`/usr/sbin/p0f`, see scripts/setup);
//! * databases: broken lines (every one reported with its line), a multi-byte character
//!   where p0f skips a byte, an endless file (`/dev/zero`), a directory, an empty file, and
//!   one just over 16 MiB (p0f reads it; p0fmod refuses it, docs/divergences.md #6);
//! * a SYN flood from a million random sources through the engine with `-m 100,1000`:
//!   both caches stay at their limits;
//! * a log path planted as a dangling symlink; a log and a database that are FIFOs (refused
//!   without blocking); a log ending in a torn line.
//!
//! Cutting a pcap inside a packet, text that is not a capture and a log symlinked to an
//! existing file are in `tests/cli.rs`.

mod common;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;

/// Longest any run may take; far more than any case needs.
const DEADLINE: Duration = Duration::from_secs(60);

/// Exit status, stdout and stderr of `p0fmod args...` (TZ=UTC), failing the test if it
/// runs past [`DEADLINE`] or panics.
fn run(args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_p0fmod"))
        .env("TZ", "UTC")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start p0fmod");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("p0fmod {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(
        !stderr.contains("panicked"),
        "p0fmod {args:?} panicked:\n{stderr}"
    );
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

/// Runs `p0fmod -r capture -o log` (plus `extra`) and returns the status, stderr and log.
fn read_capture(capture: &Path, extra: &[&str]) -> (i32, String, Vec<String>) {
    let log = capture.with_extension("log");
    let _ = std::fs::remove_file(&log);
    let mut args = vec!["-r", path_str(capture), "-o", path_str(&log)];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args);
    (code, err, log_lines(&log))
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A little-endian, microsecond pcap file of the given link type, snaplen 262144.
fn pcap(link: u32, records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(0xa1b2_c3d4u32.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0; 8]);
    out.extend(262_144u32.to_le_bytes());
    out.extend(link.to_le_bytes());
    for r in records {
        out.extend(r);
    }
    out
}

/// A pcap record at `sec` whose captured and original lengths are the frame's.
fn record(sec: u32, frame: &[u8]) -> Vec<u8> {
    let len = frame.len() as u32;
    record_with_len(sec, frame, len)
}

/// A pcap record whose captured-length field says `caplen`, whatever the frame holds.
fn record_with_len(sec: u32, frame: &[u8], caplen: u32) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(sec.to_le_bytes());
    out.extend(0u32.to_le_bytes());
    out.extend(caplen.to_le_bytes());
    out.extend((frame.len() as u32).to_le_bytes());
    out.extend(frame);
    out
}

/// Linux's SYN options: mss 1460, sok, ts, nop, ws 7.
const LINUX_OPTS: [u8; 20] = [
    2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 100, 0, 0, 0, 0, 1, 3, 3, 7,
];

/// How to build (or damage) an IPv4 SYN in an Ethernet frame.
struct Syn {
    /// Last byte of the source address, 192.0.2.N; also picks the source port.
    host: u8,
    /// TCP options (the data offset follows from their length unless `doff` is set).
    opts: Vec<u8>,
    /// TCP payload.
    payload: Vec<u8>,
    /// IPv4 header length field (words); 5 unless damaged.
    ihl: u8,
    /// TCP data offset field (words); `None` for the right value.
    doff: Option<u8>,
    /// IPv4 total length field; `None` for the right value.
    tot_len: Option<u16>,
    /// Bytes of the frame kept (snap length); `None` for all.
    keep: Option<usize>,
}

impl Syn {
    fn linux(host: u8) -> Syn {
        Syn {
            host,
            opts: LINUX_OPTS.to_vec(),
            payload: Vec::new(),
            ihl: 5,
            doff: None,
            tot_len: None,
            keep: None,
        }
    }

    fn with_opts(host: u8, opts: &[u8]) -> Syn {
        Syn {
            opts: opts.to_vec(),
            ..Syn::linux(host)
        }
    }

    fn frame(&self) -> Vec<u8> {
        let mut tcp = Vec::new();
        tcp.extend((40_000 + u16::from(self.host)).to_be_bytes());
        tcp.extend(80u16.to_be_bytes());
        tcp.extend(1000u32.to_be_bytes());
        tcp.extend(0u32.to_be_bytes());
        let doff = self
            .doff
            .unwrap_or((20 + self.opts.len()).div_ceil(4) as u8);
        tcp.extend([doff << 4, 0x02]);
        tcp.extend(29_200u16.to_be_bytes());
        tcp.extend([0, 0, 0, 0]);
        tcp.extend(&self.opts);
        while (tcp.len() % 4) != 0 {
            tcp.push(0);
        }
        tcp.extend(&self.payload);

        let ip_len = 20 + tcp.len();
        let tot_len = self.tot_len.unwrap_or(ip_len.min(65_535) as u16);
        let mut frame = vec![0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00];
        frame.extend([0x40 | self.ihl, 0]);
        frame.extend(tot_len.to_be_bytes());
        frame.extend([0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, self.host]);
        frame.extend([198, 51, 100, 1]);
        frame.extend(tcp);
        if let Some(keep) = self.keep {
            frame.truncate(keep);
        }
        frame
    }
}

/// The `cli=` field of the SYN of `Syn { host, .. }`.
fn cli(host: u8) -> String {
    format!("|cli=192.0.2.{host}/{}|", 40_000 + u16::from(host))
}

/// The log lines of the `syn` observations of one client.
fn syn_lines(lines: &[String], host: u8) -> Vec<&String> {
    lines
        .iter()
        .filter(|l| l.contains("mod=syn|") && l.contains(&cli(host)))
        .collect()
}

#[test]
fn empty_and_packetless_captures() {
    let dir = scratch("robust-empty");
    let (code, _, err) = run(&["-r", path_str(&write(&dir, "empty.pcap", b""))]);
    assert_eq!(code, 1);
    assert!(err.contains("at byte 0: empty file"), "{err}");

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"").unwrap();
    let gz = write(&dir, "empty.pcap.gz", &gz.finish().unwrap());
    let (code, _, err) = run(&["-r", path_str(&gz)]);
    assert_eq!(code, 1);
    assert!(
        err.contains("empty file (nothing after gzip decompression)"),
        "{err}"
    );

    let header_only = write(&dir, "header.pcap", &pcap(1, &[]));
    let (code, out, err) = run(&["-r", path_str(&header_only)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Processed 0 packets"), "{out}");

    // A pcapng section header and nothing else.
    let mut shb = Vec::new();
    shb.extend(0x0a0d_0d0au32.to_le_bytes());
    shb.extend(28u32.to_le_bytes());
    shb.extend(0x1a2b_3c4du32.to_le_bytes());
    shb.extend([1, 0, 0, 0]);
    shb.extend(u64::MAX.to_le_bytes());
    shb.extend(28u32.to_le_bytes());
    let (code, out, err) = run(&["-r", path_str(&write(&dir, "shb.pcapng", &shb))]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Processed 0 packets"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn impossible_record_lengths_stop_after_the_good_packets() {
    let dir = scratch("robust-lengths");
    let good = record(1_700_000_000, &Syn::linux(1).frame());
    let second_at = 24 + good.len();
    for caplen in [262_145, 0x7fff_ffff, u32::MAX] {
        let bad = record_with_len(1_700_000_001, &Syn::linux(2).frame(), caplen);
        let after = record(1_700_000_002, &Syn::linux(3).frame());
        let file = write(&dir, "caplen.pcap", &pcap(1, &[good.clone(), bad, after]));
        let (code, err, lines) = read_capture(&file, &[]);
        assert_eq!(code, 0, "packets before the damage were read: {err}");
        assert!(
            err.contains("Capture damaged") && err.contains(&format!("at byte {second_at}")),
            "caplen {caplen}: {err}"
        );
        assert_eq!(syn_lines(&lines, 1).len(), 1, "caplen {caplen}: {lines:?}");
        assert!(syn_lines(&lines, 3).is_empty(), "nothing after the damage");
    }

    // pcapng: an enhanced packet block whose length runs past the end of the file, and one
    // whose captured length does not fit in its block.
    let idb = block(1, &[1, 0, 0, 0, 0, 0, 4, 0]);
    let shb = block(
        0x0a0d_0d0a,
        &[
            0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255,
        ],
    );
    let epb = |frame: &[u8], caplen: u32| {
        let mut body = vec![0; 12];
        body.extend(caplen.to_le_bytes());
        body.extend((frame.len() as u32).to_le_bytes());
        body.extend(frame);
        block(6, &body)
    };
    let first = epb(&Syn::linux(1).frame(), Syn::linux(1).frame().len() as u32);
    let second_at = shb.len() + idb.len() + first.len();
    let mut past_end = epb(&Syn::linux(2).frame(), 66);
    past_end[4..8].copy_from_slice(&1_000_000u32.to_le_bytes());
    let too_long = epb(&Syn::linux(2).frame(), 10_000);
    for (name, damaged) in [("past-end", past_end), ("caplen", too_long)] {
        let bytes = [shb.clone(), idb.clone(), first.clone(), damaged].concat();
        let file = write(&dir, &format!("{name}.pcapng"), &bytes);
        let (code, err, lines) = read_capture(&file, &[]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(
            err.contains(&format!("at byte {second_at}")),
            "{name}: {err}"
        );
        assert_eq!(syn_lines(&lines, 1).len(), 1, "{name}: {lines:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A little-endian pcapng block with its two length fields.
fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let padded = body.len().div_ceil(4) * 4;
    let len = (12 + padded) as u32;
    let mut out = Vec::new();
    out.extend(kind.to_le_bytes());
    out.extend(len.to_le_bytes());
    out.extend(body);
    out.resize(8 + padded, 0);
    out.extend(len.to_le_bytes());
    out
}

#[test]
fn cut_gzip_stream_keeps_what_came_before() {
    let dir = scratch("robust-gzip");
    let records: Vec<Vec<u8>> = (1..=200)
        .map(|h| record(1_700_000_000, &Syn::linux(h).frame()))
        .collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&pcap(1, &records)).unwrap();
    let gz = gz.finish().unwrap();
    let file = write(&dir, "cut.pcap.gz", &gz[..gz.len() * 3 / 4]);
    let (code, err, lines) = read_capture(&file, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("gzip stream truncated"), "{err}");
    assert!(
        !syn_lines(&lines, 1).is_empty(),
        "the packets before the cut were processed"
    );
    assert!(syn_lines(&lines, 200).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_gzip_of_huge_pcapng_blocks_is_read_in_bounded_memory() {
    // A small .gz that expands to three 64 MiB blocks (a type no reader knows, all zeros)
    // between packets: each block is skipped unread with a warning, the packets around
    // them are reported, and the process stays far below one block's size (it used to
    // buffer each block whole: 64 MiB and more).
    let dir = scratch("robust-bomb");
    let shb = block(
        0x0a0d_0d0a,
        &[
            0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255,
        ],
    );
    let idb = block(1, &[1, 0, 0, 0, 0, 0, 4, 0]);
    let epb = |frame: &[u8]| {
        let mut body = vec![0; 12];
        body.extend((frame.len() as u32).to_le_bytes());
        body.extend((frame.len() as u32).to_le_bytes());
        body.extend(frame);
        block(6, &body)
    };
    const HUGE: u32 = 64 << 20;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&[shb, idb].concat()).unwrap();
    let mut offsets = Vec::new();
    // The section header (28 bytes) and the interface (20 bytes) come first.
    let mut offset = 28 + 20;
    for h in 1..=3u8 {
        let packet = epb(&Syn::linux(h).frame());
        gz.write_all(&packet).unwrap();
        offset += packet.len() as u64;
        offsets.push(offset);
        gz.write_all(&0x0bad_0bad_u32.to_le_bytes()).unwrap();
        gz.write_all(&HUGE.to_le_bytes()).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..(HUGE as usize - 12) >> 20 {
            gz.write_all(&zeros).unwrap();
        }
        gz.write_all(&zeros[..(HUGE as usize - 12) % (1 << 20)])
            .unwrap();
        gz.write_all(&HUGE.to_le_bytes()).unwrap();
        offset += u64::from(HUGE);
    }
    gz.write_all(&epb(&Syn::linux(4).frame())).unwrap();
    let bytes = gz.finish().unwrap();
    assert!(bytes.len() < 2 << 20, "{} bytes of gzip", bytes.len());
    let file = write(&dir, "bomb.pcapng.gz", &bytes);
    let log = dir.join("bomb.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_p0fmod"))
        .args(["-r", path_str(&file), "-o", path_str(&log)])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The peak resident size, read while it runs (VmHWM only grows).
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < DEADLINE, "the run did not end");
        if let Ok(text) = std::fs::read_to_string(&status) {
            for line in text.lines() {
                if let Some(v) = line.strip_prefix("VmHWM:") {
                    let kib = v.trim().trim_end_matches(" kB").trim().parse().unwrap_or(0);
                    peak_kib = peak_kib.max(kib);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    eprintln!("peak resident size: {peak_kib} KiB");
    assert!(output.status.success(), "{err}");
    for at in &offsets {
        assert!(
            err.contains(&format!(
                "[!] WARNING: Skipped a pcapng unknown block of {HUGE} bytes at offset {at} \
                 (blocks over 16 MiB are not read)."
            )),
            "offset {at}: {err}"
        );
    }
    let lines = log_lines(&log);
    for h in 1..=4 {
        assert_eq!(syn_lines(&lines, h).len(), 1, "SYN {h}: {lines:?}");
    }
    // The bound: one 1 MiB read buffer and the inflater's window, whatever the blocks
    // expand to; 40 MiB leaves room for a debug build's own size.
    assert!(peak_kib > 0, "no reading of /proc/PID/status");
    assert!(peak_kib < 40 << 10, "peak resident size {peak_kib} KiB");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Damaged packets between good ones: each is dropped or fingerprinted as p0f does, and
/// the good packets around them are not affected.
fn damaged_packets() -> Vec<(&'static str, Syn)> {
    let mut cases = vec![
        (
            "IPv4 header length past the end",
            Syn {
                ihl: 15,
                keep: Some(14 + 40),
                ..Syn::linux(10)
            },
        ),
        (
            "IPv4 header length below 5",
            Syn {
                ihl: 2,
                ..Syn::linux(11)
            },
        ),
        (
            "IPv4 total length past the end",
            Syn {
                tot_len: Some(1500),
                ..Syn::linux(12)
            },
        ),
        (
            "IPv4 total length below the headers",
            Syn {
                tot_len: Some(30),
                ..Syn::linux(13)
            },
        ),
        (
            "TCP data offset past the end",
            Syn {
                doff: Some(15),
                ..Syn::linux(14)
            },
        ),
        (
            "TCP data offset below 5",
            Syn {
                doff: Some(3),
                ..Syn::linux(15)
            },
        ),
        (
            "TCP header cut by the snap length",
            Syn {
                keep: Some(14 + 20 + 10),
                ..Syn::linux(16)
            },
        ),
    ];
    // Option lengths 0, 1 and 255 for MSS, window scale, SACK, timestamp and an unknown kind.
    let mut host = 20;
    for kind in [2u8, 3, 5, 8, 99] {
        for len in [0u8, 1, 255] {
            let name = match (kind, len) {
                (_, 0) => "option length 0",
                (_, 1) => "option length 1",
                _ => "option length 255",
            };
            cases.push((name, Syn::with_opts(host, &[kind, len, 5, 180, 1, 1, 1, 0])));
            host += 1;
        }
    }
    // The option length of the last option runs past the data offset.
    cases.push((
        "last option cut by the data offset",
        Syn::with_opts(host, &[1, 1, 1, 8, 10, 0, 0, 0]),
    ));
    cases
}

#[test]
fn damaged_headers_and_option_lengths_are_survived() {
    let dir = scratch("robust-packets");
    let cases = damaged_packets();
    let mut records = vec![record(1_700_000_000, &Syn::linux(1).frame())];
    for (_, syn) in &cases {
        records.push(record(1_700_000_001, &syn.frame()));
    }
    records.push(record(1_700_000_002, &Syn::linux(2).frame()));
    let file = write(&dir, "damaged.pcap", &pcap(1, &records));
    let (code, err, lines) = read_capture(&file, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(syn_lines(&lines, 1).len(), 1, "{lines:?}");
    assert_eq!(
        syn_lines(&lines, 2).len(),
        1,
        "the packet after the damaged ones: {lines:?}"
    );
    for (what, syn) in &cases[..7] {
        assert!(
            syn_lines(&lines, syn.host).is_empty(),
            "{what} is dropped: {lines:?}"
        );
    }
    same_as_p0f(&file);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn packets_of_64_kib() {
    let dir = scratch("robust-64k");
    // A 65,535-byte frame, p0f's snap length, is read whole; one of 14 + 65,535 bytes (the
    // largest IPv4 packet in Ethernet) is cut at 65,535 bytes, so its IP packet looks
    // truncated and is dropped, as p0f drops it.
    let fits = Syn {
        payload: vec![b'x'; 65_535 - 14 - 60],
        ..Syn::linux(1)
    };
    let over = Syn {
        payload: vec![b'x'; 65_535 - 60],
        ..Syn::linux(2)
    };
    assert_eq!((fits.frame().len(), over.frame().len()), (65_535, 65_549));
    let records = vec![
        record(1_700_000_000, &fits.frame()),
        record(1_700_000_001, &over.frame()),
        record(1_700_000_002, &Syn::linux(3).frame()),
    ];
    let file = write(&dir, "big.pcap", &pcap(1, &records));
    let (code, err, lines) = read_capture(&file, &[]);
    assert_eq!(code, 0, "{err}");
    let big = syn_lines(&lines, 1);
    assert!(
        big.len() == 1 && big[0].ends_with(":+"),
        "a SYN with a payload: {lines:?}"
    );
    assert!(syn_lines(&lines, 2).is_empty(), "{lines:?}");
    assert_eq!(syn_lines(&lines, 3).len(), 1, "{lines:?}");
    same_as_p0f(&file);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// With the p0f 3.09b binary installed: p0f's log and p0fmod's for the same capture,
/// both with the stock database.
fn reference_logs(capture: &Path) -> Option<(Vec<String>, Vec<String>)> {
    const P0F: &str = "/usr/sbin/p0f";
    let fp = stock_fp()?;
    if !Path::new(P0F).is_file() {
        eprintln!("note: {P0F} is not installed: no comparison with p0f 3.09b");
        return None;
    }
    let theirs = capture.with_extension("p0f.log");
    let _ = std::fs::remove_file(&theirs);
    Command::new(P0F)
        .env("TZ", "UTC")
        .arg("-f")
        .arg(&fp)
        .arg("-r")
        .arg(capture)
        .arg("-o")
        .arg(&theirs)
        .output()
        .expect("run p0f");
    let ours = capture.with_extension("p0fmod.log");
    let out = p0fmod_log(&fp, capture, &ours, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some((log_lines(&theirs), log_lines(&ours)))
}

/// p0fmod writes exactly p0f's lines for `capture`, when p0f is installed.
fn same_as_p0f(capture: &Path) {
    if let Some((theirs, ours)) = reference_logs(capture) {
        let c = compare(&theirs, &ours);
        assert!(
            c.missing.is_empty(),
            "p0f 3.09b wrote lines p0fmod did not: {:?}",
            c.missing
        );
        assert_eq!(
            ours.len(),
            theirs.len(),
            "p0fmod: {ours:#?}\np0f: {theirs:#?}"
        );
    }
}

#[test]
fn damaged_databases_are_refused_with_every_error() {
    let dir = scratch("robust-db");
    let capture = write(
        &dir,
        "one.pcap",
        &pcap(1, &[record(1_700_000_000, &Syn::linux(1).frame())]),
    );
    let broken = "classes = win,unix\n\
                  [tcp:request]\n\
                  label = s:unix:Linux:3.x\n\
                  sig = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0\n\
                  sig = 4:64:0:*:mss*20\n\
                  label = s:beos:X:y\n\
                  sig = *:64-:\u{e9}:0:*:mss:df:0\n\
                  [bogus]\n\
                  sig = *:64:0:*:mss*20,10:mss:quirk-that-is-not:0\n";
    let fp = write(&dir, "broken.fp", broken.as_bytes());
    let (code, _, err) = run(&["-f", path_str(&fp), "-r", path_str(&capture)]);
    assert_eq!(code, 1, "{err}");
    for line in [5, 6, 7, 8] {
        assert!(
            err.contains(&format!("broken.fp:{line}:")),
            "line {line} reported: {err}"
        );
    }
    assert!(err.contains("Signature database refused"), "{err}");

    let (code, _, err) = run(&["-f", "/dev/zero", "-r", path_str(&capture)]);
    assert_eq!(code, 1);
    assert!(err.contains("File too large"), "{err}");

    let (code, _, err) = run(&["-f", path_str(&dir), "-r", path_str(&capture)]);
    assert_eq!(code, 1);
    assert!(err.contains("Cannot open for reading"), "{err}");

    let empty = write(&dir, "empty.fp", b"");
    let (code, err, lines) = read_capture(&capture, &["-f", path_str(&empty)]);
    assert_eq!(code, 0, "an empty database loads: {err}");
    assert_eq!(
        syn_lines(&lines, 1).len(),
        1,
        "and the SYN is still reported: {lines:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn syn_flood_from_random_sources_keeps_both_caches_at_their_limits() {
    // -m 100,1000: a million SYNs, each from a new pseudo-random address and port.
    let limits = p0fmod::Limits {
        max_conn: 100,
        max_hosts: 1000,
        ..p0fmod::Limits::default()
    };
    let mut engine = p0fmod::Engine::new(Arc::new(p0fmod::Database::embedded()), limits);
    let mut frame = Syn::linux(0).frame()[14..].to_vec();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let (mut max_hosts, mut max_flows) = (0, 0);
    for i in 0..1_000_000u32 {
        // xorshift64*: addresses an attacker could pick.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let src = Ipv4Addr::from((r >> 32) as u32);
        frame[12..16].copy_from_slice(&src.octets());
        frame[20..22].copy_from_slice(&(r as u16).to_be_bytes());
        let ts = p0fmod::Timestamp {
            sec: 1_700_000_000 + i64::from(i / 100_000),
            usec: i % 100_000,
        };
        engine.process_frame(ts, 228, &frame, &mut |_| {}).unwrap();
        let (hosts, flows) = engine.cache_sizes();
        max_hosts = max_hosts.max(hosts);
        max_flows = max_flows.max(flows);
    }
    assert_eq!(max_flows, 101, "flows: -m 100 plus the one being added");
    assert_eq!(max_hosts, 1001, "hosts: -m ,1000 plus the one being added");
    let server = engine
        .host(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1)))
        .expect("the server is kept");
    assert_eq!(server.total_conn, 1_000_000);
}

#[test]
fn a_log_path_that_is_a_dangling_symlink_is_refused() {
    // Someone who can write to the log's directory plants a symlink to a file that does
    // not exist yet: p0fmod, often root, must not create it.
    let dir = scratch("robust-log");
    let capture = write(
        &dir,
        "one.pcap",
        &pcap(1, &[record(1_700_000_000, &Syn::linux(1).frame())]),
    );
    let target = dir.join("planted-target");
    let link = dir.join("p0fmod.log");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (code, _, err) = run(&["-r", path_str(&capture), "-o", path_str(&link)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("Cannot open '{}'", link.display())),
        "{err}"
    );
    assert!(!target.exists(), "nothing was created through the symlink");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A FIFO at `path` (made with mkfifo(1)).
fn fifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[test]
fn fifos_for_the_log_and_the_database_are_refused_without_blocking() {
    // A FIFO nobody reads as the log, and one nobody writes as the database, used to
    // block the start-up forever (in open); `run` fails the test past its deadline.
    let dir = scratch("robust-fifo");
    let capture = write(
        &dir,
        "one.pcap",
        &pcap(1, &[record(1_700_000_000, &Syn::linux(1).frame())]),
    );
    let log = dir.join("log.fifo");
    fifo(&log);
    let started = Instant::now();
    let (code, _, err) = run(&["-r", path_str(&capture), "-o", path_str(&log)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("'{}' is not a regular file.", log.display())),
        "{err}"
    );
    let db = dir.join("db.fifo");
    fifo(&db);
    let (code, _, err) = run(&["-f", path_str(&db), "-r", path_str(&capture)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Not a regular file (a FIFO or a socket)"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_log_ending_in_a_torn_line_gets_a_line_end_before_the_next_run_s_lines() {
    // A previous run killed (or out of space) in the middle of a line left a fragment.
    let dir = scratch("robust-torn");
    let capture = write(
        &dir,
        "one.pcap",
        &pcap(1, &[record(1_700_000_000, &Syn::linux(1).frame())]),
    );
    let log = write(
        &dir,
        "p0fmod.log",
        b"[2026/01/01 00:00:00] mod=syn|cli=10.0.0.1/4",
    );
    let (code, _, err) = run(&["-r", path_str(&capture), "-o", path_str(&log)]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0], "[2026/01/01 00:00:00] mod=syn|cli=10.0.0.1/4",
        "{text}"
    );
    assert!(
        lines[1].starts_with('[') && lines[1].contains("mod=syn"),
        "{text}"
    );
    assert!(text.ends_with('\n'));
    // A log that ends in a line end is appended to as it is.
    let before = text.len();
    let (code, _, err) = run(&["-r", path_str(&capture), "-o", path_str(&log)]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text[before..].starts_with('['), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_database_over_16_mib_is_refused_where_p0f_reads_it() {
    let Some(stock) = stock_fp() else {
        panic!("the stock p0f.fp is needed (../shared/reference/p0f.fp or /etc/p0f/p0f.fp)");
    };
    let dir = scratch("robust-bigdb");
    let capture = write(
        &dir,
        "one.pcap",
        &pcap(1, &[record(1_700_000_000, &Syn::linux(1).frame())]),
    );
    let mut text = std::fs::read_to_string(&stock).unwrap();
    let comment = format!("; {}\n", "x".repeat(1021));
    // p0fmod_db::MAX_DB_FILE_LEN.
    while text.len() <= 16 << 20 {
        text.push_str(&comment);
    }
    let big = write(&dir, "big.fp", text.as_bytes());
    let (code, _, err) = run(&["-f", path_str(&big), "-r", path_str(&capture)]);
    assert_eq!(code, 1);
    assert!(
        err.contains("File too large (more than 16777216 bytes)"),
        "{err}"
    );
    // The same text without the last comment line loads.
    let fits = write(
        &dir,
        "fits.fp",
        &text.as_bytes()[..text.len() - comment.len()],
    );
    let (code, out, err) = run(&["-f", path_str(&fits), "-r", path_str(&capture)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Loaded 322 signatures"), "{out}");
    if Path::new("/usr/sbin/p0f").is_file() {
        let out = Command::new("/usr/sbin/p0f")
            .args(["-f", path_str(&big), "-r", path_str(&capture)])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && said.contains("Loaded 322 signatures"),
            "{said}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
