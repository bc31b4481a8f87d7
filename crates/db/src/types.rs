//! Typed signatures and the database that holds them.

use std::collections::HashMap;

use p0fmod_wire::{IpVersion, Quirks};

use crate::HeaderTable;

/// Index of an OS class (`classes = win,unix,other`) in [`Database::classes`].
pub type ClassId = u16;
/// Index of an OS or application name in [`Database::names`].
pub type NameId = u16;
/// Index of a label in [`Database::labels`].
pub type LabelId = u32;

/// Traffic direction of a signature section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `[tcp:request]` / `[http:request]` / `[tls:request]`: SYNs, HTTP requests and TLS
    /// ClientHellos.
    Request,
    /// `[tcp:response]` / `[http:response]` / `[tls:response]`: SYN+ACKs, HTTP responses and
    /// TLS ServerHellos.
    Response,
}

/// A `label = T:C:N:F` line, shared by the signatures that follow it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// `g` (generic) rather than `s` (specific).
    pub generic: bool,
    /// The OS class, or `None` for a userland application (class `!`).
    pub class: Option<ClassId>,
    /// The OS or application name.
    pub name: NameId,
    /// The flavor (version text), if any.
    pub flavor: Option<String>,
    /// The `sys = ...` list of a userland label: which systems the application runs on.
    pub sys: Vec<SysEntry>,
    /// 1-based line of the label in its file.
    pub line: u32,
}

impl Label {
    /// True for a userland application label (class `!`).
    pub fn is_userland(&self) -> bool {
        self.class.is_none()
    }
}

/// One entry of a `sys =` list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SysEntry {
    /// `@class`.
    Class(ClassId),
    /// A system name.
    Name(NameId),
}

/// The window-size field of a TCP signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WindowSpec {
    /// `*`.
    Any,
    /// A literal window.
    Literal(u16),
    /// `%N`: the window is a multiple of N.
    Modulo(u16),
    /// `mss*N`.
    MssMultiple(u16),
    /// `mtu*N`.
    MtuMultiple(u16),
}

/// The payload-class field of a TCP signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PayloadClass {
    /// `*`.
    Any,
    /// `0`: no payload.
    Zero,
    /// `+`: some payload.
    NonZero,
}

/// A TCP signature: `sig = ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpSignature {
    /// The label this signature belongs to.
    pub label: LabelId,
    /// 1-based line in its file.
    pub line: u32,
    /// IP version, `None` for `*`.
    pub version: Option<IpVersion>,
    /// Initial TTL, including a `+N` distance.
    pub ttl: u8,
    /// `N-`: a bad (random) TTL signature.
    pub bad_ttl: bool,
    /// IP options length.
    pub ip_opt_len: u8,
    /// MSS, `None` for `*`.
    pub mss: Option<u16>,
    /// Window size.
    pub window: WindowSpec,
    /// Window scale, `None` for `*`.
    pub wscale: Option<u8>,
    /// Option kinds in order (EOL included as kind 0).
    pub opt_layout: Vec<u8>,
    /// Padding after EOL.
    pub eol_pad: u8,
    /// Quirks.
    pub quirks: Quirks,
    /// Payload class.
    pub payload_class: PayloadClass,
}

/// One header of an HTTP signature's ordered list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpSigHeader {
    /// The header name's id.
    pub id: crate::HeaderId,
    /// `?Name`: may be absent.
    pub optional: bool,
    /// `Name=[value]`: a substring the packet's value must contain.
    pub value: Option<String>,
}

/// An HTTP signature: `sig = ver:horder:habsent:expsw`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpSignature {
    /// The label this signature belongs to.
    pub label: LabelId,
    /// 1-based line in its file.
    pub line: u32,
    /// HTTP minor version, `None` for `*`.
    pub version: Option<u8>,
    /// Ordered headers.
    pub headers: Vec<HttpSigHeader>,
    /// Headers that must be absent.
    pub absent: Vec<crate::HeaderId>,
    /// Expected software (User-Agent or Server substring), if any.
    pub expected_sw: Option<String>,
}

