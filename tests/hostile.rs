//! Hostile and huge input (issue "Hostile and huge input"): every reproducer of the attack
//! report is a test here. Resource tests bound work by counting (how many claims a report
//! lists, how many re-runs influence makes) or with a generous wall-clock bound that the
//! old code missed by orders of magnitude; BENCHMARKS.md carries the measured times.

use std::time::{Duration, Instant};

use crosscheck::chart::Chart;
use crosscheck::pool::meta::{Method, Study, meta_analysis};
use crosscheck::table::ClaimTable;
use crosscheck::wording::Reader;
use crosscheck::{
    Claim, ClaimSet, Error, Estimate, Loader, Quantity, QuantityKind, Reconciler, Source,
};

/// One quantity with the claims `(low, central, high)`, one source each.
fn one_quantity(kind: QuantityKind, claims: &[(f64, Option<f64>, f64)]) -> ClaimSet {
    let mut set = ClaimSet::new();
    set.add_quantity(Quantity::new("q", "test").unwrap().with_kind(kind))
        .unwrap();
    for (i, (lo, c, hi)) in claims.iter().enumerate() {
        set.add_source(Source::from_id(format!("s{i}")).unwrap())
            .unwrap();
        let e = Estimate::from_bounds(Some(*lo), Some(*hi), *c).unwrap();
        set.add_claim(Claim::new(format!("c{i}"), "q", [format!("s{i}")], e).unwrap())
            .unwrap();
    }
    set
}

fn staircase(n: usize) -> Vec<(f64, Option<f64>, f64)> {
    (0..n)
        .map(|i| {
            let lo = i as f64;
            (lo, None, lo + (n / 2) as f64)
        })
        .collect()
}

/// Within a bound the old code missed by far (it took 4 s at 10⁵ staircase claims in
/// release; here 20,000 in a debug build).
fn generous(limit_s: u64, what: &str, f: impl FnOnce()) {
    let t = Instant::now();
    f();
    let took = t.elapsed();
    assert!(
        took < Duration::from_secs(limit_s),
        "{what} took {took:?}, over the generous bound of {limit_s} s"
    );
}

#[test]
fn a_staircase_of_tied_cliques_is_summarised_without_marking_each_clique() {
    let n = 20_000;
    let set = one_quantity(QuantityKind::Real, &staircase(n));
    let mut report = None;
    generous(20, "a 20,000-claim staircase", || {
        report = Some(
            Reconciler::new()
                .with_pooling(crosscheck::pool::PoolOptions::none())
                .reconcile(&set),
        );
    });
    let q = &report.unwrap().quantities[0];
    // Every claim lies in some largest clique (each window of n/2 + 1 starts), so none
    // dissents; the member lists stay within the budget of 4 n.
    assert!(q.dissenters.is_empty());
    assert!(q.clusters.iter().map(Vec::len).sum::<usize>() <= 4 * n);
    assert!(!q.clusters_complete);
    // The same through the table path.
    let csv: String = std::iter::once("quantity,sources,low,high\n".to_string())
        .chain(
            staircase(n)
                .iter()
                .enumerate()
                .map(|(i, (lo, _, hi))| format!("q,s{i},{lo},{hi}\n")),
        )
        .collect();
    let table = ClaimTable::from_csv_reader(csv.as_bytes()).unwrap();
    assert_eq!(table.reconcile().quantities[0].dissenters, 0);
}

#[test]
fn dissenters_of_tied_largest_cliques_match_a_brute_force_count() {
    // Two separate staircases of equal size tie; a lone interval between them dissents.
    let mut claims = staircase(40);
    claims.extend(
        staircase(40)
            .iter()
            .map(|(a, c, b)| (a + 1000.0, *c, b + 1000.0)),
    );
    claims.push((500.0, None, 501.0));
    let set = one_quantity(QuantityKind::Real, &claims);
    let r = Reconciler::new().reconcile(&set);
    let q = &r.quantities[0];
    // Brute force: the largest clique size is the largest number of intervals sharing a
    // point; check each interval's endpoints as candidate points.
    let covering = |x: f64| claims.iter().filter(|(a, _, b)| *a <= x && x <= *b).count();
    let best = claims
        .iter()
        .flat_map(|(a, _, b)| [*a, *b])
        .map(covering)
        .max()
        .unwrap();
    let in_some_largest = |i: usize| {
        let (a, _, b) = claims[i];
        claims
            .iter()
            .flat_map(|(x, _, y)| [*x, *y])
            .filter(|x| a <= *x && *x <= b)
            .any(|x| covering(x) == best)
    };
    let expected: Vec<String> = (0..claims.len())
        .filter(|&i| !in_some_largest(i))
        .map(|i| format!("c{i}"))
        .collect();
    let mut got = q.dissenters.clone();
    got.sort();
    let mut expected = expected;
    expected.sort();
    assert_eq!(got, expected);
    assert_eq!(got, vec!["c80".to_string()]);
}

