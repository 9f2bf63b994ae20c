//! Server-side SVG charts for yingcai pages that run under a strict
//! Content-Security-Policy (`default-src 'self'; style-src 'self'`).
//!
//! Two charts are offered:
//!
//! * [`line_chart`] — e.g. the monthly cost of a policy sandbox, one point per
//!   month, two or three series ("现行" / "草案" / "差额").
//! * [`bar_chart`] — simple or grouped bars, e.g. totals per category ("博士").
//!
//! Values are `i64` (the platform uses integer fen, 1 yuan = 100 fen); the
//! caller decides how a tick value reads through a `y_format` function (for
//! money, one of `yingcai_domain::Fen`'s forms, e.g. `Fen::yuan_grouped`).
//!
//! # What the output guarantees
//!
//! * A complete `<svg xmlns=… viewBox="0 0 720 320" width="100%" role="img"
//!   aria-labelledby=… aria-describedby=…>` with `<title>` and `<desc>` first.
//! * **No `style` attribute and no `<style>` element** — only presentation
//!   attributes (`fill`, `stroke`, `font-size`, …), which `style-src 'self'`
//!   does not block. No scripts, no external references, no fonts embedded:
//!   text is plain `<text font-family="sans-serif">`, so the *browser* picks the
//!   font (Chinese included); nothing is needed at build or run time.
//! * Every piece of caller text is XML-escaped.
//! * "Nice" y ticks in 1-2-5 steps ([`nice_ticks`]) that always include zero
//!   and cover the data; a zero line is drawn, so negative values (a
//!   difference series) read correctly. Empty and all-zero data never divide by
//!   zero.
//! * At most [`MAX_X_LABELS`] x labels, evenly spaced (fewer if they are wide):
//!   120 months labelled `"2026-12"` style show every 12th month.
//! * Each series has a distinct colour (Okabe–Ito, colour-blind safe) **and** a
//!   distinct non-colour cue: dash pattern + marker shape for lines, solid /
//!   striped / hollow fill for bars; the legend shows the same cues.
//! * Deterministic: the same input gives the same bytes (element ids are a hash
//!   of the input, not random).
//!
//! # Crate choice
//!
//! The charts are drawn with [`plotters`] 0.3 using **only** its `svg_backend`
//! feature (`default-features = false`). This was checked before choosing it:
//!
//! * Without the `ttf`/`ab_glyph` features plotters still renders all text: its
//!   SVG backend writes `<text>` elements and lays them out with a built-in
//!   width estimate, so there is no font file, no `font-kit`, no fontconfig.
//!   Chinese titles and labels come out as text and are escaped
//!   (`&lt; &amp; &quot; &apos;`).
//! * plotters-svg writes presentation attributes only (`fill`, `stroke`,
//!   `stroke-width`, `opacity`, `font-family`, `font-size`, `transform`); it
//!   never writes `style=`. The tests check this on every chart.
//! * What plotters lacks is added here: its `<svg>` start tag has no
//!   `role`/`aria-*`/`<title>`/`<desc>` and a fixed pixel size, so this crate
//!   replaces that one tag (whose content is only numbers) with its own; and
//!   since plotters has no `stroke-dasharray`, dashes come from its
//!   `DashedPathElement` (short path pieces) and bar stripes are drawn as lines.
//!
//! # Example
//!
//! ```
//! use yingcai_chart::{line_chart, ChartText, Series};
//! use yingcai_domain::Fen;
//!
//! let months: Vec<String> = (1..=12).map(|m| format!("2027-{m:02}")).collect();
//! let baseline: Vec<i64> = (0..12).map(|i| 1_000_000 + i * 10_000).collect();
//! let draft: Vec<i64> = (0..12).map(|i| 1_050_000 + i * 15_000).collect();
//! let text = ChartText {
//!     title: "每月政策成本",
//!     description: "现行与草案的每月成本（元）",
//!     x_label: "月份",
//!     y_label: "元",
//! };
//! let svg = line_chart(
//!     &text,
//!     &months,
//!     &[
//!         Series { label: "现行", values: &baseline },
//!         Series { label: "草案", values: &draft },
//!     ],
//!     &|fen| Fen(fen).yuan_grouped(),
//! );
//! assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
//! assert!(svg.contains("<title id="));
//! assert!(!svg.contains("style"));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use plotters::coord::combinators::{BindKeyPoints, WithKeyPoints};
use plotters::coord::types::RangedCoordi64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width of the chart in viewBox units.
pub const WIDTH: u32 = 720;
/// Height of the chart in viewBox units.
pub const HEIGHT: u32 = 320;
/// x units per bar-chart category (integer coordinates, so bars can be placed
/// inside a category without fractions).
const SLOT: i64 = 1000;
/// Most x-axis labels shown; with more points only every k-th is labelled.
pub const MAX_X_LABELS: usize = 12;

