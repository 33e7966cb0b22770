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

mod corpus;
mod harness;
mod palette;
mod parser;
mod scenarios;
mod sweeps;