#[test]
fn influence_is_skipped_beyond_its_limit_and_says_so() {
    let claims: Vec<_> = (0..300)
        .map(|i| {
            let c = 1000.0 + i as f64;
            (c - 50.0, Some(c), c + 50.0)
        })
        .collect();
    let set = one_quantity(QuantityKind::Count, &claims);
    let r = Reconciler::new().reconcile(&set);
    for (key, p) in &r.quantities[0].pooled {
        assert!(p.influence.is_none(), "{key}");
        let why = p.influence_skipped.as_deref().unwrap_or_default();
        assert!(
            why.contains("300 claims") && why.contains("200"),
            "{key}: {why}"
        );
        assert!(p.value.is_some() || p.tie.is_some(), "{key}");
    }
    assert!(r.to_string().contains("influence skipped"));
    let json = r.to_json_string();
    assert!(json.contains("\"influence_skipped\""));
    // With a higher limit it is computed, one entry per claim.
    let r = Reconciler::new().with_influence_limit(300).reconcile(&set);
    let p = &r.quantities[0].pooled["weighted_median"];
    assert_eq!(p.influence.as_ref().unwrap().without_claim.len(), 300);
    assert!(p.influence_skipped.is_none());
}

#[test]
fn one_claim_naming_100000_sources_loads_and_reconciles() {
    let names: Vec<String> = (0..100_000).map(|i| format!("s{i}")).collect();
    let csv = format!(
        "quantity,sources,low,central,high\nq,{},90,100,110\n",
        names.join(";")
    );
    generous(30, "one claim naming 100,000 sources", || {
        let set = Loader::new().csv_str(&csv).unwrap().set;
        assert_eq!(set.sources().len(), 100_000);
        let r = Reconciler::new().reconcile(&set);
        assert!(
            r.quantities[0]
                .pooled
                .values()
                .all(|p| p.influence_skipped.is_some())
        );
        let table = ClaimTable::from_csv_reader(csv.as_bytes()).unwrap();
        assert_eq!(table.len(), 1);
    });
    // A duplicate among many is still found, in both paths.
    let dup = format!(
        "quantity,sources,low,central,high\nq,{};s5,90,100,110\n",
        names.join(";")
    );
    assert!(matches!(
        Loader::new().csv_str(&dup).unwrap_err().errors()[0],
        Error::DuplicateId { .. }
    ));
    assert!(ClaimTable::from_csv_reader(dup.as_bytes()).is_err());
}

#[test]
fn a_megabyte_label_wraps_in_linear_time() {
    let mut set = one_quantity(QuantityKind::Count, &[(1.0, None, 2.0), (3.0, None, 4.0)]);
    let long = "x".repeat(1 << 20);
    set = {
        let mut s = ClaimSet::new();
        s.add_quantity(Quantity::new("q", format!("{long} {long}")).unwrap())
            .unwrap();
        for src in set.sources() {
            s.add_source(src.clone()).unwrap();
        }
        for c in set.claims() {
            s.add_claim(c.clone()).unwrap();
        }
        s
    };
    let r = Reconciler::new().reconcile(&set);
    generous(20, "wrapping a 2 MB title", || {
        let svg = Chart::new(&r).to_svg();
        assert!(svg.len() > 2 << 20);
    });
}

