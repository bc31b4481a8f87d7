//! The progress display of long offline runs, on standard error (indicatif): bytes read of
//! the total (compressed bytes for gzip), the rate, the observations so far and the time
//! left. It appears only after a second, so short runs show nothing, and only when the
//! caller chose to show it (standard error is a terminal, and standard output does not
//! print to the same screen). A thread reads the session's counters ten times a second:
//! the run itself only counts.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use p0fmod_session::Progress;

/// How long a run goes before the display appears (milliseconds). `P0FMOD_PROGRESS_AFTER_MS`
/// changes it (the tests use 0).
const DEFAULT_DELAY_MS: u64 = 1000;

/// A running progress display; dropping it clears the line.
pub struct Display {
    bar: ProgressBar,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Display {
    /// A display that shows nothing (not a terminal, or a live capture).
    pub fn hidden() -> Display {
        Display {
            bar: ProgressBar::hidden(),
            stop: Arc::new(AtomicBool::new(true)),
            thread: None,
        }
    }

    /// Starts the display thread for `progress`, with `observations` counted by the run.
    pub fn start(progress: Progress, observations: Arc<AtomicU64>) -> Display {
        let bar = ProgressBar::with_draw_target(progress.total(), ProgressDrawTarget::hidden());
        let style = match progress.total() {
            Some(_) => ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} {wide_bar} {bytes_per_sec}, {eta} left, {msg}",
            ),
            None => ProgressStyle::with_template("{spinner} {bytes} read, {bytes_per_sec}, {msg}"),
        };
        if let Ok(style) = style {
            bar.set_style(style.progress_chars("=> "));
        }
        let stop = Arc::new(AtomicBool::new(false));
        let delay = std::env::var("P0FMOD_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_DELAY_MS);
        let thread = {
            let (bar, stop) = (bar.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                let start = Instant::now();
                let mut shown = false;
                while !stop.load(Ordering::Relaxed) {
                    if !shown && start.elapsed() >= Duration::from_millis(delay) {
                        bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
                        shown = true;
                    }
                    if shown {
                        bar.set_position(progress.read());
                        let (index, captures) = progress.capture();
                        let n = observations.load(Ordering::Relaxed);
                        bar.set_message(if captures > 1 {
                            format!("{n} observations, capture {index}/{captures}")
                        } else {
                            format!("{n} observations")
                        });
                        bar.tick();
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        };
        Display {
            bar,
            stop,
            thread: Some(thread),
        }
    }

    /// Runs `f` (which prints on the terminal) with the display out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.bar.finish_and_clear();
    }
}
