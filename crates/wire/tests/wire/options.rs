//! The TCP options walk of spec §3.6, corner by corner. Expected layouts are written as
//! p0f prints them in `raw_sig` (see `olayout`).

use p0fmod_wire::options::walk;
use p0fmod_wire::{OptLayout, Quirks, TcpOptions};

use crate::common::*;

const SYN: u8 = 0x02;
const SYN_ACK: u8 = 0x12;

/// The layout as p0f prints it: `eol+N`, `nop`, `mss`, `ws`, `sok`, `sack`, `ts`, `?N`.
fn olayout(o: &TcpOptions) -> String {
    o.layout
        .as_slice()
        .iter()
        .map(|&k| match k {
            0 => format!("eol+{}", o.eol_pad),
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

/// The option quirks as p0f prints them.
fn quirks(o: &TcpOptions) -> String {
    o.quirks.to_string()
}

#[test]
fn linux_syn() {
    let o = walk(&LINUX_OPTS, SYN);
    assert_eq!(olayout(&o), "mss,sok,ts,nop,ws");
    assert_eq!((o.mss, o.wscale, o.ts1, o.eol_pad), (1460, 7, 100, 0));
    assert_eq!(quirks(&o), "");
}

#[test]
fn empty_options() {
    let o = walk(&[], SYN);
    assert!(o.layout.is_empty());
    assert_eq!((o.mss, o.wscale, o.ts1), (0, 0, 0));
    assert_eq!(o.quirks, Quirks::empty());
}

#[test]
fn eol_padding_and_the_opt_plus_bug() {
    // Crafted tcp_opts packet 1: padding 00 00 01, the non-zero byte is last: missed.
    let o = walk(&[2, 4, 5, 0xb4, 0, 0, 0, 1], SYN);
    assert_eq!(olayout(&o), "mss,eol+3");
    assert_eq!(quirks(&o), "");
    // Crafted packet 2: padding 00 01 00: caught.
    let o = walk(&[2, 4, 5, 0xb4, 0, 0, 1, 0], SYN);
    assert_eq!(olayout(&o), "mss,eol+3");
    assert_eq!(quirks(&o), "opt+");
    // Non-zero first padding byte.
    assert_eq!(quirks(&walk(&[0, 5, 0, 0], SYN)), "opt+");
    // Only one padding byte, non-zero: it is the last, so missed.
    let o = walk(&[1, 1, 0, 9], SYN);
    assert_eq!(olayout(&o), "nop,nop,eol+1");
    assert_eq!(quirks(&o), "");
    // Two non-zero bytes at the end: the first is not last, so caught.
    assert_eq!(quirks(&walk(&[1, 0, 7, 7], SYN)), "opt+");
    // All-zero padding.
    let o = walk(&[0, 0, 0, 0], SYN);
    assert_eq!(olayout(&o), "eol+3");
    assert_eq!(quirks(&o), "");
    // EOL as the very last byte.
    let o = walk(&[1, 1, 1, 0], SYN);
    assert_eq!(olayout(&o), "nop,nop,nop,eol+0");
    // EOL ends the walk: the MSS after it is padding, not an option.
    let o = walk(&[0, 2, 4, 5, 0xb4, 0, 0, 0], SYN);
    assert_eq!(olayout(&o), "eol+7");
    assert_eq!(o.mss, 0);
    assert_eq!(quirks(&o), "opt+");
}

#[test]
fn twenty_eight_nops_give_24_nops_and_bad() {
    let o = walk(&[1; 28], SYN);
    assert_eq!(o.layout.as_slice(), &[1; 24]);
    assert!(o.layout.is_full());
    assert_eq!(quirks(&o), "bad");
    assert_eq!(o.mss, 0);
}

#[test]
fn exactly_24_options_is_not_bad() {
    let o = walk(&[1; 24], SYN);
    assert_eq!(o.layout.len(), 24);
    assert_eq!(quirks(&o), "");
    // 23 NOPs and an EOL with padding: the cap is not hit.
    let mut opts = vec![1; 23];
    opts.extend_from_slice(&[0, 0, 0, 0, 0]);
    let o = walk(&opts, SYN);
    assert_eq!(o.layout.len(), 24);
    assert_eq!(o.eol_pad, 4);
    assert_eq!(quirks(&o), "");
    // 24 NOPs, then an MSS that is never reached.
    let mut opts = vec![1; 24];
    opts.extend_from_slice(&[2, 4, 5, 0xb4]);
    let o = walk(&opts, SYN);
    assert_eq!(quirks(&o), "bad");
    assert_eq!(o.mss, 0);
}

#[test]
fn mss_length_byte_is_checked_but_not_obeyed() {
    // Crafted packet 3: MSS with length 5, then four NOPs.
    let o = walk(&[2, 5, 5, 0xb4, 1, 1, 1, 1], SYN);
    assert_eq!(olayout(&o), "mss,nop,nop,nop,nop");
    assert_eq!(o.mss, 1460);
    assert_eq!(quirks(&o), "bad");
    // Length 2: the walk still takes the next two bytes as the value.
    let o = walk(&[2, 2, 0x05, 0xdc], SYN);
    assert_eq!(o.mss, 1500);
    assert_eq!(quirks(&o), "bad");
    // Not enough bytes for the value: the option is recorded, the walk aborts.
    let o = walk(&[1, 2, 4, 5], SYN);
    assert_eq!(olayout(&o), "nop,mss");
    assert_eq!(o.mss, 0);
    assert_eq!(quirks(&o), "bad");
}

#[test]
fn window_scale() {
    let o = walk(&[1, 3, 3, 14], SYN);
    assert_eq!((o.wscale, quirks(&o).as_str()), (14, ""));
    let o = walk(&[1, 3, 3, 200], SYN);
    assert_eq!((o.wscale, quirks(&o).as_str()), (200, "exws"));
    let o = walk(&[1, 3, 4, 2], SYN);
    assert_eq!((o.wscale, quirks(&o).as_str()), (2, "bad"));
    // Truncated: the value byte or the length byte is missing.
    let o = walk(&[1, 1, 3, 3], SYN);
    assert_eq!(olayout(&o), "nop,nop,ws");
    assert_eq!((o.wscale, quirks(&o).as_str()), (0, "bad"));
    let o = walk(&[1, 1, 1, 3], SYN);
    assert_eq!(olayout(&o), "nop,nop,nop,ws");
    assert_eq!((o.wscale, quirks(&o).as_str()), (0, "bad"));
}

#[test]
fn sack_permitted() {
    let o = walk(&[1, 1, 4, 2], SYN);
    assert_eq!(
        (olayout(&o).as_str(), quirks(&o).as_str()),
        ("nop,nop,sok", "")
    );
    let o = walk(&[1, 1, 4, 3], SYN);
    assert_eq!(
        (olayout(&o).as_str(), quirks(&o).as_str()),
        ("nop,nop,sok", "bad")
    );
    // Length byte missing.
    let o = walk(&[1, 1, 1, 4], SYN);
    assert_eq!(
        (olayout(&o).as_str(), quirks(&o).as_str()),
        ("nop,nop,nop,sok", "bad")
    );
}

#[test]
fn sack_length_rules() {
    // Crafted packet 5: mss, ?30 of length 6, sack of length 10.
    let opts = [
        2, 4, 5, 0xb4, 0x1e, 6, b'a', b'b', b'c', b'd', 5, 10, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    let o = walk(&opts, SYN);
    assert_eq!(olayout(&o), "mss,?30,sack");
    assert_eq!(quirks(&o), "");
    // SACK of 34 (four blocks) fits in 36 bytes.
    let mut opts = vec![1, 1, 5, 34];
    opts.extend_from_slice(&[0; 32]);
    let o = walk(&opts, SYN);
    assert_eq!(
        (olayout(&o).as_str(), quirks(&o).as_str()),
        ("nop,nop,sack", "")
    );
    // Lengths 9 and 35 are out of range: abort.
    for len in [0, 1, 2, 9, 35, 255] {
        let mut opts = vec![1, 1, 5, len];
        opts.extend_from_slice(&[0; 36]);
        let o = walk(&opts, SYN);
        assert_eq!(olayout(&o), "nop,nop,sack", "len {len}");
        assert_eq!(quirks(&o), "bad", "len {len}");
    }
    // In range but longer than what is left.
    let o = walk(&[1, 1, 5, 10, 0, 0, 0, 0], SYN);
    assert_eq!(quirks(&o), "bad");
    // Length byte missing.
    assert_eq!(quirks(&walk(&[1, 1, 1, 5], SYN)), "bad");
}

#[test]
fn timestamp() {
    let o = walk(&[1, 1, 8, 10, 0, 0, 1, 0, 0, 0, 0, 0], SYN);
    assert_eq!((o.ts1, quirks(&o).as_str()), (256, ""));
    // Length 12: bad, but still read as 10 bytes; the NOPs after it are options.
    let o = walk(&[8, 12, 0, 0, 0, 5, 0, 0, 0, 0, 1, 1], SYN);
    assert_eq!(olayout(&o), "ts,nop,nop");
    assert_eq!((o.ts1, quirks(&o).as_str()), (5, "bad"));
    // Nine bytes after the kind are needed.
    let o = walk(&[1, 1, 1, 1, 8, 10, 0, 0, 0, 5, 0, 0], SYN);
    assert_eq!(olayout(&o), "nop,nop,nop,nop,ts");
    assert_eq!((o.ts1, quirks(&o).as_str()), (0, "bad"));
    // ts2+ needs the p0f type to be exactly SYN.
    let o = walk(&[1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2], SYN_ACK);
    assert_eq!(quirks(&o), "");
    // Crafted packet 4: mss, ws 15, ts (0, 7), nop, eol+1.
    let opts = [
        2, 4, 5, 0xb4, 3, 3, 15, 8, 10, 0, 0, 0, 0, 0, 0, 0, 7, 1, 0, 0,
    ];
    let o = walk(&opts, SYN);
    assert_eq!(olayout(&o), "mss,ws,ts,nop,eol+1");
    assert_eq!(quirks(&o), "ts1-,ts2+,exws");
    assert_eq!(o.wscale, 15);
}

#[test]
fn unknown_kinds() {
    // Crafted packet 6: ?30 with length 1 aborts.
    let o = walk(&[2, 4, 5, 0xb4, 0x1e, 1, 0, 0], SYN);
    assert_eq!(olayout(&o), "mss,?30");
    assert_eq!(quirks(&o), "bad");
    // Length 2 (no data) is fine; so are TFO cookies and MPTCP.
    let o = walk(&[0xfe, 2, 0x22, 2], SYN);
    assert_eq!(
        (olayout(&o).as_str(), quirks(&o).as_str()),
        ("?254,?34", "")
    );
    let o = walk(
        &[0x1e, 4, 0x81, 0x05, 0x22, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1],
        SYN,
    );
    assert_eq!(olayout(&o), "?30,?34,nop,nop");
    assert_eq!(quirks(&o), "");
    // Length 40 fills a full options area; 41 and 255 are out of range; 0 too.
    let mut full = vec![0x99, 40];
    full.extend_from_slice(&[0; 38]);
    assert_eq!(quirks(&walk(&full, SYN)), "");
    for len in [0, 1, 41, 255] {
        let mut opts = vec![0x99, len];
        opts.extend_from_slice(&[0; 38]);
        let o = walk(&opts, SYN);
        assert_eq!(olayout(&o), "?153", "len {len}");
        assert_eq!(quirks(&o), "bad", "len {len}");
    }
    // Longer than what is left, and a missing length byte.
    assert_eq!(quirks(&walk(&[1, 1, 0x99, 3], SYN)), "bad");
    assert_eq!(quirks(&walk(&[1, 1, 1, 0x99], SYN)), "bad");
    // Kinds 6, 7 (obsolete echo) are unknown to p0f.
    assert_eq!(olayout(&walk(&[6, 6, 0, 0, 0, 0, 1, 1], SYN)), "?6,nop,nop");
}

#[test]
fn later_options_override_earlier_values() {
    let o = walk(&[2, 4, 5, 0xb4, 2, 4, 2, 0x18, 3, 3, 2, 3, 3, 9, 1, 1], SYN);
    assert_eq!(olayout(&o), "mss,mss,ws,ws,nop,nop");
    assert_eq!((o.mss, o.wscale), (536, 9));
}

#[test]
fn decode_carries_the_walk_into_the_packet() {
    // Crafted packet 7: data offset 12, 28 NOPs.
    let seg = Tcp::syn_with(&[1; 28]);
    let f = Ip4::default().wrap(&seg.bytes());
    let p = ok(101, &f);
    assert_eq!(p.opt_layout, OptLayout::from_slice(&[1; 24]));
    assert_eq!(p.quirks.to_string(), "df,id+,bad");
    assert_eq!(p.mss, 0);
    // The options area stops at the data offset; payload bytes are not options.
    let seg = Tcp {
        opts: vec![2, 4, 5, 0xb4],
        payload: vec![3, 3, 20, 0],
        ..Tcp::default()
    };
    let f = Ip4::default().wrap(&seg.bytes());
    let p = ok(101, &f);
    assert_eq!(p.opt_layout.as_slice(), &[2]);
    assert_eq!((p.wscale, p.payload), (0, &[3, 3, 20, 0][..]));
    // A packet truncated inside the options area is cut, not walked short.
    let seg = Tcp::syn_with(&LINUX_OPTS);
    let f = Ip4::default().wrap(&seg.bytes());
    assert!(p0fmod_wire::decode(p0fmod_wire::LinkType::RAW, &f[..50]).is_err());
}

#[test]
fn opt_layout_basics() {
    let mut l = OptLayout::default();
    assert!(l.is_empty());
    for i in 0..24 {
        assert!(l.push(i));
    }
    assert!(!l.push(99));
    assert_eq!(l.len(), 24);
    assert_eq!(format!("{:?}", OptLayout::from_slice(&[2, 4])), "[2, 4]");
    assert_eq!(OptLayout::from_slice(&[1; 30]).len(), 24);
}
