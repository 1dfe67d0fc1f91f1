//! Times learned reliability on a claim file (DESIGN §3.5): the reconciliation with and
//! without `--learn-reliability` for each learner, the difference being the learning.
//!
//! ```text
//! cargo run --release --example gen_workload -- target/workload-1m.csv --claims 1000000 --quantities 100000
//! cargo run --release --example bench_learn -- target/workload-1m.csv
//! ```

use std::time::Instant;

use crosscheck::pool::PoolOptions;
use crosscheck::reliability::Learner;
use crosscheck::{Loader, Reconciler};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: bench_learn FILE");
        std::process::exit(2);
    };
    let t = Instant::now();
    let set = Loader::new().path(&file)?.set;
    println!(
        "{} claims loaded in {:.2} s",
        set.len(),
        t.elapsed().as_secs_f64()
    );
    let base = Reconciler::new()
        .compact()
        .with_pooling(PoolOptions::none());
    let t = Instant::now();
    let plain = base.clone().reconcile(&set);
    let t_plain = t.elapsed().as_secs_f64();
    println!(
        "reconcile (compact, no pooled methods, track record): {t_plain:.2} s, {} sources",
        plain.sources.len()
    );
    for m in Learner::ALL {
        let t = Instant::now();
        let r = base.clone().with_learned_reliability(m).reconcile(&set);
        let el = t.elapsed().as_secs_f64();
        let l = r.learning.as_ref().map_or(0, |l| l.iterations);
        println!(
            "  + learned ({m}): {el:.2} s, learning {:.2} s ({:.1} M claims/s), {l} iterations",
            el - t_plain,
            set.len() as f64 / (el - t_plain).max(1e-9) / 1e6
        );
    }
    Ok(())
}
