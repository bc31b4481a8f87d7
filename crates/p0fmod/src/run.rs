//! Running the engine over a capture file: capture → (filter) → decode → engine → sinks.
//!
//! The command line, the Rust API and the Python module all go through [`OfflineRun`].

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use p0fmod_capture::{CaptureError, FileCapture, ReadProgress};
use p0fmod_db::{Database, DbErrors};
use p0fmod_wire::{DecodeError, LinkType, UdpPacket, decode, decode_udp};

use crate::config::Config;
use crate::engine::Engine;
use crate::filter::FilterError;
#[cfg(feature = "bpf")]
use crate::filter::PacketFilter;
use crate::observation::Observation;
use crate::output::Sink;
use crate::state::Limits;
use crate::state::tls::could_start;

/// Why a run could not start or had to stop.
#[derive(Debug)]
pub enum RunError {
    /// The signature database was refused.
    Database(DbErrors),
    /// The capture file could not be opened or is not a capture.
    Capture(CaptureError),
    /// The filter expression was refused.
    Filter(FilterError),
    /// A filter was given but this build has no libpcap.
    FilterUnsupported,
    /// An output could not be written.
    Output(io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Database(e) => write!(f, "{e}"),
            RunError::Capture(e) => write!(f, "{e}"),
            RunError::Filter(e) => write!(f, "{e}"),
            RunError::FilterUnsupported => {
                f.write_str("this build of p0fmod has no BPF filter support (feature `bpf`)")
            }
            RunError::Output(e) => write!(f, "write error: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Something worth telling the user that does not stop the run.
#[derive(Debug)]
pub enum RunWarning {
    /// Frames of a link type p0fmod cannot decode (reported once per type).
    UnsupportedLinkType(u32),
    /// The capture is damaged after some point; everything before it was processed.
    Damaged(CaptureError),
    /// A pcapng block too large to be read into memory was skipped (reading goes on).
    SkippedBlock(p0fmod_capture::SkippedBlock),
}

impl fmt::Display for RunWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunWarning::UnsupportedLinkType(l) => {
                write!(
                    f,
                    "Unsupported link type {l}; packets of this type are skipped."
                )
            }
            RunWarning::Damaged(e) => write!(f, "Capture damaged, stopped reading: {e}"),
            RunWarning::SkippedBlock(b) => write!(f, "{b}"),
        }
    }
}

/// Counts from a finished run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Frames read from the capture.
    pub frames: u64,
    /// Frames that passed the filter and carried TCP (p0f's "processed packets").
    pub packets: u64,
    /// Observations written.
    pub observations: u64,
    /// True when the run stopped early because the stop flag was raised.
    pub interrupted: bool,
}

/// Loads the database a configuration names: `-f FILE`, or the embedded one.
pub fn load_database(config: &Config) -> Result<Arc<Database>, RunError> {
    match config.fp_file() {
        Some(path) => Database::load(path)
            .map(Arc::new)
            .map_err(RunError::Database),
        None => Ok(Arc::new(Database::embedded())),
    }
}

/// The engine side of a run: processes decoded frames and keeps the counts.
struct Consumer {
    engine: Engine,
    summary: RunSummary,
    warned_link_types: Vec<u32>,
    finished: bool,
}

