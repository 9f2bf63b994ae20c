//! Small instances worked out by hand.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

mod common;

use yingcai_allocation::{Allocation, Cutoff, Instance, allocate};

fn csv(alloc: &Allocation<'_>) -> String {
    let mut out = Vec::new();
    alloc.write_csv(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn cutoff_of<'i>(alloc: &Allocation<'i>, complex: &str) -> Option<Cutoff<'i>> {
    alloc.cutoff(alloc.instance().complex_index(complex).unwrap())
}

/// One-to-one, three rounds of proposals:
/// round 1: a1→c1, a2→c1, a3→c2; c1 keeps a2 (rank 0), rejects a1.
/// round 2: a1→c2; c2 prefers a1 (rank 0) to a3 (rank 1), rejects a3.
/// round 3: a3→c1, rejected (c1 holds a2); a3→c3, accepted.
#[test]
fn one_to_one_textbook() {
    let inst = Instance::from_json(
        br#"{"applicants": {"a1": ["c1", "c2", "c3"], "a2": ["c1", "c3", "c2"], "a3": ["c2", "c1", "c3"]},
             "complexes": {"c1": {"capacity": 1, "priority": ["a2", "a1", "a3"]},
                           "c2": {"capacity": 1, "priority": ["a1", "a3", "a2"]},
                           "c3": {"capacity": 1, "priority": ["a3", "a2", "a1"]}}}"#,
    )
    .unwrap();
    let alloc = allocate(&inst);
    assert_eq!(csv(&alloc), "applicant,complex\na1,c2\na2,c1\na3,c3\n");
    assert_eq!(
        cutoff_of(&alloc, "c1"),
        Some(Cutoff {
            rank: 0,
            applicant: "a2"
        })
    );
    assert_eq!(
        cutoff_of(&alloc, "c2"),
        Some(Cutoff {
            rank: 0,
            applicant: "a1"
        })
    );
    assert_eq!(
        cutoff_of(&alloc, "c3"),
        Some(Cutoff {
            rank: 0,
            applicant: "a3"
        })
    );
    assert_eq!(common::check_allocation(&alloc), Ok(()));
}

/// Two stable matchings exist: {a1-c1, a2-c2} (applicants' favourite) and
/// {a1-c2, a2-c1} (complexes' favourite). Applicant-proposing DA picks the first.
#[test]
fn picks_the_applicant_optimal_matching() {
    let inst = Instance::new(
        &[("a1", vec!["c1", "c2"]), ("a2", vec!["c2", "c1"])],
        &[("c1", 1, vec!["a2", "a1"]), ("c2", 1, vec!["a1", "a2"])],
    )
    .unwrap();
    let alloc = allocate(&inst);
    assert_eq!(
        alloc.pairs().collect::<Vec<_>>(),
        [("a1", "c1"), ("a2", "c2")]
    );
}

/// Many-to-one with an eviction chain that leaves someone unmatched:
/// a1→c1 held; a2→c1 held (full: a1 rank 1, a2 rank 2); a3→c1 evicts a2 (rank 2);
/// a2→c2 held; a4→c2 evicts a2 (rank 1 behind a4's rank 0); a2 has no choice left.
#[test]
fn capacity_two_with_eviction_chain() {
    let inst = Instance::new(
        &[
            ("a1", vec!["c1"]),
            ("a2", vec!["c1", "c2"]),
            ("a3", vec!["c1", "c2"]),
            ("a4", vec!["c2"]),
        ],
        &[
            ("c1", 2, vec!["a3", "a1", "a2"]),
            ("c2", 1, vec!["a4", "a2", "a3"]),
        ],
    )
    .unwrap();
    let alloc = allocate(&inst);
    assert_eq!(csv(&alloc), "applicant,complex\na1,c1\na3,c1\na4,c2\n");
    assert_eq!(alloc.complex_of("a2"), None);
    assert_eq!(alloc.complex_of("a3"), Some("c1"));
    assert_eq!(alloc.matched(), 3);
    // a2 was refused by c1 (rank 2 behind cutoff rank 1) and c2 (rank 1 behind 0).
    assert_eq!(
        cutoff_of(&alloc, "c1"),
        Some(Cutoff {
            rank: 1,
            applicant: "a1"
        })
    );
    assert_eq!(
        cutoff_of(&alloc, "c2"),
        Some(Cutoff {
            rank: 0,
            applicant: "a4"
        })
    );
    assert_eq!(common::check_allocation(&alloc), Ok(()));
}

/// Empty preference lists, a capacity-0 complex, a complex nobody wants and a
/// complex with room left: no cutoff for the last three.
#[test]
fn edge_cases_without_cutoffs() {
    let inst = Instance::new(
        &[
            ("a1", vec![]),
            ("a2", vec!["closed", "roomy"]),
            ("a3", vec!["closed"]),
        ],
        &[
            ("closed", 0, vec!["a3", "a2"]),
            ("unwanted", 3, vec![]),
            ("roomy", 5, vec!["a2"]),
        ],
    )
    .unwrap();
    let alloc = allocate(&inst);
    assert_eq!(csv(&alloc), "applicant,complex\na2,roomy\n");
    assert_eq!(alloc.cutoffs().collect::<Vec<_>>(), [None, None, None]);
    assert_eq!(alloc.complex_of("a1"), None);
    assert_eq!(alloc.complex_of("nobody"), None);
}

