//! Capture files: format detection and the streaming pcap / pcapng reader.
//!
//! The format is told by content, never by name: a gzip header (`1f 8b`) puts a
//! decompressor under the reader (the stream may hold pcap or pcapng, in one or more gzip
//! members), then the first four bytes pick classic pcap or pcapng.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

use crate::input::{Fault, Input, Record};
use crate::pcap::{self, PcapReader};
use crate::pcapng::{self, PcapngReader};
use crate::{CaptureError, RawPacket};

/// The container format of a capture file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureFormat {
    /// Classic libpcap format (any byte order, micro- or nanosecond, or Kuznetzov's variant).
    Pcap,
    /// pcapng.
    Pcapng,
}

/// True when `head`, the first bytes of a file (four are enough), starts a capture p0fmod
/// reads: a classic pcap magic (any flavour), a pcapng section header, or gzip. A quick
/// test for choosing files (the captures of a directory); opening the file says more.
pub fn looks_like_capture(head: &[u8]) -> bool {
    match head {
        [0x1f, 0x8b, ..] => true,
        [a, b, c, d, ..] => {
            let magic = [*a, *b, *c, *d];
            pcap::flavour(magic).is_some() || u32::from_be_bytes(magic) == pcapng::SHB
        }
        _ => false,
    }
}

/// How far a capture has been read: raw bytes taken from the file (compressed bytes for
/// gzip) out of its size. A cheap handle, shared with the reader (it may be read from
/// another thread while the capture is read).
#[derive(Clone, Debug, Default)]
pub struct ReadProgress {
    read: Arc<AtomicU64>,
    total: Option<u64>,
}

impl ReadProgress {
    /// Bytes taken from the file (or stream) so far.
    pub fn read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// The file's size, when known (not for a pipe or standard input).
    pub fn total(&self) -> Option<u64> {
        self.total
    }
}

/// A reader that counts the bytes it hands out.
struct Counting {
    inner: Box<dyn Read + Send>,
    read: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The format-specific part of the reader.
enum Parser {
    Pcap(PcapReader),
    Pcapng(PcapngReader),
}

/// A capture file being read packet by packet.
///
/// Packets are borrowed from one reusable buffer (1 MiB, grown only for larger records), so
/// reading allocates nothing per packet. After the first error, or at the end of the data,
/// [`FileCapture::next_packet`] returns `Ok(None)` forever.
pub struct FileCapture {
    path: PathBuf,
    input: Input,
    parser: Parser,
    gzip: bool,
    link_types: Vec<u32>,
    /// An error found while reading ahead at open time, reported by the next read.
    pending: Option<Fault>,
    finished: bool,
    progress: ReadProgress,
}

impl std::fmt::Debug for FileCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileCapture")
            .field("path", &self.path)
            .field("format", &self.format())
            .field("gzip", &self.gzip)
            .field("link_types", &self.link_types)
            .field("bytes_read", &self.bytes_read())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl FileCapture {
    /// Opens a capture file (gzip-compressed or not) and reads its header.
    pub fn open(path: &Path) -> Result<FileCapture, CaptureError> {
        let io_error = |source| CaptureError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(io_error)?;
        let meta = file.metadata().map_err(io_error)?;
        let total = meta.is_file().then_some(meta.len());
        FileCapture::start(path.to_path_buf(), Box::new(file), total)
    }

    /// Reads a capture from any byte stream (standard input, memory), gzip-compressed or not.
    /// `name` stands for the file name in errors.
    pub fn from_reader(
        reader: Box<dyn Read + Send>,
        name: &str,
    ) -> Result<FileCapture, CaptureError> {
        FileCapture::start(PathBuf::from(name), reader, None)
    }

    /// Detects the format and reads the header(s) before the first packet.
    fn start(
        path: PathBuf,
        reader: Box<dyn Read + Send>,
        total: Option<u64>,
    ) -> Result<FileCapture, CaptureError> {
        let progress = ReadProgress {
            read: Arc::new(AtomicU64::new(0)),
            total,
        };
        let mut input = Input::new(Box::new(Counting {
            inner: reader,
            read: Arc::clone(&progress.read),
        }));
        let fail = |fault: Fault, gzip: bool| Err(to_error(&path, fault, gzip));
        if let Err(fault) = input.fill(4) {
            return fail(fault, false);
        }
        let gzip = input.available().starts_with(&[0x1f, 0x8b]);
        if gzip {
            input.rewrap(|r| Box::new(MultiGzDecoder::new(r)));
            if let Err(fault) = input.fill(4) {
                return fail(fault, gzip);
            }
        }
        let head = input.available();
        let magic: [u8; 4] = match head {
            [a, b, c, d, ..] => [*a, *b, *c, *d],
            [] => {
                let reason = if gzip {
                    "empty file (nothing after gzip decompression)"
                } else {
                    "empty file"
                };
                return fail(input.bad(reason.to_string()), gzip);
            }
            short => {
                let reason = format!(
                    "not a pcap or pcapng file (only {} bytes{})",
                    short.len(),
                    if gzip {
                        " after gzip decompression"
                    } else {
                        ""
                    }
                );
                return fail(input.bad(reason), gzip);
            }
        };
        let mut link_types = Vec::new();
        let mut pending = None;
        let parser = if let Some(flavour) = pcap::flavour(magic) {
            match PcapReader::start(&mut input, flavour) {
                Ok(reader) => {
                    link_types.push(reader.link_type());
                    Parser::Pcap(reader)
                }
                Err(fault) => return fail(fault, gzip),
            }
        } else if u32::from_be_bytes(magic) == pcapng::SHB {
            let mut reader = PcapngReader::new();
            match reader.prime(&mut input, &mut link_types) {
                Ok(later) => pending = later,
                Err(fault) => return fail(fault, gzip),
            }
            Parser::Pcapng(reader)
        } else {
            let reason = format!(
                "not a pcap or pcapng file (magic 0x{:08x}{})",
                u32::from_be_bytes(magic),
                if gzip {
                    " after gzip decompression"
                } else {
                    ""
                }
            );
            return fail(input.bad(reason), gzip);
        };
        Ok(FileCapture {
            path,
            input,
            parser,
            gzip,
            link_types,
            pending,
            finished: false,
            progress,
        })
    }

    /// The container format.
    pub fn format(&self) -> CaptureFormat {
        match self.parser {
            Parser::Pcap(_) => CaptureFormat::Pcap,
            Parser::Pcapng(_) => CaptureFormat::Pcapng,
        }
    }

    /// Whether the data was gzip-compressed.
    pub fn is_compressed(&self) -> bool {
        self.gzip
    }

    /// The file name (or the name given to [`FileCapture::from_reader`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The link types known so far, in order of first appearance: the file header's for
    /// pcap; for pcapng, those of every interface described up to the current position
    /// (at open, the interfaces declared before the first packet).
    pub fn link_types(&self) -> &[u32] {
        &self.link_types
    }

    /// A handle on how far the file has been read (for a progress display).
    pub fn progress(&self) -> ReadProgress {
        self.progress.clone()
    }

    /// Offset in the (uncompressed) stream of the first byte not yet consumed: the start of
    /// the next record, or the end of the data once everything was read.
    pub fn bytes_read(&self) -> u64 {
        self.input.offset()
    }

    /// The pcapng blocks over [`crate::MAX_BUFFERED_BLOCK`] skipped (unread) since the last
    /// call: each is worth a warning. Always empty for classic pcap.
    pub fn take_skipped(&mut self) -> Vec<crate::SkippedBlock> {
        match &mut self.parser {
            Parser::Pcapng(reader) => reader.take_skipped(),
            Parser::Pcap(_) => Vec::new(),
        }
    }

    /// [`FileCapture::next_packet`], handing every oversized block skipped on the way
    /// (see [`FileCapture::take_skipped`]) to `skipped` first.
    pub fn next_packet_reporting(
        &mut self,
        skipped: &mut dyn FnMut(crate::SkippedBlock),
    ) -> Result<Option<RawPacket<'_>>, CaptureError> {
        let result = self.next_record();
        for block in self.take_skipped() {
            skipped(block);
        }
        self.finish(result)
    }

