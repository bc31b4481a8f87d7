//! TLS fingerprints: from a complete ClientHello or ServerHello to the facts and
//! fingerprints of a `tls request` / `tls response` observation (JA4 in its four forms,
//! JA3, JA3S; versions, lists, SNI, ALPN, key shares), through crate `p0fmod-tls`.
//!
//! Used for hellos from any transport: TCP here, QUIC and DTLS through the same calls with
//! another [`Transport`].

use std::borrow::Cow;

use p0fmod_db::{Database, Direction, LabelId, TlsObservation, TlsTransport};
use p0fmod_tls::hello::ext;
use p0fmod_tls::{ClientHello, Handshake, Ja4Input, ServerHello, Transport, ja3, ja3s, ja4_a};

use crate::engine::match_label;
use crate::observation::tls::{
    Ja4Fingerprint, TlsCarriage, TlsDetails, TlsEnd, TlsHello, TlsMissing, push_escaped,
};

/// A hello's facts as the database's TLS matcher reads them.
struct Matchable<'h> {
    hello: Box<TlsHello>,
    /// Version for matching (client: highest offered; server: chosen).
    version: u16,
    /// The ALPN extension's protocol-name list, without its 2-byte length.
    alpn: &'h [u8],
}

/// The ALPN protocol-name list of an ALPN extension body (after its 2-byte length).
fn alpn_list(data: Option<&[u8]>) -> &[u8] {
    data.and_then(|d| d.get(2..)).unwrap_or_default()
}

/// Spare strings kept at most, and the largest capacity kept (a hostile hello's long
/// lists are not held on to).
const MAX_SPARE_STRINGS: usize = 16;
const MAX_SPARE_CAPACITY: usize = 4096;

/// What emitted observations' hellos leave behind for the next ones: a hello record with
/// its lists, and strings, so that fingerprinting a hello allocates nothing once they have
/// grown. The engine hands each `tls request` / `tls response` back with
/// [`HelloBuffers::recycle`] after its outputs have written it.
#[derive(Debug, Default)]
pub struct HelloBuffers {
    hello: Option<Box<TlsHello>>,
    strings: Vec<String>,
}

impl HelloBuffers {
    /// Takes back the hello record and strings of an observation's details.
    pub fn recycle(&mut self, details: TlsDetails<'_>) {
        if let Some(raw_sig) = details.raw_sig {
            self.keep(raw_sig);
        }
        let Some(mut hello) = details.hello else {
            return;
        };
        if let Some(sni) = hello.sni.take() {
            self.keep(sni);
        }
        for name in hello.alpn.drain(..) {
            self.keep(name);
        }
        for (text, md5) in [hello.ja3.take(), hello.ja3s.take()].into_iter().flatten() {
            self.keep(text);
            self.keep(md5);
        }
        let f = &hello.facts;
        let largest = [
            &f.versions,
            &f.ciphers,
            &f.extensions,
            &f.groups,
            &f.signature_algorithms,
            &f.key_share_groups,
        ]
        .iter()
        .map(|v| v.capacity())
        .max()
        .unwrap_or(0);
        if largest <= MAX_SPARE_CAPACITY {
            self.hello = Some(hello);
        }
    }

    fn keep(&mut self, mut s: String) {
        if self.strings.len() < MAX_SPARE_STRINGS && s.capacity() <= MAX_SPARE_CAPACITY {
            s.clear();
            self.strings.push(s);
        }
    }

    /// An empty string, spare if there is one.
    fn string(&mut self) -> String {
        self.strings.pop().unwrap_or_default()
    }

    /// `bytes` escaped ([`push_escaped`]) into a spare string.
    fn escaped(&mut self, bytes: &[u8]) -> String {
        let mut s = self.string();
        push_escaped(&mut s, bytes);
        s
    }

    /// A hello record to fill: the spare one, or a new one.
    fn hello(&mut self) -> Box<TlsHello> {
        self.hello.take().unwrap_or_default()
    }
}

