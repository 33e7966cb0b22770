//! Every relative link of the project's Markdown resolves: the file or
//! folder it names exists, relative to the file that links, and a
//! `#section` is the anchor of one of the target's headings. Links to the
//! web (`http://`, `https://`, `mailto:`) and text in fenced code blocks are
//! not checked.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::sources::anchor;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The Markdown a reader of the repository meets: the root's documents, the
/// READMEs of `benches/`, `benches/peer/` and `data/`, and every page under
/// `docs/`. MODEL.md is checked when there is one.
pub fn documents() -> Vec<PathBuf> {
    let root = Path::new(ROOT);
    let mut files: Vec<PathBuf> = [
        "README.md",
        "CONTRIBUTING.md",
        "benches/README.md",
        "benches/peer/README.md",
        "data/README.md",
    ]
    .iter()
    .map(|file| root.join(file))
    .collect();
    if root.join("MODEL.md").exists() {
        files.push(root.join("MODEL.md"));
    }
    markdown_under(&root.join("docs"), &mut files);
    files
}

/// Adds every `.md` file under `dir`, at any depth, in a stable order.
fn markdown_under(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            markdown_under(&path, files);
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
}

/// The text outside fenced code blocks: each line of a fence, and the
/// fence's own lines, become empty, so line numbers stay those of the file.
fn prose(text: &str) -> Vec<String> {
    let mut fence: Option<(char, usize)> = None;
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let marker = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'));
        let run = marker.map_or(0, |m| trimmed.chars().take_while(|&c| c == m).count());
        match (fence, marker) {
            (None, Some(m)) if indent <= 3 && run >= 3 => {
                fence = Some((m, run));
                lines.push(String::new());
            }
            (Some((open, length)), Some(m))
                if m == open && run >= length && trimmed[run..].trim().is_empty() =>
            {
                fence = None;
                lines.push(String::new());
            }
            (Some(_), _) => lines.push(String::new()),
            (None, _) => lines.push(line.to_string()),
        }
    }
    lines
}

/// A line with the inside of its code spans blanked, so that `` `[a](b)` ``
/// is not taken for a link, while `` [`a`](b) `` stays one.
fn without_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else if in_code {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A link found in a document: its line (from 1) and its target.
#[derive(Debug, PartialEq)]
struct Link {
    line: usize,
    target: String,
}

/// Every inline link `[text](target)` and image `![text](target)` of the
/// prose, code spans left out. The text may run over several lines; the
/// target may not.
fn links(prose: &[String]) -> Vec<Link> {
    let lines: Vec<String> = prose.iter().map(|line| without_code_spans(line)).collect();
    let text = lines.join("\n");
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find("](") {
        let close = from + offset;
        from = close + 2;
        if !opens_a_link_text(&bytes[..close]) {
            continue;
        }
        let rest = &text[from..];
        let end = rest.find([')', ' ', '\n']).unwrap_or(rest.len());
        if rest[end..].starts_with('\n') || end == rest.len() {
            continue;
        }
        let target = rest[..end].trim_start_matches('<').trim_end_matches('>');
        found.push(Link {
            line: text[..close].matches('\n').count() + 1,
            target: target.to_string(),
        });
    }
    found
}

/// Whether the text before a `]` holds the `[` that opens it, brackets
/// between them balanced.
fn opens_a_link_text(before: &[u8]) -> bool {
    let mut depth = 0usize;
    for &b in before.iter().rev() {
        match b {
            b']' => depth += 1,
            b'[' if depth == 0 => return true,
            b'[' => depth -= 1,
            _ => {}
        }
    }
    false
}

/// The anchors of a Markdown file's headings, as GitHub makes them: a
/// heading's slug, and `-1`, `-2`, ... after it for later headings with
/// the same slug.
fn heading_anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut anchors = Vec::new();
    for line in prose(text) {
        let trimmed = line.trim_start();
        let level = trimmed.chars().take_while(|&c| c == '#').count();
        let heading = &trimmed[level..];
        if !(1..=6).contains(&level) || !(heading.is_empty() || heading.starts_with(' ')) {
            continue;
        }
        let slug = anchor(heading.trim().trim_end_matches('#'));
        let count = seen.entry(slug.clone()).or_insert(0);
        anchors.push(match *count {
            0 => slug.clone(),
            n => format!("{slug}-{n}"),
        });
        *count += 1;
    }
    anchors
}

