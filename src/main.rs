//! The `reviewsim` command line. Parses arguments, calls the library, prints.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use reviewsim::app::{self, RunRequest};
use reviewsim::scenario::Override;

/// Simulate government pre-release review of frontier AI models: release
/// timing for open-weights and API labs under a review window and a review
/// body of limited capacity.
#[derive(Debug, Parser)]
#[command(name = "reviewsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario and write CSV outcomes and a manifest.
    Run(RunArgs),
    /// Check a scenario and print what it would run.
    Validate(ScenarioArgs),
}

#[derive(Debug, Args)]
struct ScenarioArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Override a parameter, e.g. review.window_days=15 or
    /// labs.meta.participation.signed=true (repeatable; applied in order).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Output directory [default: out/<scenario file name>].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replications (overrides simulation.replications).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    replications: Option<u64>,
    /// Master seed (overrides simulation.seed).
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Worker threads [default: every core]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// Also write events.csv, one row per event.
    #[arg(long)]
    events: bool,
    /// Also write timeseries.csv (adopters and shares per segment and lab)
    /// and queue_timeseries.csv (queue per track), sampled every K days.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..=36500))]
    timeseries: Option<u32>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

impl ScenarioArgs {
    fn overrides(&self) -> anyhow::Result<Vec<Override>> {
        self.set
            .iter()
            .map(|arg| arg.parse::<Override>().map_err(anyhow::Error::from))
            .collect()
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Validate(args) => {
            let scenario = app::load(&args.scenario, &args.overrides()?)?;
            print_stdout(&app::describe(&scenario))
        }
        Command::Run(args) => run(args),
    }
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    let mut overrides = args.scenario.overrides()?;
    if let Some(replications) = args.replications {
        overrides.push(format!("simulation.replications={replications}").parse()?);
    }
    if let Some(seed) = args.seed {
        overrides.push(format!("simulation.seed={seed}").parse()?);
    }
    let out = args.out.unwrap_or_else(|| {
        let stem = args
            .scenario
            .scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "run".into());
        PathBuf::from("out").join(stem)
    });
    let request = RunRequest {
        scenario: args.scenario.scenario.clone(),
        overrides,
        out,
        threads: args.threads.map(|n| n as usize),
        events: args.events,
        timeseries_every_days: args.timeseries,
    };
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let mut progress = |done: u64, total: u64| {
        if show_progress {
            eprint!("\r{done}/{total} work units");
        }
    };
    let report = app::run(&request, &mut progress)?;
    if show_progress {
        eprintln!();
    }
    if !args.quiet {
        let mut text = format!(
            "{} work units in {:.2} s on {} thread(s); wrote\n",
            report.work_units, report.wall_time_seconds, report.threads
        );
        for file in &report.files {
            text.push_str(&format!("  {}\n", file.display()));
        }
        print_stdout(&text)?;
    }
    Ok(())
}

/// Prints to stdout; a closed pipe (`reviewsim validate x | head`) is not an
/// error.
fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
