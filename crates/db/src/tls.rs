//! TLS hello signatures: the `[tls:request]` (ClientHello) and `[tls:response]`
//! (ServerHello) sections, p0fmod's own addition to the p0f.fp grammar.
//!
//! A signature is `sig = proto:version:ciphers:extensions:groups:sigalgs:flags:alpn`
//! (docs/database.md has the whole grammar):
//!
//! * `proto`: `t` (TCP), `q` (QUIC), `d` (DTLS) or `*`;
//! * `version`: the highest version offered (ClientHello, `supported_versions` first) or the
//!   one selected (ServerHello), as JA4 writes it (`13`, `12`, `11`, `10`, `s3`, `s2`, `d1`,
//!   `d2`, `d3`) or as four hex digits for any other value (`7f1c`), or `*`;
//! * `ciphers`, `extensions`, `groups`, `sigalgs`: comma lists of four-hex-digit values in
//!   wire order, GREASE left out; `*` for any list; a leading `~` for the same values in any
//!   order; a value written `?0023` may be absent;
//! * `flags`: `grease` when the hello carried GREASE values, empty when not, `*` for either;
//! * `alpn`: the ALPN protocol names in wire order (`h2,http/1.1`), empty when none, `*`
//!   for any; bytes outside printable ASCII and the characters `,:|\=;` are written `\xNN`.
//!
//! Matching (p0f's rule): the first specific exact match in file order wins, else the first
//! generic exact match, else, for a ClientHello, the first fuzzy match (a ServerHello's
//! two or three extensions say something only in their order). A fuzzy match has the same transport,
//! version, ciphers, groups, signature algorithms and flags, and the same extensions once
//! order and the extensions that change from one connection or application to the next
//! ([`VOLATILE_EXTENSIONS`]) are left aside; ALPN is not compared.
//!
//! [`TlsObservation`] is what the engine hands in: borrowed slices, so that matching and
//! [`TlsObservation::raw_signature`] (the exact `sig =` text of a hello) never allocate.

use std::fmt::{self, Display, Write as _};

use crate::{Database, Direction, LabelId};

/// Extensions a fuzzy match leaves aside: server_name (0x0000), ALPN (0x0010), padding
/// (0x0015), session_ticket (0x0023), pre_shared_key (0x0029) and early_data (0x002a).
/// Whether they are sent depends on the application (a name to send, protocols to offer)
/// or on the connection (resumption, the hello's size), not on the TLS stack.
pub const VOLATILE_EXTENSIONS: [u16; 6] = [0x0000, 0x0010, 0x0015, 0x0023, 0x0029, 0x002a];

/// What carried a TLS hello.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsTransport {
    /// TLS over TCP (`t`).
    Tcp,
    /// QUIC's CRYPTO stream (`q`).
    Quic,
    /// DTLS over UDP (`d`).
    Dtls,
}

impl TlsTransport {
    /// The one-letter code of signatures (and of JA4): `t`, `q` or `d`.
    pub fn code(self) -> char {
        match self {
            TlsTransport::Tcp => 't',
            TlsTransport::Quic => 'q',
            TlsTransport::Dtls => 'd',
        }
    }
}

/// The facts of one ClientHello (direction request) or ServerHello (response) that TLS
/// matching needs. Every list is in wire order with GREASE values removed.
#[derive(Clone, Copy, Debug)]
pub struct TlsObservation<'a> {
    /// What carried the hello.
    pub transport: TlsTransport,
    /// ClientHello: the highest non-GREASE value of `supported_versions`, else
    /// `legacy_version`. ServerHello: the `supported_versions` selection, else
    /// `legacy_version`.
    pub version: u16,
    /// Cipher suites offered (ClientHello) or the one selected (ServerHello).
    pub ciphers: &'a [u16],
    /// Extension types.
    pub extensions: &'a [u16],
    /// ClientHello: `supported_groups` (0x000a). ServerHello: the group of its `key_share`
    /// (0x0033), if any.
    pub groups: &'a [u16],
    /// ClientHello: `signature_algorithms` (0x000d); empty for a ServerHello.
    pub sig_algs: &'a [u16],
    /// The ALPN extension's `ProtocolNameList` body (each name a length byte and its
    /// bytes, without the list's two-byte length); empty when there is no ALPN extension.
    /// A ServerHello's holds the one protocol selected.
    pub alpn: &'a [u8],
    /// A GREASE value (RFC 8701) appeared in any of the lists above (or in
    /// `supported_versions` or `key_share`).
    pub grease: bool,
}

