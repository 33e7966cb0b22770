//! `reviewsim fit`: the fitter recovers known cadences with intervals of the
//! stated coverage, agrees with closed forms, refuses bad data with a
//! message that names the place, and writes a fragment a scenario can
//! extend, the same bytes every time.

use std::path::Path;

use rand::RngExt;
use rayon::prelude::*;
use reviewsim::engine::StreamSeed;
use reviewsim::fit::{
    self, Cutoff, DEFAULT_REPLICATES, DEFAULT_SEED, Design, Family, FitError, LineIntervals,
    Observations, Selection, fit_family, maximise, parse_releases,
};
use reviewsim::scenario::{DistSpec, Scenario};

use crate::common::{BASELINE, reviewsim, reviewsim_ok};

const HEADER: &str = "lab,line,model,access,date,date_precision,flagship,status,source,note\n";

/// A release history with the baseline's ids: lines long enough to fit, a
/// line of one release, a line the baseline lacks, a non-flagship release
/// on a flagship's day, a month-precision date, rows out of order.
const FIXTURE: &str = "\
lab,line,model,access,date,date_precision,flagship,status,source,note
openai,gpt,G2,api,2023-11-06,day,yes,released,fixture,
openai,gpt,G1,api,2023-03-14,day,yes,released,fixture,out of order on purpose
openai,gpt,G2m,api,2024-01-20,day,no,released,fixture,a minor update
openai,gpt,G3,api,2024-05-13,day,yes,released,fixture,
openai,gpt,G4,api,2024-09-12,day,yes,released,fixture,
openai,gpt,G5,api,2024-12-05,day,yes,released,fixture,
openai,gpt,G6,api,2025-02-27,day,yes,released,fixture,
openai,gpt,G7,api,2025-04-16,day,yes,released,fixture,
openai,gpt,G8,api,2025-08-07,day,yes,released,fixture,
openai,gpt-oss,O1,open_weights,2025-08-05,day,yes,released,fixture,
anthropic,claude,C1,api,2023-03-21,day,yes,released,fixture,
anthropic,claude,C2,api,2023-07-11,day,yes,released,fixture,
anthropic,claude,C3,api,2024-03-04,day,yes,released,fixture,
anthropic,claude,C4,api,2024-06-20,day,yes,released,fixture,
anthropic,claude,C5,api,2024-10-22,day,yes,released,fixture,
anthropic,claude,C6,api,2025-02-24,day,yes,released,fixture,
anthropic,claude,C7,api,2025-05-22,day,yes,released,fixture,
meta,llama,L1,open_weights,2023-02-24,day,yes,released,fixture,
meta,llama,L2,open_weights,2023-07-18,day,yes,released,fixture,
meta,llama,L3,open_weights,2024-04-18,day,yes,released,fixture,
meta,llama,L3b,open_weights,2024-04-18,day,no,released,fixture,same day as L3
meta,llama,L31,open_weights,2024-07-23,day,yes,released,fixture,
meta,llama,L32,open_weights,2024-09-25,day,yes,released,fixture,
meta,llama,L33,open_weights,2024-12-06,day,yes,released,fixture,
meta,llama,L4,open_weights,2025-04-05,day,yes,released,fixture,
microsoft,phi,P1,open_weights,2023-06-15,month,yes,released,fixture,
microsoft,phi,P2,open_weights,2023-12-12,day,yes,released,fixture,
microsoft,phi,P3,open_weights,2024-04-23,day,yes,released,fixture,
microsoft,phi,P4,open_weights,2024-12-12,day,yes,released,fixture,
microsoft,phi,P5,open_weights,2025-04-30,day,yes,released,fixture,
deepseek,v,D1,open_weights,2024-12-26,day,yes,released,fixture,not in the baseline
";

