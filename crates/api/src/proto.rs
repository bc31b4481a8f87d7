//! The p0f 3 query protocol as pure encode / decode functions.
//!
//! Both messages are packed C structs in **host byte order** (api.h):
//!
//! * a [`Query`] is 21 bytes: magic `0x50304601` (u32), address type (u8: 4 or 6), and 16
//!   address bytes in network order (IPv4 uses the first four; the rest are ignored);
//! * a [`Response`] is 232 bytes: magic `0x50304602`, a status (u32: `0x00` bad query,
//!   `0x10` ok, `0x20` no match), seven u32 times and counters, the distance (s16), `bad_sw`
//!   and `os_match_q` (u8), and six 32-byte strings.
//!
//! Strings are copied as `strncpy(dst, src, 32)` does: a value of 32 bytes or more fills the
//! field with **no terminating NUL** (the stock `MacOS X` flavor, 40 characters, comes out
//! cut to 32), and an empty value is 32 zero bytes. The distance is p0f's u8 widened to s16,
//! so an unknown distance reads **255**, not the -1 that api.h promises.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use p0fmod::HostInfo;
use p0fmod::host::{LabelMatch, SoftwareHonesty};

/// Magic number of a query.
pub const QUERY_MAGIC: u32 = 0x5030_4601;
/// Magic number of a response.
pub const RESPONSE_MAGIC: u32 = 0x5030_4602;
/// Size of a query on the wire.
pub const QUERY_LEN: usize = 21;
/// Size of a response on the wire.
pub const RESPONSE_LEN: usize = 232;
/// Address type of an IPv4 query.
pub const ADDR_IPV4: u8 = 4;
/// Address type of an IPv6 query.
pub const ADDR_IPV6: u8 = 6;
/// Size of each string field of a response.
pub const STR_LEN: usize = 32;
/// Match-quality bit: the OS match was fuzzy.
pub const MATCH_FUZZY: u8 = 0x01;
/// Match-quality bit: the OS match was generic.
pub const MATCH_GENERIC: u8 = 0x02;
/// The distance reported for a host whose distance is unknown.
pub const DISTANCE_UNKNOWN: i16 = 255;

/// A query as it travels: every field raw, so that malformed queries can be represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Query {
    /// Magic number ([`QUERY_MAGIC`] in a valid query).
    pub magic: u32,
    /// Address type ([`ADDR_IPV4`] or [`ADDR_IPV6`] in a valid query).
    pub addr_type: u8,
    /// The address in network order; IPv4 uses the first four bytes.
    pub addr: [u8; 16],
}

/// Why a query is refused (answered with status 0x00).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryError {
    /// The magic number is wrong.
    BadMagic(u32),
    /// The address type is neither 4 nor 6.
    BadAddressType(u8),
}

impl fmt::Display for QueryError {
    /// p0f's warning text (without the `[!] WARNING: ` prefix).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::BadMagic(m) => write!(f, "Query with bad magic (0x{m:x})."),
            QueryError::BadAddressType(t) => writeln!(f, "Query with unknown address type {t}."),
        }
    }
}

impl std::error::Error for QueryError {}

impl Query {
    /// A valid query for `addr`.
    pub fn new(addr: IpAddr) -> Query {
        let mut bytes = [0u8; 16];
        let addr_type = match addr {
            IpAddr::V4(v4) => {
                bytes[..4].copy_from_slice(&v4.octets());
                ADDR_IPV4
            }
            IpAddr::V6(v6) => {
                bytes = v6.octets();
                ADDR_IPV6
            }
        };
        Query {
            magic: QUERY_MAGIC,
            addr_type,
            addr: bytes,
        }
    }

    /// The 21 bytes on the wire.
    pub fn encode(&self) -> [u8; QUERY_LEN] {
        let mut out = [0u8; QUERY_LEN];
        out[..4].copy_from_slice(&self.magic.to_ne_bytes());
        out[4] = self.addr_type;
        out[5..].copy_from_slice(&self.addr);
        out
    }

