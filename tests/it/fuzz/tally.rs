//! Counting cases, keeping the slowest, and reporting failures in full
//! with a minimised copy.

use std::time::{Duration, Instant};

use super::harness::{Failure, Input, SEED, Verdict, check};

/// Cases checked by one generator, how many ran, and the slowest.
#[derive(Debug)]
pub struct Tally {
    /// The generator's name.
    generator: &'static str,
    /// Print each case number before checking it (`REVIEWSIM_FUZZ_TRACE`),
    /// so that the last one printed names a case that aborts or hangs.
    trace: bool,
    /// Print each case's input before checking it (`REVIEWSIM_FUZZ_CASE`).
    show: bool,
    /// Cases checked.
    pub cases: u64,
    /// Cases that validated and ran.
    pub ran: u64,
    /// The slowest case: its time, number and input.
    pub slowest: Option<(Duration, u64, Input)>,
    /// Failures found, with case number and input; one per kind and detail.
    pub failures: Vec<(u64, Input, Failure)>,
}

/// Most distinct failures collected before a generator stops.
const MAX_FAILURES: usize = 8;

impl Tally {
    /// An empty tally for a generator.
    pub fn new(generator: &'static str) -> Tally {
        Tally {
            generator,
            trace: std::env::var_os("REVIEWSIM_FUZZ_TRACE").is_some(),
            show: std::env::var_os("REVIEWSIM_FUZZ_CASE").is_some(),
            cases: 0,
            ran: 0,
            slowest: None,
            failures: Vec::new(),
        }
    }

    /// Checks one case and records what it did. False once enough
    /// failures are collected.
    pub fn check(&mut self, case: u64, input: Input) -> bool {
        if self.show {
            eprintln!("fuzz {} case {case}:\n{input}", self.generator);
        } else if self.trace {
            eprintln!("fuzz {} case {case}", self.generator);
        }
        let started = Instant::now();
        let result = check(&input);
        let took = started.elapsed();
        self.cases += 1;
        match result {
            Ok(Verdict::Ran(_)) => self.ran += 1,
            Ok(Verdict::Refused(_)) => {}
            Err(failure) => {
                let seen = self.failures.iter().any(|(_, _, f)| {
                    f.kind == failure.kind && first_line(&f.detail) == first_line(&failure.detail)
                });
                if !seen {
                    self.failures.push((case, input.clone(), failure));
                }
            }
        }
        if self
            .slowest
            .as_ref()
            .is_none_or(|(most, _, _)| took > *most)
        {
            self.slowest = Some((took, case, input));
        }
        self.failures.len() < MAX_FAILURES
    }

    /// Prints the counts and the slowest case; panics with every failure,
    /// each with its input in full and a minimised copy.
    pub fn finish(self) {
        let generator = self.generator;
        eprintln!(
            "fuzz {generator}: {} cases, {} ran, {} refused",
            self.cases,
            self.ran,
            self.cases - self.ran
        );
        if let Some((took, case, input)) = &self.slowest {
            eprintln!("fuzz {generator}: slowest case {case} took {took:?}:\n{input}");
        }
        if self.failures.is_empty() {
            return;
        }
        let mut report = String::new();
        for (case, input, failure) in &self.failures {
            let minimal = minimise(input, failure);
            report.push_str(&format!(
                "\n=== {generator} case {case} (seed {SEED}): {}: {}\n{input}\n--- minimised ---\n{minimal}\n",
                failure.kind, failure.detail
            ));
        }
        panic!("{} fuzz failures:{report}", self.failures.len());
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// A smaller input that fails the same way: overrides dropped one at a
/// time, then lines of text dropped in shrinking chunks.
pub fn minimise(input: &Input, failure: &Failure) -> Input {
    let same = |candidate: &Input| matches!(check(candidate), Err(f) if f.kind == failure.kind);
    let mut best = input.clone();
    let mut index = 0;
    while index < best.overrides.len() {
        let mut candidate = best.clone();
        candidate.overrides.remove(index);
        if same(&candidate) {
            best = candidate;
        } else {
            index += 1;
        }
    }
    let mut lines: Vec<String> = best.text.lines().map(str::to_string).collect();
    let mut chunk = lines.len().div_ceil(2).max(1);
    loop {
        let mut start = 0;
        while start < lines.len() {
            let end = (start + chunk).min(lines.len());
            let mut candidate = best.clone();
            let kept: Vec<String> = lines[..start]
                .iter()
                .chain(&lines[end..])
                .cloned()
                .collect();
            candidate.text = kept.join("\n");
            if same(&candidate) {
                best = candidate;
                lines = kept;
            } else {
                start = end;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    best
}
