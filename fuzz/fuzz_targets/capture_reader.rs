//! `p0fmod_capture::FileCapture::from_reader` on arbitrary bytes, read to the end.
//!
//! Input: one byte choosing how the stream is delivered, then the file. Selector 0 hands
//! over everything at once; any other value `n` delivers at most `n` bytes per `read()`,
//! so that every refill and compaction path of the buffer is reached.
//!
//! Checked: nothing panics or loops; every packet's time stamp is in range and converts to
//! milliseconds; after an error the capture stays finished; for plain (not gzip) data, no
//! packet, read position or error offset lies past the end of the file.

#![no_main]

use std::io::{self, Read};

use libfuzzer_sys::fuzz_target;
use p0fmod_capture::{CaptureError, FileCapture};

/// A reader that returns at most `step` bytes per call.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = out.len().min(self.step).min(self.data.len() - self.pos);
        out[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let step = if selector == 0 {
        usize::MAX
    } else {
        usize::from(selector)
    };
    let reader = Trickle {
        data: file.to_vec(),
        pos: 0,
        step,
    };
    // Offsets count decompressed bytes in a gzip stream, file bytes otherwise.
    let plain = !file.starts_with(&[0x1f, 0x8b]);
    let mut capture = match FileCapture::from_reader(Box::new(reader), "fuzz.pcap") {
        Ok(capture) => capture,
        Err(e) => {
            check_error(&e, plain.then_some(file.len()));
            return;
        }
    };
    assert_eq!(capture.is_compressed(), !plain);
    let _ = format!(
        "{capture:?} {:?} {:?}",
        capture.format(),
        capture.link_types()
    );
    loop {
        match capture.next_packet() {
            Ok(Some(packet)) => {
                assert!(packet.ts.usec < 1_000_000);
                let _ = packet.ts.millis();
                if plain {
                    assert!(packet.data.len() <= file.len());
                }
            }
            Ok(None) => break,
            Err(e) => {
                check_error(&e, plain.then_some(file.len()));
                assert!(
                    matches!(capture.next_packet(), Ok(None)),
                    "finished after an error"
                );
                break;
            }
        }
        if plain {
            assert!(capture.bytes_read() <= file.len() as u64);
        }
    }
    assert!(matches!(capture.next_packet(), Ok(None)));
});

/// An error names the stream and says what is wrong; for plain data, its offset lies
/// within the file.
fn check_error(e: &CaptureError, plain_len: Option<usize>) {
    let text = e.to_string();
    assert!(text.starts_with("fuzz.pcap"), "{text}");
    if let CaptureError::Malformed { offset, reason, .. } = e {
        assert!(!reason.is_empty());
        if let Some(len) = plain_len {
            assert!(
                *offset <= len as u64,
                "{text}: offset past the end ({len} bytes)"
            );
        }
    }
}
