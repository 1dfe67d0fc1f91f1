//! Throughput in claims per second (criterion `Throughput::Elements`) at 10⁴, 10⁵ and 10⁶
//! claims, on the deterministic workload of `benches/workload.rs` (N claims over N/10
//! quantities, 1,000 sources), on both paths: the claim table (`load`, `summary_one_core`,
//! `pipeline`) and the full path (`full_path`: Loader → Reconciler → compact JSON, on
//! numbers and on wording). Run with `cargo bench`; see BENCHMARKS.md for the figures.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use crosscheck::pool::meta::{Method, Study, meta_analysis};
use crosscheck::pool::{PoolMethod, PoolOptions};
use crosscheck::table::ClaimTable;
use crosscheck::{ClaimSet, Loader, Reconciler};

mod workload;

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

fn load(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    for n in SIZES {
        let csv = workload::csv(workload::Params::with_claims(n));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("csv_table", n), &csv, |b, csv| {
            b.iter(|| ClaimTable::from_csv_reader(csv.as_bytes()).unwrap())
        });
        if n <= 100_000 {
            g.bench_with_input(BenchmarkId::new("csv_claimset", n), &csv, |b, csv| {
                b.iter(|| Loader::new().csv_str(csv).unwrap())
            });
            let json = Loader::new().csv_str(&csv).unwrap().set.to_json_string();
            g.bench_with_input(BenchmarkId::new("json_claimset", n), &json, |b, json| {
                b.iter(|| ClaimSet::from_json_str(json).unwrap())
            });
        }
    }
    g.finish();
}

fn summary(c: &mut Criterion) {
    let mut g = c.benchmark_group("summary_one_core");
    g.sample_size(10);
    for n in SIZES {
        let table =
            ClaimTable::from_csv_reader(workload::csv(workload::Params::with_claims(n)).as_bytes())
                .unwrap();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("summary", n), &table, |b, t| {
            b.iter(|| t.summary_sequential())
        });
        g.bench_with_input(BenchmarkId::new("summary_dl_reml", n), &table, |b, t| {
            b.iter(|| t.reconcile_sequential())
        });
        g.bench_with_input(
            BenchmarkId::new("summary_dl_reml_parallel", n),
            &table,
            |b, t| b.iter(|| t.reconcile()),
        );
    }
    g.finish();
}

fn relations(c: &mut Criterion) {
    let mut g = c.benchmark_group("relations");
    g.sample_size(10);
    for n in [100usize, 1_000] {
        // One quantity with n claims: n(n − 1)/2 pairs.
        let csv = workload::csv(workload::Params {
            claims: n,
            quantities: 1,
            sources: n,
            seed: 1,
            one_sided: 0.0,
            zero_width: 0.0,
            worded: false,
        });
        let set = Loader::new().csv_str(&csv).unwrap().set;
        let r = Reconciler::new()
            .with_pooling(PoolOptions::none())
            .with_relation_limit(0)
            .reconcile(&set);
        let q = &r.quantities[0];
        g.throughput(Throughput::Elements((n * (n - 1) / 2) as u64));
        g.bench_function(BenchmarkId::new("all_pairs", n), |b| {
            b.iter(|| q.relations().count())
        });
    }
    g.finish();
}

fn pooling(c: &mut Criterion) {
    let mut g = c.benchmark_group("pooling");
    g.sample_size(10);
    // Claim-level pooling through the reconciler, each method with leave-one-out influence.
    let set = Loader::new()
        .csv_str(&workload::csv(workload::Params::with_claims(10_000)))
        .unwrap()
        .set;
    for m in PoolMethod::ALL {
        g.throughput(Throughput::Elements(10_000));
        let r = Reconciler::new()
            .with_pooling([m])
            .without_support_profile();
        g.bench_function(BenchmarkId::new(m.key(), 10_000), |b| {
            b.iter(|| r.reconcile(&set))
        });
    }
    // The meta-analysis module alone: 100,000 quantities of 10 studies, every method.
    let mut rng = workload::Rng(9);
    let quantities: Vec<Vec<Study>> = (0..100_000)
        .map(|_| {
            (0..10)
                .map(|_| Study::new(rng.normal(), 0.01 + 0.2 * rng.uniform()))
                .collect()
        })
        .collect();
    g.throughput(Throughput::Elements(1_000_000));
    for m in Method::ALL {
        g.bench_function(
            BenchmarkId::new(format!("meta_{}", m.as_str()), "100k_x_10"),
            |b| {
                b.iter(|| {
                    quantities
                        .iter()
                        .map(|s| meta_analysis(s, m).unwrap().estimate)
                        .sum::<f64>()
                })
            },
        );
    }
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    for n in SIZES {
        let csv = workload::csv(workload::Params::with_claims(n));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("csv_to_dl_reml", n), &csv, |b, csv| {
            b.iter(|| {
                ClaimTable::from_csv_reader(csv.as_bytes())
                    .unwrap()
                    .reconcile()
            })
        });
    }
    g.finish();
}

/// Whether `cargo bench` runs this (`--bench`), rather than `cargo test` checking that each
/// benchmark runs once (in a debug build, where the full path at 10⁶ would take minutes).
fn bench_mode() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The full path every real file takes: the Loader (every check, full records), the
/// default Reconciler with every pooled method (compact, as the tool runs it), and the
/// compact JSON report written out as it is made — on numbers, and on the same claims
/// worded.
fn full_path(c: &mut Criterion) {
    let mut g = c.benchmark_group("full_path");
    g.sample_size(10);
    let sizes: &[usize] = if bench_mode() { &SIZES } else { &SIZES[..1] };
    for &n in sizes {
        for worded in [false, true] {
            let csv = workload::csv(workload::Params {
                worded,
                ..workload::Params::with_claims(n)
            });
            g.throughput(Throughput::Elements(n as u64));
            let name = if worded {
                "worded_csv_to_json"
            } else {
                "csv_to_json"
            };
            g.bench_with_input(BenchmarkId::new(name, n), &csv, |b, csv| {
                b.iter(|| {
                    let set = Loader::new().csv_str(csv).unwrap().set;
                    Reconciler::new()
                        .compact()
                        .reconcile_to_compact_json(&set, std::io::sink())
                        .unwrap();
                })
            });
        }
    }
    g.finish();
}

criterion_group!(
    benches, load, summary, relations, pooling, pipeline, full_path
);
criterion_main!(benches);