/// One data series: a legend label and its values (e.g. fen per month).
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// Shown in the legend, e.g. `"现行"`.
    pub label: &'a str,
    /// One value per x position / category. A shorter series simply stops.
    pub values: &'a [i64],
}

/// The words of a chart. All of them are XML-escaped on output.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChartText<'a> {
    /// Drawn above the chart and used as the SVG `<title>` (accessible name).
    pub title: &'a str,
    /// The SVG `<desc>`; when empty a summary (kind, series names, point
    /// count) is written instead.
    pub description: &'a str,
    /// Caption under the x axis (omitted when empty).
    pub x_label: &'a str,
    /// Caption beside the y axis, e.g. `"元"` (omitted when empty).
    pub y_label: &'a str,
}

/// "Nice" axis ticks for data spanning `min..=max`: evenly spaced multiples of
/// a 1-2-5 step (1, 2, 5, 10, 20, 50, …), about five intervals, always
/// including zero, with the first tick ≤ `min(min, 0)` and the last ≥
/// `max(max, 0)`. When all data is zero the result is just `[0]`.
///
/// ```
/// assert_eq!(yingcai_chart::nice_ticks(0, 93), vec![0, 20, 40, 60, 80, 100]);
/// assert_eq!(yingcai_chart::nice_ticks(-30, 70), vec![-40, -20, 0, 20, 40, 60, 80]);
/// ```
pub fn nice_ticks(min: i64, max: i64) -> Vec<i64> {
    let (min, max) = if min <= max { (min, max) } else { (max, min) };
    let lo = i128::from(min.min(0));
    let hi = i128::from(max.max(0));
    if lo == hi {
        return vec![0];
    }
    let span = hi - lo;
    let raw = (span + 4) / 5; // ceil(span / 5) ≥ 1
    let mut magnitude: i128 = 1;
    while magnitude * 10 <= raw {
        magnitude *= 10;
    }
    let step = [1, 2, 5, 10]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10 * magnitude);
    let first = lo.div_euclid(step) * step;
    let last = -((-hi).div_euclid(step) * step);
    let mut ticks: Vec<i64> = Vec::new();
    let mut t = first;
    while t <= last {
        let clamped = t.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
        // Cannot fail after the clamp; `unwrap_or` keeps clippy and panics away.
        let v = i64::try_from(clamped).unwrap_or(0);
        if ticks.last() != Some(&v) {
            ticks.push(v);
        }
        t += step;
    }
    ticks
}

/// Indices to label when `n` positions are shown and at most `max_labels`
/// labels fit: every k-th index starting at 0, with the smallest such k.
fn thinned_indices(n: usize, max_labels: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let max_labels = max_labels.max(1);
    let step = n.div_ceil(max_labels).max(1);
    (0..n).step_by(step).collect()
}

/// Rough rendered width of `text` at `font_px`: CJK / full-width characters
/// are about 1 em, others about 0.6 em. Used only for layout.
fn text_width(text: &str, font_px: f64) -> f64 {
    text.chars()
        .map(|c| if is_wide(c) { 1.0 } else { 0.6 })
        .sum::<f64>()
        * font_px
}

