//! The live event loop: one `poll()` over the capture descriptor, the API listener and the
//! API clients (spec §12.3).
//!
//! Packets go through the same [`Engine`] and [`Sink`]s as an offline run. Sinks are
//! flushed whenever `poll()` sees 10 ms without events, as p0f flushes its log, and also at
//! least once a second (under constant traffic, and so that a log that refused writes
//! retries them) (p0f would then flush only when its stdio
//! buffer fills). The loop ends when the stop flag is raised (SIGINT / SIGTERM), with every
//! sink flushed and the kernel's counters read. It also returns, flushed, when the pause
//! flag is raised, so that its caller can act between packets (reopen the log on SIGHUP,
//! print statistics on SIGUSR1) and call [`LiveLoop::run`] again. With a publisher, it
//! copies its statistics there every [`PUBLISH_INTERVAL`] (for `--metrics`).

use std::fmt;
use std::io;
use std::os::fd::AsFd;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use p0fmod::output::Sink;
use p0fmod::output::resilient::LogHealth;
use p0fmod::{Engine, Observation};
use p0fmod_api::{ApiServer, ServerError, ServerEvent};
use p0fmod_capture::live::{CaptureStats, LiveCapture, LiveError as CaptureError};
use p0fmod_wire::DecodeError;

use crate::stats::ServiceStats;

/// poll() timeout: p0f's 10 ms.
const POLL_TIMEOUT_MS: u8 = 10;
/// Most packets handled per wake-up before the API gets its turn.
const PACKET_BATCH: usize = 1024;
/// Longest time buffered output waits under constant traffic.
const MAX_FLUSH_DELAY: Duration = Duration::from_secs(1);
/// How often the statistics are copied to the publisher.
pub const PUBLISH_INTERVAL: Duration = Duration::from_millis(250);

/// Counts from a finished live run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiveSummary {
    /// Packets delivered by the capture (after the kernel filter), as p0f counts them.
    pub packets: u64,
    /// Observations written.
    pub observations: u64,
    /// True when the loop ended because the stop flag was raised.
    pub interrupted: bool,
    /// True when the loop returned because the pause flag was raised (the flag is left
    /// raised: the caller lowers it).
    pub paused: bool,
    /// The kernel's counters at the end, when they could be read.
    pub stats: Option<CaptureStats>,
}

/// A failure that ends the live loop. `Display` gives p0f's text.
#[derive(Debug)]
pub enum LiveError {
    /// The capture descriptor reported an error, or reading failed (p0f:
    /// `Packet capture interface is down.`).
    InterfaceDown(Option<CaptureError>),
    /// The API listener failed.
    Api(ServerError),
    /// poll() failed.
    Poll(Errno),
    /// An output could not be written.
    Output(io::Error),
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveError::InterfaceDown(None) => f.write_str("Packet capture interface is down."),
            LiveError::InterfaceDown(Some(e)) => {
                write!(f, "Packet capture interface is down. ({e})")
            }
            LiveError::Api(e) => write!(f, "{e}"),
            LiveError::Poll(e) => write!(f, "poll() failed. ({e})"),
            LiveError::Output(e) => write!(f, "Output write failed: {e}"),
        }
    }
}

impl std::error::Error for LiveError {}

/// Something worth a warning that does not stop the loop.
#[derive(Debug)]
pub enum LiveWarning {
    /// From the API server (bad query, too many clients, ...).
    Api(ServerEvent),
    /// Frames of a link type p0fmod cannot decode (reported once per type).
    UnsupportedLinkType(u32),
    /// An output's health changed (a log that stopped or resumed taking writes).
    Output(String),
    /// A table was pruned to stay within `-m` (p0f's live-mode warnings).
    Pruned(p0fmod::state::Prune),
    /// Prunings past the ones kept between two batches of packets.
    PrunedMore(u64),
}

impl fmt::Display for LiveWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveWarning::Api(e) => write!(f, "{e}"),
            LiveWarning::Output(text) => f.write_str(text),
            LiveWarning::Pruned(p) => write!(f, "{p}"),
            LiveWarning::PrunedMore(n) => write!(f, "{n} more prunings of the tables."),
            LiveWarning::UnsupportedLinkType(l) => {
                write!(
                    f,
                    "Unsupported link type {l}; packets of this type are skipped."
                )
            }
        }
    }
}

/// What the loop works on.
pub struct LiveLoop<'a, 's> {
    /// The capture (non-blocking).
    pub capture: &'a mut LiveCapture,
    /// The engine; its host table answers the API.
    pub engine: &'a mut Engine,
    /// The API server, if `-s` was given.
    pub api: Option<&'a mut ApiServer>,
    /// Where observations go.
    pub sinks: &'a mut [&'s mut dyn Sink],
    /// Makes [`LiveLoop::run`] return early when raised.
    pub pause: Option<&'a AtomicBool>,
    /// Receives the statistics every [`PUBLISH_INTERVAL`].
    pub publish: Option<&'a Mutex<ServiceStats>>,
    /// When the service started (the statistics' uptime).
    pub started: Instant,
    /// Makes [`LiveLoop::run`] return (as paused) once this time has passed.
    pub wake_at: Option<Instant>,
    /// The `-o` log's write failures, for the statistics.
    pub log_health: Option<&'a LogHealth>,
}

fn revents(fd: &PollFd<'_>) -> PollFlags {
    fd.revents().unwrap_or(PollFlags::empty())
}

fn flush_all(sinks: &mut [&mut dyn Sink]) -> Result<(), LiveError> {
    for sink in sinks.iter_mut() {
        sink.flush().map_err(LiveError::Output)?;
    }
    Ok(())
}

