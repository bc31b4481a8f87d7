//! One test per quirk of spec §3.7, each with the cases that must and must not set it.

use p0fmod_wire::Quirks;

use crate::common::*;

const RAW: u32 = 101;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;
const URG: u8 = 0x20;
const ECE: u8 = 0x40;
const CWR: u8 = 0x80;

/// Quirks of an IPv4 packet with header `ip` and segment `tcp`.
fn q4(ip: Ip4, tcp: Tcp) -> Quirks {
    ok(RAW, &ip.wrap(&tcp.bytes())).quirks
}

/// Quirks of an IPv6 packet with header `ip` and segment `tcp`.
fn q6(ip: Ip6, tcp: Tcp) -> Quirks {
    ok(RAW, &ip.wrap(&tcp.bytes())).quirks
}

/// Quirks of an IPv4 packet (DF, ID 0x1234 unless changed) with segment `tcp`.
fn qt(tcp: Tcp) -> Quirks {
    q4(Ip4::default(), tcp)
}

fn with_flags(flags: u8) -> Tcp {
    Tcp {
        flags,
        ..Tcp::default()
    }
}

#[test]
fn df_and_id_plus() {
    assert_eq!(
        q4(Ip4::default(), Tcp::default()),
        Quirks::DF | Quirks::NZ_ID
    );
    let zero_id = Ip4 {
        id: 0,
        ..Ip4::default()
    };
    assert_eq!(q4(zero_id, Tcp::default()), Quirks::DF);
}

#[test]
fn id_minus() {
    let no_df = Ip4 {
        id: 0,
        frag: 0,
        ..Ip4::default()
    };
    assert_eq!(q4(no_df, Tcp::default()), Quirks::ZERO_ID);
    let no_df_id = Ip4 {
        id: 7,
        frag: 0,
        ..Ip4::default()
    };
    assert_eq!(q4(no_df_id, Tcp::default()), Quirks::empty());
}

#[test]
fn zero_plus_reserved_flag() {
    let evil = Ip4 {
        frag: 0xc000,
        ..Ip4::default()
    };
    assert_eq!(
        q4(evil, Tcp::default()),
        Quirks::DF | Quirks::NZ_ID | Quirks::NZ_MBZ
    );
}

#[test]
fn ecn_from_ip_and_tcp() {
    let base = Quirks::DF | Quirks::NZ_ID;
    for tos in [0x01, 0x02, 0x03] {
        let ip = Ip4 {
            tos,
            ..Ip4::default()
        };
        assert_eq!(q4(ip, Tcp::default()), base | Quirks::ECN, "tos {tos:#x}");
    }
    let dscp_only = Ip4 {
        tos: 0xfc,
        ..Ip4::default()
    };
    assert_eq!(q4(dscp_only, Tcp::default()), base);
    assert_eq!(qt(with_flags(SYN | ECE)), base | Quirks::ECN);
    assert_eq!(qt(with_flags(SYN | CWR)), base | Quirks::ECN);
    let ns = Tcp {
        ns: true,
        ..Tcp::default()
    };
    assert_eq!(qt(ns), base | Quirks::ECN);
    let ect6 = Ip6 {
        class: 0x02,
        ..Ip6::default()
    };
    assert_eq!(q6(ect6, Tcp::default()), Quirks::ECN);
    let dscp6 = Ip6 {
        class: 0xfc,
        ..Ip6::default()
    };
    assert_eq!(q6(dscp6, Tcp::default()), Quirks::empty());
}

#[test]
fn flow_label() {
    let flow = Ip6 {
        flow: 0x1_2345,
        ..Ip6::default()
    };
    assert_eq!(q6(flow, Tcp::default()), Quirks::FLOW);
    let low = Ip6 {
        flow: 1,
        ..Ip6::default()
    };
    assert_eq!(q6(low, Tcp::default()), Quirks::FLOW);
    assert_eq!(q6(Ip6::default(), Tcp::default()), Quirks::empty());
}

#[test]
fn seq_minus() {
    let zero = Tcp {
        seq: 0,
        ..Tcp::default()
    };
    assert!(qt(zero).contains(Quirks::ZERO_SEQ));
    assert!(!qt(Tcp::default()).contains(Quirks::ZERO_SEQ));
}

#[test]
fn ack_plus_reproduces_the_byte_order_bug() {
    // The values of the crafted ackplus capture and what p0f logged for them.
    for (ack, expect) in [
        (0x0000_0001, false),
        (0x0100_0000, true),
        (0x0000_0100, false),
        (0x0001_0000, false),
        (0x0300_0000, true),
        (0x0200_0000, false),
        (0xff00_0000, true),
        (0xfeff_ffff, false),
    ] {
        let syn = Tcp {
            ack,
            ..Tcp::default()
        };
        assert_eq!(qt(syn).contains(Quirks::NZ_ACK), expect, "ack {ack:#010x}");
    }
    // Never on RST, never with ACK set.
    let rst = Tcp {
        ack: 0x0100_0000,
        flags: RST,
        ..Tcp::default()
    };
    assert!(!qt(rst).contains(Quirks::NZ_ACK));
    let acked = Tcp {
        ack: 0x0100_0000,
        flags: SYN | ACK,
        ..Tcp::default()
    };
    assert!(!qt(acked).contains(Quirks::NZ_ACK));
}

