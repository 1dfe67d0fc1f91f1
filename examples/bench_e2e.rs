//! End to end on a large CSV claim table: load, group, reconcile every quantity (summary),
//! pool with DerSimonian–Laird and REML, and print counts and a time breakdown (no
//! per-quantity output).
//!
//! ```text
//! cargo run --release --example gen_workload -- /tmp/claims.csv
//! cargo run --release --example bench_e2e -- /tmp/claims.csv
//! ```

use std::time::Instant;

use crosscheck::table::ClaimTable;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bench_e2e FILE.csv");
        std::process::exit(2);
    };
    let t0 = Instant::now();
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (table, rejected) = ClaimTable::load_file(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
    let t_load = t0.elapsed();
    let t1 = Instant::now();
    let r = table.reconcile();
    let t_rec = t1.elapsed();
    let total = t0.elapsed();
    let with_dl = r.quantities.iter().filter(|q| q.dl.is_some()).count();
    let reml_iters: usize = r
        .quantities
        .iter()
        .filter_map(|q| q.reml.map(|x| x.2))
        .sum();
    let max_iters = r
        .quantities
        .iter()
        .filter_map(|q| q.reml.map(|x| x.2))
        .max()
        .unwrap_or(0);
    println!("file:        {path}");
    println!("claims:      {} ({} rejected)", table.len(), rejected.len());
    println!("quantities:  {}", r.quantities.len());
    println!(
        "verdicts:    single {}, consistent {}, tension {}, contradiction {}",
        r.verdicts.single, r.verdicts.consistent, r.verdicts.tension, r.verdicts.contradiction
    );
    println!(
        "pooled:      {with_dl} quantities with DL and REML (REML iterations: {reml_iters} in all, at most {max_iters})"
    );
    println!(
        "time:        load {:.3} s, group + reconcile + pool {:.3} s, total {:.3} s",
        t_load.as_secs_f64(),
        t_rec.as_secs_f64(),
        total.as_secs_f64()
    );
    println!(
        "throughput:  {:.2} M claims/s end to end",
        table.len() as f64 / total.as_secs_f64() / 1e6
    );
    println!(
        "columns:     {:.1} bytes per claim",
        table.bytes_per_claim()
    );
}
