//! Learned reliability scored against known truth (issue "Sources' track record and
//! learned reliability"; DESIGN §3.5).
//!
//! ```text
//! cargo run --release --example truth_discovery -- [DIR]
//! ```
//!
//! Reads the two data sets of `DIR` (default `../shared/data/truth-discovery`; see its
//! README for origin and licence — the data are not shipped with this crate) and prints, per
//! method, MAE, RMSE and the share of objects more than 1 % off (ER), for the mean, the
//! median, the lower median, CRH, CATD, GTM and crosscheck's learner — on the numbers, and
//! through the full path (a claim set reconciled with
//! `Reconciler::with_learned_reliability`, scoring `pooled.learned`). Without the data it
//! says so and exits 0.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use crosscheck::reliability::Learner;
use crosscheck::reliability::numeric::Dataset;
use crosscheck::{Claim, ClaimSet, Estimate, Quantity, QuantityKind, Reconciler, Source};

type Triples = Vec<(String, String, f64)>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/truth-discovery".into());
    let dir = Path::new(&dir);
    if !dir.join("population/claims.csv").exists() {
        println!(
            "no data at {} (the truth-discovery data sets are not shipped; see BENCHMARKS.md)",
            dir.display()
        );
        return Ok(());
    }
    let (claims, truth) = population(dir)?;
    run(
        "population (Pasternack & Roth 2010)",
        &claims,
        &truth,
        QuantityKind::Count,
    )?;
    let (claims, truth) = emotion(dir)?;
    run(
        "emotion (Snow et al. 2008)",
        &claims,
        &truth,
        QuantityKind::Real,
    )?;
    Ok(())
}

fn population(dir: &Path) -> Result<(Triples, BTreeMap<String, f64>), Box<dyn std::error::Error>> {
    let mut claims = Vec::new();
    for r in csv::Reader::from_path(dir.join("population/claims.csv"))?.records() {
        let r = r?;
        claims.push((
            format!("{}|{}", &r[0], &r[1]),
            r[3].to_string(),
            r[2].parse()?,
        ));
    }
    let mut truth = BTreeMap::new();
    for r in csv::Reader::from_path(dir.join("population/truth.csv"))?.records() {
        let r = r?;
        truth.insert(format!("{}|{}", &r[0], &r[1]), r[2].parse()?);
    }
    Ok((claims, truth))
}

fn emotion(dir: &Path) -> Result<(Triples, BTreeMap<String, f64>), Box<dyn std::error::Error>> {
    let mut claims = Vec::new();
    for r in csv::Reader::from_path(dir.join("emotion/answers.csv"))?.records() {
        let r = r?;
        claims.push((r[0].to_string(), r[1].to_string(), r[2].parse()?));
    }
    let mut truth = BTreeMap::new();
    for r in csv::Reader::from_path(dir.join("emotion/truth.csv"))?.records() {
        let r = r?;
        truth.insert(r[0].to_string(), r[1].parse()?);
    }
    Ok((claims, truth))
}

/// A score as the README of the data prints it: 4 significant digits, powers of ten
/// above a million.
fn fig(x: f64) -> String {
    if x.abs() >= 1e6 {
        format!("{x:.3e}")
    } else if x.abs() >= 100.0 {
        crosscheck::format_number((x * 10.0).round() / 10.0)
    } else {
        format!("{x:.2}")
    }
}

/// MAE, RMSE and the share of objects more than 1 % off (relative to max(|truth|, 1)).
fn score(
    objects: &[String],
    values: &[f64],
    truth: &BTreeMap<String, f64>,
) -> (f64, f64, f64, usize) {
    let (mut ae, mut se, mut off, mut n) = (0.0, 0.0, 0usize, 0usize);
    for (o, v) in objects.iter().zip(values) {
        if let Some(t) = truth.get(o) {
            let e = (v - t).abs();
            ae += e;
            se += e * e;
            if e / t.abs().max(1.0) > 0.01 {
                off += 1;
            }
            n += 1;
        }
    }
    let n_f = n as f64;
    (ae / n_f, (se / n_f).sqrt(), off as f64 / n_f, n)
}

fn run(
    name: &str,
    claims: &Triples,
    truth: &BTreeMap<String, f64>,
    kind: QuantityKind,
) -> Result<(), Box<dyn std::error::Error>> {
    let d = Dataset::from_triples(claims.iter().map(|c| (&c.0, &c.1, c.2)))?;
    let n_sources = d.sources().len();
    println!(
        "{name}: {} claims, {} objects, {} sources",
        d.len(),
        d.objects().len(),
        n_sources
    );
    println!("| method | MAE | RMSE | ER | objects | time |");
    println!("|---|---|---|---|---|---|");
    let line = |label: &str, f: &dyn Fn() -> Vec<f64>| {
        let t = Instant::now();
        let v = f();
        let el = t.elapsed().as_secs_f64();
        let (mae, rmse, er, n) = score(d.objects(), &v, truth);
        println!(
            "| {label} | {} | {} | {er:.3} | {n} | {el:.3} s |",
            fig(mae),
            fig(rmse)
        );
    };
    line("mean", &|| d.mean());
    line("median", &|| d.median());
    line("lower median", &|| d.lower_median());
    line("CRH", &|| d.crh().values);
    line("CATD", &|| d.catd().values);
    line("CATD (std + 1e-10)", &|| d.catd_with_epsilon(1e-10).values);
    line("GTM (α = β = 10)", &|| d.gtm(10.0, 10.0).values);
    line("crosscheck (numbers)", &|| d.crosscheck().values);

    // The full path: a claim set, reconciled with learned reliability.
    let t = Instant::now();
    let mut set = ClaimSet::new();
    // Some editors' names have a comma, which a source id may not (it is the usual slip
    // for two sources): the id drops it, the name keeps it. Two names that became one id
    // would be refused as a duplicate, not merged.
    for s in d.sources() {
        set.add_source(Source::new(s.replace(',', " "), s.as_str())?)?;
    }
    for o in d.objects() {
        set.add_quantity(Quantity::new(o.as_str(), "")?.with_kind(kind))?;
    }
    for (k, (o, s, v)) in claims.iter().enumerate() {
        set.add_claim(Claim::new(
            format!("c{k}"),
            o.as_str(),
            [s.replace(',', " ")],
            Estimate::exact(*v)?,
        )?)?;
    }
    let r = Reconciler::new()
        .compact()
        .with_pooling(crosscheck::pool::PoolOptions::none())
        .with_learned_reliability(Learner::Crosscheck)
        .reconcile(&set);
    let el = t.elapsed().as_secs_f64();
    let values: Vec<f64> = d
        .objects()
        .iter()
        .map(|o| {
            r.quantity(o)
                .and_then(|q| q.pooled.get("learned"))
                .and_then(|p| p.value)
                .unwrap_or(f64::NAN)
        })
        .collect();
    let (mae, rmse, er, n) = score(d.objects(), &values, truth);
    println!(
        "| crosscheck (claims, `pooled.learned`) | {} | {} | {er:.3} | {n} | {el:.3} s |",
        fig(mae),
        fig(rmse)
    );
    println!();
    Ok(())
}
