//! Population functions: totals against an independent statement of talents.md,
//! per-row output, error line numbers across blocks, reforms, the sandbox comparison,
//! and a pack edited as text (nothing is hard-coded).

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

mod common;
use common::*;
use yingcai_rules::person::Housing;
use yingcai_rules::*;

fn reference_summary(
    rules: &Rules,
    persons: &[yingcai_rules::person::Person],
    m: &str,
) -> (i64, i64, i64, i64) {
    let m = month(m);
    let (mut a, mut b, mut rent, mut buy) = (0, 0, 0, 0);
    for p in persons {
        match rules.card(p) {
            Some("A") => a += 1,
            Some(_) => b += 1,
            None => {}
        }
        let (r, x) = rules.amounts(p, m);
        rent += r;
        buy += x;
    }
    (a, b, rent, buy)
}

#[test]
fn evaluate_matches_the_rules_and_serialises_as_specified() {
    let pack = default_pack();
    let persons = population(7, 5000);
    let csv = to_csv(&pack, &persons);
    for m in ["2019-06", "2024-03", "2026-11"] {
        let s = evaluate_population::<_, Vec<u8>>(&pack, csv.as_bytes(), month(m), None).unwrap();
        let (a, b, rent, buy) = reference_summary(&Rules::default(), &persons, m);
        assert!(rent > 0 && buy > 0, "population exercises both benefits");
        assert_eq!(s.talents, 5000);
        assert_eq!((s.cards["A"], s.cards["B"]), (a, b));
        assert_eq!(s.totals_fen["rent_allowance"], rent, "{m}");
        assert_eq!(s.totals_fen["purchase_allowance"], buy, "{m}");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"month":"{m}","talents":5000,"cards":{{"A":{a},"B":{b}}},"totals_fen":{{"purchase_allowance":{buy},"rent_allowance":{rent}}}}}"#
            )
        );
    }
}

#[test]
fn row_output_is_in_file_order() {
    let pack = default_pack();
    let persons = population(3, 200_000); // > 2 blocks of 4 MiB
    let csv = to_csv(&pack, &persons);
    let mut out = Vec::new();
    let s = evaluate_population_with(&pack, csv.as_bytes(), month("2024-03"), Some(&mut out), 2)
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,card,rent_allowance,purchase_allowance")
    );
    let mut rent = 0;
    for (p, line) in persons.iter().zip(lines.by_ref()) {
        let d = evaluate(&pack, p, month("2024-03"));
        let want = format!(
            "{},{},{},{}",
            p.id,
            d.card.unwrap_or_default(),
            d.benefits[0].amount_fen,
            d.benefits[1].amount_fen
        );
        assert_eq!(line, want);
        rent += d.benefits[0].amount_fen;
    }
    assert_eq!(lines.next(), None);
    assert_eq!(s.totals_fen["rent_allowance"], rent);
}

#[test]
fn results_do_not_depend_on_threads() {
    let pack = default_pack();
    let csv = to_csv(&pack, &population(11, 150_000));
    let one = forecast_population_with(&pack, csv.as_bytes(), month("2024-01"), 60, 1).unwrap();
    let three = forecast_population_with(&pack, csv.as_bytes(), month("2024-01"), 60, 3).unwrap();
    assert_eq!(one, three);
    let e1 =
        evaluate_population_with::<_, Vec<u8>>(&pack, csv.as_bytes(), month("2024-01"), None, 1)
            .unwrap();
    let e3 =
        evaluate_population_with::<_, Vec<u8>>(&pack, csv.as_bytes(), month("2024-01"), None, 3)
            .unwrap();
    assert_eq!(e1, e3);
}

#[test]
fn first_error_is_reported_with_its_line_and_column_across_blocks() {
    let pack = default_pack();
    let persons = population(5, 120_000);
    let csv = to_csv(&pack, &persons);
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    lines[100_000 - 1] = lines[100_000 - 1]
        .replace(",true,", ",yes,")
        .replace(",false,", ",yes,");
    lines[110_000 - 1] = lines[110_000 - 1].replacen(",", ",1999-02-30-,", 1);
    let bad = lines.join("\n") + "\n";
    for threads in [1, 2, 4] {
        let err = evaluate_population_with::<_, Vec<u8>>(
            &pack,
            bad.as_bytes(),
            month("2024-01"),
            None,
            threads,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 100000, column employed_in_city: `yes` is not true or false",
            "threads={threads}"
        );
    }
    let err = forecast_population(&pack, bad.as_bytes(), month("2024-01"), 12).unwrap_err();
    assert!(matches!(
        err,
        PopulationError::Field {
            line: 100000,
            column: "employed_in_city",
            ..
        }
    ));
}

