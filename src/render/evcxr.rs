//! Rich display in Jupyter notebooks through the evcxr kernel (feature `evcxr`, on by
//! default, no dependencies).
//!
//! evcxr calls a value's `evcxr_display` method when a cell ends with it; the method
//! prints blocks `EVCXR_BEGIN_CONTENT <mime type>` … `EVCXR_END_CONTENT` on stdout
//! (evcxr's documented protocol). Every rich block (`text/html`, and `image/svg+xml` for a
//! chart) comes with a `text/plain` block, which evcxr's terminal REPL prints.

use std::io::Write;

use crate::ClaimSet;
use crate::chart::{Chart, TimeChart};
use crate::reconcile::{QuantityReport, Reconciliation};
use crate::report::{claim_set_html, claim_set_text};

/// The evcxr protocol text for several MIME blocks.
///
/// No content can end its block or open another: every `EVCXR_` in the content (a quantity
/// description could hold `EVCXR_END_CONTENT` on a line of its own, then raw HTML) is
/// written so that the reader sees the same text but the protocol sees no marker — in
/// HTML and SVG as `EVCXR&#95;` (the same characters once rendered), in plain text with a
/// zero-width joiner after `EVCXR`.
///
/// ```
/// use crosscheck::evcxr::mime_bundle;
///
/// let hostile = "x\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/html\n<script>";
/// let out = mime_bundle(&[("text/plain", hostile)]);
/// assert_eq!(out.lines().filter(|l| l.starts_with("EVCXR_")).count(), 2);
/// ```
#[must_use]
pub fn mime_bundle(blocks: &[(&str, &str)]) -> String {
    blocks
        .iter()
        .map(|(mime, content)| {
            let safe = if mime.contains("html") || mime.contains("xml") {
                content.replace("EVCXR_", "EVCXR&#95;")
            } else {
                content.replace("EVCXR_", "EVCXR\u{200D}_")
            };
            format!("EVCXR_BEGIN_CONTENT {mime}\n{safe}\nEVCXR_END_CONTENT")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn emit(blocks: &[(&str, &str)]) {
    // One write under the lock, so nothing else interleaves with the blocks.
    let out = std::io::stdout();
    let mut lock = out.lock();
    let _ = writeln!(lock, "{}", mime_bundle(blocks));
    let _ = lock.flush();
}

impl Reconciliation {
    /// Displays the report (HTML with charts, and plain text) in an evcxr notebook.
    pub fn evcxr_display(&self) {
        emit(&[
            ("text/html", &self.to_html_fragment()),
            ("text/plain", &self.to_string()),
        ]);
    }
}

impl QuantityReport {
    /// Displays this quantity's report (HTML with its chart, and plain text) in evcxr.
    pub fn evcxr_display(&self) {
        emit(&[
            ("text/html", &self.to_html()),
            ("text/plain", &self.to_string()),
        ]);
    }
}

impl ClaimSet {
    /// Displays the claims as a table with their disagreement chart (HTML, and plain text)
    /// in evcxr. The chart comes from a reconciliation without pooled estimates (O(n log n)
    /// per quantity); display a [`Reconciliation`] for those.
    pub fn evcxr_display(&self) {
        let r = crate::Reconciler::new()
            .with_pooling(crate::pool::PoolOptions::none())
            .reconcile(self);
        let html = format!("{}{}", claim_set_html(self), Chart::new(&r).to_svg());
        emit(&[("text/html", &html), ("text/plain", &claim_set_text(self))]);
    }
}

impl crate::report::SourceTable<'_> {
    /// Displays the sources' track record (HTML table, and plain text) in evcxr.
    pub fn evcxr_display(&self) {
        emit(&[
            ("text/html", &self.to_html()),
            ("text/plain", &self.to_string()),
        ]);
    }
}

impl Chart<'_> {
    /// Displays the chart (SVG, and a plain-text note) in evcxr.
    pub fn evcxr_display(&self) {
        let svg = self.to_svg();
        emit(&[
            ("image/svg+xml", &svg),
            ("text/plain", "[crosscheck disagreement chart: SVG]"),
        ]);
    }
}

impl TimeChart<'_> {
    /// Displays the time chart (SVG, and a plain-text note) in evcxr.
    pub fn evcxr_display(&self) {
        let svg = self.to_svg();
        emit(&[
            ("image/svg+xml", &svg),
            ("text/plain", "[crosscheck time chart: SVG]"),
        ]);
    }
}
