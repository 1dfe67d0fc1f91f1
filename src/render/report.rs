//! Renderers of a [`Reconciliation`]: a plain-text report people read in a terminal.
//!
//! The JSON report is `serde_json` on the [`Reconciliation`] itself
//! ([`Reconciliation::to_json_string`]).
//!
//! ```
//! use crosscheck::{ClaimSet, Reconciler};
//!
//! let set = ClaimSet::from_csv_str(
//!     "quantity,sources,value\nkpa-casualties,ua-gov,\"about 4,000\"\nkpa-casualties,us-intel,\"closer to 1,200\"\n",
//! )?;
//! let r = Reconciler::new().reconcile(&set);
//! assert!(r.to_string().contains("== kpa-casualties")); // text
//! assert!(r.to_markdown().contains("## kpa-casualties")); // Markdown
//! assert!(r.to_html().starts_with("<!DOCTYPE html>")); // HTML with the chart inline
//! assert!(r.to_summary_text().contains("tension")); // one line per quantity
//! assert!(r.to_summary_csv().starts_with("quantity,"));
//! assert!(r.to_json_string().contains("\"verdict\": \"tension\""));
//! Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::notes::{ordered_pooled, pooled_warnings};
use std::fmt::{self, Write};

use crate::format::{format_number, terminal_safe, terminal_safe_lines};
use crate::pool::Pooled;
use crate::reconcile::{QuantityReport, Reconciliation, Verdict};
use crate::relation::Relation;

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), format_number)
}

fn verdict_text(q: &QuantityReport) -> String {
    let who = q.deciding.join(", ");
    match q.verdict {
        Verdict::Single => "SINGLE — one claim, nothing to reconcile against".to_string(),
        Verdict::Consistent => format!(
            "CONSISTENT — every claim's plausible range shares the consensus (bounds set by {who})"
        ),
        Verdict::Tension => format!(
            "TENSION — the plausible ranges do not all meet, though the claims could all be true (decided by {who})"
        ),
        Verdict::Contradiction => {
            format!("CONTRADICTION — not all claims can be true: {who} exclude each other")
        }
    }
}

/// The headline beside the verdict: agreement, spread and severity (DESIGN §3).
fn headline(q: &QuantityReport) -> String {
    let mut s = format!(
        "{:.0}% of the weight agrees (in the best-supported region)",
        q.agreement * 100.0
    );
    if let Some(sp) = q.spread {
        let _ = write!(s, "; spread {}×", format_ratio(sp));
    }
    if let Some(sev) = q.severity {
        let _ = write!(
            s,
            "; severity {sev}{}",
            match sev {
                crate::reconcile::Severity::Minor => " (the deciding figures are within 5 %)",
                crate::reconcile::Severity::Major => "",
            }
        );
    }
    s
}

fn format_ratio(r: f64) -> String {
    if r < 100.0 {
        format!("{r:.2}")
    } else {
        format_number(r.round())
    }
}

/// The track-record table (DESIGN §3.5): a header and one row per source.
fn source_table(r: &Reconciliation) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let learned = r.learning.is_some();
    let mut head = vec![
        "source",
        "claims",
        "compared",
        "in best-supported",
        "bias",
        "dispersion",
        "coverage",
        "by stance",
    ];
    if learned {
        head.extend(["learned weight", "gated"]);
    }
    let pct = |x: Option<f64>| x.map_or_else(|| "—".into(), |x| format!("{:.0} %", 100.0 * x));
    let ratio =
        |x: Option<f64>| x.map_or_else(|| "—".into(), |x| format!("×{}", format_ratio(x.exp())));
    let rows = r
        .sources
        .iter()
        .map(|s| {
            let stance: Vec<String> = s
                .by_stance
                .iter()
                .filter(|(k, _)| s.by_stance.len() > 1 || k.as_str() != "unknown")
                .map(|(k, v)| match v.bias {
                    Some(b) => format!("{k} ×{} ({})", format_ratio(b.exp()), v.claims),
                    None => format!("{k} ({})", v.claims),
                })
                .collect();
            let mut row = vec![
                s.id.clone(),
                s.claims.to_string(),
                s.compared.to_string(),
                pct(s.in_best_supported),
                ratio(s.bias),
                ratio(s.dispersion),
                pct(s.coverage),
                if stance.is_empty() {
                    "—".into()
                } else {
                    stance.join("; ")
                },
            ];
            if learned {
                row.push(
                    s.learned_weight
                        .map_or_else(|| "—".into(), |w| format!("{w:.3}")),
                );
                row.push(if s.gated.is_empty() {
                    String::new()
                } else {
                    s.gated.join(", ")
                });
            }
            row
        })
        .collect();
    (head, rows)
}

