//! `p0fmod_db::Database::parse` on arbitrary text (a hostile or damaged p0f.fp).
//!
//! Checked: nothing panics; a refused text gets at least one error, each with its line; an
//! accepted one prints (`to_fp_text`) as text that parses again to an equivalent database
//! (the same signatures, MTU entries and `ua_os` entries, and the same text when printed
//! again); and the accepted database matches a TCP and an HTTP observation without
//! panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use p0fmod_db::{
    Database, Direction, HttpObservation, ObservedHeader, TcpObservation, guess_distance,
};
use p0fmod_wire::{IpVersion, Quirks};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let db = match Database::parse(&text, "fuzz.fp") {
        Ok(db) => db,
        Err(errors) => {
            assert!(!errors.0.is_empty(), "a refusal names its reasons");
            let lines = text.split('\n').count() as u64;
            for e in &errors.0 {
                assert!(
                    u64::from(e.line) <= lines,
                    "error line {} of {lines}",
                    e.line
                );
            }
            let _ = errors.to_string();
            return;
        }
    };
    let printed = db.to_fp_text();
    let again = match Database::parse(&printed, "printed.fp") {
        Ok(again) => again,
        Err(e) => panic!("printed database refused:\n{e}\n--- text ---\n{printed}"),
    };
    assert_eq!(again.signature_count, db.signature_count);
    assert_eq!(again.mtu, db.mtu);
    assert_eq!(again.ua_os.len(), db.ua_os.len());
    assert_eq!(again.to_fp_text(), printed, "printing is a fixed point");

    exercise_matching(&db);
});

/// Matches a Linux-like SYN, SYN+ACK, request and response against the database.
fn exercise_matching(db: &Database) {
    let syn = TcpObservation {
        version: IpVersion::V4,
        ttl: 60,
        ip_opt_len: 0,
        mss: 1460,
        win: 29200,
        wscale: 7,
        opt_layout: &[2, 4, 8, 1, 3],
        eol_pad: 0,
        quirks: Quirks::DF | Quirks::NZ_ID,
        has_payload: false,
        ts1: 1,
        tot_hdr: 60,
        peer_mss: 1460,
    };
    for direction in [Direction::Request, Direction::Response] {
        let m = db.match_tcp(direction, &syn);
        if let Some(sig) = m.signature {
            let _ = (db.label_display(sig.label).to_string(), sig.to_string());
        }
        let _ = guess_distance(syn.ttl);
    }
    let headers: Vec<ObservedHeader<'_>> = [
        (&b"Host"[..], Some(&b"example.com"[..])),
        (b"User-Agent", Some(b"Mozilla/5.0 (X11; Linux x86_64)")),
        (b"Accept", Some(b"*/*")),
        (b"Server", Some(b"Apache")),
        (b"Connection", None),
    ]
    .into_iter()
    .map(|(name, value)| ObservedHeader {
        id: db.headers.lookup(name),
        name,
        value,
    })
    .collect();
    let http = HttpObservation {
        version: 1,
        headers: &headers,
        software: Some(b"Mozilla/5.0 (X11; Linux x86_64)"),
    };
    for direction in [Direction::Request, Direction::Response] {
        let m = db.match_http(direction, &http);
        if let Some(sig) = m.signature {
            let _ = sig.display(&db.headers).to_string();
        }
    }
    let _ = db.ua_os_lookup(b"Mozilla/5.0 (Windows NT 10.0)");
    let _ = db.mtu_link(1500);
}
