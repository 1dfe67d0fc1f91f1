//! Invariants, stated as proptest properties.

use crosscheck::pool::meta::{Method, Study, meta_analysis};
use crosscheck::{
    Claim, ClaimSet, Estimate, Interval, Quantity, QuantityKind, Reconciler, Reliability, Source,
    relate,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Spec {
    quantity: usize,
    low: i32,
    width: i32,
    central: Option<i32>,
    one_sided: bool,
    source: usize,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0usize..3,
        0i32..1000,
        0i32..400,
        proptest::option::of(0i32..=100),
        prop::bool::weighted(0.1),
        0usize..5,
    )
        .prop_map(|(quantity, low, width, central, one_sided, source)| Spec {
            quantity,
            low,
            width,
            central,
            one_sided,
            source,
        })
}

fn estimate(s: &Spec, k: f64) -> Estimate {
    let lo = f64::from(s.low.max(1)) * k;
    if s.one_sided {
        return Estimate::from_bounds(Some(lo), None, None).unwrap();
    }
    let hi = f64::from(s.low.max(1) + s.width) * k;
    let e = Estimate::interval(lo, hi).unwrap();
    match s.central {
        // A central at a fraction of the width, in whole steps so scaling stays exact.
        Some(c) => {
            let c = f64::from(s.low.max(1)) * k + f64::from(s.width) * k * f64::from(c) / 128.0;
            e.with_central(c.min(hi)).unwrap()
        }
        None => e,
    }
}

fn build(specs: &[Spec], order: &[usize], k: f64) -> ClaimSet {
    let mut set = ClaimSet::new();
    let grades = [
        Some(Reliability::A),
        Some(Reliability::C),
        None,
        Some(Reliability::E),
        Some(Reliability::B),
    ];
    let sides = [Some("X"), Some("Y"), None, Some("X"), None];
    for i in 0..5 {
        let mut s = Source::new(format!("s{i}"), format!("Source {i}")).unwrap();
        if let Some(g) = grades[i] {
            s = s.with_reliability(g);
        }
        if let Some(side) = sides[i] {
            s = s.with_side(side);
        }
        set.add_source(s).unwrap();
    }
    for q in 0..3 {
        set.add_quantity(
            Quantity::new(format!("q{q}"), "")
                .unwrap()
                .with_subject_side("X"),
        )
        .unwrap();
    }
    for &i in order {
        let s = &specs[i];
        set.add_claim(
            Claim::new(
                format!("c{i:03}"),
                format!("q{}", s.quantity),
                [format!("s{}", s.source)],
                estimate(s, k),
            )
            .unwrap(),
        )
        .unwrap();
    }
    set
}