/// What the track-record table needs said with it: how to read it, how learning ran,
/// and the definition splits.
fn source_notes(r: &Reconciliation) -> Vec<String> {
    let mut out = vec![
        "bias: the median ratio of a source's figures to the median of the other claims of the same quantity (counts only); dispersion: the typical factor around it; coverage: how often its plausible interval holds that median".to_string(),
    ];
    if let Some(l) = &r.learning {
        out.push(format!(
            "learned reliability ({}): {} sources weighted in {} iteration{}{}; {} claim{} gated as magnitude errors; the pooled line `learned` uses these weights (1 = a source of typical error)",
            l.method,
            l.sources,
            l.iterations,
            if l.iterations == 1 { "" } else { "s" },
            if l.converged {
                String::new()
            } else if l.cycling > 0 {
                format!(" (no fixed point: {} value{} alternate between claimed figures)", l.cycling, if l.cycling == 1 { "" } else { "s" })
            } else {
                " (not converged)".to_string()
            },
            l.gated,
            if l.gated == 1 { "" } else { "s" },
        ));
    }
    for d in &r.definitions {
        let how = match (d.ratio, d.difference) {
            (Some(x), _) => format!(
                "the second group's figures are ×{} the first's",
                format_ratio(x)
            ),
            (None, Some(x)) => {
                format!("the second group's figures differ by {x:+.2} robust spreads")
            }
            _ => String::new(),
        };
        out.push(format!(
            "two definitions? sources split into groups that agree within and not across: {} on {} shared quantities; {how}",
            d.groups.iter().map(|g| format!("[{}]", g.join(", "))).collect::<Vec<_>>().join(" vs "),
            d.quantities
        ));
    }
    out
}

/// The track record as text: a heading, the table and its notes.
fn sources_text(r: &Reconciliation) -> String {
    let mut out = String::from("== sources' track record\n");
    let (head, mut rows) = source_table(r);
    rows.insert(0, head.iter().map(|h| (*h).to_string()).collect());
    out.push_str(&table(&rows));
    for l in source_notes(r) {
        let _ = writeln!(out, "   {}", terminal_safe(&l));
    }
    terminal_safe_lines(out)
}

/// The sources' track record of a reconciliation on its own (DESIGN §3.5): `Display` as
/// text, [`SourceTable::to_html`], and a table in evcxr notebooks.
///
/// ```
/// use crosscheck::{ClaimSet, Reconciler};
///
/// let set = ClaimSet::from_csv_str("quantity,sources,value\nq,a,100\nq,b,120\n")?;
/// let r = Reconciler::new().reconcile(&set);
/// assert!(r.source_table().to_string().contains("sources' track record"));
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SourceTable<'a>(pub &'a Reconciliation);

impl SourceTable<'_> {
    /// The table as an HTML fragment.
    #[must_use]
    pub fn to_html(&self) -> String {
        format!(
            "<div class=\"crosscheck\">{CSS}{}</div>",
            self.0.sources_html()
        )
    }
}

impl fmt::Display for SourceTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&sources_text(self.0))
    }
}

impl Reconciliation {
    /// The sources' track record on its own, for printing or a notebook.
    #[must_use]
    pub fn source_table(&self) -> SourceTable<'_> {
        SourceTable(self)
    }

    /// The sources' track record (DESIGN §3.5) as an HTML table with its notes: a
    /// fragment for notebooks, also part of [`Reconciliation::to_html`].
    #[must_use]
    pub fn sources_html(&self) -> String {
        if self.sources.is_empty() {
            return String::new();
        }
        let (head, rows) = source_table(self);
        let notes: String = source_notes(self)
            .iter()
            .map(|l| format!("<li>{}</li>", html_escape(l)))
            .collect();
        format!(
            "<section><h2>Sources' track record</h2>{}<ul>{notes}</ul></section>",
            html_table(&head, &rows, 1)
        )
    }
}

fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::from("   ");
        for (c, cell) in r.iter().enumerate() {
            line.push(' ');
            line.push_str(cell);
            if c + 1 < r.len() {
                line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 1));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// What makes two pooled lines the same estimate: value, interval and τ² as printed.
fn pooled_identity(p: &Pooled) -> String {
    format!(
        "{} {} {}",
        opt(p.value),
        p.interval.map_or("—".into(), |i| i.to_string()),
        p.heterogeneity
            .as_ref()
            .map_or("—".into(), |h| format!("{:.3}", h.tau2))
    )
}

fn pooled_named(name: &str, key: &str, p: &Pooled) -> String {
    let mut s = format!("{name:<18} {:>10}", opt(p.value));
    if let Some([a, b]) = p.tie {
        let _ = write!(s, "  tie {} | {}", format_number(a), format_number(b));
    }
    // With few claims the small-sample (HKSJ) interval is the one to read: it comes first.
    if let Some(i) = p.small_sample_interval.filter(|_| p.used < 10) {
        let _ = write!(
            s,
            "  HKSJ {i}  z {}",
            p.interval.map_or("—".into(), |i| i.to_string())
        );
    } else if let Some(i) = p.interval {
        let _ = write!(s, "  {i}");
    }
    if let Some(h) = &p.heterogeneity {
        // A fixed effect has τ² = 0 by construction: its I² is the Q-based one.
        let i2 = if key == "fixed_effect" {
            h.i2
        } else {
            h.i2_tau
        };
        let _ = write!(s, "  τ² {:.3} I² {:.0}%", h.tau2, i2);
    }
    if let Some(pi) = p.prediction {
        let _ = write!(s, "  PI {pi}");
    }
    if let Some(f) = p.faulty {
        let _ = write!(s, "  f = {f}");
    }
    let _ = write!(s, "  [{} of {} claims]", p.used, p.of);
    if let Some(inf) = &p.influence
        && let (Some(c), Some(r)) = (&inf.most_influential_claim, inf.claim_ratio)
        && p.weights.len() > 1
    {
        let _ = write!(s, "  without {c}: ×{r:.2}");
    }
    for b in p
        .bounds
        .iter()
        .filter(|b| b.status == crate::pool::BoundStatus::EstimateOutside)
    {
        let _ = write!(s, "  ⚠ breaks the firm bound {} of {}", b.bound, b.claim);
    }
    s
}