fn is_wide(c: char) -> bool {
    let c = c as u32;
    (0x1100..=0x115F).contains(&c)
        || (0x2E80..=0xA4CF).contains(&c)
        || (0xAC00..=0xD7A3).contains(&c)
        || (0xF900..=0xFAFF).contains(&c)
        || (0xFE30..=0xFE4F).contains(&c)
        || (0xFF00..=0xFF60).contains(&c)
        || (0xFFE0..=0xFFE6).contains(&c)
        || (0x20000..=0x3FFFD).contains(&c)
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters that XML 1.0 forbids would make the page invalid.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            '\u{FFFE}' | '\u{FFFF}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Removes characters XML 1.0 forbids; plotters escapes the rest itself.
fn xml_clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{FFFE}' | '\u{FFFF}')
            {
                ' '
            } else {
                c
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Styling
// ---------------------------------------------------------------------------

/// Okabe–Ito palette (colour-blind safe), strongest contrasts first.
const PALETTE: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
];
/// Dash (length, gap) per series; `None` = solid.
const DASHES: [Option<(u32, u32)>; 6] = [
    None,
    Some((9, 4)),
    Some((2, 3)),
    Some((14, 4)),
    Some((5, 2)),
    Some((1, 5)),
];
const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
const ZERO: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// plotters' SVG backend writes `font-size = size / 1.24`; these give round
/// numbers there (16, 12, 11 units).
const TITLE_FONT: f64 = 16.0 * 1.24;
const BODY_FONT: f64 = 12.0 * 1.24;
const TICK_FONT: f64 = 11.0 * 1.24;
const FONT_FAMILY: &str = "sans-serif";

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Triangle,
    Square,
    Cross,
    HollowCircle,
    Diamond,
}

const MARKERS: [Marker; 6] = [
    Marker::Circle,
    Marker::Triangle,
    Marker::Square,
    Marker::Cross,
    Marker::HollowCircle,
    Marker::Diamond,
];

type Res<T> = Result<T, DrawingAreaErrorKind<std::io::Error>>;
type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<WithKeyPoints<RangedCoordi64>, WithKeyPoints<RangedCoordi64>>,
>;

/// Draws marker `m` centred on pixel `(x, y)` of `area` (pixel coordinates).
fn draw_marker(area: &Area, m: Marker, (x, y): (i32, i32), c: RGBColor) -> Res<()> {
    let r = 4;
    match m {
        Marker::Circle => area.draw(&Circle::new((x, y), r, c.filled())),
        Marker::HollowCircle => area.draw(&Circle::new((x, y), r, c.stroke_width(2))),
        Marker::Triangle => area.draw(&Polygon::new(
            vec![(x, y - r - 1), (x - r - 1, y + r), (x + r + 1, y + r)],
            c.filled(),
        )),
        Marker::Square => area.draw(&Rectangle::new(
            [(x - r + 1, y - r + 1), (x + r - 1, y + r - 1)],
            c.filled(),
        )),
        Marker::Diamond => area.draw(&Polygon::new(
            vec![
                (x, y - r - 1),
                (x + r + 1, y),
                (x, y + r + 1),
                (x - r - 1, y),
            ],
            c.filled(),
        )),
        Marker::Cross => {
            area.draw(&PathElement::new(
                vec![(x - r, y - r), (x + r, y + r)],
                c.stroke_width(2),
            ))?;
            area.draw(&PathElement::new(
                vec![(x - r, y + r), (x + r, y - r)],
                c.stroke_width(2),
            ))
        }
    }
}

