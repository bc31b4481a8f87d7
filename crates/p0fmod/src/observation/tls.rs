//! TLS observation records: what a ClientHello (`tls request`) or ServerHello
//! (`tls response`) said, how it was carried, or, when it could not be read whole, what
//! was missing. Plain owned data, made once per hello.

use std::borrow::Cow;

use p0fmod_tls::HelloFacts;

use super::MatchLabel;

/// The protocol of a plaintext STARTTLS exchange seen before the handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StartTls {
    /// SMTP's (also NNTP's and ManageSieve's) bare `STARTTLS` command.
    Smtp,
    /// IMAP's `<tag> STARTTLS`.
    Imap,
    /// POP3's `STLS`.
    Pop3,
    /// FTP's `AUTH TLS` / `AUTH SSL`.
    Ftp,
    /// XMPP's `<starttls/>` element.
    Xmpp,
    /// LDAP's StartTLS extended request (OID 1.3.6.1.4.1.1466.20037).
    Ldap,
    /// PostgreSQL's SSLRequest.
    Postgresql,
}

impl StartTls {
    /// The protocol's name in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            StartTls::Smtp => "smtp",
            StartTls::Imap => "imap",
            StartTls::Pop3 => "pop3",
            StartTls::Ftp => "ftp",
            StartTls::Xmpp => "xmpp",
            StartTls::Ldap => "ldap",
            StartTls::Postgresql => "postgresql",
        }
    }
}

/// What carried a hello: the transport, and how much of it was needed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TlsCarriage {
    /// Transport: `tcp`, `quic` or `dtls`.
    pub transport: &'static str,
    /// TCP segments (QUIC: Initial packets; DTLS: datagrams) that brought bytes of the
    /// hello.
    pub segments: u16,
    /// Segments that brought nothing new (retransmissions, repeated overlaps).
    pub retransmits: u16,
    /// Segments dropped because too many out-of-order ranges were held at once.
    pub dropped: u16,
    /// TLS records the hello spanned (0 when incomplete and unknown).
    pub records: u16,
    /// An SSLv2-format ClientHello.
    pub sslv2: bool,
    /// The hello began in the data of a TCP Fast Open SYN.
    pub tfo: bool,
    /// The handshake followed this plaintext STARTTLS exchange.
    pub starttls: Option<StartTls>,
    /// The second hello of its direction, after a HelloRetryRequest.
    pub retry: bool,
    /// The hello travelled in OpenVPN's TCP control channel.
    pub openvpn: bool,
}

/// Why a hello could not be read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsEnd {
    /// The connection closed (RST, or FIN from both ends) with bytes missing.
    Closed,
    /// The connection was tracked longer than the connection age limit (`-t c`).
    Expired,
    /// The TLS table was full (`-m c` entries) and this was its oldest connection.
    Evicted,
    /// The capture ended.
    CaptureEnd,
    /// A new connection (SYN) reused the same addresses and ports.
    NewConnection,
    /// The hello announces more than one record's worth (16,384 bytes), or needs more
    /// than the 16,389-byte reassembly window.
    TooLarge,
    /// The bytes are not a well-formed hello.
    Malformed,
}

impl TlsEnd {
    /// The reason's name in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsEnd::Closed => "closed",
            TlsEnd::Expired => "expired",
            TlsEnd::Evicted => "evicted",
            TlsEnd::CaptureEnd => "capture_end",
            TlsEnd::NewConnection => "new_connection",
            TlsEnd::TooLarge => "too_large",
            TlsEnd::Malformed => "malformed",
        }
    }
}

/// What was missing from a hello that could not be read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsMissing {
    /// Why reading stopped.
    pub reason: TlsEnd,
    /// Stream bytes held in order from the hello's first byte (where the first gap is).
    pub have: u32,
    /// Least stream bytes the hello needs (0 when unknown: the first bytes never came).
    pub wanted: u32,
    /// Bytes held within those `wanted`, in order or not.
    pub held: u32,
    /// For [`TlsEnd::Malformed`]: what was wrong.
    pub detail: Option<Cow<'static, str>>,
}

/// JA4 of a ClientHello (FoxIO's JA4, BSD-3-Clause) as it is kept on an observation: the
/// `ja4` form, made when the hello is read (log lines and the console show it), and part
/// `a`, from which [`TlsHello::ja4_set`] makes all four forms from the hello's lists when
/// an output asks for them (JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ja4Fingerprint {
    /// `ja4`: sorted, hashed.
    pub ja4: p0fmod_tls::Ja4,
    /// Part `a` of every form (`t13d1516h2`: transport, version, SNI, counts, ALPN).
    pub a: [u8; 10],
}

