//! The `reviewsim` command line: its arguments (from which `docs/cli.md` is
//! generated), and what each subcommand calls and prints. The binary is
//! [`main`] and nothing else.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::app::{self, RunRequest, ScenarioSource};
use crate::experiment::Method;
use crate::output::{Format, Outputs};
use crate::progress::{PlainProgress, ProgressMode};
use crate::runner::{RunError, Stop};
use crate::scenario::Override;
use crate::shard::Shard;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

/// Simulate government pre-release review of frontier AI models: release
/// timing for open-weights and API labs under a review window and a review
/// body of limited capacity.
#[derive(Debug, Parser)]
#[command(name = "reviewsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The command line as given, for the manifest.
    #[arg(skip)]
    words: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario and write CSV outcomes and a manifest.
    Run(RunArgs),
    /// Compare policies: the scenario as written against other scenario
    /// files (as the values where they differ) or arms (named --set
    /// values), every arm on the same random numbers, so that each
    /// difference is paired. Prints, per lab and for the system,
    /// the mean difference of the headline metrics from the scenario as
    /// written with its 95% interval; writes compare.csv (every metric),
    /// summary.csv and points.csv like a sweep.
    Compare(CompareArgs),
    /// Check a scenario and its sweep and print what it would run.
    Validate(ValidateArgs),
    /// List every parameter path with its value, unit, plausible range,
    /// source and meaning: the menu for --set, [sweep] and sensitivity.
    /// Without a scenario, list the declarations (MODEL.md's table).
    Params(ParamsArgs),
    /// Combine the output directories of `run --shard K/N` into exactly what
    /// one unsharded run would have written.
    Merge(MergeArgs),
    /// Rank the assumptions the outputs depend on: Sobol' indices or Morris
    /// elementary effects over the parameters' plausible ranges, written to
    /// sensitivity.csv with the summary of every design point.
    Sensitivity(Box<SensitivityArgs>),
    /// Fit release cadences to a release history by maximum likelihood
    /// (the interval since each line's last release right-censored at
    /// --as-of): exponential, gamma and log-normal compared by AIC, with
    /// 95% intervals, per line and pooled per access mode; optionally a
    /// scenario fragment of the fits and a tidy CSV.
    Fit(FitArgs),
    /// Run a scenario set up with what was known at its start (cadences
    /// fitted before it, a market calibrated to its shares) and compare it
    /// with what happened: each lab's observed flagship releases against
    /// the simulated 90% prediction interval, and each observed market
    /// share after the start against the simulated one; writes
    /// backtest.csv.
    Backtest(ObservedArgs),
    /// Replay observed releases (a scenario whose lines have `dates`
    /// cadences) through its review program as if it had been in force:
    /// per release, the replayed release date, days in queue, in review and
    /// after it, and how the review ended; per lab, the totals. Writes
    /// replay_releases.csv and replay_labs.csv.
    Replay(ObservedArgs),
    /// Write OUT/report.html from what a run, compare, sensitivity study or
    /// merge wrote to OUT: one self-contained page (inline SVG charts, no
    /// script, nothing fetched) with the provenance, the headline table,
    /// fan charts of shares over time (with --timeseries), delays per lab,
    /// the differences between arms with their intervals, and the
    /// sensitivity ranking.
    Report(ReportArgs),
    /// Scenario discovery: where in the parameter space of a finished sweep
    /// or study (its points and summary tables) a condition on a point's
    /// mean holds, found by PRIM (peeling, then pasting, as EMA Workbench
    /// does). Prints the box in words with each limit's quasi-p-value, and
    /// writes discover_trajectory.csv and discover_box.csv beside the
    /// run's tables.
    Discover(DiscoverArgs),
    /// The options of a finished robustness study ranked by their regret
    /// over the worlds, per output judged (as `run` prints them); with
    /// --satisfy, the share of worlds in which each option meets the
    /// thresholds, also written to satisficing.csv.
    Robustness(RobustnessArgs),
}