/// One `[mtu]` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MtuEntry {
    /// The MTU.
    pub mtu: u16,
    /// The link name, e.g. `Ethernet or modem`.
    pub link: String,
}

/// One `ua_os` entry: a User-Agent substring that names an OS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UaOsEntry {
    /// The OS name.
    pub name: NameId,
    /// The substring looked for in User-Agents.
    pub pattern: String,
}

/// A loaded signature database.
///
/// Built by [`Database::parse`], [`Database::load`] or [`Database::embedded`]. The lists are
/// public for reading; TCP matching goes through an option-layout index built while
/// parsing, so signatures pushed onto the lists afterwards are not matched.
#[derive(Clone, Debug)]
pub struct Database {
    /// Where it came from (a path, or `<embedded>`), for messages.
    pub origin: String,
    /// OS classes, in declaration order.
    pub classes: Vec<String>,
    /// OS and application names (first spelling wins; matched case-insensitively at load).
    pub names: Vec<String>,
    /// Labels, in file order.
    pub labels: Vec<Label>,
    /// `[tcp:request]` signatures, in file order.
    pub tcp_request: Vec<TcpSignature>,
    /// `[tcp:response]` signatures, in file order.
    pub tcp_response: Vec<TcpSignature>,
    /// `[http:request]` signatures, in file order.
    pub http_request: Vec<HttpSignature>,
    /// `[http:response]` signatures, in file order.
    pub http_response: Vec<HttpSignature>,
    /// `[tls:request]` signatures (ClientHellos), in file order.
    pub tls_request: Vec<crate::TlsSignature>,
    /// `[tls:response]` signatures (ServerHellos), in file order.
    pub tls_response: Vec<crate::TlsSignature>,
    /// `[mtu]` entries, in file order.
    pub mtu: Vec<MtuEntry>,
    /// `ua_os` entries, in file order.
    pub ua_os: Vec<UaOsEntry>,
    /// Known HTTP header names: p0f's built-in lists plus every name the signatures use.
    pub headers: HeaderTable,
    /// Number of `sig` lines loaded.
    pub signature_count: u32,
    /// `[tcp:request]` signature indices by option layout, each list in file order.
    pub(crate) tcp_request_index: LayoutIndex,
    /// `[tcp:response]` signature indices by option layout, each list in file order.
    pub(crate) tcp_response_index: LayoutIndex,
    /// The header-presence masks of `http_request`, one per signature, in the same order.
    pub(crate) http_request_presence: Vec<HeaderPresence>,
    /// The header-presence masks of `http_response`, one per signature, in the same order.
    pub(crate) http_response_presence: Vec<HeaderPresence>,
    /// The cipher keys of `tls_request` (`None`: the signature's ciphers are not a plain
    /// list), one per signature, in the same order.
    pub(crate) tls_request_keys: Vec<Option<u64>>,
    /// The cipher keys of `tls_response`, likewise.
    pub(crate) tls_response_keys: Vec<Option<u64>>,
}

/// A set of header ids below [`HeaderSet::BITS`]; higher ids are left out (and left to
/// the full check).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct HeaderSet([u64; 4]);

impl HeaderSet {
    /// Ids at and above this are not represented.
    pub(crate) const BITS: usize = 256;

    /// Adds `id` (ignored when it is not represented).
    pub(crate) fn insert(&mut self, id: crate::HeaderId) {
        let id = usize::from(id);
        if id < Self::BITS {
            self.0[id / 64] |= 1 << (id % 64);
        }
    }

    /// True when every id of `self` is in `other`.
    pub(crate) fn is_subset(&self, other: &HeaderSet) -> bool {
        self.0.iter().zip(other.0).all(|(a, b)| a & !b == 0)
    }

    /// True when `self` and `other` share an id.
    pub(crate) fn meets(&self, other: &HeaderSet) -> bool {
        self.0.iter().zip(other.0).any(|(a, b)| a & b != 0)
    }
}

