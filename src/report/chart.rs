//! The summary's chart: participation and the quiz best-answer rate by week, as a PNG sized
//! for Discord's embed preview (800 × 450, shown at about half that, so text is drawn large).
//! Weeks whose figure was not shown (fewer than k people) are gaps, never zeros. The font is
//! DejaVu Sans compiled into the binary: no system font is needed.

use std::sync::Once;

use chrono::NaiveDate;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// The chart's size in pixels (documented in docs/PRIVACY.md and the README).
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 450;

/// The most recent weeks a chart shows; older ones would crowd the axis.
const MAX_WEEKS: usize = 26;

const FONT: &str = "sans-serif";
const PARTICIPATION: RGBColor = RGBColor(0x3B, 0x5B, 0xDB);
const BEST_RATE: RGBColor = RGBColor(0xE0, 0x7A, 0x1F);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);

/// One week's point on the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartWeek {
    /// The first day of the week.
    pub from: NaiveDate,
    pub participation: Option<u8>,
    pub best_rate: Option<u8>,
}

#[derive(Debug, thiserror::Error)]
#[error("the chart could not be drawn: {0}")]
pub struct ChartError(String);

pub(super) fn register_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        for (style, bytes) in [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
        ] {
            if plotters::style::register_font(FONT, style, bytes).is_err() {
                tracing::error!("the embedded chart font could not be loaded");
            }
        }
    });
}

/// Draws the chart for `title` over `weeks` (oldest first) and encodes it as PNG.
pub fn render(title: &str, weeks: &[ChartWeek], k: u32) -> Result<Vec<u8>, ChartError> {
    register_fonts();
    let weeks = &weeks[weeks.len().saturating_sub(MAX_WEEKS)..];
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut pixels, title, weeks, k).map_err(|e| ChartError(e.to_string()))?;
    let mut png = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new(&mut png);
    image::ImageEncoder::write_image(encoder, &pixels, WIDTH, HEIGHT, image::ColorType::Rgb8)
        .map_err(|e| ChartError(e.to_string()))?;
    Ok(png)
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw(pixels: &mut [u8], title: &str, weeks: &[ChartWeek], k: u32) -> DrawResult {
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (plot_area, footer) = root.split_vertically(HEIGHT - 34);
    footer.draw(&Text::new(
        format!(
            "Weeks with a figure from fewer than {k} people are left blank (k = {k}). Rates are rounded to 5 %."
        ),
        (16, 8),
        (FONT, 15).into_font().color(&MUTED),
    ))?;
    let count = weeks.len().max(1);
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(
            title,
            (FONT, 24).into_font().style(FontStyle::Bold).color(&INK),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..(count as f64 - 0.5), 0f64..105f64)?;
    let label = |x: &f64| {
        let index = x.round();
        if (x - index).abs() > 0.01 || index < 0.0 {
            return String::new();
        }
        weeks
            .get(index as usize)
            .map(|w| w.from.format("%-d %b").to_string())
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_labels(count.min(9))
        .x_label_formatter(&label)
        .y_labels(6)
        .y_label_formatter(&|y| format!("{y:.0} %"))
        .x_desc("Week beginning")
        .y_desc("Share")
        .label_style((FONT, 16).into_font().color(&INK))
        .axis_desc_style((FONT, 17).into_font().color(&INK))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .draw()?;

    let mut shown_any = false;
    for (name, color, pick) in [
        (
            "Members who practised",
            PARTICIPATION,
            participation as fn(&ChartWeek) -> Option<u8>,
        ),
        (
            "Quiz answers that were the best answer",
            BEST_RATE,
            best_rate,
        ),
    ] {
        let points: Vec<(f64, f64)> = weeks
            .iter()
            .enumerate()
            .filter_map(|(i, w)| Some((i as f64, f64::from(pick(w)?))))
            .collect();
        shown_any |= !points.is_empty();
        // Lines join consecutive weeks only: a blank week stays a gap.
        for pair in points.windows(2).filter(|p| p[1].0 - p[0].0 < 1.5) {
            chart.draw_series(LineSeries::new(pair.iter().copied(), color.stroke_width(3)))?;
        }
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 5, color.filled())))?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font((FONT, 16).into_font().color(&INK))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.2))
        .draw()?;
    if !shown_any {
        plot_area.draw(&Text::new(
            format!("No figure to show yet: fewer than {k} people behind each"),
            (150, (HEIGHT / 2 - 40) as i32),
            (FONT, 20).into_font().color(&MUTED),
        ))?;
    }
    root.present()?;
    Ok(())
}

fn participation(week: &ChartWeek) -> Option<u8> {
    week.participation
}

fn best_rate(week: &ChartWeek) -> Option<u8> {
    week.best_rate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(day: u32, participation: Option<u8>, best_rate: Option<u8>) -> ChartWeek {
        ChartWeek {
            from: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            participation,
            best_rate,
        }
    }

    fn decode(png: &[u8]) -> image::RgbImage {
        image::load_from_memory_with_format(png, image::ImageFormat::Png)
            .unwrap()
            .to_rgb8()
    }

    fn pixels_of(image: &image::RgbImage, color: RGBColor) -> usize {
        image
            .pixels()
            .filter(|p| p.0 == [color.0, color.1, color.2])
            .count()
    }

    #[test]
    fn the_chart_is_a_png_of_the_documented_size_with_both_series() {
        let weeks = [
            week(2, Some(60), Some(70)),
            week(9, Some(75), None),
            week(16, Some(80), Some(85)),
        ];
        let image = decode(&render("Blue: practice by week", &weeks, 5).unwrap());
        assert_eq!((image.width(), image.height()), (WIDTH, HEIGHT));
        assert!(
            pixels_of(&image, PARTICIPATION) > 400,
            "participation drawn"
        );
        assert!(pixels_of(&image, BEST_RATE) > 300, "best-answer rate drawn");
        let dark = image
            .pixels()
            .filter(|p| p.0.iter().all(|c| *c < 100))
            .count();
        assert!(dark > 2000, "title, axes and labels drawn: {dark}");
    }

    #[test]
    fn suppressed_weeks_draw_no_point() {
        let hidden = [week(2, None, None), week(9, None, None)];
        let image = decode(&render("Blue: practice by week", &hidden, 5).unwrap());
        // Only the legend's swatch (18 × 10) may carry a series colour.
        assert!(pixels_of(&image, PARTICIPATION) <= 19 * 11);
        assert!(pixels_of(&image, BEST_RATE) <= 19 * 11);
    }
}