#[derive(Debug, Args)]
struct RobustnessArgs {
    /// The output directory of a finished robustness study (its --out).
    #[arg(value_name = "OUT")]
    dir: PathBuf,
    /// A threshold an option should meet in a world: METRIC[:LAB] OP NUMBER
    /// with OP one of > >= < <=, on the world's mean (LAB defaults to all),
    /// e.g. 'hazardous_unreviewed_open_weights <= 2'. Repeat for several;
    /// the output must be one the study judges or keeps.
    #[arg(long = "satisfy", value_name = "CONDITION")]
    conditions: Vec<app::Condition>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct DiscoverArgs {
    /// The output directory of a finished sweep or study (its --out).
    #[arg(value_name = "OUT")]
    dir: PathBuf,
    /// The condition: METRIC[:LAB] OP NUMBER with OP one of > >= < <=, on
    /// each point's mean (LAB defaults to all, for system metrics), e.g.
    /// 'hazardous_unreviewed_releases:meta > 1'.
    #[arg(long = "where", value_name = "CONDITION")]
    condition: app::Condition,
    /// In a robustness study, only the worlds of this option (its name):
    /// where in the uncertainties the condition holds under it.
    #[arg(long, value_name = "NAME")]
    option: Option<String>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// The output directory of a finished run (its --out).
    #[arg(value_name = "OUT")]
    dir: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct ObservedArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// The release history (names the replayed releases; the backtest
    /// counts them).
    #[arg(long, value_name = "CSV", default_value = "data/releases.csv")]
    releases: PathBuf,
    /// The observed market shares the backtest compares with.
    #[arg(long, value_name = "CSV", default_value = "data/market_targets.csv")]
    targets: PathBuf,
    #[command(flatten)]
    options: RunOptions,
}

impl ObservedArgs {
    fn request(&self) -> anyhow::Result<app::ObservedRequest> {
        Ok(app::ObservedRequest {
            scenario: self.options.source(&self.scenario)?,
            releases: self.releases.clone(),
            targets: self.targets.clone(),
            out: self.options.out(&self.scenario),
            threads: self.options.threads(),
        })
    }
}

/// What every command that runs replications takes.
#[derive(Debug, Args)]
struct RunOptions {
    /// Output directory [default: out/<scenario file name>].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replications (overrides simulation.replications).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    replications: Option<u64>,
    /// Master seed (overrides simulation.seed).
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Threads that simulate [default: every core]; the tables are
    /// formatted and written beside them, on threads of their own. Results
    /// do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

impl RunOptions {
    /// The scenario with the `--set` overrides and these typed settings.
    fn source(&self, scenario: &ScenarioArgs) -> anyhow::Result<ScenarioSource> {
        Ok(ScenarioSource {
            file: scenario.scenario.clone(),
            overrides: scenario.overrides()?,
            replications: self.replications,
            seed: self.seed,
        })
    }

    fn out(&self, scenario: &ScenarioArgs) -> PathBuf {
        (self.out.clone()).unwrap_or_else(|| default_out(&scenario.scenario))
    }

    fn threads(&self) -> Option<usize> {
        self.threads.map(|n| n as usize)
    }
}

/// `out/<scenario file name>`.
fn default_out(scenario: &std::path::Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    PathBuf::from("out").join(stem)
}

/// Prints a report of `backtest` or `replay` and the files it wrote.
fn print_observed(
    out: &mut dyn Write,
    report: &app::ObservedReport,
    quiet: bool,
) -> anyhow::Result<()> {
    if quiet {
        return Ok(());
    }
    let mut text = report.text.clone();
    text.push_str("wrote\n");
    for file in &report.files {
        text.push_str(&format!("  {}\n", file.display()));
    }
    print(out, &text)
}

#[derive(Debug, Args)]
struct FitArgs {
    /// The release history, a CSV with the header
    /// lab,line,model,access,date,date_precision,flagship,status,source,note.
    releases: PathBuf,
    /// The censoring date (YYYY-MM-DD): releases from this day on are left
    /// out, and each line's interval since its last release is censored
    /// here.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: chrono::NaiveDate,
    /// The scenario to fit for: the fragment lists its labs and lines, in
    /// its order.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Write a scenario fragment (TOML) for `extends`: each line's fitted
    /// cadence_days, and a [fitted] table of the 95% intervals.
    #[arg(long, value_name = "PATH")]
    fragment: Option<PathBuf>,
    /// Write the fits as a tidy CSV, one row per line (or pool), family and
    /// parameter, with columns scope, lab, line, access, lines, releases,
    /// first_release, last_release, complete_intervals, censored_days,
    /// family, status, parameter, estimate, low_95, high_95, cutoff,
    /// log_likelihood, aic, delta_aic, best.
    #[arg(long, value_name = "PATH")]
    table: Option<PathBuf>,
    /// The family the fragment uses: best (the lowest AIC), exponential,
    /// gamma or lognormal.
    #[arg(long, value_name = "FAMILY", value_enum, default_value_t = FamilyChoice::Best)]
    dist: FamilyChoice,
    /// In the fragment, give a line too short to fit the pooled fit of its
    /// access mode.
    #[arg(long)]
    pool: bool,
    /// With --pool: the complete intervals a line needs of its own for the
    /// fragment to use its own fit, not the pool's.
    #[arg(long, value_name = "N", default_value_t = crate::fit::MIN_COMPLETE_INTERVALS as u64,
          value_parser = clap::value_parser!(u64).range(2..1000))]
    min_intervals: u64,
    /// Count every release, not only flagship ones (releases of a line on
    /// one day count once).
    #[arg(long)]
    all_models: bool,
    /// Master seed of the bootstrap's random streams.
    #[arg(long, value_name = "N", default_value_t = crate::fit::DEFAULT_SEED)]
    seed: u64,
    /// Bootstrap histories per fit that calibrate the intervals' cut-off;
    /// 0 takes chi-squared(1)'s 3.84 instead (faster, too narrow for short
    /// histories).
    #[arg(long, value_name = "N", default_value_t = crate::fit::DEFAULT_REPLICATES,
          value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    bootstrap: u64,
}

