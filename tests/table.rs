//! The columnar claim table agrees with the full reconciler, gives identical results with
//! and without parallelism, and reports bad rows like the loader does.

use crosscheck::pool::{PoolMethod, meta::Method};
use crosscheck::table::ClaimTable;
use crosscheck::{Error, Loader, Reconciler};

/// A small deterministic workload: 300 quantities, 2–9 claims each, some one-sided.
fn workload() -> String {
    let mut s = String::from("quantity,sources,low,central,high\n");
    let mut x: u64 = 7;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 10_000) as f64 / 10_000.0
    };
    for q in 0..300 {
        let truth = 10f64.powf(1.0 + 5.0 * next());
        let n = 2 + (next() * 8.0) as usize;
        for src in 0..n {
            let c = truth * (0.6 * next() - 0.3).exp();
            let lo = c * (-0.01 - 0.29 * next()).exp();
            let hi = c * (0.01 + 0.29 * next()).exp();
            if next() < 0.1 {
                s.push_str(&format!("q{q},s{src},{lo:.4},,\n"));
            } else {
                s.push_str(&format!("q{q},s{src},{lo:.4},{c:.4},{hi:.4}\n"));
            }
        }
    }
    s
}

#[test]
fn the_table_path_agrees_with_the_reconciler() {
    let csv = workload();
    let table = ClaimTable::from_csv_reader(csv.as_bytes()).unwrap();
    let fast = table.reconcile();
    let set = Loader::new().csv_str(&csv).unwrap().set;
    let full = Reconciler::new()
        .with_weights(crosscheck::ReliabilityWeights::uniform())
        .with_pooling([
            PoolMethod::Meta(Method::DerSimonianLaird),
            PoolMethod::Meta(Method::Reml),
        ])
        .reconcile(&set);
    assert_eq!(fast.quantities.len(), 300);
    for f in &fast.quantities {
        let q = full.quantity(&f.quantity).unwrap();
        assert_eq!(f.claims, q.claims.len());
        assert_eq!(f.envelope, q.envelope, "{}", f.quantity);
        assert_eq!(f.consensus, q.consensus);
        assert_eq!(f.verdict, q.verdict);
        assert_eq!(f.clusters, q.clusters.len());
        assert_eq!(f.dissenters, q.dissenters.len());
        assert_eq!(f.best_supported, q.best_supported[0].interval);
        assert_eq!(f.best_supported_ties, q.best_supported.len());
        // The table sums in row order, the reconciler in id order: equal to rounding.
        let near = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * a.abs(),
            (a, b) => a.is_none() && b.is_none(),
        };
        assert!(
            near(f.dl.map(|d| d.0), q.pooled["dersimonian_laird"].value),
            "{}",
            f.quantity
        );
        assert!(
            near(f.reml.map(|d| d.0), q.pooled["reml"].value),
            "{}",
            f.quantity
        );
    }
}

#[test]
fn parallel_and_sequential_results_are_identical() {
    let csv = workload();
    let table = ClaimTable::from_csv_reader(csv.as_bytes()).unwrap();
    assert_eq!(table.reconcile(), table.reconcile_sequential());
    let set = Loader::new().csv_str(&csv).unwrap().set;
    assert_eq!(
        Reconciler::new().reconcile(&set),
        Reconciler::new().sequential().reconcile(&set)
    );
}

#[test]
fn bad_rows_are_all_reported_and_good_ones_kept() {
    let csv = "id,quantity,sources,low,central,high\n\
               a,q,s,1,2,3\n\
               b,q,s,5,,4\n\
               c,q,s,1,9,3\n\
               d,q,s,NaN,,\n\
               e,q,s,-1,,\n\
               a,q,t,1,2,3\n\
               f,q,s;s,1,,\n\
               g,q,,1,,\n\
               \"h\",\"q\",\"s\",1,1.5,2\n";
    let (table, rejected) = ClaimTable::load(csv.as_bytes()).unwrap();
    assert_eq!(table.len(), 2);
    assert_eq!(table.claim_id(1), "h");
    let kinds: Vec<&str> = rejected
        .iter()
        .map(|e| match e {
            Error::Inverted { .. } => "inverted",
            Error::CentralOutside { .. } => "central",
            Error::NotFinite { .. } => "nan",
            Error::Negative { .. } => "negative",
            Error::DuplicateId { .. } => "duplicate",
            Error::Empty { .. } => "empty",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "inverted",
            "central",
            "nan",
            "negative",
            "duplicate",
            "duplicate",
            "empty"
        ]
    );
    assert_eq!(
        rejected[0].to_string(),
        "line 3 (claim `b`): field `value` is inverted or empty: low 5 is not below high 4"
    );
    assert!(ClaimTable::from_csv_reader(csv.as_bytes()).is_err());
    assert!(matches!(
        ClaimTable::load("quantity,sources,value\n".as_bytes()),
        Err(Error::Malformed { .. })
    ));
}