/// What an HTTP signature needs of a message's header names, as bit sets: a quick
/// rejection before the ordered walk of spec §9.5 (which still decides every survivor).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct HeaderPresence {
    /// Mandatory (not `?`) headers: all must be present.
    pub(crate) required: HeaderSet,
    /// Headers that must be absent.
    pub(crate) absent: HeaderSet,
}

impl HeaderPresence {
    /// The masks of one signature.
    pub(crate) fn of(sig: &HttpSignature) -> HeaderPresence {
        let mut presence = HeaderPresence::default();
        for h in sig.headers.iter().filter(|h| !h.optional) {
            presence.required.insert(h.id);
        }
        for &id in &sig.absent {
            presence.absent.insert(id);
        }
        presence
    }

    /// False when a message with these header names certainly does not fit.
    pub(crate) fn may_fit(&self, message: &HeaderSet) -> bool {
        self.required.is_subset(message) && !self.absent.meets(message)
    }
}

/// TCP signatures grouped by option layout: layout → indices into the direction's
/// signature list, in file order.
pub(crate) type LayoutIndex = HashMap<Vec<u8>, Vec<u32>>;

impl Database {
    /// The label of a signature.
    pub fn label(&self, id: LabelId) -> &Label {
        &self.labels[id as usize]
    }

    /// The text of a name.
    pub fn name(&self, id: NameId) -> &str {
        &self.names[id as usize]
    }

    /// The TCP signatures of a direction.
    pub fn tcp(&self, direction: Direction) -> &[TcpSignature] {
        match direction {
            Direction::Request => &self.tcp_request,
            Direction::Response => &self.tcp_response,
        }
    }

    /// The HTTP signatures of a direction.
    pub fn http(&self, direction: Direction) -> &[HttpSignature] {
        match direction {
            Direction::Request => &self.http_request,
            Direction::Response => &self.http_response,
        }
    }

    /// The link name of the first `[mtu]` entry with exactly this MTU.
    pub fn mtu_link(&self, mtu: u16) -> Option<&str> {
        self.mtu
            .iter()
            .find(|e| e.mtu == mtu)
            .map(|e| e.link.as_str())
    }

    /// The id of a name, compared case-insensitively (ASCII) as p0f does.
    pub fn name_id(&self, name: &str) -> Option<NameId> {
        self.names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name))
            .map(|i| i as NameId)
    }

    /// The OS named by a User-Agent: the first `ua_os` entry, in database order, whose
    /// pattern is a (case-sensitive) substring of `user_agent` (spec §10.2).
    pub fn ua_os_lookup(&self, user_agent: &[u8]) -> Option<NameId> {
        self.ua_os
            .iter()
            .find(|e| crate::matching::contains(user_agent, e.pattern.as_bytes()))
            .map(|e| e.name)
    }

    /// A label as p0f prints it in `os=` / `app=`: the name, then a space and the flavor if
    /// there is one (`Linux 3.11 and newer`, `Mac OS X`).
    pub fn label_display(&self, id: LabelId) -> LabelDisplay<'_> {
        let label = self.label(id);
        LabelDisplay {
            name: self.name(label.name),
            flavor: label.flavor.as_deref(),
        }
    }

    /// The header-presence masks of a direction's HTTP signatures.
    pub(crate) fn http_presence(&self, direction: Direction) -> &[HeaderPresence] {
        match direction {
            Direction::Request => &self.http_request_presence,
            Direction::Response => &self.http_response_presence,
        }
    }

    /// The option-layout index of a direction.
    pub(crate) fn tcp_index(&self, direction: Direction) -> &LayoutIndex {
        match direction {
            Direction::Request => &self.tcp_request_index,
            Direction::Response => &self.tcp_response_index,
        }
    }
}

/// A label printed as `Name[ Flavor]`, from [`Database::label_display`].
#[derive(Clone, Copy, Debug)]
pub struct LabelDisplay<'a> {
    name: &'a str,
    flavor: Option<&'a str>,
}

impl std::fmt::Display for LabelDisplay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)?;
        if let Some(flavor) = self.flavor {
            write!(f, " {flavor}")?;
        }
        Ok(())
    }
}
