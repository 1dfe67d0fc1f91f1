//! One validation path: the `Loader` and the `ClaimTable` read the same numeric CSV the same
//! way. A differential property on arbitrary tables (awkward numbers, ids and structure),
//! and one test for each case where the two paths once drifted apart.

use proptest::prelude::*;

use crosscheck::table::ClaimTable;
use crosscheck::{Error, Loader, Location, Reconciler};

/// The variant of an error, for comparing kinds across paths.
fn kind(e: &Error) -> String {
    let d = format!("{e:?}");
    d.split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_string()
}

fn line_of(e: &Error) -> Option<u64> {
    match e.location() {
        Some(Location::Line { line, .. }) => Some(*line),
        _ => None,
    }
}

/// Both paths on one text: (accepted ids in order, rejected (line, kind)), for each.
type Outcome = (Vec<String>, Vec<(Option<u64>, String)>);

fn both(csv: &str) -> (Outcome, Outcome) {
    let loaded = Loader::new().lenient().csv_str(csv);
    let (table, rejected) = ClaimTable::load(csv.as_bytes()).unwrap();
    let loaded = loaded.unwrap();
    let mut a_ids: Vec<String> = loaded
        .set
        .claims()
        .iter()
        .map(|c| c.id().to_string())
        .collect();
    a_ids.sort();
    let mut b_ids: Vec<String> = (0..table.len()).map(|i| table.claim_id(i)).collect();
    b_ids.sort();
    let summarise = |errs: &[Error]| {
        let mut v: Vec<(Option<u64>, String)> =
            errs.iter().map(|e| (line_of(e), kind(e))).collect();
        v.sort();
        v.dedup_by(|a, b| a.0 == b.0 && a.0.is_some());
        v
    };
    (
        (a_ids, summarise(&loaded.rejected)),
        (b_ids, summarise(&rejected)),
    )
}

/// A quantity's envelope, DL and REML estimates.
type Figures = (String, String, Option<f64>, Option<f64>);

/// Envelope, DL and REML per quantity, on both paths.
fn figures(csv: &str) -> (Vec<Figures>, Vec<Figures>) {
    let set = Loader::new().lenient().csv_str(csv).unwrap().set;
    let r = Reconciler::new().compact().reconcile(&set);
    let a = r
        .quantities
        .iter()
        .map(|q| {
            (
                q.quantity.clone(),
                q.envelope.to_string(),
                q.pooled.get("dersimonian_laird").and_then(|p| p.value),
                q.pooled.get("reml").and_then(|p| p.value),
            )
        })
        .collect();
    let (table, _) = ClaimTable::load(csv.as_bytes()).unwrap();
    let mut b: Vec<_> = table
        .reconcile()
        .quantities
        .into_iter()
        .map(|q| {
            (
                q.quantity,
                q.envelope.to_string(),
                q.dl.map(|d| d.0),
                q.reml.map(|d| d.0),
            )
        })
        .collect();
    b.sort_by(|x, y| x.0.cmp(&y.0));
    (a, b)
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        (None, None) => true,
        _ => false,
    }
}

fn assert_same(csv: &str) {
    let (a, b) = both(csv);
    assert_eq!(
        a, b,
        "Loader (left) and ClaimTable (right) differ on\n{csv}"
    );
    let (fa, fb) = figures(csv);
    assert_eq!(fa.len(), fb.len(), "{csv}");
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!((&x.0, &x.1), (&y.0, &y.1), "{csv}");
        assert!(
            close(x.2, y.2) && close(x.3, y.3),
            "{x:?} against {y:?} on\n{csv}"
        );
    }
}

const HEADER: &str = "id,quantity,sources,low,central,high,level";

#[test]
fn infinity_is_an_unbounded_side_on_both_paths() {
    let csv = format!("{HEADER}\na,q,s1,100,,infinity,\nb,q,s2,200,250,300,\n");
    assert_same(&csv);
    let (a, _) = both(&csv);
    assert_eq!(a.0.len(), 2);
}

#[test]
fn inverted_negative_bounds_are_inverted_on_both_paths() {
    let csv = format!("{HEADER}\na,q,s1,-5,,-10,\n");
    let (a, b) = both(&csv);
    assert_eq!(a.1, vec![(Some(2), "Inverted".to_string())]);
    assert_eq!(a, b);
}

#[test]
fn a_count_reaching_zero_pools_on_the_linear_scale_on_both_paths() {
    let csv = format!("{HEADER}\na,q,s1,0,10,20,\nb,q,s2,100,120,140,\nc,q,s3,1000,1100,1200,\n");
    assert_same(&csv);
}

