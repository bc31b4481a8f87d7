//! HTTP fingerprints: from a parsed header block to the matcher's observation, the
//! software, language, proxy and date facts, and p0f's `raw_sig` (spec §9.4, §9.6).

use std::fmt::Write as _;

use p0fmod_db::{Direction, HeaderTable, HttpObservation, ObservedHeader};
use p0fmod_http::{HttpParser, clean_value};

/// What one HTTP header block says, borrowing the flow buffer.
#[derive(Clone, Debug)]
pub struct HttpFacts<'b> {
    /// Direction.
    pub direction: Direction,
    /// HTTP minor version.
    pub version: u8,
    /// Headers in packet order.
    pub headers: Vec<ObservedHeader<'b>>,
    /// User-Agent (request) or Server (response), when non-empty.
    pub software: Option<&'b [u8]>,
    /// Accept-Language (requests), when non-empty.
    pub accept_language: Option<&'b [u8]>,
    /// A Via or X-Forwarded-For header with a value.
    pub via: bool,
    /// Date header (responses), when non-empty.
    pub date: Option<&'b [u8]>,
}

impl<'b> HttpFacts<'b> {
    /// Collects the facts of a complete header block from its parser and buffer.
    pub fn collect(
        parser: &HttpParser,
        buf: &'b [u8],
        table: &HeaderTable,
        direction: Direction,
    ) -> HttpFacts<'b> {
        let mut facts = HttpFacts {
            direction,
            version: parser.version(),
            headers: Vec::with_capacity(parser.headers().len()),
            software: None,
            accept_language: None,
            via: false,
            date: None,
        };
        for h in parser.headers() {
            let name = buf
                .get(h.name.start as usize..h.name.end as usize)
                .unwrap_or_default();
            let value = h
                .value
                .as_ref()
                .and_then(|v| buf.get(v.start as usize..v.end as usize));
            let id = table.lookup(name);
            if let (Some(id), Some(value)) = (id, value) {
                match (direction, id) {
                    (Direction::Request, HeaderTable::USER_AGENT) => facts.software = Some(value),
                    (Direction::Request, HeaderTable::ACCEPT_LANGUAGE) => {
                        facts.accept_language = Some(value)
                    }
                    (Direction::Response, HeaderTable::SERVER) => facts.software = Some(value),
                    (Direction::Response, HeaderTable::DATE) => facts.date = Some(value),
                    (_, HeaderTable::VIA | HeaderTable::X_FORWARDED_FOR) => facts.via = true,
                    _ => {}
                }
            }
            facts.headers.push(ObservedHeader { id, name, value });
        }
        facts
    }

    /// The matcher's view.
    pub fn observation(&self) -> HttpObservation<'_> {
        HttpObservation {
            version: self.version,
            headers: &self.headers,
            software: self.software,
        }
    }

    /// p0f's `raw_sig`: `ver:horder:habsent:sw`.
    pub fn raw_sig(&self, table: &HeaderTable) -> String {
        let mut out = String::with_capacity(256);
        let _ = write!(out, "{}:", self.version);
        for (i, h) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match h.id {
                Some(id) => {
                    let optional = table.is_optional(self.direction, id);
                    if optional {
                        out.push('?');
                    }
                    out.push_str(table.name(id));
                    if let Some(value) = h.value
                        && !optional
                        && !table.is_skip_value(self.direction, id)
                    {
                        push_value(&mut out, clean_value(value, true));
                    }
                }
                None => {
                    out.push_str(&String::from_utf8_lossy(h.name));
                    if let Some(value) = h.value {
                        push_value(&mut out, clean_value(value, false));
                    }
                }
            }
        }
        out.push(':');
        let mut first = true;
        for &id in table.common(self.direction) {
            if self.headers.iter().any(|h| h.id == Some(id)) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(table.name(id));
        }
        out.push(':');
        if let Some(sw) = self.software {
            push_text(&mut out, clean_value(sw, false));
        }
        out
    }
}

fn push_value(out: &mut String, cleaned: &[u8]) {
    if !cleaned.is_empty() {
        out.push_str("=[");
        push_text(out, cleaned);
        out.push(']');
    }
}

/// Cleaned values hold only bytes 0x20..0x7f, so they are ASCII.
fn push_text(out: &mut String, cleaned: &[u8]) {
    out.extend(cleaned.iter().map(|&b| b as char));
}