/// The family a fit's fragment uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FamilyChoice {
    /// The lowest AIC.
    Best,
    /// Exponential.
    Exponential,
    /// Gamma.
    Gamma,
    /// Log-normal.
    Lognormal,
}

impl FamilyChoice {
    fn family(self) -> Option<crate::fit::Family> {
        use crate::fit::Family;
        match self {
            FamilyChoice::Best => None,
            FamilyChoice::Exponential => Some(Family::Exponential),
            FamilyChoice::Gamma => Some(Family::Gamma),
            FamilyChoice::Lognormal => Some(Family::Lognormal),
        }
    }
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date written YYYY-MM-DD"))
}

#[derive(Debug, Args)]
struct SensitivityArgs {
    #[command(flatten)]
    run: RunArgs,
    /// sobol (first- and total-order indices) or morris (elementary
    /// effects: cheaper screening).
    #[arg(long, value_name = "METHOD", value_enum, default_value_t = StudyMethod::Sobol)]
    method: StudyMethod,
    /// Sobol': N, the base rows, a power of two (N (k + 2) points for k
    /// parameters) [default: 64]. Morris: the trajectories (k + 1 points
    /// each) [default: 20].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    samples: Option<u64>,
    /// Morris: the grid's levels (even) [default: 4].
    #[arg(long, value_name = "P", value_parser = clap::value_parser!(u64).range(2..=1000))]
    levels: Option<u64>,
    /// Sobol': also second-order indices (N (2k + 2) points).
    #[arg(long)]
    second_order: bool,
    /// Parameters to vary over their plausible ranges, comma-separated
    /// paths; * stands for one name (market.segments.*.capability_weight)
    /// [default: every assumption with a plausible range].
    #[arg(long, value_name = "PATH,...", value_delimiter = ',')]
    parameters: Vec<String>,
    /// Move parameters together as one group with one index:
    /// NAME=PATH,PATH (patterns as in --parameters; repeatable).
    #[arg(long, value_name = "NAME=PATH,...", value_parser = parse_group)]
    group: Vec<(String, Vec<String>)>,
    /// Outputs to analyse, comma-separated: METRIC (every lab and all) or
    /// METRIC:LAB [default: every metric; the headline metrics are printed].
    #[arg(long, value_name = "METRIC[:LAB],...", value_delimiter = ',')]
    metrics: Vec<String>,
    /// Analyse what changing a parameter does, rather than the outputs'
    /// levels: PATH=FROM,TO runs every design point at FROM and at TO and
    /// ranks what the difference (TO minus FROM) depends on, as in
    /// review.window_days=0,30.
    #[arg(long, value_name = "PATH=FROM,TO", value_parser = parse_contrast)]
    contrast: Option<crate::experiment::RawContrast>,
    /// Parameters printed per output.
    #[arg(long, value_name = "K", default_value = "3")]
    top: usize,
}

/// How a sensitivity study samples and what it ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StudyMethod {
    /// First- and total-order Sobol' indices.
    Sobol,
    /// Morris elementary effects.
    Morris,
}

impl From<StudyMethod> for Method {
    fn from(method: StudyMethod) -> Method {
        match method {
            StudyMethod::Sobol => Method::Sobol,
            StudyMethod::Morris => Method::Morris,
        }
    }
}

fn parse_contrast(text: &str) -> Result<crate::experiment::RawContrast, String> {
    let usage = || format!("`{text}`: write PATH=FROM,TO, such as review.window_days=0,30");
    let (path, ends) = text.split_once('=').ok_or_else(usage)?;
    let (from, to) = ends.split_once(',').ok_or_else(usage)?;
    if path.trim().is_empty() || from.trim().is_empty() || to.trim().is_empty() {
        return Err(usage());
    }
    Ok(crate::experiment::RawContrast {
        path: path.trim().to_string(),
        from: crate::scenario::parse_value(from.trim()),
        to: crate::scenario::parse_value(to.trim()),
    })
}