/// Share of `histories` synthetic histories of `family` with parameters
/// `truth` whose 95% intervals (the shipped method: profile likelihood, the
/// cut-off calibrated by the default bootstrap) cover each parameter. Each
/// history is a line observed from its first release over a window of 900
/// to 2,000 days, so its last interval is censored, and kept only with 8 to
/// 20 releases.
fn coverage(family: Family, truth: [f64; 2], histories: u64) -> [f64; 2] {
    let method = Cutoff::Bootstrap {
        replicates: DEFAULT_REPLICATES,
        seed: DEFAULT_SEED,
    };
    let covered: Vec<[bool; 2]> = (0..histories)
        .into_par_iter()
        .map(|history| {
            let mut rng = StreamSeed::new(2026, history, family as u64).stream(0, 0);
            loop {
                let window = rng.random_range(900.0..2000.0);
                let Some(data) = fit::simulate(family, &truth, &[Design::Window(window)], &mut rng)
                else {
                    continue;
                };
                if !(7..=19).contains(&data.complete().len()) {
                    continue;
                }
                let fit = fit_family(family, &data, method, history).expect("a maximum");
                let covers = |i: usize| fit.estimates[i].interval.contains(truth[i]);
                return [covers(0), covers(1)];
            }
        })
        .collect();
    let share = |i: usize| covered.iter().filter(|c| c[i]).count() as f64 / histories as f64;
    [share(0), share(1)]
}

/// The acceptance test of the fitter. With 200 histories the coverage of a
/// true 95% interval has a standard error of 1.5 points: 91% to 99% is
/// ±2.7 standard errors. The χ²₁ cut-off alone gives 91.5% to 94% for the
/// spread parameters at these lengths; the bootstrap's calibration is what
/// brings them to 95%.
#[test]
fn intervals_cover_known_cadences_in_95_percent_of_censored_histories() {
    for (family, truth) in [
        (Family::Gamma, [95.0, 0.3]),
        (Family::Gamma, [125.0, 0.7]),
        (Family::Lognormal, [90.0, 0.3]),
        (Family::Lognormal, [115.0, 0.6]),
    ] {
        let covered = coverage(family, truth, 200);
        for (i, parameter) in family.parameters().iter().enumerate() {
            println!(
                "{} {parameter} = {}: 95% interval covers it in {:.1}% of 200 histories",
                family.name(),
                truth[i],
                100.0 * covered[i]
            );
            assert!(
                (0.91..=0.99).contains(&covered[i]),
                "{} {parameter}: coverage {}",
                family.name(),
                covered[i]
            );
        }
    }
}

fn one_line(complete: &[f64], censored: Option<f64>) -> Observations {
    let line = LineIntervals {
        complete: complete.to_vec(),
        censored,
    };
    Observations::new(&[line]).unwrap()
}

#[test]
fn the_exponential_estimate_is_every_day_observed_over_the_releases_seen() {
    let data = one_line(&[95.0, 130.0, 88.0, 140.0], Some(80.0));
    let fit = maximise(Family::Exponential, &data).unwrap();
    assert!((fit.params[0] - (95.0 + 130.0 + 88.0 + 140.0 + 80.0) / 4.0).abs() < 1e-9);
    let mean = fit.params[0];
    let by_hand = -4.0 * mean.ln() - (95.0 + 130.0 + 88.0 + 140.0 + 80.0) / mean;
    assert!((fit.log_likelihood - by_hand).abs() < 1e-9);
}

#[test]
fn without_censoring_the_lognormal_is_the_mean_and_population_sd_of_the_logs() {
    let x = [62.0_f64, 95.0, 101.0, 140.0, 77.0, 180.0, 121.0];
    let fit = maximise(Family::Lognormal, &one_line(&x, None)).unwrap();
    let logs: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let mean = logs.iter().sum::<f64>() / 7.0;
    let sd = (logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / 7.0).sqrt();
    assert!(
        (fit.params[0] / mean.exp() - 1.0).abs() < 1e-5,
        "{:?}",
        fit.params
    );
    assert!((fit.params[1] / sd - 1.0).abs() < 1e-5, "{:?}", fit.params);
}

/// The gamma's maximum without censoring: the mean is the sample mean, and
/// the shape a = 1/cv² solves ln a − ψ(a) = ln x̄ − mean(ln x).
#[test]
fn without_censoring_the_gamma_mean_is_the_sample_mean_and_the_shape_solves_its_equation() {
    use statrs::function::gamma::digamma;
    let x = [62.0_f64, 95.0, 101.0, 140.0, 77.0, 180.0, 121.0];
    let fit = maximise(Family::Gamma, &one_line(&x, None)).unwrap();
    let mean = x.iter().sum::<f64>() / 7.0;
    let mean_ln = x.iter().map(|v| v.ln()).sum::<f64>() / 7.0;
    assert!(
        (fit.params[0] / mean - 1.0).abs() < 1e-5,
        "{:?}",
        fit.params
    );
    let shape = 1.0 / fit.params[1].powi(2);
    let equation = shape.ln() - digamma(shape) - (mean.ln() - mean_ln);
    assert!(equation.abs() < 1e-6, "{equation}");
}

