use yingcai_chart::{ChartText, MAX_X_LABELS, Series, bar_chart, line_chart, nice_ticks};
use yingcai_domain::Fen;

/// Tick labels in yuan, as the pages draw them.
fn yuan(fen: i64) -> String {
    Fen(fen).yuan_grouped()
}

fn wan_yuan(fen: i64) -> String {
    Fen(fen).wan_yuan()
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";

fn months(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let m = 11 + i; // starts at 2026-12
            format!("{}-{:02}", 2026 + m / 12, m % 12 + 1)
        })
        .collect()
}

fn text<'a>(title: &'a str) -> ChartText<'a> {
    ChartText {
        title,
        description: "",
        x_label: "月份",
        y_label: "元",
    }
}

/// Parses the SVG and checks the CSP/accessibility invariants every chart must hold.
fn check(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.tag_name().namespace(), Some(SVG_NS));
    assert_eq!(root.attribute("viewBox"), Some("0 0 720 320"));
    assert_eq!(root.attribute("role"), Some("img"));
    let title_id = root.attribute("aria-labelledby").expect("aria-labelledby");
    let desc_id = root
        .attribute("aria-describedby")
        .expect("aria-describedby");
    let first: Vec<_> = root.children().filter(|n| n.is_element()).take(2).collect();
    assert_eq!(first[0].tag_name().name(), "title");
    assert_eq!(first[0].attribute("id"), Some(title_id));
    assert_eq!(first[1].tag_name().name(), "desc");
    assert_eq!(first[1].attribute("id"), Some(desc_id));
    assert!(
        !first[1].text().unwrap_or("").trim().is_empty(),
        "desc is never empty"
    );
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert_ne!(name, "style", "no <style> element");
        assert_ne!(name, "script");
        assert_ne!(name, "foreignObject");
        for a in node.attributes() {
            assert_ne!(a.name(), "style", "no style attribute on <{name}>");
            assert!(!a.name().starts_with("on"), "no event handler attributes");
            assert_ne!(a.name(), "href", "no external references");
        }
    }
    // Belt and braces on the raw text too.
    assert!(!svg.contains("style="));
    assert!(!svg.contains("<style"));
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    doc
}

fn texts<'a>(doc: &'a roxmltree::Document) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.has_tag_name((SVG_NS, "text")))
        .map(|n| n.text().unwrap_or("").trim())
        .collect()
}

fn sample_line() -> String {
    let m = months(24);
    let base: Vec<i64> = (0..24).map(|i| 1_000_000 + i * 25_000).collect();
    let draft: Vec<i64> = (0..24).map(|i| 1_100_000 + i * 40_000).collect();
    let diff: Vec<i64> = draft.iter().zip(&base).map(|(d, b)| d - b).collect();
    line_chart(
        &text("每月政策成本"),
        &m,
        &[
            Series {
                label: "Baseline/现行",
                values: &base,
            },
            Series {
                label: "Draft/草案",
                values: &draft,
            },
            Series {
                label: "Difference",
                values: &diff,
            },
        ],
        &yuan,
    )
}

#[test]
fn line_chart_is_well_formed_and_csp_safe() {
    let svg = sample_line();
    let doc = check(&svg);
    let t = texts(&doc);
    assert!(t.contains(&"每月政策成本"));
    assert!(t.contains(&"Baseline/现行") && t.contains(&"Draft/草案") && t.contains(&"Difference"));
    assert!(t.contains(&"2026-12"));
    assert!(t.contains(&"月份") && t.contains(&"元"));
}

