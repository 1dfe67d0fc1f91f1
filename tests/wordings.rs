//! The golden corpus (tests/data/wordings.tsv) and the wording reader's errors.

use crosscheck::wording::{Profile, Reader};
use crosscheck::{Error, Estimate, Interval, QuantityKind};

fn parse_interval(s: &str) -> Interval {
    let lo_open = s.starts_with('(');
    let hi_open = s.ends_with(')');
    let (a, b) = s[1..s.len() - 1].split_once(';').expect("lo;hi");
    let num = |t: &str| {
        if t.ends_with("inf") {
            None
        } else {
            Some(t.parse::<f64>().expect("number"))
        }
    };
    Interval::try_from_parts(num(a), lo_open, num(b), hi_open).expect("valid interval")
}

fn close(a: &Interval, b: &Interval) -> bool {
    let eq = |x: f64, y: f64| x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs());
    eq(a.inf(), b.inf())
        && eq(a.sup(), b.sup())
        && a.low().is_open() == b.low().is_open()
        && a.high().is_open() == b.high().is_open()
}

#[test]
fn golden_corpus_reads_as_the_design_says() {
    let text = include_str!("data/wordings.tsv");
    let relative = Reader::new()
        .with_profile(Profile::Relative)
        .with_domain(QuantityKind::Real);
    let mut rows = 0;
    let mut failures = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let (wording, hard, plausible, central, rel, level) = (
            cols[0],
            cols[1],
            cols[2],
            cols[3],
            cols.get(4).copied().unwrap_or(""),
            cols.get(5).copied().unwrap_or(""),
        );
        rows += 1;
        let e: Estimate = match wording.parse() {
            Ok(e) => e,
            Err(err) => {
                failures.push(format!("{wording}: {err}"));
                continue;
            }
        };
        if !close(e.hard(), &parse_interval(hard)) {
            failures.push(format!("{wording}: hard {} expected {hard}", e.hard()));
        }
        if !close(e.plausible(), &parse_interval(plausible)) {
            failures.push(format!(
                "{wording}: plausible {} expected {plausible}",
                e.plausible()
            ));
        }
        let want_central = (!central.is_empty()).then(|| central.parse::<f64>().unwrap());
        let ok = match (e.central(), want_central) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * b.abs(),
            (None, None) => true,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{wording}: central {:?} expected {want_central:?}",
                e.central()
            ));
        }
        let want_level = (!level.is_empty()).then(|| level.parse::<f64>().unwrap());
        if e.level() != want_level {
            failures.push(format!(
                "{wording}: level {:?} expected {want_level:?}",
                e.level()
            ));
        }
        if !rel.is_empty() {
            let r = relative.read(wording).unwrap();
            if !close(r.plausible(), &parse_interval(rel)) {
                failures.push(format!(
                    "{wording} (relative): plausible {} expected {rel}",
                    r.plausible()
                ));
            }
            assert_eq!(r.reading().unwrap().profile(), Profile::Relative);
        }
    }
    assert!(rows >= 380, "the corpus has {rows} rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_seed_reports_eight_wordings() {
    let read = |s: &str| s.parse::<Estimate>().unwrap();
    let cases = [
        (
            "approximately 14,000",
            "[0, +∞)",
            "[12,000, 16,000]",
            Some(14_000.0),
        ),
        (
            "an additional 3,000",
            "[2,500, 3,500]",
            "[2,500, 3,500]",
            Some(3_000.0),
        ),
        ("about 4,000", "[0, +∞)", "[2,000, 6,000]", Some(4_000.0)),
        // DESIGN §4 v2: `closer to` reaches at most min(u, x/10).
        (
            "closer to 1,200",
            "[0, +∞)",
            "[1,100, 1,300]",
            Some(1_200.0),
        ),
        (
            "between 60,000 to 100,000",
            "[60,000, 100,000]",
            "[60,000, 100,000]",
            None,
        ),
        ("more than 76,000", "(76,000, +∞)", "(76,000, 77,000]", None),
        (
            "7,700 units",
            "[7,650, 7,750]",
            "[7,650, 7,750]",
            Some(7_700.0),
        ),
        ("over 7,000", "(7,000, +∞)", "(7,000, 8,000]", None),
    ];
    let count = Reader::new().with_domain(QuantityKind::Count);
    for (w, hard, plausible, central) in cases {
        let e = count.read(w).unwrap();
        assert_eq!(e.hard().to_string(), hard, "{w}");
        assert_eq!(e.plausible().to_string(), plausible, "{w}");
        assert_eq!(e.central(), central, "{w}");
        assert_eq!(e.reading().unwrap().text(), w);
    }
    let r = read("approximately 14,000");
    assert_eq!(r.reading().unwrap().rule(), "approximator");
    assert_eq!(r.reading().unwrap().granularity(), Some(1_000.0));
    assert_eq!(
        read("7,700 units").reading().unwrap().unit_word(),
        Some("units")
    );
}