#[test]
fn censoring_lengthens_the_cadence_a_fit_of_complete_intervals_gives() {
    let complete = [80.0, 95.0, 110.0, 100.0];
    for family in [Family::Gamma, Family::Lognormal] {
        let without = maximise(family, &one_line(&complete, None)).unwrap();
        let with = maximise(family, &one_line(&complete, Some(300.0))).unwrap();
        assert!(with.params[0] > without.params[0], "{family:?}");
    }
}

#[test]
fn aic_is_twice_the_parameters_less_twice_the_log_likelihood() {
    assert_eq!(fit::aic(-45.0, 2), 94.0);
    let data = one_line(&[62.0, 95.0, 101.0, 140.0, 77.0], Some(40.0));
    let fits: Vec<_> = (Family::ALL.iter())
        .map(|&f| fit_family(f, &data, Cutoff::ChiSquared, 0).unwrap())
        .collect();
    for fit in &fits {
        let k = fit.estimates.len() as f64;
        assert_eq!(fit.aic(), 2.0 * k - 2.0 * fit.log_likelihood);
    }
    let histories = fit::histories(
        &parse_releases(FIXTURE.as_bytes(), "f.csv").unwrap(),
        "f.csv",
        "2025-06-01".parse().unwrap(),
        Selection::Flagship,
    )
    .unwrap();
    let groups = fit::fit_lines(&histories, Cutoff::ChiSquared);
    let gpt = &groups[0];
    let best = gpt.best().unwrap();
    assert_eq!(gpt.delta_aic(best), 0.0);
    for fit in gpt.fits() {
        assert!(gpt.delta_aic(fit) >= 0.0);
        assert_eq!(gpt.delta_aic(fit), fit.aic() - best.aic());
    }
}

/// The message for `rows` (after the header), which must fail.
fn refusal(rows: &str) -> String {
    let text = format!("{HEADER}{rows}");
    let releases = parse_releases(text.as_bytes(), "data/releases.csv");
    let err: FitError = match releases {
        Err(err) => err,
        Ok(releases) => fit::histories(
            &releases,
            "data/releases.csv",
            "2026-06-02".parse().unwrap(),
            Selection::Flagship,
        )
        .expect_err("refused"),
    };
    err.to_string()
}

#[test]
fn bad_rows_are_refused_naming_file_line_column_value_and_what_is_allowed() {
    let good = "meta,llama,L1,open_weights,2023-02-24,day,yes,released,x,\n";
    for (row, expected) in [
        (
            "meta,llama,L2,open_weights,2023-02-30,day,yes,released,x,\n",
            "data/releases.csv: line 3, date = \"2023-02-30\": must be a date written YYYY-MM-DD",
        ),
        (
            "meta,llama,L2,weights,2023-03-01,day,yes,released,x,\n",
            "data/releases.csv: line 3, access = \"weights\": must be api or open_weights",
        ),
        (
            "meta,llama,L2,open_weights,2023-03-01,day,yes,released,,\n",
            "data/releases.csv: line 3, source = \"\": must say where the date comes from",
        ),
        (
            "meta,llama,L2,open_weights,2023-03-01,month,yes,released,x,\n",
            "line 3, date = \"2023-03-01\": must be the 15th of the month when date_precision is month",
        ),
        (
            "meta,llama,L2,open_weights,2023-03-01,day,maybe,released,x,\n",
            "line 3, flagship = \"maybe\": must be yes or no",
        ),
        (
            "Meta,llama,L2,open_weights,2023-03-01,day,yes,released,x,\n",
            "line 3, lab = \"Meta\": must be a scenario id",
        ),
        (
            "meta,llama,L1,open_weights,2023-05-01,day,yes,released,x,\n",
            "line 3, model = \"L1\": meta/llama already lists this model on line 2",
        ),
        (
            "meta,llama,L2,api,2023-05-01,day,yes,released,x,\n",
            "line 3, access = \"api\": meta/llama is open_weights on line 2",
        ),
        (
            "meta,llama,L2,open_weights,2023-02-24,day,yes,released,x,\n",
            "line 3, date = \"2023-02-24\": meta/llama has another flagship release that day (line 2)",
        ),
    ] {
        let message = refusal(&format!("{good}{row}"));
        assert!(
            message.contains(expected),
            "{expected:?} not in {message:?}"
        );
    }
}

