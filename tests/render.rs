//! Rendered output: snapshots of the Kursk report as Markdown, HTML and SVG (a change to
//! them is a deliberate, reviewed change: rerun with UPDATE_SNAPSHOTS=1 and read the diff),
//! and structural checks of the chart.

use crosscheck::chart::Chart;
use crosscheck::{ClaimSet, Estimate, Reconciler, Reconciliation};

use crate::reconcile_cases::set_of;

fn kursk() -> Reconciliation {
    Reconciler::new()
        .reconcile(&ClaimSet::from_json_str(include_str!("../examples/data/kursk.json")).unwrap())
}

fn snapshot(name: &str, actual: &str) {
    let path = format!("{}/tests/snapshots/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {path}: run with UPDATE_SNAPSHOTS=1"));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} differs from its snapshot at line {}:\n  expected: {:?}\n  actual:   {:?}\n(rerun with UPDATE_SNAPSHOTS=1 if the change is deliberate)",
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

#[test]
fn markdown_html_and_svg_snapshots() {
    let r = kursk();
    snapshot("kursk.md", &r.to_markdown());
    snapshot("kursk.html", &r.to_html());
    snapshot("kursk.svg", &Chart::new(&r).to_svg());
}

#[test]
fn the_svg_is_well_formed_and_shows_every_claim() {
    let r = kursk();
    let svg = Chart::new(&r).to_svg();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let claims: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("data-claim"))
        .collect();
    for q in &r.quantities {
        for c in &q.claims {
            assert!(claims.contains(&c.id.as_str()), "{} missing", c.id);
        }
    }
    // Unbounded hard intervals (and 0 on a log axis) run off the axis as arrows: "more than
    // 76,000" and "over 7,000" upwards; the approximators' [0, +∞) both ways.
    let arrows = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("arrow"))
        .count();
    assert!(arrows >= 2, "{arrows} arrows");
    let html = r.to_html();
    assert!(html.contains("<table>") && html.contains("<svg") && html.contains("3.33× apart"));
    assert!(!html.contains("<script"), "no JavaScript");
    roxmltree::Document::parse(&Chart::quantity(r.quantity("kpa-casualties").unwrap()).to_svg())
        .unwrap();
}

#[test]
fn the_log_axis_is_chosen_exactly_when_the_span_exceeds_tenfold() {
    let r = kursk();
    // 1,000 to 6,000: linear.
    assert_eq!(
        Chart::quantity(r.quantity("kpa-casualties").unwrap()).log_axes(),
        [false]
    );
    let wide = Reconciler::new().reconcile(&set_of(&[
        ("a", Estimate::interval(10.0, 20.0).unwrap(), None),
        ("b", Estimate::interval(50.0, 101.0).unwrap(), None),
    ]));
    assert!(Chart::spans_more_than_tenfold(&wide.quantities[0]));
    assert_eq!(Chart::new(&wide).log_axes(), [true]);
    let exactly = Reconciler::new().reconcile(&set_of(&[
        ("a", Estimate::interval(10.0, 20.0).unwrap(), None),
        ("b", Estimate::interval(50.0, 100.0).unwrap(), None),
    ]));
    assert_eq!(Chart::new(&exactly).log_axes(), [false]);
    assert_eq!(Chart::new(&exactly).with_log_axis(true).log_axes(), [true]);
    assert!(
        Chart::new(&wide)
            .with_log_axis(true)
            .to_svg()
            .contains("log scale")
    );
}

fn overlapping(boxes: &[crosscheck::chart::TextBox]) -> Vec<String> {
    let mut bad = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3 {
                bad.push(format!("{:?} overlaps {:?}", a.4, b.4));
            }
        }
    }
    bad
}

