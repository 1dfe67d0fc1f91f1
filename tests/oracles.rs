//! Meta-analysis against published results: tests/data/meta-analysis.json holds the BCG
//! vaccine trials (Colditz et al. 1994, metafor's dat.bcg) and the Kacker (2004) example,
//! with every figure from metafor's formulas, confirmed with statsmodels 0.15.0, PyMARE
//! 0.0.13 and PythonMeta 1.26 (see tests/data/README.md).

use crosscheck::pool::meta::{MetaResult, Method, Study, meta_analysis};
use serde_json::Value;

fn oracle() -> Value {
    serde_json::from_str(include_str!("data/meta-analysis.json")).unwrap()
}

fn studies(ds: &Value) -> Vec<Study> {
    let y = ds["yi"].as_array().unwrap();
    let v = ds["vi"].as_array().unwrap();
    y.iter()
        .zip(v)
        .map(|(y, v)| Study::new(y.as_f64().unwrap(), v.as_f64().unwrap()))
        .collect()
}

fn figures(r: &MetaResult) -> Vec<(&'static str, f64)> {
    vec![
        ("estimate", r.estimate),
        ("se", r.se),
        ("ci_lb", r.ci.0),
        ("ci_ub", r.ci.1),
        ("tau2", r.tau2),
        ("Q", r.q),
        ("Q_df", r.q_df as f64),
        ("Q_p", r.q_p),
        ("I2_Qbased_pct", r.i2_q),
        ("I2_tau2based_pct", r.i2_tau),
        ("H2_Qbased", r.h2),
        ("pi_lb", r.pi.0),
        ("pi_ub", r.pi.1),
        ("kh_se", r.kh_se.unwrap()),
        ("kh_ci_lb", r.kh_ci.unwrap().0),
        ("kh_ci_ub", r.kh_ci.unwrap().1),
    ]
}

