//! `reviewsim report`: the page of a run with a time series, of a compare
//! and of a sensitivity study, opened in headless Chromium; the screenshot
//! is not blank, and the browser's DOM holds every number the run printed
//! in its headline table and every chart's title.
//!
//! Chromium is looked up on the PATH (or in `REVIEWSIM_CHROMIUM`). Without
//! it the pages are checked as files only, and a note says so, unless
//! `REVIEWSIM_REQUIRE_BROWSER` is set, as `.ci/run` sets it: then a missing
//! browser fails the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{BASELINE, csv_rows, reviewsim, reviewsim_ok};

const SIGNED: &str = "signed:labs.meta.participation.signed=true";

/// Headless Chromium, if the machine has it.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("REVIEWSIM_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("REVIEWSIM_REQUIRE_BROWSER").is_none(),
            "REVIEWSIM_REQUIRE_BROWSER is set but there is no chromium on the PATH \
             (apt-get install chromium)"
        );
        eprintln!("note: no chromium on the PATH: report pages checked as files only");
    }
    found
}

/// Runs the browser headless on `page` with `flag` (`--dump-dom` or
/// `--screenshot=...`), with nothing to reach on the network, and returns
/// what it printed.
fn browse(browser: &Path, page: &Path, flag: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    // A file, not a pipe: a DOM larger than the pipe's buffer would block
    // the browser until read.
    let printed = profile.path().join("stdout");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(flag)
        .arg(format!("file://{}", page.display()))
        .stdout(std::fs::File::create(&printed).unwrap())
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("chromium took over two minutes on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        child.wait().unwrap().success(),
        "chromium failed on {}",
        page.display()
    );
    String::from_utf8_lossy(&std::fs::read(&printed).unwrap()).into_owned()
}

/// Checks that a screenshot shows a page: mostly white paper, but with
/// text and charts in many colours on it.
fn assert_not_blank(png: &Path) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut inked = 0usize;
    let all = pixels[..info.buffer_size()].chunks(channels);
    let count = all.len();
    for pixel in all {
        let rgb = (pixel[0], pixel[1], pixel[2]);
        if rgb != (255, 255, 255) {
            inked += 1;
        }
        colours.insert(rgb);
    }
    let share = inked as f64 / count as f64;
    assert!(
        share > 0.03 && colours.len() > 50,
        "{}: {:.1}% of pixels not white, {} colours: the page looks blank",
        png.display(),
        100.0 * share,
        colours.len()
    );
}

/// Every chart title in the page's source.
fn chart_titles(html: &str) -> Vec<String> {
    html.split("<h3 class=\"chart-title\">")
        .skip(1)
        .map(|rest| unescape(rest.split("</h3>").next().unwrap()))
        .collect()
}

/// HTML text as text.
fn unescape(html: &str) -> String {
    (html.replace("&#39;", "'").replace("&quot;", "\""))
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The cells of the tables a command printed: every `mean ± half-width`
/// and every exact value, as printed.
fn printed_numbers(printed: &str) -> Vec<String> {
    let mut numbers = Vec::new();
    // Table rows are indented; their titles are not.
    for line in printed.lines().filter(|line| line.starts_with("  ")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            if *word == "±" && i > 0 && i + 1 < words.len() {
                numbers.push(format!("{} ± {}", words[i - 1], words[i + 1]));
            }
            if *word == "(exact)" && i > 0 {
                numbers.push(format!("{} (exact)", words[i - 1]));
            }
        }
    }
    numbers
}

/// The ST values with their intervals that `sensitivity` printed.
fn printed_indices(printed: &str) -> Vec<String> {
    (printed.lines())
        .filter_map(|line| {
            let (_, rest) = line.trim_start().split_once(". ")?;
            let words: Vec<&str> = rest.split_whitespace().collect();
            let value = words.get(1)?;
            let interval = rest.split_once('[')?.1.split_once(']')?.0;
            Some(format!("{value} [{interval}]"))
        })
        .collect()
}

/// Sections shown only when the run's directory holds a file.
const SECTIONS_FROM_FILES: [(&str, &str); 2] = [
    ("robustness.csv", "Robustness of the options"),
    (
        "discover_trajectory.csv",
        "Where the condition holds (scenario discovery)",
    ),
];

