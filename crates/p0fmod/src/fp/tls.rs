//! TLS fingerprints: from a complete ClientHello or ServerHello to the facts and
//! fingerprints of a `tls request` / `tls response` observation (JA4 in its four forms,
//! JA3, JA3S; versions, lists, SNI, ALPN, key shares), through crate `p0fmod-tls`.
//!
//! Used for hellos from any transport: TCP here, QUIC and DTLS through the same calls with
//! another [`Transport`].

use std::borrow::Cow;

use p0fmod_db::{Database, Direction, LabelId, TlsObservation, TlsTransport};
use p0fmod_tls::hello::ext;
use p0fmod_tls::{ClientHello, Handshake, HelloFacts, ServerHello, Transport, ja3, ja3s, ja4_all};

use crate::engine::match_label;
use crate::observation::tls::{
    Ja4Set, TlsCarriage, TlsDetails, TlsEnd, TlsHello, TlsMissing, push_escaped,
};

/// A hello's facts as the database's TLS matcher reads them.
struct Matchable<'h> {
    hello: TlsHello,
    /// Version for matching (client: highest offered; server: chosen).
    version: u16,
    /// The ALPN extension's protocol-name list, without its 2-byte length.
    alpn: &'h [u8],
}

/// The ALPN protocol-name list of an ALPN extension body (after its 2-byte length).
fn alpn_list(data: Option<&[u8]>) -> &[u8] {
    data.and_then(|d| d.get(2..)).unwrap_or_default()
}

/// Facts common to both hellos, from [`HelloFacts`].
fn hello_from_facts(facts: HelloFacts, legacy_version: u16) -> TlsHello {
    TlsHello {
        legacy_version,
        versions: facts.versions,
        ciphers: facts.ciphers,
        extensions: facts.extensions,
        groups: facts.groups,
        signature_algorithms: facts.signature_algorithms,
        key_share_groups: facts.key_share_groups,
        post_quantum: facts.post_quantum,
        grease: facts.grease,
        hello_len: facts.hello_len.min(u32::MAX as usize) as u32,
        sni: None,
        alpn: Vec::new(),
        ja4: None,
        ja3: None,
        ja3s: None,
        hello_retry_request: false,
    }
}

fn escaped(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    push_escaped(&mut s, bytes);
    s
}

/// The facts and fingerprints of a ClientHello carried by `transport`.
pub fn client_hello(hello: &ClientHello<'_>, transport: Transport) -> TlsHello {
    client_matchable(hello, transport).hello
}

fn client_matchable<'h>(hello: &ClientHello<'h>, transport: Transport) -> Matchable<'h> {
    let mut facts = HelloFacts::new();
    facts.fill_client(hello);
    let mut out = hello_from_facts(facts, hello.legacy_version);
    out.sni = hello.server_name().map(escaped);
    out.alpn = hello.alpn_protocols().map(escaped).collect();
    // Sized once: five characters per listed value and some room (no regrowth).
    let listed = out.ciphers.len() + out.extensions.len() + out.signature_algorithms.len();
    let mut ja4_raw = String::with_capacity(16 + 5 * listed);
    let mut ja4_raw_o = String::with_capacity(16 + 5 * listed);
    let hashes = ja4_all(hello, transport, &mut ja4_raw, &mut ja4_raw_o);
    out.ja4 = Some(Ja4Set {
        ja4: hashes.ja4.as_str().to_string(),
        ja4_r: ja4_raw,
        ja4_o: hashes.ja4_o.as_str().to_string(),
        ja4_ro: ja4_raw_o,
    });
    let mut ja3_string = String::with_capacity(16 + 6 * (listed + out.groups.len()));
    out.ja3 = ja3(hello, &mut ja3_string).map(|md5| (ja3_string, md5.as_str().to_string()));
    Matchable {
        hello: out,
        version: hello.highest_version(),
        alpn: alpn_list(hello.extension(ext::ALPN)),
    }
}

/// The facts and fingerprint (JA3S) of a ServerHello.
pub fn server_hello(hello: &ServerHello<'_>) -> TlsHello {
    server_matchable(hello).hello
}

fn server_matchable<'h>(hello: &ServerHello<'h>) -> Matchable<'h> {
    let mut facts = HelloFacts::new();
    facts.fill_server(hello);
    let mut out = hello_from_facts(facts, hello.legacy_version);
    out.alpn = hello.alpn_protocol().map(escaped).into_iter().collect();
    let mut ja3s_string = String::new();
    let md5 = ja3s(hello, &mut ja3s_string);
    out.ja3s = Some((ja3s_string, md5.as_str().to_string()));
    out.hello_retry_request = hello.is_hello_retry_request();
    Matchable {
        hello: out,
        version: hello.version(),
        alpn: alpn_list(hello.extension(ext::ALPN)),
    }
}