#[test]
fn no_labels_overlap_or_run_off_the_chart() {
    let r = kursk();
    for chart in [
        Chart::new(&r),
        Chart::new(&r).with_width(600.0),
        Chart::new(&r).with_log_axis(true),
    ] {
        let boxes = chart.text_boxes();
        assert!(overlapping(&boxes).is_empty(), "{:#?}", overlapping(&boxes));
        let svg = chart.to_svg();
        let width: f64 = svg
            .split("width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            boxes.iter().all(|b| b.0 >= 0.0 && b.0 + b.2 <= width),
            "a label runs off the chart"
        );
    }
    // Long wording wraps instead of running into the plot.
    let long = "between 60,000 and 100,000 North Korean soldiers rotated in successive deployments during the whole campaign";
    let set = set_of(&[
        (
            "a-very-long-claim-identifier-indeed",
            long.parse::<Estimate>().unwrap(),
            None,
        ),
        ("b", Estimate::interval(1.0, 2.0).unwrap(), None),
    ]);
    let r = Reconciler::new().reconcile(&set);
    let boxes = Chart::new(&r).text_boxes();
    assert!(overlapping(&boxes).is_empty(), "{:#?}", overlapping(&boxes));
}

#[cfg(feature = "evcxr")]
#[test]
fn evcxr_blocks_follow_the_protocol() {
    let bundle = crosscheck::evcxr::mime_bundle(&[("text/html", "<b>x</b>"), ("text/plain", "x")]);
    assert_eq!(
        bundle,
        "EVCXR_BEGIN_CONTENT text/html\n<b>x</b>\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\nx\nEVCXR_END_CONTENT"
    );
}

/// The full JSON with what compact JSON leaves out taken away: every `null`, `[]` and
/// `{}` entry of an object, `method` in pooled lines, `tau` and `h2` in heterogeneity.
fn strip(v: &serde_json::Value, parent: &str) -> serde_json::Value {
    use serde_json::Value;
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(_, v)| !empty(v))
                .filter(|(k, _)| !(parent == "pooled" && k.as_str() == "method"))
                .filter(|(k, _)| !(parent == "heterogeneity" && matches!(k.as_str(), "tau" | "h2")))
                .map(|(k, v)| {
                    // The pooled lines are the values of `pooled`, keyed by method.
                    let next = if parent == "pooled_map" {
                        "pooled"
                    } else if k == "pooled" {
                        "pooled_map"
                    } else {
                        k.as_str()
                    };
                    (k.clone(), strip(v, next))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| strip(x, parent)).collect()),
        other => other.clone(),
    }
}

#[test]
fn compact_json_is_the_full_json_without_empty_and_derivable_entries() {
    // Detailed reconciliations, so influence maps, relations and support are there too.
    for r in [
        kursk(),
        Reconciler::new().reconcile(&set_of(&[
            ("a", Estimate::interval(10.0, 20.0).unwrap(), None),
            (
                "b",
                Estimate::interval(30.0, 40.0)
                    .unwrap()
                    .with_central(33.0)
                    .unwrap(),
                None,
            ),
            ("c", Estimate::interval(12.0, 35.0).unwrap(), None),
        ])),
    ] {
        let full: serde_json::Value = serde_json::from_str(&r.to_json_string()).unwrap();
        let compact: serde_json::Value = serde_json::from_str(&r.to_compact_json_string()).unwrap();
        assert_eq!(compact, strip(&full, ""));
        // And something was left out.
        assert!(r.to_compact_json_string().len() < serde_json::to_string(&full).unwrap().len());
        let mut streamed = Vec::new();
        r.write_compact_json(&mut streamed).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            r.to_compact_json_string()
        );
    }
}

/// 600 quantities of three claims each: more than two of the compact writers' chunks.
fn six_hundred_quantities() -> String {
    let mut csv = String::from("quantity,sources,low,central,high\n");
    for q in 0..600 {
        for s in 0..3 {
            let c = 100.0 + q as f64 + 7.0 * s as f64;
            csv.push_str(&format!(
                "q{q},s{s},{},{c},{}\n",
                c - 5.0,
                c + 5.0 + q as f64 % 11.0
            ));
        }
    }
    csv
}

#[test]
fn the_parallel_compact_writer_writes_the_one_pass_bytes() {
    // 600 quantities: more than two of the writer's chunks; and an empty reconciliation.
    let set = ClaimSet::from_csv_str(&six_hundred_quantities()).unwrap();
    for r in [
        Reconciler::new().compact().reconcile(&set),
        Reconciler::new().reconcile(&ClaimSet::new()),
    ] {
        let mut streamed = Vec::new();
        r.write_compact_json(&mut streamed).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            r.to_compact_json_string()
        );
    }
}

