//! Fuzzing: whatever validates runs, and bad input is refused with a
//! message, never a panic.
//!
//! Four generators feed one property ([`harness::check`]): mutated shipped
//! scenarios (`--set` overrides with values across and beyond the allowed
//! ranges, and structural edits), generated `[sweep]` tables, random
//! character edits of the shipped files, and the inputs kept in
//! `tests/fuzz_corpus/`. Every case is seeded by its generator and its
//! number, so a failure names the case and prints its input in full, with a
//! minimised copy.
//!
//! The default run makes 10,000 scenario variants, 1,000 sweeps and 5,000
//! edited files; `REVIEWSIM_FUZZ_CASES=N` makes N variants and the others in
//! proportion:
//!
//! ```sh
//! REVIEWSIM_FUZZ_CASES=1000000 cargo test --release --test it fuzz -- --nocapture
//! ```
//!
//! A stack overflow or an abort cannot be caught, and a hang never ends:
//! `REVIEWSIM_FUZZ_TRACE=1` prints each case number before checking it, so
//! the last one printed names the case, and `REVIEWSIM_FUZZ_CASE=N` checks
//! only case N of each generator and prints its input in full:
//!
//! ```sh
//! REVIEWSIM_FUZZ_CASE=1297 cargo test --release --test it fuzz::scenarios -- --nocapture
//! ```

mod corpus;
mod harness;
mod messages;
mod outputs;
mod palette;
mod parser;
mod scenarios;
mod sweeps;
mod tally;