/// Writes the report of `dir`, checks the page as a file, then in the
/// browser: the screenshot, every chart title and every expected number
/// in the DOM. Returns the page's source.
fn check_report(dir: &Path, numbers: &[String], titles: &[String]) -> String {
    let printed =
        String::from_utf8(reviewsim_ok(&["report", dir.to_str().unwrap()]).stdout).unwrap();
    let page = dir.join("report.html");
    assert!(printed.contains("report.html"), "{printed}");
    let html = std::fs::read_to_string(&page).unwrap();
    for banned in ["<script", "http://", "https://", "<img", "<link"] {
        let found = html
            .find(banned)
            .map(|at| &html[at..(at + 80).min(html.len())]);
        let allowed = found.is_some_and(|text| text.contains("www.w3.org/2000/svg"));
        assert!(
            found.is_none() || allowed,
            "{}: {banned} in {found:?}",
            page.display()
        );
    }
    // A section only where its file is.
    for (file, heading) in SECTIONS_FROM_FILES {
        assert_eq!(
            html.contains(&format!(">{heading}</h2>")),
            dir.join(file).exists(),
            "the section `{heading}` and the file {file}"
        );
    }
    let in_page = chart_titles(&html);
    assert_eq!(
        in_page.len(),
        html.matches("<svg").count(),
        "a title per chart"
    );
    for title in titles {
        assert!(
            in_page.contains(title),
            "no chart `{title}` among {in_page:?}"
        );
    }
    assert!(!numbers.is_empty());
    let Some(browser) = chromium() else {
        for number in numbers {
            assert!(
                html.contains(number.as_str()),
                "{number} is not in {}",
                page.display()
            );
        }
        return html;
    };
    let dom = unescape(&browse(&browser, &page, "--dump-dom"));
    assert!(
        dom.contains("<svg"),
        "the DOM has no chart: {}",
        &dom[..dom.len().min(400)]
    );
    for title in &in_page {
        assert!(
            dom.contains(title.as_str()),
            "chart title `{title}` is not in the DOM"
        );
    }
    for number in numbers {
        assert!(
            dom.contains(number.as_str()),
            "{number} is not in the DOM of {}",
            page.display()
        );
    }
    let shot = dir.join("screenshot.png");
    browse(&browser, &page, &format!("--screenshot={}", shot.display()));
    assert_not_blank(&shot);
    html
}

/// The segments' names, as the baseline gives them.
fn segment_names() -> Vec<String> {
    let scenario = crate::common::baseline_with(&[]);
    (scenario.market.as_ref().unwrap().segments.iter())
        .map(|s| s.display_name().to_string())
        .collect()
}

#[test]
fn the_report_of_a_run_with_a_time_series_shows_its_fans_and_headline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let args = [
        "run",
        BASELINE,
        "--replications",
        "60",
        "--timeseries",
        "30",
    ];
    let printed = reviewsim_ok(
        &[
            &args[..],
            &["--out", out.to_str().unwrap(), "--progress", "none"],
        ]
        .concat(),
    );
    let printed = String::from_utf8(printed.stdout).unwrap();
    let numbers = printed_numbers(&printed);
    assert!(numbers.len() > 30, "{printed}");
    let mut titles: Vec<String> = (segment_names().iter())
        .map(|s| format!("Market share over time: {s}"))
        .collect();
    titles.push("Delay per release, by lab".into());
    let html = check_report(&out, &numbers, &titles);
    assert!(
        html.contains("Google DeepMind") && !html.contains(">google<"),
        "labs by name"
    );
    assert!(html.contains("--timeseries 30"), "the command is shown");
}

#[test]
fn the_report_of_a_compare_shows_each_difference_with_its_interval() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("compare");
    let args = [
        "compare",
        BASELINE,
        "--arm",
        SIGNED,
        "--replications",
        "40",
        "--progress",
        "none",
    ];
    let printed = reviewsim_ok(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    let printed = String::from_utf8(printed.stdout).unwrap();
    let numbers = printed_numbers(&printed);
    assert!(
        printed.contains("signed minus baseline") && numbers.len() > 60,
        "{printed}"
    );
    let titles = [
        "Delay per release: difference from baseline",
        "Market share at the horizon: difference from baseline",
        "Hazardous releases that reached the public unreviewed: difference from baseline",
        "Incidents: difference from baseline",
        "Delay per release, by lab",
    ]
    .map(String::from);
    check_report(&out, &numbers, &titles);
}