#[test]
fn bar_chart_is_well_formed_with_chinese_labels() {
    let cats: Vec<String> = ["博士", "硕士", "本科"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let svg = bar_chart(
        &ChartText {
            title: "按学历",
            description: "各学历补贴总额",
            x_label: "学历",
            y_label: "万元",
        },
        &cats,
        &[
            Series {
                label: "现行",
                values: &[50_000_000, 30_000_000, 10_000_000],
            },
            Series {
                label: "草案",
                values: &[60_000_000, 25_000_000, 12_000_000],
            },
        ],
        &wan_yuan,
    );
    let doc = check(&svg);
    let t = texts(&doc);
    for l in [
        "博士",
        "硕士",
        "本科",
        "现行",
        "草案",
        "按学历",
        "60.00万元",
        "0.00万元",
    ] {
        assert!(t.contains(&l), "missing {l} in {t:?}");
    }
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name((SVG_NS, "desc")))
        .and_then(|n| n.text());
    assert_eq!(desc, Some("各学历补贴总额"));
    // 3 categories x 2 series: at least 6 bar rectangles beyond background/legend.
    let rects = doc
        .descendants()
        .filter(|n| n.has_tag_name((SVG_NS, "rect")))
        .count();
    assert!(rects > 6, "{rects} rects (background + bars)");
}

#[test]
fn all_text_is_escaped() {
    let nasty = "<b>&amp; \"q\" 'a' 博士 </svg>";
    let cats = vec![nasty.to_string(), "x&y".to_string()];
    let ct = ChartText {
        title: nasty,
        description: nasty,
        x_label: nasty,
        y_label: nasty,
    };
    let series = [Series {
        label: nasty,
        values: &[1, 2],
    }];
    let weird_fmt = |v: i64| format!("<{v}&\"'>");
    for svg in [
        line_chart(&ct, &cats, &series, &weird_fmt),
        bar_chart(&ct, &cats, &series, &weird_fmt),
    ] {
        let doc = check(&svg);
        // The parsed text equals the input: escaped once, not twice, not raw.
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name((SVG_NS, "title")))
            .and_then(|n| n.text());
        assert_eq!(title, Some(nasty));
        let t = texts(&doc);
        assert!(t.iter().filter(|s| **s == nasty).count() >= 3, "{t:?}"); // title, legend, axis captions
        assert!(t.contains(&"x&y"));
        assert!(t.contains(&"<0&\"'>"));
        assert!(!svg.contains("<b>") && !svg.contains("&amp;amp;amp;"));
        assert_eq!(
            doc.root_element()
                .children()
                .filter(|n| n.has_tag_name((SVG_NS, "svg")))
                .count(),
            0
        );
    }
}

#[test]
fn control_characters_do_not_break_xml() {
    let t = "a\u{0}b\u{1b}c\u{FFFF}";
    let svg = line_chart(
        &ChartText {
            title: t,
            description: t,
            x_label: t,
            y_label: t,
        },
        &[t],
        &[Series {
            label: t,
            values: &[5],
        }],
        &|_| t.to_string(),
    );
    check(&svg);
}

#[test]
fn nice_ticks_use_1_2_5_steps_and_cover_data() {
    let cases: &[(i64, i64)] = &[
        (0, 1),
        (0, 7),
        (0, 93),
        (3, 97),
        (-30, 70),
        (-1, -1),
        (-12_345, 0),
        (1_000_000, 1_550_000),
        (-987_654_321, 123_456_789),
        (0, 1_234_567_890_123),
        (i64::MIN, i64::MAX),
        (i64::MIN, 0),
        (0, i64::MAX),
        (42, 42),
    ];
    for &(lo, hi) in cases {
        let ticks = nice_ticks(lo, hi);
        assert!(
            ticks.len() >= 2 && ticks.len() <= 8,
            "{lo}..{hi}: {ticks:?}"
        );
        assert!(ticks.contains(&0), "{lo}..{hi}: zero in {ticks:?}");
        assert!(
            ticks[0] <= lo.min(0) && *ticks.last().unwrap() >= hi.max(0),
            "{lo}..{hi}: {ticks:?}"
        );
        if lo > i64::MIN / 2 && hi < i64::MAX / 2 {
            let step = ticks[1] - ticks[0];
            assert!(
                ticks.windows(2).all(|w| w[1] - w[0] == step),
                "even: {ticks:?}"
            );
            let mut s = step;
            while s % 10 == 0 {
                s /= 10;
            }
            assert!([1, 2, 5].contains(&s), "1-2-5 step {step} in {ticks:?}");
            assert!(
                ticks.iter().all(|t| t % step == 0),
                "ticks on step multiples: {ticks:?}"
            );
        } else {
            assert!(
                ticks.windows(2).all(|w| w[0] < w[1]),
                "strictly increasing: {ticks:?}"
            );
        }
    }
    assert_eq!(nice_ticks(0, 93), vec![0, 20, 40, 60, 80, 100]);
    assert_eq!(nice_ticks(0, 1), vec![0, 1]);
    assert_eq!(nice_ticks(0, 0), vec![0]);
    assert_eq!(nice_ticks(70, -30), nice_ticks(-30, 70));
}

