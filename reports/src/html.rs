//! The frame of seqsim's HTML pages: one self-contained file each (no script, no external
//! resource), the same head and style, text escaped in one place.

/// The pages' style: readable type, tables with their numbers aligned, verdict colours.
pub const STYLE: &str = "body{font-family:sans-serif;font-size:17px;margin:1.5em;color:#111;background:#fff}\
figure{margin:1.5em 0}figcaption{font-weight:bold;font-size:1.15em;margin-bottom:.4em}\
svg{max-width:100%;height:auto}code{background:#f0f0f0;padding:0 .2em}\
table{border-collapse:collapse;margin:.6em 0 2em}caption{text-align:left;padding:.3em 0}\
th,td{border:1px solid #999;padding:.25em .6em}td{text-align:right;font-variant-numeric:tabular-nums}\
td.name{text-align:left}tr.pass td{background:#c8ecd0}tr.fail td{background:#f6c6c6}\
tr.skipped td{background:#e4e4e4}table.events td.at{white-space:nowrap}\
table.events{font-size:15px;width:100%}table.run td,table.facts td,table.events td.details{overflow-wrap:anywhere}";

pub mod chart;
pub mod diff;
pub mod run;
pub mod trace;

/// `text` safe inside HTML text and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A page's start: the document head with `title`, and the body opened.
pub fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    )
}

/// A page's end.
pub const TAIL: &str = "</body>\n</html>\n";

/// A chart in a figure with its caption; `id` names it for links and tests.
pub fn figure(id: &str, caption: &str, svg: &str) -> String {
    format!(
        "<figure class=\"chart\" id=\"{}\">\n<figcaption>{}</figcaption>\n{svg}\n</figure>\n",
        escape(id),
        escape(caption)
    )
}

/// A table of text cells: the first `names` cells of each row are names (left-aligned), the
/// others numbers.
pub struct Table<'a> {
    /// Its id, for links and tests.
    pub id: String,
    /// Its caption.
    pub caption: &'a str,
    /// The column heads.
    pub header: &'a [&'a str],
    /// The rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
    /// How many leading cells of a row are names.
    pub names: usize,
}

impl Table<'_> {
    /// The table as HTML, every cell escaped.
    pub fn html(&self) -> String {
        use std::fmt::Write as _;
        let mut out = format!(
            "<table id=\"{}\">\n<caption>{}</caption>\n<tr>",
            escape(&self.id),
            escape(self.caption)
        );
        for h in self.header {
            let _ = write!(out, "<th>{}</th>", escape(h));
        }
        out.push_str("</tr>\n");
        for row in &self.rows {
            assert_eq!(
                row.len(),
                self.header.len(),
                "table {}: a cell per column",
                self.id
            );
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let class = if i < self.names {
                    " class=\"name\""
                } else {
                    ""
                };
                let _ = write!(out, "<td{class}>{}</td>", escape(cell));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            escape("a < b & \"c\" > d"),
            "a &lt; b &amp; &quot;c&quot; &gt; d"
        );
        assert!(head("x<y").contains("<title>x&lt;y</title>"));
    }

    #[test]
    fn tables_escape_and_align_their_cells() {
        let t = Table {
            id: "t".into(),
            caption: "a & b",
            header: &["name", "count"],
            rows: vec![vec!["<x>".into(), "1,200".into()]],
            names: 1,
        };
        assert_eq!(
            t.html(),
            "<table id=\"t\">\n<caption>a &amp; b</caption>\n<tr><th>name</th><th>count</th></tr>\n<tr><td class=\"name\">&lt;x&gt;</td><td>1,200</td></tr>\n</table>\n"
        );
        assert!(figure("f", "F", "<svg/>").starts_with("<figure class=\"chart\" id=\"f\">"));
    }
}
