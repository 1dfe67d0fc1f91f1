//! Renderers of a [`Reconciliation`]: a plain-text report people read in a terminal.
//!
//! The JSON report is `serde_json` on the [`Reconciliation`] itself
//! ([`Reconciliation::to_json_string`]).

use std::fmt::{self, Write};

use crate::format::format_number;
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

fn pooled_line(key: &str, p: &Pooled) -> String {
    let mut s = format!("{key:<18} {:>10}", opt(p.value));
    if let Some(i) = p.interval {
        let _ = write!(s, "  {}", i);
    }
    if let Some(h) = &p.heterogeneity {
        let _ = write!(s, "  τ² {:.3} I² {:.0}%", h.tau2, h.i2_tau);
    }
    if let Some(pi) = p.prediction {
        let _ = write!(s, "  PI {pi}");
    }
    if let Some(f) = p.faulty {
        let _ = write!(s, "  f = {f}");
    }
    let _ = write!(
        s,
        "  [{} claim{}]",
        p.weights.len(),
        if p.weights.len() == 1 { "" } else { "s" }
    );
    if let Some(inf) = &p.influence
        && let (Some(c), Some(r)) = (&inf.most_influential_claim, inf.claim_ratio)
        && p.weights.len() > 1
    {
        let _ = write!(s, "  without {c}: ×{r:.2}");
    }
    for b in p.bounds.iter().filter(|b| b.status == "estimate_outside") {
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
    let mut facts = Vec::new();
    if !q.unit.is_empty() {
        facts.push(q.unit.clone());
    }
    facts.push(q.temporal.as_str().to_string());
    if let Some(s) = &q.subject_side {
        facts.push(format!("subject: {s}"));
    }
    writeln!(
        out,
        "== {} — {} ({})",
        q.quantity,
        if q.description.is_empty() {
            "(no description)"
        } else {
            &q.description
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
    let mut rows = vec![vec![
        "claim".to_string(),
        "sources".into(),
        "stance".into(),
        "wording".into(),
        "read as".into(),
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
                .map_or("(numeric)".into(), |w| format!("\"{w}\"")),
            c.rule.clone().unwrap_or_else(|| "—".into()),
            c.plausible.to_string(),
            c.hard.to_string(),
            opt(c.central),
        ]);
    }
    out.write_str(&table(&rows))?;
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
        let order = crate::pool::PoolMethod::ALL.map(crate::pool::PoolMethod::key);
        let mut keys: Vec<&String> = q.pooled.keys().collect();
        keys.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
        for key in keys {
            writeln!(out, "     {}", pooled_line(key, &q.pooled[key]))?;
        }
        let mut excluded: Vec<String> = q
            .pooled
            .values()
            .flat_map(|p| p.excluded.iter())
            .filter(|e| !e.reason.starts_with("outside"))
            .map(|e| format!("{} ({})", e.claim, e.reason))
            .collect();
        excluded.sort();
        excluded.dedup();
        if !excluded.is_empty() {
            writeln!(
                out,
                "     left out of some methods: {}",
                excluded.join("; ")
            )?;
        }
        if let Some(n) = q.pooled.values().find_map(|p| p.note.clone()) {
            writeln!(out, "     note: {n}")?;
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
        write_quantity(&mut out, q).expect("writing to a String");
    }
    if !r.unclaimed.is_empty() {
        let _ = writeln!(
            out,
            "declared quantities with no claims: {}",
            r.unclaimed.join(", ")
        );
    }
    out
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
