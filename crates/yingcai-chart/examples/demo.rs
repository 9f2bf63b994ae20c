//! Writes sample charts to `target/demo/*.svg` (and an HTML page) for a visual check.
use yingcai_chart::{ChartText, Series, bar_chart, line_chart};
use yingcai_domain::Fen;

fn main() -> std::io::Result<()> {
    let months: Vec<String> = (0..120)
        .map(|i| {
            let m = 11 + i; // 2026-12 first
            format!("{}-{:02}", 2026 + m / 12, m % 12 + 1)
        })
        .collect();
    let base: Vec<i64> = (0..120).map(|i| 80_000_000 + i * 300_000).collect();
    let draft: Vec<i64> = (0..120)
        .map(|i| 75_000_000 + i * 450_000 + (i % 12) * 200_000)
        .collect();
    let diff: Vec<i64> = draft.iter().zip(&base).map(|(d, b)| d - b).collect();
    let line = line_chart(
        &ChartText {
            title: "每月政策成本 <现行 & 草案>",
            description: "",
            x_label: "月份",
            y_label: "万元",
        },
        &months,
        &[
            Series {
                label: "现行",
                values: &base,
            },
            Series {
                label: "草案",
                values: &draft,
            },
            Series {
                label: "差额",
                values: &diff,
            },
        ],
        &|fen| Fen(fen).wan_yuan(),
    );
    let short = line_chart(
        &ChartText {
            title: "Short",
            description: "d",
            x_label: "Month",
            y_label: "Yuan",
        },
        &months[..6],
        &[
            Series {
                label: "Baseline",
                values: &base[..6],
            },
            Series {
                label: "Draft",
                values: &diff[..6],
            },
        ],
        &|fen| Fen(fen).yuan_grouped(),
    );
    let cats: Vec<String> = ["博士", "硕士", "本科", "高级技师", "其他"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let bars = bar_chart(
        &ChartText {
            title: "按学历统计",
            description: "",
            x_label: "学历",
            y_label: "元",
        },
        &cats,
        &[
            Series {
                label: "现行",
                values: &[12_000_000, 8_000_000, 3_000_000, 1_500_000, 200_000],
            },
            Series {
                label: "草案",
                values: &[15_000_000, 7_000_000, 3_500_000, -500_000, 0],
            },
            Series {
                label: "第三",
                values: &[5_000_000, 6_000_000, 4_500_000, 500_000, 100_000],
            },
        ],
        &|fen| Fen(fen).yuan_grouped(),
    );
    let empty = bar_chart(
        &ChartText {
            title: "Empty",
            ..Default::default()
        },
        &[] as &[&str],
        &[],
        &|fen| Fen(fen).yuan_grouped(),
    );
    std::fs::create_dir_all("target/demo")?;
    let mut html = String::from("<!doctype html><meta charset=utf-8><body>\n");
    for (name, svg) in [
        ("line", &line),
        ("short", &short),
        ("bars", &bars),
        ("empty", &empty),
    ] {
        std::fs::write(format!("target/demo/{name}.svg"), svg)?;
        html.push_str("<div>");
        html.push_str(svg);
        html.push_str("</div>\n");
    }
    std::fs::write("target/demo/index.html", html)?;
    Ok(())
}