impl<'a> TlsObservation<'a> {
    /// The exact `sig =` value of this hello: every list in wire order, nothing optional.
    /// It parses back into a signature that this observation matches exactly. Printing
    /// does not allocate.
    pub fn raw_signature(&self) -> TlsRawSignature<'a> {
        TlsRawSignature { obs: *self }
    }

    /// The ALPN protocol names, in wire order. Empty names (which RFC 7301 forbids) are
    /// left out, and a malformed tail (a length running past the end) ends the list.
    pub fn alpn_names(&self) -> AlpnNames<'a> {
        AlpnNames { rest: self.alpn }
    }
}

/// An iterator over the protocol names of an ALPN `ProtocolNameList` body, from
/// [`TlsObservation::alpn_names`].
#[derive(Clone, Debug)]
pub struct AlpnNames<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for AlpnNames<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            let (&len, tail) = self.rest.split_first()?;
            let len = usize::from(len);
            if tail.len() < len {
                self.rest = &[];
                return None;
            }
            let (name, rest) = tail.split_at(len);
            self.rest = rest;
            if !name.is_empty() {
                return Some(name);
            }
        }
    }
}

/// The exact signature of an observed hello printed as a `sig =` value, from
/// [`TlsObservation::raw_signature`].
#[derive(Clone, Copy, Debug)]
pub struct TlsRawSignature<'a> {
    obs: TlsObservation<'a>,
}

impl TlsRawSignature<'_> {
    /// Writes the signature into `f`: what [`Display`] prints, without going through a
    /// `Formatter` (a raw signature is written for every TLS hello).
    pub fn write_into<W: fmt::Write>(&self, f: &mut W) -> fmt::Result {
        let o = &self.obs;
        f.write_char(o.transport.code())?;
        f.write_char(':')?;
        write_version(f, o.version)?;
        for list in [o.ciphers, o.extensions, o.groups, o.sig_algs] {
            f.write_char(':')?;
            write_values(f, list)?;
        }
        f.write_str(if o.grease { ":grease:" } else { "::" })?;
        for (i, name) in o.alpn_names().enumerate() {
            if i > 0 {
                f.write_char(',')?;
            }
            write_alpn_name(f, name)?;
        }
        Ok(())
    }
}

impl Display for TlsRawSignature<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_into(f)
    }
}

/// One value of a signature's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TlsItem {
    /// The cipher suite, extension type, group or signature scheme.
    pub value: u16,
    /// `?`: the hello may lack it.
    pub optional: bool,
}

/// A list field of a TLS signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TlsList {
    /// `*`: any list.
    Any,
    /// The values in this order; an optional one may be missing.
    Ordered(Vec<TlsItem>),
    /// `~`: the values in any order (kept sorted by value); an optional one may be missing.
    Unordered(Vec<TlsItem>),
}

impl TlsList {
    /// True when an observed list (in wire order) fits.
    pub fn matches(&self, observed: &[u16]) -> bool {
        match self {
            TlsList::Any => true,
            TlsList::Ordered(items) => {
                if items.len() == observed.len() {
                    // The common case, and the only one where duplicates may appear.
                    return items.iter().zip(observed).all(|(i, &v)| i.value == v);
                }
                // Values are unique in a list with optional items, so a greedy walk decides.
                let mut rest = observed;
                for item in items {
                    match rest.split_first() {
                        Some((&v, tail)) if v == item.value => rest = tail,
                        _ if item.optional => {}
                        _ => return false,
                    }
                }
                rest.is_empty()
            }
            TlsList::Unordered(items) => set_fits(items, observed, &[]),
        }
    }