/// Writes one quantity's section of the text report.
///
/// # Errors
///
/// Only those of the writer.
pub fn write_quantity(out: &mut impl Write, q: &QuantityReport) -> fmt::Result {
    // Input text is escaped where it is written; the whole section is checked once more so
    // that no field, however it got into the report, reaches the terminal raw.
    let mut section = String::new();
    write_quantity_raw(&mut section, q)?;
    out.write_str(&terminal_safe_lines(section))
}

fn write_quantity_raw(out: &mut impl Write, q: &QuantityReport) -> fmt::Result {
    let mut facts = Vec::new();
    if !q.unit.is_empty() {
        facts.push(terminal_safe(&q.unit).into_owned());
    }
    facts.push(q.temporal.as_str().to_string());
    if let Some(s) = &q.subject_side {
        facts.push(format!("subject: {}", terminal_safe(s)));
    }
    writeln!(
        out,
        "== {} — {} ({})",
        terminal_safe(&q.quantity),
        if q.description.is_empty() {
            "(no description)".into()
        } else {
            terminal_safe(&q.description)
        },
        facts.join(", ")
    )?;
    if q.is_projection() {
        writeln!(
            out,
            "   PROJECTION: hypothetical or future figures, reconciled apart from present counts"
        )?;
    }
    writeln!(out, "   verdict: {}", verdict_text(q))?;
    writeln!(out, "   agreement: {}", headline(q))?;
    let dated = q
        .claims
        .iter()
        .any(|c| c.as_of.is_some() || c.published.is_some());
    let mut rows = vec![vec![
        "claim".to_string(),
        "sources".into(),
        "stance".into(),
        "wording".into(),
        "read as".into(),
        if dated { "date".into() } else { String::new() },
        "plausible".into(),
        "hard".into(),
        "central".into(),
    ]];
    for c in &q.claims {
        rows.push(vec![
            c.id.clone(),
            c.sources.join("+"),
            c.stance.as_str().into(),
            c.wording
                .as_ref()
                .map_or("(numeric)".into(), |w| format!("\"{}\"", terminal_safe(w))),
            c.rule.clone().unwrap_or_else(|| "—".into()),
            if dated {
                match c.status {
                    crate::time::ClaimStatus::Current => date_cell(c),
                    s => format!("{} ({s})", date_cell(c)),
                }
            } else {
                String::new()
            },
            c.plausible.to_string(),
            c.hard.to_string(),
            opt(c.central),
        ]);
    }
    if !dated {
        for r in &mut rows {
            r.remove(5);
        }
    }
    out.write_str(&table(&rows))?;
    for c in q
        .claims
        .iter()
        .filter(|c| c.reported_by.is_some() || c.url.is_some() || c.quote.is_some())
    {
        writeln!(
            out,
            "   cited: {} — {}",
            c.id,
            terminal_safe(&citation_cell(c))
        )?;
    }
    for (k, v) in time_facts(q) {
        writeln!(out, "   {k}: {}", terminal_safe(&v))?;
    }
    writeln!(out, "   envelope:   {}", q.envelope)?;
    writeln!(
        out,
        "   consensus:  {}",
        q.consensus
            .map_or("none — the plausible ranges share no value".into(), |c| c
                .to_string())
    )?;
    let best: Vec<String> = q
        .best_supported
        .iter()
        .map(|r| {
            format!(
                "{} (weight {}, {})",
                r.interval,
                format_number(r.weight),
                r.claims.join(", ")
            )
        })
        .collect();
    writeln!(out, "   best supported: {}", best.join("; "))?;
    let pairs: Vec<_> = if q.relations_complete {
        q.relations.clone()
    } else {
        Vec::new()
    };
    let interesting: Vec<_> = pairs
        .iter()
        .filter(|p| !p.relation.agrees() || q.claims.len() <= 4)
        .collect();
    if !interesting.is_empty() {
        writeln!(out, "   pairs:")?;
        for p in interesting {
            let mut s = format!("     {} vs {}: {}", p.a, p.b, p.relation);
            if let Some(g) = p
                .gap
                .filter(|_| matches!(p.relation, Relation::Tension | Relation::Contradiction))
            {
                let _ = write!(s, ", gap {}", format_number(g));
            }
            if let Some(r) = p.central_ratio {
                let _ = write!(s, ", central values {r:.2}× apart");
            }
            if let Some(o) = p.overlap_share.filter(|_| p.relation.agrees()) {
                let _ = write!(s, ", overlap share {:.0}%", o * 100.0);
            }
            writeln!(out, "{s}")?;
        }
    } else if !q.relations_complete {
        writeln!(
            out,
            "   pairs: {} claims — listed on demand (QuantityReport::relations)",
            q.claims.len()
        )?;
    }
    if q.claims.len() > 1 {
        let clusters: Vec<String> = q
            .clusters
            .iter()
            .map(|c| format!("{{{}}}", c.join(", ")))
            .collect();
        writeln!(out, "   clusters: {}", clusters.join(" "))?;
        if !q.clusters_complete {
            writeln!(
                out,
                "   ({} clusters in all; the first {} found are listed)",
                q.cluster_count,
                q.clusters.len()
            )?;
        }
        if !q.dissenters.is_empty() {
            writeln!(out, "   dissenters: {}", q.dissenters.join(", "))?;
        }
    }
    writeln!(out, "   stance: {}", q.stance.summary)?;
    if !q.pooled.is_empty() && q.claims.len() > 1 {
        let scale = q
            .pooled
            .values()
            .find(|p| p.heterogeneity.is_some())
            .map(|p| p.scale);
        writeln!(
            out,
            "   pooled (each named by its method{}; none is \"the answer\"):",
            match scale {
                Some(crate::pool::Scale::Log) => "; meta-analyses on the log scale",
                Some(crate::pool::Scale::Linear) => "; meta-analyses on the linear scale",
                None => "",
            }
        )?;
        // Methods that give the same figures (with two claims DL, PM and REML are one
        // estimator) share a line, so they do not read as separate evidence.
        let mut lines: Vec<(Vec<&str>, String, &Pooled)> = Vec::new();
        for (key, p) in ordered_pooled(q) {
            let id = pooled_identity(p);
            match lines
                .iter_mut()
                .find(|(_, i, _)| *i == id && p.value.is_some() && p.heterogeneity.is_some())
            {
                Some((keys, _, _)) => keys.push(key),
                None => lines.push((vec![key], id, p)),
            }
        }
        for (keys, _, p) in lines {
            writeln!(out, "     {}", pooled_named(&keys.join(" = "), keys[0], p))?;
        }
        for w in pooled_warnings(q) {
            writeln!(out, "     {w}")?;
        }
        let stances: std::collections::BTreeSet<_> = q.claims.iter().map(|c| c.stance).collect();
        let sources: std::collections::BTreeSet<_> =
            q.claims.iter().flat_map(|c| c.sources.iter()).collect();
        if sources.len() <= 3 {
            writeln!(
                out,
                "     these rest on {} source{} of stance {}",
                sources.len(),
                if sources.len() == 1 { "" } else { "s" },
                stances
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" and ")
            )?;
        }
    }
    writeln!(out)
}