fn parse_group(text: &str) -> Result<(String, Vec<String>), String> {
    let (name, patterns) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: write NAME=PATH,PATH"))?;
    let patterns: Vec<String> = (patterns.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    if name.trim().is_empty() || patterns.is_empty() {
        return Err(format!("`{text}`: write NAME=PATH,PATH"));
    }
    Ok((name.trim().to_string(), patterns))
}

#[derive(Debug, Args)]
struct ParamsArgs {
    /// The scenario file (TOML); without it, every declared parameter.
    scenario: Option<PathBuf>,
    /// Override a parameter (repeatable; applied in order).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// text (aligned columns), markdown (a table) or csv.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

/// How `params` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    /// Aligned columns.
    Text,
    /// A Markdown table.
    Markdown,
    /// CSV.
    Csv,
}

#[derive(Debug, Args)]
struct CompareArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Other scenario files to compare with the first, each an arm named by
    /// its file: it must have the same labs, lines, tracks and segments and
    /// set the same parameters; the arm is the values where it differs.
    #[arg(value_name = "OTHER")]
    others: Vec<PathBuf>,
    /// An alternative to the scenario as written: a name, then the values
    /// it sets, as --set takes them (repeatable: one arm each), such as
    /// signed:labs.meta.participation.signed=true or
    /// hold15:review.on_expiry=hold,review.window_days=15.
    #[arg(long = "arm", value_name = "NAME:PATH=VALUE[,PATH=VALUE...]")]
    arms: Vec<app::Arm>,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    #[command(flatten)]
    precision: PrecisionArgs,
    /// Accept sweeps beyond the limits on points and work units.
    #[arg(long)]
    allow_large: bool,
    /// Replications (overrides simulation.replications), as run takes it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    replications: Option<u64>,
    /// Master seed (overrides simulation.seed), as run takes it.
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Check as for a run that writes events.csv: the event log's limit
    /// applies.
    #[arg(long)]
    events: bool,
    /// Check as for a run with time series every K days.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..=36500))]
    timeseries: Option<u32>,
    /// Accepted as run takes it; validating runs nothing.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// Print nothing but errors: the exit code says whether it is valid.
    #[arg(long, short)]
    quiet: bool,
}

/// A run to a precision: `run` runs it, `validate` describes it.
#[derive(Debug, Args)]
struct PrecisionArgs {
    /// Run replications in batches of the scenario's replications until
    /// the 95% confidence interval of METRIC (of LAB, of all for a system
    /// metric, or of every lab) has at most this half-width at every point,
    /// in the metric's unit or in % of its mean (repeatable; all must hold).
    #[arg(long, value_name = "METRIC[:LAB]=HALFWIDTH[%]", value_parser = parse_target)]
    precision: Vec<app::Target>,
    /// With --precision: stop here even when a target is not met.
    #[arg(long, value_name = "N", default_value_t = app::DEFAULT_MAX_REPLICATIONS,
          value_parser = clap::value_parser!(u64).range(2..))]
    max_replications: u64,
}

impl PrecisionArgs {
    /// The rule, when one is given.
    fn rule(&self) -> Option<app::Precision> {
        (!self.precision.is_empty()).then(|| app::Precision {
            targets: self.precision.clone(),
            max_replications: self.max_replications,
        })
    }
}

#[derive(Debug, Args)]
struct MergeArgs {
    /// The shard output directories (every shard of one run, any order).
    #[arg(required = true, value_name = "DIR")]
    shards: Vec<PathBuf>,
    /// Where to write the merged files.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace the results of an earlier run in --out (they are removed
    /// only once the merge has succeeded).
    #[arg(long)]
    replace: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
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
    /// The command line as given, for the manifest.
    #[arg(skip)]
    words: Vec<String>,
    #[command(flatten)]
    scenario: ScenarioArgs,
    #[command(flatten)]
    options: RunOptions,
    /// Also write events.csv, one row per event.
    #[arg(long)]
    events: bool,
    /// Also write every time series (timeseries.csv: adopters and shares
    /// per segment and lab; queue_timeseries.csv: queue per track;
    /// pressure_timeseries.csv: pressure and escalation per lab), sampled
    /// every K days.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..=36500))]
    timeseries: Option<u32>,
    /// Files to write, comma-separated, by name: lab_outcomes,
    /// system_outcomes, events, each time series, points, summary, compare,
    /// sensitivity (an unknown name lists them all)
    /// [default: all but events and time series; points and compare with a
    /// sweep]. `--outputs summary` writes only aggregates.
    #[arg(long, value_name = "LIST", value_parser = parse_outputs)]
    outputs: Option<Outputs>,
    /// File format of the tables: csv, or parquet (typed columns, zstd;
    /// smaller and faster to read). datapackage.json describes either.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Run only shard K of N (numbered from 0): a contiguous slice of the
    /// replications of every point. Combine shards with `reviewsim merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Accept sweeps beyond the limits on points (10,000) and work units
    /// (10 million), replications beyond 100,000 models and event logs
    /// beyond 10 million events per replication.
    #[arg(long)]
    allow_large: bool,
    /// Replace the results of an earlier run in --out (they are removed
    /// only once this run has succeeded).
    #[arg(long)]
    replace: bool,
    /// How to show progress on stderr: auto (a bar on a terminal, plain
    /// lines otherwise, as in Slurm and Kubernetes logs), bar, plain or none.
    #[arg(long, value_name = "MODE", value_enum, default_value_t = ProgressMode::Auto)]
    progress: ProgressMode,
    /// Seconds between plain progress lines.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    progress_every: f64,
    #[command(flatten)]
    precision: PrecisionArgs,
}

