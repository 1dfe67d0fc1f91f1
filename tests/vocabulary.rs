//! The report vocabulary: every status, reason-free enum and method name is one list, read
//! and written the same way by `Display`, `FromStr` and serde, and a key of a report's
//! `pooled` map reads back as its method.

use crosscheck::pool::meta::Method;
use crosscheck::pool::{BoundStatus, Exclusion, Scale};
use crosscheck::time::ClaimStatus;
use crosscheck::{
    ClaimSet, ConstraintKind, ConstraintStatus, Learner, PoolMethod, QuantityKind, Reconciler,
    Relation, Severity, SourceKind, Stance, Temporal, Verdict,
};

macro_rules! agree {
    ($($t:ty),* $(,)?) => {$(
        for v in <$t>::ALL {
            let name = v.to_string();
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{name}\""), "{}", stringify!($t));
            assert_eq!(name.parse::<$t>().unwrap(), v, "{}", stringify!($t));
            assert_eq!(serde_json::from_str::<$t>(&format!("\"{name}\"")).unwrap(), v);
        }
        let e = "no-such-name".parse::<$t>().unwrap_err().to_string();
        assert!(e.contains("no-such-name"), "{e}");
    )*};
}

#[test]
fn display_fromstr_and_serde_agree_on_every_name() {
    agree!(
        Verdict,
        Severity,
        ClaimStatus,
        ConstraintStatus,
        ConstraintKind,
        Temporal,
        QuantityKind,
        SourceKind,
        Relation,
        Stance,
        Method,
        PoolMethod,
        Scale,
        BoundStatus,
        Learner,
        Exclusion,
    );
}

#[test]
fn every_pooled_key_reads_back_as_its_method() {
    let set =
        ClaimSet::from_csv_str("quantity,sources,value\nq,a,100\nq,b,120\nq,c,\"at least 90\"\n")
            .unwrap();
    let r = Reconciler::new().reconcile(&set);
    let keys: Vec<&String> = r.quantities[0].pooled.keys().collect();
    assert_eq!(keys.len(), PoolMethod::ALL.len());
    for k in keys {
        let m: PoolMethod = k.parse().unwrap();
        assert_eq!(m.key(), k.as_str());
    }
    // The meta-analysis method's serde name is its report key.
    assert_eq!(
        serde_json::to_string(&Method::DerSimonianLaird).unwrap(),
        "\"dersimonian_laird\""
    );
}

#[test]
fn deserialised_sources_and_quantities_keep_the_rules_of_construction() {
    use crosscheck::{Quantity, Source};
    assert!(serde_json::from_str::<Source>(r#"{"id": " ", "name": "x"}"#).is_err());
    assert!(serde_json::from_str::<Source>(r#"{"id": "a;b", "name": "x"}"#).is_err());
    assert!(serde_json::from_str::<Quantity>(r#"{"id": ""}"#).is_err());
    let s: Source =
        serde_json::from_str(r#"{"id": "moh", "name": "MoH", "side": "Gaza"}"#).unwrap();
    assert_eq!(s.side(), Some("Gaza"));
    let q: Quantity = serde_json::from_str(r#"{"id": "toll", "kind": "real"}"#).unwrap();
    assert!(!q.is_count());
}