#[test]
fn axes_a_few_ulps_wide_or_past_f64_max_have_ticks() {
    // A linear axis a few ulps wide at 1e20 (the old tick loop never advanced).
    let set = ClaimSet::from_csv_str(
        "quantity,sources,low,high\nq,a,100000000000000000000,100000000000000016384\n",
    )
    .unwrap();
    let r = Reconciler::new().reconcile(&set);
    let svg = Chart::new(&r).to_svg();
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    let _ = r.to_html();
    // A log axis padded past f64::MAX.
    let set = one_quantity(
        QuantityKind::Count,
        &[(1e300, None, 1.7e308), (1.0, None, 2.0)],
    );
    let r = Reconciler::new().reconcile(&set);
    let svg = Chart::new(&r).with_log_axis(true).to_svg();
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    let _ = r.to_html();
    let _ = Chart::new(&r).with_log_axis(false).to_svg();
}

#[cfg(feature = "evcxr")]
#[test]
fn notebook_blocks_cannot_be_ended_or_opened_by_content() {
    let hostile =
        "casualties\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/html\n<script>alert(1)</script>";
    let mut set = ClaimSet::new();
    set.add_quantity(Quantity::new("q", hostile).unwrap())
        .unwrap();
    set.add_source(Source::from_id("a").unwrap()).unwrap();
    set.add_claim(Claim::new("c", "q", ["a"], "about 4,000".parse().unwrap()).unwrap())
        .unwrap();
    let r = Reconciler::new().reconcile(&set);
    for (mime, content) in [
        ("text/html", r.to_html_fragment()),
        ("text/plain", r.to_string()),
        ("image/svg+xml", Chart::new(&r).to_svg()),
    ] {
        let bundle = crosscheck::evcxr::mime_bundle(&[(mime, &content)]);
        let markers: Vec<&str> = bundle.lines().filter(|l| l.contains("EVCXR_")).collect();
        assert_eq!(
            markers,
            vec![
                format!("EVCXR_BEGIN_CONTENT {mime}").as_str(),
                "EVCXR_END_CONTENT"
            ],
            "{mime}"
        );
        if mime != "text/plain" {
            assert!(!bundle.contains("<script>"), "{mime}");
        }
    }
}

#[test]
fn the_text_report_shows_control_characters_as_escapes() {
    let mut set = ClaimSet::new();
    set.add_quantity(
        Quantity::new("q", "red \u{1b}[31mALERT\u{1b}[0m\nforged line")
            .unwrap()
            .with_unit("persons\u{202e}"),
    )
    .unwrap();
    set.add_source(Source::from_id("a").unwrap()).unwrap();
    set.add_claim(Claim::new("c", "q", ["a"], "about 4,000".parse().unwrap()).unwrap())
        .unwrap();
    let text = Reconciler::new().reconcile(&set).to_string();
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
    assert!(text.contains("\\u{1b}[31mALERT"));
    assert!(!text.lines().any(|l| l.starts_with("forged line")));
    // Ids cannot carry them at all.
    assert!(matches!(
        Claim::new("c\u{1b}[2J", "q", ["a"], Estimate::exact(1.0).unwrap()),
        Err(Error::Malformed { .. })
    ));
    assert!(Source::from_id("a\u{202e}b").is_err());
    assert!(Quantity::new("q\n", "").is_err());
}

#[test]
fn markdown_cannot_open_html_headings_links_or_cells() {
    let mut set = ClaimSet::new();
    set.add_quantity(
        Quantity::new(
            "q",
            "x\n# Heading\n<script>alert(1)</script> [a](javascript:x) | cell",
        )
        .unwrap(),
    )
    .unwrap();
    set.add_source(Source::from_id("a").unwrap()).unwrap();
    set.add_claim(Claim::new("c", "q", ["a"], "about 4,000".parse().unwrap()).unwrap())
        .unwrap();
    let md = Reconciler::new().reconcile(&set).to_markdown();
    assert!(!md.contains("<script>"));
    assert!(!md.lines().any(|l| l.starts_with("# Heading")));
    assert!(!md.contains("a](javascript"));
    assert!(md.contains("\\| cell"));
}

