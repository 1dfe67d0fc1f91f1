//! Any bytes given to the JSON and CSV loaders and the claim table load or fail with
//! errors; they never panic, and what loads reconciles with the report's invariants: every
//! table row lands in some quantity; the envelope holds every claim and the consensus lies
//! inside every claim; every pooled figure is finite (or absent with a note); no renderer
//! writes NaN or loops. Influence is off (it is O(n²) by nature and tested elsewhere), so
//! the target runs thousands of inputs a second.
#![no_main]

use crosscheck::chart::Chart;
use crosscheck::pool::PoolOptions;
use crosscheck::{Loader, Reconciler};
use libfuzzer_sys::fuzz_target;

fn finite(x: Option<f64>) -> bool {
    x.is_none_or(f64::is_finite)
}

fuzz_target!(|data: &[u8]| {
    if let Ok((table, rejected)) = crosscheck::table::ClaimTable::load(data) {
        // The plain route reads only files whose every row the Loader accepts too.
        if table.read_by_plain_route() {
            assert!(rejected.is_empty());
            if let Ok(l) = Loader::new().lenient().csv_reader(data) {
                assert!(l.rejected.is_empty(), "plain route took a file the Loader refuses rows of");
                assert_eq!(l.set.len(), table.len());
            }
        }
        let r = table.reconcile();
        assert_eq!(r.quantities.iter().map(|q| q.claims).sum::<usize>(), table.len());
        for q in &r.quantities {
            assert!(finite(q.dl.map(|d| d.0)) && finite(q.dl.map(|d| d.1)), "{q:?}");
            assert!(finite(q.reml.map(|d| d.0)) && finite(q.reml.map(|d| d.1)), "{q:?}");
        }
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let pooling = PoolOptions {
        influence: false,
        ..PoolOptions::default()
    };
    for loaded in [Loader::new().lenient().json_str(text), Loader::new().lenient().csv_str(text)] {
        let Ok(l) = loaded else { continue };
        let reconciler = Reconciler::new()
            .with_relation_limit(20)
            .with_pooling(pooling.clone());
        let r = reconciler.reconcile(&l.set);
        // Reconciling while writing gives the bytes of reconciling, then writing.
        let mut streamed = Vec::new();
        reconciler.reconcile_to_compact_json(&l.set, &mut streamed).unwrap();
        assert!(streamed == r.to_compact_json_string().into_bytes(), "streamed JSON differs");
        for q in &r.quantities {
            // Superseded claims and relays are history: the summary is of the current ones.
            for c in q.claims.iter().filter(|c| c.status == crosscheck::time::ClaimStatus::Current) {
                assert!(q.envelope.contains(&c.plausible), "{}", q.quantity);
                if let Some(k) = &q.consensus {
                    assert!(c.plausible.contains(k), "{}", q.quantity);
                }
            }
            for (key, p) in &q.pooled {
                assert!(finite(p.value), "{key}: {:?}", p.value);
                // A meta-analysis with no value says why.
                if p.heterogeneity.is_none() && p.method.contains("inverse-variance") {
                    assert!(p.note.is_some(), "{key} has neither a value nor a note");
                }
                if let Some(i) = p.interval {
                    assert!(i.inf().is_finite() && i.sup().is_finite(), "{key}");
                }
            }
        }
        let json = r.to_json_string();
        assert!(!json.contains("NaN"));
        let compact = r.to_compact_json_string();
        assert!(serde_json::from_str::<serde_json::Value>(&compact).is_ok(), "compact JSON does not parse");
        let text = r.to_string();
        assert!(!text.contains("NaN"));
        assert!(!text.contains('\u{1b}'));
        let svg = Chart::new(&r).to_svg();
        assert!(!svg.contains("NaN"));
        let _ = r.to_markdown();
    }
});