/// Draws a polyline in pixel coordinates with series `i`'s dash pattern.
fn draw_line(area: &Area, i: usize, points: Vec<(i32, i32)>) -> Res<()> {
    let style = colour(i).stroke_width(2);
    match DASHES[i % DASHES.len()] {
        None => area.draw(&PathElement::new(points, style)),
        Some((dash, gap)) => area.draw(&DashedPathElement::new(
            points,
            dash as i32,
            gap as i32,
            style,
        )),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum BarFill {
    Solid,
    Striped,
    Hollow,
}

fn bar_fill(i: usize) -> BarFill {
    match i % 3 {
        0 => BarFill::Solid,
        1 => BarFill::Striped,
        _ => BarFill::Hollow,
    }
}

/// Draws a bar (pixel rectangle, any corner order) in series `i`'s style.
fn draw_bar(area: &Area, i: usize, a: (i32, i32), b: (i32, i32)) -> Res<()> {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    let c = colour(i);
    match bar_fill(i) {
        BarFill::Solid => area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled())),
        BarFill::Hollow => {
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], WHITE.filled()))?;
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.stroke_width(2)))
        }
        BarFill::Striped => {
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], WHITE.filled()))?;
            let mut y = y1 - 2;
            while y > y0 + 1 {
                area.draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(1)))?;
                y -= 4;
            }
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.stroke_width(2)))
        }
    }
}

// ---------------------------------------------------------------------------
// Frame: title, legend, axes
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Line,
    Bar,
}

/// Legend entries laid out in rows under the title; returns the y where the
/// plot may start.
fn draw_title_and_legend(root: &Area, text: &ChartText, series: &[Series], kind: Kind) -> Res<i32> {
    let w = WIDTH as i32;
    let title = xml_clean(text.title);
    let mut y = 8;
    if !title.trim().is_empty() {
        let style = TextStyle::from((FONT_FAMILY, TITLE_FONT).into_font().style(FontStyle::Bold))
            .color(&TEXT)
            .pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(title, (w / 2, y), style))?;
        y += 24;
    }
    if series.is_empty() {
        return Ok(y + 4);
    }
    let font_px = BODY_FONT / 1.24;
    let label_style = TextStyle::from((FONT_FAMILY, BODY_FONT).into_font())
        .color(&TEXT)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let sample_w = if kind == Kind::Line { 28 } else { 14 };
    let row_h = 18;
    // Lay out first so the rows can be centred.
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut row_w = 0;
    let max_w = w - 40;
    for (i, s) in series.iter().enumerate() {
        let item_w = sample_w + 6 + text_width(&xml_clean(s.label), font_px).ceil() as i32;
        let gap = if row_w == 0 { 0 } else { 20 };
        if row_w > 0 && row_w + gap + item_w > max_w {
            rows.push(Vec::new());
            row_w = 0;
        }
        let gap = if row_w == 0 { 0 } else { 20 };
        if let Some(row) = rows.last_mut() {
            row.push((i, row_w + gap));
        }
        row_w += gap + item_w;
    }
    for row in &rows {
        let total = row
            .last()
            .map(|&(i, x)| {
                x + sample_w + 6 + text_width(&xml_clean(series[i].label), font_px).ceil() as i32
            })
            .unwrap_or(0);
        let left = (w - total) / 2;
        let cy = y + row_h / 2;
        for &(i, dx) in row {
            let x = left + dx;
            match kind {
                Kind::Line => {
                    draw_line(root, i, vec![(x, cy), (x + sample_w, cy)])?;
                    draw_marker(
                        root,
                        MARKERS[i % MARKERS.len()],
                        (x + sample_w / 2, cy),
                        colour(i),
                    )?;
                }
                Kind::Bar => draw_bar(root, i, (x, cy - 6), (x + sample_w, cy + 6))?,
            }
            root.draw(&Text::new(
                xml_clean(series[i].label),
                (x + sample_w + 6, cy),
                label_style.clone(),
            ))?;
        }
        y += row_h;
    }
    Ok(y + 6)
}

struct Axes<'f> {
    /// x data range.
    x_range: (i64, i64),
    /// x positions that get a label, with the label.
    x_ticks: Vec<(i64, String)>,
    y_ticks: Vec<i64>,
    y_format: &'f dyn Fn(i64) -> String,
}

