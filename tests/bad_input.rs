//! Every kind of bad input gets a typed error naming the record and field; loaders report
//! every bad record; lenient loading keeps the good ones.

use crosscheck::{Claim, ClaimSet, Error, Estimate, Interval, Loader, Location, Quantity, Source};

fn errors(e: Error) -> Vec<Error> {
    match e {
        Error::Invalid { errors } => errors,
        e => vec![e],
    }
}

const HEAD: &str = r#"{"sources": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
  "quantities": [{"id": "q", "unit": "persons"}, {"id": "r", "kind": "real"}], "claims": ["#;

fn load(claims: &str) -> Vec<Error> {
    errors(ClaimSet::from_json_str(&format!("{HEAD}{claims}]}}")).expect_err("should be refused"))
}

#[test]
fn numbers_that_are_not_finite() {
    assert!(matches!(
        Estimate::interval(f64::NAN, 1.0),
        Err(Error::NotFinite { field: "low", .. })
    ));
    assert!(matches!(
        Estimate::interval(0.0, f64::INFINITY),
        Err(Error::NotFinite { field: "high", .. })
    ));
    assert!(matches!(
        Estimate::exact(1.0).unwrap().with_central(f64::NAN),
        Err(Error::NotFinite {
            field: "central",
            ..
        })
    ));
    let e =
        errors(ClaimSet::from_csv_str("id,quantity,sources,low,high\nx,q,a,NaN,3\n").unwrap_err())
            .remove(0);
    assert!(
        matches!(
            &e,
            Error::NotFinite {
                at: Location::Line { line: 2, .. },
                field: "low",
                ..
            }
        ),
        "{e}"
    );
    // JSON has no NaN; an out-of-range literal is a malformed document.
    assert!(matches!(
        ClaimSet::from_json_str(r#"{"claims": [{"value": 1e999}]}"#),
        Err(Error::Malformed { .. })
    ));
}

#[test]
fn inverted_intervals_and_centrals_outside() {
    let e =
        load(r#"{"id": "x", "quantity": "q", "sources": ["a"], "value": {"low": 5, "high": 1}}"#);
    assert!(
        matches!(&e[0], Error::Inverted { at: Location::Claim(id), field: "value", .. } if id == "x"),
        "{}",
        e[0]
    );
    let e = load(
        r#"{"id": "x", "quantity": "q", "sources": ["a"], "value": {"low": 1, "high": 5, "central": 9}}"#,
    );
    assert!(matches!(&e[0], Error::CentralOutside { central, .. } if *central == 9.0));
    let hard = Interval::closed(0.0, 1.0).unwrap();
    let wide = Interval::closed(0.0, 2.0).unwrap();
    assert!(matches!(
        Estimate::new(hard, wide, None),
        Err(Error::NotNested { .. })
    ));
}

#[test]
fn negative_counts_but_not_negative_reals() {
    let e =
        load(r#"{"id": "x", "quantity": "q", "sources": ["a"], "value": {"low": -5, "high": 1}}"#);
    assert!(
        matches!(&e[0], Error::Negative { field: "low", value, .. } if *value == -5.0),
        "{}",
        e[0]
    );
    let e = load(r#"{"id": "x", "quantity": "q", "sources": ["a"], "value": "about -3"}"#);
    assert!(matches!(&e[0], Error::Negative { .. }), "{}", e[0]);
    ClaimSet::from_json_str(&format!(
        "{HEAD}{}]}}",
        r#"{"id": "x", "quantity": "r", "sources": ["a"], "value": {"low": -5, "high": 1}}"#
    ))
    .expect("a real quantity may be negative");
}

#[test]
fn unknown_sources_quantities_and_duplicates_are_all_reported() {
    let e = load(
        r#"{"id": "x", "quantity": "nope", "sources": ["a"], "value": 5},
           {"id": "y", "quantity": "q", "sources": ["ghost", "a", "phantom"], "value": 5},
           {"id": "z", "quantity": "q", "sources": ["a"], "value": 5},
           {"id": "z", "quantity": "q", "sources": ["b"], "value": 6},
           {"id": "w", "quantity": "q", "sources": [], "value": 6},
           {"id": "v", "quantity": "q", "sources": ["a", "a"], "value": 6}"#,
    );
    let text: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert_eq!(e.len(), 6, "{text:#?}");
    assert!(matches!(&e[0], Error::UnknownQuantity { quantity, .. } if quantity == "nope"));
    assert!(matches!(&e[1], Error::UnknownSource { source_id, .. } if source_id == "ghost"));
    assert!(matches!(&e[2], Error::UnknownSource { source_id, .. } if source_id == "phantom"));
    assert!(matches!(&e[3], Error::DuplicateId { what: "claim", id, .. } if id == "z"));
    assert!(matches!(
        &e[4],
        Error::Empty {
            field: "sources",
            ..
        }
    ));
    assert!(matches!(
        &e[5],
        Error::DuplicateId {
            what: "source in claim",
            ..
        }
    ));
    assert_eq!(text[0], "claim `x`: unknown quantity `nope`");
    let e = errors(
        ClaimSet::from_json_str(r#"{"sources": [{"id": "a", "name": "A"}, {"id": "a", "name": "again"}], "quantities": [{"id": "q"}, {"id": "q"}]}"#)
            .unwrap_err(),
    );
    assert!(matches!(&e[0], Error::DuplicateId { what: "source", .. }));
    assert!(matches!(
        &e[1],
        Error::DuplicateId {
            what: "quantity",
            ..
        }
    ));
}

#[test]
fn unit_and_kind_clashes() {
    let e = load(r#"{"id": "x", "quantity": "q", "sources": ["a"], "value": 5, "unit": "tanks"}"#);
    assert!(
        matches!(&e[0], Error::UnitClash { declared, found, .. } if declared == "persons" && found == "tanks")
    );
    let mut set = ClaimSet::new();
    set.add_quantity(Quantity::new("q", "").unwrap().with_unit("persons"))
        .unwrap();
    assert!(matches!(
        set.add_quantity(Quantity::new("q", "").unwrap().with_unit("tanks")),
        Err(Error::UnitClash { .. })
    ));
    let real = Quantity::new("q", "")
        .unwrap()
        .with_unit("persons")
        .with_kind(crosscheck::QuantityKind::Real);
    assert!(matches!(
        set.add_quantity(real),
        Err(Error::KindClash { .. })
    ));
}

#[test]
fn unknown_words_and_bad_dates() {
    let e = errors(
        ClaimSet::from_json_str(r#"{"sources": [{"id": "a", "name": "A", "reliability": "G"}]}"#)
            .unwrap_err(),
    );
    assert!(
        matches!(&e[0], Error::UnknownVariant { field: "reliability", value, at: Location::Record { section: "sources", index: 0, .. }, .. } if value == "G"),
        "{}",
        e[0]
    );
    let e = errors(
        ClaimSet::from_json_str(r#"{"quantities": [{"id": "q", "temporal": "someday"}]}"#)
            .unwrap_err(),
    );
    assert!(matches!(
        &e[0],
        Error::UnknownVariant {
            field: "temporal",
            ..
        }
    ));
    let e = load(
        r#"{"id": "x", "quantity": "q", "sources": ["a"], "value": 5, "published": "2025-02-30"}"#,
    );
    assert!(
        matches!(
            &e[0],
            Error::BadDate {
                field: "published",
                ..
            }
        ),
        "{}",
        e[0]
    );
    let e = load(
        r#"{"id": "x", "quantity": "q", "sources": ["a"], "value": 5, "as_of": "April 2025"}"#,
    );
    assert!(matches!(&e[0], Error::BadDate { field: "as_of", .. }));
    let e = load(r#"{"id": "x", "quantity": "q", "sources": ["a"], "value": "roughly-ish 5"}"#);
    assert!(
        matches!(&e[0], Error::Wording { at: Location::Claim(id), .. } if id == "x"),
        "{}",
        e[0]
    );
}

#[test]
fn malformed_files() {
    assert!(matches!(
        ClaimSet::from_json_str("{"),
        Err(Error::Malformed { .. })
    ));
    assert!(matches!(
        ClaimSet::from_json_str("[]"),
        Err(Error::Malformed { .. })
    ));
    assert!(
        matches!(ClaimSet::from_json_str(r#"{"claimz": []}"#), Err(Error::Malformed { field, .. }) if field == "claimz")
    );
    let e = load(r#"{"id": "x", "quantity": "q", "sources": ["a"], "value": 5, "vaule": 6}"#);
    assert!(
        matches!(&e[0], Error::UnknownField { field, suggestion: Some(s), .. } if field == "vaule" && s == "value"),
        "typos are not ignored"
    );
    assert!(
        matches!(ClaimSet::from_csv_str("quantity,value\nq,5\n"), Err(Error::Malformed { field, .. }) if field == "sources")
    );
    assert!(
        matches!(ClaimSet::from_csv_str("quantity,sources,value,colour\n"), Err(Error::Malformed { field, .. }) if field == "colour")
    );
    let e = errors(
        ClaimSet::from_csv_str("quantity,sources,value\nq,a,5,extra\nq,a\nq,,5\nq,a,\nq,a,5\n")
            .unwrap_err(),
    );
    let lines: Vec<String> = e
        .iter()
        .map(|e| e.location().unwrap().to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "line 2 (claim `row-1`)",
            "line 3 (claim `row-2`)",
            "line 4 (claim `row-3`)",
            "line 5 (claim `row-4`)"
        ]
    );
    let e = errors(
        ClaimSet::from_csv_str("quantity,sources,low,high\nq,a,1;5,7\nq,a,12,34,5\n").unwrap_err(),
    );
    assert_eq!(e.len(), 2);
    assert!(matches!(&e[0], Error::Malformed { field, .. } if field == "low"));
}

#[test]
fn lenient_loading_keeps_the_valid_records_and_returns_the_rest() {
    let csv = "id,quantity,sources,value\nok1,q,a,about 4000\nbad1,q,a,about about\nok2,q,b,closer to 1200\nbad2,q,a,-5\nok1,q,a,5\n";
    let strict = errors(Loader::new().csv_str(csv).unwrap_err());
    assert_eq!(strict.len(), 3);
    let loaded = Loader::new().lenient().csv_str(csv).unwrap();
    assert_eq!(loaded.set.len(), 2);
    assert_eq!(loaded.rejected.len(), 3);
    let ids: Vec<String> = loaded
        .rejected
        .iter()
        .map(|e| e.location().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "line 3 (claim `bad1`)",
            "line 5 (claim `bad2`)",
            "line 6 (claim `ok1`)"
        ]
    );
    assert!(matches!(&loaded.rejected[2], Error::DuplicateId { .. }));
    // Every input record is accounted for: kept + rejected = rows.
    assert_eq!(loaded.set.len() + loaded.rejected.len(), 5);
}

#[test]
fn the_api_refuses_invalid_values_at_construction() {
    assert!(matches!(
        Claim::new("", "q", ["a"], Estimate::exact(1.0).unwrap()),
        Err(Error::Empty { field: "id", .. })
    ));
    assert!(matches!(
        Claim::new(
            "x",
            "q",
            Vec::<String>::new(),
            Estimate::exact(1.0).unwrap()
        ),
        Err(Error::Empty {
            field: "sources",
            ..
        })
    ));
    assert!(matches!(
        Source::new(" ", "blank"),
        Err(Error::Empty { .. })
    ));
    assert!(matches!(
        Estimate::exact(1.0).unwrap().with_level(1.5),
        Err(Error::Level { .. })
    ));
    assert!(matches!(
        "2025-13".parse::<crosscheck::PartialDate>(),
        Err(Error::BadDate { .. })
    ));
}