fn specs_and_order() -> impl Strategy<Value = (Vec<Spec>, Vec<usize>)> {
    prop::collection::vec(spec(), 1..12).prop_flat_map(|specs| {
        let n = specs.len();
        (Just(specs), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
    })
}

fn near(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn near_iv(a: &Interval, b: &Interval) -> bool {
    near(a.inf(), b.inf())
        && near(a.sup(), b.sup())
        && a.low().is_open() == b.low().is_open()
        && a.high().is_open() == b.high().is_open()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn claim_order_never_changes_the_result((specs, order) in specs_and_order()) {
        let ordered: Vec<usize> = (0..specs.len()).collect();
        let a = Reconciler::new().reconcile(&build(&specs, &ordered, 1.0));
        let b = Reconciler::new().reconcile(&build(&specs, &order, 1.0));
        prop_assert_eq!(a.to_json_string(), b.to_json_string());
    }

    #[test]
    fn envelope_contains_and_consensus_lies_inside_every_claim((specs, order) in specs_and_order()) {
        let r = Reconciler::new().reconcile(&build(&specs, &order, 1.0));
        for q in &r.quantities {
            // Superseded claims and relays are history: the envelope is of the judged ones.
            for c in q.claims.iter().filter(|c| c.status == crosscheck::time::ClaimStatus::Current) {
                prop_assert!(q.envelope.contains(&c.plausible));
                if let Some(cons) = q.consensus {
                    prop_assert!(c.plausible.contains(&cons));
                }
            }
            for region in &q.best_supported {
                for id in &region.claims {
                    prop_assert!(q.claim(id).unwrap().plausible.contains(&region.interval));
                }
            }
            for cluster in &q.clusters {
                for a in cluster {
                    for b in cluster {
                        prop_assert!(q.claim(a).unwrap().plausible.overlaps(&q.claim(b).unwrap().plausible));
                    }
                }
            }
        }
    }

    #[test]
    fn agreement_is_symmetric((specs, order) in specs_and_order()) {
        let set = build(&specs, &order, 1.0);
        for a in set.claims() {
            for b in set.claims() {
                let x = relate(a.estimate(), b.estimate());
                let y = relate(b.estimate(), a.estimate());
                let (r1, g1, c1, o1) = (x.relation, x.gap, x.central_ratio, x.overlap_share);
                let (r2, g2, c2, o2) = (y.relation, y.gap, y.central_ratio, y.overlap_share);
                prop_assert_eq!(r1, r2.inverse());
                prop_assert_eq!((g1, c1, o1), (g2, c2, o2));
            }
        }
    }

    #[test]
    fn scaling_all_values_scales_every_reported_figure((specs, order) in specs_and_order(), e in -3i32..6) {
        // Powers of two scale floating-point values exactly.
        let k = 2f64.powi(e);
        let a = Reconciler::new().reconcile(&build(&specs, &order, 1.0));
        let b = Reconciler::new().reconcile(&build(&specs, &order, k));
        for (qa, qb) in a.quantities.iter().zip(&b.quantities) {
            prop_assert!(near_iv(&qa.envelope.scale(k).unwrap(), &qb.envelope));
            prop_assert_eq!(qa.consensus.map(|c| c.scale(k).unwrap()), qb.consensus);
            prop_assert_eq!(qa.verdict, qb.verdict);
            prop_assert_eq!(&qa.clusters, &qb.clusters);
            prop_assert_eq!(qa.best_supported.len(), qb.best_supported.len());
            for (ra, rb) in qa.best_supported.iter().zip(&qb.best_supported) {
                prop_assert!(near_iv(&ra.interval.scale(k).unwrap(), &rb.interval));
            }
            for (pa, pb) in qa.relations.iter().zip(&qb.relations) {
                prop_assert_eq!(pa.relation, pb.relation);
                prop_assert_eq!(pa.gap.map(|g| g * k), pb.gap);
                prop_assert_eq!(pa.central_ratio.map(|r| (r * 1e9).round()), pb.central_ratio.map(|r| (r * 1e9).round()));
            }
            for (key, pa) in &qa.pooled {
                let pb = &qb.pooled[key];
                match (pa.value, pb.value) {
                    (Some(x), Some(y)) => prop_assert!(near(x * k, y) || (x * k - y).abs() < 1e-6 * y.abs(), "{key}: {x} × {k} vs {y}"),
                    (x, y) => prop_assert_eq!(x.is_some(), y.is_some()),
                }
            }
        }
    }

    #[test]
    fn json_round_trips_losslessly((specs, order) in specs_and_order()) {
        let set = build(&specs, &order, 1.0);
        let again = ClaimSet::from_json_str(&set.to_json_string()).unwrap();
        prop_assert_eq!(set, again);
    }

    #[test]
    fn weighted_median_lies_between_the_extreme_centrals((specs, order) in specs_and_order()) {
        let r = Reconciler::new().reconcile(&build(&specs, &order, 1.0));
        for q in &r.quantities {
            // Ranges enter at their midpoint, so the plausible ends bound the median too.
            let cs: Vec<f64> = q
                .claims
                .iter()
                .flat_map(|c| [c.central, c.plausible.low_value(), c.plausible.high_value()])
                .flatten()
                .collect();
            if let Some(m) = q.pooled["weighted_median"].value {
                let lo = cs.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = cs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                prop_assert!(lo <= m && m <= hi);
            }
        }
    }
}

fn studies() -> impl Strategy<Value = Vec<Study>> {
    prop::collection::vec(
        (-5.0f64..5.0, 0.01f64..2.0).prop_map(|(y, v)| Study::new(y, v)),
        2..15,
    )
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn meta_analysis_invariants(s in studies(), c in -10.0f64..10.0, scale in 0.1f64..10.0, seed in any::<u64>()) {
        for m in Method::ALL {
            let base = meta_analysis(&s, m).unwrap();
            prop_assert!(base.tau2 >= 0.0);
            prop_assert!((0.0..=100.0).contains(&base.i2_q) && (0.0..=100.0).contains(&base.i2_tau));
            // Permuting studies changes nothing.
            let mut p = s.clone();
            let n = p.len();
            for i in (1..n).rev() {
                p.swap(i, (seed as usize).wrapping_mul(i + 7) % (i + 1));
            }
            let perm = meta_analysis(&p, m).unwrap();
            prop_assert!(close(base.estimate, perm.estimate, 1e-9) && close(base.tau2, perm.tau2, 1e-9));
            // Shifting every y by c shifts the estimate and intervals, leaves τ², Q, I².
            let shifted: Vec<Study> = s.iter().map(|x| Study::new(x.y + c, x.v)).collect();
            let sh = meta_analysis(&shifted, m).unwrap();
            prop_assert!(close(sh.estimate, base.estimate + c, 1e-9));
            prop_assert!(close(sh.ci.0, base.ci.0 + c, 1e-9) && close(sh.pi.1, base.pi.1 + c, 1e-9));
            prop_assert!(close(sh.tau2, base.tau2, 1e-8) && close(sh.q, base.q, 1e-8) && close(sh.i2_q, base.i2_q, 1e-8));
            // Scaling y by s and v by s² scales estimate, SE, intervals and τ; leaves Q, I².
            let scaled: Vec<Study> = s.iter().map(|x| Study::new(x.y * scale, x.v * scale * scale)).collect();
            let sc = meta_analysis(&scaled, m).unwrap();
            prop_assert!(close(sc.estimate, base.estimate * scale, 1e-8));
            prop_assert!(close(sc.se, base.se * scale, 1e-8) && close(sc.tau, base.tau * scale, 1e-6));
            prop_assert!(close(sc.ci.1, base.ci.1 * scale, 1e-8));
            prop_assert!(close(sc.q, base.q, 1e-8) && close(sc.i2_q, base.i2_q, 1e-8));
        }
    }

    #[test]
    fn wording_round_trips_every_number_under_every_hedge(n in 0u64..10_000_000_000, hedge in 0usize..12) {
        let hedges = ["", "about ", "approximately ", "more than ", "at least ", "less than ", "at most ", "nearly ", "exactly ", "up to ", "over ", "closer to "];
        let text = format!("{}{}", hedges[hedge], crosscheck::format_number(n as f64));
        let e: Estimate = text.parse().unwrap();
        prop_assert_eq!(e.reading().unwrap().numbers()[0], n as f64);
        prop_assert!(e.hard().contains(e.plausible()));
        if let Some(c) = e.central() {
            prop_assert!(e.plausible().contains_value(c));
        }
        if hedges[hedge] == "more than " || hedges[hedge] == "over " {
            prop_assert!(!e.hard().contains_value(n as f64) && !e.plausible().contains_value(n as f64));
        }
    }

    #[test]
    fn wording_with_decimals_round_trips(n in 0u32..100_000, d in 1u32..3, hedge in 0usize..3) {
        let x = f64::from(n) / 10f64.powi(d as i32);
        let text = format!("{}{x:.*}", ["", "about ", "more than "][hedge], d as usize);
        let e: Estimate = text.parse().unwrap();
        prop_assert_eq!(e.reading().unwrap().numbers()[0], text.trim_start_matches(|c: char| !c.is_ascii_digit()).parse::<f64>().unwrap());
    }
}

/// Token soup: hedge words, numbers and symbols in random order, to reach deep parser states.
fn soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "about",
        "more",
        "than",
        "between",
        "and",
        "to",
        "from",
        "at",
        "least",
        "a",
        "few",
        "several",
        "dozen",
        "hundreds",
        "of",
        "thousands",
        "million",
        "k",
        "1,200",
        "14 000",
        "27,00,000",
        "0",
        "-5",
        "3.5",
        "+",
        "-",
        "–",
        "~",
        "≥",
        ">=",
        "±",
        "or",
        "more",
        "so",
        "plus",
        "twelve",
        "hundred",
        "units",
        "1e9",
        "12,34,5",
        ",",
        ".",
        "lakh",
        "crore",
        "tens",
    ]);
    prop::collection::vec(tokens, 0..8).prop_map(|t| t.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// No input panics the reader or the loaders (a fuzz target runs longer: fuzz/README.md).
    #[test]
    fn no_input_panics_the_reader(s in "\\PC{0,40}", t in soup()) {
        for text in [&s, &t] {
            if let Ok(e) = text.parse::<Estimate>() {
                prop_assert!(e.hard().contains(e.plausible()));
                if let Some(c) = e.central() { prop_assert!(e.plausible().contains_value(c)); }
            }
            let _ = crosscheck::wording::Reader::new().with_domain(QuantityKind::Count).read(text);
            let csv = format!("quantity,sources,value\nq,a,\"{}\"\n", text.replace('"', "\"\""));
            let _ = crosscheck::Loader::new().lenient().csv_str(&csv);
            let _ = ClaimSet::from_json_str(text);
            let table = format!("quantity,sources,low,central,high\n{text}\nq,a,{text},,\n");
            if let Ok((t, _)) = crosscheck::table::ClaimTable::load(table.as_bytes()) {
                let _ = t.reconcile();
            }
        }
    }
}

