//! Random character edits of the shipped scenario files, comments and
//! `extends` included: characters and lines deleted, duplicated, swapped or
//! moved, TOML punctuation and odd characters inserted, numbers replaced by
//! extreme ones. The parser and the validator may refuse, never panic; what
//! still validates runs.

use rand::RngExt;
use reviewsim::engine::StreamRng;

use super::harness::{Input, SCENARIOS, case_numbers, case_rng, cases};
use super::palette::NUMBERS;
use super::tally::Tally;

/// Generator number in the case seeds.
const GENERATOR: u64 = 3;

/// Edited files per two scenario variants.
const EDITS_PER_TWO_VARIANTS: u64 = 1;

/// What an edit may insert.
const INSERTS: [&str; 36] = [
    "=",
    "[",
    "]",
    "[[",
    "]]",
    "\"",
    "'",
    "{",
    "}",
    ",",
    ".",
    "#",
    "\n",
    "0",
    "9",
    "-",
    " ",
    "e",
    "\\",
    "\u{0}",
    "é",
    "\t",
    "\"\"\"",
    "'''",
    "nan",
    "inf",
    "1e309",
    "+",
    ":",
    "T",
    "Z",
    "2026-13-01",
    "\r\n",
    "\u{feff}",
    "\u{7f}",
    "𝕏",
];

/// The shipped files: path and text.
fn files() -> Vec<(String, String)> {
    let mut paths: Vec<_> = std::fs::read_dir(SCENARIOS)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path.display().to_string(), text)
        })
        .collect()
}

/// One random edit.
fn edit(rng: &mut StreamRng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let at = |rng: &mut StreamRng, len: usize| rng.random_range(0..=len);
    match rng.random_range(0..9) {
        0 => {
            let start = at(rng, chars.len());
            let end = (start + rng.random_range(1..=20)).min(chars.len());
            chars.drain(start..end);
        }
        1 => {
            let start = at(rng, chars.len());
            let end = (start + rng.random_range(1..=40)).min(chars.len());
            let copy: Vec<char> = chars[start..end].to_vec();
            chars.splice(end..end, copy);
        }
        2 if !chars.is_empty() => {
            let (i, j) = (
                rng.random_range(0..chars.len()),
                rng.random_range(0..chars.len()),
            );
            chars.swap(i, j);
        }
        3 => {
            let insert = INSERTS[rng.random_range(0..INSERTS.len())];
            let position = at(rng, chars.len());
            chars.splice(position..position, insert.chars());
        }
        4 if !lines.is_empty() => {
            lines.remove(rng.random_range(0..lines.len()));
            return lines.concat();
        }
        5 if !lines.is_empty() => {
            let line = lines[rng.random_range(0..lines.len())];
            lines.insert(at(rng, lines.len()), line);
            return lines.concat();
        }
        6 if !lines.is_empty() => {
            let (i, j) = (
                rng.random_range(0..lines.len()),
                rng.random_range(0..lines.len()),
            );
            lines.swap(i, j);
            return lines.concat();
        }
        7 => return replace_number(rng, text),
        _ if !lines.is_empty() => {
            let line = lines.remove(rng.random_range(0..lines.len()));
            lines.insert(at(rng, lines.len()), line);
            return lines.concat();
        }
        _ => {}
    }
    chars.into_iter().collect()
}

/// Replaces a run of digits with an extreme number.
fn replace_number(rng: &mut StreamRng, text: &str) -> String {
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| c.is_ascii_digit() && !text[..i].ends_with(|p: char| p.is_ascii_digit()))
        .map(|(i, _)| i)
        .collect();
    if starts.is_empty() {
        return text.to_string();
    }
    let start = starts[rng.random_range(0..starts.len())];
    let end = text[start..]
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e'))
        .map_or(text.len(), |n| start + n);
    let number = NUMBERS[rng.random_range(0..NUMBERS.len())];
    format!("{}{number}{}", &text[..start], &text[end..])
}

#[test]
fn shipped_files_with_random_character_edits_are_refused_or_run() {
    let files = files();
    let mut tally = Tally::new("parser");
    for case in case_numbers(cases().div_ceil(2) * EDITS_PER_TWO_VARIANTS) {
        let rng = &mut case_rng(GENERATOR, case);
        let (file, text) = &files[rng.random_range(0..files.len())];
        let mut text = text.clone();
        for _ in 0..[1, 1, 1, 2, 2, 3, 5, 8][rng.random_range(0..8)] {
            text = edit(rng, &text);
        }
        if !tally.check(case, Input::new(file, text)) {
            break;
        }
    }
    tally.finish();
}