#[test]
fn the_report_of_a_study_shows_the_ranking_with_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("study");
    let args = [
        "sensitivity",
        BASELINE,
        "--set",
        "labs.meta.participation.signed=true",
        "--contrast",
        "review.window_days=0,30",
        "--samples",
        "8",
        "--replications",
        "2",
        "--parameters",
        "hazard.*",
        "--parameters",
        "review.tracks.*.detection_probability",
        "--progress",
        "none",
    ];
    let printed = reviewsim_ok(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    let printed = String::from_utf8(printed.stdout).unwrap();
    let numbers = printed_indices(&printed);
    assert!(numbers.len() > 10, "{printed}");
    let titles = ["What moves Meta: delay per release, change when review.window_days: 0 -> 30"]
        .map(String::from);
    check_report(&out, &numbers, &titles);
}

/// A table row as the page holds it: the first cell text, the others
/// numbers.
fn row_html(cells: &[&str]) -> String {
    let cells: Vec<String> = (cells.iter().enumerate())
        .map(|(i, cell)| match i {
            0 => format!("<td>{cell}</td>"),
            _ => format!("<td class=\"num\">{cell}</td>"),
        })
        .collect();
    format!("<tr>{}</tr>", cells.concat())
}

/// The limits `discover` printed, each as the row of the box's table:
/// parameter, from, to, and the quasi-p of each side ("not limited"
/// where the printed side has none).
fn printed_limits(printed: &str) -> Vec<String> {
    (printed.lines())
        .filter_map(|line| {
            let (parameter, sides) = line.strip_prefix("  ")?.split_once(": from ")?;
            let (lower, upper) = sides.split_once(" to ")?;
            let side = |text: &str| match text.split_once(" (quasi-p ") {
                Some((value, qp)) => (value.to_string(), qp.trim_end_matches(')').to_string()),
                None => (text.to_string(), "not limited".to_string()),
            };
            let ((from, qp_from), (to, qp_to)) = (side(lower), side(upper));
            Some(row_html(&[parameter, &from, &to, &qp_from, &qp_to]))
        })
        .collect()
}

#[test]
fn the_report_of_a_discovery_shows_the_trade_off_and_the_box_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let o = out.to_str().unwrap();
    let args = ["run", BASELINE, "--set", crate::discover::GRID];
    reviewsim_ok(&[&args[..], &["--replications", "20", "--quiet", "--out", o]].concat());
    let printed = reviewsim_ok(&["discover", o, "--where", "delay_days_mean:openai > 12"]);
    let printed = String::from_utf8(printed.stdout).unwrap();
    let limits = printed_limits(&printed);
    assert!(!limits.is_empty(), "{printed}");
    let trajectory = csv_rows(&out.join("discover_trajectory.csv"));
    let chosen = (trajectory.iter())
        .find(|row| row["chosen"] == "true")
        .unwrap();
    // The chosen box's label in the chart, and its limits as discover
    // printed them.
    let mut numbers = limits;
    numbers.push(format!("chosen box (step {})", chosen["step"]));
    numbers.push(format!(
        "It comes from step {} of the trajectory",
        chosen["step"]
    ));
    let titles = ["Scenario discovery: density against coverage of each box"].map(String::from);
    let html = check_report(&out, &numbers, &titles);
    assert_eq!(
        html.matches("Scenario discovery: density").count(),
        1,
        "one trade-off chart"
    );
    // One dot per box, in a chart the page shows after the heading.
    let chart = &html[html.find(">Where the condition holds").unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    let dots = chart.matches("<circle").count();
    // Each box a filled dot and its outline, the legend's two per restricted
    // count, and the ring round the chosen box.
    let counts: std::collections::BTreeSet<&str> = trajectory
        .iter()
        .map(|r| r["restricted"].as_str())
        .collect();
    assert_eq!(dots, 2 * trajectory.len() + 2 * counts.len() + 1);
}