/// Why a link of `document` does not resolve, or `None` when it does.
fn problem(document: &Path, target: &str) -> Option<String> {
    let (path, section) = match target.split_once('#') {
        Some((path, section)) => (path, Some(section)),
        None => (target, None),
    };
    let file = if path.is_empty() {
        document.to_path_buf()
    } else {
        document.parent().unwrap().join(path)
    };
    if !file.exists() {
        return Some(format!("{path} does not exist"));
    }
    let section = section?;
    if file.extension().is_none_or(|e| e != "md") {
        return Some(format!("#{section}: {path} is not Markdown"));
    }
    let text = std::fs::read_to_string(&file).unwrap();
    if heading_anchors(&text).iter().any(|a| a == section) {
        None
    } else {
        let name = file.strip_prefix(ROOT).unwrap_or(&file).display();
        Some(format!("{name} has no heading #{section}"))
    }
}

/// The broken links of one document, each as `file:line: target: why`.
fn broken_links(document: &Path) -> Vec<String> {
    let text =
        std::fs::read_to_string(document).unwrap_or_else(|e| panic!("{}: {e}", document.display()));
    let name = document.strip_prefix(ROOT).unwrap_or(document).display();
    links(&prose(&text))
        .into_iter()
        .filter(|link| {
            !["http://", "https://", "mailto:"]
                .iter()
                .any(|scheme| link.target.starts_with(scheme))
        })
        .filter_map(|link| {
            let why = problem(document, &link.target)?;
            Some(format!("{name}:{}: ({}): {why}", link.line, link.target))
        })
        .collect()
}

#[test]
fn every_relative_link_of_the_markdown_resolves() {
    let documents = documents();
    assert!(documents.len() > 8, "{documents:?}");
    let broken: Vec<String> = documents.iter().flat_map(|d| broken_links(d)).collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn links_are_found_in_prose_and_images_but_not_in_code() {
    let text = "See [the model](MODEL.md#parameters) and ![a figure](docs/a.png).\n\
                A [text over\ntwo lines](x.md), `[code](no.md)`, [`code`](yes.md).\n\
                ```sh\n[fenced](no.md)\n```\n\
                Not links: [0, 1) and [a] (b) and [c]: d.\n";
    let targets: Vec<(usize, String)> = links(&prose(text))
        .into_iter()
        .map(|link| (link.line, link.target))
        .collect();
    let expected = [
        (1, "MODEL.md#parameters"),
        (1, "docs/a.png"),
        (3, "x.md"),
        (3, "yes.md"),
    ];
    let expected: Vec<(usize, String)> = expected
        .iter()
        .map(|(line, target)| (*line, target.to_string()))
        .collect();
    assert_eq!(targets, expected);
}

#[test]
fn a_missing_file_or_section_is_a_broken_link() {
    let readme = Path::new(ROOT).join("README.md");
    assert_eq!(problem(&readme, "MODEL.md#parameters"), None);
    assert_eq!(problem(&readme, "docs/outputs.md#types-and-order"), None);
    assert_eq!(problem(&readme, "docs"), None);
    assert!(problem(&readme, "nowhere.md").is_some());
    assert!(problem(&readme, "MODEL.md#nowhere").is_some());
    assert!(problem(&readme, "#nowhere").is_some());
    assert!(problem(&readme, "Cargo.toml#package").is_some());
}

#[test]
fn headings_get_githubs_anchors_and_code_comments_none() {
    let text = "# Outputs\n## Tables of `backtest` and `replay`\n## Notes\n## Notes\n\
                ```toml\n# not a heading\n```\n#hashtag\n";
    assert_eq!(
        heading_anchors(text),
        [
            "outputs",
            "tables-of-backtest-and-replay",
            "notes",
            "notes-1"
        ]
    );
}