#[test]
fn header_and_edge_cases() {
    let pack = default_pack();
    let err =
        evaluate_population::<_, Vec<u8>>(&pack, &b"id,birth\n1,2\n"[..], month("2024-01"), None)
            .unwrap_err();
    assert!(matches!(err, PopulationError::Header { .. }), "{err}");
    let empty = format!("{}\n", HEADER);
    let s =
        evaluate_population::<_, Vec<u8>>(&pack, empty.as_bytes(), month("2024-01"), None).unwrap();
    assert_eq!(s.talents, 0);
    // no final newline, CRLF line ends
    let crlf = format!(
        "{HEADER}\r\n1,1982-07-09,bachelor,,2023-09-08,true,rent,,50\r\n2,2001-10-26,master,,2024-06-28,true,owns,2024-03-12,43"
    );
    let s =
        evaluate_population::<_, Vec<u8>>(&pack, crlf.as_bytes(), month("2024-06"), None).unwrap();
    assert_eq!(s.talents, 2);
    assert_eq!(s.totals_fen["rent_allowance"], 100000);
    assert!(forecast_population(&pack, crlf.as_bytes(), month("2024-06"), 0).is_err());
    // Dates outside 1900..=2200 are refused with their row, like any other bad date.
    for far in ["0999-01-01", "1899-12-31", "2201-01-01", "9999-12-31"] {
        let csv = format!("{HEADER}\n1,{far},bachelor,,2023-09-08,true,rent,,50\n");
        let err = evaluate_population::<_, Vec<u8>>(&pack, csv.as_bytes(), month("2024-06"), None)
            .unwrap_err();
        assert!(err.to_string().contains("1900-01-01"), "{far}: {err}");
    }
    // A forecast may run past the calendar's last month: the engine counts months, it
    // does not need to name them.
    let s = forecast_population(&pack, crlf.as_bytes(), month("2200-06"), 120).unwrap();
    assert_eq!(s.months, 120);
}

#[test]
fn an_edited_pack_changes_the_totals_accordingly() {
    let persons = population(9, 20_000);
    let base = default_pack();
    let csv = to_csv(&base, &persons);
    // Edit an amount (PhD rent 3,000 -> 4,000 yuan) and a condition (talent apartments
    // also qualify) in a copy of the pack text.
    let edited_src = DEFAULT_PACK
        .replacen("amounts = { phd = 3000,", "amounts = { phd = 4000,", 1)
        .replacen(
            "when = \"housing in ['none', 'rent']\"",
            "when = \"housing in ['none', 'rent', 'talent_apartment']\"",
            1,
        );
    assert_ne!(edited_src, DEFAULT_PACK);
    let edited = CompiledPack::load("edited.toml", &edited_src).unwrap();
    let rules = Rules {
        rent: [0, 1000, 1500, 4000],
        rent_housing: vec![Housing::None, Housing::Rent, Housing::TalentApartment],
        ..Rules::default()
    };
    for m in ["2022-01", "2026-11"] {
        let got =
            evaluate_population::<_, Vec<u8>>(&edited, csv.as_bytes(), month(m), None).unwrap();
        let before =
            evaluate_population::<_, Vec<u8>>(&base, csv.as_bytes(), month(m), None).unwrap();
        let (_, _, rent, buy) = reference_summary(&rules, &persons, m);
        assert_eq!(got.totals_fen["rent_allowance"], rent);
        assert_eq!(got.totals_fen["purchase_allowance"], buy);
        assert!(got.totals_fen["rent_allowance"] > before.totals_fen["rent_allowance"]);
    }
    // The forecast follows too.
    let f = forecast_population(&edited, csv.as_bytes(), month("2024-01"), 24).unwrap();
    let want: Vec<i64> = (0..24)
        .map(|i| {
            persons
                .iter()
                .map(|p| rules.amounts(p, month("2024-01").plus(i).unwrap()).0)
                .sum()
        })
        .collect();
    assert_eq!(f.monthly_fen, want);
}