#[test]
fn figures_do_not_depend_on_the_order_of_rows() {
    let csv = workload();
    let (header, body) = csv.split_once('\n').unwrap();
    let mut rows: Vec<&str> = body.lines().collect();
    // A fixed shuffle (xorshift Fisher–Yates).
    let mut x: u64 = 99;
    for i in (1..rows.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rows.swap(i, (x % (i as u64 + 1)) as usize);
    }
    let shuffled = format!("{header}\n{}\n", rows.join("\n"));
    let by_quantity = |text: &str| {
        let mut q = ClaimTable::from_csv_reader(text.as_bytes())
            .unwrap()
            .reconcile()
            .quantities;
        q.sort_by(|a, b| a.quantity.cmp(&b.quantity));
        q
    };
    // Equal to the last bit: sums are taken in an order fixed by the figures.
    assert_eq!(by_quantity(&csv), by_quantity(&shuffled));
}

#[test]
fn a_large_plain_file_is_read_in_pieces_and_merged_in_file_order() {
    // Over a megabyte, so the plain route cuts it into one piece per core.
    let mut csv = workload();
    while csv.len() < 1 << 21 {
        let body = workload();
        let body = body.split_once('\n').unwrap().1.replace("q", "r");
        csv.push_str(&body);
        csv.push('\n'); // a blank line between copies: a line, not a record
    }
    let plain = ClaimTable::from_csv_reader(csv.as_bytes()).unwrap();
    assert!(plain.read_by_plain_route());
    // The same records through the checked route: one quoted field anywhere will do.
    let quoted = csv.replacen("q0,", "\"q0\",", 1);
    let checked = ClaimTable::from_csv_reader(quoted.as_bytes()).unwrap();
    assert!(!checked.read_by_plain_route());
    assert_eq!(plain.len(), checked.len());
    assert_eq!(plain.quantity_count(), checked.quantity_count());
    for i in [0, 1, plain.len() / 2, plain.len() - 1] {
        assert_eq!(plain.claim_id(i), checked.claim_id(i));
    }
    assert_eq!(plain.reconcile(), checked.reconcile());
}

/// Small tables whose bounds come from a few values, so that claims tie, touch and nest;
/// some one-sided, some with a level (a statistical interval: hard only as the count
/// domain), 0 and −0 among the values.
fn tied_table() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let values = ["-0", "0", "1", "2", "2.0", "3", "5", "8"];
    let claim = (0..8usize, 0..8usize, 0..6u8, 0..4u8);
    prop::collection::vec(prop::collection::vec(claim, 1..9), 1..6).prop_map(move |qs| {
        let mut s = String::from("quantity,sources,low,central,high,level\n");
        for (q, claims) in qs.iter().enumerate() {
            for (src, &(a, b, shape, level)) in claims.iter().enumerate() {
                let (lo, hi) = (a.min(b), a.max(b));
                let (lo, hi) = (values[lo], values[hi]);
                match shape {
                    0 => s.push_str(&format!("q{q},s{src},{lo},,,\n")),
                    1 if level == 0 => s.push_str(&format!("q{q},s{src},{lo},{hi},{hi},0.9\n")),
                    _ => s.push_str(&format!("q{q},s{src},{lo},,{hi},\n")),
                }
            }
        }
        s
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// The table's summary (its own sweep for claims of weight one, its envelope, consensus
    /// and verdict from the bounds' extremes) is the Reconciler's on tied, touching and
    /// nested claims, one-sided ones and statistical intervals among them.
    #[test]
    fn the_tables_summary_is_the_reconcilers_on_tied_claims(csv in tied_table()) {
        let table = ClaimTable::from_csv_reader(csv.as_bytes()).unwrap();
        let set = Loader::new().csv_str(&csv).unwrap().set;
        let full = Reconciler::new()
            .with_weights(crosscheck::ReliabilityWeights::uniform())
            .reconcile(&set);
        for f in &table.summary_sequential().quantities {
            let q = full.quantity(&f.quantity).unwrap();
            proptest::prop_assert_eq!(f.envelope, q.envelope, "{}", csv);
            proptest::prop_assert_eq!(f.consensus, q.consensus, "{}", csv);
            proptest::prop_assert_eq!(f.verdict, q.verdict, "{}", csv);
            proptest::prop_assert_eq!(f.clusters, q.clusters.len(), "{}", csv);
            proptest::prop_assert_eq!(f.dissenters, q.dissenters.len(), "{}", csv);
            proptest::prop_assert_eq!(f.best_supported, q.best_supported[0].interval, "{}", csv);
            proptest::prop_assert_eq!(f.best_supported_ties, q.best_supported.len(), "{}", csv);
        }
    }
}