#[test]
fn every_bad_value_of_a_file_is_reported_at_once() {
    let message = refusal(
        "meta,llama,L1,open_weights,2023-02-24,week,yes,released,x,\n\
         meta,llama,L2,open_weights,yesterday,day,yes,released,x,\n",
    );
    assert!(
        message.contains("line 2, date_precision = \"week\""),
        "{message}"
    );
    assert!(
        message.contains("line 3, date = \"yesterday\""),
        "{message}"
    );
}

#[test]
fn a_missing_column_or_a_short_row_is_refused_with_the_header_it_needs() {
    let text = "lab,line,model,access,date_precision,flagship,status,source,note\n";
    let err = parse_releases(text.as_bytes(), "r.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("r.csv: line 1: no column `date`"), "{err}");
    assert!(err.contains(&HEADER.trim_end().to_string()), "{err}");
    let short = format!("{HEADER}meta,llama,L1,open_weights,2023-02-24,day,yes\n");
    let err = parse_releases(short.as_bytes(), "r.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("r.csv: line 2: 7 fields where the header has 10"),
        "{err}"
    );
    let err = parse_releases(HEADER.as_bytes(), "r.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("r.csv: no releases"), "{err}");
}

#[test]
fn rows_in_any_order_give_the_same_history() {
    let releases = parse_releases(FIXTURE.as_bytes(), "f.csv").unwrap();
    let mut reversed = releases.clone();
    reversed.reverse();
    let as_of = "2026-06-02".parse().unwrap();
    let forward = fit::histories(&releases, "f.csv", as_of, Selection::Flagship).unwrap();
    let backward = fit::histories(&reversed, "f.csv", as_of, Selection::Flagship).unwrap();
    let gpt = |h: &[fit::LineHistory]| h.iter().find(|l| l.line == "gpt").unwrap().clone();
    assert_eq!(gpt(&forward).dates, gpt(&backward).dates);
    assert_eq!(gpt(&forward).complete_days()[0], 237.0);
}

#[test]
fn lines_too_short_are_not_fitted_and_pools_share_each_access_mode() {
    let releases = parse_releases(FIXTURE.as_bytes(), "f.csv").unwrap();
    let as_of = "2026-06-02".parse().unwrap();
    let histories = fit::histories(&releases, "f.csv", as_of, Selection::Flagship).unwrap();
    let lines = fit::fit_lines(&histories, Cutoff::ChiSquared);
    let oss = lines.iter().find(|g| g.name() == "openai/gpt-oss").unwrap();
    assert!(oss.too_few() && oss.families.is_empty() && oss.best().is_none());
    let pools = fit::fit_pools(&histories, Cutoff::ChiSquared);
    let open = pools
        .iter()
        .find(|g| g.name() == "pooled open_weights")
        .unwrap();
    // llama (6 intervals) + phi (4) + gpt-oss and deepseek (none), and one
    // censored interval per line.
    assert_eq!(open.complete_intervals, 10);
    assert_eq!(open.censored_days.len(), 4);
    assert!(open.best().is_some());
}

fn write_fixture(dir: &Path) -> String {
    let path = dir.join("releases.csv");
    std::fs::write(&path, FIXTURE).unwrap();
    path.display().to_string()
}

#[test]
fn the_command_prints_every_line_and_pool_and_writes_the_same_fragment_twice() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_fixture(dir.path());
    let (first, second, table) = (
        dir.path().join("first.toml"),
        dir.path().join("second.toml"),
        dir.path().join("fit.csv"),
    );
    let run = |fragment: &Path| {
        let output = reviewsim_ok(&[
            "fit",
            &data,
            "--as-of",
            "2026-06-02",
            "--scenario",
            BASELINE,
            "--fragment",
            &fragment.display().to_string(),
            "--table",
            &table.display().to_string(),
        ]);
        String::from_utf8(output.stdout).unwrap()
    };
    let stdout = run(&first);
    assert_eq!(stdout, run(&second).replace("second.toml", "first.toml"));
    for needle in [
        "openai/gpt ",
        "gamma        mean ",
        "lognormal    median ",
        "openai/gpt-oss",
        "too few releases to fit (needs 3 before 2026-06-02)",
        "pooled api",
        "pooled open_weights",
        "best",
    ] {
        assert!(stdout.contains(needle), "{needle:?} not in\n{stdout}");
    }
    let bytes = std::fs::read(&first).unwrap();
    assert_eq!(bytes, std::fs::read(&second).unwrap());
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("# Release cadences fitted by maximum likelihood"));
    assert!(text.contains("--as-of 2026-06-02 --scenario"));
    assert!(!text.contains("--fragment"));
    check_fragment(&text);
    check_table(&table);
}

