//! What a refusal must say: it starts with the file (or the `--set`
//! argument), says what is allowed, in the user's words, with numbers
//! written short.

use super::harness::{Failure, Input, Verdict, fail};

/// The deserializer's words for types, which messages translate.
const JARGON: [&str; 9] = [
    "unit variant",
    "variant identifier",
    "custom name",
    "type: map",
    "type: sequence",
    "struct Raw",
    "expected u64",
    "expected f64",
    "expected usize",
];

/// A refusal starts with the file (or the `--set` argument), says what is
/// allowed in the user's words, and writes numbers short: a digit run longer than any in the
/// input (or than 20) is a number printed in full, such as 1e-300 as three
/// hundred digits.
pub fn refused(message: &str, start: &str, input: &Input) -> Result<Verdict, Failure> {
    if !message.starts_with(start) || message.trim_end().ends_with(':') {
        return fail(
            "bad message",
            format!("a refusal should start with `{start}` and say what is allowed: {message}"),
        );
    }
    let jargon = JARGON.iter().find(|word| {
        message.contains(*word)
            && !input.text.contains(*word)
            && !input.overrides.iter().any(|arg| arg.contains(*word))
    });
    if let Some(word) = jargon {
        return fail(
            "bad message",
            format!("a refusal speaks Rust (`{word}`), not the user's words: {message}"),
        );
    }
    let written = input
        .overrides
        .iter()
        .map(|arg| longest_digit_run(arg))
        .chain([longest_digit_run(&input.text), 20])
        .max()
        .unwrap_or(20);
    if longest_digit_run(message) > written {
        return fail(
            "bad message",
            format!("a refusal prints a number digit by digit: {message}"),
        );
    }
    Ok(Verdict::Refused(message.to_string()))
}

fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}