#[test]
fn y_axis_labels_come_from_nice_ticks_and_formatter() {
    let values = [0_i64, 123_456, 987_654];
    let svg = line_chart(
        &text("t"),
        &months(3),
        &[Series {
            label: "s",
            values: &values,
        }],
        &yuan,
    );
    let doc = check(&svg);
    let t = texts(&doc);
    for tick in nice_ticks(0, 987_654) {
        assert!(
            t.contains(&yuan(tick).as_str()),
            "tick {tick} missing in {t:?}"
        );
    }
    assert!(t.contains(&"¥10,000.00")); // 1,000,000 fen
}

#[test]
fn negative_values_get_zero_line_and_negative_ticks() {
    let diff = [-50_000_i64, -20_000, 10_000, 30_000];
    let svg = line_chart(
        &text("差额"),
        &months(4),
        &[Series {
            label: "差额",
            values: &diff,
        }],
        &yuan,
    );
    let doc = check(&svg);
    let t = texts(&doc);
    // Ticks every 200 yuan from -600 (below the -500 minimum) up to 400.
    assert!(t.contains(&"-¥600.00") && t.contains(&"¥400.00"), "{t:?}");
    assert!(t.contains(&"¥0.00"));
    // The zero line is drawn in its own colour across the plot.
    assert!(svg.contains("stroke=\"#333333\""));

    let bars = bar_chart(
        &text("neg"),
        &["a", "b"],
        &[Series {
            label: "s",
            values: &[-300, 200],
        }],
        &yuan,
    );
    check(&bars);
}

#[test]
fn empty_and_all_zero_inputs_render() {
    let empty: &[&str] = &[];
    for svg in [
        line_chart(&text("empty"), empty, &[], &yuan),
        bar_chart(&text("empty"), empty, &[], &yuan),
        line_chart(
            &text("no values"),
            empty,
            &[Series {
                label: "a",
                values: &[],
            }],
            &yuan,
        ),
        line_chart(
            &text("zeros"),
            &months(12),
            &[Series {
                label: "a",
                values: &[0; 12],
            }],
            &yuan,
        ),
        bar_chart(
            &text("zeros"),
            &["博士"],
            &[Series {
                label: "a",
                values: &[0],
            }],
            &yuan,
        ),
        line_chart(
            &text("one"),
            &months(1),
            &[Series {
                label: "a",
                values: &[7],
            }],
            &yuan,
        ),
        bar_chart(&ChartText::default(), empty, &[], &yuan),
    ] {
        let doc = check(&svg);
        assert!(texts(&doc).contains(&"¥0.00"), "the zero tick is labelled");
    }
    let no_desc = line_chart(&text("t"), empty, &[], &yuan);
    assert!(no_desc.contains("no data"));
}

#[test]
fn extreme_values_do_not_panic() {
    let svg = line_chart(
        &text("extreme"),
        &months(3),
        &[Series {
            label: "a",
            values: &[i64::MIN, 0, i64::MAX],
        }],
        &yuan,
    );
    check(&svg);
    let svg = bar_chart(
        &text("extreme"),
        &["a", "b"],
        &[Series {
            label: "a",
            values: &[i64::MIN, i64::MAX],
        }],
        &wan_yuan,
    );
    check(&svg);
}