    /// Reads 21 bytes as a query. Every byte pattern is a query; [`Query::address`] says
    /// whether it is a valid one.
    pub fn decode(bytes: &[u8; QUERY_LEN]) -> Query {
        let mut magic = [0u8; 4];
        magic.copy_from_slice(&bytes[..4]);
        let mut addr = [0u8; 16];
        addr.copy_from_slice(&bytes[5..]);
        Query {
            magic: u32::from_ne_bytes(magic),
            addr_type: bytes[4],
            addr,
        }
    }

    /// The address asked about, checked as p0f checks it: the magic first, then the type.
    pub fn address(&self) -> Result<IpAddr, QueryError> {
        if self.magic != QUERY_MAGIC {
            return Err(QueryError::BadMagic(self.magic));
        }
        match self.addr_type {
            ADDR_IPV4 => Ok(IpAddr::V4(Ipv4Addr::new(
                self.addr[0],
                self.addr[1],
                self.addr[2],
                self.addr[3],
            ))),
            ADDR_IPV6 => Ok(IpAddr::V6(Ipv6Addr::from(self.addr))),
            other => Err(QueryError::BadAddressType(other)),
        }
    }
}

/// The status of a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// 0x00: the query was malformed.
    BadQuery,
    /// 0x10: the host is known; the other fields are filled in.
    Ok,
    /// 0x20: the host is not in the cache.
    NoMatch,
    /// Any other value (never sent by p0f or p0fmod).
    Other(u32),
}

impl Status {
    /// The value on the wire.
    pub fn code(self) -> u32 {
        match self {
            Status::BadQuery => 0x00,
            Status::Ok => 0x10,
            Status::NoMatch => 0x20,
            Status::Other(c) => c,
        }
    }

    /// The status for a value on the wire.
    pub fn from_code(code: u32) -> Status {
        match code {
            0x00 => Status::BadQuery,
            0x10 => Status::Ok,
            0x20 => Status::NoMatch,
            c => Status::Other(c),
        }
    }
}

/// A 32-byte string field exactly as on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiString([u8; STR_LEN]);

impl Default for ApiString {
    fn default() -> ApiString {
        ApiString([0; STR_LEN])
    }
}

impl ApiString {
    /// Copies `s` as `strncpy(field, s, 32)`: up to 32 bytes (stopping at a NUL), the rest
    /// zero. A value of 32 bytes or more leaves no terminating NUL.
    pub fn new(s: &str) -> ApiString {
        let mut field = [0u8; STR_LEN];
        for (dst, &src) in field
            .iter_mut()
            .zip(s.as_bytes().iter().take_while(|&&b| b != 0))
        {
            *dst = src;
        }
        ApiString(field)
    }

    /// The raw 32 bytes.
    pub fn raw(&self) -> &[u8; STR_LEN] {
        &self.0
    }

    /// The text: the bytes before the first NUL, or all 32 when there is none.
    pub fn as_bytes(&self) -> &[u8] {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(STR_LEN);
        &self.0[..end]
    }

    /// The text, with invalid UTF-8 (a multi-byte character cut at byte 32) replaced.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(self.as_bytes()).into_owned()
    }

    /// True when the field is empty (its first byte is NUL).
    pub fn is_empty(&self) -> bool {
        self.0[0] == 0
    }
}

impl fmt::Debug for ApiString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string_lossy(), f)
    }
}

/// A response, field by field as api.h defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response {
    /// Status.
    pub status: Status,
    /// First seen (Unix seconds).
    pub first_seen: u32,
    /// Last new connection (Unix seconds).
    pub last_seen: u32,
    /// Connections seen, as client or server.
    pub total_conn: u32,
    /// Uptime in minutes (0 if never computed).
    pub uptime_min: u32,
    /// Timestamp clock wrap period in days.
    pub up_mod_days: u32,
    /// Last `ip sharing` verdict (Unix seconds, 0 = never).
    pub last_nat: u32,
    /// Last `host change` verdict (Unix seconds, 0 = never).
    pub last_chg: u32,
    /// Distance in hops; [`DISTANCE_UNKNOWN`] (255) when unknown.
    pub distance: i16,
    /// 0 = the software seems legit, 1 = the User-Agent names another OS, 2 = fake.
    pub bad_sw: u8,
    /// OS match quality bits ([`MATCH_FUZZY`], [`MATCH_GENERIC`]).
    pub os_match_q: u8,
    /// OS name.
    pub os_name: ApiString,
    /// OS flavor.
    pub os_flavor: ApiString,
    /// HTTP software name.
    pub http_name: ApiString,
    /// HTTP software flavor.
    pub http_flavor: ApiString,
    /// Link type (from the MTU).
    pub link_type: ApiString,
    /// Language (from Accept-Language).
    pub language: ApiString,
}

