//! What every renderer says about the pooled lines: the warnings a reader must not miss
//! and the order the lines are shown in. The text, Markdown and HTML reports and the chart
//! all take them from here (so the chart does not import the report, nor the report the
//! chart's internals).

use crate::pool::Pooled;
use crate::reconcile::QuantityReport;

/// Everything a reader must not miss about the pooled lines, one sentence each: the
/// contradiction warning, firm bounds a pooled figure breaks, notes (no value, ties, scale),
/// claims left out, censored and range claims. Shown in every format.
pub(crate) fn pooled_warnings<'a>(q: &'a QuantityReport) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(w) = q.pooled.values().find_map(|p| p.warning.clone()) {
        out.push(format!("⚠ {w}"));
    }
    // The same sentence for several methods is said once, naming them all.
    let mut said: Vec<(String, Vec<&str>)> = Vec::new();
    let mut say = |text: String, key: &'a str| match said.iter_mut().find(|(t, _)| *t == text) {
        Some((_, keys)) => keys.push(key),
        None => said.push((text, vec![key])),
    };
    for (key, p) in ordered_pooled(q) {
        let key = key.as_str();
        for b in p
            .bounds
            .iter()
            .filter(|b| b.status == crate::pool::BoundStatus::EstimateOutside)
        {
            say(
                format!("⚠ breaks the firm bound {} of {}", b.bound, b.claim),
                key,
            );
        }
        if let Some(n) = &p.note {
            say(n.clone(), key);
        }
        if !p.censored.is_empty() {
            say(
                format!("censored (one-sided): {}", p.censored.join(", ")),
                key,
            );
        }
        if !p.from_range.is_empty() {
            say(
                format!(
                    "ranges entered at their midpoint: {}",
                    p.from_range.join(", ")
                ),
                key,
            );
        }
        if let Some(n) = &p.influence_skipped {
            say(n.clone(), key);
        }
    }
    for (text, keys) in said {
        let who = if keys.len() == q.pooled.len() && keys.len() > 1 {
            "every method".to_string()
        } else {
            keys.join(", ")
        };
        out.push(format!("{who}: {text}"));
    }
    let mut excluded: Vec<String> = q
        .pooled
        .values()
        .flat_map(|p| p.excluded.iter())
        .filter(|e| e.code != crate::pool::Exclusion::OutsideFusedRegion)
        .map(|e| format!("{} ({})", e.claim, e.reason))
        .collect();
    excluded.sort();
    excluded.dedup();
    if !excluded.is_empty() {
        out.push(format!("left out of some methods: {}", excluded.join("; ")));
    }
    out
}

/// The pooled lines in the order of [`PoolMethod::ALL`](crate::pool::PoolMethod::ALL), then
/// any other (`learned`).
pub(crate) fn ordered_pooled(q: &QuantityReport) -> Vec<(&String, &Pooled)> {
    let order = crate::pool::PoolMethod::ALL.map(crate::pool::PoolMethod::key);
    let mut v: Vec<(&String, &Pooled)> = q.pooled.iter().collect();
    v.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
    v
}