/// The whole text report.
#[must_use]
pub fn to_text(r: &Reconciliation) -> String {
    let claims: usize = r.quantities.iter().map(|q| q.claims.len()).sum();
    let mut out = format!(
        "crosscheck — {} quantit{}, {} claim{}\n\n",
        r.quantities.len(),
        if r.quantities.len() == 1 { "y" } else { "ies" },
        claims,
        if claims == 1 { "" } else { "s" }
    );
    for q in &r.quantities {
        // Writing to a String cannot fail.
        let _ = write_quantity(&mut out, q);
    }
    let lines = constraint_lines(r);
    if !lines.is_empty() {
        out.push_str("== constraints between quantities\n");
        for l in lines {
            let _ = writeln!(out, "   {}", terminal_safe(&l));
        }
        out.push('\n');
    }
    if !r.sources.is_empty() {
        out.push_str(&sources_text(r));
        out.push('\n');
    }
    if !r.unclaimed.is_empty() {
        let _ = writeln!(
            out,
            "declared quantities with no claims: {}",
            r.unclaimed.join(", ")
        );
    }
    terminal_safe_lines(out)
}

impl fmt::Display for Reconciliation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_text(self))
    }
}

impl fmt::Display for QuantityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_quantity(&mut s, self)?;
        f.write_str(&s)
    }
}

/// Input text made inert in Markdown: HTML (`<script>`, entities) is written as text;
/// Markdown punctuation that could open a link, a code span or a table cell is
/// backslash-escaped (emphasis is left alone: it can only restyle); line breaks become spaces, so no line of input can start a heading,
/// a list or a new block; terminal controls are escaped as in the text report.
fn md_escape(s: &str) -> String {
    let flat = terminal_safe(&s.replace(['\n', '\r'], " ")).into_owned();
    let mut out = String::with_capacity(flat.len());
    let mut chars = flat.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Only `<` opens raw HTML (`<script>`, `<img onerror>`).
            '<' => out.push_str("&lt;"),
            '\\' | '|' | '`' => {
                out.push('\\');
                out.push(c);
            }
            // A link or image needs `](` or `][`; an interval's `]` stays as it is.
            ']' if matches!(chars.peek(), Some('(' | '[')) => out.push_str("\\]"),
            c => out.push(c),
        }
    }
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pooled_cells(key: &str, p: &Pooled) -> Vec<String> {
    let h = p.heterogeneity.as_ref();
    let influence = p
        .influence
        .as_ref()
        .and_then(|i| {
            Some(format!(
                "{} (×{:.2})",
                i.most_influential_claim.as_ref()?,
                i.claim_ratio?
            ))
        })
        .filter(|_| p.weights.len() > 1)
        .unwrap_or_else(|| "—".into());
    vec![
        key.to_string(),
        match p.tie {
            Some([a, b]) => format!("tie {} | {}", format_number(a), format_number(b)),
            None => opt(p.value),
        },
        p.small_sample_interval.filter(|_| p.used < 10).map_or_else(
            || p.interval.map_or("—".into(), |i| i.to_string()),
            |k| format!("HKSJ {k}"),
        ),
        p.prediction.map_or("—".into(), |i| i.to_string()),
        h.map_or("—".into(), |h| format!("{:.3}", h.tau2)),
        h.map_or("—".into(), |h| {
            format!(
                "{:.0}%",
                if key == "fixed_effect" {
                    h.i2
                } else {
                    h.i2_tau
                }
            )
        }),
        format!("{} of {}", p.used, p.of),
        influence,
    ]
}