/// Any bounds: closed, open or unbounded, negative or positive, points.
fn any_estimate() -> impl Strategy<Value = Estimate> {
    let bound = prop_oneof![
        Just(None),
        (-1000i32..1000, any::<bool>()).prop_map(|(v, open)| Some((f64::from(v) / 4.0, open))),
    ];
    (bound.clone(), bound, proptest::option::of(0u8..=100)).prop_filter_map(
        "non-empty",
        |(a, b, c)| {
            let (lo, hi) = match (a, b) {
                (Some(x), Some(y)) if x.0 > y.0 => (Some(y), Some(x)),
                p => p,
            };
            let iv = Interval::try_from_parts(
                lo.map(|l| l.0),
                lo.is_some_and(|l| l.1),
                hi.map(|h| h.0),
                hi.is_some_and(|h| h.1),
            )
            .ok()?;
            let e = Estimate::new(iv, iv, None).ok()?;
            match (c, iv.is_bounded()) {
                (Some(c), true) => e
                    .clone()
                    .with_central(iv.inf() + iv.width() * f64::from(c) / 100.0)
                    .ok()
                    .or(Some(e)),
                _ => Some(e),
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the bounds, reconciling and rendering never panic, every claim stays inside
    /// the envelope, and the chart is well-formed SVG with finite coordinates.
    #[test]
    fn any_bounds_reconcile_and_render(estimates in prop::collection::vec(any_estimate(), 1..9)) {
        let mut set = ClaimSet::new();
        set.add_source(Source::new("s", "S").unwrap()).unwrap();
        set.add_quantity(Quantity::new("q", "any").unwrap().with_kind(QuantityKind::Real)).unwrap();
        for (i, e) in estimates.into_iter().enumerate() {
            set.add_claim(Claim::new(format!("c{i}"), "q", ["s"], e).unwrap()).unwrap();
        }
        let r = Reconciler::new().reconcile(&set);
        let q = &r.quantities[0];
        for c in &q.claims {
            prop_assert!(q.envelope.contains(&c.plausible));
        }
        let _ = (r.to_string(), r.to_markdown(), r.to_html(), r.to_json_string());
        for chart in [crosscheck::chart::Chart::new(&r), crosscheck::chart::Chart::new(&r).with_log_axis(true)] {
            let svg = chart.to_svg();
            prop_assert!(roxmltree::Document::parse(&svg).is_ok());
            prop_assert!(!svg.contains("NaN") && !svg.contains("inf\""), "{}", svg);
        }
    }
}