/// Builds the cartesian chart below `top`, draws grid, labels and zero line.
fn build_chart<'a, 'b>(
    root: &'a Area<'b>,
    top: i32,
    text: &ChartText,
    axes: &Axes,
) -> Res<Chart<'a, 'b>> {
    let (_, lower) = root.split_vertically(top);
    let tick_px = TICK_FONT / 1.24;
    let y_labels: Vec<String> = axes
        .y_ticks
        .iter()
        .map(|v| xml_clean(&(axes.y_format)(*v)))
        .collect();
    let widest = y_labels
        .iter()
        .map(|l| text_width(l, tick_px))
        .fold(0.0_f64, f64::max);
    let y_desc = xml_clean(text.y_label);
    let x_desc = xml_clean(text.x_label);
    let y_area = widest.ceil() as i32 + 12 + if y_desc.trim().is_empty() { 0 } else { 22 };
    let x_area = 22 + if x_desc.trim().is_empty() { 0 } else { 20 };

    let y_lo = axes.y_ticks.first().copied().unwrap_or(0);
    let y_hi = match axes.y_ticks.last().copied() {
        Some(v) if v > y_lo => v,
        _ => y_lo.saturating_add(1),
    };
    let x_keys: Vec<i64> = axes.x_ticks.iter().map(|(x, _)| *x).collect();

    let mut chart = ChartBuilder::on(&lower)
        .margin_left(8)
        .margin_right(28)
        .margin_top(4)
        .margin_bottom(4)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            (axes.x_range.0..axes.x_range.1).with_key_points(x_keys),
            (y_lo..y_hi).with_key_points(axes.y_ticks.clone()),
        )?;

    let x_fmt = |v: &i64| -> String {
        axes.x_ticks
            .iter()
            .find(|(x, _)| x == v)
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    };
    let y_fmt = |v: &i64| -> String {
        axes.y_ticks
            .iter()
            .position(|t| t == v)
            .and_then(|p| y_labels.get(p).cloned())
            .unwrap_or_default()
    };
    let label_style = TextStyle::from((FONT_FAMILY, TICK_FONT).into_font()).color(&MUTED);
    let desc_style = TextStyle::from((FONT_FAMILY, BODY_FONT).into_font()).color(&TEXT);
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(MUTED.stroke_width(1))
        .label_style(label_style)
        .axis_desc_style(desc_style)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt);
    if !x_desc.trim().is_empty() {
        mesh.x_desc(x_desc);
    }
    if !y_desc.trim().is_empty() {
        mesh.y_desc(y_desc);
    }
    mesh.draw()?;

    // Zero line: the baseline for bars, and the visible 0 for negatives.
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(axes.x_range.0, 0), (axes.x_range.1, 0)],
        ZERO.stroke_width(1),
    )))?;
    Ok(chart)
}

// ---------------------------------------------------------------------------
// Public charts
// ---------------------------------------------------------------------------

/// Renders a line chart: one line per series over the positions labelled by
/// `x_labels` (e.g. months `"2026-12"`, `"2027-01"`, … up to 120 or more).
///
/// The number of positions is the longer of `x_labels` and the longest
/// series; missing labels are blank and a shorter series stops early.
/// Markers sit on every point when there are at most 24, otherwise on the
/// labelled positions only. `y_format` turns a tick value (same unit as the
/// data, e.g. fen) into its label, e.g. `Fen::yuan_grouped` of
/// `yingcai_domain`.
pub fn line_chart<L: AsRef<str>>(
    text: &ChartText,
    x_labels: &[L],
    series: &[Series],
    y_format: &dyn Fn(i64) -> String,
) -> String {
    let n = series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0)
        .max(x_labels.len());
    let x_range = if n <= 1 { (-1, 1) } else { (0, n as i64 - 1) };
    let labels: Vec<String> = (0..n)
        .map(|i| {
            x_labels
                .get(i)
                .map(|l| xml_clean(l.as_ref()))
                .unwrap_or_default()
        })
        .collect();
    let max_labels = fit_labels(&labels, 600.0);
    let shown = thinned_indices(n, max_labels);
    let axes = Axes {
        x_range,
        x_ticks: shown
            .iter()
            .map(|&i| (i as i64, labels[i].clone()))
            .collect(),
        y_ticks: data_ticks(series),
        y_format,
    };
    let summary = format!(
        "Line chart, {} series over {} points: {}.",
        series.len(),
        n,
        series_names(series)
    );
    render(
        text,
        series,
        Kind::Line,
        &axes,
        &summary,
        x_labels,
        |root, chart| {
            for (i, s) in series.iter().enumerate() {
                let pts: Vec<(i32, i32)> = s
                    .values
                    .iter()
                    .enumerate()
                    .map(|(x, v)| chart.backend_coord(&(x as i64, *v)))
                    .collect();
                if pts.len() >= 2 {
                    draw_line(root, i, pts.clone())?;
                }
                let marker = MARKERS[i % MARKERS.len()];
                for (x, p) in pts.iter().enumerate() {
                    if n <= 24 || shown.binary_search(&x).is_ok() {
                        draw_marker(root, marker, *p, colour(i))?;
                    }
                }
            }
            Ok(())
        },
    )
}

