//! QUIC transport parameters (RFC 9000 §18): the body of the ClientHello's
//! `quic_transport_parameters` extension, a list of (id, length, value) with varint ids
//! and lengths. The ids, in wire order, tell QUIC stacks apart where the ClientHello does
//! not.

use crate::error::Error;
use crate::packet::read_varint;

/// Iterator over the `(id, value)` pairs of a transport parameters body; stops after the
/// first error.
#[derive(Debug, Clone)]
pub struct TransportParameters<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> TransportParameters<'a> {
    /// Walks the parameters of an extension body.
    pub fn new(body: &'a [u8]) -> Self {
        TransportParameters { buf: body, pos: 0 }
    }
}

impl<'a> Iterator for TransportParameters<'a> {
    type Item = Result<(u64, &'a [u8]), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let item = (|| {
            let id = read_varint(self.buf, &mut self.pos, "transport parameter id")?;
            let len = read_varint(self.buf, &mut self.pos, "transport parameter length")?;
            let len = usize::try_from(len).unwrap_or(usize::MAX);
            let value =
                self.buf
                    .get(self.pos..self.pos.saturating_add(len))
                    .ok_or(Error::Truncated {
                        what: "transport parameter",
                        offset: self.pos,
                        needed: len,
                    })?;
            self.pos += len;
            Ok((id, value))
        })();
        if item.is_err() {
            self.pos = self.buf.len();
        }
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9001_a2_client_parameters() {
        // The quic_transport_parameters body of RFC 9001 A.2's ClientHello.
        let body = [
            0x04, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x05, 0x04, 0x80, 0x00,
            0xff, 0xff, 0x07, 0x04, 0x80, 0x00, 0xff, 0xff, 0x08, 0x01, 0x10, 0x01, 0x04, 0x80,
            0x00, 0x75, 0x30, 0x09, 0x01, 0x10, 0x0f, 0x08, 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51,
            0x57, 0x08, 0x06, 0x04, 0x80, 0x00, 0xff, 0xff,
        ];
        let ids: Vec<u64> = TransportParameters::new(&body)
            .map(|p| p.unwrap().0)
            .collect();
        assert_eq!(ids, vec![4, 5, 7, 8, 1, 9, 15, 6]);
        let cut = &body[..body.len() - 1];
        assert!(TransportParameters::new(cut).last().unwrap().is_err());
    }
}