/// The fragment lists the baseline's labs and lines in its order; fitted
/// lines carry a cadence and an interval for each parameter that holds the
/// estimate; the others only their id.
fn check_fragment(text: &str) {
    let fragment: toml::Table = text.parse().expect("the fragment is TOML");
    let baseline = Scenario::load(BASELINE.as_ref(), &[]).unwrap();
    let labs = fragment["labs"].as_array().unwrap();
    let ids = |v: &toml::Value| v["id"].as_str().unwrap().to_string();
    assert_eq!(
        labs.iter().map(ids).collect::<Vec<_>>(),
        baseline
            .labs
            .iter()
            .map(|l| l.id.clone())
            .collect::<Vec<_>>()
    );
    let fitted = fragment["fitted"].as_table().unwrap();
    for (lab, scenario_lab) in labs.iter().zip(&baseline.labs) {
        let lines = lab["lines"].as_array().unwrap();
        let expected: Vec<String> = scenario_lab.lines.iter().map(|l| l.id.clone()).collect();
        assert_eq!(lines.iter().map(ids).collect::<Vec<_>>(), expected);
        for line in lines {
            let path = format!("labs.{}.lines.{}.cadence_days", ids(lab), ids(line));
            let Some(cadence) = line.get("cadence_days") else {
                assert_eq!(line.as_table().unwrap().len(), 1, "{path}");
                continue;
            };
            let family = Family::from_name(cadence["dist"].as_str().unwrap()).unwrap();
            for parameter in family.parameters() {
                let value = cadence[*parameter].as_float().unwrap();
                let interval = &fitted[&format!("{path}.{parameter}")];
                let (low, high) = (interval["low"].as_float(), interval["high"].as_float());
                assert!(low.unwrap() < value && value < high.unwrap(), "{path}");
                let source = interval["source"].as_str().unwrap();
                assert!(source.contains("flagship releases"), "{source}");
            }
        }
    }
    for fitted_line in ["gpt", "claude", "llama", "phi"] {
        assert!(
            text.contains(&format!("id = \"{fitted_line}\"\n# ")),
            "{fitted_line}"
        );
    }
    assert!(
        !text.contains("deepseek"),
        "a line the scenario lacks stays out"
    );
    assert!(text.contains("# too few releases to fit (1 flagship release before 2026-06-02)"));
    extending_scenario_validates(text, &fragment);
}

/// The baseline, extending the fragment instead of the shipped one (and
/// given a cadence of its own for the lines the fragment leaves alone),
/// validates, keeps its line order, takes the fitted cadences, and shows
/// each fitted parameter's interval as its plausible range.
fn extending_scenario_validates(text: &str, fragment: &toml::Table) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fit.toml"), text).unwrap();
    let mut scenario: toml::Table = crate::common::baseline_text().parse().unwrap();
    let mut fitted = Vec::new();
    for (lab, fragment_lab) in (scenario["labs"].as_array_mut().unwrap().iter_mut())
        .zip(fragment["labs"].as_array().unwrap())
    {
        let fragment_lines = fragment_lab["lines"].as_array().unwrap();
        for (line, fragment_line) in
            (lab["lines"].as_array_mut().unwrap().iter_mut()).zip(fragment_lines)
        {
            let line = line.as_table_mut().unwrap();
            match fragment_line.get("cadence_days") {
                Some(cadence) => {
                    fitted.push((line["id"].as_str().unwrap().to_string(), cadence.clone()))
                }
                None => {
                    let mut cadence = toml::Table::new();
                    cadence.insert("dist".into(), "gamma".into());
                    cadence.insert("mean".into(), 100.0.into());
                    cadence.insert("cv".into(), 0.5.into());
                    line.insert("cadence_days".into(), cadence.into());
                }
            }
        }
    }
    scenario.insert("extends".into(), "fit.toml".into());
    let path = dir.path().join("fitted.toml");
    std::fs::write(&path, toml::to_string(&scenario).unwrap()).unwrap();
    let loaded = Scenario::load(&path, &[]).expect("the extending scenario validates");
    let baseline = Scenario::load(BASELINE.as_ref(), &[]).unwrap();
    let order = |s: &Scenario| -> Vec<String> {
        (s.labs.iter())
            .flat_map(|lab| {
                lab.lines
                    .iter()
                    .map(move |l| format!("{}/{}", lab.id, l.id))
            })
            .collect()
    };
    assert_eq!(order(&loaded), order(&baseline));
    assert!(!fitted.is_empty());
    for (id, cadence) in fitted {
        let line = (loaded.labs.iter().flat_map(|l| &l.lines))
            .find(|l| l.id == id)
            .unwrap();
        let expected: DistSpec = toml::Value::try_into(cadence).unwrap();
        assert_eq!(line.cadence_days.spec(), &expected, "{id}");
    }
    let params = reviewsim::params::list(loaded.resolved());
    for (path, range) in &loaded.fitted {
        let param = params.iter().find(|p| &p.path == path).unwrap();
        assert_eq!(
            param.entry.plausible,
            Some((range.low, range.high)),
            "{path}"
        );
        assert_eq!(param.entry.source.label(), "fitted", "{path}");
    }
}