/// JA4 in its four forms, as text ([`TlsHello::ja4_set`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ja4Set {
    /// `ja4`: sorted, hashed.
    pub ja4: String,
    /// `ja4_r`: sorted, raw.
    pub ja4_r: String,
    /// `ja4_o`: original order, hashed.
    pub ja4_o: String,
    /// `ja4_ro`: original order, raw.
    pub ja4_ro: String,
}

/// The facts and fingerprints of one complete hello.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsHello {
    /// `legacy_version` of the hello.
    pub legacy_version: u16,
    /// Versions offered (client: supported_versions, else `legacy_version`) or chosen
    /// (server); cipher suites offered or the one chosen; extension types in wire order;
    /// supported_groups and signature_algorithms (client); the groups of the key shares
    /// sent (server: chosen, or asked for by a HelloRetryRequest); whether GREASE appeared
    /// (client) and a post-quantum (ML-KEM or Kyber) key share was sent; the length of the
    /// handshake body. Lists in wire order, GREASE removed.
    pub facts: HelloFacts,
    /// Server name (client; bytes outside printable ASCII, `|`, `,` and `\` as `\xNN`).
    pub sni: Option<String>,
    /// ALPN protocols offered (client) or chosen (server), escaped as `sni`.
    pub alpn: Vec<String>,
    /// JA4 (client): the `ja4` form and what the others are made from
    /// ([`TlsHello::ja4_set`]).
    pub ja4: Option<Ja4Fingerprint>,
    /// JA3 string and MD5 (client; not for SSLv2-format hellos).
    pub ja3: Option<(String, String)>,
    /// JA3S string and MD5 (server).
    pub ja3s: Option<(String, String)>,
    /// A HelloRetryRequest (server).
    pub hello_retry_request: bool,
}

impl TlsHello {
    /// What every JA4 form is made of: part `a` and this hello's lists (client only).
    pub fn ja4_input(&self) -> Option<p0fmod_tls::Ja4Input<'_>> {
        let j = self.ja4.as_ref()?;
        Some(p0fmod_tls::Ja4Input::from_facts(j.a, &self.facts))
    }

    /// The four JA4 forms as text: `ja4` as kept, the others made now from the hello's
    /// lists (client only).
    pub fn ja4_set(&self) -> Option<Ja4Set> {
        let kept = self.ja4.as_ref()?;
        let input = self.ja4_input()?;
        let f = &self.facts;
        let listed = f.ciphers.len() + f.extensions.len() + f.signature_algorithms.len();
        let mut ja4_r = String::with_capacity(16 + 5 * listed);
        let mut ja4_ro = String::with_capacity(16 + 5 * listed);
        input.ja4_r(&mut ja4_r);
        input.ja4_ro(&mut ja4_ro);
        Some(Ja4Set {
            ja4: kept.ja4.to_string(),
            ja4_r,
            ja4_o: input.ja4_o().to_string(),
            ja4_ro,
        })
    }

    /// The highest version offered, or the one chosen.
    pub fn version(&self) -> u16 {
        self.facts
            .versions
            .iter()
            .copied()
            .max_by_key(|&v| version_rank(v))
            .unwrap_or(self.legacy_version)
    }
}

/// Orders versions by age (TLS 1.3 drafts just below TLS 1.3, SSLv2 lowest; DTLS
/// versions count down, 0xfefc DTLS 1.3 above 0xfefd DTLS 1.2).
fn version_rank(v: u16) -> u32 {
    match v {
        0x0002 => 1,
        0x7f00..=0x7fff => 0x0003_03ff + u32::from(v & 0xff),
        0x0304 => 0x0003_04ff,
        0xfe00..=0xfeff => u32::from(0xfe00 | (0xff - (v & 0xff))) << 8,
        v => u32::from(v) << 8,
    }
}

/// How a hello came in QUIC Initial packets: what tells QUIC stacks apart where the
/// ClientHello does not (the version, connection ID lengths, the transport parameters, the
/// Initial datagram size and how the hello was split).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuicDetails {
    /// The QUIC version of the Initial packets.
    pub version: u32,
    /// Length of the client's original Destination Connection ID.
    pub dcid_len: u8,
    /// Length of the client's Source Connection ID.
    pub scid_len: u8,
    /// The server sent a Retry first.
    pub retry: bool,
    /// Datagrams that carried the hello's CRYPTO frames.
    pub datagrams: u16,
    /// Initial packets that carried them.
    pub packets: u16,
    /// CRYPTO frames (retransmissions included).
    pub frames: u16,
    /// PING and PADDING frames mixed into those packets.
    pub ping_padding: u16,
    /// CRYPTO frames that came after one with a higher offset.
    pub out_of_order: u16,
    /// Sizes of the first datagrams that carried the hello (the first is the Initial
    /// datagram's size).
    pub datagram_sizes: Vec<u16>,
    /// The first CRYPTO frames as (offset, length), in arrival order.
    pub crypto_frames: Vec<(u32, u16)>,
    /// The ClientHello's transport parameter ids, in wire order (client only).
    pub transport_parameters: Vec<u64>,
}

