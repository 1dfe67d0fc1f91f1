//! The `crosscheck` binary, run as a user runs it: every subcommand, every format, every
//! exit code (0 success, 1 bad input, 2 usage) and each input mistake it must catch
//! (files under tests/data/cli/).

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the crosscheck binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const KURSK: &str = "examples/data/kursk.json";

#[test]
fn reconcile_writes_every_format() {
    for (format, marker) in [
        ("text", "== kpa-casualties"),
        ("json", "\"quantities\""),
        ("markdown", "## kpa-casualties"),
        ("html", "<!DOCTYPE html>"),
        ("svg", "<svg"),
        ("summary", "kpa-casualties"),
    ] {
        let o = run(&["reconcile", KURSK, "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(stdout(&o).contains(marker), "{format}");
    }
    // The default for a small file is the text report.
    let o = run(&["reconcile", KURSK]);
    assert!(stdout(&o).contains("verdict: TENSION"));
    assert!(stdout(&o).contains("agreement:"));
}

#[test]
fn the_compact_json_keeps_the_schema_and_detail_adds_the_rest() {
    let compact = stdout(&run(&["reconcile", KURSK, "--format", "json"]));
    let detail = stdout(&run(&["reconcile", KURSK, "--format", "json", "--detail"]));
    let c: serde_json::Value = serde_json::from_str(&compact).unwrap();
    let d: serde_json::Value = serde_json::from_str(&detail).unwrap();
    let cq = &c["quantities"][0];
    for field in [
        "quantity",
        "claims",
        "envelope",
        "best_supported",
        "verdict",
        "agreement",
        "pooled",
    ] {
        assert!(cq.get(field).is_some(), "{field}");
    }
    // What compact JSON leaves out is null or empty (or named in the docs); `consensus`
    // is null for a quantity in tension, so it is absent there and present elsewhere.
    let kpa = c["quantities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["quantity"] == "kpa-casualties")
        .unwrap();
    assert!(kpa.get("consensus").is_none());
    assert!(kpa["pooled"]["reml"].get("method").is_none());
    assert!(kpa["pooled"]["reml"]["heterogeneity"].get("tau2").is_some());
    assert!(
        compact.len() < detail.len() / 2,
        "{} vs {}",
        compact.len(),
        detail.len()
    );
    let kpa = d["quantities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["quantity"] == "kpa-casualties")
        .unwrap();
    assert!(!kpa["relations"].as_array().unwrap().is_empty());
    assert!(kpa["pooled"]["weighted_median"]["influence"].is_object());
}

#[test]
fn output_files_and_summary_csv() {
    let dir = std::env::temp_dir().join(format!("crosscheck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("summary.csv");
    let o = run(&[
        "reconcile",
        KURSK,
        "--format",
        "summary",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let head = rows.headers().unwrap().clone();
    assert_eq!(&head[0], "quantity");
    assert!(head.iter().any(|h| h == "agreement"));
    assert_eq!(rows.records().count(), 7);
    let table = dir.join("table.csv");
    let o = run(&[
        "table",
        "tests/data/cli/table.csv",
        "-o",
        table.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&table)
            .unwrap()
            .starts_with("quantity,claims,verdict")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_existing_output_file_is_written_over_and_cut_to_the_new_report() {
    // The tool writes over an existing file in place and cuts it at the end of the new
    // report: a longer earlier file must leave nothing behind it, on the streamed JSON
    // path and on the whole-text one.
    let dir = std::env::temp_dir().join(format!("crosscheck-over-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for format in ["json", "text", "summary"] {
        let reconcile_to = |name: &str| {
            let path = dir.join(format!("{name}.{format}"));
            let o = run(&[
                "reconcile",
                KURSK,
                "--format",
                format,
                "-o",
                path.to_str().unwrap(),
            ]);
            assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
            path
        };
        let want = std::fs::read(reconcile_to("fresh")).unwrap();
        // An earlier file three times as long, of other bytes.
        std::fs::write(
            dir.join(format!("over.{format}")),
            vec![b'#'; 3 * want.len() + 4096],
        )
        .unwrap();
        assert_eq!(
            std::fs::read(reconcile_to("over")).unwrap(),
            want,
            "{format}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn read_shows_the_reading_rule_and_reach() {
    let o = run(&["read", "about 100k"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains("approximator"));
    assert!(s.contains("[50,000, 150,000]"));
    assert!(s.contains("reach:     50,000"));
    let o = run(&[
        "read",
        "4,645 (95% CI 793–8,498)",
        "--kind",
        "real",
        "--profile",
        "strict",
    ]);
    assert!(stdout(&o).contains("level:     0.95"), "{}", stdout(&o));
    let o = run(&["read", "about about 4,000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bytes 6..11"));
}

#[test]
fn check_validates_and_table_reconciles() {
    let o = run(&[
        "check",
        "tests/data/cli/base.json",
        "tests/data/cli/good.csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok: 2 claims"));
    let o = run(&["table", "tests/data/cli/table.csv"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("2 quantities"));
}

#[test]
fn exit_codes_say_success_bad_input_and_usage() {
    assert_eq!(run(&["reconcile", KURSK]).status.code(), Some(0));
    assert_eq!(
        run(&[
            "reconcile",
            "tests/data/cli/typos.csv",
            "tests/data/cli/base.json"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        run(&["reconcile", "no-such-file.json"]).status.code(),
        Some(1)
    );
    assert_eq!(run(&["reconcile"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        run(&["reconcile", KURSK, "--format", "pdf"]).status.code(),
        Some(2)
    );
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("Examples:"));
}

#[test]
fn typos_of_declared_ids_are_refused_with_the_nearest_id() {
    let o = run(&[
        "reconcile",
        "tests/data/cli/base.json",
        "tests/data/cli/typos.csv",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("unknown source `mho`; did you mean `moh`?"),
        "{e}"
    );
    assert!(
        e.contains("unknown quantity `tol`; did you mean `toll`?"),
        "{e}"
    );
    assert!(e.contains("2 problems"), "{e}");
    // Leniently, the rows are listed as rejected and nothing is invented.
    let o = run(&[
        "reconcile",
        "tests/data/cli/base.json",
        "tests/data/cli/typos.csv",
        "--lenient",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("rejected:"));
    assert!(!stdout(&o).contains("\"mho\""));
    // Unless undeclared ids are allowed.
    let o = run(&[
        "check",
        "tests/data/cli/base.json",
        "tests/data/cli/typos.csv",
        "--allow-undeclared",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_json_field_typo_is_named_as_unknown() {
    let o = run(&["check", "tests/data/cli/typo_field.json"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("unknown field `quantitiy`; did you mean `quantity`?"),
        "{e}"
    );
    assert!(!e.contains("is empty"), "{e}");
}

#[test]
fn a_comma_inside_one_sources_field_is_refused() {
    let o = run(&["check", "tests/data/cli/comma.csv"]);
    assert_eq!(o.status.code(), Some(1));
    // With or without a space after the comma: both are two sources mistyped.
    for id in ["moh,un", "moh, un"] {
        assert!(
            stderr(&o).contains(&format!("`{id}` contains `,`")),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn headers_match_whatever_their_case() {
    let o = run(&["check", "tests/data/cli/headers.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_date_with_a_time_part_says_which_forms_are_accepted() {
    let o = run(&["check", "tests/data/cli/datetime.csv"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("time part") && e.contains("YYYY-MM-DD"), "{e}");
}

#[test]
fn as_of_leaves_later_claims_out() {
    let o = run(&[
        "reconcile",
        "tests/data/cli/base.json",
        "tests/data/cli/good.csv",
        "--as-of",
        "2024-05-01",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["quantities"][0]["claims"].as_array().unwrap().len(), 1);
    assert!(stderr(&o).contains("1 claim(s) dated later left out"));
    assert_eq!(
        run(&["reconcile", KURSK, "--as-of", "yesterday"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn learned_reliability_is_opt_in_named_and_in_the_json() {
    // Ratings may be negative: the quantities are real (`--kind real`).
    let f = "tests/data/cli/ratings.csv";
    let o = run(&["reconcile", f, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "a count cannot be negative");
    let o = run(&["reconcile", f, "--kind", "real", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["quantities"][0]["pooled"].get("learned").is_none());
    assert!(v["sources"][0]["learned_weight"].is_null());
    for (args, method) in [
        (vec!["--learn-reliability"], "crosscheck"),
        (vec!["--learn-reliability", "crh"], "crh"),
    ] {
        let mut a = vec!["reconcile", f, "--kind", "real", "--format", "json"];
        a.extend(args);
        let o = run(&a);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["learning"]["method"], method);
        let mood = v["quantities"][1]["pooled"]["learned"]["value"]
            .as_f64()
            .unwrap();
        assert!((-30.0..=-20.0).contains(&mood), "{method}: {mood}");
        let w: Vec<f64> = v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["learned_weight"].as_f64().unwrap())
            .collect();
        assert!(w[3] < w[0] && w[3] < w[1] && w[3] < w[2], "{method}: {w:?}");
    }
    let o = run(&[
        "reconcile",
        f,
        "--kind",
        "real",
        "--learn-reliability",
        "crhh",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("crosscheck, crh, catd, gtm"),
        "{}",
        stderr(&o)
    );
    // The text report names the method and shows the weights.
    let o = run(&["reconcile", f, "--kind", "real", "--learn-reliability"]);
    let out = stdout(&o);
    assert!(out.contains("learned reliability (crosscheck)"), "{out}");
    assert!(out.contains("== sources' track record"), "{out}");
}