fn check_table(path: &Path) {
    let rows = crate::common::csv_rows(path);
    let header = std::fs::read_to_string(path).unwrap();
    assert_eq!(header.lines().next().unwrap(), fit::TABLE_COLUMNS.join(","));
    let gpt_gamma: Vec<_> = (rows.iter())
        .filter(|r| r["line"] == "gpt" && r["family"] == "gamma")
        .collect();
    assert_eq!(gpt_gamma.len(), 2);
    assert_eq!(gpt_gamma[0]["parameter"], "mean");
    assert_eq!(gpt_gamma[1]["parameter"], "cv");
    let oss: Vec<_> = rows.iter().filter(|r| r["line"] == "gpt-oss").collect();
    assert_eq!(oss.len(), 1);
    assert_eq!(oss[0]["status"], "too_few_releases");
    assert!(rows.iter().any(|r| r["best"] == "true"));
}

#[test]
fn with_pool_a_short_line_takes_its_access_modes_pooled_fit() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_fixture(dir.path());
    let fragment = dir.path().join("fit.toml");
    reviewsim_ok(&[
        "fit",
        &data,
        "--as-of",
        "2026-06-02",
        "--scenario",
        BASELINE,
        "--fragment",
        &fragment.display().to_string(),
        "--pool",
        "--dist",
        "gamma",
        "--bootstrap",
        "0",
    ]);
    let text = std::fs::read_to_string(&fragment).unwrap();
    let parsed: toml::Table = text.parse().unwrap();
    let openai = &parsed["labs"].as_array().unwrap()[0];
    let oss = &openai["lines"].as_array().unwrap()[1];
    assert_eq!(oss["id"].as_str(), Some("gpt-oss"));
    assert_eq!(oss["cadence_days"]["dist"].as_str(), Some("gamma"));
    assert!(text.contains("# too short to fit alone: the pooled fit of every open_weights line"));
    assert!(
        text.contains("# no release of this line in the data: the pooled fit of every api line")
    );
    assert!(text.contains("pooled: the line alone has too few releases"));
}

#[test]
fn a_scenario_line_of_another_access_mode_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("releases.csv");
    std::fs::write(
        &data,
        FIXTURE.replace("openai,gpt,G1,api", "openai,gpt,G1,open_weights"),
    )
    .unwrap();
    let output = reviewsim(&["fit", &data.display().to_string(), "--as-of", "2026-06-02"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("line 3, access = \"open_weights\": openai/gpt is api on line 2"),
        "{stderr}"
    );
    let consistent = FIXTURE.replace(",api,", ",open_weights,");
    std::fs::write(&data, consistent).unwrap();
    let output = reviewsim(&[
        "fit",
        &data.display().to_string(),
        "--as-of",
        "2026-06-02",
        "--scenario",
        BASELINE,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("labs.openai.lines.gpt.access is api but"),
        "{stderr}"
    );
}

#[test]
fn a_bad_data_file_exits_1_with_one_message_and_a_missing_date_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("releases.csv");
    std::fs::write(&data, FIXTURE.replace("2023-11-06", "2023-11-31")).unwrap();
    let output = reviewsim(&["fit", &data.display().to_string(), "--as-of", "2026-06-02"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("line 2, date = \"2023-11-31\""), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let output = reviewsim(&["fit", &data.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
}