impl QuicDetails {
    /// The version as text: `v1`, `v2`, `draft-29`, or the number in hex.
    pub fn version_name(&self) -> Cow<'static, str> {
        match self.version {
            0x0000_0001 => Cow::Borrowed("v1"),
            0x6b33_43cf => Cow::Borrowed("v2"),
            v if v >> 8 == 0x00ff_0000 => Cow::Owned(format!("draft-{}", v & 0xff)),
            v => Cow::Owned(format!("0x{v:08x}")),
        }
    }
}

/// A `tls request` or `tls response` observation.
#[derive(Clone, Debug, PartialEq)]
pub struct TlsDetails<'a> {
    /// The application label from the database's `[tls:request]` / `[tls:response]`
    /// sections, if one matched.
    pub label: Option<MatchLabel<'a>>,
    /// The match is fuzzy.
    pub fuzzy: bool,
    /// The hello, when it was read whole; `None` when incomplete.
    pub hello: Option<Box<TlsHello>>,
    /// What was missing, when incomplete.
    pub missing: Option<TlsMissing>,
    /// How the hello was carried.
    pub carriage: TlsCarriage,
    /// The raw signature in the database's TLS syntax, when one was made.
    pub raw_sig: Option<String>,
    /// QUIC facts, for a hello carried in QUIC.
    pub quic: Option<Box<QuicDetails>>,
}

impl TlsDetails<'_> {
    /// The same details owning their text.
    pub fn into_owned(self) -> TlsDetails<'static> {
        TlsDetails {
            label: self.label.map(MatchLabel::into_owned),
            fuzzy: self.fuzzy,
            hello: self.hello,
            missing: self.missing,
            carriage: self.carriage,
            raw_sig: self.raw_sig,
            quic: self.quic,
        }
    }

    /// The words of `params=`, in a fixed order.
    pub fn params(&self) -> impl Iterator<Item = Cow<'static, str>> + '_ {
        let hello = self.hello.as_deref();
        let c = &self.carriage;
        [
            self.label
                .as_ref()
                .is_some_and(|l| l.generic)
                .then_some(Cow::Borrowed("generic")),
            self.fuzzy.then_some(Cow::Borrowed("fuzzy")),
            self.missing
                .is_some()
                .then_some(Cow::Borrowed("incomplete")),
            hello
                .is_some_and(|h| h.hello_retry_request)
                .then_some(Cow::Borrowed("hrr")),
            c.retry.then_some(Cow::Borrowed("retry")),
            hello
                .is_some_and(|h| h.facts.post_quantum)
                .then_some(Cow::Borrowed("pq")),
            c.sslv2.then_some(Cow::Borrowed("sslv2")),
            c.tfo.then_some(Cow::Borrowed("tfo")),
            c.openvpn.then_some(Cow::Borrowed("openvpn")),
            c.starttls
                .map(|p| Cow::Owned(format!("starttls:{}", p.as_str()))),
        ]
        .into_iter()
        .flatten()
    }
}

/// Appends `bytes` as text: printable ASCII as is, except `|`, `,`, `\` and anything
/// else, which are written `\xNN` (so that log fields and lists stay parseable).
pub fn push_escaped(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        if (0x21..0x7f).contains(&b) && !matches!(b, b'|' | b',' | b'\\') {
            out.push(b as char);
        } else {
            out.push_str("\\x");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_fields_parseable() {
        let mut s = String::new();
        push_escaped(&mut s, b"h2");
        assert_eq!(s, "h2");
        s.clear();
        push_escaped(&mut s, b"a|b,c\\d e\xba\xad");
        assert_eq!(s, "a\\x7cb\\x2cc\\x5cd\\x20e\\xba\\xad");
    }

    #[test]
    fn the_highest_version_ranks_drafts_below_tls13() {
        let mut h = TlsHello {
            legacy_version: 0x0303,
            ..TlsHello::default()
        };
        h.facts.versions = vec![0x7f1c, 0x0304, 0x0303];
        assert_eq!(h.version(), 0x0304);
        h.facts.versions = vec![0x0302, 0x7f12, 0x0303];
        assert_eq!(h.version(), 0x7f12);
        h.facts.versions.clear();
        assert_eq!(h.version(), 0x0303);
        h.facts.versions = vec![0xfefc, 0xfefd];
        assert_eq!(h.version(), 0xfefc, "DTLS 1.3 above DTLS 1.2");
        h.facts.versions = vec![0xfeff, 0xfefd];
        assert_eq!(h.version(), 0xfefd);
    }
}