/// A response that is not one: the magic number is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadResponseMagic(pub u32);

impl fmt::Display for BadResponseMagic {
    /// p0f-client's text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bad response magic (0x{:08x}).", self.0)
    }
}

impl std::error::Error for BadResponseMagic {}

/// Byte offsets of the response fields.
mod offset {
    pub const MAGIC: usize = 0;
    pub const STATUS: usize = 4;
    pub const FIRST_SEEN: usize = 8;
    pub const LAST_SEEN: usize = 12;
    pub const TOTAL_CONN: usize = 16;
    pub const UPTIME_MIN: usize = 20;
    pub const UP_MOD_DAYS: usize = 24;
    pub const LAST_NAT: usize = 28;
    pub const LAST_CHG: usize = 32;
    pub const DISTANCE: usize = 36;
    pub const BAD_SW: usize = 38;
    pub const OS_MATCH_Q: usize = 39;
    pub const OS_NAME: usize = 40;
    pub const OS_FLAVOR: usize = 72;
    pub const HTTP_NAME: usize = 104;
    pub const HTTP_FLAVOR: usize = 136;
    pub const LINK_TYPE: usize = 168;
    pub const LANGUAGE: usize = 200;
}

impl Response {
    /// A response with this status and every other field zero (p0f's answer to a bad query,
    /// status 0x00, and to an unknown host, status 0x20).
    pub fn empty(status: Status) -> Response {
        Response {
            status,
            first_seen: 0,
            last_seen: 0,
            total_conn: 0,
            uptime_min: 0,
            up_mod_days: 0,
            last_nat: 0,
            last_chg: 0,
            distance: 0,
            bad_sw: 0,
            os_match_q: 0,
            os_name: ApiString::default(),
            os_flavor: ApiString::default(),
            http_name: ApiString::default(),
            http_flavor: ApiString::default(),
            link_type: ApiString::default(),
            language: ApiString::default(),
        }
    }

    /// The answer for a known host, filled as p0f's `handle_query` fills it. Times are cut
    /// to 32 bits as in p0f.
    pub fn from_host(host: &HostInfo) -> Response {
        let name = |m: &Option<LabelMatch>| {
            m.as_ref()
                .map_or_else(ApiString::default, |m| ApiString::new(&m.name))
        };
        let flavor = |m: &Option<LabelMatch>| {
            m.as_ref()
                .and_then(|m| m.flavor.as_deref())
                .map_or_else(ApiString::default, ApiString::new)
        };
        let text =
            |s: &Option<String>| s.as_deref().map_or_else(ApiString::default, ApiString::new);
        let time = |t: i64| t as u32;
        Response {
            status: Status::Ok,
            first_seen: time(host.first_seen),
            last_seen: time(host.last_seen),
            total_conn: host.total_conn,
            uptime_min: host.uptime.map_or(0, |u| u.minutes),
            up_mod_days: host.uptime.map_or(0, |u| u.modulo_days),
            last_nat: host.ip_sharing.map_or(0, |e| time(e.last)),
            last_chg: host.host_change.map_or(0, |e| time(e.last)),
            distance: host.distance.map_or(DISTANCE_UNKNOWN, i16::from),
            bad_sw: match host.http_honesty {
                SoftwareHonesty::Legit => 0,
                SoftwareHonesty::OsMismatch => 1,
                SoftwareHonesty::Fake => 2,
            },
            os_match_q: host.os_match_quality(),
            os_name: name(&host.os),
            os_flavor: flavor(&host.os),
            http_name: name(&host.http_app),
            http_flavor: flavor(&host.http_app),
            link_type: text(&host.link),
            language: text(&host.language),
        }
    }

