//! The client side: send queries, read answers, and print them as p0f-client does.
//!
//! ```no_run
//! let answer = p0fmod_api::query("/run/p0fmod.sock".as_ref(), "192.0.2.7".parse()?)?;
//! print!("{}", p0fmod_api::client_report(&answer)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::io::{self, Read, Write};
use std::net::IpAddr;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use chrono::{Local, TimeZone};

use crate::json::request_line;
use crate::proto::{
    BadResponseMagic, MATCH_FUZZY, MATCH_GENERIC, QUERY_LEN, Query, RESPONSE_LEN, Response, Status,
};
use crate::server::SUN_PATH_LEN;

/// How long [`query`] waits for an answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a query failed. [`ClientError::message`] is p0f-client's text.
#[derive(Debug)]
pub enum ClientError {
    /// The address given is not an IPv4 or IPv6 address.
    MalformedAddress {
        /// It contained a `:` and was read as IPv6.
        ipv6: bool,
    },
    /// The socket path is 108 bytes or longer.
    PathTooLong,
    /// The socket could not be reached.
    Connect(io::Error),
    /// The query could not be sent whole.
    ShortWrite(io::Error),
    /// The answer did not arrive whole (the connection closed, or the wait timed out).
    ShortRead(io::Error),
    /// The answer's magic number is wrong.
    BadMagic(u32),
    /// The server answered status 0x00.
    NotUnderstood,
}

impl ClientError {
    /// p0f-client's message.
    pub fn message(&self) -> String {
        match self {
            ClientError::MalformedAddress { ipv6: true } => "Malformed IPv6 address.".into(),
            ClientError::MalformedAddress { ipv6: false } => "Malformed IPv4 address.".into(),
            ClientError::PathTooLong => {
                "API socket filename is too long for sockaddr_un (blame Unix).".into()
            }
            ClientError::Connect(_) => "Can't connect to API socket.".into(),
            ClientError::ShortWrite(_) => "Short write to API socket.".into(),
            ClientError::ShortRead(_) => "Short read from API socket.".into(),
            ClientError::BadMagic(m) => BadResponseMagic(*m).to_string(),
            ClientError::NotUnderstood => "P0f did not understand the query.".into(),
        }
    }

    /// The system error behind it, if any.
    pub fn os_error(&self) -> Option<&io::Error> {
        match self {
            ClientError::Connect(e) | ClientError::ShortWrite(e) | ClientError::ShortRead(e) => {
                Some(e)
            }
            _ => None,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())?;
        if let Some(e) = self.os_error() {
            write!(f, " ({e})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.os_error().map(|e| e as _)
    }
}

/// Reads an address as p0f-client does: one containing `:` is IPv6 (any standard form is
/// accepted, `::` included, where p0f-client wants all eight groups), anything else IPv4.
pub fn parse_address(text: &str) -> Result<IpAddr, ClientError> {
    let ipv6 = text.contains(':');
    let parsed = if ipv6 {
        text.parse::<std::net::Ipv6Addr>().map(IpAddr::V6).ok()
    } else {
        text.parse::<std::net::Ipv4Addr>().map(IpAddr::V4).ok()
    };
    parsed.ok_or(ClientError::MalformedAddress { ipv6 })
}

/// A connection to a query socket, for one query or many.
#[derive(Debug)]
pub struct Client {
    stream: UnixStream,
}

impl Client {
    /// Connects to the socket at `path`; reads wait at most [`DEFAULT_TIMEOUT`].
    pub fn connect(path: &Path) -> Result<Client, ClientError> {
        if path.as_os_str().len() >= SUN_PATH_LEN {
            return Err(ClientError::PathTooLong);
        }
        let stream = UnixStream::connect(path).map_err(ClientError::Connect)?;
        stream
            .set_read_timeout(Some(DEFAULT_TIMEOUT))
            .map_err(ClientError::Connect)?;
        Ok(Client { stream })
    }

    /// Changes how long a read waits (`None`: forever).
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<(), ClientError> {
        self.stream
            .set_read_timeout(timeout)
            .map_err(ClientError::Connect)
    }

    /// Sends 21 raw bytes (any query, valid or not) and reads the 232-byte answer.
    pub fn query_raw(&mut self, query: &[u8; QUERY_LEN]) -> Result<Response, ClientError> {
        self.stream
            .write_all(query)
            .map_err(ClientError::ShortWrite)?;
        let mut answer = [0u8; RESPONSE_LEN];
        self.stream
            .read_exact(&mut answer)
            .map_err(ClientError::ShortRead)?;
        Response::decode(&answer).map_err(|BadResponseMagic(m)| ClientError::BadMagic(m))
    }

    /// Asks about one address.
    pub fn query(&mut self, addr: IpAddr) -> Result<Response, ClientError> {
        self.query_raw(&Query::new(addr).encode())
    }

    /// Asks about one address with the JSON query and returns the answer line, without its
    /// newline (a [`JsonAnswer`](crate::JsonAnswer) in JSON; docs/json.md).
    pub fn query_json(&mut self, addr: IpAddr) -> Result<String, ClientError> {
        self.stream
            .write_all(&request_line(addr))
            .map_err(ClientError::ShortWrite)?;
        let mut line = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = self.stream.read(&mut buf).map_err(ClientError::ShortRead)?;
            if n == 0 {
                return Err(ClientError::ShortRead(io::ErrorKind::UnexpectedEof.into()));
            }
            line.extend_from_slice(&buf[..n]);
            if line.last() == Some(&b'\n') {
                line.pop();
                return String::from_utf8(line).map_err(|e| {
                    ClientError::ShortRead(io::Error::new(io::ErrorKind::InvalidData, e))
                });
            }
            if line.len() > MAX_JSON_ANSWER {
                return Err(ClientError::ShortRead(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "answer line too long",
                )));
            }
        }
    }
}