const POOLED_HEAD: [&str; 8] = [
    "method",
    "value",
    "interval",
    "prediction",
    "τ²",
    "I²",
    "claims",
    "most influential (value without ÷ value)",
];

/// Where a claim was published: its outlet, URL and quote, as one cell.
fn citation_cell(c: &crate::reconcile::ClaimRow) -> String {
    let mut parts = Vec::new();
    if let Some(o) = &c.reported_by {
        parts.push(format!("via {o}"));
    }
    if let Some(u) = &c.url {
        parts.push(u.clone());
    }
    if let Some(q) = &c.quote {
        parts.push(format!("“{q}”"));
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join("; ")
    }
}

fn date_cell(c: &crate::reconcile::ClaimRow) -> String {
    match (c.as_of, c.published) {
        (Some(a), Some(p)) if a != p => format!("{a} (published {p})"),
        (Some(a), _) => a.to_string(),
        (None, Some(p)) => format!("published {p}"),
        (None, None) => "—".into(),
    }
}

fn claim_cells(c: &crate::reconcile::ClaimRow) -> Vec<String> {
    vec![
        c.id.clone(),
        c.sources.join(", "),
        c.stance.as_str().to_string(),
        c.wording.clone().unwrap_or_else(|| "(numeric)".into()),
        c.rule.clone().unwrap_or_else(|| "—".into()),
        date_cell(c),
        c.status.as_str().to_string(),
        citation_cell(c),
        c.plausible.to_string(),
        c.hard.to_string(),
        opt(c.central),
    ]
}

const CLAIM_HEAD: [&str; 11] = [
    "claim",
    "sources",
    "stance",
    "wording",
    "read as",
    "date",
    "status",
    "published as",
    "plausible",
    "hard",
    "central",
];

/// The time facts of a quantity: the date judged, the history, carried floors, relays.
fn time_facts(q: &QuantityReport) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    if let Some(d) = q.as_of {
        v.push(("as of", d.to_string()));
    }
    if let Some(h) = &q.history {
        let text = match h.verdict {
            crate::time::HistoryVerdict::Decrease if h.correction => format!(
                "DECREASE — a correction: {} later lies below {} of the same sources",
                h.deciding[1], h.deciding[0]
            ),
            crate::time::HistoryVerdict::Decrease => format!(
                "DECREASE — a contradiction between sources: {} lies below the earlier {}",
                h.deciding[1], h.deciding[0]
            ),
            verdict => format!(
                "{} ({} to {})",
                verdict.as_str(),
                h.deciding[0],
                h.deciding[1]
            ),
        };
        v.push(("history", text));
    }
    for f in &q.carried_floors {
        v.push((
            "carried floor",
            format!(
                "{} ({}): at least {} from then on",
                f.claim,
                f.date,
                format_number(f.low)
            ),
        ));
    }
    for r in &q.relays {
        v.push((
            if r.discrepancy {
                "relay discrepancy"
            } else {
                "relay"
            },
            format!(
                "{} — one figure{}, counted once{}",
                r.claims.join(", "),
                if r.outlets.is_empty() {
                    String::new()
                } else {
                    format!(" relayed by {}", r.outlets.join(", "))
                },
                if r.discrepancy {
                    " at the hull of the versions"
                } else {
                    ""
                }
            ),
        ));
    }
    v
}

fn facts(q: &QuantityReport) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("verdict", verdict_text(q)),
        ("agreement", headline(q)),
        ("envelope", q.envelope.to_string()),
        (
            "consensus",
            q.consensus.map_or("none".into(), |c| c.to_string()),
        ),
        (
            "best supported",
            q.best_supported
                .iter()
                .map(|r| {
                    format!(
                        "{} (weight {}: {})",
                        r.interval,
                        format_number(r.weight),
                        r.claims.join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            "clusters",
            q.clusters
                .iter()
                .map(|c| format!("{{{}}}", c.join(", ")))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        (
            "dissenters",
            if q.dissenters.is_empty() {
                "none".into()
            } else {
                q.dissenters.join(", ")
            },
        ),
        ("stance", q.stance.summary.clone()),
    ];
    for p in q.relations.iter().filter(|p| !p.relation.agrees()) {
        let mut s = format!("{} vs {}: {}", p.a, p.b, p.relation);
        if let Some(g) = p.gap {
            let _ = write!(s, ", gap {}", format_number(g));
        }
        if let Some(r) = p.central_ratio {
            let _ = write!(s, ", central values {r:.2}× apart");
        }
        v.push(("disagreement", s));
    }
    if q.claims.len() > 1 {
        for w in pooled_warnings(q) {
            v.push(("pooled", w));
        }
    }
    v.extend(time_facts(q));
    v
}

fn md_table(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = format!("| {} |\n|{}\n", head.join(" | "), "---|".repeat(head.len()));
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| md_escape(c)).collect();
        let _ = writeln!(s, "| {} |", cells.join(" | "));
    }
    s
}