impl Consumer {
    /// At the end of the capture: the engine reports what it still holds (TLS hellos
    /// being read), once.
    fn finish(&mut self, emit: &mut dyn FnMut(&Observation<'_>)) {
        if self.finished {
            return;
        }
        self.finished = true;
        let observations = &mut self.summary.observations;
        self.engine.finish(&mut |obs| {
            *observations += 1;
            emit(obs);
        });
    }

    /// A UDP datagram (QUIC / DTLS hellos), before the frame's [`Consumer::consume`].
    fn consume_udp(
        &mut self,
        ts: p0fmod_capture::Timestamp,
        udp: &UdpPacket<'_>,
        emit: &mut dyn FnMut(&Observation<'_>),
    ) {
        let observations = &mut self.summary.observations;
        self.engine.process_udp(ts, udp, &mut |obs| {
            *observations += 1;
            emit(obs);
        });
    }

    /// One decoded frame; `could_start_tls`: [`crate::state::tls::could_start`] of its
    /// payload when the reading thread computed it.
    fn consume(
        &mut self,
        ts: p0fmod_capture::Timestamp,
        decoded: Result<&p0fmod_wire::TcpPacket<'_>, DecodeError>,
        could_start_tls: Option<bool>,
        emit: &mut dyn FnMut(&Observation<'_>),
        warn: &mut dyn FnMut(RunWarning),
    ) {
        let before = self.engine.packets();
        let observations = &mut self.summary.observations;
        let mut counting = |obs: &Observation<'_>| {
            *observations += 1;
            emit(obs);
        };
        let result =
            self.engine
                .process_decoded_checked(ts, decoded, could_start_tls, &mut counting);
        if let Err(DecodeError::UnsupportedLinkType(l)) = result
            && !self.warned_link_types.contains(&l)
        {
            self.warned_link_types.push(l);
            warn(RunWarning::UnsupportedLinkType(l));
        }
        self.summary.packets += self.engine.packets() - before;
    }
}

/// The capture side of a run: reads frames and applies the user's filter.
struct Source {
    capture: FileCapture,
    #[cfg(feature = "bpf")]
    filter: Option<PacketFilter>,
    finished: bool,
}

/// What the source produced for one read.
enum Read<'a> {
    /// A frame that passed the filter.
    Frame(p0fmod_capture::RawPacket<'a>),
    /// A frame the filter rejected (only with a filter, feature `bpf`).
    #[cfg_attr(not(feature = "bpf"), allow(dead_code))]
    Filtered,
    /// The end (clean, or after a warning already handed out).
    End,
}

impl Source {
    fn next(&mut self, warn: &mut dyn FnMut(RunWarning)) -> Read<'_> {
        if self.finished {
            return Read::End;
        }
        match self
            .capture
            .next_packet_reporting(&mut |block| warn(RunWarning::SkippedBlock(block)))
        {
            Ok(Some(packet)) => {
                #[cfg(feature = "bpf")]
                if let Some(filter) = &mut self.filter
                    && !filter.matches(packet.link_type, packet.data)
                {
                    return Read::Filtered;
                }
                Read::Frame(packet)
            }
            Ok(None) => {
                self.finished = true;
                Read::End
            }
            Err(e) => {
                self.finished = true;
                warn(RunWarning::Damaged(e));
                Read::End
            }
        }
    }
}

/// Frames decoded by the reader thread, handed to the engine thread: the decoded facts,
/// with the payloads copied into one buffer.
#[derive(Default)]
struct Batch {
    payload: Vec<u8>,
    items: Vec<BatchItem>,
    /// The UDP datagrams of `items`.
    udp: Vec<UdpPacket<'static>>,
    frames: u64,
    /// Bytes of the frames in `items`.
    bytes: u64,
    warnings: Vec<RunWarning>,
    last: bool,
}

struct BatchItem {
    ts: p0fmod_capture::Timestamp,
    packet: Result<p0fmod_wire::TcpPacket<'static>, DecodeError>,
    /// A UDP datagram (with the UDP table on), by its index in [`Batch::udp`] (kept apart:
    /// UDP is rare, and every byte of an item is read by the other thread); its payload,
    /// kept only when it may be QUIC or DTLS, is at `payload` like a TCP packet's.
    udp: Option<u32>,
    payload: std::ops::Range<usize>,
    /// [`crate::state::tls::could_start`] of the payload (with TLS on), computed here
    /// while the payload is in this core's cache.
    could_start_tls: bool,
}

/// Frames per batch between the reader and the engine thread.
const BATCH_FRAMES: usize = 2048;
/// Payload bytes after which a batch is sent even if it holds fewer frames. With at most
/// 14 batches alive (4 queued, 8 recycled, one filling, one in use) and one frame adding at
/// most 65,535 bytes, the batches never hold more than about 29 MiB of payload, even when
/// every frame of a capture is as large as a frame can be.
const BATCH_PAYLOAD: usize = 2 << 20;

/// An offline run over one capture file, or several read one after the other
/// ([`OfflineRun::continue_with`]) into the same engine.
pub struct OfflineRun {
    source: Source,
    consumer: Consumer,
    threads: usize,
    filter: Option<String>,
}

impl Source {
    /// The capture with the user's filter compiled for its (first) link type.
    fn new(capture: FileCapture, filter: Option<&str>) -> Result<Source, RunError> {
        #[cfg(feature = "bpf")]
        let filter = match filter {
            Some(rule) => {
                let first = capture.link_types().first().copied().unwrap_or(1);
                // UDP too, for QUIC and DTLS, while TLS fingerprinting is on (the default;
                // OfflineRun::set_tls turns it off).
                Some(PacketFilter::new(rule, first, true).map_err(RunError::Filter)?)
            }
            None => None,
        };
        #[cfg(not(feature = "bpf"))]
        if filter.is_some() {
            return Err(RunError::FilterUnsupported);
        }
        Ok(Source {
            capture,
            #[cfg(feature = "bpf")]
            filter,
            finished: false,
        })
    }
}

impl OfflineRun {
    /// Opens a capture file and checks the filter expression, if any.
    pub fn open(
        path: &Path,
        db: Arc<Database>,
        limits: Limits,
        filter: Option<&str>,
    ) -> Result<OfflineRun, RunError> {
        let capture = FileCapture::open(path).map_err(RunError::Capture)?;
        OfflineRun::with_capture(capture, db, limits, filter)
    }

