//! The frames an Initial packet may carry (RFC 9000 §12.4, §19): PADDING, PING, ACK,
//! CRYPTO and CONNECTION_CLOSE (transport). Any other type ends the walk with
//! [`Error::UnexpectedFrame`]. Google's T050/T051 number CRYPTO 0x08
//! ([`Frames::with_crypto_type`]).

use crate::error::Error;
use crate::packet::read_varint;

/// One frame of a decrypted Initial payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A run of PADDING bytes (type 0x00), with its length.
    Padding(usize),
    /// PING (0x01).
    Ping,
    /// ACK (0x02) or ACK with ECN counts (0x03); only the largest acknowledged is kept.
    Ack {
        /// Largest Acknowledged.
        largest: u64,
    },
    /// CRYPTO (0x06): handshake bytes at an offset of the Initial-level stream.
    Crypto {
        /// Offset of `data` in the stream.
        offset: u64,
        /// The bytes.
        data: &'a [u8],
    },
    /// CONNECTION_CLOSE of the transport (0x1c).
    ConnectionClose {
        /// The error code.
        error_code: u64,
    },
}

/// Iterator over the frames of a decrypted payload. It stops after the first error.
#[derive(Debug, Clone)]
pub struct Frames<'a> {
    buf: &'a [u8],
    pos: usize,
    crypto: u64,
}

impl<'a> Frames<'a> {
    /// Walks the frames of `payload`.
    pub fn new(payload: &'a [u8]) -> Self {
        Self::with_crypto_type(payload, 0x06)
    }

    /// Walks the frames of `payload` of a version whose CRYPTO frame has another type
    /// ([`crate::VersionParams::crypto_frame`]).
    pub fn with_crypto_type(payload: &'a [u8], crypto_frame: u8) -> Self {
        Frames {
            buf: payload,
            pos: 0,
            crypto: u64::from(crypto_frame),
        }
    }

    fn parse(&mut self) -> Result<Frame<'a>, Error> {
        let buf = self.buf;
        let start = self.pos;
        let frame_type = read_varint(buf, &mut self.pos, "QUIC frame type")?;
        match frame_type {
            0x00 => {
                let run = zero_run(&buf[self.pos..]);
                self.pos += run;
                Ok(Frame::Padding(run + 1))
            }
            0x01 => Ok(Frame::Ping),
            0x02 | 0x03 => {
                let largest = read_varint(buf, &mut self.pos, "ACK largest")?;
                read_varint(buf, &mut self.pos, "ACK delay")?;
                let ranges = read_varint(buf, &mut self.pos, "ACK range count")?;
                read_varint(buf, &mut self.pos, "ACK first range")?;
                for _ in 0..ranges {
                    // Each range is two varints of at least one byte: a count larger than
                    // the bytes left ends in a Truncated error without looping long.
                    read_varint(buf, &mut self.pos, "ACK gap")?;
                    read_varint(buf, &mut self.pos, "ACK range")?;
                }
                if frame_type == 0x03 {
                    for _ in 0..3 {
                        read_varint(buf, &mut self.pos, "ACK ECN count")?;
                    }
                }
                Ok(Frame::Ack { largest })
            }
            t if t == self.crypto => {
                let offset = read_varint(buf, &mut self.pos, "CRYPTO offset")?;
                let len = read_varint(buf, &mut self.pos, "CRYPTO length")?;
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                let data =
                    buf.get(self.pos..self.pos.saturating_add(len))
                        .ok_or(Error::Truncated {
                            what: "CRYPTO data",
                            offset: self.pos,
                            needed: len,
                        })?;
                self.pos += len;
                Ok(Frame::Crypto { offset, data })
            }
            0x1c => {
                let error_code = read_varint(buf, &mut self.pos, "CONNECTION_CLOSE error code")?;
                read_varint(buf, &mut self.pos, "CONNECTION_CLOSE frame type")?;
                let len = read_varint(buf, &mut self.pos, "CONNECTION_CLOSE reason length")?;
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                if buf.len() - self.pos < len {
                    return Err(Error::Truncated {
                        what: "CONNECTION_CLOSE reason",
                        offset: self.pos,
                        needed: len,
                    });
                }
                self.pos += len;
                Ok(Frame::ConnectionClose { error_code })
            }
            other => Err(Error::UnexpectedFrame {
                frame_type: other,
                offset: start,
            }),
        }
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<Frame<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let item = self.parse();
        if item.is_err() {
            self.pos = self.buf.len();
        }
        Some(item)
    }
}

