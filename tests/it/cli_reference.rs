//! `docs/cli.md` is generated from the clap definitions and must be
//! current: a change to an option that does not regenerate it fails here
//! (`REVIEWSIM_BLESS=1 cargo test --release --test it cli_reference`
//! writes it).

const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli.md");

#[test]
fn docs_cli_md_is_generated_from_the_current_options() {
    let generated = reviewsim::cli::reference();
    if std::env::var_os("REVIEWSIM_BLESS").is_some() {
        std::fs::write(REFERENCE, &generated).unwrap();
    }
    let written = std::fs::read_to_string(REFERENCE).unwrap_or_default();
    assert!(
        written == generated,
        "docs/cli.md is stale: regenerate it with \
         REVIEWSIM_BLESS=1 cargo test --release --test it cli_reference"
    );
}

#[test]
fn the_reference_has_every_subcommand_and_its_options() {
    let reference = reviewsim::cli::reference();
    for command in [
        "run",
        "validate",
        "params",
        "merge",
        "sensitivity",
        "fit",
        "backtest",
        "replay",
    ] {
        assert!(
            reference.contains(&format!("\n## reviewsim {command}\n")),
            "{command} is missing"
        );
    }
    for option in [
        "--replications <N>",
        "--precision <METRIC",
        "--as-of <DATE>",
    ] {
        assert!(reference.contains(option), "{option} is missing");
    }
    // Closed choices list their values.
    assert!(reference.contains("csv") && reference.contains("parquet"));
}
