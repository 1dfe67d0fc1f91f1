//! Figures as of a date (DESIGN §3.2, §3.3): rising and falling tolls, revisions, carried
//! floors, relays, snapshot periods, the monotone band, and the Oryx / General Staff tank
//! series (tests/data/oryx_tanks.csv; sources in tests/data/SOURCES.md).

use proptest::prelude::*;

use crosscheck::chart::TimeChart;
use crosscheck::time::{ClaimStatus, HistoryVerdict};
use crosscheck::{ClaimSet, Loader, Reconciler, Verdict};

const BASE: &str = r#"{"sources": [{"id": "moh", "name": "Ministry of Health"}, {"id": "un", "name": "UN"},
  {"id": "mod", "name": "Ministry of Defence"}, {"id": "haiti-gov", "name": "Government of Haiti"}],
  "quantities": [{"id": "toll", "temporal": "cumulative"}, {"id": "crowd", "temporal": "snapshot"},
  {"id": "deaths", "temporal": "cumulative"}, {"id": "haiti", "temporal": "total"}]}"#;

fn set(csv: &str) -> ClaimSet {
    let base = ClaimSet::from_json_str(BASE).unwrap();
    Loader::new().with_base(base).csv_str(csv).unwrap().set
}

fn status(r: &crosscheck::QuantityReport, id: &str) -> ClaimStatus {
    r.claim(id).unwrap().status
}

#[test]
fn a_rising_toll_is_growth_not_a_contradiction() {
    // Two sources over two weeks: 1,500 -> "at least 5,000" -> ... -> 41,020.
    let s = set("id,quantity,sources,value,as_of\n\
                 a,toll,moh,\"1,500\",2023-10-10\n\
                 b,toll,un,\"at least 5,000\",2023-10-13\n\
                 c,toll,moh,\"9,000\",2023-10-17\n\
                 d,toll,un,\"41,020\",2023-10-24\n");
    let r = Reconciler::new().reconcile(&s);
    let q = r.quantity("toll").unwrap();
    assert_ne!(q.verdict, Verdict::Contradiction);
    assert_eq!(q.history.as_ref().unwrap().verdict, HistoryVerdict::Rising);
    // Each source's latest is current; moh's 9,000 (17 Oct) speaks for 24 Oct as a floor.
    assert_eq!(status(q, "a"), ClaimStatus::Superseded);
    assert_eq!(status(q, "b"), ClaimStatus::Superseded);
    assert_eq!(q.carried_floors.len(), 1);
    assert_eq!(q.carried_floors[0].claim, "c");
    assert_eq!(q.as_of.unwrap().to_string(), "2023-10-24");
}

#[test]
fn a_falling_toll_is_a_decrease_a_correction_or_a_contradiction() {
    // The same source lowers its figure: a correction, and only the latest is judged.
    let s = set(
        "id,quantity,sources,value,as_of\na,toll,moh,\"5,000\",2023-10-10\nb,toll,moh,\"3,000\",2023-10-20\n",
    );
    let q = Reconciler::new()
        .reconcile(&s)
        .quantities
        .into_iter()
        .next()
        .unwrap();
    let h = q.history.unwrap();
    assert_eq!(h.verdict, HistoryVerdict::Decrease);
    assert!(h.correction);
    assert_eq!(h.deciding, ["a", "b"]);
    assert_eq!(q.verdict, Verdict::Single);
    // Another source's lower figure later: a contradiction between the two.
    let s = set(
        "id,quantity,sources,value,as_of\na,toll,moh,\"5,000\",2023-10-10\nb,toll,un,\"3,000\",2023-10-20\n",
    );
    let q = Reconciler::new()
        .reconcile(&s)
        .quantities
        .into_iter()
        .next()
        .unwrap();
    let h = q.history.unwrap();
    assert_eq!(h.verdict, HistoryVerdict::Decrease);
    assert!(!h.correction);
    assert_eq!(q.verdict, Verdict::Contradiction);
}

#[test]
fn the_ministrys_revision_supersedes_its_earlier_figure() {
    // Russia's MoD: 5,937 (21 September 2022), "just over 6,000" (4 January 2023).
    let s = set(
        "id,quantity,sources,value,as_of\nsept,deaths,mod,\"5,937\",2022-09-21\njan,deaths,mod,\"just over 6,000\",2023-01-04\n",
    );
    let r = Reconciler::new().reconcile(&s);
    let q = r.quantity("deaths").unwrap();
    assert_eq!(q.verdict, Verdict::Single);
    assert_eq!(status(q, "sept"), ClaimStatus::Superseded);
    assert_eq!(status(q, "jan"), ClaimStatus::Current);
    assert!(q.relations.is_empty());
    // As of December 2022 the January figure did not exist yet.
    let r = Reconciler::new()
        .as_of("2022-12".parse().unwrap())
        .reconcile(&s);
    let q = r.quantity("deaths").unwrap();
    assert_eq!(q.claims.len(), 1);
    assert_eq!(status(q, "sept"), ClaimStatus::Current);
    // An explicit `revises` supersedes too, whatever the dates.
    let s = set(
        "id,quantity,sources,value,revises\nold,deaths,mod,\"5,937\",\nnew,deaths,un,\"6,100\",old\n",
    );
    let q = Reconciler::new()
        .reconcile(&s)
        .quantities
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(q.claim("old").unwrap().status, ClaimStatus::Superseded);
}