impl QuantityReport {
    /// This quantity as Markdown: a heading, the facts, the claims table and the pooled
    /// estimates.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "## {} — {}\n\n",
            md_escape(&self.quantity),
            if self.description.is_empty() {
                "(no description)".to_string()
            } else {
                md_escape(&self.description)
            }
        );
        if self.is_projection() {
            s.push_str("**Projection**: hypothetical or future figures, reconciled apart from present counts.\n\n");
        }
        for (k, v) in facts(self) {
            let _ = writeln!(s, "- **{k}**: {}", md_escape(&v));
        }
        s.push('\n');
        let rows: Vec<Vec<String>> = self.claims.iter().map(claim_cells).collect();
        s.push_str(&md_table(&CLAIM_HEAD, &rows));
        if self.claims.len() > 1 && !self.pooled.is_empty() {
            s.push_str("\nPooled estimates (each named by its method):\n\n");
            let rows: Vec<Vec<String>> = ordered_pooled(self)
                .into_iter()
                .map(|(k, p)| pooled_cells(k, p))
                .collect();
            s.push_str(&md_table(&POOLED_HEAD, &rows));
        }
        s.push('\n');
        s
    }

    /// This quantity as a self-contained HTML fragment (inline CSS, the chart embedded).
    #[must_use]
    pub fn to_html(&self) -> String {
        format!(
            "<div class=\"crosscheck\">{CSS}{}</div>",
            quantity_html(self, true)
        )
    }
}

