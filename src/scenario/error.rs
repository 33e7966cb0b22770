//! What can be wrong with a scenario, said so that the user can fix it.

use std::fmt;

/// One refused value: where it is, what it was, what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Dotted parameter path, with ids for arrays of named tables
    /// (`labs.meta.lines.llama.cadence_days.cv`).
    pub path: String,
    /// The value as written.
    pub value: String,
    /// What is allowed instead.
    pub allowed: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}: {}", self.path, self.value, self.allowed)
    }
}

/// Everything that stops a scenario from running.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read the scenario file")]
    Read {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("{file}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// The parser's account, with line and column.
        message: String,
    },
    /// A `--set PATH=VALUE` that cannot be applied.
    #[error("--set {arg}: {message}")]
    Override {
        /// The argument as given.
        arg: String,
        /// Why it cannot be applied.
        message: String,
    },
    /// A key or a value of the wrong shape: unknown key, wrong type, missing
    /// key.
    #[error("{file}: {path}: {message}{}", set_by.as_ref().map(|arg| format!(" (set by --set {arg})")).unwrap_or_default())]
    Schema {
        /// The file.
        file: String,
        /// Dotted parameter path.
        path: String,
        /// What is wrong and what is expected.
        message: String,
        /// The `--set` argument that wrote this value, if one did.
        set_by: Option<String>,
    },
    /// Values of the right shape but out of range, or combinations that
    /// cannot hold. Every problem found is listed.
    #[error("{}", render_problems(file, problems))]
    Invalid {
        /// The file.
        file: String,
        /// Each refused value.
        problems: Vec<Problem>,
    },
}

fn render_problems(file: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("{file}: {problem}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub use super::numbers::{short_number, shown};

/// Rust's words in serde's messages, and the plain words that replace them.
const WORDS: [(&str, &str); 19] = [
    (
        "expected u32",
        "expected a whole number from 0 to 4294967295",
    ),
    ("expected u64", "expected a whole number >= 0"),
    ("expected usize", "expected a whole number >= 0"),
    ("expected i64", "expected a whole number"),
    ("expected f64", "expected a number"),
    ("expected a sequence", "expected a list such as [a, b]"),
    ("expected a borrowed string", "expected text in quotes"),
    ("expected a string", "expected text in quotes"),
    (
        "expected struct ParticipationSpec",
        "expected a table such as { signed = true }, { from = 2026-09-01 } or { signing = { ... } }",
    ),
    (
        "expected struct ThresholdSpec",
        "expected a table such as { within_months_of_frontier = 6 } or { min_capability = 12 }",
    ),
    (
        "expected struct RawParticipation",
        "expected a table such as { signed = true }, { from = 2026-09-01 } or { signing = { ... } }",
    ),
    (
        "expected struct RawThreshold",
        "expected a table such as { within_months_of_frontier = 6 } or { min_capability = 12 }",
    ),
    ("invalid type: map,", "wrong type: a table,"),
    ("invalid type: sequence,", "wrong type: a list,"),
    // A word of an enumeration given as something else: the
    // deserializer keeps neither the value nor the words.
    (
        "invalid type: unit variant, expected string only",
        "wrong type: expected a name in quotes",
    ),
    // A table where a date goes (dates are the only values read from
    // a table of one special field).
    (
        "expected field with custom name",
        "wrong type: a table, expected a date such as 2026-07-31",
    ),
    ("invalid type: ", "wrong type: "),
    ("floating point `", "the number `"),
    ("integer `", "the number `"),
];

/// A deserializer's message in the user's words: "a whole number >= 0", not
/// `u64`; "the number 1.5", not "floating point `1.5`".
pub fn plain_message(message: &str) -> String {
    let mut text = message.to_string();
    for (rust, plain) in WORDS {
        text = text.replace(rust, plain);
    }
    text = text.replace("string \"", "the text \"");
    // The tag of a distribution is the only variant identifier.
    text = text.replace(
        "expected variant identifier",
        &format!(
            "expected the name of a distribution in quotes ({})",
            super::dist::DistSpec::KINDS
        ),
    );
    // serde writes 1e300 as its three hundred digits.
    let mut from = 0;
    while let Some(found) = text[from..].find("the number `") {
        let start = from + found + "the number `".len();
        let Some(length) = text[start..].find('`') else {
            break;
        };
        let written = &text[start..start + length];
        let short = match written.parse::<f64>() {
            Ok(value) if written.len() > 12 => short_number(value),
            _ => written.to_string(),
        };
        text.replace_range(start..start + length, &short);
        from = start + short.len() + 1;
    }
    // Remaining struct names: `expected struct RawMarket` is a table.
    while let Some(start) = text.find("expected struct Raw") {
        let end = text[start..]
            .find(|c: char| !(c.is_alphanumeric() || c == ' '))
            .map_or(text.len(), |offset| start + offset);
        let name = text[start + "expected struct Raw".len()..end].trim();
        let plain = format!("expected a table ({name} settings)");
        text.replace_range(start..end, &plain);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::plain_message;

    #[test]
    fn long_numbers_are_shortened_and_short_ones_kept() {
        assert_eq!(super::short_number(1e300), "1e300");
        assert_eq!(super::short_number(2.6902e31), "2.69e31");
        assert_eq!(super::short_number(30.0), "30");
        assert_eq!(super::short_number(7.031234567891), "7.03");
        assert_eq!(super::short_number(1e-9), "0.000000001");
        assert_eq!(super::shown("100000000000000000000".into()), "1e20");
        assert_eq!(super::shown("\"thirty\"".into()), "\"thirty\"");
    }

    #[test]
    fn rust_type_names_become_plain_words() {
        assert_eq!(
            plain_message("invalid type: floating point `1.5`, expected u32"),
            "wrong type: the number `1.5`, expected a whole number from 0 to 4294967295"
        );
        assert_eq!(
            plain_message("invalid value: integer `-4`, expected u64"),
            "invalid value: the number `-4`, expected a whole number >= 0"
        );
        assert_eq!(
            plain_message("invalid type: string \"x\", expected f64"),
            "wrong type: the text \"x\", expected a number"
        );
        assert_eq!(
            plain_message("invalid type: sequence, expected f64"),
            "wrong type: a list, expected a number"
        );
        assert_eq!(
            plain_message("invalid type: map, expected a string"),
            "wrong type: a table, expected text in quotes"
        );
        assert_eq!(
            plain_message("invalid type: unit variant, expected string only"),
            "wrong type: expected a name in quotes"
        );
        assert!(
            plain_message("invalid type: integer `3`, expected variant identifier")
                .ends_with("expected the name of a distribution in quotes (constant, uniform, exponential, gamma, lognormal, triangular, dates)")
        );
        assert_eq!(
            plain_message(&format!(
                "invalid type: floating point `{:.1}`, expected u64",
                1e300
            )),
            "wrong type: the number `1e300`, expected a whole number >= 0"
        );
        assert_eq!(
            plain_message("invalid type: integer `3`, expected struct RawMarket"),
            "wrong type: the number `3`, expected a table (Market settings)"
        );
    }
}