#[test]
fn cr_only_line_endings_load_on_both_paths() {
    let csv = "quantity,sources,low,central,high\rq,a,1,2,3\rq,b,2,3,4\r";
    let (a, b) = both(csv);
    assert_eq!(a.0.len(), 2);
    assert_eq!(a, b);
}

#[test]
fn a_quoted_newline_is_one_field_on_both_paths() {
    let csv = "id,quantity,sources,low,central,high\n\"x\ny\",q,a,1,2,3\nz,q,b,2,3,4\n";
    let (a, b) = both(csv);
    // The id holds a control character: refused, and no `y"` claim appears.
    assert_eq!(a.0, vec!["z".to_string()]);
    assert_eq!(a, b);
}

#[test]
fn a_repeated_column_is_refused_on_both_paths() {
    let csv = "quantity,sources,low,low,high\nq,a,1,5,9\n";
    assert!(Loader::new().csv_str(csv).is_err());
    let e = ClaimTable::load(csv.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("repeated column"), "{e}");
}

#[test]
fn ids_that_are_not_utf8_are_refused_not_merged() {
    let bytes = b"quantity,sources,low,central,high\nq,a\xff,1,2,3\nq,a\xfe,1,2,3\nq,b,2,3,4\n";
    let (table, rejected) = ClaimTable::load(&bytes[..]).unwrap();
    assert_eq!(table.len(), 1);
    assert_eq!(rejected.len(), 2);
    let loaded = Loader::new().lenient().csv_reader(&bytes[..]).unwrap();
    assert_eq!(loaded.set.len(), 1);
    assert_eq!(loaded.rejected.len(), 2);
}

#[test]
fn an_explicit_row_id_collides_with_an_implicit_one_on_both_paths() {
    let csv = format!("{HEADER}\n,q,s1,1,2,3,\nrow-1,q,s2,2,3,4,\n");
    let (a, b) = both(&csv);
    assert_eq!(a.1, vec![(Some(3), "DuplicateId".to_string())]);
    assert_eq!(a, b);
    let csv = format!("{HEADER}\nrow-2,q,s1,1,2,3,\n,q,s2,2,3,4,\n");
    let (a, b) = both(&csv);
    assert_eq!(a.1, vec![(Some(3), "DuplicateId".to_string())]);
    assert_eq!(a, b);
}

#[test]
fn a_level_just_below_one_keeps_its_pooled_figures_on_both_paths() {
    let csv = format!(
        "{HEADER}\na,q,s1,1,2,3,0.99999999\nb,q,s2,2,3,4,0.99999999\nc,q,s3,3,4,5,0.99999999\n"
    );
    assert_same(&csv);
    let (fa, _) = figures(&csv);
    assert!(fa[0].2.is_some() && fa[0].3.is_some());
}

#[test]
fn a_21_digit_number_is_read_on_both_paths() {
    let csv = format!("{HEADER}\na,q,s1,1,2,123456789012345678901,\nb,q,s2,1,3,5,\n");
    assert_same(&csv);
}

#[test]
fn minus_infinity_high_and_infinite_central_are_refused_on_both_paths() {
    let csv = format!("{HEADER}\na,q,s1,1,2,-inf,\nb,q,s2,1,inf,5,\nc,q,s3,1,2,3,\n");
    let (a, b) = both(&csv);
    assert_eq!(
        a.1,
        vec![
            (Some(2), "NotFinite".to_string()),
            (Some(3), "NotFinite".to_string())
        ]
    );
    assert_eq!(a, b);
}

fn cell() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "0",
        "5",
        "-5",
        "-10",
        "100",
        "1,000",
        "2.5",
        "inf",
        "-inf",
        "+inf",
        "Infinity",
        "nan",
        "1e400",
        "abc",
        "123456789012345678901",
        "1e-320",
        " 7 ",
    ])
    .prop_map(str::to_string)
}

fn row() -> impl Strategy<Value = Vec<String>> {
    (
        prop::sample::select(vec![
            "", "a", "b", "row-1", "row-2", "row-3", "x\ny", "dup", "dup",
        ]),
        prop::sample::select(vec!["q1", "q2", "", "q,3", " q1 "]),
        prop::sample::select(vec![
            "s1",
            "s2",
            "s1;s2",
            "s1;s1",
            "",
            "s 1",
            "x;",
            "X, the Nerd",
            "a,b",
        ]),
        cell(),
        cell(),
        cell(),
        prop::sample::select(vec!["", "", "0.95", "0.99999999", "1", "0", "inf"]),
    )
        .prop_map(|(id, q, s, lo, c, hi, level)| {
            vec![id.into(), q.into(), s.into(), lo, c, hi, level.into()]
        })
}