fn html_table(head: &[&str], rows: &[Vec<String>], numeric_from: usize) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in head {
        let _ = write!(s, "<th>{}</th>", html_escape(h));
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if i >= numeric_from {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(s, "<td{class}>{}</td>", html_escape(c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

const CSS: &str = "<style>.crosscheck{font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#222;max-width:1000px}\
.crosscheck table{border-collapse:collapse;margin:.5em 0 1em;font-size:13px}\
.crosscheck th,.crosscheck td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}\
.crosscheck th{background:#f3f3f3}.crosscheck td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
.crosscheck dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;font-size:14px}\
.crosscheck dt{font-weight:600}.crosscheck dd{margin:0}.crosscheck .projection{color:#8a4b00;font-weight:600}\
.crosscheck svg{max-width:100%;height:auto}</style>";

fn quantity_html(q: &QuantityReport, legend: bool) -> String {
    let mut s = format!(
        "<h2>{} — {}</h2>",
        html_escape(&q.quantity),
        html_escape(if q.description.is_empty() {
            "(no description)"
        } else {
            &q.description
        })
    );
    if q.is_projection() {
        s.push_str("<p class=\"projection\">Projection: hypothetical or future figures, reconciled apart from present counts.</p>");
    }
    s.push_str("<dl>");
    for (k, v) in facts(q) {
        let _ = write!(s, "<dt>{}</dt><dd>{}</dd>", html_escape(k), html_escape(&v));
    }
    s.push_str("</dl>");
    let rows: Vec<Vec<String>> = q.claims.iter().map(claim_cells).collect();
    s.push_str(&html_table(&CLAIM_HEAD, &rows, 8));
    if q.claims.len() > 1 && !q.pooled.is_empty() {
        s.push_str("<p>Pooled estimates, each named by its method:</p>");
        let rows: Vec<Vec<String>> = ordered_pooled(q)
            .into_iter()
            .map(|(k, p)| pooled_cells(k, p))
            .collect();
        s.push_str(&html_table(&POOLED_HEAD, &rows, 1));
    }
    let chart = crate::chart::Chart::quantity(q);
    s.push_str(
        &if legend {
            chart
        } else {
            chart.without_legend()
        }
        .to_svg(),
    );
    if crate::chart::TimeChart::applies(q) {
        s.push_str(&crate::chart::TimeChart::new(q).to_svg());
    }
    s
}

/// The constraints and derived totals as lines of text, one fact a line (shared by every
/// format).
fn constraint_lines(r: &Reconciliation) -> Vec<String> {
    let mut out = Vec::new();
    for c in &r.constraints {
        let relation = match c.kind {
            crate::ConstraintKind::Le => format!("{} ≤ {}", c.parts[0], c.total),
            crate::ConstraintKind::Eq => format!("{} = {}", c.parts[0], c.total),
            crate::ConstraintKind::SumEq => format!("{} = {}", c.parts.join(" + "), c.total),
            crate::ConstraintKind::SumLe => format!("{} ≤ {}", c.parts.join(" + "), c.total),
        };
        let mut line = format!(
            "{} ({relation}): {}",
            c.id,
            c.status.as_str().to_uppercase()
        );
        if !c.narrowed.is_empty() {
            let n: Vec<String> = c
                .narrowed
                .iter()
                .map(|(q, i)| format!("{q} → {i}"))
                .collect();
            let _ = write!(line, "; narrows the plausible range of {}", n.join(", "));
        }
        if !c.narrowed_hard.is_empty() {
            let n: Vec<String> = c
                .narrowed_hard
                .iter()
                .map(|(q, i)| format!("{q} → {i}"))
                .collect();
            let _ = write!(line, "; entails {}", n.join(", "));
        }
        if !c.conflict.is_empty() {
            let _ = write!(line, "; conflicting claims: {}", c.conflict.join(", "));
        }
        if let Some(w) = &c.witness {
            let _ = write!(line, "; {w}");
        }
        out.push(line);
    }
    for d in &r.derived {
        let mut line = format!(
            "derived {} (by {}): plausible {}, hard {}",
            d.quantity, d.constraint, d.plausible, d.hard
        );
        if let Some(c) = d.central {
            let _ = write!(line, ", central {}", format_number(c));
        }
        let _ = write!(
            line,
            "; from claims {} (a derived figure, not a vote)",
            d.from.join(", ")
        );
        out.push(line);
    }
    out
}

impl Reconciliation {
    /// The whole report as Markdown.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let claims: usize = self.quantities.iter().map(|q| q.claims.len()).sum();
        let mut s = format!(
            "# crosscheck — {} quantities, {claims} claims\n\n",
            self.quantities.len()
        );
        for q in &self.quantities {
            s.push_str(&q.to_markdown());
        }
        let lines = constraint_lines(self);
        if !lines.is_empty() {
            s.push_str("## Constraints between quantities\n\n");
            for l in lines {
                let _ = writeln!(s, "- {}", md_escape(&l));
            }
            s.push('\n');
        }
        if !self.sources.is_empty() {
            s.push_str("## Sources' track record\n\n");
            let (head, rows) = source_table(self);
            s.push_str(&md_table(&head, &rows));
            s.push('\n');
            for l in source_notes(self) {
                let _ = writeln!(s, "- {}", md_escape(&l));
            }
            s.push('\n');
        }
        if !self.unclaimed.is_empty() {
            let _ = writeln!(
                s,
                "Declared quantities with no claims: {}",
                md_escape(&self.unclaimed.join(", "))
            );
        }
        s
    }

    /// The whole report as a self-contained HTML document: inline CSS, one section and one
    /// chart per quantity, no JavaScript, nothing fetched.
    #[must_use]
    pub fn to_html(&self) -> String {
        let claims: usize = self.quantities.iter().map(|q| q.claims.len()).sum();
        let mut s = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>crosscheck report</title></head><body>\
             <div class=\"crosscheck\">{CSS}<h1>crosscheck — {} quantities, {claims} claims</h1>",
            self.quantities.len()
        );
        for (i, q) in self.quantities.iter().enumerate() {
            s.push_str(&quantity_html(q, i == 0));
        }
        s.push_str(&constraints_html(self));
        s.push_str(&self.sources_html());
        if !self.unclaimed.is_empty() {
            let _ = write!(
                s,
                "<p>Declared quantities with no claims: {}</p>",
                html_escape(&self.unclaimed.join(", "))
            );
        }
        s.push_str("</div></body></html>\n");
        s
    }

    /// The report as an HTML fragment (for notebooks).
    #[must_use]
    pub fn to_html_fragment(&self) -> String {
        let mut s = format!("<div class=\"crosscheck\">{CSS}");
        for (i, q) in self.quantities.iter().enumerate() {
            s.push_str(&quantity_html(q, i == 0));
        }
        s.push_str(&constraints_html(self));
        s.push_str(&self.sources_html());
        s.push_str("</div>");
        s
    }
}

fn constraints_html(r: &Reconciliation) -> String {
    let lines = constraint_lines(r);
    if lines.is_empty() {
        return String::new();
    }
    let items: String = lines
        .iter()
        .map(|l| format!("<li>{}</li>", html_escape(l)))
        .collect();
    format!("<section><h2>Constraints between quantities</h2><ul>{items}</ul></section>")
}

/// The HTML table of a claim set's claims.
#[must_use]
pub fn claim_set_html(set: &crate::ClaimSet) -> String {
    let rows: Vec<Vec<String>> = set
        .claims()
        .iter()
        .map(|c| {
            let e = c.estimate();
            vec![
                c.id().to_string(),
                c.quantity().to_string(),
                c.sources().join(", "),
                set.stance(c).as_str().to_string(),
                e.reading()
                    .map_or_else(|| "(numeric)".into(), |r| r.text().to_string()),
                e.plausible().to_string(),
                e.hard().to_string(),
                opt(e.central()),
            ]
        })
        .collect();
    format!(
        "<div class=\"crosscheck\">{CSS}<p>{} claims about {} quantities from {} sources</p>{}</div>",
        set.len(),
        set.quantities().len(),
        set.sources().len(),
        html_table(
            &[
                "claim",
                "quantity",
                "sources",
                "stance",
                "wording",
                "plausible",
                "hard",
                "central"
            ],
            &rows,
            5
        )
    )
}

/// The plain-text table of a claim set's claims.
#[must_use]
pub fn claim_set_text(set: &crate::ClaimSet) -> String {
    let mut rows = vec![vec![
        "claim".to_string(),
        "quantity".into(),
        "sources".into(),
        "wording".into(),
        "plausible".into(),
    ]];
    for c in set.claims() {
        rows.push(vec![
            c.id().to_string(),
            c.quantity().to_string(),
            c.sources().join("+"),
            c.estimate().reading().map_or_else(
                || "(numeric)".into(),
                |r| format!("\"{}\"", terminal_safe(r.text())),
            ),
            c.estimate().plausible().to_string(),
        ]);
    }
    terminal_safe_lines(table(&rows))
}

/// One line of the summary view: what a reader needs first about one quantity.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct SummaryRow {
    /// The quantity id.
    pub quantity: String,
    /// How many claims REML rests on.
    pub used: usize,
    /// How many claims the quantity has.
    pub of: usize,
    /// The verdict.
    pub verdict: Verdict,
    /// Its severity (tension and contradiction only).
    pub severity: Option<crate::reconcile::Severity>,
    /// The share of the weight in the best-supported region.
    pub agreement: f64,
    /// Highest over lowest central value.
    pub spread: Option<f64>,
    /// The hull of the plausible intervals.
    pub envelope: crate::Interval,
    /// The first best-supported region.
    pub best_supported: Option<crate::Interval>,
    /// The REML pooled value.
    pub reml: Option<f64>,
    /// Its interval: the small-sample (HKSJ) one below ten claims, else the z-based one.
    pub reml_interval: Option<crate::Interval>,
    /// The latest date among the claims (`as_of`, else `published`).
    pub as_of: Option<crate::PartialDate>,
}

const SUMMARY_HEAD: [&str; 11] = [
    "quantity",
    "claims",
    "verdict",
    "severity",
    "agreement",
    "spread",
    "envelope",
    "best supported",
    "reml",
    "reml interval",
    "as of",
];

impl Reconciliation {
    /// One row per quantity (see [`SummaryRow`]). O(total claims).
    #[must_use]
    pub fn summary(&self) -> Vec<SummaryRow> {
        self.quantities
            .iter()
            .map(|q| {
                let reml = q.pooled.get("reml");
                SummaryRow {
                    quantity: q.quantity.clone(),
                    used: reml.map_or(0, |p| p.used),
                    of: q.claims.len(),
                    verdict: q.verdict,
                    severity: q.severity,
                    agreement: q.agreement,
                    spread: q.spread,
                    envelope: q.envelope,
                    best_supported: q.best_supported.first().map(|r| r.interval),
                    reml: reml.and_then(|p| p.value),
                    reml_interval: reml.and_then(|p| {
                        p.small_sample_interval
                            .filter(|_| p.used < 10)
                            .or(p.interval)
                    }),
                    as_of: q
                        .claims
                        .iter()
                        .filter_map(crate::reconcile::ClaimRow::date)
                        .max(),
                }
            })
            .collect()
    }

    fn summary_cells(&self) -> Vec<Vec<String>> {
        self.summary()
            .into_iter()
            .map(|r| {
                vec![
                    r.quantity,
                    format!("{}/{}", r.used, r.of),
                    r.verdict.as_str().to_string(),
                    r.severity.map_or(String::new(), |s| s.as_str().to_string()),
                    format!("{:.0}%", r.agreement * 100.0),
                    r.spread
                        .map_or(String::new(), |s| format!("{}×", format_ratio(s))),
                    r.envelope.to_string(),
                    r.best_supported.map_or(String::new(), |i| i.to_string()),
                    r.reml.map_or(String::new(), format_number),
                    r.reml_interval.map_or(String::new(), |i| i.to_string()),
                    r.as_of.map_or(String::new(), |d| d.to_string()),
                ]
            })
            .collect()
    }

    /// The summary as an aligned table for a terminal: one line per quantity (quantity,
    /// claims REML rests on / all, verdict, severity, agreement, spread, envelope,
    /// best-supported region, REML and its interval, as of), then the sources' track
    /// record. Input text is escaped for the terminal.
    #[must_use]
    pub fn to_summary_text(&self) -> String {
        let mut rows = vec![SUMMARY_HEAD.iter().map(|s| (*s).to_string()).collect()];
        rows.extend(self.summary_cells());
        let out = table(&rows)
            .lines()
            .map(|l| l.strip_prefix("    ").unwrap_or(l).to_string())
            .collect::<Vec<_>>()
            .join("\n");
        // The sources' track record follows, as in every report format.
        let sources = if self.sources.is_empty() {
            String::new()
        } else {
            format!("\n{}", sources_text(self))
        };
        terminal_safe_lines(out + "\n" + &sources)
    }

    /// The summary as CSV (the same columns, numbers as printed in the text table).
    #[must_use]
    pub fn to_summary_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(SUMMARY_HEAD);
        for r in self.summary_cells() {
            let _ = w.write_record(&r);
        }
        w.into_inner()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}
