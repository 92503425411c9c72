//! The certificate of completion as a PNG: the track's title, the name the person typed at
//! that moment, the date, the cohort, the organisation's server name and the verification
//! code. Nothing else about the person is on it. Drawn with plotters in the embedded DejaVu
//! font (see `chart.rs`), off the async workers by the caller.

use chrono::NaiveDate;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

/// The certificate's size in pixels (A4 landscape proportions).
pub const WIDTH: u32 = 1400;
pub const HEIGHT: u32 = 990;

const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// The border and rule colour; tests look for it.
pub const ACCENT: RGBColor = RGBColor(0x3B, 0x5B, 0xDB);
const PAPER: RGBColor = RGBColor(0xFB, 0xFA, 0xF6);

/// What a certificate shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateView<'a> {
    pub track_title: &'a str,
    pub name: &'a str,
    pub completed_on: NaiveDate,
    pub cohort: &'a str,
    /// The organisation's server name, when Discord told it.
    pub server: Option<&'a str>,
    /// The verification code, grouped (`K7QM-3XZ9-P2TA-H4WC`).
    pub code: &'a str,
}

#[derive(Debug, thiserror::Error)]
#[error("the certificate could not be drawn: {0}")]
pub struct CertificateError(String);

/// Draws the certificate and encodes it as PNG.
pub fn render(view: &CertificateView<'_>) -> Result<Vec<u8>, CertificateError> {
    super::chart::register_fonts();
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut pixels, view).map_err(|e| CertificateError(e.to_string()))?;
    let mut png = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new(&mut png);
    image::ImageEncoder::write_image(encoder, &pixels, WIDTH, HEIGHT, image::ColorType::Rgb8)
        .map_err(|e| CertificateError(e.to_string()))?;
    Ok(png)
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Centred text at height `y`, in the largest size up to `size` that fits the page's width.
fn centred(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    text: &str,
    y: i32,
    size: u32,
    style: FontStyle,
    colour: &RGBColor,
) -> DrawResult {
    let max_width = WIDTH - 260;
    let mut size = size;
    while size > 14 {
        let font = (FONT, size).into_font().style(style).color(colour);
        let (width, _) = area.estimate_text_size(text, &font)?;
        if width <= max_width {
            break;
        }
        size -= 2;
    }
    let font = (FONT, size)
        .into_font()
        .style(style)
        .color(colour)
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(text.to_owned(), ((WIDTH / 2) as i32, y), font))?;
    Ok(())
}

fn draw(pixels: &mut [u8], view: &CertificateView<'_>) -> DrawResult {
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&PAPER)?;
    let (w, h) = (WIDTH as i32, HEIGHT as i32);
    for (inset, stroke) in [(30, 6), (48, 2)] {
        root.draw(&Rectangle::new(
            [(inset, inset), (w - inset, h - inset)],
            ShapeStyle::from(&ACCENT).stroke_width(stroke),
        ))?;
    }
    let bold = FontStyle::Bold;
    let normal = FontStyle::Normal;
    centred(&root, "CERTIFICATE OF COMPLETION", 150, 44, bold, &ACCENT)?;
    centred(&root, "This certifies that", 260, 30, normal, &MUTED)?;
    centred(&root, view.name, 350, 64, bold, &INK)?;
    root.draw(&PathElement::new(
        vec![(w / 2 - 360, 405), (w / 2 + 360, 405)],
        ShapeStyle::from(&ACCENT).stroke_width(2),
    ))?;
    centred(&root, "has completed", 460, 30, normal, &MUTED)?;
    centred(&root, view.track_title, 540, 48, bold, &INK)?;
    let place = match view.server {
        Some(server) => format!("with the cohort {} · {server}", view.cohort),
        None => format!("with the cohort {}", view.cohort),
    };
    centred(&root, &place, 620, 30, normal, &INK)?;
    let date = view.completed_on.format("%-d %B %Y").to_string();
    centred(&root, &format!("on {date}"), 680, 30, normal, &INK)?;
    centred(
        &root,
        &format!("Verification code {}", view.code),
        820,
        30,
        bold,
        &INK,
    )?;
    centred(
        &root,
        "Check it with /certificate verify in Discord, or allybot verify CODE",
        870,
        22,
        normal,
        &MUTED,
    )?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view<'a>(name: &'a str, title: &'a str) -> CertificateView<'a> {
        CertificateView {
            track_title: title,
            name,
            completed_on: NaiveDate::from_ymd_opt(2026, 12, 18).unwrap(),
            cohort: "Blue",
            server: Some("Test Org"),
            code: "K7QM-3XZ9-P2TA-H4WC",
        }
    }

    #[test]
    fn a_certificate_is_a_png_of_its_size_with_text_and_border() {
        let png = render(&view(
            "Ada Lovelace",
            "Certified Allyship Accomplice Program",
        ))
        .unwrap();
        let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .unwrap()
            .to_rgb8();
        assert_eq!((image.width(), image.height()), (WIDTH, HEIGHT));
        let border = image.pixels().filter(|p| p.0 == [0x3B, 0x5B, 0xDB]).count();
        assert!(border > 10_000, "border drawn: {border}");
        let ink = image
            .pixels()
            .filter(|p| p.0.iter().all(|c| *c < 90))
            .count();
        assert!(ink > 5_000, "text drawn: {ink}");
    }

    #[test]
    fn a_very_long_name_still_draws() {
        let long = "Maximiliana Wolfeschlegelsteinhausenbergerdorff-Montgomery";
        assert!(render(&view(long, "A title")).is_ok());
    }
}