fn table_text(rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER.split(',')).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn loader_and_table_accept_refuse_and_report_alike(rows in prop::collection::vec(row(), 0..12)) {
        let csv = table_text(&rows);
        let (a, b) = both(&csv);
        prop_assert_eq!(&a, &b, "on\n{}", csv);
        let (fa, fb) = figures(&csv);
        prop_assert_eq!(fa.len(), fb.len());
        for (x, y) in fa.iter().zip(&fb) {
            prop_assert_eq!((&x.0, &x.1), (&y.0, &y.1), "on\n{}", csv);
            prop_assert!(close(x.2, y.2) && close(x.3, y.3), "{:?} against {:?} on\n{}", x, y, csv);
        }
    }
}

#[test]
fn a_repeated_json_key_is_refused_not_read_for_its_last_value() {
    let json =
        r#"{"claims": [{"id": "a", "quantity": "q", "sources": ["s"], "value": 1, "value": 2}]}"#;
    let e = Loader::new().json_str(json).unwrap_err().to_string();
    assert!(e.contains("duplicate key `value`"), "{e}");
    assert!(e.contains("line 1"), "{e}");
    // Keys may repeat across objects, and numbers keep their precision.
    let ok = r#"{"sources": [{"id": "s", "name": "S"}, {"id": "t", "name": "T"}],
                "quantities": [{"id": "q", "description": "q"}],
                "claims": [{"id": "a", "quantity": "q", "sources": ["s"], "value": 0.1},
                             {"id": "b", "quantity": "q", "sources": ["t"], "value": 12345678901234567}]}"#;
    let set = Loader::new().json_str(ok).unwrap().set;
    assert_eq!(set.claim("a").unwrap().estimate().central(), Some(0.1));
}

/// A row of the plain route's kind (no id column): mostly valid, now and then anything.
fn plain_row() -> impl Strategy<Value = Vec<String>> {
    let valid = (
        prop::sample::select(vec!["q1", "q2", "q3", "cleveland ohio"]),
        prop::sample::select(vec!["s1", "s2", "s1;s2", "s3; s4"]),
        (0u32..1000, 0u32..1000, 0u32..1000),
        0u8..4,
        prop::sample::select(vec!["", "", "0.9"]),
    )
        .prop_map(|(q, s, (a, b, c), blanks, level)| {
            let mut v = [a, b, c];
            v.sort_unstable();
            let mut cells: Vec<String> = v.iter().map(|x| format!("{}.5", x)).collect();
            // Leave out the central value, or a bound, now and then.
            if blanks == 1 {
                cells[1].clear();
            } else if blanks == 2 && level.is_empty() {
                cells[2].clear();
            }
            vec![
                q.to_string(),
                s.to_string(),
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                level.to_string(),
            ]
        });
    prop_oneof![9 => valid, 1 => row().prop_map(|r| r[1..].to_vec())]
}

const PLAIN_HEADER: &str = "quantity,sources,low,central,high,level";

/// The rows as CSV, quoted where needed or everywhere, with a blank line after the rows
/// whose index is in `blank` (unless the row spans lines).
fn plain_text(rows: &[Vec<String>], always: bool, blank: &[usize]) -> String {
    let style = if always {
        csv::QuoteStyle::Always
    } else {
        csv::QuoteStyle::Necessary
    };
    let mut out = format!("{PLAIN_HEADER}\n");
    for (i, r) in rows.iter().enumerate() {
        let mut w = csv::WriterBuilder::new()
            .quote_style(style)
            .from_writer(Vec::new());
        w.write_record(r).unwrap();
        let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
        out.push_str(&line);
        if blank.contains(&i) && !r.iter().any(|c| c.contains(['\n', '\r'])) {
            out.push('\n');
        }
    }
    out
}

/// Everything a reader of the table sees: each claim's id, the reconciliation, the
/// rejected rows (line and kind), and whether the plain route read it.
type TableView = (
    Vec<String>,
    crosscheck::table::TableReconciliation,
    Vec<(Option<u64>, String)>,
    bool,
);