/// Hands what the sinks have to say about their health to `warn`.
fn sink_notices(sinks: &mut [&mut dyn Sink], warn: &mut dyn FnMut(LiveWarning)) {
    for sink in sinks.iter_mut() {
        while let Some(text) = sink.take_notice() {
            warn(LiveWarning::Output(text));
        }
    }
}

impl LiveLoop<'_, '_> {
    /// The statistics now (reads the kernel's counters).
    pub fn stats(&mut self) -> ServiceStats {
        ServiceStats::collect(
            self.started,
            self.engine,
            self.capture,
            self.api.as_deref(),
            self.log_health,
        )
    }

    fn publish(&mut self) {
        if let Some(publish) = self.publish {
            let stats = self.stats();
            *publish
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = stats;
        }
    }

    /// Runs until `stop` is raised or something fails. Sinks are flushed in both cases.
    pub fn run(
        &mut self,
        stop: &AtomicBool,
        warn: &mut dyn FnMut(LiveWarning),
    ) -> Result<LiveSummary, LiveError> {
        let mut summary = LiveSummary::default();
        let result = self.run_inner(stop, warn, &mut summary);
        let flushed = flush_all(self.sinks);
        sink_notices(self.sinks, warn);
        summary.stats = self.capture.stats().ok();
        self.publish();
        result.and(flushed).map(|()| summary)
    }

    fn run_inner(
        &mut self,
        stop: &AtomicBool,
        warn: &mut dyn FnMut(LiveWarning),
        summary: &mut LiveSummary,
    ) -> Result<(), LiveError> {
        let broken = PollFlags::POLLERR | PollFlags::POLLHUP | PollFlags::POLLNVAL;
        let mut dirty = false;
        let mut last_flush = Instant::now();
        let mut warned_link_types: Vec<u32> = Vec::new();
        let mut last_publish: Option<Instant> = None;
        loop {
            if stop.load(Ordering::Relaxed) {
                summary.interrupted = true;
                return Ok(());
            }
            if self.pause.is_some_and(|p| p.load(Ordering::Relaxed))
                || self.wake_at.is_some_and(|t| Instant::now() >= t)
            {
                summary.paused = true;
                return Ok(());
            }
            if self.publish.is_some()
                && last_publish.is_none_or(|t| t.elapsed() >= PUBLISH_INTERVAL)
            {
                self.publish();
                last_publish = Some(Instant::now());
            }
            let (ready, capture_flags, api_flags) = {
                let mut fds = vec![PollFd::new(self.capture.as_fd(), PollFlags::POLLIN)];
                if let Some(api) = self.api.as_deref() {
                    fds.extend(api.poll_fds());
                }
                let ready = match poll(&mut fds, PollTimeout::from(POLL_TIMEOUT_MS)) {
                    Ok(n) => n,
                    Err(Errno::EINTR) => continue,
                    Err(e) => return Err(LiveError::Poll(e)),
                };
                let api_flags: Vec<PollFlags> = fds[1..].iter().map(revents).collect();
                (ready, revents(&fds[0]), api_flags)
            };
            if capture_flags.intersects(broken) {
                return Err(LiveError::InterfaceDown(None));
            }
            if capture_flags.contains(PollFlags::POLLIN) {
                dirty |= self.read_packets(summary, &mut warned_link_types, warn)?;
                let (prunes, more) = self.engine.take_prunes();
                for prune in prunes {
                    warn(LiveWarning::Pruned(prune));
                }
                if more > 0 {
                    warn(LiveWarning::PrunedMore(more));
                }
            }
            if let Some(api) = self.api.as_deref_mut() {
                let engine = &*self.engine;
                api.service(
                    &api_flags,
                    Instant::now(),
                    &mut |addr| engine.host(addr),
                    &mut |e| warn(LiveWarning::Api(e)),
                )
                .map_err(LiveError::Api)?;
            }
            // Also once a second with nothing new: a log that refused writes retries them.
            if (dirty && ready == 0) || last_flush.elapsed() >= MAX_FLUSH_DELAY {
                flush_all(self.sinks)?;
                sink_notices(self.sinks, warn);
                dirty = false;
                last_flush = Instant::now();
            }
        }
    }

    /// Handles the packets waiting in the capture (at most a batch). Returns whether any
    /// observation was written.
    fn read_packets(
        &mut self,
        summary: &mut LiveSummary,
        warned_link_types: &mut Vec<u32>,
        warn: &mut dyn FnMut(LiveWarning),
    ) -> Result<bool, LiveError> {
        let mut wrote = false;
        for _ in 0..PACKET_BATCH {
            let packet = match self.capture.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => break,
                Err(e) => return Err(LiveError::InterfaceDown(Some(e))),
            };
            summary.packets += 1;
            let mut failure: Option<io::Error> = None;
            let sinks = &mut *self.sinks;
            let observations = &mut summary.observations;
            let mut emit = |obs: &Observation<'_>| {
                *observations += 1;
                wrote = true;
                for sink in sinks.iter_mut() {
                    if failure.is_none()
                        && let Err(e) = sink.write(obs)
                    {
                        failure = Some(e);
                    }
                }
            };
            let result =
                self.engine
                    .process_frame(packet.ts, packet.link_type, packet.data, &mut emit);
            if let Some(e) = failure {
                return Err(LiveError::Output(e));
            }
            if let Err(DecodeError::UnsupportedLinkType(l)) = result
                && !warned_link_types.contains(&l)
            {
                warned_link_types.push(l);
                warn(LiveWarning::UnsupportedLinkType(l));
            }
        }
        Ok(wrote)
    }
}