#[test]
fn many_points_thin_x_labels() {
    let m = months(120);
    let values: Vec<i64> = (0..120).map(|i| i * 1_000).collect();
    let svg = line_chart(
        &text("120"),
        &m,
        &[Series {
            label: "a",
            values: &values,
        }],
        &yuan,
    );
    let doc = check(&svg);
    let t = texts(&doc);
    let shown: Vec<&str> = t
        .iter()
        .copied()
        .filter(|s| m.iter().any(|x| x == s))
        .collect();
    assert!(shown.len() <= MAX_X_LABELS && shown.len() >= 6, "{shown:?}");
    assert_eq!(shown[0], "2026-12");
    let idx: Vec<usize> = shown
        .iter()
        .map(|l| m.iter().position(|x| x == l).unwrap())
        .collect();
    let step = idx[1] - idx[0];
    assert!(step >= 10, "at most 12 of 120: step {step}");
    assert!(
        idx.windows(2).all(|w| w[1] - w[0] == step),
        "evenly spaced: {shown:?}"
    );

    // Few points: every label shown.
    let svg = line_chart(
        &text("6"),
        &m[..6],
        &[Series {
            label: "a",
            values: &values[..6],
        }],
        &yuan,
    );
    let doc = check(&svg);
    let t = texts(&doc);
    assert!(m[..6].iter().all(|x| t.contains(&x.as_str())));

    // Many bar categories are thinned the same way.
    let cats: Vec<String> = (0..40).map(|i| format!("类别{i}")).collect();
    let vals: Vec<i64> = (0..40).collect();
    let svg = bar_chart(
        &text("40"),
        &cats,
        &[Series {
            label: "a",
            values: &vals,
        }],
        &yuan,
    );
    let doc = check(&svg);
    let n = texts(&doc).iter().filter(|s| s.starts_with("类别")).count();
    assert!((1..=MAX_X_LABELS).contains(&n), "{n}");
}

#[test]
fn series_are_distinguishable_without_colour() {
    let svg = sample_line();
    // Solid line: one long polyline; dashed/dotted lines: many short pieces.
    let doc = check(&svg);
    let colours = ["#0072B2", "#D55E00", "#009E73"];
    let pieces: Vec<usize> = colours
        .iter()
        .map(|c| {
            doc.descendants()
                .filter(|n| {
                    n.has_tag_name((SVG_NS, "polyline")) && n.attribute("stroke") == Some(*c)
                })
                .count()
        })
        .collect();
    assert!(pieces[0] < 5, "solid baseline: {pieces:?}");
    assert!(
        pieces[1] > 10 && pieces[2] > 10,
        "dashed/dotted: {pieces:?}"
    );
    assert_ne!(pieces[1], pieces[2], "different dash patterns: {pieces:?}");
    // Distinct markers: circles for the first series, polygons (triangles) for the second,
    // squares (filled rects) for the third.
    let has = |tag: &str, c: &str| {
        doc.descendants()
            .any(|n| n.has_tag_name((SVG_NS, tag)) && n.attribute("fill") == Some(c))
    };
    assert!(has("circle", colours[0]));
    assert!(has("polygon", colours[1]) && !has("circle", colours[1]));
    assert!(has("rect", colours[2]) && !has("polygon", colours[2]));
}

#[test]
fn output_is_deterministic_and_ids_differ_between_charts() {
    assert_eq!(sample_line(), sample_line());
    let a = bar_chart(
        &text("a"),
        &["x"],
        &[Series {
            label: "s",
            values: &[1],
        }],
        &yuan,
    );
    let b = bar_chart(
        &text("b"),
        &["x"],
        &[Series {
            label: "s",
            values: &[1],
        }],
        &yuan,
    );
    let id = |s: &str| {
        let doc = roxmltree::Document::parse(s).unwrap();
        doc.root_element()
            .attribute("aria-labelledby")
            .unwrap()
            .to_string()
    };
    assert_ne!(id(&a), id(&b));
    assert_eq!(
        id(&a),
        id(&bar_chart(
            &text("a"),
            &["x"],
            &[Series {
                label: "s",
                values: &[1]
            }],
            &yuan
        ))
    );
}