fn table_view(csv: &str) -> TableView {
    let (t, rejected) = ClaimTable::load(csv.as_bytes()).unwrap();
    (
        (0..t.len()).map(|i| t.claim_id(i)).collect(),
        t.reconcile(),
        rejected.iter().map(|e| (line_of(e), kind(e))).collect(),
        t.read_by_plain_route(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The plain route (files of plain lines) and the checked route (the same records, every
    /// field quoted) give the same table, and both agree with the Loader.
    #[test]
    fn the_plain_and_checked_routes_give_the_same_table(
        rows in prop::collection::vec(plain_row(), 0..16),
        blank in prop::collection::vec(0usize..16, 0..3),
    ) {
        let plain = plain_text(&rows, false, &blank);
        let quoted = plain_text(&rows, true, &blank);
        let (a, b) = both(&plain);
        prop_assert_eq!(&a, &b, "on\n{}", plain);
        let (ids, r, rejected, by_plain) = table_view(&plain);
        let (qids, qr, qrejected, q_by_plain) = table_view(&quoted);
        prop_assert!(!q_by_plain || rows.is_empty());
        // A file of plain lines with no refused row is read by the plain route.
        let body_plain = !plain.split_once('\n').unwrap().1.contains('"');
        prop_assert_eq!(by_plain, rejected.is_empty() && body_plain, "on\n{}", plain);
        prop_assert_eq!(ids, qids);
        prop_assert_eq!(r, qr);
        prop_assert_eq!(rejected, qrejected);
    }
}

/// A line of a file the Loader reads by its plain route (no `"`, no carriage return):
/// a row of cells of every kind joined by commas (a cell with a comma is two fields),
/// an empty line, or spaces.
fn plain_line() -> impl Strategy<Value = String> {
    let cells = prop::collection::vec(
        prop_oneof![
            4 => cell(),
            2 => prop::sample::select(vec![
                "q1", "q2", "s1", "s1;s2", "about 4,000", "more than 76000", "row-1", "row-2",
                "dup", "", " ", "é", "2024-05-01", "x;", "1 000",
            ])
            .prop_map(str::to_string),
        ],
        0..9,
    );
    prop_oneof![
        8 => cells.prop_map(|c| c.join(",")),
        1 => Just(String::new()),
        1 => Just("  ".to_string()),
    ]
}

/// Everything a Loader gives: the set as its JSON document, and every refused row.
fn loaded_view(l: crosscheck::Result<crosscheck::Loaded>) -> (String, Vec<String>) {
    let l = l.unwrap();
    (
        l.set.to_json_string(),
        l.rejected.iter().map(ToString::to_string).collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The Loader's plain route (a text in memory of plain lines, split by the loader) and
    /// the csv crate's reader (`csv_reader` always reads through it) give the same set and
    /// the same refused rows, lines and messages included: empty lines, a last line
    /// without its line end, short and long rows, worded and numeric columns, ids and
    /// explicit row ids alike.
    #[test]
    fn the_loaders_plain_route_reads_as_the_csv_reader(
        header in prop::sample::select(vec![
            "quantity,sources,low,central,high",
            "id,quantity,sources,low,central,high,level",
            "quantity,sources,value",
            "id,quantity,sources,value,as_of,note",
            "Quantity, SOURCES ,value,unit",
        ]),
        lead in 0usize..3,
        lines in prop::collection::vec(plain_line(), 0..14),
        end in any::<bool>(),
    ) {
        let mut text = format!("{}{header}\n", "\n".repeat(lead));
        text.push_str(&lines.join("\n"));
        if end && !lines.is_empty() {
            text.push('\n');
        }
        let loader = Loader::new().lenient();
        let plain = loaded_view(loader.csv_str(&text));
        let read = loaded_view(loader.csv_reader(text.as_bytes()));
        prop_assert_eq!(plain, read, "on\n{}", text);
    }
}

/// The file route: a CSV file of plain lines loads as the same text through a reader,
/// and one whose body is not UTF-8 (read by the csv crate: one bad row) too.
#[test]
fn a_csv_file_loads_as_its_text_through_a_reader() {
    let dir = std::env::temp_dir().join(format!("crosscheck-plain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let texts: [&[u8]; 3] = [
        b"quantity,sources,value\n\nq,a,about 4000\n\n\nq,b,nonsense\nq,c,12\n",
        b"quantity,sources,low,central,high\nq,a\xff,1,2,3\nq,b,2,3,4\n\nq,c,1,2\n",
        b"quantity,sources,value\nq,a,\"1,000\"\r\nq,b,2000",
    ];
    for (i, bytes) in texts.iter().enumerate() {
        let path = dir.join(format!("t{i}.csv"));
        std::fs::write(&path, bytes).unwrap();
        let loader = Loader::new().lenient();
        assert_eq!(
            loaded_view(loader.path(&path)),
            loaded_view(loader.csv_reader(*bytes)),
            "text {i}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
