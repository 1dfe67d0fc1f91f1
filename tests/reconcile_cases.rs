//! Hand-checked cases: every relation kind and verdict, Marzullo with ties and weights,
//! clusters on overlapping chains.

use crosscheck::{
    Claim, ClaimSet, Estimate, Interval, Quantity, Reconciler, Relation, Reliability,
    ReliabilityWeights, Source, Verdict, relate,
};

pub fn set_of(claims: &[(&str, Estimate, Option<Reliability>)]) -> ClaimSet {
    let mut set = ClaimSet::new();
    set.add_quantity(
        Quantity::new("q", "test quantity")
            .unwrap()
            .with_kind(crosscheck::QuantityKind::Real),
    )
    .unwrap();
    for (id, e, grade) in claims {
        let mut s = Source::new(format!("s-{id}"), *id).unwrap();
        if let Some(g) = grade {
            s = s.with_reliability(*g);
        }
        set.add_source(s).unwrap();
        set.add_claim(Claim::new(*id, "q", [format!("s-{id}")], e.clone()).unwrap())
            .unwrap();
    }
    set
}

fn iv(a: f64, b: f64) -> Estimate {
    Estimate::interval(a, b).unwrap()
}

fn hedged(hard: Interval, plausible: Interval) -> Estimate {
    Estimate::new(hard, plausible, None).unwrap()
}

#[test]
fn every_relation_kind() {
    let c = |a, b| iv(a, b);
    assert_eq!(relate(&c(1.0, 2.0), &c(1.0, 2.0)).relation, Relation::Same);
    assert_eq!(
        relate(&c(0.0, 10.0), &c(2.0, 3.0)).relation,
        Relation::Contains
    );
    assert_eq!(
        relate(&c(2.0, 3.0), &c(0.0, 10.0)).relation,
        Relation::Contained
    );
    let r = relate(&c(0.0, 4.0), &c(2.0, 6.0));
    assert_eq!(
        (r.relation, r.gap, r.overlap_share),
        (Relation::Overlaps, None, Some(2.0 / 6.0))
    );
    let wide = Interval::closed(0.0, 100.0).unwrap();
    let r = relate(
        &hedged(wide, Interval::closed(1.0, 2.0).unwrap()),
        &hedged(wide, Interval::closed(5.0, 6.0).unwrap()),
    );
    assert_eq!((r.relation, r.gap), (Relation::Tension, Some(3.0)));
    let r = relate(&c(1.0, 2.0), &c(5.0, 6.0));
    assert_eq!((r.relation, r.gap), (Relation::Contradiction, Some(3.0)));
    let a = iv(1_000.0, 1_400.0).with_central(1_200.0).unwrap();
    let b = iv(2_000.0, 6_000.0).with_central(4_000.0).unwrap();
    assert!((relate(&a, &b).central_ratio.unwrap() - 4_000.0 / 1_200.0).abs() < 1e-12);
    assert_eq!(relate(&a, &b).central_ratio, relate(&b, &a).central_ratio);
}

#[test]
fn every_verdict_with_its_deciding_claims() {
    let r = Reconciler::new().reconcile(&set_of(&[("a", iv(1.0, 2.0), None)]));
    assert_eq!(r.quantities[0].verdict, Verdict::Single);
    let r = Reconciler::new().reconcile(&set_of(&[
        ("a", iv(0.0, 10.0), None),
        ("b", iv(5.0, 20.0), None),
        ("c", iv(2.0, 8.0), None),
    ]));
    let q = &r.quantities[0];
    assert_eq!(q.verdict, Verdict::Consistent);
    assert_eq!(q.consensus.unwrap().to_string(), "[5, 8]");
    assert_eq!(q.deciding, ["b", "c"]);
    let wide = Interval::closed(0.0, 100.0).unwrap();
    let r = Reconciler::new().reconcile(&set_of(&[
        ("a", hedged(wide, Interval::closed(1.0, 2.0).unwrap()), None),
        ("b", hedged(wide, Interval::closed(5.0, 6.0).unwrap()), None),
        ("c", hedged(wide, Interval::closed(1.5, 5.5).unwrap()), None),
    ]));
    assert_eq!(r.quantities[0].verdict, Verdict::Tension);
    assert_eq!(r.quantities[0].deciding, ["a", "b"]);
    let r = Reconciler::new().reconcile(&set_of(&[
        ("a", iv(1.0, 2.0), None),
        ("b", iv(5.0, 6.0), None),
        ("c", iv(0.0, 10.0), None),
    ]));
    assert_eq!(r.quantities[0].verdict, Verdict::Contradiction);
    assert_eq!(r.quantities[0].deciding, ["a", "b"]);
}