#[test]
fn compound_spelled_numbers_are_read_whole_or_refused() {
    let central = |w: &str| w.parse::<Estimate>().unwrap().central().unwrap();
    assert_eq!(central("twenty one thousand"), 21_000.0);
    assert_eq!(central("two million five hundred thousand"), 2_500_000.0);
    assert_eq!(central("nine hundred ninety nine"), 999.0);
    assert_eq!(central("twenty-five"), 25.0);
    assert_eq!(central("one hundred and five"), 105.0);
    assert_eq!(central("twelve hundred"), 1_200.0);
    // The granularity follows the last word: 21,000 is known to the thousand.
    let e: Estimate = "twenty one thousand".parse().unwrap();
    assert_eq!(e.hard().to_string(), "[20,500, 21,500]");
    // A multiplier after a spelled range end carries to the first, as with digits.
    let e: Estimate = "between five and ten million".parse().unwrap();
    assert_eq!(e.plausible().inf(), 5e6);
    for (w, span_start) in [
        ("a dozen dozen", 8),
        ("five six", 5),
        ("nineteen eighty", 9),
    ] {
        match w.parse::<Estimate>() {
            Err(Error::Wording { span, .. }) => assert_eq!(span.start, span_start, "{w}"),
            other => panic!("{w}: {other:?}"),
        }
    }
}

#[test]
fn underflow_and_overflow_are_refused_with_a_span() {
    let tiny = format!("0.{}1", "0".repeat(5000));
    assert!(matches!(
        tiny.parse::<Estimate>(),
        Err(Error::TooLong { .. })
    ));
    let tiny = format!("0.{}1", "0".repeat(400));
    assert!(matches!(
        tiny.parse::<Estimate>(),
        Err(Error::Wording { .. })
    ));
    let huge = format!("scores{}", " of millions".repeat(51));
    match huge.parse::<Estimate>() {
        Err(Error::Wording { span, .. }) => assert_eq!(span.start, 0),
        other => panic!("{other:?}"),
    }
    // Within range both still read.
    assert!("millions of billions".parse::<Estimate>().is_ok());
    assert!("0.000001".parse::<Estimate>().is_ok());
}

#[test]
fn pooled_figures_are_finite_or_absent_with_a_note() {
    // A real claim [0, 1e-160]: its variance is subnormal, so it cannot be weighed.
    let set = one_quantity(
        QuantityKind::Real,
        &[(0.0, Some(5e-161), 1e-160), (0.0, Some(5e-161), 1e-160)],
    );
    let r = Reconciler::new().reconcile(&set);
    for (key, p) in &r.quantities[0].pooled {
        if let Some(v) = p.value {
            assert!(v.is_finite(), "{key}");
        } else {
            assert!(p.note.is_some(), "{key} has no value and no note");
        }
    }
    let text = r.to_string();
    assert!(!text.contains("NaN"));
    // Widths 1e-100 and 1e100: the precise claim dominates every method.
    let set = one_quantity(
        QuantityKind::Real,
        &[(1e-100, Some(2e-100), 3e-100), (-5e99, Some(0.0), 5e99)],
    );
    let r = Reconciler::new().reconcile(&set);
    for key in [
        "fixed_effect",
        "dersimonian_laird",
        "paule_mandel",
        "reml",
        "ml",
    ] {
        let v = r.quantities[0].pooled[key].value.unwrap();
        assert!((v / 2e-100 - 1.0).abs() < 1e-9, "{key}: {v}");
    }
    // Centrals ±1.7e308: the weighted median's midpoint does not overflow.
    let set = one_quantity(
        QuantityKind::Real,
        &[
            (-1.7e308, Some(-1.7e308), -1.6e308),
            (1.6e308, Some(1.7e308), 1.7e308),
        ],
    );
    let r = Reconciler::new().reconcile(&set);
    for (key, p) in &r.quantities[0].pooled {
        assert!(p.value.is_none_or(f64::is_finite), "{key}: {:?}", p.value);
        assert!(p.value.is_some() || p.note.is_some(), "{key}");
    }
    assert!(!r.to_json_string().contains("NaN"));
}

