//! Constraints between quantities (DESIGN §3.4): the Gaza breakdown of identified dead,
//! the Kursk deployed total, narrowing, infeasibility with a minimal conflict, the file
//! format, and the properties of propagation (never removes a solution, reaches a fixed
//! point, independent of order; the conflict set is minimal).

use proptest::prelude::*;

use crosscheck::{
    Claim, ClaimSet, Constraint, ConstraintStatus, Estimate, Interval, Quantity, Reconciler, Source,
};

/// The Gaza Ministry of Health's breakdown of the identified dead on 30 April 2024 (children
/// 7,797, women 4,959, elderly 1,924, men 10,006: 24,686 identified, of 34,622 reported),
/// as UN OCHA relayed it; `children` may be replaced to break the sum.
fn gaza(children: &str) -> ClaimSet {
    let mut set = ClaimSet::new();
    set.add_source(
        Source::new("moh", "Gaza Ministry of Health")
            .unwrap()
            .with_side("Gaza"),
    )
    .unwrap();
    for (q, v) in [
        ("children", children),
        ("women", "4,959"),
        ("elderly", "1,924"),
        ("men", "10,006"),
        ("identified", "24,686"),
        ("reported", "34,622"),
    ] {
        set.add_quantity(Quantity::new(q, format!("killed, {q}")).unwrap())
            .unwrap();
        set.add_claim(Claim::new(format!("moh-{q}"), q, ["moh"], v.parse().unwrap()).unwrap())
            .unwrap();
    }
    set.add_constraint(
        Constraint::sum_eq(
            "breakdown",
            ["children", "women", "elderly", "men"],
            "identified",
        )
        .unwrap(),
    )
    .unwrap();
    set.add_constraint(Constraint::le("identified-of-reported", "identified", "reported").unwrap())
        .unwrap();
    set
}

#[test]
fn the_gaza_breakdown_adds_up() {
    let r = Reconciler::new().reconcile(&gaza("7,797"));
    assert_eq!(r.constraints.len(), 2);
    for c in &r.constraints {
        assert_ne!(c.status, ConstraintStatus::Infeasible, "{}", c.id);
        assert!(c.conflict.is_empty());
    }
    assert!(
        r.to_string()
            .contains("breakdown (children + women + elderly + men = identified)")
    );
}

#[test]
fn a_part_raised_past_the_identified_total_is_infeasible_with_that_claim_in_the_conflict() {
    let r = Reconciler::new().reconcile(&gaza("30,000"));
    let c = r.constraints.iter().find(|c| c.id == "breakdown").unwrap();
    assert_eq!(c.status, ConstraintStatus::Infeasible);
    assert!(
        c.conflict.contains(&"moh-children".to_string()),
        "{:?}",
        c.conflict
    );
    assert!(
        c.conflict.contains(&"moh-identified".to_string()),
        "{:?}",
        c.conflict
    );
    // Minimal: the other parts are not needed to show it.
    assert_eq!(c.conflict.len(), 2, "{:?}", c.conflict);
    let w = c.witness.as_deref().unwrap();
    assert!(
        w.contains("moh-children") && w.contains("moh-identified") && w.contains("moh"),
        "{w}"
    );
    assert!(w.contains('>'), "{w}");
    // Every format says so.
    for out in [
        r.to_string(),
        r.to_markdown(),
        r.to_html(),
        r.to_json_string(),
    ] {
        assert!(out.contains("INFEASIBLE") || out.contains("\"infeasible\""));
    }
}

#[test]
fn kursk_derives_the_deployed_total_and_bounds_the_casualties() {
    let set = ClaimSet::from_json_str(include_str!("../examples/data/kursk.json")).unwrap();
    let r = Reconciler::new().reconcile(&set);
    let d = r
        .derived
        .iter()
        .find(|d| d.quantity == "kpa-deployed")
        .unwrap();
    assert_eq!(d.plausible.to_string(), "[14,500, 19,500]");
    assert_eq!(d.central, Some(17_000.0));
    assert_eq!(d.from, ["kpa-sent-ua-kr", "kpa-reinforcements-ua-kr"]);
    // A derived figure is never a vote: no quantity report, no pooled line for it.
    assert!(r.quantity("kpa-deployed").is_none());
    let bound = r
        .constraints
        .iter()
        .find(|c| c.id == "casualties-within-deployed")
        .unwrap();
    assert_eq!(bound.status, ConstraintStatus::Satisfied);
    let total = r
        .constraints
        .iter()
        .find(|c| c.id == "deployed-total")
        .unwrap();
    assert_eq!(total.status, ConstraintStatus::Narrowed);
    assert_eq!(
        total.narrowed["kpa-deployed"].to_string(),
        "[14,500, 19,500]"
    );
    // The chart draws the derived total in a panel of its own.
    let svg = crosscheck::chart::Chart::new(&r).to_svg();
    assert!(svg.contains("derived: deployed-total"));
}