/// Longest JSON answer line [`Client::query_json`] accepts.
const MAX_JSON_ANSWER: usize = 1 << 20;

/// Asks the server at `socket_path` about `addr` with the JSON query over a fresh
/// connection; returns the answer line without its newline.
pub fn query_json(socket_path: &Path, addr: IpAddr) -> Result<String, ClientError> {
    Client::connect(socket_path)?.query_json(addr)
}

/// Asks the server at `socket_path` about `addr` over a fresh connection.
pub fn query(socket_path: &Path, addr: IpAddr) -> Result<Response, ClientError> {
    Client::connect(socket_path)?.query(addr)
}

/// A time as p0f-client prints it: local time, `%Y/%m/%d %H:%M:%S`.
fn local_time(secs: u32) -> String {
    match Local.timestamp_opt(i64::from(secs), 0).single() {
        Some(t) => t.format("%Y/%m/%d %H:%M:%S").to_string(),
        None => "????/??/?? ??:??:??".to_string(),
    }
}

/// The text p0f-client prints for an answer (spec §12.4), or
/// [`ClientError::NotUnderstood`] for status 0x00.
///
/// Two differences from p0f-client, both fixes of undefined behaviour: times are read from
/// their 32-bit fields (p0f-client reads a 64-bit `time_t` there on 64-bit systems, which
/// takes in the next field), and a 32-byte string with no NUL is printed as its 32 bytes
/// (p0f-client's `%s` runs on into the next field).
pub fn client_report(r: &Response) -> Result<String, ClientError> {
    use std::fmt::Write as _;
    match r.status {
        Status::BadQuery => return Err(ClientError::NotUnderstood),
        Status::NoMatch => return Ok("No matching host in p0f cache. That's all we know.\n".into()),
        Status::Ok | Status::Other(_) => {}
    }
    let mut out = String::new();
    let _ = writeln!(out, "First seen    = {}", local_time(r.first_seen));
    let _ = writeln!(out, "Last update   = {}", local_time(r.last_seen));
    let _ = writeln!(out, "Total flows   = {}", r.total_conn);
    if r.os_name.is_empty() {
        out.push_str("Detected OS   = ???\n");
    } else {
        let _ = writeln!(
            out,
            "Detected OS   = {} {}{}{}",
            r.os_name.to_string_lossy(),
            r.os_flavor.to_string_lossy(),
            if r.os_match_q & MATCH_GENERIC != 0 {
                " [generic]"
            } else {
                ""
            },
            if r.os_match_q & MATCH_FUZZY != 0 {
                " [fuzzy]"
            } else {
                ""
            },
        );
    }
    if r.http_name.is_empty() {
        out.push_str("HTTP software = ???\n");
    } else {
        let id = match r.bad_sw {
            2 => "is fake",
            0 => "seems legit",
            _ => "OS mismatch",
        };
        let _ = writeln!(
            out,
            "HTTP software = {} {} (ID {id})",
            r.http_name.to_string_lossy(),
            r.http_flavor.to_string_lossy()
        );
    }
    for (label, field) in [
        ("Network link  = ", &r.link_type),
        ("Language      = ", &r.language),
    ] {
        if field.is_empty() {
            let _ = writeln!(out, "{label}???");
        } else {
            let _ = writeln!(out, "{label}{}", field.to_string_lossy());
        }
    }
    if r.distance == -1 {
        out.push_str("Distance      = ???\n");
    } else {
        // `%u` of the s16 promoted to int, as p0f-client prints it.
        let _ = writeln!(out, "Distance      = {}", i32::from(r.distance) as u32);
    }
    if r.last_nat != 0 {
        let _ = writeln!(out, "IP sharing    = {}", local_time(r.last_nat));
    }
    if r.last_chg != 0 {
        let _ = writeln!(out, "Sys change    = {}", local_time(r.last_chg));
    }
    if r.uptime_min != 0 {
        let m = r.uptime_min;
        let _ = writeln!(
            out,
            "Uptime        = {} days {} hrs {} min (modulo {} days)",
            m / 60 / 24,
            (m / 60) % 24,
            m % 60,
            r.up_mod_days
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ApiString;

    #[test]
    fn addresses_are_read_as_p0f_client_reads_them_and_more() {
        assert_eq!(
            parse_address("192.0.2.7").unwrap(),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            parse_address("fd00:0:0:0:0:0:0:1").unwrap(),
            "fd00::1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            parse_address("fd00::1").unwrap(),
            "fd00::1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            parse_address("1.2.3").unwrap_err().message(),
            "Malformed IPv4 address."
        );
        assert_eq!(
            parse_address("fd00:::1").unwrap_err().message(),
            "Malformed IPv6 address."
        );
    }

    #[test]
    fn report_prints_p0f_client_lines() {
        let mut r = Response::empty(Status::Ok);
        r.first_seen = 0;
        r.total_conn = 2;
        r.os_name = ApiString::new("Linux");
        r.os_flavor = ApiString::new("2.2.x-3.x");
        r.os_match_q = MATCH_GENERIC | MATCH_FUZZY;
        r.http_name = ApiString::new("Firefox");
        r.http_flavor = ApiString::new("10.x or newer");
        r.bad_sw = 2;
        r.language = ApiString::new("German");
        r.distance = 255;
        r.uptime_min = 19689;
        r.up_mod_days = 49;
        let text = client_report(&r).unwrap();
        let lines: Vec<&str> = text.lines().skip(2).collect();
        assert_eq!(
            lines,
            [
                "Total flows   = 2",
                "Detected OS   = Linux 2.2.x-3.x [generic] [fuzzy]",
                "HTTP software = Firefox 10.x or newer (ID is fake)",
                "Network link  = ???",
                "Language      = German",
                "Distance      = 255",
                "Uptime        = 13 days 16 hrs 9 min (modulo 49 days)",
            ]
        );
        assert!(text.starts_with("First seen    = "));
        r.distance = -1;
        r.bad_sw = 1;
        r.last_nat = 1;
        let text = client_report(&r).unwrap();
        assert!(text.contains("Distance      = ???\n"));
        assert!(text.contains("(ID OS mismatch)"));
        assert!(text.contains("IP sharing    = "));
        assert!(!text.contains("Sys change"));
    }

    #[test]
    fn report_for_no_match_and_bad_query() {
        assert_eq!(
            client_report(&Response::empty(Status::NoMatch)).unwrap(),
            "No matching host in p0f cache. That's all we know.\n"
        );
        assert!(matches!(
            client_report(&Response::empty(Status::BadQuery)),
            Err(ClientError::NotUnderstood)
        ));
    }
}
