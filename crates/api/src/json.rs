//! The JSON query: one request per line, one answer per line, on the same socket as p0f's
//! binary protocol (docs/json.md, "The JSON query").
//!
//! A p0f query starts with its magic number's first byte in host order (0x01 or 0x50),
//! never with `{`, so a server tells the two apart by the first byte of each request:
//!
//! ```text
//! → {"addr":"2001:db8::1"}
//! ← {"status":"ok","host":{"addr":"2001:db8::1","first_seen":...}}
//! → {"addr":"192.0.2.99"}
//! ← {"status":"no_match","addr":"192.0.2.99"}
//! → {"addr":"nonsense"}
//! ← {"status":"bad_query","error":"..."}
//! ```
//!
//! The host object is [`HostInfo`] serialised (the one host schema).

use std::net::IpAddr;

use p0fmod::HostInfo;
use serde::{Deserialize, Serialize};

/// The first byte of a JSON request.
pub const JSON_START: u8 = b'{';

/// Longest JSON request line, in bytes (the newline not counted).
pub const MAX_JSON_REQUEST: usize = 1024;

/// A JSON request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonQuery {
    /// The address asked about: IPv4 or IPv6 in any standard text form.
    pub addr: String,
}

/// A JSON answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum JsonAnswer<H> {
    /// The host is known: its record.
    Ok {
        /// The host record.
        host: H,
    },
    /// The host is not in the table.
    NoMatch {
        /// The address asked about, as the server read it (RFC 5952 for IPv6).
        addr: IpAddr,
    },
    /// The request was not understood.
    BadQuery {
        /// What is wrong with it.
        error: String,
    },
}

/// Reads one request line (without its newline).
pub fn parse_request(line: &[u8]) -> Result<IpAddr, String> {
    if line.len() > MAX_JSON_REQUEST {
        return Err(format!("request longer than {MAX_JSON_REQUEST} bytes"));
    }
    let query: JsonQuery =
        serde_json::from_slice(line).map_err(|e| format!("not a JSON query object: {e}"))?;
    query
        .addr
        .trim()
        .parse()
        .map_err(|_| format!("not an IPv4 or IPv6 address: {:?}", query.addr))
}

/// The answer line (with its newline) to one request line; `lookup` finds a host.
pub fn answer_json(line: &[u8], lookup: &mut dyn FnMut(IpAddr) -> Option<HostInfo>) -> Vec<u8> {
    let answer = match parse_request(line) {
        Err(error) => JsonAnswer::BadQuery { error },
        Ok(addr) => match lookup(addr) {
            Some(host) => JsonAnswer::Ok { host },
            None => JsonAnswer::NoMatch { addr },
        },
    };
    encode_answer(&answer)
}

/// An answer as one line of JSON with its newline.
pub fn encode_answer(answer: &JsonAnswer<HostInfo>) -> Vec<u8> {
    // Serialising plain data to a vector cannot fail.
    let mut out = serde_json::to_vec(answer).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The request line (with its newline) asking about `addr`.
pub fn request_line(addr: IpAddr) -> Vec<u8> {
    let mut out = serde_json::to_vec(&JsonQuery {
        addr: addr.to_string(),
    })
    .unwrap_or_default();
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn answer(line: &str) -> Value {
        let out = answer_json(line.as_bytes(), &mut |_| None);
        assert_eq!(out.last(), Some(&b'\n'));
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn p0f_queries_never_start_like_json() {
        let q = crate::Query::new("192.0.2.1".parse().unwrap()).encode();
        assert_ne!(q[0], JSON_START);
        assert_ne!(crate::proto::QUERY_MAGIC.to_be_bytes()[0], JSON_START);
    }

    #[test]
    fn unknown_hosts_are_named_in_rfc_5952() {
        assert_eq!(
            answer(r#"{"addr":"2001:DB8:0:0:0:0:0:1"}"#),
            json!({"status":"no_match","addr":"2001:db8::1"})
        );
        assert_eq!(
            answer(r#"{ "addr" : " 192.0.2.1 " }"#),
            json!({"status":"no_match","addr":"192.0.2.1"})
        );
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        for (line, words) in [
            (r#"{"addr":"nonsense"}"#, "not an IPv4 or IPv6 address"),
            (r#"{"addr":"1.2.3"}"#, "not an IPv4 or IPv6 address"),
            (r#"{"ip":"1.2.3.4"}"#, "unknown field `ip`"),
            (r#"{"addr":1}"#, "not a JSON query object"),
            ("{", "not a JSON query object"),
            ("{}", "missing field `addr`"),
        ] {
            let v = answer(line);
            assert_eq!(v["status"], "bad_query", "{line}");
            let error = v["error"].as_str().unwrap();
            assert!(error.contains(words), "{line}: {error}");
        }
        let long = format!(r#"{{"addr":"{}"}}"#, " ".repeat(MAX_JSON_REQUEST));
        assert!(
            answer(&long)["error"]
                .as_str()
                .unwrap()
                .contains("longer than 1024 bytes")
        );
    }

    #[test]
    fn requests_round_trip() {
        for addr in ["192.0.2.7", "2001:db8::1", "::ffff:192.0.2.1"] {
            let addr: IpAddr = addr.parse().unwrap();
            let line = request_line(addr);
            assert_eq!(
                parse_request(&line[..line.len() - 1]),
                Ok(addr),
                "{}",
                String::from_utf8_lossy(&line)
            );
        }
    }
}
