//! Running the engine over a capture file: capture → (filter) → decode → engine → sinks.
//!
//! The command line, the Rust API and the Python module all go through [`OfflineRun`].

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use p0fmod_capture::{CaptureError, FileCapture};
use p0fmod_db::{Database, DbErrors};
use p0fmod_wire::DecodeError;

use crate::config::Config;
use crate::engine::Engine;
use crate::filter::FilterError;
#[cfg(feature = "bpf")]
use crate::filter::PacketFilter;
use crate::observation::Observation;
use crate::output::Sink;
use crate::state::Limits;

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

/// An offline run over one capture file.
pub struct OfflineRun {
    engine: Engine,
    capture: FileCapture,
    #[cfg(feature = "bpf")]
    filter: Option<(String, Option<PacketFilter>)>,
    summary: RunSummary,
    warned_link_types: Vec<u32>,
    finished: bool,
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
        #[cfg(feature = "bpf")]
        let filter = match filter {
            Some(rule) => {
                let first = capture.link_types().first().copied().unwrap_or(1);
                Some((
                    rule.to_string(),
                    Some(PacketFilter::new(rule, first).map_err(RunError::Filter)?),
                ))
            }
            None => None,
        };
        #[cfg(not(feature = "bpf"))]
        if filter.is_some() {
            return Err(RunError::FilterUnsupported);
        }
        Ok(OfflineRun {
            engine: Engine::new(db, limits),
            capture,
            #[cfg(feature = "bpf")]
            filter,
            summary: RunSummary::default(),
            warned_link_types: Vec::new(),
            finished: false,
        })
    }

    /// The engine (for its host table).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Counts so far.
    pub fn summary(&self) -> RunSummary {
        self.summary
    }

    /// True once the capture is exhausted (or damaged).
    pub fn is_finished(&self) -> bool {
        self.finished
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
        while done < max_frames && !self.finished {
            let packet = match self.capture.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => {
                    self.finished = true;
                    break;
                }
                Err(e) => {
                    self.finished = true;
                    warn(RunWarning::Damaged(e));
                    break;
                }
            };
            done += 1;
            self.summary.frames += 1;
            #[cfg(feature = "bpf")]
            if let Some((_, Some(filter))) = &mut self.filter
                && !filter.matches(packet.link_type, packet.data)
            {
                continue;
            }
            let before = self.engine.packets();
            let observations = &mut self.summary.observations;
            let mut counting = |obs: &Observation<'_>| {
                *observations += 1;
                emit(obs);
            };
            let result =
                self.engine
                    .process_frame(packet.ts, packet.link_type, packet.data, &mut counting);
            if let Err(DecodeError::UnsupportedLinkType(l)) = result
                && !self.warned_link_types.contains(&l)
            {
                self.warned_link_types.push(l);
                warn(RunWarning::UnsupportedLinkType(l));
            }
            self.summary.packets += self.engine.packets() - before;
        }
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
        while !self.finished {
            if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                self.summary.interrupted = true;
                break;
            }
            let mut emit = |obs: &Observation<'_>| {
                if failure.is_some() {
                    return;
                }
                for sink in sinks.iter_mut() {
                    if let Err(e) = sink.write(obs) {
                        failure = Some(e);
                        return;
                    }
                }
            };
            self.step(4096, &mut emit, warn);
            if let Some(e) = failure.take() {
                return Err(RunError::Output(e));
            }
        }
        for sink in sinks.iter_mut() {
            sink.flush().map_err(RunError::Output)?;
        }
        Ok(self.summary)
    }
}