#[test]
fn marzullo_best_supported_region_with_weights_and_ties() {
    // Unweighted: [2, 3] is covered by a, b and c.
    let set = set_of(&[
        ("a", iv(0.0, 3.0), None),
        ("b", iv(2.0, 5.0), None),
        ("c", iv(1.0, 4.0), None),
        ("d", iv(6.0, 7.0), None),
    ]);
    let q = &Reconciler::new()
        .with_weights(ReliabilityWeights::uniform())
        .reconcile(&set)
        .quantities[0];
    assert_eq!(q.best_supported.len(), 1);
    assert_eq!(q.best_supported[0].interval.to_string(), "[2, 3]");
    assert_eq!(q.best_supported[0].claims, ["a", "b", "c"]);
    assert_eq!(q.best_supported[0].weight, 3.0);
    // Two equally supported regions are both reported.
    let set = set_of(&[
        ("a", iv(0.0, 1.0), None),
        ("b", iv(0.5, 2.0), None),
        ("c", iv(5.0, 6.0), None),
        ("d", iv(5.5, 7.0), None),
    ]);
    let q = &Reconciler::new().reconcile(&set).quantities[0];
    let regions: Vec<String> = q
        .best_supported
        .iter()
        .map(|r| r.interval.to_string())
        .collect();
    assert_eq!(regions, ["[0.5, 1]", "[5.5, 6]"]);
    // Weight beats count: one A-rated claim outweighs two E-rated ones.
    let set = set_of(&[
        ("a", iv(0.0, 1.0), Some(Reliability::A)),
        ("b", iv(5.0, 6.0), Some(Reliability::E)),
        ("c", iv(5.5, 7.0), Some(Reliability::E)),
    ]);
    let q = &Reconciler::new().reconcile(&set).quantities[0];
    assert_eq!(q.best_supported[0].claims, ["a"]);
    assert_eq!(q.best_supported[0].weight, 1.0);
    // The profile covers exactly the claimed values.
    let total: usize = q.support.iter().map(|s| s.claims).max().unwrap();
    assert_eq!(total, 2);
}

#[test]
fn open_bounds_that_only_touch_do_not_agree() {
    let touching = Estimate::new(
        Interval::try_from_parts(Some(0.0), false, Some(2.0), true).unwrap(),
        Interval::try_from_parts(Some(0.0), false, Some(2.0), true).unwrap(),
        None,
    )
    .unwrap();
    let set = set_of(&[("a", touching, None), ("b", iv(2.0, 3.0), None)]);
    let q = &Reconciler::new().reconcile(&set).quantities[0];
    assert_eq!(q.verdict, Verdict::Contradiction);
    assert_eq!(q.clusters.len(), 2);
    let set = set_of(&[("a", iv(0.0, 2.0), None), ("b", iv(2.0, 3.0), None)]);
    let q = &Reconciler::new().reconcile(&set).quantities[0];
    assert_eq!(q.consensus.unwrap().to_string(), "[2, 2]");
}

#[test]
fn clusters_on_an_overlapping_chain() {
    // A∩B and B∩C, but not A∩C: two maximal cliques {A, B} and {B, C}.
    let set = set_of(&[
        ("a", iv(0.0, 2.0), None),
        ("b", iv(1.0, 4.0), None),
        ("c", iv(3.0, 5.0), None),
        ("d", iv(10.0, 11.0), None),
    ]);
    let q = &Reconciler::new().reconcile(&set).quantities[0];
    assert_eq!(
        q.clusters,
        vec![
            vec!["a".to_string(), "b".into()],
            vec!["b".into(), "c".into()],
            vec!["d".into()]
        ]
    );
    // Both largest clusters tie, so only d stands outside them.
    assert_eq!(q.dissenters, ["d"]);
    // With a heavier C side, {B, C} is the largest and A dissents too.
    let set = set_of(&[
        ("a", iv(0.0, 2.0), Some(Reliability::E)),
        ("b", iv(1.0, 4.0), Some(Reliability::A)),
        ("c", iv(3.0, 5.0), Some(Reliability::A)),
    ]);
    let q = &Reconciler::new().reconcile(&set).quantities[0];
    assert_eq!(q.clusters[0], ["b", "c"]);
    assert_eq!(q.dissenters, ["a"]);
}