/// An instance with no applicants and no complexes is valid and allocates nothing.
#[test]
fn empty_instance() {
    let inst = Instance::from_json(br#"{"applicants": {}, "complexes": {}}"#).unwrap();
    let alloc = allocate(&inst);
    assert_eq!(csv(&alloc), "applicant,complex\n");
    assert_eq!(inst.to_json(), r#"{"applicants":{},"complexes":{}}"#);
}

/// Key order does not matter: complexes may come first, and "priority" may come
/// before "capacity". Rows follow the applicants' order in the file, not id order.
#[test]
fn key_order_and_row_order() {
    let inst = Instance::from_json(
        br#"{"complexes": {"c2": {"priority": ["z", "b"], "capacity": 2},
                           "c1": {"priority": ["b", "z"], "capacity": 1}},
             "applicants": {"z": ["c1", "c2"], "b": ["c1", "c2"]}}"#,
    )
    .unwrap();
    assert_eq!(inst.applicant_id(0), "z");
    assert_eq!(inst.complex_id(0), "c2");
    let alloc = allocate(&inst);
    assert_eq!(csv(&alloc), "applicant,complex\nz,c2\nb,c1\n");
    // Canonical output order: applicants first, capacity before priority.
    assert_eq!(
        inst.to_json(),
        r#"{"applicants":{"z":["c1","c2"],"b":["c1","c2"]},"complexes":{"c2":{"capacity":2,"priority":["z","b"]},"c1":{"capacity":1,"priority":["b","z"]}}}"#
    );
}

/// Ids needing JSON escapes or CSV quoting, and ids longer than 8 bytes, survive
/// parsing, JSON round trip and CSV writing.
#[test]
fn unusual_ids() {
    let long = "applicant-with-a-rather-long-id-0001";
    let inst = Instance::new(
        &[
            ("quote\"d", vec!["c,1"]),
            ("新人才", vec!["c,1", "line\nbreak"]),
            (long, vec!["line\nbreak"]),
            ("a\\b", vec!["c,1"]),
        ],
        &[
            ("c,1", 2, vec!["新人才", "quote\"d", "a\\b"]),
            ("line\nbreak", 1, vec![long, "新人才"]),
        ],
    )
    .unwrap();
    let back = Instance::from_json(inst.to_json().as_bytes()).unwrap();
    assert_eq!(back, inst);
    let alloc = allocate(&back);
    assert_eq!(
        csv(&alloc),
        "applicant,complex\n\"quote\"\"d\",\"c,1\"\n新人才,\"c,1\"\napplicant-with-a-rather-long-id-0001,\"line\nbreak\"\n"
    );
    assert_eq!(alloc.complex_of(long), Some("line\nbreak"));
    assert_eq!(back.applicant_index("a\\b"), Some(3));
    // Escaped forms of the same ids in the file are the same ids.
    let escaped = Instance::from_json(
        br#"{"applicants": {"\u0061": ["c\u0031"]}, "complexes": {"c1": {"capacity": 1, "priority": ["a"]}}}"#,
    )
    .unwrap();
    assert_eq!(allocate(&escaped).complex_of("a"), Some("c1"));
}

/// Same input, same bytes out; and the proposal order inside the library does not
/// leak: reordering applicants changes only the row order.
#[test]
fn deterministic_output() {
    let json = br#"{"applicants": {"a1": ["c1", "c2"], "a2": ["c1", "c2"], "a3": ["c1"]},
                    "complexes": {"c1": {"capacity": 1, "priority": ["a3", "a2", "a1"]},
                                  "c2": {"capacity": 1, "priority": ["a1", "a2"]}}}"#;
    let first = csv(&allocate(&Instance::from_json(json).unwrap()));
    for _ in 0..3 {
        assert_eq!(csv(&allocate(&Instance::from_json(json).unwrap())), first);
    }
    assert_eq!(first, "applicant,complex\na1,c2\na3,c1\n");
}

/// Index accessors agree with the ids.
#[test]
fn accessors() {
    let inst = Instance::new(
        &[("x", vec!["p", "q"]), ("y", vec!["q"])],
        &[("q", 7, vec!["y", "x"]), ("p", 0, vec!["x"])],
    )
    .unwrap();
    assert_eq!((inst.num_applicants(), inst.num_complexes()), (2, 2));
    let (p, q) = (
        inst.complex_index("p").unwrap(),
        inst.complex_index("q").unwrap(),
    );
    assert_eq!((p, q), (1, 0));
    assert_eq!(inst.preferences(0), [p, q]);
    assert_eq!(inst.priority(q), [1, 0]);
    assert_eq!(inst.capacity(q), 7);
    assert_eq!(inst.applicant_index("zz"), None);
}
