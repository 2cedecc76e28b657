//! The frame of seqsim's HTML pages: one self-contained file each (no script, no external
//! resource), the same head and style, text escaped in one place.

pub mod trace;

/// The pages' style: readable type, tables with their numbers aligned, verdict colours.
pub const STYLE: &str = "body{font-family:sans-serif;font-size:17px;margin:1.5em;color:#111;background:#fff}\
figure{margin:1.5em 0}figcaption{font-weight:bold;font-size:1.15em;margin-bottom:.4em}\
svg{max-width:100%;height:auto}code{background:#f0f0f0;padding:0 .2em}\
table{border-collapse:collapse;margin:.6em 0 2em}caption{text-align:left;padding:.3em 0}\
th,td{border:1px solid #999;padding:.25em .6em}td{text-align:right;font-variant-numeric:tabular-nums}\
td.name{text-align:left}tr.pass td{background:#c8ecd0}tr.fail td{background:#f6c6c6}\
tr.skipped td{background:#e4e4e4}table.events td.at{white-space:nowrap}\
table.events{font-size:15px;width:100%}table.run td,table.facts td,table.events td.details{overflow-wrap:anywhere}";

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
}