    /// The 232 bytes on the wire.
    pub fn encode(&self) -> [u8; RESPONSE_LEN] {
        let mut out = [0u8; RESPONSE_LEN];
        let mut put = |at: usize, bytes: &[u8]| out[at..at + bytes.len()].copy_from_slice(bytes);
        put(offset::MAGIC, &RESPONSE_MAGIC.to_ne_bytes());
        put(offset::STATUS, &self.status.code().to_ne_bytes());
        put(offset::FIRST_SEEN, &self.first_seen.to_ne_bytes());
        put(offset::LAST_SEEN, &self.last_seen.to_ne_bytes());
        put(offset::TOTAL_CONN, &self.total_conn.to_ne_bytes());
        put(offset::UPTIME_MIN, &self.uptime_min.to_ne_bytes());
        put(offset::UP_MOD_DAYS, &self.up_mod_days.to_ne_bytes());
        put(offset::LAST_NAT, &self.last_nat.to_ne_bytes());
        put(offset::LAST_CHG, &self.last_chg.to_ne_bytes());
        put(offset::DISTANCE, &self.distance.to_ne_bytes());
        put(offset::BAD_SW, &[self.bad_sw]);
        put(offset::OS_MATCH_Q, &[self.os_match_q]);
        put(offset::OS_NAME, self.os_name.raw());
        put(offset::OS_FLAVOR, self.os_flavor.raw());
        put(offset::HTTP_NAME, self.http_name.raw());
        put(offset::HTTP_FLAVOR, self.http_flavor.raw());
        put(offset::LINK_TYPE, self.link_type.raw());
        put(offset::LANGUAGE, self.language.raw());
        out
    }

    /// Reads 232 bytes as a response; refuses a wrong magic number.
    pub fn decode(bytes: &[u8; RESPONSE_LEN]) -> Result<Response, BadResponseMagic> {
        let u32_at = |at: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(&bytes[at..at + 4]);
            u32::from_ne_bytes(b)
        };
        let str_at = |at: usize| {
            let mut b = [0u8; STR_LEN];
            b.copy_from_slice(&bytes[at..at + STR_LEN]);
            ApiString(b)
        };
        let magic = u32_at(offset::MAGIC);
        if magic != RESPONSE_MAGIC {
            return Err(BadResponseMagic(magic));
        }
        Ok(Response {
            status: Status::from_code(u32_at(offset::STATUS)),
            first_seen: u32_at(offset::FIRST_SEEN),
            last_seen: u32_at(offset::LAST_SEEN),
            total_conn: u32_at(offset::TOTAL_CONN),
            uptime_min: u32_at(offset::UPTIME_MIN),
            up_mod_days: u32_at(offset::UP_MOD_DAYS),
            last_nat: u32_at(offset::LAST_NAT),
            last_chg: u32_at(offset::LAST_CHG),
            distance: i16::from_ne_bytes([bytes[offset::DISTANCE], bytes[offset::DISTANCE + 1]]),
            bad_sw: bytes[offset::BAD_SW],
            os_match_q: bytes[offset::OS_MATCH_Q],
            os_name: str_at(offset::OS_NAME),
            os_flavor: str_at(offset::OS_FLAVOR),
            http_name: str_at(offset::HTTP_NAME),
            http_flavor: str_at(offset::HTTP_FLAVOR),
            link_type: str_at(offset::LINK_TYPE),
            language: str_at(offset::LANGUAGE),
        })
    }
}