#[test]
fn reform_summaries_from_one_pass() {
    let base = default_pack();
    let reform = CompiledPack::load("reform.toml", REFORM_PACK).unwrap();
    let persons = population(13, 30_000);
    let csv = to_csv(&base, &persons);
    let r =
        forecast_population_reform(&base, &reform, csv.as_bytes(), month("2026-12"), 60).unwrap();
    assert_eq!(
        r.baseline,
        forecast_population(&base, csv.as_bytes(), month("2026-12"), 60).unwrap()
    );
    assert_eq!(
        r.reform,
        forecast_population(&reform, csv.as_bytes(), month("2026-12"), 60).unwrap()
    );
    assert_eq!(
        r.difference.total_fen,
        r.reform.total_fen - r.baseline.total_fen
    );
    assert!(r.difference.total_fen > 0);
    let e = evaluate_population_reform(&base, &reform, csv.as_bytes(), month("2027-02")).unwrap();
    assert_eq!(
        e.difference.totals_fen["rent_allowance"],
        e.reform.totals_fen["rent_allowance"] - e.baseline.totals_fen["rent_allowance"]
    );
    assert_eq!(e.difference.talents, 0);

    // Sandbox comparison on the same talents.
    let c = compare_population(
        &base,
        &reform,
        &persons,
        month("2026-12"),
        60,
        CostScope::MonthlyOnly,
    )
    .unwrap();
    assert_eq!(c.baseline_monthly_fen, r.baseline.monthly_fen);
    assert_eq!(c.reform_monthly_fen, r.reform.monthly_fen);
    assert_eq!(c.difference_total_fen, r.difference.total_fen);
    // Nobody loses under this reform (longer window, higher PhD amount); gainers are
    // exactly the talents whose forecast rises.
    let per_person = |pack: &CompiledPack, p: &yingcai_rules::person::Person| -> i64 {
        (0..60)
            .map(|i| evaluate(pack, p, month("2026-12").plus(i).unwrap()).benefits[0].amount_fen)
            .sum()
    };
    let gainers = persons
        .iter()
        .filter(|p| per_person(&reform, p) > per_person(&base, p))
        .count() as u64;
    assert_eq!(c.gainers, gainers);
    assert_eq!(c.losers, 0);
    assert!(c.changed >= c.gainers && c.gainers > 0);
    let json = serde_json::to_value(&c).unwrap();
    assert!(json["gainers"].is_u64());

    // The rule-by-rule diff names what changed.
    let d = compare_packs(&base, &reform);
    let paths: Vec<&str> = d.changes.iter().map(|c| c.path.as_str()).collect();
    assert!(paths.contains(&"benefits[rent_allowance].window"), "{d}");
    assert!(
        paths.contains(&"parameters[rent_allowance].values[2027-01-01]"),
        "{d}"
    );
    assert!(paths.contains(&"pack.version"));
    // Amounts read as yuan, as on every page.
    let raised = d
        .changes
        .iter()
        .find(|c| c.path == "parameters[rent_allowance].values[2027-01-01]")
        .and_then(|c| c.after.as_deref());
    assert_eq!(
        raised,
        Some("open; none=¥0.00, bachelor=¥1,000.00, master=¥1,500.00, phd=¥3,500.00"),
        "{d}"
    );
    assert!(compare_packs(&base, &base).changes.is_empty());
}

#[test]
fn incompatible_vocabularies_are_refused() {
    let base = default_pack();
    let other = CompiledPack::load(
        "o.toml",
        &DEFAULT_PACK.replacen(
            "\"provincial_leading\"]",
            "\"provincial_leading\", \"city_expert\"]",
            1,
        ),
    )
    .unwrap();
    let csv = format!("{HEADER}\n");
    assert!(matches!(
        forecast_population_reform(&base, &other, csv.as_bytes(), month("2024-01"), 12),
        Err(PopulationError::Incompatible(_))
    ));
}