    /// The next packet, `Ok(None)` at a clean end of file.
    ///
    /// Damage (a record cut short, an impossible length, a corrupt gzip stream) comes back as
    /// [`CaptureError::Malformed`] with the offset of the damaged record, after every good
    /// packet before it; from then on the result is `Ok(None)`.
    pub fn next_packet(&mut self) -> Result<Option<RawPacket<'_>>, CaptureError> {
        let result = self.next_record();
        self.finish(result)
    }

    /// The parser's next record (or why there is none).
    fn next_record(&mut self) -> Option<Result<Option<Record>, Fault>> {
        if self.finished {
            return None;
        }
        Some(if let Some(fault) = self.pending.take() {
            Err(fault)
        } else {
            match &mut self.parser {
                Parser::Pcap(reader) => reader.next(&mut self.input),
                Parser::Pcapng(reader) => reader.next(&mut self.input, &mut self.link_types),
            }
        })
    }

    /// The packet of a record, or the end, or the error with the file name.
    fn finish(
        &mut self,
        result: Option<Result<Option<Record>, Fault>>,
    ) -> Result<Option<RawPacket<'_>>, CaptureError> {
        match result {
            None => Ok(None),
            Some(Ok(Some(Record {
                ts,
                link_type,
                data,
                orig_len,
            }))) => Ok(Some(RawPacket {
                ts,
                link_type,
                data: self.input.slice(data),
                orig_len,
            })),
            Some(Ok(None)) => {
                self.finished = true;
                Ok(None)
            }
            Some(Err(fault)) => {
                self.finished = true;
                Err(to_error(&self.path, fault, self.gzip))
            }
        }
    }
}

/// Attaches the file name to a fault. For a gzip stream, the decompressor's complaints
/// (bad header, corrupt deflate data, checksum mismatch, truncation) are damage, not I/O.
#[cold]
fn to_error(path: &Path, fault: Fault, gzip: bool) -> CaptureError {
    match fault {
        Fault::Bad { offset, reason } => CaptureError::Malformed {
            path: path.to_path_buf(),
            offset,
            reason,
        },
        Fault::Io { offset, source } => match source.kind() {
            io::ErrorKind::UnexpectedEof if gzip => CaptureError::Malformed {
                path: path.to_path_buf(),
                offset,
                reason: "gzip stream truncated (it ends before its end-of-stream marker)".into(),
            },
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData if gzip => {
                CaptureError::Malformed {
                    path: path.to_path_buf(),
                    offset,
                    reason: format!("corrupt gzip stream: {source}"),
                }
            }
            _ => CaptureError::Io {
                path: path.to_path_buf(),
                source,
            },
        },
    }
}
