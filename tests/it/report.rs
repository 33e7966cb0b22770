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
    ("robustness", "Robustness of the options"),
    (
        "discover_trajectory",
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
            ["csv", "parquet"]
                .iter()
                .any(|e| dir.join(format!("{file}.{e}")).exists()),
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
    // The condition, as given (discover.json).
    numbers.push("<code>delay_days_mean:openai > 12</code> holds".into());
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

/// The rows `reviewsim robustness` printed, block by block (one per output
/// judged), each as the row of the page's table: option, mean, 5th – 95th
/// percentile, regret mean, 90th percentile and largest, best share.
fn printed_robustness(printed: &str) -> Vec<Vec<String>> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    for line in printed.lines() {
        if !line.starts_with(' ') && line.contains("worlds; regret") {
            blocks.push(Vec::new());
            continue;
        }
        let cells: Vec<&str> = line.split_whitespace().collect();
        let ranked = cells.first().is_some_and(|c| c.parse::<usize>().is_ok());
        if let (true, Some(block), 12) = (ranked, blocks.last_mut(), cells.len()) {
            let spread = format!("{} – {}", cells[3], cells[5]);
            let row = [
                cells[1], cells[2], &spread, cells[6], cells[7], cells[8], cells[9],
            ];
            block.push(row_html(&row));
        }
    }
    blocks
}

#[test]
fn the_report_of_a_robustness_study_shows_the_ranking_and_satisficing_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let study = crate::common::baseline_sweep(dir.path(), crate::robustness::STUDY);
    let out = dir.path().join("study");
    let o = out.to_str().unwrap();
    // The run's tables, robustness among them, in either format;
    // satisficing.csv, which the command writes, is CSV.
    let format = if cfg!(feature = "parquet") {
        "parquet"
    } else {
        "csv"
    };
    reviewsim_ok(&[
        "run",
        &study,
        "--replications",
        "4",
        "--set",
        "simulation.horizon_days=365",
        "--format",
        format,
        "--quiet",
        "--out",
        o,
    ]);
    let printed = reviewsim_ok(&[
        "robustness",
        o,
        "--satisfy",
        "hazardous_unreviewed_releases <= 1",
        "--satisfy",
        "incidents_open_weights < 0.5",
    ]);
    let printed = String::from_utf8(printed.stdout).unwrap();
    let blocks = printed_robustness(&printed);
    assert_eq!(blocks.len(), 3, "{printed}");
    assert!(blocks.iter().all(|b| b.len() == 4), "{printed}");
    let mut numbers: Vec<String> = blocks.iter().flatten().cloned().collect();
    for row in csv_rows(&out.join("satisficing.csv")) {
        let share = format!(
            "{}%",
            reviewsim::app::three_significant(100.0 * row["share"].parse::<f64>().unwrap())
        );
        numbers.push(row_html(&[&row["option"], &row["condition"], &share]));
    }
    assert_eq!(numbers.len(), 12 + 4 * 3);
    let titles = [
        "Hazardous releases that reached the public unreviewed: All labs (system): each option over the worlds",
        "Delay per release: OpenAI: each option over the worlds",
        "Market share at the horizon: OpenAI: each option over the worlds",
    ]
    .map(String::from);
    let html = check_report(&out, &numbers, &titles);
    // Ranked as printed: least mean regret first.
    for rows in &blocks {
        let at: Vec<usize> = (rows.iter())
            .map(|row| html.find(row.as_str()).unwrap())
            .collect();
        assert!(at.is_sorted(), "rows out of order: {rows:?}");
    }
    assert_eq!(html.matches("<th>mean regret</th>").count(), 3);
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