/// The details of a complete handshake message: a ClientHello (`from_client`) or a
/// ServerHello, matched against the database's `[tls:request]` / `[tls:response]`
/// signatures. Also returns the matched label and whether the match was fuzzy. A message
/// that does not parse gives incomplete details (malformed).
pub fn complete<'db>(
    db: &'db Database,
    hs: &Handshake<'_>,
    from_client: bool,
    transport: Transport,
    carriage: TlsCarriage,
) -> (TlsDetails<'db>, Option<(LabelId, bool)>) {
    let parsed = if from_client {
        ClientHello::from_handshake(hs).map(|h| client_matchable(&h, transport))
    } else {
        ServerHello::from_handshake(hs).map(|h| server_matchable(&h))
    };
    matched(db, parsed, hs.body.len(), from_client, transport, carriage)
}

/// As [`complete`], for a hello body reassembled from QUIC CRYPTO frames or DTLS
/// fragments (`transport` says which; DTLS bodies carry the cookie field).
pub fn complete_body<'db>(
    db: &'db Database,
    body: &[u8],
    from_client: bool,
    transport: Transport,
    carriage: TlsCarriage,
) -> (TlsDetails<'db>, Option<(LabelId, bool)>) {
    let dtls = transport == Transport::Dtls;
    let parsed = match (from_client, dtls) {
        (true, false) => ClientHello::parse(body).map(|h| client_matchable(&h, transport)),
        (true, true) => ClientHello::parse_dtls(body).map(|h| client_matchable(&h, transport)),
        (false, false) => ServerHello::parse(body).map(|h| server_matchable(&h)),
        (false, true) => ServerHello::parse_dtls(body).map(|h| server_matchable(&h)),
    };
    matched(db, parsed, body.len(), from_client, transport, carriage)
}

/// Matches a parsed hello (or reports it malformed).
fn matched<'db>(
    db: &'db Database,
    parsed: Result<Matchable<'_>, p0fmod_tls::ParseError>,
    body_len: usize,
    from_client: bool,
    transport: Transport,
    carriage: TlsCarriage,
) -> (TlsDetails<'db>, Option<(LabelId, bool)>) {
    let m = match parsed {
        Ok(m) => m,
        Err(e) => {
            let len = body_len.min(u32::MAX as usize) as u32;
            let missing = TlsMissing {
                reason: TlsEnd::Malformed,
                have: len,
                wanted: len,
                held: len,
                detail: Some(Cow::Borrowed(e.what)),
            };
            return (incomplete(missing, carriage), None);
        }
    };
    let h = &m.hello;
    let obs = TlsObservation {
        transport: match transport {
            Transport::Tcp => TlsTransport::Tcp,
            Transport::Quic => TlsTransport::Quic,
            Transport::Dtls => TlsTransport::Dtls,
        },
        version: m.version,
        ciphers: &h.ciphers,
        extensions: &h.extensions,
        groups: if from_client {
            &h.groups
        } else {
            &h.key_share_groups
        },
        sig_algs: &h.signature_algorithms,
        alpn: m.alpn,
        grease: h.grease,
    };
    let direction = if from_client {
        Direction::Request
    } else {
        Direction::Response
    };
    let found = db.match_tls(direction, &obs);
    let mut raw_sig = String::with_capacity(
        64 + 5 * (h.ciphers.len() + h.extensions.len() + h.groups.len())
            + 5 * h.signature_algorithms.len()
            + 2 * m.alpn.len(),
    );
    let _ = obs.raw_signature().write_into(&mut raw_sig);
    let label = found.signature.map(|s| (s.label, found.fuzzy));
    let details = TlsDetails {
        label: found.signature.map(|s| match_label(db, db.label(s.label))),
        fuzzy: found.fuzzy,
        hello: Some(Box::new(m.hello)),
        missing: None,
        carriage,
        raw_sig: Some(raw_sig),
        quic: None,
    };
    (details, label)
}

/// The details of a hello that could not be read whole.
pub fn incomplete(missing: TlsMissing, carriage: TlsCarriage) -> TlsDetails<'static> {
    TlsDetails {
        label: None,
        fuzzy: false,
        hello: None,
        missing: Some(missing),
        carriage,
        raw_sig: None,
        quic: None,
    }
}
