//! Any bytes given to the JSON and CSV loaders load or fail with errors; they never panic,
//! and a loaded set reconciles.
#![no_main]

use crosscheck::{Loader, Reconciler};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for loaded in [Loader::new().lenient().json_str(text), Loader::new().lenient().csv_str(text)] {
        if let Ok(l) = loaded {
            let _ = Reconciler::new().with_relation_limit(20).reconcile(&l.set).to_json_string();
        }
    }
});
