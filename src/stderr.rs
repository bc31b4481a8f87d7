//! Standard error for the `p0fmod` command: warnings at a bounded rate, and never a wait.
//!
//! * **Rate.** Warnings pass at up to [`RATE`] a second, with bursts of [`BURST`]; the ones
//!   over the rate are counted, and the count is said with the next warning that passes
//!   (and at the end): `[!] WARNING: N warnings suppressed (more than 10 a second).`
//!   A flood of garbage queries used to print one line per query, 50,000 lines in 0.15 s.
//! * **No wait.** While a capture runs, stderr is written by a thread of its own through a
//!   queue of [`QUEUE_LINES`] lines: a stderr that nobody reads (a full pipe) stalls that
//!   thread only, never capture, the query socket or a stop signal; lines that find the
//!   queue full are dropped. At the end, the queue gets [`DRAIN_TIMEOUT`] to empty.
//!   (p0f writes stderr directly, and a stalled stderr freezes it.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use p0fmod_session::print_err;

/// Warnings a second, in the long run.
pub const RATE: f64 = 10.0;
/// Warnings that may pass at once.
pub const BURST: f64 = 20.0;
/// Lines waiting for the writer thread.
pub const QUEUE_LINES: usize = 1024;
/// Longest wait at the end for the queued lines to be written.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(1);
/// Longest wait of a line on stdout for the stderr lines before it (see [`sync`]).
pub const SYNC_TIMEOUT: Duration = Duration::from_millis(100);

/// Lines queued and not yet written by the writer thread.
static QUEUED: AtomicUsize = AtomicUsize::new(0);

/// A token bucket: [`RATE`] a second, bursts of [`BURST`].
struct Limiter {
    tokens: f64,
    refilled: Option<Instant>,
    /// Warnings held back since the last one that passed.
    suppressed: u64,
}

impl Limiter {
    const fn new() -> Limiter {
        Limiter {
            tokens: BURST,
            refilled: None,
            suppressed: 0,
        }
    }

    /// Whether a warning may pass at `now` (if not, it is counted).
    fn admit(&mut self, now: Instant) -> bool {
        if let Some(then) = self.refilled {
            let earned = now.saturating_duration_since(then).as_secs_f64() * RATE;
            self.tokens = (self.tokens + earned).min(BURST);
        }
        self.refilled = Some(now);
        if self.tokens < 1.0 {
            self.suppressed += 1;
            return false;
        }
        self.tokens -= 1.0;
        true
    }

    /// The line that says how many were held back, if any (the count starts again).
    fn suppressed_line(&mut self) -> Option<String> {
        let n = std::mem::take(&mut self.suppressed);
        (n > 0).then(|| {
            format!(
                "[!] WARNING: {n} warning{} suppressed (more than {RATE} a second).\n",
                if n == 1 { "" } else { "s" }
            )
        })
    }
}

struct State {
    limiter: Limiter,
    queue: Option<SyncSender<String>>,
    /// Closed (the sender dropped) when the writer thread has written everything.
    done: Option<Receiver<()>>,
}

static STATE: Mutex<State> = Mutex::new(State {
    limiter: Limiter::new(),
    queue: None,
    done: None,
});

fn state() -> std::sync::MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

impl State {
    fn emit(&mut self, text: String) {
        match &self.queue {
            Some(queue) => match queue.try_send(text) {
                Ok(()) => {
                    QUEUED.fetch_add(1, Ordering::Relaxed);
                }
                Err(TrySendError::Full(_)) => {}
                Err(TrySendError::Disconnected(text)) => print_err(&text),
            },
            None => print_err(&text),
        }
    }
}

/// Prints `[!] WARNING: message`, unless warnings come faster than [`RATE`] a second.
pub fn warn(message: &str) {
    let mut st = state();
    if !st.limiter.admit(Instant::now()) {
        return;
    }
    let mut text = st.limiter.suppressed_line().unwrap_or_default();
    text.push_str(&format!("[!] WARNING: {message}\n"));
    st.emit(text);
}

/// Prints `text` (whole lines) on stderr, through the queue while one runs.
pub fn print(text: &str) {
    state().emit(text.to_string());
}

/// From now on, stderr is written by a thread of its own (call it after any fork).
pub fn start_writer() {
    let (queue, lines) = sync_channel::<String>(QUEUE_LINES);
    let (done_tx, done) = sync_channel::<()>(0);
    let spawned = std::thread::Builder::new()
        .name("stderr".into())
        .spawn(move || {
            for text in lines {
                print_err(&text);
                QUEUED.fetch_sub(1, Ordering::Relaxed);
            }
            drop(done_tx);
        });
    if spawned.is_ok() {
        let mut st = state();
        st.queue = Some(queue);
        st.done = Some(done);
    }
}

/// Waits (at most [`SYNC_TIMEOUT`]) for the queued stderr lines to be written, so that a
/// line about to go to stdout comes after them on a shared terminal, as p0f's order has it.
pub fn sync() {
    let deadline = Instant::now() + SYNC_TIMEOUT;
    while QUEUED.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Says how many warnings were suppressed, then gives the queue up to [`DRAIN_TIMEOUT`]
/// to be written; stderr is written directly afterwards.
pub fn finish() {
    let done = {
        let mut st = state();
        if let Some(line) = st.limiter.suppressed_line() {
            st.emit(line);
        }
        st.queue = None;
        st.done.take()
    };
    if let Some(done) = done {
        // The writer drops its end once the queue is empty and closed.
        match done.recv_timeout(DRAIN_TIMEOUT) {
            Ok(()) | Err(RecvTimeoutError::Disconnected | RecvTimeoutError::Timeout) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_rate_and_the_rest_counted() {
        let mut limiter = Limiter::new();
        let start = Instant::now();
        // 50,000 warnings in 0.15 s (the flood of issue 18): 20 + 1 pass.
        let passed = (0..50_000u32)
            .filter(|i| limiter.admit(start + Duration::from_micros(u64::from(*i) * 3)))
            .count();
        assert_eq!(passed, 21);
        assert_eq!(
            limiter.suppressed_line().as_deref(),
            Some("[!] WARNING: 49979 warnings suppressed (more than 10 a second).\n")
        );
        assert_eq!(limiter.suppressed_line(), None);
        // After a quiet second, ten pass again.
        let later = start + Duration::from_millis(1150);
        let passed = (0..100u32)
            .filter(|i| limiter.admit(later + Duration::from_micros(u64::from(*i))))
            .count();
        assert_eq!(passed, 10);
    }
}