fn claim_set(quantities: &[(&str, f64, f64)], constraints: Vec<Constraint>) -> ClaimSet {
    let mut set = ClaimSet::new();
    set.add_source(Source::from_id("s").unwrap()).unwrap();
    for (q, lo, hi) in quantities {
        set.add_quantity(Quantity::new(*q, "").unwrap()).unwrap();
        set.add_claim(
            Claim::new(
                format!("c-{q}"),
                *q,
                ["s"],
                Estimate::interval(*lo, *hi).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
    }
    for c in constraints {
        set.add_constraint(c).unwrap();
    }
    set
}

#[test]
fn a_bound_narrows_both_sides() {
    let set = claim_set(
        &[("a", 10.0, 20.0), ("b", 0.0, 15.0)],
        vec![Constraint::le("a-le-b", "a", "b").unwrap()],
    );
    let r = Reconciler::new().reconcile(&set);
    let c = &r.constraints[0];
    assert_eq!(c.status, ConstraintStatus::Narrowed);
    assert_eq!(c.narrowed_hard["a"].to_string(), "[10, 15]");
    assert_eq!(c.narrowed_hard["b"].to_string(), "[10, 15]");
    // A bound the claims already keep is satisfied.
    let set = claim_set(
        &[("a", 1.0, 2.0), ("b", 5.0, 6.0)],
        vec![Constraint::le("a-le-b", "a", "b").unwrap()],
    );
    assert_eq!(
        Reconciler::new().reconcile(&set).constraints[0].status,
        ConstraintStatus::Satisfied
    );
}

#[test]
fn constraints_load_from_json_round_trip_and_name_unknown_quantities() {
    let set = ClaimSet::from_json_str(include_str!("../examples/data/kursk.json")).unwrap();
    assert_eq!(set.constraints().len(), 2);
    let again = ClaimSet::from_json_str(&set.to_json_string()).unwrap();
    assert_eq!(set, again);
    let bad = r#"{"quantities": [{"id": "kpa-casualties"}, {"id": "kpa-deployed"}],
        "constraints": [{"id": "x", "kind": "le", "a": "kpa-casualtis", "b": "kpa-deployed"},
                        {"id": "y", "kind": "sum_eq", "a": "kpa-casualties", "b": "kpa-deployed"},
                        {"id": "z", "kind": "lt", "a": "kpa-casualties", "b": "kpa-deployed"}]}"#;
    let e = ClaimSet::from_json_str(bad).unwrap_err();
    let msgs: Vec<String> = e.errors().iter().map(|e| e.to_string()).collect();
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(
        msgs[0].contains("unknown quantity `kpa-casualtis`; did you mean `kpa-casualties`?"),
        "{msgs:?}"
    );
    assert!(msgs[1].contains("take `parts` and `total`"), "{msgs:?}");
    assert!(msgs[2].contains("`lt`"), "{msgs:?}");
}

/// A random system: up to 5 quantities, each with one interval claim, and up to 4
/// constraints among them.
#[derive(Debug, Clone)]
struct System {
    intervals: Vec<(f64, f64)>,
    constraints: Vec<(u8, Vec<usize>, usize)>,
}

fn system() -> impl Strategy<Value = System> {
    (2usize..=5).prop_flat_map(|n| {
        let intervals = prop::collection::vec((0u32..100, 0u32..60), n).prop_map(|v| {
            v.into_iter()
                .map(|(a, w)| (f64::from(a), f64::from(a + w)))
                .collect::<Vec<_>>()
        });
        let constraint = (0u8..4, prop::collection::vec(0..n, 1..=3), 0..n);
        let constraints = prop::collection::vec(constraint, 1..=4);
        (intervals, constraints).prop_map(|(intervals, constraints)| System {
            intervals,
            constraints: constraints
                .into_iter()
                .filter_map(|(k, mut parts, total)| {
                    parts.sort_unstable();
                    parts.dedup();
                    parts.retain(|p| *p != total);
                    (!parts.is_empty()).then_some((k, parts, total))
                })
                .collect(),
        })
    })
}

fn build(s: &System, constraint_order: &[usize], claim_order: &[usize]) -> ClaimSet {
    let names: Vec<String> = (0..s.intervals.len()).map(|i| format!("q{i}")).collect();
    let mut set = ClaimSet::new();
    set.add_source(Source::from_id("s").unwrap()).unwrap();
    for n in &names {
        set.add_quantity(
            Quantity::new(n.clone(), "")
                .unwrap()
                .with_kind(crosscheck::QuantityKind::Real),
        )
        .unwrap();
    }
    for &i in claim_order {
        let (lo, hi) = s.intervals[i];
        set.add_claim(
            Claim::new(
                format!("c{i}"),
                names[i].clone(),
                ["s"],
                Estimate::interval(lo, hi).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
    }
    for &k in constraint_order {
        let (kind, parts, total) = &s.constraints[k];
        let parts: Vec<String> = parts.iter().map(|p| names[*p].clone()).collect();
        let id = format!("k{k}");
        let c = match (kind, parts.len()) {
            (0, 1) => Constraint::le(id, parts[0].clone(), names[*total].clone()),
            (1, 1) => Constraint::eq(id, parts[0].clone(), names[*total].clone()),
            (0 | 2, _) => Constraint::sum_le(id, parts, names[*total].clone()),
            _ => Constraint::sum_eq(id, parts, names[*total].clone()),
        };
        set.add_constraint(c.unwrap()).unwrap();
    }
    set
}

fn holds(s: &System, x: &[f64]) -> bool {
    s.constraints.iter().all(|(kind, parts, total)| {
        let sum: f64 = parts.iter().map(|p| x[*p]).sum();
        let eps = 1e-9 * (1.0 + sum.abs() + x[*total].abs());
        // Kinds 1 and 3 are equalities (eq, sum_eq), 0 and 2 bounds (le, sum_le).
        if matches!(kind, 1 | 3) {
            (sum - x[*total]).abs() <= eps
        } else {
            sum <= x[*total] + eps
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn propagation_keeps_every_solution_and_is_order_independent(
        s in system(),
        samples in prop::collection::vec(prop::collection::vec(0.0f64..1.0, 5), 300),
        seed in any::<u64>(),
    ) {
        let n_c = s.constraints.len();
        let n_q = s.intervals.len();
        let set = build(&s, &(0..n_c).collect::<Vec<_>>(), &(0..n_q).collect::<Vec<_>>());
        let r = Reconciler::new().reconcile(&set);
        // Order of constraints and claims does not matter.
        let mut co: Vec<usize> = (0..n_c).collect();
        let mut qo: Vec<usize> = (0..n_q).collect();
        co.rotate_left((seed as usize) % n_c.max(1));
        qo.reverse();
        let r2 = Reconciler::new().reconcile(&build(&s, &co, &qo));
        prop_assert_eq!(&r.constraints, &r2.constraints);
        prop_assert_eq!(&r.derived, &r2.derived);
        // Sampled points (from the claims' intervals, with equalities solved for their
        // total) that satisfy every constraint survive every narrowing.
        let infeasible = r.constraints.iter().any(|c| c.status == ConstraintStatus::Infeasible);
        for t in &samples {
            let mut x: Vec<f64> = (0..n_q).map(|i| {
                let (lo, hi) = s.intervals[i];
                lo + t[i] * (hi - lo)
            }).collect();
            for (kind, parts, total) in &s.constraints {
                if matches!(kind, 1 | 3) {
                    x[*total] = parts.iter().map(|p| x[*p]).sum();
                }
            }
            let in_claims = (0..n_q).all(|i| s.intervals[i].0 <= x[i] && x[i] <= s.intervals[i].1);
            if in_claims && holds(&s, &x) {
                prop_assert!(!infeasible, "a solution exists, yet infeasible: {:?}", x);
                for c in &r.constraints {
                    for (q, iv) in &c.narrowed_hard {
                        let i: usize = q[1..].parse().unwrap();
                        let tol = 1e-9 * (1.0 + x[i].abs());
                        prop_assert!(iv.inf() - tol <= x[i] && x[i] <= iv.sup() + tol, "{} removed {} from {}", c.id, x[i], q);
                    }
                }
            }
        }
    }

    #[test]
    fn propagation_reaches_a_fixed_point(s in system()) {
        let n_c = s.constraints.len();
        let n_q = s.intervals.len();
        let r = Reconciler::new().reconcile(&build(&s, &(0..n_c).collect::<Vec<_>>(), &(0..n_q).collect::<Vec<_>>()));
        prop_assume!(r.constraints.iter().all(|c| c.status != ConstraintStatus::Infeasible));
        // Re-claim every quantity at its narrowed interval: nothing narrows any further.
        let mut narrowed = s.clone();
        for c in &r.constraints {
            for (q, iv) in &c.narrowed_hard {
                let i: usize = q[1..].parse().unwrap();
                narrowed.intervals[i] = (iv.inf(), iv.sup());
            }
        }
        let again = Reconciler::new().reconcile(&build(&narrowed, &(0..n_c).collect::<Vec<_>>(), &(0..n_q).collect::<Vec<_>>()));
        for c in &again.constraints {
            for (q, iv) in &c.narrowed_hard {
                let i: usize = q[1..].parse().unwrap();
                let (lo, hi) = narrowed.intervals[i];
                let tol = 1e-9 * (1.0 + lo.abs().max(hi.abs()));
                prop_assert!((iv.inf() - lo).abs() <= tol && (iv.sup() - hi).abs() <= tol, "{} narrowed {} again: {} from [{}, {}]", c.id, q, iv, lo, hi);
            }
        }
    }

    #[test]
    fn the_conflict_set_is_minimal(s in system()) {
        let n_c = s.constraints.len();
        let n_q = s.intervals.len();
        let all: Vec<usize> = (0..n_q).collect();
        let r = Reconciler::new().reconcile(&build(&s, &(0..n_c).collect::<Vec<_>>(), &all));
        for c in r.constraints.iter().filter(|c| c.status == ConstraintStatus::Infeasible) {
            let ids: Vec<usize> = c.conflict.iter().map(|id| id[1..].parse().unwrap()).collect();
            // With the constraints it names, the conflict alone is infeasible...
            let with: Vec<usize> = c.with_constraints.iter().map(|id| id[1..].parse().unwrap()).collect();
            let names_itself = with.iter().any(|k| *k == c.id[1..].parse::<usize>().unwrap());
            prop_assert!(names_itself, "{} is not among its own constraints", c.id);
            let alone = Reconciler::new().reconcile(&build(&s, &with, &ids));
            prop_assert!(alone.constraints.iter().any(|x| x.status == ConstraintStatus::Infeasible));
            // ...and dropping any one of its claims makes the rest feasible.
            for drop in &ids {
                let rest: Vec<usize> = ids.iter().copied().filter(|i| i != drop).collect();
                let r = Reconciler::new().reconcile(&build(&s, &with, &rest));
                prop_assert!(r.constraints.iter().all(|x| x.status != ConstraintStatus::Infeasible), "dropping c{} leaves it infeasible", drop);
            }
        }
    }
}

#[test]
fn interval_arithmetic_keeps_the_kinds_of_ends() {
    let a = Interval::try_from_parts(Some(1.0), true, Some(2.0), false).unwrap();
    let b = Interval::try_from_parts(Some(3.0), false, None, false).unwrap();
    assert_eq!(a.add(&b).unwrap().to_string(), "(4, +∞)");
    assert_eq!(a.sub(&b).unwrap().to_string(), "(−∞, -1]");
    assert_eq!(a.scale(-2.0).unwrap().to_string(), "[-4, -2)");
    assert_eq!(a.mul_positive(&b).unwrap().to_string(), "(3, +∞)");
    assert_eq!(b.div_positive(&a).unwrap().to_string(), "[1.5, +∞)");
    let e: Estimate = "about 4,000".parse().unwrap();
    let f: Estimate = "1,000".parse().unwrap();
    let d = e.sub(&f).unwrap();
    assert_eq!(d.central(), Some(3_000.0));
    assert_eq!(d.plausible().to_string(), "[500, 5,500]");
}