#[test]
fn meta_analysis_returns_an_error_rather_than_nan() {
    for method in [Method::FixedEffect, Method::DerSimonianLaird, Method::Reml] {
        let r = meta_analysis(&[Study::new(1e300, 1.0), Study::new(-1e300, 1.0)], method);
        match r {
            Ok(fit) => assert!(fit.estimate.is_finite() && fit.ci.1.is_finite()),
            Err(e) => assert!(matches!(e, Error::Method { .. }), "{e}"),
        }
        assert!(matches!(
            meta_analysis(&[Study::new(1.0, 1e-320), Study::new(2.0, 1.0)], method),
            Err(Error::Method { .. })
        ));
    }
    // Extreme but valid variances give the right answer: the precise study dominates.
    let fit = meta_analysis(
        &[Study::new(1.0, 1e-200), Study::new(5.0, 1e200)],
        Method::Reml,
    )
    .unwrap();
    assert!((fit.estimate - 1.0).abs() < 1e-12);
    // Scaling the data scales the fit (the tolerance is relative to the data's scale).
    let base = [
        Study::new(0.1, 0.02),
        Study::new(0.9, 0.03),
        Study::new(0.4, 0.01),
    ];
    let a = meta_analysis(&base, Method::Ml).unwrap();
    let scaled: Vec<Study> = base
        .iter()
        .map(|s| Study::new(s.y * 1e-5, s.v * 1e-10))
        .collect();
    let b = meta_analysis(&scaled, Method::Ml).unwrap();
    assert!(
        (b.tau2 / 1e-10 - a.tau2).abs() <= 1e-6 * a.tau2.max(1e-12),
        "{} vs {}",
        a.tau2,
        b.tau2 / 1e-10
    );
    assert!((b.estimate / 1e-5 - a.estimate).abs() < 1e-9);
}

#[test]
fn huge_fields_are_refused_without_being_echoed() {
    let wording = "about ".repeat(20_000_000);
    let e = Reader::new().read(&wording).unwrap_err();
    assert!(matches!(e, Error::TooLong { .. }));
    assert!(e.to_string().len() < 200, "{}", e.to_string().len());
    let csv = format!("quantity,sources,value\nq,a,{}\n", "9".repeat(2_000_000));
    let e = Loader::new().csv_str(&csv).unwrap_err();
    assert!(e.to_string().len() < 300, "{}", e.to_string().len());
    let json = format!(
        r#"{{"quantities": [{{"id": "q", "description": "{}"}}]}}"#,
        "d".repeat(200_000)
    );
    let e = Loader::new().json_str(&json).unwrap_err();
    assert!(matches!(e.errors()[0], Error::TooLong { .. }), "{e}");
    let id = "x".repeat(100_000);
    let e = Claim::new(id, "q", ["a"], Estimate::exact(1.0).unwrap()).unwrap_err();
    assert!(matches!(e, Error::TooLong { .. }));
    // A bad number is quoted as an excerpt.
    let csv = format!(
        "quantity,sources,low,high\nq,a,{}x,5\n",
        "1".repeat(100_000)
    );
    let e = Loader::new().csv_str(&csv).unwrap_err();
    assert!(e.to_string().len() < 300, "{}", e.to_string().len());
}

#[test]
fn a_21_digit_number_in_the_claim_table_is_read_not_overflowed() {
    // The fast decimal path accumulated digits in a u64 and overflowed (a panic in debug
    // builds) at 20 digits; a 2-line CSV crashed the load fuzz target.
    let csv = "quantity,sources,low,high\nq,a,100000000000000000000,100000000000000016384\n";
    let table = ClaimTable::from_csv_reader(csv.as_bytes()).unwrap();
    let r = table.reconcile();
    assert_eq!(r.quantities[0].envelope.inf(), 1e20);
    let set = Loader::new().csv_str(csv).unwrap().set;
    assert_eq!(set.claims()[0].estimate().plausible().inf(), 1e20);
}

#[test]
fn relations_of_a_deserialised_report_with_a_central_outside_never_panic() {
    let set = one_quantity(
        QuantityKind::Real,
        &[(1.0, Some(1.5), 2.0), (3.0, Some(3.5), 4.0)],
    );
    let json = Reconciler::new().reconcile(&set).to_json_string();
    // Hand-edited: a central value far outside its plausible interval.
    let edited = json.replacen("\"central\": 1.5", "\"central\": 99.0", 1);
    assert_ne!(edited, json);
    let r: crosscheck::Reconciliation = serde_json::from_str(&edited).unwrap();
    let pairs: Vec<_> = r.quantities[0].relations().collect();
    assert_eq!(pairs.len(), 1);
}