    /// The fuzzy rule for extensions: the same values as a set, leaving aside `ignored`.
    fn matches_loosely(&self, observed: &[u16], ignored: &[u16]) -> bool {
        match self {
            TlsList::Any => true,
            TlsList::Unordered(items) => set_fits(items, observed, ignored),
            TlsList::Ordered(items) => {
                // Every observed value (but the ignored ones) in the list, and every
                // required one observed; rare enough (no exact match) to be quadratic.
                observed
                    .iter()
                    .all(|&v| ignored.contains(&v) || items.iter().any(|i| i.value == v))
                    && items
                        .iter()
                        .filter(|i| !i.optional && !ignored.contains(&i.value))
                        .all(|i| observed.contains(&i.value))
            }
        }
    }

    /// The values of the list (empty for `*`).
    pub fn items(&self) -> &[TlsItem] {
        match self {
            TlsList::Any => &[],
            TlsList::Ordered(items) | TlsList::Unordered(items) => items,
        }
    }
}

/// True when every observed value (but the ignored ones) is among `items` (sorted by
/// value, each value once), at most once, and every required item (but the ignored ones)
/// is observed.
fn set_fits(items: &[TlsItem], observed: &[u16], ignored: &[u16]) -> bool {
    if items.len() > 128 {
        // Not in any real signature; the plain quadratic check.
        let known = |v: u16| items.iter().any(|i| i.value == v);
        return observed.iter().all(|&v| ignored.contains(&v) || known(v))
            && items
                .iter()
                .filter(|i| !i.optional && !ignored.contains(&i.value))
                .all(|i| observed.contains(&i.value));
    }
    // Bit i: items[i] was seen.
    let mut seen = 0u128;
    for &v in observed {
        if ignored.contains(&v) {
            continue;
        }
        let Ok(i) = items.binary_search_by_key(&v, |item| item.value) else {
            return false;
        };
        if seen & (1 << i) != 0 {
            return false;
        }
        seen |= 1 << i;
    }
    items
        .iter()
        .enumerate()
        .all(|(i, item)| item.optional || seen & (1 << i) != 0 || ignored.contains(&item.value))
}

/// The ALPN field of a TLS signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TlsAlpn {
    /// `*`: any ALPN, or none.
    Any,
    /// Exactly these protocol names in this order; empty for a hello without ALPN.
    List(Vec<Vec<u8>>),
}

/// A TLS signature: `sig = proto:version:ciphers:extensions:groups:sigalgs:flags:alpn`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsSignature {
    /// The label this signature belongs to.
    pub label: LabelId,
    /// 1-based line in its file.
    pub line: u32,
    /// The transport, `None` for `*`.
    pub transport: Option<TlsTransport>,
    /// The version, `None` for `*`.
    pub version: Option<u16>,
    /// Cipher suites.
    pub ciphers: TlsList,
    /// Extension types.
    pub extensions: TlsList,
    /// Supported groups (ClientHello) or the key-share group (ServerHello).
    pub groups: TlsList,
    /// Signature algorithms.
    pub sig_algs: TlsList,
    /// Whether the hello carries GREASE, `None` for `*`.
    pub grease: Option<bool>,
    /// ALPN protocol names.
    pub alpn: TlsAlpn,
}

impl TlsSignature {
    /// The exact signature of an observed hello (what [`TlsObservation::raw_signature`]
    /// prints), under `label`, for tools that edit signatures (the harvest).
    pub fn from_observation(obs: &TlsObservation<'_>, label: LabelId) -> TlsSignature {
        let list = |values: &[u16]| {
            TlsList::Ordered(
                values
                    .iter()
                    .map(|&value| TlsItem {
                        value,
                        optional: false,
                    })
                    .collect(),
            )
        };
        TlsSignature {
            label,
            line: 0,
            transport: Some(obs.transport),
            version: Some(obs.version),
            ciphers: list(obs.ciphers),
            extensions: list(obs.extensions),
            groups: list(obs.groups),
            sig_algs: list(obs.sig_algs),
            grease: Some(obs.grease),
            alpn: TlsAlpn::List(obs.alpn_names().map(<[u8]>::to_vec).collect()),
        }
    }