#[test]
fn gazas_later_floor_is_consistent_with_the_earlier_count() {
    // MoH 37,877 (30 June 2024) and "at least 46,006" (January 2025), from another source:
    // the earlier count is a floor for the later date, so the two agree.
    let s = set(
        "id,quantity,sources,value,as_of\njune,toll,moh,\"37,877\",2024-06-30\njan,toll,un,\"at least 46,006\",2025-01-15\n",
    );
    let q = Reconciler::new()
        .reconcile(&s)
        .quantities
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(q.verdict, Verdict::Consistent, "{q}");
    assert_eq!(q.carried_floors[0].claim, "june");
    // No pooled line echoes the stale June figure as the value.
    for (key, p) in &q.pooled {
        assert_ne!(p.value, Some(37_877.0), "{key}");
    }
    // The same source revising: the June figure is superseded.
    let s = set(
        "id,quantity,sources,value,as_of\njune,toll,moh,\"37,877\",2024-06-30\njan,toll,moh,\"at least 46,006\",2025-01-15\n",
    );
    let q = Reconciler::new()
        .reconcile(&s)
        .quantities
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(q.claim("june").unwrap().status, ClaimStatus::Superseded);
}

#[test]
fn a_relayed_figure_counts_once_with_every_outlet() {
    // The Haitian government's figure, relayed by two outlets as 316,000 and 318,000.
    let s = set("id,quantity,sources,value,as_of,reported_by\n\
                 a,haiti,haiti-gov,\"316,000\",2011-01-12,Reuters\n\
                 b,haiti,haiti-gov,\"318,000\",2011-01-12,AP\n");
    let q = Reconciler::new()
        .reconcile(&s)
        .quantities
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(q.verdict, Verdict::Single);
    assert_eq!(q.relays.len(), 1);
    assert_eq!(q.relays[0].claims, ["a", "b"]);
    assert_eq!(q.relays[0].outlets, ["AP", "Reuters"]);
    assert!(q.relays[0].discrepancy);
    assert_eq!(q.claim("b").unwrap().status, ClaimStatus::Relay);
    // Counted at the hull of the versions.
    assert_eq!(q.envelope.to_string(), "[315,500, 318,500]");
    // Every format names the outlets.
    let r = Reconciler::new().reconcile(&s);
    for out in [
        r.to_string(),
        r.to_markdown(),
        r.to_html(),
        r.to_json_string(),
    ] {
        assert!(out.contains("Reuters") && out.contains("AP"));
    }
}

#[test]
fn snapshot_claims_of_different_months_are_not_compared() {
    let s = set(
        "id,quantity,sources,value,as_of\njan,crowd,moh,100,2024-01\nfeb,crowd,un,500,2024-02\n",
    );
    let q = Reconciler::new()
        .reconcile(&s)
        .quantities
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(q.verdict, Verdict::Single);
    assert_eq!(q.claim("jan").unwrap().status, ClaimStatus::Superseded);
    assert_eq!(q.timeline.len(), 2);
    // The same month, at different precisions, is compared.
    let s = set(
        "id,quantity,sources,value,as_of\na,crowd,moh,100,2024-02\nb,crowd,un,500,2024-02-10\n",
    );
    let q = Reconciler::new()
        .reconcile(&s)
        .quantities
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(q.verdict, Verdict::Contradiction);
}

fn oryx() -> ClaimSet {
    let base = ClaimSet::from_json_str(include_str!("data/oryx_tanks.json")).unwrap();
    Loader::new()
        .with_base(base)
        .csv_str(include_str!("data/oryx_tanks.csv"))
        .unwrap()
        .set
}