/// Renders a bar chart: one group per category, one bar per series in each
/// group (a single series gives a simple bar chart). Bars grow from the zero
/// line, so negative values point down. `y_format` labels the y ticks.
pub fn bar_chart<L: AsRef<str>>(
    text: &ChartText,
    categories: &[L],
    series: &[Series],
    y_format: &dyn Fn(i64) -> String,
) -> String {
    let n = series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0)
        .max(categories.len());
    let labels: Vec<String> = (0..n)
        .map(|i| {
            categories
                .get(i)
                .map(|l| xml_clean(l.as_ref()))
                .unwrap_or_default()
        })
        .collect();
    let shown = thinned_indices(n, fit_labels(&labels, 600.0));
    let axes = Axes {
        x_range: (0, n.max(1) as i64 * SLOT),
        x_ticks: shown
            .iter()
            .map(|&i| (i as i64 * SLOT + SLOT / 2, labels[i].clone()))
            .collect(),
        y_ticks: data_ticks(series),
        y_format,
    };
    let summary = format!(
        "Bar chart, {} series over {} categories: {}.",
        series.len(),
        n,
        series_names(series)
    );
    let m = series.len().max(1) as i64;
    render(
        text,
        series,
        Kind::Bar,
        &axes,
        &summary,
        categories,
        |root, chart| {
            // Each category is a slot of SLOT x units; the group fills 76% of it.
            let group = SLOT * 76 / 100;
            let bar_w = group / m;
            for (i, s) in series.iter().enumerate() {
                for (c, v) in s.values.iter().enumerate() {
                    let x0 = c as i64 * SLOT + (SLOT - group) / 2 + i as i64 * bar_w;
                    let a = chart.backend_coord(&(x0, 0));
                    let b = chart.backend_coord(&(x0 + bar_w, *v));
                    // Keep a 1-unit gap between neighbouring bars of a group.
                    let b = (b.0 - 1, b.1);
                    if a.1 != b.1 {
                        draw_bar(root, i, a, b)?;
                    }
                }
            }
            Ok(())
        },
    )
}

/// How many labels of these widths fit side by side in `width` units.
fn fit_labels(labels: &[String], width: f64) -> usize {
    let widest = labels
        .iter()
        .map(|l| text_width(l, TICK_FONT / 1.24))
        .fold(0.0_f64, f64::max);
    let fit = (width / (widest + 10.0)).floor() as usize;
    fit.clamp(1, MAX_X_LABELS)
}

fn data_ticks(series: &[Series]) -> Vec<i64> {
    let all = series.iter().flat_map(|s| s.values.iter().copied());
    let min = all.clone().min().unwrap_or(0);
    let max = all.max().unwrap_or(0);
    nice_ticks(min, max)
}