#[test]
fn profiles_differ_as_documented() {
    let strict = Reader::new().with_profile(Profile::Strict);
    let e = strict.read("more than 76,000").unwrap();
    assert_eq!(e.plausible(), e.hard());
    let e = strict.read("about 4,000").unwrap();
    assert_eq!(e.hard().to_string(), "[2,000, 6,000]");
    assert_eq!(e.reading().unwrap().profile(), Profile::Strict);
    let rel = Reader::new()
        .with_profile(Profile::Relative)
        .with_domain(QuantityKind::Count);
    // At x = 0 the ±5 % width would be empty; it falls back to u.
    assert_eq!(
        rel.read("about 0").unwrap().plausible().to_string(),
        "[0, 2]"
    );
}

fn span_of(s: &str) -> (std::ops::Range<usize>, String) {
    match s.parse::<Estimate>() {
        Err(Error::Wording { span, expected, .. }) => (span, expected),
        other => panic!("{s:?} should not read: {other:?}"),
    }
}

#[test]
fn errors_point_at_the_span_and_say_what_was_expected() {
    let (span, expected) = span_of("about about 4,000");
    assert_eq!(span, 6..11);
    assert!(expected.contains("a number after `about`"), "{expected}");
    let (span, expected) = span_of("between 5 and");
    assert_eq!(span, 13..13);
    assert!(expected.contains("after `and`"));
    assert_eq!(span_of("more than").0, 9..9);
    assert_eq!(span_of("12,34,5").0, 0..7);
    assert_eq!(span_of("1e999").0, 1..5);
    assert_eq!(span_of("").0, 0..0);
    assert_eq!(span_of("   ").0, 0..0);
    // A bound hedge before a range is refused at the dash (an approximator reads it as a
    // hedged range, DESIGN §4 v2).
    assert_eq!(span_of("more than 60-100").0, 12..13);
    assert_eq!(span_of("between 100 and 60").1, "the lower number first");
    assert_eq!(span_of("4,000 more").0, 6..10);
    assert_eq!(span_of("several").0, 7..7);
    let long = "9".repeat(400).to_string();
    assert!(long.parse::<Estimate>().is_err());
}

#[test]
fn a_count_refuses_negative_numbers_and_clips() {
    let count = Reader::new().with_domain(QuantityKind::Count);
    assert!(matches!(count.read("-5"), Err(Error::Negative { .. })));
    // The reach is capped at half the figure (DESIGN §4 v2).
    assert_eq!(
        count.read("about 3").unwrap().plausible().to_string(),
        "[1.5, 4.5]"
    );
    assert_eq!(
        count.read("about 1").unwrap().plausible().to_string(),
        "[0.5, 1.5]"
    );
    assert_eq!(
        count.read("less than 5").unwrap().hard().to_string(),
        "[0, 5)"
    );
    let real = Reader::new().with_domain(QuantityKind::Real);
    assert_eq!(
        real.read("between -5 and 5")
            .unwrap()
            .plausible()
            .to_string(),
        "[-5, 5]"
    );
    assert_eq!(
        real.read("14,000 ± 500").unwrap().plausible().to_string(),
        "[13,500, 14,500]"
    );
}