/// What a server answers to one 21-byte query: the response, and the reason when the
/// query was refused. `lookup` finds a host (the engine's host table).
pub fn answer(
    query: &[u8; QUERY_LEN],
    lookup: &mut dyn FnMut(IpAddr) -> Option<HostInfo>,
) -> (Response, Option<QueryError>) {
    match Query::decode(query).address() {
        Err(e) => (Response::empty(Status::BadQuery), Some(e)),
        Ok(addr) => match lookup(addr) {
            Some(host) => (Response::from_host(&host), None),
            None => (Response::empty(Status::NoMatch), None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p0fmod::host::{EventHistory, LabelMatch, Uptime};

    fn host() -> HostInfo {
        HostInfo {
            addr: "10.77.0.1".parse().unwrap(),
            first_seen: 0x6000_0001,
            last_seen: 0x6000_0002,
            total_conn: 2,
            os: Some(LabelMatch {
                name: "Linux".into(),
                flavor: Some("2.2.x-3.x".into()),
                class: Some("unix".into()),
                generic: true,
                fuzzy: false,
            }),
            http_app: Some(LabelMatch {
                name: "Firefox".into(),
                flavor: Some("10.x or newer".into()),
                class: None,
                generic: false,
                fuzzy: false,
            }),
            http_honesty: SoftwareHonesty::Legit,
            language: Some("German".into()),
            distance: Some(0),
            link: Some("Ethernet or modem".into()),
            uptime: Some(Uptime {
                minutes: 19689,
                modulo_days: 49,
            }),
            ip_sharing: None,
            host_change: Some(EventHistory {
                count: 1,
                last: 0x6000_0003,
            }),
            observations: Default::default(),
            tls_client: None,
            tls_server: None,
            verdict: None,
        }
    }

    /// A 32-byte field holding `s` then zeros.
    fn field(s: &str) -> Vec<u8> {
        let mut v = s.as_bytes().to_vec();
        v.resize(32, 0);
        v
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn query_bytes_are_api_h_in_host_order() {
        let q = Query::new("192.0.2.7".parse().unwrap()).encode();
        let expected: [u8; 21] = [
            0x01, 0x46, 0x30, 0x50, 4, 192, 0, 2, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(q, expected);
        let q6 = Query::new("2001:db8::1".parse().unwrap()).encode();
        let expected6: [u8; 21] = [
            0x01, 0x46, 0x30, 0x50, 6, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ];
        assert_eq!(q6, expected6);
    }

    #[test]
    fn query_round_trips_and_checks_magic_before_type() {
        for addr in ["192.0.2.7", "2001:db8::1", "::", "0.0.0.0"] {
            let addr: IpAddr = addr.parse().unwrap();
            let q = Query::new(addr);
            assert_eq!(Query::decode(&q.encode()), q);
            assert_eq!(q.address(), Ok(addr));
        }
        let mut bad = Query::new("192.0.2.7".parse().unwrap());
        bad.addr_type = 5;
        assert_eq!(bad.address(), Err(QueryError::BadAddressType(5)));
        bad.magic = 0x1234;
        assert_eq!(bad.address(), Err(QueryError::BadMagic(0x1234)));
        // IPv4 ignores the 12 bytes after the address.
        let mut padded = Query::new("192.0.2.7".parse().unwrap());
        padded.addr[4..].fill(0xff);
        assert_eq!(padded.address(), Ok("192.0.2.7".parse().unwrap()));
    }

    #[test]
    fn warnings_are_p0f_texts() {
        assert_eq!(
            QueryError::BadMagic(0xdeadbeef).to_string(),
            "Query with bad magic (0xdeadbeef)."
        );
        assert_eq!(
            QueryError::BadAddressType(9).to_string(),
            "Query with unknown address type 9.\n"
        );
        assert_eq!(
            BadResponseMagic(0x1234).to_string(),
            "Bad response magic (0x00001234)."
        );
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn response_bytes_match_the_spec_layout() {
        let bytes = Response::from_host(&host()).encode();
        let mut expected = Vec::new();
        expected.extend_from_slice(&[0x02, 0x46, 0x30, 0x50]); // magic
        expected.extend_from_slice(&[0x10, 0, 0, 0]); // status ok
        expected.extend_from_slice(&[0x01, 0, 0, 0x60]); // first_seen
        expected.extend_from_slice(&[0x02, 0, 0, 0x60]); // last_seen
        expected.extend_from_slice(&[2, 0, 0, 0]); // total_conn
        expected.extend_from_slice(&[0xe9, 0x4c, 0, 0]); // uptime_min 19689
        expected.extend_from_slice(&[49, 0, 0, 0]); // up_mod_days
        expected.extend_from_slice(&[0, 0, 0, 0]); // last_nat
        expected.extend_from_slice(&[0x03, 0, 0, 0x60]); // last_chg
        expected.extend_from_slice(&[0, 0]); // distance
        expected.push(0); // bad_sw
        expected.push(2); // os_match_q
        for s in [
            "Linux",
            "2.2.x-3.x",
            "Firefox",
            "10.x or newer",
            "Ethernet or modem",
            "German",
        ] {
            expected.extend_from_slice(&field(s));
        }
        assert_eq!(expected.len(), RESPONSE_LEN);
        assert_eq!(bytes.to_vec(), expected);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn unknown_distance_is_255_and_empty_answers_are_zero() {
        let mut h = host();
        h.distance = None;
        let bytes = Response::from_host(&h).encode();
        assert_eq!(&bytes[36..38], &[0xff, 0x00]);
        let bad = Response::empty(Status::BadQuery).encode();
        assert_eq!(&bad[..4], &[0x02, 0x46, 0x30, 0x50]);
        assert!(bad[4..].iter().all(|&b| b == 0));
        let none = Response::empty(Status::NoMatch).encode();
        assert_eq!(&none[4..8], &[0x20, 0, 0, 0]);
        assert!(none[8..].iter().all(|&b| b == 0));
    }

    #[test]
    fn long_strings_are_cut_to_32_bytes_without_nul() {
        let flavor = "10.9 or newer (sometimes iPhone or iPad)";
        let s = ApiString::new(flavor);
        assert_eq!(s.raw(), &flavor.as_bytes()[..32]);
        assert_eq!(s.as_bytes(), &flavor.as_bytes()[..32]);
        let exact = "x".repeat(32);
        assert_eq!(ApiString::new(&exact).as_bytes(), exact.as_bytes());
        assert!(ApiString::new("").is_empty());
        assert_eq!(ApiString::new("a\0b").raw()[..3], [b'a', 0, 0]);
        // A multi-byte character cut at byte 32 decodes lossily, without panicking.
        let cut = ApiString::new(&format!("{}é", "x".repeat(31)));
        assert_eq!(cut.to_string_lossy(), format!("{}\u{fffd}", "x".repeat(31)));
    }

    #[test]
    fn response_round_trips_and_refuses_bad_magic() {
        let r = Response::from_host(&host());
        assert_eq!(Response::decode(&r.encode()), Ok(r));
        let mut bytes = r.encode();
        bytes[0] ^= 0xff;
        assert!(matches!(Response::decode(&bytes), Err(BadResponseMagic(_))));
        let mut odd = r;
        odd.status = Status::Other(7);
        assert_eq!(
            Response::decode(&odd.encode()).unwrap().status,
            Status::Other(7)
        );
    }

    #[test]
    fn answer_follows_handle_query() {
        let known = host();
        let mut lookup = |a: IpAddr| (a == known.addr).then(|| known.clone());
        let (r, e) = answer(&Query::new(known.addr).encode(), &mut lookup);
        assert_eq!((r.status, e), (Status::Ok, None));
        assert_eq!(r.os_name.as_bytes(), b"Linux");
        let (r, e) = answer(
            &Query::new("192.0.2.99".parse().unwrap()).encode(),
            &mut lookup,
        );
        assert_eq!((r, e), (Response::empty(Status::NoMatch), None));
        let (r, e) = answer(&[0u8; QUERY_LEN], &mut lookup);
        assert_eq!(
            (r, e),
            (
                Response::empty(Status::BadQuery),
                Some(QueryError::BadMagic(0))
            )
        );
        let mut q = Query::new(known.addr);
        q.addr_type = 0;
        let (r, e) = answer(&q.encode(), &mut lookup);
        assert_eq!(
            (r.status, e),
            (Status::BadQuery, Some(QueryError::BadAddressType(0)))
        );
    }
}
