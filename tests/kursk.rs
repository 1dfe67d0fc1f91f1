//! The seed report (DESIGN §1), end to end.

use crosscheck::{ClaimSet, Reconciler, Relation, Stance, Temporal, Verdict};

fn kursk() -> crosscheck::Reconciliation {
    let set = ClaimSet::from_json_str(include_str!("../examples/data/kursk.json"))
        .expect("the Kursk file loads");
    assert_eq!(set.len(), 8);
    Reconciler::new().reconcile(&set)
}

#[test]
fn casualty_claims_are_not_consistent_and_differ_by_a_factor_of_3_33() {
    let r = kursk();
    let q = r.quantity("kpa-casualties").unwrap();
    assert_ne!(q.verdict, Verdict::Consistent);
    assert_eq!(q.verdict, Verdict::Tension);
    assert!(q.consensus.is_none());
    assert_eq!(q.deciding, ["us-casualties", "zelensky-casualties"]);
    let pair = q.relation("zelensky-casualties", "us-casualties").unwrap();
    assert_eq!(pair.relation, Relation::Tension);
    assert_eq!(format!("{:.2}", pair.central_ratio.unwrap()), "3.33");
    // `closer to 1,200` reads [1,100, 1,300] (DESIGN §4 v2), `about 4,000` [2,000, 6,000].
    assert_eq!(pair.gap, Some(700.0));
    assert_eq!(q.relations.len(), 1);
}

#[test]
fn stances_follow_the_sides() {
    let r = kursk();
    let q = r.quantity("kpa-casualties").unwrap();
    assert_eq!(
        q.claim("zelensky-casualties").unwrap().stance,
        Stance::Adversary
    );
    assert_eq!(q.claim("us-casualties").unwrap().stance, Stance::Third);
    assert!(q.stance.self_serving_pattern);
    assert!(q.stance.separated);
    for id in ["ua-personnel-lost", "ua-equipment-lost"] {
        let q = r.quantity(id).unwrap();
        assert!(
            q.claims.iter().all(|c| c.stance == Stance::Adversary),
            "{id}"
        );
        assert_eq!(q.stance.only, Some(Stance::Adversary));
        assert!(q.stance.summary.contains("adversary side"));
    }
    // A joint claim of two sources on the same side stays `adversary`.
    assert_eq!(
        r.quantity("kpa-sent").unwrap().claims[0].stance,
        Stance::Adversary
    );
}

#[test]
fn the_projection_is_reconciled_apart() {
    let r = kursk();
    let p = r.quantity("kpa-rotation").unwrap();
    assert_eq!(p.temporal, Temporal::Projection);
    assert!(p.is_projection());
    assert_eq!(p.claims.len(), 1);
    assert_eq!(p.envelope.to_string(), "[60,000, 100,000]");
    // Present counts of troops never include it, and projections come last in the report.
    for id in ["kpa-sent", "kpa-reinforcements", "kpa-casualties"] {
        let q = r.quantity(id).unwrap();
        assert!(q.claims.iter().all(|c| c.id != "analysts-rotation"));
        assert!(q.envelope.sup() < 60_000.0);
    }
    assert_eq!(r.quantities.last().unwrap().quantity, "kpa-rotation");
}

#[test]
fn pooled_casualties_rest_on_two_sources_of_opposite_stance() {
    let r = kursk();
    let q = r.quantity("kpa-casualties").unwrap();
    let reml = &q.pooled["reml"];
    assert_eq!(reml.scale, crosscheck::pool::Scale::Log);
    assert_eq!(reml.weights.len(), 2);
    let v = reml.value.unwrap();
    assert!(v > 1_200.0 && v < 4_000.0, "{v}");
    let inf = reml.influence.as_ref().unwrap();
    assert_eq!(inf.without_claim.len(), 2);
    let stances: Vec<Stance> = q.claims.iter().map(|c| c.stance).collect();
    assert_eq!(stances, [Stance::Third, Stance::Adversary]);
}

#[test]
fn the_text_report_reads_without_the_code() {
    let text = kursk().to_string();
    for needle in [
        "kpa-casualties",
        "TENSION",
        "\"about 4,000\"",
        "central values 3.33× apart",
        "PROJECTION",
        "self-serving bias",
        "(76,000, 77,000]",
        "every figure comes from the adversary side",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn the_json_report_has_the_design_fields() {
    let json: serde_json::Value = serde_json::from_str(&kursk().to_json_string()).unwrap();
    let q = json["quantities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["quantity"] == "kpa-casualties")
        .unwrap();
    for field in [
        "quantity",
        "temporal",
        "claims",
        "envelope",
        "consensus",
        "best_supported",
        "verdict",
        "deciding",
        "relations",
        "clusters",
        "dissenters",
        "stance",
        "pooled",
    ] {
        assert!(q.get(field).is_some(), "missing {field}");
    }
    assert_eq!(q["verdict"], "tension");
    assert_eq!(q["relations"][0]["relation"], "tension");
    assert_eq!(q["claims"][1]["wording"], "about 4,000");
    assert_eq!(
        q["envelope"],
        serde_json::json!({"low": 1100.0, "low_open": false, "high": 6000.0, "high_open": false})
    );
    assert!(q["consensus"].is_null());
}