fn parse_target(text: &str) -> Result<app::Target, String> {
    text.parse()
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if (0.01..=86_400.0).contains(&seconds) => Ok(seconds),
        _ => Err(format!(
            "`{text}` is not a number of seconds from 0.01 to 86400"
        )),
    }
}

fn parse_outputs(text: &str) -> Result<Outputs, String> {
    text.parse()
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    text.parse()
}

impl ScenarioArgs {
    fn overrides(&self) -> anyhow::Result<Vec<Override>> {
        overrides(&self.set)
    }
}

/// The `--set` arguments, read.
fn overrides(set: &[String]) -> anyhow::Result<Vec<Override>> {
    set.iter()
        .map(|arg| arg.parse::<Override>().map_err(anyhow::Error::from))
        .collect()
}

/// The `reviewsim` binary: parses the command line (clap prints help and
/// refuses bad usage with exit code 2), runs the command, prints to stdout.
///
/// Exit codes: 0 success, 1 bad input or a failed run, 2 bad command-line
/// usage (clap), 128 + the signal's number when SIGINT (130) or SIGTERM
/// (143) stopped a run or a merge.
pub fn main() -> ExitCode {
    let words: Vec<OsString> = std::env::args_os().collect();
    let cli = Cli::parse_from(&words).given(&words);
    fail_writes_past_the_file_size_limit();
    let stdout = &mut StdoutUnlessClosed;
    match cli.dispatch(stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match interrupted_by(&err) {
            Some(signal) => {
                eprintln!(
                    "error: stopped by {}: nothing was written; the output directory is as it was",
                    signal_name(signal)
                );
                ExitCode::from(128 + signal as u8)
            }
            None => {
                eprintln!("error: {err:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Runs a command line (its first word is the program's name) and writes
/// what it prints to `out`: the binary without its process, for tests.
pub fn execute<I, T>(args: I, out: &mut dyn Write) -> anyhow::Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let words: Vec<OsString> = args.into_iter().map(Into::into).collect();
    Cli::try_parse_from(&words)?.given(&words).dispatch(out)
}

/// The signal that stopped a run, if one did.
fn interrupted_by(err: &anyhow::Error) -> Option<usize> {
    err.chain().find_map(|cause| {
        if let Some(err) = cause.downcast_ref::<app::AppError>() {
            err.interrupted_by()
        } else if let Some(err) = cause.downcast_ref::<app::MergeError>() {
            err.interrupted_by()
        } else {
            cause.downcast_ref::<RunError>()?.interrupted_by()
        }
    })
}

fn signal_name(signal: usize) -> &'static str {
    match signal as i32 {
        SIGINT => "SIGINT (Ctrl-C)",
        SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// A write past the file size limit (`ulimit -f`, a cluster's job limits)
/// raises SIGXFSZ, which kills the process and leaves its partial files;
/// handled, the write fails instead ("File too large") and the run stops
/// like any failed write: an error naming the directory, nothing left.
fn fail_writes_past_the_file_size_limit() {
    #[cfg(unix)]
    let _ = flag::register(
        signal_hook::consts::SIGXFSZ,
        Arc::new(AtomicBool::new(false)),
    );
}

/// Turns SIGINT and SIGTERM into a request to stop between work units, so
/// that an interrupted run removes its partial files and leaves the output
/// directory as it was. A second signal exits at once.
fn stop_on_signals() -> anyhow::Result<Stop> {
    let stop = Stop::new();
    let again = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM] {
        flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&again))?;
        flag::register(signal, Arc::clone(&again))?;
        flag::register_usize(signal, stop.flag(), signal as usize)?;
    }
    Ok(stop)
}

impl Cli {
    /// Keeps the command line it was parsed from (the program named
    /// `reviewsim`), to be recorded in the manifest of what it writes.
    fn given(mut self, words: &[OsString]) -> Self {
        self.words = std::iter::once("reviewsim".to_string())
            .chain(
                words
                    .iter()
                    .skip(1)
                    .map(|w| w.to_string_lossy().into_owned()),
            )
            .collect();
        self
    }

    /// Runs the command, printing to `out`.
    pub fn dispatch(mut self, out: &mut dyn Write) -> anyhow::Result<()> {
        match &mut self.command {
            Command::Run(args) => args.words = self.words.clone(),
            Command::Compare(args) => args.run.words = self.words.clone(),
            Command::Sensitivity(args) => args.run.words = self.words.clone(),
            _ => {}
        }
        match self.command {
            Command::Validate(args) => validate(out, &args),
            Command::Params(args) => print(out, &params(&args)?),
            Command::Merge(args) => merge(out, &args),
            Command::Run(args) => run(out, &args, Job::Run).map(|_| ()),
            Command::Compare(args) => compare(out, &args),
            Command::Sensitivity(args) => sensitivity(out, &args),
            Command::Fit(args) => fit(out, &args),
            Command::Backtest(args) => {
                let report = app::backtest(&args.request()?)?;
                print_observed(out, &report, args.options.quiet)
            }
            Command::Replay(args) => {
                let report = app::replay(&args.request()?)?;
                print_observed(out, &report, args.options.quiet)
            }
            Command::Report(args) => report(out, &args),
            Command::Discover(args) => {
                let found = app::discover(&args.dir, &args.condition, args.option.as_deref())?;
                match args.quiet {
                    true => Ok(()),
                    false => print(out, &found.text),
                }
            }
            Command::Robustness(args) => {
                let found = app::robustness(&args.dir, &args.conditions)?;
                match args.quiet {
                    true => Ok(()),
                    false => print(out, &found.text),
                }
            }
        }
    }
}

/// `validate`: what the scenario and its sweep would run.
fn validate(out: &mut dyn Write, args: &ValidateArgs) -> anyhow::Result<()> {
    let source = ScenarioSource {
        file: args.scenario.scenario.clone(),
        overrides: args.scenario.overrides()?,
        replications: args.replications,
        seed: args.seed,
    };
    let experiment = app::validate(&source, args.allow_large, args.events)?;
    let mut text = app::describe(&experiment);
    if let Some(precision) = args.precision.rule() {
        text.push_str(&app::describe_rule(&experiment, &precision)?);
    }
    if let Some(every) = args.timeseries {
        text.push_str(&format!("time series every {every} days\n"));
    }
    match args.quiet {
        true => Ok(()),
        false => print(out, &text),
    }
}

/// `report`: the page written, and where.
fn report(out: &mut dyn Write, args: &ReportArgs) -> anyhow::Result<()> {
    let written = crate::report::write(&args.dir)?;
    if !args.quiet {
        print(
            out,
            &format!(
                "wrote {} ({} charts; open it in a browser)\n",
                written.path.display(),
                written.charts.len()
            ),
        )?;
    }
    Ok(())
}

/// `merge`: the shards joined, and the files written.
fn merge(out: &mut dyn Write, args: &MergeArgs) -> anyhow::Result<()> {
    let stop = stop_on_signals()?;
    let report = app::merge(&args.shards, &args.out, args.replace, &stop)?;
    if !args.quiet {
        let mut text = format!("merged {} shards; wrote\n", report.shards);
        for file in &report.files {
            text.push_str(&format!("  {}\n", file.display()));
        }
        print(out, &text)?;
    }
    Ok(())
}

/// `fit`: the fits printed, and written where asked.
fn fit(out: &mut dyn Write, args: &FitArgs) -> anyhow::Result<()> {
    use crate::fit::{self, Cutoff, Selection};
    use anyhow::Context;
    let request = fit::FitRequest {
        releases: args.releases.clone(),
        as_of: args.as_of,
        scenario: args.scenario.clone(),
        family: args.dist.family(),
        pool: args.pool,
        min_own_intervals: args.min_intervals as usize,
        selection: if args.all_models {
            Selection::AllModels
        } else {
            Selection::Flagship
        },
        cutoff: match args.bootstrap {
            0 => Cutoff::ChiSquared,
            replicates => Cutoff::Bootstrap {
                replicates,
                seed: args.seed,
            },
        },
    };
    let report = fit::run(&request)?;
    let mut text = fit::render_text(&report);
    // The table and the fragment are written whole beside their places and
    // renamed into them together: a failure leaves neither, nor a part.
    let mut files: Vec<(&PathBuf, &str, Vec<u8>)> = Vec::new();
    if let Some(path) = &args.table {
        let mut table = Vec::new();
        fit::write_table(&report, &mut table)
            .with_context(|| format!("{}: cannot write the table", path.display()))?;
        files.push((path, "table", table));
    }
    if let Some(path) = &args.fragment {
        files.push((path, "fragment", fit::render_fragment(&report).into_bytes()));
    }
    let whole: Vec<(&std::path::Path, &[u8])> = (files.iter())
        .map(|(path, _, bytes)| (path.as_path(), bytes.as_slice()))
        .collect();
    crate::output::write_all_whole(&whole).map_err(|(index, error)| {
        let (path, what, _) = &files[index];
        anyhow::Error::new(error).context(format!("{}: cannot write the {what}", path.display()))
    })?;
    for (path, _, _) in &files {
        text.push_str(&format!("wrote {}\n", path.display()));
    }
    print(out, &text)
}

/// `sensitivity`: a run of the study's sweep, then its ranking.
fn sensitivity(out: &mut dyn Write, args: &SensitivityArgs) -> anyhow::Result<()> {
    let study = app::SensitivityRequest {
        method: Some(args.method.into()),
        samples: args.samples,
        levels: args.levels,
        second_order: args.second_order,
        parameters: args.parameters.clone(),
        groups: args.group.clone(),
        metrics: args.metrics.clone(),
        contrast: args.contrast.clone(),
    };
    let report = run(out, &args.run, Job::Sensitivity(&study))?;
    if !args.run.options.quiet && !report.sensitivity.is_empty() {
        let ranked = app::ranked_text(&report.sensitivity, &args.metrics, args.top);
        print(
            out,
            if ranked.is_empty() {
                "no parameter moves the headline outputs (every index is 0 or undefined); \
                 sensitivity.csv has every output\n"
            } else {
                &ranked
            },
        )?;
    }
    Ok(())
}

/// The `params` listing, of a scenario or of the declarations.
fn params(args: &ParamsArgs) -> anyhow::Result<String> {
    use crate::params::{
        catalogue, list, render_catalogue, render_csv, render_markdown, render_table,
    };
    let entries = catalogue();
    let Some(scenario) = &args.scenario else {
        return Ok(match args.format {
            ListFormat::Markdown => render_markdown(&entries),
            ListFormat::Csv => render_csv(None, &entries),
            ListFormat::Text => render_catalogue(&entries),
        });
    };
    let source = ScenarioSource {
        file: scenario.clone(),
        overrides: overrides(&args.set)?,
        ..ScenarioSource::default()
    };
    let experiment = app::load_experiment(&source, true)?;
    let params = list(experiment.base.resolved());
    Ok(match args.format {
        ListFormat::Csv => render_csv(Some(&params), &entries),
        ListFormat::Markdown => {
            let entries: Vec<_> = params
                .iter()
                .map(|p| {
                    let mut entry = p.entry.clone();
                    entry.generic = p.path.clone();
                    entry.default = p.value.clone();
                    entry
                })
                .collect();
            render_markdown(&entries)
        }
        ListFormat::Text => render_table(&params),
    })
}

/// The run that the command line asks for.
fn run_request(args: &RunArgs) -> anyhow::Result<RunRequest> {
    Ok(RunRequest {
        command: args.words.clone(),
        scenario: args.options.source(&args.scenario)?,
        out: args.options.out(&args.scenario),
        threads: args.options.threads(),
        events: args.events,
        timeseries_every_days: args.timeseries,
        outputs: args.outputs.clone(),
        format: args.format,
        shard: args.shard,
        allow_large: args.allow_large,
        replace: args.replace,
        stop: stop_on_signals()?,
        precision: args.precision.rule(),
    })
}

/// Runs of at most this many points print every point's headline means.
const HEADLINE_POINTS: usize = 5;

/// What a run runs: the scenario, a study of it, or arms against it.
#[derive(Clone, Copy)]
enum Job<'a> {
    Run,
    Sensitivity(&'a app::SensitivityRequest),
    Compare(&'a [app::Arm], &'a [PathBuf]),
}

/// `compare`: the arms run, then their differences from the scenario as
/// written.
fn compare(out: &mut dyn Write, args: &CompareArgs) -> anyhow::Result<()> {
    let report = run(out, &args.run, Job::Compare(&args.arms, &args.others))?;
    if !args.run.options.quiet {
        print(
            out,
            &app::differences_text(&report.differences, &report.point_names),
        )?;
    }
    Ok(())
}

/// `run`, `sensitivity` or `compare`: progress on stderr, then what was
/// written.
fn run(out: &mut dyn Write, args: &RunArgs, job: Job<'_>) -> anyhow::Result<app::RunReport> {
    let mut request = run_request(args)?;
    if matches!(job, Job::Sensitivity(_)) && args.options.replications.is_none() {
        // Ten replications per design point unless told: the noise they
        // leave is measured and reported.
        request.scenario.replications = Some(10);
    }
    let quiet = args.options.quiet;
    let mode = match (quiet, args.progress) {
        (true, _) => ProgressMode::None,
        (false, ProgressMode::Auto) if std::io::stderr().is_terminal() => ProgressMode::Bar,
        (false, ProgressMode::Auto) => ProgressMode::Plain,
        (false, mode) => mode,
    };
    let mut progress = Progress::start(mode, args.progress_every);
    let mut update = |done, total| progress.update(done, total);
    let report = match job {
        Job::Run => app::run(&request, &mut update),
        Job::Sensitivity(study) => app::sensitivity(&request, study, &mut update),
        Job::Compare(arms, files) => app::compare(&request, arms, files, &mut update),
    };
    progress.finish();
    let report = report?;
    if !quiet {
        // The means of a few points; a comparison shows its baseline's.
        let shown = match job {
            Job::Compare(..) => 1,
            _ => HEADLINE_POINTS,
        };
        if report.point_names.len() <= HEADLINE_POINTS {
            let estimates: Vec<_> = (report.estimates.iter())
                .filter(|e| e.point < shown)
                .cloned()
                .collect();
            print(out, &app::headline_text(&estimates, &report.point_names))?;
        }
        if let Some(precision) = &report.precision {
            print(out, &precision_text(precision))?;
        }
        if !report.robustness.is_empty() {
            print(out, &app::robustness_text(&report.robustness))?;
        }
        let mut text = format!(
            "{} work units in {:.2} s on {} thread(s); wrote\n",
            report.work_units, report.wall_time_seconds, report.threads
        );
        for file in &report.files {
            text.push_str(&format!("  {}\n", file.display()));
        }
        print(out, &text)?;
    }
    Ok(report)
}

/// Progress on stderr: a bar, plain lines, or nothing.
struct Progress {
    bar: Option<ProgressBar>,
    plain: Option<PlainProgress>,
}

impl Progress {
    fn start(mode: ProgressMode, every_seconds: f64) -> Self {
        Progress {
            bar: (mode == ProgressMode::Bar).then(progress_bar),
            plain: (mode == ProgressMode::Plain).then(|| {
                PlainProgress::start(Duration::from_secs_f64(every_seconds), std::io::stderr())
            }),
        }
    }

    fn update(&self, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_position(done);
        }
        if let Some(plain) = &self.plain {
            plain.update(done, total);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if let Some(plain) = self.plain.take() {
            plain.finish();
        }
    }
}

/// What a run to a precision found, in a few lines.
fn precision_text(report: &app::PrecisionReport) -> String {
    let mut text = format!(
        "precision: {} replications per point ({} in batches of {}, at most {})\n",
        report.replications,
        if report.met {
            "every target met"
        } else {
            "NOT MET: stopped at the maximum"
        },
        report.batch,
        report.max_replications
    );
    for widest in &report.widest {
        let shown = |v: Option<f64>| v.map_or("undefined".to_string(), |v| format!("{v:.4}"));
        text.push_str(&format!(
            "  {}: widest half-width {} (allowed {}) at point {}, {}\n",
            widest.target,
            shown(widest.halfwidth),
            shown(widest.allowed),
            widest.point,
            widest.lab
        ));
    }
    text
}

/// A progress bar on stderr with work units done, rate and ETA.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{bar:40} {human_pos}/{human_len} work units  {rate}  ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .with_key(
        "rate",
        |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}/s", state.per_sec());
        },
    );
    bar.set_style(style);
    bar
}