#[test]
fn the_general_staff_sits_above_oryxs_floor_on_every_shared_date() {
    let r = Reconciler::new().compact().reconcile(&oryx());
    let q = r.quantity("russia-tanks").unwrap();
    let pairs = q.side_by_side("ua-general-staff", "oryx");
    // Counted independently from the CSV: per date, the General Staff's figure and Oryx's.
    let mut gs = std::collections::BTreeMap::new();
    let mut ox = std::collections::BTreeMap::new();
    for line in include_str!("data/oryx_tanks.csv").lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (source, low, date) = (f[2], f[3].parse::<f64>().unwrap(), f[6]);
        if source == "oryx" {
            ox.insert(date, low);
        } else {
            gs.insert(date, low);
        }
    }
    let shared: Vec<&&str> = gs.keys().filter(|d| ox.contains_key(*d)).collect();
    let above = shared.iter().filter(|d| gs[**d] > ox[**d]).count();
    assert_eq!(pairs.len(), shared.len());
    assert_eq!(pairs.len(), 617);
    assert_eq!(pairs.iter().filter(|p| p.a > p.b).count(), above);
    let last = shared.last().unwrap();
    let p = pairs.last().unwrap();
    assert!((p.a / p.b - gs[**last] / ox[**last]).abs() < 1e-12);
    // Growth, not a contradiction: the latest claims agree once floors are floors.
    assert_ne!(q.verdict, Verdict::Contradiction);
    assert_eq!(q.history.as_ref().unwrap().verdict, HistoryVerdict::Rising);
}

#[test]
fn the_time_chart_draws_every_source_and_no_text_overlaps() {
    let r = Reconciler::new().compact().reconcile(&oryx());
    let q = r.quantity("russia-tanks").unwrap();
    let chart = TimeChart::new(q);
    let svg = chart.to_svg();
    assert!(svg.contains("ua-general-staff") && svg.contains("oryx"));
    assert!(svg.matches("class=\"series\"").count() == 2);
    let boxes = chart.text_boxes();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart =
                a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
            assert!(apart, "{:?} overlaps {:?}", a.4, b.4);
        }
    }
    // The HTML report carries it.
    assert!(r.to_html().contains("russia-tanks over time"));
}

fn series() -> impl Strategy<Value = Vec<(u8, u16, u16, u8)>> {
    // (day, low, width, source)
    prop::collection::vec((0u8..30, 0u16..1000, 0u16..300, 0u8..3), 1..25)
}

fn series_set(items: &[(u8, u16, u16, u8)], order: &[usize]) -> ClaimSet {
    let mut csv = String::from("id,quantity,sources,low,high,as_of\n");
    for &i in order {
        let (day, low, width, source) = items[i];
        csv.push_str(&format!(
            "c{i},toll,{},{},{},2024-03-{:02}\n",
            ["moh", "un", "mod"][source as usize],
            low,
            u32::from(low) + u32::from(width),
            day + 1
        ));
    }
    set(&csv)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_band_never_falls_and_keeps_the_dates_it_did_not_move(items in series()) {
        let order: Vec<usize> = (0..items.len()).collect();
        let q = Reconciler::new().reconcile(&series_set(&items, &order)).quantities.into_iter().next().unwrap();
        let band = &q.monotone_band;
        for w in band.windows(2) {
            prop_assert!(w[1].low >= w[0].low && w[1].high >= w[0].high, "{:?}", w);
        }
        for b in band {
            if let (Some(l), Some(h)) = (b.low, b.high) {
                prop_assert!(l <= h);
            }
        }
        // A claim whose bounds the fit did not move lies within the band at its date:
        // checked against an independent fit (the band's lower edge is the smallest fitted
        // lower bound of the date, so an unmoved claim's own bound is at or above it).
        for p in &q.timeline {
            let b = band.iter().find(|b| b.date == p.date).unwrap();
            if let (Some(l), Some(bl)) = (p.plausible.low_value(), b.low)
                && is_unmoved_low(&q.timeline, p)
            {
                prop_assert!(bl <= l + 1e-9, "{} low {} below band {}", p.claim, l, bl);
            }
        }
    }

    #[test]
    fn dated_results_do_not_depend_on_the_order_of_claims(items in series()) {
        let order: Vec<usize> = (0..items.len()).collect();
        let mut reversed = order.clone();
        reversed.reverse();
        let a = Reconciler::new().reconcile(&series_set(&items, &order));
        let b = Reconciler::new().reconcile(&series_set(&items, &reversed));
        prop_assert_eq!(a, b);
    }
}

/// Whether the isotonic fit leaves a claim's lower bound in place: no earlier-dated claim
/// has a higher lower bound, and no later-dated one a lower (then PAVA has nothing to pool
/// across it).
fn is_unmoved_low(
    points: &[crosscheck::time::TimelinePoint],
    p: &crosscheck::time::TimelinePoint,
) -> bool {
    let Some(l) = p.plausible.low_value() else {
        return false;
    };
    points.iter().all(|o| {
        let Some(x) = o.plausible.low_value() else {
            return true;
        };
        (o.date < p.date && x <= l) || (o.date > p.date && x >= l) || o.date == p.date
    })
}