    /// How this signature fits a hello: `Some(false)` exactly, `Some(true)` fuzzily (only
    /// looked for when `fuzzy` is set), `None` not at all.
    fn fit(&self, obs: &TlsObservation<'_>, fuzzy: bool) -> Option<bool> {
        let base = self.transport.is_none_or(|t| t == obs.transport)
            && self.version.is_none_or(|v| v == obs.version)
            && self.grease.is_none_or(|g| g == obs.grease)
            && self.ciphers.matches(obs.ciphers)
            && self.groups.matches(obs.groups)
            && self.sig_algs.matches(obs.sig_algs);
        if !base {
            return None;
        }
        let alpn = match &self.alpn {
            TlsAlpn::Any => true,
            TlsAlpn::List(names) => {
                let mut observed = obs.alpn_names();
                names.iter().all(|n| observed.next() == Some(n.as_slice()))
                    && observed.next().is_none()
            }
        };
        if alpn && self.extensions.matches(obs.extensions) {
            Some(false)
        } else if fuzzy
            && self
                .extensions
                .matches_loosely(obs.extensions, &VOLATILE_EXTENSIONS)
        {
            Some(true)
        } else {
            None
        }
    }
}

impl Display for TlsSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.transport {
            Some(t) => write!(f, "{}:", t.code())?,
            None => f.write_str("*:")?,
        }
        match self.version {
            Some(v) => write_version(f, v)?,
            None => f.write_char('*')?,
        }
        for list in [
            &self.ciphers,
            &self.extensions,
            &self.groups,
            &self.sig_algs,
        ] {
            f.write_char(':')?;
            let items = match list {
                TlsList::Any => {
                    f.write_char('*')?;
                    continue;
                }
                TlsList::Ordered(items) => items,
                TlsList::Unordered(items) => {
                    f.write_char('~')?;
                    items
                }
            };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_char(',')?;
                }
                if item.optional {
                    f.write_char('?')?;
                }
                write!(f, "{:04x}", item.value)?;
            }
        }
        f.write_str(match self.grease {
            Some(true) => ":grease:",
            Some(false) => "::",
            None => ":*:",
        })?;
        match &self.alpn {
            TlsAlpn::Any => f.write_char('*'),
            TlsAlpn::List(names) => {
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write_alpn_name(f, name)?;
                }
                Ok(())
            }
        }
    }
}

/// JA4's version codes.
const VERSION_CODES: [(u16, &str); 9] = [
    (0x0304, "13"),
    (0x0303, "12"),
    (0x0302, "11"),
    (0x0301, "10"),
    (0x0300, "s3"),
    (0x0002, "s2"),
    (0xfeff, "d1"),
    (0xfefd, "d2"),
    (0xfefc, "d3"),
];

fn write_version<W: fmt::Write>(f: &mut W, version: u16) -> fmt::Result {
    match VERSION_CODES.iter().find(|(v, _)| *v == version) {
        Some((_, code)) => f.write_str(code),
        None => write!(f, "{version:04x}"),
    }
}

fn write_values<W: fmt::Write>(f: &mut W, values: &[u16]) -> fmt::Result {
    // Four hex digits and a comma per value, built in chunks on the stack and written with
    // one call each: `write!` with `{:04x}` costs ten times as much per value, and a raw
    // signature is written for every TLS hello.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 5 * 64];
    for (n, chunk) in values.chunks(64).enumerate() {
        let mut len = 0;
        for (i, &v) in chunk.iter().enumerate() {
            if n > 0 || i > 0 {
                buf[len] = b',';
                len += 1;
            }
            for shift in [12, 8, 4, 0] {
                buf[len] = HEX[usize::from((v >> shift) & 0xf)];
                len += 1;
            }
        }
        f.write_str(std::str::from_utf8(&buf[..len]).unwrap_or_default())?;
    }
    Ok(())
}

/// True for the bytes an ALPN name is written with as they are.
fn alpn_plain(b: u8) -> bool {
    b.is_ascii_graphic() && !b",:|\\=;*".contains(&b)
}

fn write_alpn_name<W: fmt::Write>(f: &mut W, name: &[u8]) -> fmt::Result {
    for &b in name {
        if alpn_plain(b) {
            f.write_char(char::from(b))?;
        } else {
            write!(f, "\\x{b:02x}")?;
        }
    }
    Ok(())
}