/// A robustness study's table, written by hand: three options, an output
/// to minimise with a satisficing condition, one to maximise, and one
/// named by a condition only.
const ROBUSTNESS: &str = "\
option,metric,lab,direction,worlds,mean,p5,p50,p95,sd_worlds,noise_sd,between_worlds_sd,regret_mean,regret_p90,regret_max,best_share,satisfy,satisficing_share
status quo,hazardous_unreviewed_releases,all,minimize,40,2.4567,0.8123,2.2222,4.9876,1.234,0.2345,1.2115,0.9876,2.3456,3.4567,0.125,hazardous_unreviewed_releases:all <= 1,0.075
signed,hazardous_unreviewed_releases,all,minimize,40,1.5123,0.2468,1.3579,3.1415,0.9,0.21,0.875,0.0432,0.1234,0.5678,0.675,hazardous_unreviewed_releases:all <= 1,0.425
mandate,hazardous_unreviewed_releases,all,minimize,40,1.7321,0.4142,1.618,3.3333,0.95,0.22,0.924,0.2718,0.8765,1.4142,0.2,hazardous_unreviewed_releases:all <= 1,0.3
status quo,share_all,meta,maximize,38,0.3456,0.2012,0.3321,0.4987,0.09,0.01,0.0894,0.0123,0.0456,0.0789,0.4737,,
signed,share_all,meta,maximize,38,0.3321,0.1987,0.3303,0.4801,0.088,0.011,0.0873,0.0258,0.0612,0.0934,0.2632,,
mandate,share_all,meta,maximize,38,0.3398,0.2001,0.3355,0.4899,0.089,0.0105,0.0884,0.0183,0.0534,0.0867,0.2632,,
status quo,delay_days_mean,openai,none,40,3.2109,1.0101,2.9999,6.5432,1.5,0.3,1.47,,,,,delay_days_mean:openai <= 10,0.95
signed,delay_days_mean,openai,none,40,12.3456,8.7654,12.1212,17.1717,2.5,0.4,2.47,,,,,delay_days_mean:openai <= 10,0.225
mandate,delay_days_mean,openai,none,40,9.8765,6.5432,9.7531,13.5791,2.1,0.35,2.07,,,,,delay_days_mean:openai <= 10,0.55
";

/// Each output's rows of [`ROBUSTNESS`] as the page must show them, in
/// the order it must rank them: three significant digits, shares in
/// percent.
fn robustness_rows() -> [Vec<String>; 3] {
    let rows = |rows: &[&[&str]]| rows.iter().map(|cells| row_html(cells)).collect();
    [
        rows(&[
            &[
                "signed",
                "1.51",
                "0.247 – 3.14",
                "0.0432",
                "0.123",
                "0.568",
                "67.5%",
                "42.5%",
            ],
            &[
                "mandate",
                "1.73",
                "0.414 – 3.33",
                "0.272",
                "0.876",
                "1.41",
                "20.0%",
                "30.0%",
            ],
            &[
                "status quo",
                "2.46",
                "0.812 – 4.99",
                "0.988",
                "2.35",
                "3.46",
                "12.5%",
                "7.50%",
            ],
        ]),
        rows(&[
            &[
                "status quo",
                "0.346",
                "0.201 – 0.499",
                "0.0123",
                "0.0456",
                "0.0789",
                "47.4%",
            ],
            &[
                "mandate",
                "0.340",
                "0.200 – 0.490",
                "0.0183",
                "0.0534",
                "0.0867",
                "26.3%",
            ],
            &[
                "signed",
                "0.332",
                "0.199 – 0.480",
                "0.0258",
                "0.0612",
                "0.0934",
                "26.3%",
            ],
        ]),
        // No direction: no regret, and the study's order.
        rows(&[
            &["status quo", "3.21", "1.01 – 6.54", "95.0%"],
            &["signed", "12.3", "8.77 – 17.2", "22.5%"],
            &["mandate", "9.88", "6.54 – 13.6", "55.0%"],
        ]),
    ]
}

