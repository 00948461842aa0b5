//! Charters: multi-founder signing, partly signed charters, and refused ones.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

use commons_protocol::fixtures::{BASE_TIME_MS, SampleOrg, sample_charter};
use commons_protocol::{Charter, CharterError, Founder, RootKeypair, SignedCharter, Threshold};

fn draft(founders: &[SampleOrg]) -> Charter {
    let mut list: Vec<Founder> = founders
        .iter()
        .map(|org| Founder {
            org: org.id(),
            name: org.name.clone(),
        })
        .collect();
    list.sort_by_key(|founder| founder.org);
    Charter {
        version: 1,
        name: "Land and housing working group".to_owned(),
        founders: list,
        admission: Threshold::Count(2),
        removal: Threshold::Fraction {
            numerator: 2,
            denominator: 3,
        },
        recovery: Threshold::Fraction {
            numerator: 1,
            denominator: 2,
        },
        open_read: false,
        created_ms: BASE_TIME_MS,
    }
}

#[test]
fn a_partly_signed_charter_names_who_has_yet_to_sign() {
    let orgs: Vec<SampleOrg> = (0..3).map(SampleOrg::new).collect();
    let mut charter = SignedCharter::new(draft(&orgs)).unwrap();
    charter.sign(&orgs[1].root).unwrap();
    // It travels between founders as a file and keeps its signatures.
    let mut charter = SignedCharter::decode(&charter.encode()).unwrap();
    let mut missing = vec![orgs[0].id(), orgs[2].id()];
    missing.sort();
    assert_eq!(
        charter.complete(),
        Err(CharterError::Unsigned {
            missing: missing.clone()
        })
    );
    let message = charter.complete().unwrap_err().to_string();
    assert!(
        message.contains("2 founder(s) have yet to sign"),
        "{message}"
    );
    assert!(message.contains(&missing[0].to_string()), "{message}");

    charter.sign(&orgs[0].root).unwrap();
    charter.sign(&orgs[2].root).unwrap();
    let complete = SignedCharter::decode(&charter.encode()).unwrap();
    assert_eq!(
        complete.complete().unwrap().network_id(),
        draft(&orgs).network_id()
    );
}

#[test]
fn only_founders_sign() {
    let orgs: Vec<SampleOrg> = (0..2).map(SampleOrg::new).collect();
    let mut charter = SignedCharter::new(draft(&orgs)).unwrap();
    let outsider = RootKeypair::from_seed([0x99; 32]);
    assert_eq!(
        charter.sign(&outsider),
        Err(CharterError::NotAFounder {
            org: outsider.org_id()
        })
    );
}

#[test]
fn a_tampered_charter_is_refused() {
    let (charter, _) = sample_charter(3);
    let mut bytes = charter.encode();
    // The network's name sits near the start of the charter's bytes.
    bytes[4] ^= 0x01;
    assert!(matches!(
        SignedCharter::decode(&bytes),
        Err(CharterError::BadSignature { .. })
    ));
    let mut truncated = charter.encode();
    truncated.pop();
    assert!(matches!(
        SignedCharter::decode(&truncated),
        Err(CharterError::Decode(_))
    ));
}

#[test]
fn charter_rules_are_checked() {
    let orgs: Vec<SampleOrg> = (0..2).map(SampleOrg::new).collect();
    let mut unsorted = draft(&orgs);
    unsorted.founders.reverse();
    assert_eq!(
        SignedCharter::new(unsorted),
        Err(CharterError::FoundersNotSorted)
    );
    let mut no_one = draft(&orgs);
    no_one.founders.clear();
    assert_eq!(SignedCharter::new(no_one), Err(CharterError::NoFounders));
    let mut zero = draft(&orgs);
    zero.admission = Threshold::Count(0);
    assert_eq!(
        SignedCharter::new(zero),
        Err(CharterError::BadThreshold { field: "admission" })
    );
    let mut over = draft(&orgs);
    over.removal = Threshold::Fraction {
        numerator: 3,
        denominator: 2,
    };
    assert_eq!(
        SignedCharter::new(over),
        Err(CharterError::BadThreshold { field: "removal" })
    );
    let mut nameless = draft(&orgs);
    nameless.name = " ".to_owned();
    assert_eq!(SignedCharter::new(nameless), Err(CharterError::EmptyName));
}