#[test]
fn every_method_reproduces_every_published_figure() {
    let o = oracle();
    let methods = [
        ("FE", Method::FixedEffect),
        ("DL", Method::DerSimonianLaird),
        ("PM", Method::PauleMandel),
        ("REML", Method::Reml),
        ("ML", Method::Ml),
    ];
    let mut checked = 0;
    let mut failures = Vec::new();
    for ds in o["datasets"].as_array().unwrap() {
        let s = studies(ds);
        for (key, method) in methods {
            let expected = &ds["results"][key];
            let fit = meta_analysis(&s, method).unwrap();
            assert!(fit.converged);
            // FE and DL are closed forms: 1e-10 relative. PM, REML, ML iterate: 1e-6
            // (absolute on τ²).
            let tol = if matches!(method, Method::FixedEffect | Method::DerSimonianLaird) {
                1e-10
            } else {
                1e-6
            };
            for (name, got) in figures(&fit) {
                let want = expected[name]
                    .as_f64()
                    .unwrap_or_else(|| panic!("{key}.{name}"));
                let ok = if name == "tau2" {
                    (got - want).abs() <= tol
                } else {
                    (got - want).abs() <= tol * want.abs().max(1e-300)
                        || (got - want).abs() < 1e-300
                };
                if !ok {
                    failures.push(format!(
                        "{} {key} {name}: got {got:e}, want {want:e}",
                        ds["name"]
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 2 * 5 * 16);
}

#[test]
fn bcg_reml_matches_viechtbauer_2010() {
    // Viechtbauer (2010), J. Stat. Softw. 36(3): estimate −0.7145, τ² 0.3132, I² 92.22 %.
    let o = oracle();
    let fit = meta_analysis(&studies(&o["datasets"][0]), Method::Reml).unwrap();
    assert_eq!(format!("{:.4}", fit.estimate), "-0.7145");
    assert_eq!(format!("{:.4}", fit.tau2), "0.3132");
    assert_eq!(format!("{:.2}", fit.i2_tau), "92.22");
    assert!(fit.iterations < 20, "{} iterations", fit.iterations);
}

#[test]
fn bcg_effect_sizes_follow_from_the_trial_counts() {
    // metafor escalc(measure = "RR"): yi = ln((a/n1)/(c/n2)), vi = 1/a − 1/n1 + 1/c − 1/n2.
    let o = oracle();
    let ds = &o["datasets"][0];
    for (row, s) in ds["counts"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .zip(studies(ds))
    {
        let f = |i: usize| row[i].as_f64().unwrap();
        let (tpos, tneg, cpos, cneg) = (f(3), f(4), f(5), f(6));
        let y = ((tpos / (tpos + tneg)) / (cpos / (cpos + cneg))).ln();
        let v = 1.0 / tpos - 1.0 / (tpos + tneg) + 1.0 / cpos - 1.0 / (cpos + cneg);
        assert!((y - s.y).abs() < 1e-12 && (v - s.v).abs() < 1e-12);
    }
}

#[test]
fn degenerate_inputs_are_handled_never_nan() {
    let one = meta_analysis(&[Study::new(2.0, 0.25)], Method::Reml).unwrap();
    assert_eq!(
        (
            one.estimate,
            one.se,
            one.tau2,
            one.q,
            one.q_p,
            one.i2_q,
            one.h2
        ),
        (2.0, 0.5, 0.0, 0.0, 1.0, 0.0, 1.0)
    );
    assert!(one.kh_se.is_none() && one.pi_t.is_none());
    let same = meta_analysis(
        &[Study::new(1.0, 0.1), Study::new(1.0, 0.1)],
        Method::PauleMandel,
    )
    .unwrap();
    assert_eq!(
        (same.estimate, same.tau2, same.i2_q, same.i2_tau),
        (1.0, 0.0, 0.0, 0.0)
    );
    assert!(meta_analysis(&[], Method::Reml).is_err());
    assert!(matches!(
        meta_analysis(&[Study::new(1.0, 0.0)], Method::Reml),
        Err(crosscheck::Error::Method {
            at: crosscheck::Location::Study(0),
            ..
        })
    ));
    assert!(meta_analysis(&[Study::new(f64::NAN, 1.0)], Method::Reml).is_err());
    for m in Method::ALL {
        let r = meta_analysis(
            &[
                Study::new(1.0, 0.1),
                Study::new(5.0, 0.2),
                Study::new(2.0, 0.3),
            ],
            m,
        )
        .unwrap();
        assert!(r.pi_t.is_some());
        for (name, x) in figures(&r) {
            assert!(x.is_finite(), "{m:?} {name}");
        }
    }
}

/// tests/data/metafor_oracle.json, written by scripts/metafor_oracle.R with R's metafor 3.8.1
/// and a direct maximisation of the likelihood in R: the three data sets where a local
/// iteration stops below the global maximum (issue "Honest readings and honest pooled
/// figures") and 200 random data sets. Every method's τ² and estimate must agree to 1e-6.
#[test]
fn ml_and_reml_reach_the_global_maximum_as_metafor_and_a_direct_optimiser_do() {
    let doc: Value = serde_json::from_str(include_str!("data/metafor_oracle.json")).unwrap();
    let sets = doc["sets"].as_array().unwrap();
    assert!(sets.len() >= 203);
    let mut failures = Vec::new();
    let mut checked = 0;
    for set in sets {
        let y = set["y"].as_array().unwrap();
        let v = set["v"].as_array().unwrap();
        let studies: Vec<Study> = y
            .iter()
            .zip(v)
            .map(|(y, v)| Study::new(y.as_f64().unwrap(), v.as_f64().unwrap()))
            .collect();
        let v_min = studies.iter().map(|s| s.v).fold(f64::INFINITY, f64::min);
        for fit in set["fits"].as_array().unwrap() {
            let method = match fit["method"].as_str().unwrap() {
                "FE" => Method::FixedEffect,
                "DL" => Method::DerSimonianLaird,
                "PM" => Method::PauleMandel,
                "REML" => Method::Reml,
                _ => Method::Ml,
            };
            let r = meta_analysis(&studies, method).unwrap();
            let (tau2, est) = (
                fit["tau2"].as_f64().unwrap(),
                fit["estimate"].as_f64().unwrap(),
            );
            // Relative to the figure, or to the smallest variance (resp. standard error) when
            // the figure is 0: the data's own scale.
            let tau_ok = (r.tau2 - tau2).abs() <= 1e-6 * (tau2.abs() + v_min);
            let est_ok = (r.estimate - est).abs() <= 1e-6 * (est.abs() + v_min.sqrt());
            if !(tau_ok && est_ok) {
                failures.push(format!(
                    "{} {:?} ({}): tau2 {} vs {tau2}, estimate {} vs {est}",
                    set["name"], method, fit["source"], r.tau2, r.estimate
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= 1000, "{checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} fits differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
