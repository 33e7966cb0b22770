//! The report's page: sections, tables and figures as HTML, with the style
//! that keeps it readable from a laptop's width up, and nothing to fetch.

use std::fmt::Write;

use super::Output;

/// The page being assembled.
pub struct Page {
    title: String,
    body: String,
    /// Every chart's title, in order.
    pub chart_titles: Vec<String>,
    /// Every section's heading, in order.
    pub section_titles: Vec<String>,
}

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1b1b1b;
       margin: 0 auto; max-width: 980px; padding: 1.2rem 1.4rem 3rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
h3 { font-size: 1.02rem; margin: 1.4rem 0 0.3rem; }
p.lede { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
th { text-align: left; background: #f6f6f6; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.facts td:first-child { color: #555; white-space: nowrap; }
table.facts td { overflow-wrap: anywhere; }
.wide { overflow-x: auto; }
figure { margin: 1rem 0 1.6rem; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: #555; font-size: 0.88rem; margin-top: 0.3rem; }
code { font-size: 0.86rem; background: #f3f3f3; padding: 0.05rem 0.25rem; border-radius: 3px;
       overflow-wrap: anywhere; }
.note { color: #7a4b00; }
";

impl Page {
    /// An empty page for the run in `output`.
    pub fn new(output: &Output) -> Page {
        let name = output.manifest["scenario_name"].as_str().unwrap_or("run");
        Page {
            title: format!("reviewsim report: {name}"),
            body: String::new(),
            chart_titles: Vec::new(),
            section_titles: Vec::new(),
        }
    }

    /// Starts a section under `title`.
    pub fn section(&mut self, title: &str) {
        let id: String = (title.to_lowercase().chars())
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let _ = writeln!(self.body, "<h2 id=\"{id}\">{}</h2>", escape(title));
        self.section_titles.push(title.to_string());
    }

    /// A sub-heading.
    pub fn heading(&mut self, title: &str) {
        let _ = writeln!(self.body, "<h3>{}</h3>", escape(title));
    }

    /// A paragraph flagged as a caveat.
    pub fn note(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p class=\"note\">{}</p>", escape(text));
    }

    /// HTML the caller has escaped.
    pub fn raw(&mut self, html: &str) {
        self.body.push_str(html);
    }

    /// A figure: its title, the chart's SVG, and what it shows.
    pub fn chart(&mut self, title: &str, svg: &str, caption: &str) {
        let _ = writeln!(
            self.body,
            "<figure>\n<h3 class=\"chart-title\">{}</h3>\n{}\n<figcaption>{}</figcaption>\n</figure>",
            escape(title),
            svg.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .trim(),
            escape(caption)
        );
        self.chart_titles.push(title.to_string());
    }

    /// A table: a header row, then rows whose cells after the first are
    /// numbers (right-aligned).
    pub fn table(&mut self, class: &str, header: &[String], rows: &[Vec<String>]) {
        let mut html = format!("<div class=\"wide\"><table class=\"{class}\">\n");
        if !header.is_empty() {
            html.push_str("<tr>");
            for cell in header {
                let _ = write!(html, "<th>{}</th>", escape(cell));
            }
            html.push_str("</tr>\n");
        }
        for row in rows {
            html.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let class = match i == 0 || class == "facts" {
                    true => "",
                    false => " class=\"num\"",
                };
                let _ = write!(html, "<td{class}>{}</td>", escape(cell));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table></div>\n");
        self.body.push_str(&html);
    }

    /// The whole page.
    pub fn html(&self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n\
             {body}</body>\n</html>\n",
            title = escape(&self.title),
            body = self.body
        )
    }
}

/// Text as HTML.
pub fn escape(text: &str) -> String {
    let mut html = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