/// Length of the run of zero bytes at the start of `bytes`, 16 bytes at a time (PADDING
/// fills most of a client's Initial).
fn zero_run(bytes: &[u8]) -> usize {
    let mut n = 0;
    for chunk in bytes.chunks_exact(16) {
        if u128::from_ne_bytes(chunk.try_into().unwrap_or([1; 16])) != 0 {
            break;
        }
        n += 16;
    }
    n + bytes[n..].iter().take_while(|&&b| b == 0).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_initial_frame_type() {
        let payload = [
            0x01, // PING
            0x02, 0x05, 0x00, 0x01, 0x00, 0x01, 0x00, // ACK, one extra range
            0x03, 0x07, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, // ACK-ECN
            0x06, 0x40, 0x10, 0x02, 0xaa, 0xbb, // CRYPTO offset 16, 2 bytes
            0x1c, 0x0a, 0x06, 0x02, b'n', b'o', // CONNECTION_CLOSE with a reason
            0x00, 0x00, 0x00, // PADDING
        ];
        let frames: Vec<_> = Frames::new(&payload).collect::<Result<_, _>>().unwrap();
        assert_eq!(
            frames,
            vec![
                Frame::Ping,
                Frame::Ack { largest: 5 },
                Frame::Ack { largest: 7 },
                Frame::Crypto {
                    offset: 16,
                    data: &[0xaa, 0xbb]
                },
                Frame::ConnectionClose { error_code: 10 },
                Frame::Padding(3),
            ]
        );
    }

    #[test]
    fn padding_runs_of_any_length() {
        for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 1000] {
            let mut p = vec![0u8; len + 1];
            p.push(0x01);
            let frames: Vec<_> = Frames::new(&p).collect();
            assert_eq!(frames, vec![Ok(Frame::Padding(len + 1)), Ok(Frame::Ping)]);
        }
    }

    #[test]
    fn google_crypto_frame_type() {
        let payload = [0x08, 0x00, 0x02, 0x01, 0x00, 0x00];
        let frames: Vec<_> = Frames::with_crypto_type(&payload, 0x08).collect();
        assert_eq!(
            frames[0],
            Ok(Frame::Crypto {
                offset: 0,
                data: &[0x01, 0x00]
            })
        );
        assert_eq!(frames[1], Ok(Frame::Padding(1)));
        // 0x08 is a STREAM frame in v1: not allowed in an Initial.
        assert!(Frames::new(&payload).next().unwrap().is_err());
    }

    #[test]
    fn other_frames_stop_the_walk() {
        let payload = [0x01, 0x08, 0x00];
        let mut frames = Frames::new(&payload);
        assert_eq!(frames.next(), Some(Ok(Frame::Ping)));
        assert_eq!(
            frames.next(),
            Some(Err(Error::UnexpectedFrame {
                frame_type: 8,
                offset: 1
            }))
        );
        assert_eq!(frames.next(), None);
        let truncated = [0x06, 0x00, 0x05, 0xaa];
        assert!(matches!(
            Frames::new(&truncated).next(),
            Some(Err(Error::Truncated { .. }))
        ));
        let huge_ack = [0x02, 0x00, 0x00, 0xbf, 0xff, 0xff, 0xff, 0x00];
        assert!(matches!(
            Frames::new(&huge_ack).next(),
            Some(Err(Error::Truncated { .. }))
        ));
    }
}
