//! `tests/fuzz_corpus/`: hand-made tricky scenarios and every input that
//! found a problem, each held to the same property on every run, with the
//! event log and time series recorded.

use reviewsim::model::Recording;

use super::harness::Input;
use super::tally::Tally;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_corpus");

#[test]
fn every_input_in_the_fuzz_corpus_is_refused_with_a_message_or_runs() {
    let mut paths: Vec<_> = std::fs::read_dir(CORPUS)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 5, "the corpus has {} files", paths.len());
    let mut tally = Tally::new("corpus");
    for (case, path) in paths.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let mut input = Input::new(&path.display().to_string(), text);
        input.recording = Recording {
            events: true,
            timeseries_every_days: Some(7),
        };
        tally.check(case as u64, input);
    }
    tally.finish();
}
