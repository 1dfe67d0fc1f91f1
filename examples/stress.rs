//! Hostile shapes at size: one quantity of n claims in each pattern that used to blow up
//! (random, nested, identical, disjoint, staircase), reconciled with the default
//! `Reconciler` (influence included up to its limit, reported as skipped beyond), and one
//! claim naming k sources through both loaders and the claim table. Prints the time of
//! each; BENCHMARKS.md records the figures.
//!
//! ```text
//! cargo run --release --example stress -- [--claims N] [--sources K]
//! ```

use std::time::Instant;

use crosscheck::table::ClaimTable;
use crosscheck::{Claim, ClaimSet, Estimate, Loader, Quantity, Reconciler, Source};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |v| {
            v.parse().unwrap_or_else(|_| {
                eprintln!("{name} takes a whole number");
                std::process::exit(2)
            })
        })
}

/// A deterministic pseudo-random sequence (SplitMix64), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn pattern(name: &str, n: usize) -> Vec<(f64, f64, f64)> {
    let mut rng = Rng(42);
    (0..n)
        .map(|i| {
            let i = i as f64;
            let n = n as f64;
            match name {
                "random" => {
                    let c = 1000.0 + 9000.0 * rng.next();
                    let h = c * (0.01 + 0.3 * rng.next());
                    (c - h, c, c + h)
                }
                "nested" => (n - i, n + 1.0, n + 2.0 + i),
                "identical" => (900.0, 1000.0, 1100.0),
                "disjoint" => (10.0 * i + 1.0, 10.0 * i + 2.0, 10.0 * i + 3.0),
                _ => (i + 1.0, i + 1.0 + n / 4.0, i + 1.0 + n / 2.0),
            }
        })
        .collect()
}

fn one_quantity(name: &str, n: usize) -> ClaimSet {
    let mut set = ClaimSet::new();
    set.add_quantity(Quantity::new("q", "").expect("valid id"))
        .expect("new quantity");
    let sources = 1000.min(n);
    for s in 0..sources {
        set.add_source(Source::from_id(format!("s{s}")).expect("valid id"))
            .expect("new source");
    }
    for (i, (lo, c, hi)) in pattern(name, n).into_iter().enumerate() {
        let e = Estimate::from_bounds(Some(lo), Some(hi), Some(c)).expect("valid bounds");
        let claim = Claim::new(format!("c{i}"), "q", [format!("s{}", i % sources)], e)
            .expect("valid claim");
        set.add_claim(claim).expect("valid claim");
    }
    set
}

fn main() {
    let n = arg("--claims", 1_000_000);
    let k = arg("--sources", 100_000);
    println!("one quantity of {n} claims, default Reconciler (every pooled method):");
    for name in ["random", "nested", "identical", "disjoint", "staircase"] {
        let set = one_quantity(name, n);
        let t = Instant::now();
        let r = Reconciler::new().reconcile(&set);
        let q = &r.quantities[0];
        println!(
            "  {name:<10} {:>7.2} s  verdict {:<13} clusters {:>8}  dissenters {:>8}  influence {}",
            t.elapsed().as_secs_f64(),
            q.verdict.as_str(),
            q.cluster_count,
            q.dissenters.len(),
            if q.pooled.values().any(|p| p.influence_skipped.is_some()) {
                "skipped (above the limit)"
            } else {
                "computed"
            }
        );
    }

    println!("one claim naming {k} sources:");
    let names: Vec<String> = (0..k).map(|i| format!("s{i}")).collect();
    let csv = format!(
        "quantity,sources,low,central,high\nq,{},90,100,110\n",
        names.join(";")
    );
    let t = Instant::now();
    let loaded = Loader::new().csv_str(&csv).expect("valid CSV");
    let r = Reconciler::new().reconcile(&loaded.set);
    println!(
        "  Loader (CSV) + Reconciler  {:>7.3} s  ({} sources, verdict {})",
        t.elapsed().as_secs_f64(),
        loaded.set.sources().len(),
        r.quantities[0].verdict.as_str()
    );
    let json = format!(
        "{{\"claims\": [{{\"id\": \"c\", \"quantity\": \"q\", \"sources\": [{}], \"value\": 100}}], \"quantities\": [{{\"id\": \"q\"}}], \"sources\": [{}]}}",
        names
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(","),
        names
            .iter()
            .map(|s| format!("{{\"id\": \"{s}\"}}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let t = Instant::now();
    let loaded = Loader::new().json_str(&json).expect("valid JSON");
    let r = Reconciler::new().reconcile(&loaded.set);
    println!(
        "  Loader (JSON) + Reconciler {:>7.3} s  (verdict {})",
        t.elapsed().as_secs_f64(),
        r.quantities[0].verdict.as_str()
    );
    let t = Instant::now();
    let table = ClaimTable::from_csv_reader(csv.as_bytes()).expect("valid CSV");
    let r = table.reconcile();
    println!(
        "  ClaimTable                 {:>7.3} s  ({} quantity)",
        t.elapsed().as_secs_f64(),
        r.quantities.len()
    );
}