/// The answer of TLS matching.
#[derive(Clone, Copy, Debug)]
pub struct TlsMatch<'db> {
    /// The matched signature, if any. Its label's `generic` flag says whether it is a
    /// generic match.
    pub signature: Option<&'db TlsSignature>,
    /// The match is fuzzy (the extensions differ in order or in volatile extensions, or
    /// the ALPN differs).
    pub fuzzy: bool,
}

impl Database {
    /// The TLS signatures of a direction: `[tls:request]` (ClientHellos) or
    /// `[tls:response]` (ServerHellos).
    pub fn tls(&self, direction: Direction) -> &[TlsSignature] {
        match direction {
            Direction::Request => &self.tls_request,
            Direction::Response => &self.tls_response,
        }
    }

    /// Matches a ClientHello (`Direction::Request`) or ServerHello (`Direction::Response`)
    /// with p0f's best-match rule: the first specific exact match in file order wins, else
    /// the first generic exact match, else (ClientHellos only) the first fuzzy match. Does
    /// not allocate.
    pub fn match_tls(&self, direction: Direction, obs: &TlsObservation<'_>) -> TlsMatch<'_> {
        let sigs = self.tls(direction);
        let keys = match direction {
            Direction::Request => &self.tls_request_keys,
            Direction::Response => &self.tls_response_keys,
        };
        let key = cipher_key(obs.ciphers.iter().copied());
        // A ServerHello's few extensions say something only in their order: no fuzzy tier.
        let fuzzy_allowed = direction == Direction::Request;
        let (mut generic, mut fuzzy) = (None, None);
        for (sig, &sig_key) in sigs.iter().zip(keys) {
            if sig_key.is_some_and(|k| k != key) {
                continue;
            }
            match sig.fit(obs, fuzzy_allowed && fuzzy.is_none()) {
                Some(false) if !self.label(sig.label).generic => {
                    return TlsMatch {
                        signature: Some(sig),
                        fuzzy: false,
                    };
                }
                Some(false) => {
                    generic.get_or_insert(sig);
                }
                Some(true) => {
                    fuzzy.get_or_insert(sig);
                }
                None => {}
            }
        }
        match (generic, fuzzy) {
            (Some(sig), _) => TlsMatch {
                signature: Some(sig),
                fuzzy: false,
            },
            (None, fuzzy) => TlsMatch {
                signature: fuzzy,
                fuzzy: fuzzy.is_some(),
            },
        }
    }

    /// The line of an earlier signature of the section identical to `sig`, if any.
    pub(crate) fn tls_covered_by(&self, direction: Direction, sig: &TlsSignature) -> Option<u32> {
        self.tls(direction)
            .iter()
            .find(|s| {
                s.transport == sig.transport
                    && s.version == sig.version
                    && s.ciphers == sig.ciphers
                    && s.extensions == sig.extensions
                    && s.groups == sig.groups
                    && s.sig_algs == sig.sig_algs
                    && s.grease == sig.grease
                    && s.alpn == sig.alpn
            })
            .map(|s| s.line)
    }
}

/// A quick key of a cipher list (FNV-1a), compared before the full check.
pub(crate) fn cipher_key(values: impl Iterator<Item = u16>) -> u64 {
    values.fold(0xcbf2_9ce4_8422_2325, |h, v| {
        (h ^ u64::from(v)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The cipher key of a signature, when its cipher list is a plain ordered one (no `?`):
/// only hellos with the same key can match it, exactly or fuzzily.
pub(crate) fn signature_cipher_key(sig: &TlsSignature) -> Option<u64> {
    match &sig.ciphers {
        TlsList::Ordered(items) if items.iter().all(|i| !i.optional) => {
            Some(cipher_key(items.iter().map(|i| i.value)))
        }
        _ => None,
    }
}

/// `proto:version:ciphers:extensions:groups:sigalgs:flags:alpn`. The label and line of the
/// result are placeholders.
pub(crate) fn parse_tls_sig(value: &str) -> Result<TlsSignature, String> {
    let fields: Vec<&str> = value.split(':').collect();
    let [
        proto,
        version,
        ciphers,
        extensions,
        groups,
        sig_algs,
        flags,
        alpn,
    ] = fields[..]
    else {
        return Err(format!(
            "Malformed signature: {} fields, expected 8 \
             (proto:version:ciphers:extensions:groups:sigalgs:flags:alpn)",
            fields.len()
        ));
    };
    let transport = match proto {
        "t" => Some(TlsTransport::Tcp),
        "q" => Some(TlsTransport::Quic),
        "d" => Some(TlsTransport::Dtls),
        "*" => None,
        _ => {
            return Err(format!(
                "Unrecognized TLS transport '{proto}' (t, q, d or *)"
            ));
        }
    };
    let version = if version == "*" {
        None
    } else if let Some((v, _)) = VERSION_CODES.iter().find(|(_, code)| *code == version) {
        Some(*v)
    } else {
        Some(hex4(version).ok_or_else(|| format!("Malformed TLS version '{version}'"))?)
    };
    let grease = match flags {
        "*" => None,
        "" => Some(false),
        "grease" => Some(true),
        _ => {
            return Err(format!(
                "Unrecognized TLS flags '{flags}' (grease, empty or *)"
            ));
        }
    };
    Ok(TlsSignature {
        label: 0,
        line: 0,
        transport,
        version,
        ciphers: parse_list(ciphers, "cipher")?,
        extensions: parse_list(extensions, "extension")?,
        groups: parse_list(groups, "group")?,
        sig_algs: parse_list(sig_algs, "signature algorithm")?,
        grease,
        alpn: parse_alpn(alpn)?,
    })
}

/// Exactly four hex digits.
fn hex4(text: &str) -> Option<u16> {
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        u16::from_str_radix(text, 16).ok()
    } else {
        None
    }
}

fn parse_list(text: &str, what: &str) -> Result<TlsList, String> {
    if text == "*" {
        return Ok(TlsList::Any);
    }
    let (unordered, body) = match text.strip_prefix('~') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let mut items = Vec::new();
    if !body.is_empty() {
        for entry in body.split(',') {
            let (optional, hex) = match entry.strip_prefix('?') {
                Some(hex) => (true, hex),
                None => (false, entry),
            };
            let value = hex4(hex).ok_or_else(|| {
                format!("Malformed {what} '{entry}' (four hex digits, '?' for optional)")
            })?;
            items.push(TlsItem { value, optional });
        }
    }
    if unordered || items.iter().any(|i| i.optional) {
        let mut values: Vec<u16> = items.iter().map(|i| i.value).collect();
        values.sort_unstable();
        if let Some(w) = values.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!(
                "Repeated {what} {:04x} in a list with '~' or '?'",
                w[0]
            ));
        }
    }
    if unordered {
        items.sort_unstable_by_key(|i| i.value);
        Ok(TlsList::Unordered(items))
    } else {
        Ok(TlsList::Ordered(items))
    }
}

fn parse_alpn(text: &str) -> Result<TlsAlpn, String> {
    if text == "*" {
        return Ok(TlsAlpn::Any);
    }
    let mut names = Vec::new();
    if text.is_empty() {
        return Ok(TlsAlpn::List(names));
    }
    for entry in text.split(',') {
        let mut name = Vec::new();
        let mut bytes = entry.bytes();
        while let Some(b) = bytes.next() {
            if b == b'\\' {
                let escaped = (bytes.next() == Some(b'x'))
                    .then(|| {
                        let hi = char::from(bytes.next()?).to_digit(16)?;
                        let lo = char::from(bytes.next()?).to_digit(16)?;
                        u8::try_from(hi * 16 + lo).ok()
                    })
                    .flatten();
                name.push(
                    escaped.ok_or_else(|| {
                        format!("Malformed ALPN name '{entry}' (escapes are \\xNN)")
                    })?,
                );
            } else if alpn_plain(b) {
                name.push(b);
            } else {
                return Err(format!(
                    "Malformed ALPN name '{entry}' (write byte {b:#04x} as \\x{b:02x})"
                ));
            }
        }
        if name.is_empty() || name.len() > 255 {
            return Err(format!("Malformed ALPN name '{entry}' (1 to 255 bytes)"));
        }
        names.push(name);
    }
    Ok(TlsAlpn::List(names))
}