/// Writes what a command prints.
fn print(out: &mut dyn Write, text: &str) -> anyhow::Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Stdout, where a closed pipe (`reviewsim validate x | head`) is not an
/// error.
struct StdoutUnlessClosed;

impl Write for StdoutUnlessClosed {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match std::io::stdout().lock().write_all(bytes) {
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(bytes.len()),
            other => other.map(|()| bytes.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match std::io::stdout().lock().flush() {
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

/// `docs/cli.md`: every subcommand's `--help`, generated from these
/// definitions (a test keeps the file current).
pub fn reference() -> String {
    use clap::CommandFactory;
    let mut command = Cli::command();
    command.build();
    let mut text = String::from(
        "# Command line\n\n\
         <!-- Generated from the clap definitions in src/cli.rs: do not edit by hand. \
         After changing an option, run\n     \
         REVIEWSIM_BLESS=1 cargo test --release --test it cli_reference -->\n\n\
         Every subcommand's `--help`, as `reviewsim help <command>` prints it. What the \
         options do in practice is in [running.md](running.md), the files they write in \
         [outputs.md](outputs.md).\n\n",
    );
    let names: Vec<String> = (command.get_subcommands())
        .map(|sub| sub.get_name().to_string())
        .filter(|name| name != "help")
        .collect();
    text.push_str("## reviewsim\n\n```text\n");
    text.push_str(command.render_long_help().to_string().trim_end());
    text.push_str("\n```\n");
    for name in names {
        if let Some(sub) = command.find_subcommand_mut(&name) {
            let help = sub.render_long_help().to_string();
            text.push_str(&format!("\n## reviewsim {name}\n\n```text\n"));
            text.push_str(help.trim_end());
            text.push_str("\n```\n");
        }
    }
    text
}
