//! `p0fmod_db::Database::parse` on arbitrary text (a hostile or damaged p0f.fp).
//!
//! Checked: nothing panics; a refused text gets at least one error, each with its line; an
//! accepted one prints (`to_fp_text`) as text that parses again to an equivalent database
//! (the same signatures, MTU entries and `ua_os` entries, and the same text when printed
//! again); the accepted database matches a TCP and an HTTP observation without
//! panicking; and for each TLS signature, the hello made of all its values matches the
//! database exactly, and that hello's raw signature loads and matches it exactly too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use p0fmod_db::{
    Database, Direction, HttpObservation, ObservedHeader, TcpObservation, TlsAlpn, TlsObservation,
    TlsSignature, TlsTransport, guess_distance,
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
    for direction in [Direction::Request, Direction::Response] {
        for sig in db.tls(direction).iter().take(16) {
            exercise_tls(&db, direction, sig);
        }
    }
});

/// The hello made of every value of `sig` (optional ones included, `*` as empty) fits it,
/// so the database matches it exactly; its raw signature loads and matches it exactly.
fn exercise_tls(db: &Database, direction: Direction, sig: &TlsSignature) {
    let values = |l: &p0fmod_db::TlsList| l.items().iter().map(|i| i.value).collect::<Vec<_>>();
    let (ciphers, extensions, groups, sig_algs) = (
        values(&sig.ciphers),
        values(&sig.extensions),
        values(&sig.groups),
        values(&sig.sig_algs),
    );
    let alpn: Vec<u8> = match &sig.alpn {
        TlsAlpn::Any => Vec::new(),
        TlsAlpn::List(names) => names
            .iter()
            .flat_map(|n| std::iter::once(n.len() as u8).chain(n.iter().copied()))
            .collect(),
    };
    let obs = TlsObservation {
        transport: sig.transport.unwrap_or(TlsTransport::Tcp),
        version: sig.version.unwrap_or(0x0304),
        ciphers: &ciphers,
        extensions: &extensions,
        groups: &groups,
        sig_algs: &sig_algs,
        alpn: &alpn,
        grease: sig.grease.unwrap_or(false),
    };
    let m = db.match_tls(direction, &obs);
    assert!(
        m.signature.is_some() && !m.fuzzy,
        "{sig} does not match its own values"
    );
    let raw = obs.raw_signature().to_string();
    let section = if direction == Direction::Request {
        "request"
    } else {
        "response"
    };
    let text = format!("[tls:{section}]\nlabel = s:!:X:\nsys = Y\nsig = {raw}\n");
    let one = Database::parse(&text, "raw.fp").unwrap_or_else(|e| panic!("{raw}: {e}"));
    let m = one.match_tls(direction, &obs);
    assert!(
        m.signature.is_some() && !m.fuzzy,
        "{raw} does not match its hello"
    );
}

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
