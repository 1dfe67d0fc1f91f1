//! Any bytes given to the JSON and CSV loaders and the claim table load or fail with
//! errors; they never panic, and what loads reconciles (every table row in some quantity).
#![no_main]

use crosscheck::{Loader, Reconciler};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((table, _)) = crosscheck::table::ClaimTable::load(data) {
        let r = table.reconcile();
        assert_eq!(r.quantities.iter().map(|q| q.claims).sum::<usize>(), table.len());
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    for loaded in [Loader::new().lenient().json_str(text), Loader::new().lenient().csv_str(text)] {
        if let Ok(l) = loaded {
            let _ = Reconciler::new().with_relation_limit(20).reconcile(&l.set).to_json_string();
        }
    }
});
