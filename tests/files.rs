//! File formats: JSON round trips, CSV with and without an accompanying JSON, real data.

use crosscheck::{ClaimSet, Estimate, Interval, Loader, Reconciler};

#[test]
fn json_round_trips_the_kursk_file() {
    let set = ClaimSet::from_json_str(include_str!("../examples/data/kursk.json")).unwrap();
    let again = ClaimSet::from_json_str(&set.to_json_string()).unwrap();
    assert_eq!(set, again);
}

#[test]
fn every_value_form_round_trips() {
    let json = r#"{"sources": [{"id": "a", "name": "A"}], "quantities": [{"id": "q", "kind": "real"}],
      "claims": [
        {"id": "w", "quantity": "q", "sources": "a", "value": "about 4,000"},
        {"id": "p", "quantity": "q", "sources": ["a"], "value": {"wording": "over 7,000", "profile": "relative", "level": 0.9}},
        {"id": "n", "quantity": "q", "sources": ["a"], "value": {"low": 1000, "high": 1400, "central": 1200, "level": 0.8}},
        {"id": "h", "quantity": "q", "sources": ["a"], "value": {"low": 76000}},
        {"id": "f", "quantity": "q", "sources": ["a"], "value": {"hard": {"low": 0, "high": null, "high_open": true}, "plausible": {"low": 1.5, "low_open": true, "high": 2.25}}},
        {"id": "b", "quantity": "q", "sources": ["a"], "value": 1200}
      ]}"#;
    let set = ClaimSet::from_json_str(json).unwrap();
    assert_eq!(set.claim("n").unwrap().estimate().level(), Some(0.8));
    assert_eq!(
        set.claim("h").unwrap().estimate().hard().to_string(),
        "[76,000, +∞)"
    );
    assert_eq!(
        set.claim("b").unwrap().estimate().plausible().to_string(),
        "[1,150, 1,250]"
    );
    assert_eq!(
        set.claim("p").unwrap().estimate().plausible().to_string(),
        "(7,000, 7,350]"
    );
    let again = ClaimSet::from_json_str(&set.to_json_string()).unwrap();
    assert_eq!(set, again);
}

#[test]
fn a_count_clips_an_open_low_bound_at_zero() {
    let set = ClaimSet::from_json_str(
        r#"{"sources": [{"id": "a", "name": "A"}], "quantities": [{"id": "q"}],
      "claims": [{"id": "x", "quantity": "q", "sources": ["a"], "value": {"high": 100}}]}"#,
    )
    .unwrap();
    assert_eq!(
        *set.claim("x").unwrap().estimate().hard(),
        Interval::closed(0.0, 100.0).unwrap()
    );
}

#[test]
fn csv_creates_undeclared_sources_and_quantities_and_keeps_declared_ones() {
    let csv = "id,quantity,sources,low,high,central,as_of,url,quote\n\
               a,kpa-casualties,ua-gov,2000,6000,4000,2025-04,https://example.org/r,\"about 4,000\"\n\
               b,kpa-casualties,us-intel;cia,1000,,,2025,,\n\
               c,new-q,someone,,inf,,,,\n";
    let base = ClaimSet::from_json_str(include_str!("../examples/data/kursk.json")).unwrap();
    // With a declared base, ids it does not declare are refused as likely typos...
    let e = Loader::new()
        .with_base(base.clone())
        .csv_str(csv)
        .unwrap_err();
    let names: Vec<String> = e.errors().iter().map(|e| e.to_string()).collect();
    assert!(
        names.iter().any(|m| m.contains("unknown source `cia`")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|m| m.contains("unknown quantity `new-q`")),
        "{names:?}"
    );
    // ...unless the caller allows undeclared ones, which are then created from their ids.
    let loaded = Loader::new()
        .with_base(base)
        .allow_undeclared()
        .csv_str(csv)
        .unwrap();
    let set = loaded.set;
    assert!(set.source("cia").is_some());
    assert_eq!(set.source("ua-gov").unwrap().side(), Some("Ukraine"));
    assert_eq!(set.quantity("new-q").unwrap().description(), "");
    assert_eq!(set.claim("b").unwrap().sources(), ["us-intel", "cia"]);
    assert_eq!(
        set.claim("b").unwrap().estimate().hard().to_string(),
        "[1,000, +∞)"
    );
    assert_eq!(
        set.claim("c").unwrap().estimate().hard().to_string(),
        "[0, +∞)"
    );
    assert_eq!(
        set.claim("a").unwrap().citation().unwrap().quote.as_deref(),
        Some("about 4,000")
    );
    assert_eq!(
        set.stance(set.claim("a").unwrap()),
        crosscheck::Stance::Adversary
    );
}

