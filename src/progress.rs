//! Progress of a run for people watching it: a bar on a terminal, or plain
//! lines at a steady interval where stderr is a log file (Slurm, Kubernetes,
//! `2> run.log`), so that a long job says how far it is without drawing.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How progress is shown (`--progress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, plain lines otherwise.
    #[default]
    Auto,
    /// A bar, redrawn in place.
    Bar,
    /// A line every interval.
    Plain,
    /// Nothing.
    None,
}

impl std::str::FromStr for ProgressMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "auto" => Ok(ProgressMode::Auto),
            "bar" => Ok(ProgressMode::Bar),
            "plain" => Ok(ProgressMode::Plain),
            "none" => Ok(ProgressMode::None),
            other => Err(format!(
                "`{other}` is not a progress mode; choose auto, bar, plain or none"
            )),
        }
    }
}

/// A progress line: units done of the total, the share, the rate and the
/// time left, such as
/// `progress: 1,200/3,000 work units (40.0%), 523/s, 3 s left`.
pub fn line(done: u64, total: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        done as f64 / seconds
    } else {
        0.0
    };
    let share = if total > 0 {
        100.0 * done as f64 / total as f64
    } else {
        0.0
    };
    let left = if done >= total {
        format!("done in {}", duration(seconds))
    } else if rate > 0.0 {
        format!("{} left", duration((total - done) as f64 / rate))
    } else {
        "time left unknown".to_string()
    };
    format!(
        "progress: {}/{} work units ({share:.1}%), {}/s, {left}",
        grouped(done),
        grouped(total),
        grouped(rate.round() as u64)
    )
}

/// A count with thousands separated: 1,234,567.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds as `42 s`, `3 min 5 s` or `2 h 10 min`.
fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// What the run reports and the printing thread reads.
struct Shared {
    done: AtomicU64,
    total: AtomicU64,
    finished: Mutex<bool>,
    wake: Condvar,
}

/// Prints a progress line to stderr at a steady interval from a thread of
/// its own, so that lines keep coming while a long chunk of work runs; and
/// a last line when the work is done.
pub struct PlainProgress {
    shared: Arc<Shared>,
    printer: Option<JoinHandle<()>>,
}

impl PlainProgress {
    /// Starts printing every `interval` to `out`.
    pub fn start(interval: Duration, out: impl Write + Send + 'static) -> Self {
        let shared = Arc::new(Shared {
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            finished: Mutex::new(false),
            wake: Condvar::new(),
        });
        let started = Instant::now();
        let printer = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || print_every(&shared, interval, started, out))
        };
        PlainProgress {
            shared,
            printer: Some(printer),
        }
    }

    /// Records `done` units of `total`.
    pub fn update(&self, done: u64, total: u64) {
        self.shared.total.store(total, Ordering::Relaxed);
        self.shared.done.store(done, Ordering::Relaxed);
    }

    /// Stops the thread, which prints a last line if the work is complete.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(printer) = self.printer.take() else {
            return;
        };
        *self
            .shared
            .finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = true;
        self.shared.wake.notify_all();
        let _ = printer.join();
    }
}

impl Drop for PlainProgress {
    fn drop(&mut self) {
        self.stop();
    }
}

fn print_every(shared: &Shared, interval: Duration, started: Instant, mut out: impl Write) {
    let mut finished = shared
        .finished
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let mut next = started + interval;
    loop {
        let now = Instant::now();
        let total = shared.total.load(Ordering::Relaxed);
        let done = shared.done.load(Ordering::Relaxed);
        if *finished {
            if total > 0 && done >= total {
                let _ = writeln!(out, "{}", line(done, total, now - started));
                let _ = out.flush();
            }
            return;
        }
        if now < next {
            finished = shared
                .wake
                .wait_timeout(finished, next - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            continue;
        }
        // The work complete is said once, by the last line.
        if total > 0 && done < total {
            let _ = writeln!(out, "{}", line(done, total, now - started));
            let _ = out.flush();
        }
        next += interval;
        if next < now {
            next = now + interval;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_says_how_far_how_fast_and_how_long() {
        assert_eq!(
            line(1200, 3000, Duration::from_secs(2)),
            "progress: 1,200/3,000 work units (40.0%), 600/s, 3 s left"
        );
        assert_eq!(
            line(3000, 3000, Duration::from_secs(200)),
            "progress: 3,000/3,000 work units (100.0%), 15/s, done in 3 min 20 s"
        );
        assert_eq!(
            line(0, 1_000_000, Duration::from_secs(1)),
            "progress: 0/1,000,000 work units (0.0%), 0/s, time left unknown"
        );
        assert_eq!(
            line(1, 10_000, Duration::from_secs(1)),
            "progress: 1/10,000 work units (0.0%), 1/s, 2 h 46 min left"
        );
    }

    /// A writer whose lines the test can read.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_keep_coming_while_no_unit_completes() {
        let lines = Lines::default();
        let progress = PlainProgress::start(Duration::from_millis(20), lines.clone());
        progress.update(5, 100);
        std::thread::sleep(Duration::from_millis(250));
        progress.finish();
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let count = text.lines().count();
        // One line per 20 ms, give or take a loaded machine's scheduling.
        assert!((3..=13).contains(&count), "{count} lines:\n{text}");
        assert!(text.lines().all(|l| l.starts_with("progress: 5/100 ")));
    }

    #[test]
    fn complete_work_is_said_once_however_long_before_the_end() {
        let lines = Lines::default();
        let progress = PlainProgress::start(Duration::from_millis(10), lines.clone());
        progress.update(100, 100);
        // Several intervals pass between the last unit and the end.
        std::thread::sleep(Duration::from_millis(100));
        progress.finish();
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.matches("(100.0%)").count(), 1, "{text}");
    }

    #[test]
    fn the_last_line_says_the_work_is_done() {
        let lines = Lines::default();
        let progress = PlainProgress::start(Duration::from_secs(3600), lines.clone());
        progress.update(100, 100);
        progress.finish();
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.starts_with("progress: 100/100 work units (100.0%), "),
            "{text}"
        );
        assert!(
            text.trim_end().ends_with(" s") && text.contains("done in"),
            "{text}"
        );
    }
}
