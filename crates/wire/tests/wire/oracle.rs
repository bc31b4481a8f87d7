//! Captures checked against the reference: the crafted captures against the `raw_sig`
//! fields p0f 3.09b logged for them, and the shared real captures against the link types
//! and SYN counts of their manifest. Skipped (with a message) when the files are absent.

use std::collections::HashMap;
use std::net::IpAddr;

use p0fmod_wire::{DecodeError, LinkType, TcpFlags, TcpPacket, decode};

use crate::common::*;

/// p0f's address format: IPv6 as eight uncompressed hex groups.
fn addr(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => a
            .segments()
            .iter()
            .map(|s| format!("{s:x}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

/// The option layout as p0f prints it.
fn olayout(p: &TcpPacket<'_>) -> String {
    p.opt_layout
        .as_slice()
        .iter()
        .map(|&k| match k {
            0 => format!("eol+{}", p.eol_pad),
            1 => "nop".to_string(),
            2 => "mss".to_string(),
            3 => "ws".to_string(),
            4 => "sok".to_string(),
            5 => "sack".to_string(),
            8 => "ts".to_string(),
            k => format!("?{k}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Checks one packet against the `raw_sig` p0f logged for it (spec §6.1). Returns a
/// description of the first difference.
fn check_sig(p: &TcpPacket<'_>, sig: &str) -> Result<(), String> {
    let f: Vec<&str> = sig.split(':').collect();
    let [ver, ttl, olen, mss, win, layout, quirks, pclass] = f[..] else {
        return Err(format!("odd raw_sig {sig}"));
    };
    let our_ver = match p.version {
        p0fmod_wire::IpVersion::V4 => "4",
        p0fmod_wire::IpVersion::V6 => "6",
    };
    let guess = [32u16, 64, 128, 255]
        .into_iter()
        .find(|&t| t >= u16::from(p.ttl))
        .unwrap_or(255)
        - u16::from(p.ttl);
    let our_ttl = if guess > 35 {
        format!("{}+?", p.ttl)
    } else {
        format!("{}+{}", p.ttl, guess)
    };
    let our_mss = if p.flags.kind() == TcpFlags::SYN | TcpFlags::ACK && p.mss == 1331 {
        "*".to_string()
    } else {
        p.mss.to_string()
    };
    let (w, scale) = win.split_once(',').ok_or("no scale")?;
    let win_ok = match w.split_once('*') {
        None => w == p.win.to_string(),
        Some((mode, n)) => {
            let n: u32 = n.parse().map_err(|_| "bad multiplier")?;
            let (win, m, hdr) = (u32::from(p.win), u32::from(p.mss), u32::from(p.tot_hdr));
            let divisors: Vec<u32> = if mode == "mss" {
                vec![m, m.wrapping_sub(12), 1460, 1448, 1440, 1428]
            } else {
                vec![m + 40, m + hdr, m + 60, 1500]
            };
            divisors.into_iter().any(|d| d * n == win)
        }
    };
    let pay = if p.payload.is_empty() { "0" } else { "+" };
    let ours = [
        (ver, our_ver.to_string()),
        (ttl, our_ttl),
        (olen, p.ip_opt_len.to_string()),
        (mss, our_mss),
        (scale, p.wscale.to_string()),
        (layout, olayout(p)),
        (quirks, p.quirks.to_string()),
        (pclass, pay.to_string()),
    ];
    for (theirs, ours) in ours {
        if theirs != ours {
            return Err(format!("p0f {theirs:?}, ours {ours:?} in {sig}"));
        }
    }
    if !win_ok {
        return Err(format!("window {} does not give {w}", p.win));
    }
    Ok(())
}

/// (source, destination, "syn" or "syn+ack") → raw_sigs p0f logged.
type Logged = HashMap<(String, String, &'static str), Vec<String>>;

fn read_log(path: &str) -> Option<Logged> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut out = Logged::new();
    for line in text.lines() {
        // `[date] mod=...|cli=...|srv=...|...|raw_sig=...`
        let body = line.split_once("] ").map_or(line, |(_, b)| b);
        let field = |name: &str| {
            body.split('|')
                .find_map(|f| f.strip_prefix(name))
                .map(str::to_string)
        };
        let (Some(module), Some(cli), Some(srv), Some(sig)) = (
            field("mod="),
            field("cli="),
            field("srv="),
            field("raw_sig="),
        ) else {
            continue;
        };
        let key = match module.as_str() {
            "syn" => (cli, srv, "syn"),
            "syn+ack" => (srv, cli, "syn+ack"),
            _ => continue,
        };
        out.entry(key).or_default().push(sig);
    }
    Some(out)
}

#[test]
fn crafted_captures_match_p0f_raw_sig() {
    let Ok(dir) = std::fs::read_dir(format!("{ORACLE}/crafted")) else {
        println!("skipping: {ORACLE}/crafted not found");
        return;
    };
    let mut checked = 0;
    let mut names: Vec<String> = dir
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".pcap.log").map(str::to_string))
        .collect();
    names.sort();
    for name in names {
        let Some(log) = read_log(&format!("{ORACLE}/crafted/{name}.pcap.log")) else {
            continue;
        };
        let Some(pcap) = read_pcap(&format!("{PCAPS}/crafted/{name}.pcap")) else {
            continue;
        };
        let mut seen = HashMap::new();
        for frame in &pcap.frames {
            let Ok(p) = decode(LinkType(pcap.linktype), frame) else {
                continue;
            };
            let kind = match p.flags.kind() {
                k if k == TcpFlags::SYN => "syn",
                k if k == TcpFlags::SYN | TcpFlags::ACK => "syn+ack",
                _ => continue,
            };
            let key = (
                format!("{}/{}", addr(p.src), p.src_port),
                format!("{}/{}", addr(p.dst), p.dst_port),
                kind,
            );
            let Some(sigs) = log.get(&key) else {
                continue;
            };
            let results: Vec<_> = sigs.iter().map(|s| check_sig(&p, s)).collect();
            assert!(
                results.iter().any(Result::is_ok),
                "{name}: {key:?}: {results:?}"
            );
            *seen.entry(key).or_insert(0) += 1;
            checked += 1;
        }
        for key in log.keys() {
            assert!(
                seen.contains_key(key),
                "{name}: p0f logged {key:?}, we did not decode it"
            );
        }
    }
    println!("checked {checked} packets against p0f's raw_sig");
    assert!(checked >= 40, "only {checked} packets checked");
}

#[test]
fn vlan_capture_p0f_missed_decodes_like_the_untagged_one() {
    // p0f logs nothing for this capture (its Ethernet offset is fixed at 14); p0fmod
    // decodes the tag and must see what p0f saw in the untagged capture.
    let (Some(tagged), Some(log)) = (
        read_pcap(&format!("{PCAPS}/crafted/dlt_en10mb_vlan.pcap")),
        read_log(&format!("{ORACLE}/crafted/dlt_en10mb.pcap.log")),
    ) else {
        return;
    };
    let p = decode(LinkType(tagged.linktype), &tagged.frames[0]).unwrap();
    let key = (
        format!("{}/{}", addr(p.src), p.src_port),
        format!("{}/{}", addr(p.dst), p.dst_port),
        "syn",
    );
    check_sig(&p, &log[&key][0]).unwrap();
}

/// Decodes a capture and counts (SYN, SYN+ACK, errors by kind).
fn census(path: &str) -> Option<(u32, usize, usize, HashMap<String, usize>)> {
    let pcap = read_pcap(path)?;
    let (mut syn, mut synack) = (0, 0);
    let mut errors = HashMap::new();
    for frame in &pcap.frames {
        match decode(LinkType(pcap.linktype), frame) {
            Ok(p) if p.flags.kind() == TcpFlags::SYN => syn += 1,
            Ok(p) if p.flags.kind() == TcpFlags::SYN | TcpFlags::ACK => synack += 1,
            Ok(_) => {}
            Err(e) => {
                let name = match e {
                    DecodeError::Truncated { .. } => "truncated".to_string(),
                    DecodeError::IgnoredFlags(_) => "flags".to_string(),
                    other => format!("{other:?}"),
                };
                *errors.entry(name).or_insert(0) += 1;
            }
        }
    }
    Some((pcap.linktype, syn, synack, errors))
}

#[test]
fn shared_captures_of_every_link_type() {
    // File, link type, SYNs, SYN+ACKs (the manifest's tshark counts, for files without
    // tunnels or reassembly).
    let cases: [(&str, u32, usize, usize); 15] = [
        ("arkime__80211http.pcap", 127, 1, 1),
        // The SYN was logged at three netfilter hooks: three identical records.
        ("zeek__nflog-http.pcap", 239, 3, 1),
        ("suricata-verify__bug-4810_pppoe-session-http.pcap", 1, 1, 1),
        ("zeek__vlan-qinqinq.pcap", 1, 1, 1),
        ("filesamples__simple_http_sll2.pcap", 276, 2, 2),
        ("local-linux-any-sll2-http.pcap", 276, 2, 2),
        ("tcpdump__mptcp-v1.pcap", 113, 1, 1),
        ("tcpdump__tcp-handshake-nano.pcap", 113, 1, 1),
        ("ja4__http-empty-useragent.pcap", 0, 1, 1),
        ("pcapplusplus__four_ipv6_http_streams.pcap", 12, 4, 4),
        ("pcapplusplus__linktype_ipv6.pcap", 229, 1, 0),
        ("pcapplusplus__raw_ip.pcap", 101, 4, 2),
        ("local-linux-ipv6-http.pcap", 1, 1, 1),
        ("local-linux-sequential-http.pcap", 1, 11, 11),
        ("zeek__mixed-vlan-mpls.pcap", 1, 3, 2),
    ];
    for (file, link, syn, synack) in cases {
        let Some((lt, s, sa, errors)) = census(&format!("{PCAPS}/{file}")) else {
            continue;
        };
        assert_eq!(lt, link, "{file}");
        assert_eq!((s, sa), (syn, synack), "{file}: errors {errors:?}");
        assert!(!errors.contains_key("truncated"), "{file}: {errors:?}");
    }
}

#[test]
fn shared_captures_p0f_drops() {
    // A SYN cut into three 28-byte IPv4 fragments over PPP (compressed protocol field).
    let ppp = "suricata-verify__defrag_bug-6887-defrag-ppp-ipv4-tcp-syn_frag-ppp-ip-tcp-syn.pcap";
    if let Some((link, syn, _, errors)) = census(&format!("{PCAPS}/{ppp}")) {
        assert_eq!(link, 9);
        assert_eq!(syn, 0);
        assert_eq!(errors.get("Fragment"), Some(&3), "{errors:?}");
    }
    // A fragmented SYN over Ethernet.
    if let Some((_, syn, _, errors)) = census(&format!("{PCAPS}/zeek__ipv4_fragmented-syn.pcap")) {
        assert_eq!(syn, 0);
        assert!(errors.contains_key("Fragment"), "{errors:?}");
    }
    // An IPv6 SYN behind a routing header.
    if let Some((_, syn, _, errors)) = census(&format!(
        "{PCAPS}/zeek__chksums_ip6-route0-tcp-good-chksum.pcap"
    )) {
        assert_eq!(syn, 0);
        assert_eq!(errors.get("NotTcp"), Some(&1));
    }
}