fn series_names(series: &[Series]) -> String {
    if series.is_empty() {
        return "no data".to_owned();
    }
    series
        .iter()
        .map(|s| s.label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// FNV-1a over everything drawn, so ids are stable yet differ between charts.
fn chart_id<L: AsRef<str>>(
    kind: Kind,
    text: &ChartText,
    labels: &[L],
    series: &[Series],
) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    };
    eat(if kind == Kind::Line { b"line" } else { b"bar" });
    for t in [text.title, text.description, text.x_label, text.y_label] {
        eat(t.as_bytes());
    }
    for l in labels {
        eat(l.as_ref().as_bytes());
    }
    for s in series {
        eat(s.label.as_bytes());
        for v in s.values {
            eat(&v.to_le_bytes());
        }
    }
    format!("ycc-{h:016x}")
}

fn render<L, F>(
    text: &ChartText,
    series: &[Series],
    kind: Kind,
    axes: &Axes,
    summary: &str,
    labels: &[L],
    draw: F,
) -> String
where
    L: AsRef<str>,
    F: FnOnce(&Area, &Chart) -> Res<()>,
{
    let id = chart_id(kind, text, labels, series);
    let desc = if text.description.trim().is_empty() {
        summary
    } else {
        text.description
    };
    let header = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title\" \
         aria-describedby=\"{id}-desc\">\n<title id=\"{id}-title\">{}</title>\n\
         <desc id=\"{id}-desc\">{}</desc>\n",
        xml_escape(text.title),
        xml_escape(desc)
    );
    let mut body = String::new();
    let drawn: Res<()> = (|| {
        let root = SVGBackend::with_string(&mut body, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        let top = draw_title_and_legend(&root, text, series, kind)?;
        let chart = build_chart(&root, top, text, axes)?;
        draw(&root, &chart)?;
        root.present()?;
        Ok(())
    })();
    // plotters starts with its own `<svg width=… height=… viewBox=… xmlns=…>`
    // (numbers only); swap it for the accessible, scalable one above.
    match (
        drawn,
        body.find("<svg")
            .and_then(|s| body[s..].find('>').map(|e| s + e + 1)),
    ) {
        (Ok(()), Some(end)) => {
            let rest = body[end..].trim_start_matches('\n');
            format!("{header}{rest}")
        }
        // Not expected (writing to a String cannot fail); still return a
        // valid, accessible SVG rather than panic inside a page render.
        _ => format!(
            "{header}<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-family=\"{FONT_FAMILY}\" \
             font-size=\"12\" fill=\"#222222\">chart unavailable</text>\n</svg>\n",
            WIDTH / 2,
            HEIGHT / 2
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_120_months_shows_12() {
        let idx = thinned_indices(120, MAX_X_LABELS);
        assert_eq!(idx.len(), 12);
        assert_eq!(idx[0], 0);
        assert_eq!(idx[1], 10);
        assert!(thinned_indices(0, 12).is_empty());
        assert_eq!(thinned_indices(5, 12), vec![0, 1, 2, 3, 4]);
        assert_eq!(thinned_indices(13, 12), vec![0, 2, 4, 6, 8, 10, 12]);
        assert_eq!(thinned_indices(3, 0), vec![0]);
    }

    #[test]
    fn text_width_counts_cjk_wider() {
        assert!(text_width("博士", 10.0) > text_width("ab", 10.0));
        assert_eq!(text_width("", 10.0), 0.0);
    }

    #[test]
    fn escape_covers_markup_and_control_chars() {
        assert_eq!(
            xml_escape("<a & 'b' \"c\">"),
            "&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;"
        );
        assert_eq!(xml_escape("a\u{1}b"), "a b");
        assert_eq!(xml_clean("a\u{0}b\tc"), "a b\tc");
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let t = ChartText {
            title: "x",
            ..Default::default()
        };
        let s = [Series {
            label: "a",
            values: &[1, 2],
        }];
        let a = chart_id(Kind::Line, &t, &["m"], &s);
        assert_eq!(a, chart_id(Kind::Line, &t, &["m"], &s));
        assert_ne!(a, chart_id(Kind::Bar, &t, &["m"], &s));
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