#[test]
fn the_report_of_a_robustness_study_ranks_the_options_by_regret() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("study");
    let o = out.to_str().unwrap();
    // The table is CSV whatever the format of the run's own tables.
    let format = if cfg!(feature = "parquet") {
        "parquet"
    } else {
        "csv"
    };
    let args = ["compare", BASELINE, "--arm", SIGNED, "--replications", "4"];
    reviewsim_ok(&[&args[..], &["--format", format, "--quiet", "--out", o]].concat());
    std::fs::write(out.join("robustness.csv"), ROBUSTNESS).unwrap();
    let expected = robustness_rows();
    let numbers: Vec<String> = expected.iter().flatten().cloned().collect();
    let titles = [
        "Hazardous releases that reached the public unreviewed: All labs (system): each option over the worlds",
        "Market share at the horizon: Meta: each option over the worlds",
        "Delay per release: OpenAI: each option over the worlds",
    ]
    .map(String::from);
    let html = check_report(&out, &numbers, &titles);
    for rows in &expected {
        let at: Vec<usize> = rows
            .iter()
            .map(|row| html.find(row.as_str()).unwrap())
            .collect();
        assert!(at.is_sorted(), "rows out of order: {rows:?}");
    }
    assert!(
        !html.contains("2.4567"),
        "numbers rounded as the terminal rounds them"
    );
    assert_eq!(html.matches("<th>meets the condition</th>").count(), 2);
    assert_eq!(html.matches("<th>mean regret</th>").count(), 2);
}

#[test]
fn a_report_needs_a_finished_run_and_writes_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let refused = reviewsim(&["report", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("manifest.json") && stderr.contains("--out"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let shard = dir.path().join("shard");
    let shard_arg = shard.to_str().unwrap();
    reviewsim_ok(&[
        "run",
        BASELINE,
        "--replications",
        "4",
        "--shard",
        "0/2",
        "--out",
        shard_arg,
        "--quiet",
    ]);
    let refused = reviewsim(&["report", shard_arg]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("one shard") && stderr.contains("merge"),
        "{stderr}"
    );
    assert!(!shard.join("report.html").exists());
}

#[test]
fn the_manifest_records_the_command_and_a_digest_of_the_scenario_as_run() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = |name: &str, set: &str| {
        let out = dir.path().join(name);
        reviewsim_ok(&[
            "run",
            BASELINE,
            "--replications",
            "2",
            "--set",
            set,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let (a, b, c) = (
        manifest("a", "review.window_days=30"),
        manifest("b", "review.window_days=30"),
        manifest("c", "review.window_days=15"),
    );
    let digest =
        |m: &serde_json::Value| m["resolved_scenario_sha256"].as_str().unwrap().to_string();
    assert_eq!(
        digest(&a),
        reviewsim::output::scenario_digest(&a["resolved_scenario"])
    );
    assert_eq!(digest(&a), digest(&b), "the same scenario, the same digest");
    assert_ne!(digest(&a), digest(&c), "another window, another digest");
    assert_eq!(a["command"][0], "reviewsim");
    assert_eq!(a["command"][1], "run");
    assert!(
        a["command"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "review.window_days=30")
    );
}

#[cfg(feature = "parquet")]
#[test]
fn a_parquet_run_reports_the_same_tables_and_charts_as_a_csv_run() {
    let dir = tempfile::tempdir().unwrap();
    let charts_of = |format: &str| {
        let out = dir.path().join(format);
        let o = out.to_str().unwrap();
        let args = [
            "compare",
            BASELINE,
            "--arm",
            SIGNED,
            "--replications",
            "12",
            "--timeseries",
            "60",
        ];
        reviewsim_ok(&[&args[..], &["--format", format, "--out", o, "--quiet"]].concat());
        reviewsim_ok(&["report", o, "--quiet"]);
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        // All but the provenance, which names the command and the time.
        let from = html.find(">Differences from the baseline</h2>").unwrap();
        let to = html.find("id=\"provenance\"").unwrap();
        html[from..to].to_string()
    };
    let (csv, parquet) = (charts_of("csv"), charts_of("parquet"));
    assert!(csv.matches("<svg").count() >= 10);
    assert!(
        csv == parquet,
        "the report of the Parquet tables differs from the CSV's"
    );
}