#[test]
fn relations_are_listed_up_to_the_limit_and_lazily_beyond() {
    let claims: Vec<(String, Estimate)> = (0..30)
        .map(|i| (format!("c{i:02}"), iv(i as f64, i as f64 + 2.5)))
        .collect();
    let refs: Vec<(&str, Estimate, Option<Reliability>)> = claims
        .iter()
        .map(|(id, e)| (id.as_str(), e.clone(), None))
        .collect();
    let set = set_of(&refs);
    let q = &Reconciler::new()
        .with_relation_limit(10)
        .reconcile(&set)
        .quantities[0];
    assert!(!q.relations_complete);
    assert!(q.relations.is_empty());
    assert_eq!(q.relations().count(), 30 * 29 / 2);
    let q = &Reconciler::new().reconcile(&set).quantities[0];
    assert_eq!(q.relations.len(), 435);
}

#[test]
fn unclaimed_quantities_are_listed_not_dropped() {
    let mut set = set_of(&[("a", iv(1.0, 2.0), None)]);
    set.add_quantity(Quantity::new("empty", "nobody claims this").unwrap())
        .unwrap();
    let r = Reconciler::new().reconcile(&set);
    assert_eq!(r.unclaimed, ["empty"]);
    assert!(
        r.to_string()
            .contains("declared quantities with no claims: empty")
    );
}

#[test]
fn minus_zero_and_zero_are_the_same_point() {
    let set = set_of(&[("a", iv(-5.0, -0.0), None), ("b", iv(0.0, 5.0), None)]);
    let q = &Reconciler::new().reconcile(&set).quantities[0];
    assert_eq!(q.verdict, Verdict::Consistent);
    assert_eq!(q.clusters.len(), 1);
    assert_eq!(q.best_supported.len(), 1);
}

#[test]
fn nested_intervals_cannot_blow_up_the_cluster_lists() {
    // 3,000 claims [i, i + 1000]: ~2,000 maximal cliques of ~1,000 members (2 million member
    // entries) if all were listed. The lists stop at the budget; counts and dissenters stay
    // exact.
    let claims: Vec<(String, Estimate)> = (0..3000)
        .map(|i| (format!("c{i:04}"), iv(f64::from(i), f64::from(i) + 1000.0)))
        .collect();
    let refs: Vec<(&str, Estimate, Option<Reliability>)> = claims
        .iter()
        .map(|(id, e)| (id.as_str(), e.clone(), None))
        .collect();
    let set = set_of(&refs);
    let q = &Reconciler::new()
        .with_relation_limit(0)
        .with_pooling(crosscheck::pool::PoolOptions::none())
        .reconcile(&set)
        .quantities[0];
    assert_eq!(q.cluster_count, 2000);
    assert!(!q.clusters_complete);
    let listed: usize = q.clusters.iter().map(Vec::len).sum();
    assert!(listed <= 64 * 3000, "{listed}");
    // Every clique has 1,001 members: all tie for largest, so nobody dissents.
    assert!(q.dissenters.is_empty());
    assert!(q.to_string().contains("2000 clusters in all"));
    // The best-supported regions are the 2,000 integer points covered by 1,001 claims each;
    // their counts stay exact even where the member lists are cut.
    assert_eq!(q.best_supported.len(), 2000);
    assert!(
        q.best_supported
            .iter()
            .all(|r| r.claim_count == 1001 && (r.claims.is_empty() || r.claims.len() == 1001))
    );
    let listed: usize = listed
        + q.best_supported
            .iter()
            .map(|r| r.claims.len())
            .sum::<usize>();
    assert!(listed <= 64 * 3000);
}