#[test]
fn real_data_ucdp_event_fatality_ranges() {
    // UCDP Candidate Events (CC BY 4.0): low/best/high deaths per event, see tests/data/SOURCES.md.
    // The candidate data has quality problems: three events with low > high and one whose
    // best estimate lies below its low. Strict loading refuses them all at once; lenient
    // loading keeps the other 46 and names each bad one.
    let strict = ClaimSet::from_csv_str(include_str!("data/ucdp_sample.csv")).unwrap_err();
    assert_eq!(strict.errors().len(), 4);
    let loaded = Loader::new()
        .lenient()
        .csv_str(include_str!("data/ucdp_sample.csv"))
        .unwrap();
    let bad: Vec<String> = loaded.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(
        bad,
        [
            "line 4 (claim `ucdp-374396`): field `value` is inverted or empty: low 13 is not below high 12",
            "line 7 (claim `ucdp-375143`): central value 6 lies outside the plausible interval [7, 16]",
            "line 12 (claim `ucdp-381401`): field `value` is inverted or empty: low 13 is not below high 12",
            "line 46 (claim `ucdp-380086`): field `value` is inverted or empty: low 17 is not below high 16",
        ]
    );
    let set = loaded.set;
    assert_eq!(set.len(), 46);
    let r = Reconciler::new().reconcile(&set);
    assert_eq!(r.quantities.len(), set.quantities().len());
    for q in &r.quantities {
        for c in &q.claims {
            assert!(q.envelope.contains(&c.plausible));
        }
    }
}

#[test]
fn real_data_claimed_vs_photo_confirmed_losses() {
    // Ukrainian General Staff claims (MIT, PetroIvaniuk) vs Oryx photo-confirmed minimums
    // (CC BY 4.0, scarnecchia/oryx_data), see tests/data/SOURCES.md.
    let set = ClaimSet::from_csv_str(include_str!("data/oryx_sample.csv")).unwrap();
    let r = Reconciler::new().reconcile(&set);
    let q = r
        .quantities
        .iter()
        .find(|q| q.claims.len() >= 2)
        .expect("a quantity with both sources");
    // Oryx counts are minimums ("at least"), the General Staff's are "about": they are in
    // tension or consistent, never contradictory.
    assert_ne!(q.verdict, crosscheck::Verdict::Contradiction);
    let _ = Estimate::exact(0.0).unwrap();
}

#[test]
fn real_data_wikidata_census_figures_contradict() {
    // Three Wikidata statements of the 1900 US population (CC0), read as bare numbers: an
    // exact count (76,303,387, u = 1), a rounded one (76,094,000, u = 1,000) and another
    // exact one. Read at their own precision they cannot all be true.
    let set = ClaimSet::from_csv_str(include_str!("data/wikidata_us_population.csv")).unwrap();
    let r = Reconciler::new().reconcile(&set);
    let q = r.quantity("us-population-1900").unwrap();
    assert_eq!(q.verdict, crosscheck::Verdict::Contradiction);
    assert_eq!(
        q.claim("Q30$52345D2B-DEC8-41DD-B890-3B6789319A80")
            .unwrap()
            .plausible
            .to_string(),
        "[76,093,500, 76,094,500]"
    );
    assert_eq!(
        (q.envelope.inf(), q.envelope.sup()),
        (76_093_500.0, 76_303_387.5)
    );
    // The disagreement is small in relative terms: the centrals are within 0.3 % of each other.
    assert!(q.relations.iter().all(|p| p.central_ratio.unwrap() < 1.003));
    let q = r.quantity("us-population-1910").unwrap();
    assert_eq!(q.verdict, crosscheck::Verdict::Contradiction);
}

#[test]
fn a_large_csv_reports_every_bad_row_in_file_order_across_the_loaders_batches() {
    // 10,000 rows, read 4,096 at a time: bad rows on both sides of the batch edges, an
    // invalid UTF-8 row ending a batch, a duplicate of a row in an earlier batch, and a
    // refused row naming a new quantity (which must not be created).
    let mut bytes = b"id,quantity,sources,value\n".to_vec();
    let mut expected = Vec::new();
    for i in 1..=10_000u64 {
        let line = i + 1;
        let row: Vec<u8> = match i {
            4096 => {
                expected.push(line);
                b"r4096,q1,s1,\xff\xfe\n".to_vec()
            }
            4097 => {
                expected.push(line);
                b"r4097,q1,s1,5,extra\n".to_vec()
            }
            5000 => {
                expected.push(line);
                b"r4090,q1,s1,7\n".to_vec()
            }
            8193 => {
                expected.push(line);
                b"r8193,lonely,s1,-5\n".to_vec()
            }
            _ if i % 997 == 0 => {
                expected.push(line);
                format!("r{i},q{},s{},abc\n", i % 50, i % 7).into_bytes()
            }
            _ => format!("r{i},q{},s{},{i}\n", i % 50, i % 7).into_bytes(),
        };
        bytes.extend(row);
    }
    let loaded = Loader::new()
        .lenient()
        .csv_reader(bytes.as_slice())
        .unwrap();
    let lines: Vec<u64> = loaded
        .rejected
        .iter()
        .map(|e| match e.location() {
            Some(crosscheck::Location::Line { line, .. }) => *line,
            other => panic!("{e} at {other:?}"),
        })
        .collect();
    assert_eq!(lines, expected);
    let set = &loaded.set;
    assert_eq!(set.claims().len(), 10_000 - expected.len());
    assert!(set.quantity("lonely").is_none());
    // Claims in file order, the duplicate's first row kept.
    let ids: Vec<u64> = set
        .claims()
        .iter()
        .map(|c| c.id()[1..].parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        set.claim("r4090").unwrap().estimate().central(),
        Some(4090.0)
    );
    // Every claim found by its id where it stands in the list, in every batch.
    assert!(
        set.claims()
            .iter()
            .all(|c| std::ptr::eq(set.claim(c.id()).unwrap(), c))
    );
}