fn client_matchable<'h>(
    hello: &ClientHello<'h>,
    transport: Transport,
    buffers: &mut HelloBuffers,
) -> Matchable<'h> {
    let mut out = buffers.hello();
    let mut facts = std::mem::take(&mut out.facts);
    facts.fill_client(hello);
    let sni = hello.server_name().map(|name| buffers.escaped(name));
    let mut alpn = std::mem::take(&mut out.alpn);
    alpn.extend(hello.alpn_protocols().map(|name| buffers.escaped(name)));
    // The `ja4` form now (outputs show it); the other three are made from the lists
    // when an output asks for them (`TlsHello::ja4_set`).
    let a = ja4_a(hello, transport);
    let ja4 = Ja4Input::from_facts(a, &facts).ja4();
    let mut ja3_string = buffers.string();
    let ja3 = ja3(hello, &mut ja3_string).map(|md5| {
        let mut hex = buffers.string();
        hex.push_str(md5.as_str());
        (ja3_string, hex)
    });
    *out = TlsHello {
        legacy_version: hello.legacy_version,
        facts,
        sni,
        alpn,
        ja4: Some(Ja4Fingerprint { ja4, a }),
        ja3,
        ja3s: None,
        hello_retry_request: false,
    };
    Matchable {
        hello: out,
        version: hello.highest_version(),
        alpn: alpn_list(hello.extension(ext::ALPN)),
    }
}

fn server_matchable<'h>(hello: &ServerHello<'h>, buffers: &mut HelloBuffers) -> Matchable<'h> {
    let mut out = buffers.hello();
    let mut facts = std::mem::take(&mut out.facts);
    facts.fill_server(hello);
    let mut alpn = std::mem::take(&mut out.alpn);
    alpn.extend(hello.alpn_protocol().map(|name| buffers.escaped(name)));
    let mut ja3s_string = buffers.string();
    let md5 = ja3s(hello, &mut ja3s_string);
    let mut hex = buffers.string();
    hex.push_str(md5.as_str());
    *out = TlsHello {
        legacy_version: hello.legacy_version,
        facts,
        sni: None,
        alpn,
        ja4: None,
        ja3: None,
        ja3s: Some((ja3s_string, hex)),
        hello_retry_request: hello.is_hello_retry_request(),
    };
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
    buffers: &mut HelloBuffers,
) -> (TlsDetails<'db>, Option<(LabelId, bool)>) {
    let parsed = if from_client {
        ClientHello::from_handshake(hs).map(|h| client_matchable(&h, transport, buffers))
    } else {
        ServerHello::from_handshake(hs).map(|h| server_matchable(&h, buffers))
    };
    matched(
        db,
        parsed,
        hs.body.len(),
        from_client,
        transport,
        carriage,
        buffers,
    )
}

/// As [`complete`], for a hello body reassembled from QUIC CRYPTO frames or DTLS
/// fragments (`transport` says which; DTLS bodies carry the cookie field).
pub fn complete_body<'db>(
    db: &'db Database,
    body: &[u8],
    from_client: bool,
    transport: Transport,
    carriage: TlsCarriage,
    buffers: &mut HelloBuffers,
) -> (TlsDetails<'db>, Option<(LabelId, bool)>) {
    let dtls = transport == Transport::Dtls;
    let parsed = match (from_client, dtls) {
        (true, false) => ClientHello::parse(body).map(|h| client_matchable(&h, transport, buffers)),
        (true, true) => {
            ClientHello::parse_dtls(body).map(|h| client_matchable(&h, transport, buffers))
        }
        (false, false) => ServerHello::parse(body).map(|h| server_matchable(&h, buffers)),
        (false, true) => ServerHello::parse_dtls(body).map(|h| server_matchable(&h, buffers)),
    };
    matched(
        db,
        parsed,
        body.len(),
        from_client,
        transport,
        carriage,
        buffers,
    )
}

/// Matches a parsed hello (or reports it malformed).
fn matched<'db>(
    db: &'db Database,
    parsed: Result<Matchable<'_>, p0fmod_tls::ParseError>,
    body_len: usize,
    from_client: bool,
    transport: Transport,
    carriage: TlsCarriage,
    buffers: &mut HelloBuffers,
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
    let h = &m.hello.facts;
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
    let mut raw_sig = buffers.string();
    raw_sig.reserve(
        64 + 5 * (h.ciphers.len() + h.extensions.len() + h.groups.len())
            + 5 * h.signature_algorithms.len()
            + 2 * m.alpn.len(),
    );
    let _ = obs.raw_signature().write_into(&mut raw_sig);
    let label = found.signature.map(|s| (s.label, found.fuzzy));
    let details = TlsDetails {
        label: found.signature.map(|s| match_label(db, db.label(s.label))),
        fuzzy: found.fuzzy,
        hello: Some(m.hello),
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