    /// A run over a capture already open (a file, standard input, any stream), with the
    /// filter expression, if any, checked.
    pub fn with_capture(
        capture: FileCapture,
        db: Arc<Database>,
        limits: Limits,
        filter: Option<&str>,
    ) -> Result<OfflineRun, RunError> {
        Ok(OfflineRun {
            source: Source::new(capture, filter)?,
            consumer: Consumer {
                engine: Engine::new(db, limits),
                summary: RunSummary::default(),
                warned_link_types: Vec::new(),
                finished: false,
            },
            threads: 1,
            filter: filter.map(str::to_string),
        })
    }

    /// Goes on with another capture once this one is read: same engine, host table and
    /// counts, the filter compiled again for the new capture's link type.
    pub fn continue_with(&mut self, capture: FileCapture) -> Result<(), RunError> {
        self.source = Source::new(capture, self.filter.as_deref())?;
        // The end of each capture ends the TLS hellos still being read.
        self.consumer.finished = false;
        Ok(())
    }

    /// How far the current capture has been read (for a progress display).
    pub fn progress(&self) -> ReadProgress {
        self.source.capture.progress()
    }

    /// Threads for [`OfflineRun::run_to_end`]: with 2 or more, reading and decoding run on
    /// a second thread, ahead of fingerprinting and output. The output is the same.
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.max(1);
    }

    /// Turns TLS fingerprinting on (the default) or off ([`Engine::set_tls`]).
    pub fn set_tls(&mut self, on: bool) {
        self.consumer.engine.set_tls(on);
        #[cfg(feature = "bpf")]
        if let Some(filter) = &mut self.source.filter {
            filter.set_udp(on);
        }
    }

    /// The engine (for its host table).
    pub fn engine(&self) -> &Engine {
        &self.consumer.engine
    }

    /// Counts so far.
    pub fn summary(&self) -> RunSummary {
        self.consumer.summary
    }

    /// True once the capture is exhausted (or damaged).
    pub fn is_finished(&self) -> bool {
        self.source.finished
    }

    /// Processes up to `max_frames` frames, handing observations to `emit` and warnings to
    /// `warn`. Returns the number of frames read (0 once finished).
    pub fn step(
        &mut self,
        max_frames: usize,
        emit: &mut dyn FnMut(&Observation<'_>),
        warn: &mut dyn FnMut(RunWarning),
    ) -> usize {
        let mut done = 0;
        // Frames handed to the engine and their bytes, counted once per call.
        let (mut handed, mut bytes) = (0u64, 0u64);
        while done < max_frames {
            let packet = match self.source.next(warn) {
                Read::End => break,
                Read::Filtered => {
                    done += 1;
                    self.consumer.summary.frames += 1;
                    continue;
                }
                Read::Frame(packet) => packet,
            };
            done += 1;
            self.consumer.summary.frames += 1;
            let decoded = decode(LinkType(packet.link_type), packet.data);
            handed += 1;
            bytes += packet.data.len() as u64;
            if matches!(decoded, Err(DecodeError::NotTcp))
                && self.consumer.engine.udp_enabled()
                && let Ok(udp) = decode_udp(LinkType(packet.link_type), packet.data)
            {
                self.consumer.consume_udp(packet.ts, &udp, emit);
            }
            self.consumer.consume(
                packet.ts,
                decoded.as_ref().map_err(|e| *e),
                None,
                emit,
                warn,
            );
        }
        self.consumer.engine.count_frames(handed, bytes);
        done
    }

    /// Runs to the end of the capture, writing to `sinks`. Stops early (with
    /// `interrupted` set) when `stop` is raised.
    pub fn run_to_end(
        &mut self,
        sinks: &mut [&mut dyn Sink],
        warn: &mut dyn FnMut(RunWarning),
        stop: Option<&AtomicBool>,
    ) -> Result<RunSummary, RunError> {
        let mut failure: Option<io::Error> = None;
        // Raised with `failure`, so that reading stops too: nothing more can be written.
        let output_failed = AtomicBool::new(false);
        let mut emit = |obs: &Observation<'_>| {
            if failure.is_some() {
                return;
            }
            for sink in sinks.iter_mut() {
                if let Err(e) = sink.write(obs) {
                    failure = Some(e);
                    output_failed.store(true, Ordering::Relaxed);
                    return;
                }
            }
        };
        let interrupted = || stop.is_some_and(|s| s.load(Ordering::Relaxed));
        let stopped = || interrupted() || output_failed.load(Ordering::Relaxed);
        if self.threads >= 2 {
            self.run_pipelined(&mut emit, warn, &stopped);
        } else {
            while !self.source.finished && !stopped() {
                self.step(4096, &mut emit, warn);
            }
        }
        if self.source.finished {
            self.consumer.finish(&mut emit);
        }
        self.consumer.summary.interrupted = interrupted() && !self.source.finished;
        if let Some(e) = failure.take() {
            return Err(RunError::Output(e));
        }
        for sink in sinks.iter_mut() {
            sink.flush().map_err(RunError::Output)?;
        }
        Ok(self.consumer.summary)
    }

