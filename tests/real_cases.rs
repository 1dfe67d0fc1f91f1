//! Real disputed figures (tests/data/real_cases.json, sources in each claim's citation and
//! in tests/data/SOURCES.md): Hurricane Maria, COVID-19 excess deaths, Darfur, the 2010 Haiti
//! earthquake, Hong Kong on 16 June 2019 and the Million Man March. What a careful reader
//! must be able to quote: no pooled value resting on one claim, no negative pooled bound for
//! a count, confidence intervals that miss each other in tension (never a contradiction),
//! and every warning in every format.

use crosscheck::chart::Chart;
use crosscheck::{ClaimSet, Reconciler, Reconciliation, Relation, Verdict};

fn real() -> Reconciliation {
    let set = ClaimSet::from_json_str(include_str!("data/real_cases.json")).unwrap();
    Reconciler::new().reconcile(&set)
}

#[test]
fn no_pooled_value_rests_on_one_claim() {
    let r = real();
    for q in &r.quantities {
        for (key, p) in &q.pooled {
            if p.value.is_some() || p.tie.is_some() {
                assert!(p.used >= 2, "{} {key}: used {}", q.quantity, p.used);
            } else {
                assert!(
                    p.note.is_some(),
                    "{} {key}: no value and no note",
                    q.quantity
                );
            }
            let current = q
                .claims
                .iter()
                .filter(|c| c.status == crosscheck::time::ClaimStatus::Current)
                .count();
            assert_eq!(p.of, current);
        }
    }
    // Darfur: the government's 10,000 is the only figure; the UN's "as many as 300,000" is a
    // bound. Nothing may echo 10,000.
    let darfur = r.quantity("darfur-deaths").unwrap();
    for key in [
        "weighted_median",
        "fixed_effect",
        "dersimonian_laird",
        "reml",
        "ml",
        "censored_ml",
    ] {
        assert_eq!(darfur.pooled[key].value, None, "{key}");
    }
    assert!(
        darfur.pooled["reml"]
            .note
            .as_deref()
            .unwrap()
            .contains("rests on 1 of 2 claims")
    );
    // Hong Kong: the organisers' "nearly 2 million" is a bound; the police count alone is
    // not pooled.
    let hk = r.quantity("hong-kong-16-june-2019").unwrap();
    assert_eq!(hk.pooled["weighted_median"].value, None);
    assert_eq!(hk.pooled["reml"].value, None);
    // Haiti: the USAID range enters at its (geometric) midpoint, so no method echoes 316,000.
    let haiti = r.quantity("haiti-earthquake-deaths").unwrap();
    for (key, p) in &haiti.pooled {
        assert_ne!(p.value, Some(316_000.0), "{key}");
    }
    assert_eq!(haiti.pooled["reml"].from_range, ["haiti-usaid"]);
}

#[test]
fn rounding_is_not_sampling_error() {
    let r = real();
    // Maria: the certified 64 has no stated uncertainty, so no fixed effect (which gave 65).
    let maria = r.quantity("maria-deaths").unwrap();
    let fe = &maria.pooled["fixed_effect"];
    assert_eq!(fe.value, None);
    assert!(fe.note.as_deref().unwrap().contains("maria-official-64"));
    // The random-effects methods let τ² carry the spread between 64 and the studies.
    let reml = &maria.pooled["reml"];
    assert!(reml.value.unwrap() > 100.0);
    assert!(reml.heterogeneity.as_ref().unwrap().tau2 > 1.0);
}

#[test]
fn no_pooled_bound_of_a_count_is_negative() {
    let r = real();
    for q in &r.quantities {
        for (key, p) in &q.pooled {
            for i in [p.interval, p.prediction, p.small_sample_interval]
                .into_iter()
                .flatten()
            {
                assert!(i.inf() >= 0.0, "{} {key}: {i}", q.quantity);
            }
        }
    }
    // The Million Man March gave a prediction interval from −120,610 on the linear scale.
    let mmm = r.quantity("million-man-march").unwrap();
    assert!(mmm.pooled["dersimonian_laird"].prediction.unwrap().inf() > 0.0);
}

#[test]
fn confidence_intervals_that_miss_each_other_are_in_tension() {
    let r = real();
    let covid = r.quantity("covid-excess-deaths-2020-2021").unwrap();
    // WHO 14.9 million (13.3-16.6) and IHME 18.2 million (95% UI 17.1-19.6, given as
    // numbers with a level): they miss each other, yet neither excludes the other's value.
    assert_eq!(covid.verdict, Verdict::Tension);
    let pair = covid.relation("covid-who", "covid-ihme").unwrap();
    assert_eq!(pair.relation, Relation::Tension);
    assert_eq!(covid.claim("covid-ihme").unwrap().level, 0.95);
    assert_eq!(
        covid.claim("covid-ihme").unwrap().hard.to_string(),
        "[0, +∞)"
    );
    // The Maria studies' CIs and the certified figure: tension, not contradiction.
    assert_eq!(
        r.quantity("maria-deaths").unwrap().verdict,
        Verdict::Tension
    );
}

#[test]
fn the_headline_and_the_warnings_appear_in_every_format() {
    let r = real();
    let haiti = r.quantity("haiti-earthquake-deaths").unwrap();
    assert_eq!(haiti.verdict, Verdict::Contradiction);
    assert!(haiti.spread.unwrap() > 2.0);
    assert!(
        haiti
            .pooled
            .values()
            .all(|p| p.warning.as_deref() == Some(crosscheck::CONTRADICTION_WARNING))
    );
    let formats = [
        ("text", r.to_string()),
        ("json", r.to_json_string()),
        ("markdown", r.to_markdown()),
        ("html", r.to_html()),
        ("svg", Chart::new(&r).to_svg()),
    ];
    for (name, out) in &formats {
        assert!(
            out.contains("the claims contradict each other"),
            "{name}: contradiction warning"
        );
        assert!(
            out.contains("rests on 1 of 2 claims"),
            "{name}: the one-claim note"
        );
        assert!(
            out.contains("rounding is not sampling error"),
            "{name}: the fixed-effect note"
        );
        assert!(out.contains("agree"), "{name}: agreement");
        assert!(out.contains("spread"), "{name}: spread");
        assert!(
            out.contains("severity") || out.contains("major"),
            "{name}: severity"
        );
    }
}