#[test]
fn reconciling_while_writing_gives_the_bytes_of_reconciling_then_writing() {
    // 600 quantities (more than two chunks); two definitions of a toll across 12
    // quantities (the sources' track records and the split come from the slim views);
    // superseded and dated-later claims, an unclaimed quantity, the Kursk file with its
    // constraints, and an empty set.
    let mut split = String::from("quantity,sources,value\n");
    for q in 0..12 {
        let killed = 1_000.0 + 250.0 * q as f64;
        for s in 0..3 {
            let wobble = 1.0 + 0.003 * (((q * 7 + s * 3) % 5) as f64 - 2.0);
            split.push_str(&format!(
                "q{q:02},killed-{s},{}\n",
                (killed * wobble).round()
            ));
            split.push_str(&format!(
                "q{q:02},casualties-{s},{}\n",
                (1.6 * killed / wobble).round()
            ));
        }
    }
    let dated = "id,quantity,sources,value,as_of,revises\n\
                 a,toll,moh,\"5,000\",2023-10-10,\n\
                 b,toll,moh,\"6,000\",2023-10-20,a\n\
                 c,toll,un,\"about 5,500\",2023-10-21,\n\
                 d,crowd,police,\"at least 20,000\",2024-05-01,\n\
                 e,crowd,organisers,\"100,000\",2024-05-01,\n\
                 f,later,un,12,2024-06-01,\n";
    let kursk = ClaimSet::from_json_str(include_str!("../examples/data/kursk.json")).unwrap();
    let mut with_unclaimed = ClaimSet::from_csv_str(&split).unwrap();
    with_unclaimed
        .add_quantity(crosscheck::Quantity::new("nobody", "a quantity no one claims").unwrap())
        .unwrap();
    let sets = [
        ClaimSet::from_csv_str(&six_hundred_quantities()).unwrap(),
        with_unclaimed,
        ClaimSet::from_csv_str(dated).unwrap(),
        kursk,
        ClaimSet::new(),
    ];
    let reconcilers = [
        Reconciler::new().compact(),
        Reconciler::new(),
        Reconciler::new().compact().sequential(),
        Reconciler::new().as_of("2024-05".parse().unwrap()),
        Reconciler::new().with_learned_reliability(crosscheck::Learner::Crosscheck),
    ];
    for (i, set) in sets.iter().enumerate() {
        for (j, reconciler) in reconcilers.iter().enumerate() {
            let mut streamed = Vec::new();
            reconciler
                .reconcile_to_compact_json(set, &mut streamed)
                .unwrap();
            let expected = reconciler.reconcile(set).to_compact_json_string();
            assert!(
                String::from_utf8(streamed).unwrap() == expected,
                "set {i}, reconciler {j}"
            );
        }
    }
    // The split is there to be checked.
    let r = Reconciler::new().reconcile(&sets[1]);
    assert_eq!(r.definitions.len(), 1, "{:?}", r.definitions);
    assert_eq!(r.unclaimed, ["nobody"]);
    let r = Reconciler::new()
        .as_of("2024-05".parse().unwrap())
        .reconcile(&sets[2]);
    assert_eq!(r.unclaimed, ["later"]);
}

#[test]
fn a_failing_writer_stops_the_streamed_report_with_its_error() {
    struct Full(usize);
    impl std::io::Write for Full {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.0 < b.len() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "disk full",
                ));
            }
            self.0 -= b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let set = ClaimSet::from_json_str(include_str!("../examples/data/kursk.json")).unwrap();
    let e = Reconciler::new()
        .reconcile_to_compact_json(&set, Full(100))
        .unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::StorageFull);
    // Past the first chunk of quantities, where the writing of one chunk overlaps the
    // reconciling of the next, in parallel and on one thread.
    let many = ClaimSet::from_csv_str(&six_hundred_quantities()).unwrap();
    for reconciler in [Reconciler::new(), Reconciler::new().sequential()] {
        for room in [100, 300_000] {
            let e = reconciler
                .reconcile_to_compact_json(&many, Full(room))
                .unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::StorageFull, "room {room}");
        }
    }
}