    /// Reading and decoding on a second thread, batches passed through bounded channels
    /// and recycled; fingerprinting and output on this one, in capture order.
    fn run_pipelined(
        &mut self,
        emit: &mut dyn FnMut(&Observation<'_>),
        warn: &mut dyn FnMut(RunWarning),
        stopped: &(dyn Fn() -> bool + Sync),
    ) {
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(4);
        let (free_tx, free_rx) = std::sync::mpsc::sync_channel::<Batch>(8);
        let source = &mut self.source;
        let consumer = &mut self.consumer;
        let udp_on = consumer.engine.udp_enabled();
        let tls_on = consumer.engine.tls_enabled();
        std::thread::scope(|scope| {
            scope.spawn(move || {
                loop {
                    let mut batch = free_rx.try_recv().unwrap_or_default();
                    batch.payload.clear();
                    batch.items.clear();
                    batch.udp.clear();
                    batch.frames = 0;
                    batch.bytes = 0;
                    let mut warnings = Vec::new();
                    while batch.items.len() < BATCH_FRAMES
                        && batch.payload.len() < BATCH_PAYLOAD
                        && !stopped()
                    {
                        let packet = match source.next(&mut |w| warnings.push(w)) {
                            Read::End => {
                                batch.last = true;
                                break;
                            }
                            Read::Filtered => {
                                batch.frames += 1;
                                continue;
                            }
                            Read::Frame(packet) => packet,
                        };
                        batch.frames += 1;
                        let start = batch.payload.len();
                        let link = LinkType(packet.link_type);
                        let mut could_start_tls = false;
                        let packet_result = match decode(link, packet.data) {
                            Ok(pkt) => {
                                batch.payload.extend_from_slice(pkt.payload);
                                could_start_tls = tls_on && could_start(pkt.payload);
                                Ok(pkt.with_payload(&[]))
                            }
                            Err(e) => Err(e),
                        };
                        batch.bytes += packet.data.len() as u64;
                        let udp = match packet_result {
                            Err(DecodeError::NotTcp) if udp_on => {
                                decode_udp(link, packet.data).ok().map(|u| {
                                    if p0fmod_quic::is_known_long_header(u.payload)
                                        || p0fmod_quic::is_dtls_handshake(u.payload)
                                    {
                                        batch.payload.extend_from_slice(u.payload);
                                    }
                                    batch.udp.push(UdpPacket { payload: &[], ..u });
                                    (batch.udp.len() - 1) as u32
                                })
                            }
                            _ => None,
                        };
                        batch.items.push(BatchItem {
                            ts: packet.ts,
                            packet: packet_result,
                            udp,
                            payload: start..batch.payload.len(),
                            could_start_tls,
                        });
                    }
                    batch.last |= stopped();
                    batch.warnings = warnings;
                    let last = batch.last;
                    if full_tx.send(batch).is_err() || last {
                        break;
                    }
                }
            });
            while let Ok(mut batch) = full_rx.recv() {
                consumer.summary.frames += batch.frames;
                consumer
                    .engine
                    .count_frames(batch.items.len() as u64, batch.bytes);
                for item in &batch.items {
                    if let Some(udp) = item.udp {
                        let payload = &batch.payload[item.payload.clone()];
                        let udp = &batch.udp[udp as usize];
                        consumer.consume_udp(item.ts, &UdpPacket { payload, ..*udp }, emit);
                    }
                    let packet = match &item.packet {
                        Ok(p) => Ok(p.with_payload(&batch.payload[item.payload.clone()])),
                        Err(e) => Err(*e),
                    };
                    consumer.consume(
                        item.ts,
                        packet.as_ref().map_err(|e| *e),
                        tls_on.then_some(item.could_start_tls),
                        emit,
                        warn,
                    );
                }
                for w in batch.warnings.drain(..) {
                    warn(w);
                }
                if batch.last {
                    break;
                }
                let _ = free_tx.try_send(batch);
            }
        });
    }
}