#[test]
fn ack_minus() {
    let zero = Tcp {
        ack: 0,
        flags: SYN | ACK,
        ..Tcp::default()
    };
    assert!(qt(zero).contains(Quirks::ZERO_ACK));
    let rst_ack = Tcp {
        ack: 0,
        flags: RST | ACK,
        ..Tcp::default()
    };
    assert!(qt(rst_ack).contains(Quirks::ZERO_ACK));
    let nz = Tcp {
        ack: 1,
        flags: SYN | ACK,
        ..Tcp::default()
    };
    assert!(!qt(nz).contains(Quirks::ZERO_ACK));
    // No ACK flag: ack- never applies.
    assert!(!qt(Tcp::default()).contains(Quirks::ZERO_ACK));
}

#[test]
fn urgf_plus_and_uptr_plus() {
    let urg = Tcp {
        flags: SYN | URG,
        urg: 5,
        ..Tcp::default()
    };
    let q = qt(urg);
    assert!(q.contains(Quirks::URG));
    assert!(!q.contains(Quirks::NZ_URG));
    let ptr = Tcp {
        urg: 5,
        ..Tcp::default()
    };
    let q = qt(ptr);
    assert!(q.contains(Quirks::NZ_URG));
    assert!(!q.contains(Quirks::URG));
    let q = qt(Tcp::default());
    assert!(!q.contains(Quirks::NZ_URG) && !q.contains(Quirks::URG));
}

#[test]
fn pushf_plus() {
    assert!(qt(with_flags(SYN | PSH)).contains(Quirks::PUSH));
    assert!(!qt(with_flags(SYN)).contains(Quirks::PUSH));
}

#[test]
fn ts1_minus_and_ts2_plus() {
    // nop, nop, ts(0, 7).
    let ts = [1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 7];
    let syn = Tcp::syn_with(&ts);
    let q = qt(syn.clone());
    assert!(q.contains(Quirks::OPT_ZERO_TS1));
    assert!(q.contains(Quirks::OPT_NZ_TS2));
    // ts2+ only on a pure SYN.
    for flags in [SYN | ACK, ACK, SYN | PSH | ACK] {
        let other = Tcp {
            flags,
            ack: 1,
            ..syn.clone()
        };
        let q = qt(other);
        assert!(q.contains(Quirks::OPT_ZERO_TS1), "flags {flags:#x}");
        assert!(!q.contains(Quirks::OPT_NZ_TS2), "flags {flags:#x}");
    }
    // A SYN with extra PSH is still p0f type SYN.
    assert!(
        qt(Tcp {
            flags: SYN | PSH,
            ..syn
        })
        .contains(Quirks::OPT_NZ_TS2)
    );
    let fine = Tcp::syn_with(&[1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0]);
    let q = qt(fine);
    assert!(!q.contains(Quirks::OPT_ZERO_TS1) && !q.contains(Quirks::OPT_NZ_TS2));
}

#[test]
fn opt_plus_exws_and_bad() {
    // mss, eol, padding 00 01 00: caught.
    let q = qt(Tcp::syn_with(&[2, 4, 5, 0xb4, 0, 0, 1, 0]));
    assert!(q.contains(Quirks::OPT_EOL_NZ));
    assert!(!q.contains(Quirks::OPT_BAD));
    // ws 15.
    let q = qt(Tcp::syn_with(&[1, 3, 3, 15]));
    assert!(q.contains(Quirks::OPT_EXWS));
    assert!(!qt(Tcp::syn_with(&[1, 3, 3, 14])).contains(Quirks::OPT_EXWS));
    // MSS with length byte 5.
    assert!(qt(Tcp::syn_with(&[2, 5, 5, 0xb4])).contains(Quirks::OPT_BAD));
}

#[test]
fn crafted_quirks_packet() {
    // The packet of the crafted quirks capture; p0f logged
    // `id-,ecn,seq-,uptr+,pushf+,opt+` and `tos:0x04`.
    let hex = "451200340000000040060000c000020ac63364149c680050000000000000000080ca2000000000\
               05020405b40100000100000000";
    let hex: String = hex.split_whitespace().collect();
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let p = ok(RAW, &bytes);
    assert_eq!(p.quirks.to_string(), "id-,ecn,seq-,uptr+,pushf+,opt+");
    assert_eq!(p.tos, 0x04);
    assert_eq!(p.opt_layout.as_slice(), &[2, 1, 0]);
    assert_eq!(p.eol_pad, 6);
}
