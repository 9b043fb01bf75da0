//! Figures of a view for slides and papers: a list of shapes (boxes, lines,
//! text, embedded images) in page pixels, written as SVG with real text, so
//! the numbers stay selectable and searchable. The shapes are read from the
//! view as drawn (effects/capture.rs); this part is plain Rust, tested
//! natively.

use std::fmt::Write;

use crate::conv::decimal;

/// One mark of a figure, in CSS pixels from the figure's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A filled box (a cell's or a panel's background).
    Fill { x: f64, y: f64, w: f64, h: f64, colour: String },
    /// A box outline of `width`, drawn inside the box (outlines, inset marks).
    Outline { x: f64, y: f64, w: f64, h: f64, colour: String, width: f64, dashed: bool },
    /// One side of a border.
    Line { x1: f64, y1: f64, x2: f64, y2: f64, colour: String, width: f64, dashed: bool },
    /// A line of text; `y` is its baseline.
    Text { x: f64, y: f64, text: String, colour: String, size: f64, weight: u16, family: String, strike: bool },
    /// A raster image (a heatmap's canvas), as a data URL.
    Image { x: f64, y: f64, w: f64, h: f64, href: String },
}

/// A figure: its size and its shapes, in drawing order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figure {
    pub width: f64,
    pub height: f64,
    /// The page's background behind everything.
    pub background: String,
    pub shapes: Vec<Shape>,
}

/// What a figure shows of the page's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Colours {
    /// The page's theme, as on screen.
    #[default]
    AsShown,
    Light,
    Dark,
}

impl Colours {
    /// The theme's name in the stylesheet (`data-colours`); none: as shown.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Colours::AsShown => None,
            Colours::Light => Some("light"),
            Colours::Dark => Some("dark"),
        }
    }

    /// The figure bar's menu value back to colours (anything else: as shown).
    pub fn from_name(name: &str) -> Colours {
        match name {
            "light" => Colours::Light,
            "dark" => Colours::Dark,
            _ => Colours::AsShown,
        }
    }
}

/// Whether a computed colour draws nothing (empty, `transparent`, alpha 0).
pub fn transparent(colour: &str) -> bool {
    // Only an alpha of 0: `rgb(0, 0, 0)` (black) also ends in ", 0)".
    let alpha_zero = colour
        .trim()
        .strip_prefix("rgba(")
        .and_then(|rest| rest.strip_suffix(')'))
        .is_some_and(|rest| rest.rsplit(',').next().is_some_and(|a| matches!(a.trim(), "0" | "0.0" | "0%")));
    colour.is_empty() || colour == "transparent" || alpha_zero
}

/// The first inset box-shadow of a computed `box-shadow`: `(colour, spread)`
/// (the browser writes it `rgb(..) 0px 0px 0px 2px inset`).
pub fn inset_shadow(shadow: &str) -> Option<(String, f64)> {
    if !shadow.contains("inset") {
        return None;
    }
    let first = shadow.split("inset").next()?;
    let colour_end = first.find(')')? + 1;
    let colour = first[..colour_end].trim().to_string();
    let lengths: Vec<f64> =
        first[colour_end..].split_whitespace().filter_map(|l| l.trim_end_matches("px").parse().ok()).collect();
    let spread = *lengths.get(3)?;
    (spread > 0.0).then_some((colour, spread))
}

/// `text` without the page's interactive hints, which mean nothing on a
/// slide: a caption's "(hover a cell for its sum)" or "(click a cell to step
/// there)" goes, the rest stays.
pub fn without_hints(text: &str) -> String {
    let mut out = text.to_string();
    for verb in ["hover", "click", "point"] {
        while let Some(start) = out.find(&format!(" ({verb} ")) {
            let Some(len) = out[start..].find(')') else { break };
            out.replace_range(start..=start + len, "");
        }
    }
    out
}

/// Text for XML: `&`, `<`, `>` and quotes escaped.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A length, short: rounded to two decimals, written shortest (with the
/// app's own formatter: core's float formatting would add its tables to the wasm).
fn n(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 { "0".into() } else { decimal::display(r) }
}

impl Figure {
    /// The figure as a standalone SVG document.
    pub fn to_svg(&self) -> String {
        let (w, h) = (n(self.width), n(self.height));
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n\
             <rect width=\"100%\" height=\"100%\" fill=\"{}\"/>\n",
            escape(&self.background)
        );
        for shape in &self.shapes {
            let dash = |d: bool| if d { " stroke-dasharray=\"4 3\"" } else { "" };
            let _ = match shape {
                Shape::Fill { x, y, w, h, colour } => writeln!(
                    s,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    n(*x),
                    n(*y),
                    n(*w),
                    n(*h),
                    escape(colour)
                ),
                Shape::Outline { x, y, w, h, colour, width, dashed } => writeln!(
                    s,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
                    n(x + width / 2.0),
                    n(y + width / 2.0),
                    n((w - width).max(0.0)),
                    n((h - width).max(0.0)),
                    escape(colour),
                    n(*width),
                    dash(*dashed)
                ),
                Shape::Line { x1, y1, x2, y2, colour, width, dashed } => writeln!(
                    s,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
                    n(*x1),
                    n(*y1),
                    n(*x2),
                    n(*y2),
                    escape(colour),
                    n(*width),
                    dash(*dashed)
                ),
                Shape::Text { x, y, text, colour, size, weight, family, strike } => writeln!(
                    s,
                    "<text x=\"{}\" y=\"{}\" fill=\"{}\" font-size=\"{}\" font-weight=\"{weight}\" font-family=\"{}\"{} xml:space=\"preserve\">{}</text>",
                    n(*x),
                    n(*y),
                    escape(colour),
                    n(*size),
                    escape(family),
                    if *strike { " text-decoration=\"line-through\"" } else { "" },
                    escape(text)
                ),
                Shape::Image { x, y, w, h, href } => writeln!(
                    s,
                    "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" href=\"{}\" style=\"image-rendering: pixelated\"/>",
                    n(*x),
                    n(*y),
                    n(*w),
                    n(*h),
                    escape(href)
                ),
            };
        }
        s += "</svg>\n";
        s
    }
}

/// An animated GIF written frame by frame, so a long walk never holds all
/// its frames at once: every frame has the size of the first, and each is
/// shown for `delay_ms`, looping.
pub struct GifWriter {
    encoder: gif::Encoder<Vec<u8>>,
    width: u16,
    height: u16,
    delay: u16,
    /// The last frame's RGBA pixels, when it was kept exactly: the next
    /// frame then writes only the box that changed.
    previous: Option<Vec<u8>>,
}

impl GifWriter {
    /// `None` if the size is larger than a GIF allows.
    pub fn new(width: u32, height: u32, delay_ms: u16) -> Option<GifWriter> {
        let (width, height) = (u16::try_from(width).ok()?, u16::try_from(height).ok()?);
        let mut encoder = gif::Encoder::new(Vec::new(), width, height, &[]).ok()?;
        encoder.set_repeat(gif::Repeat::Infinite).ok()?;
        Some(GifWriter { encoder, width, height, delay: delay_ms / 10, previous: None }) // centiseconds
    }

    /// Adds one frame of RGBA `pixels` (quantised in place); `None` if they are
    /// not the writer's size. A frame of at most 256 opaque colours (a figure
    /// of flat boxes) keeps them exactly, in a palette of its own, and after
    /// such a frame only the box that changed is written; any other frame is
    /// quantised whole.
    pub fn add(&mut self, pixels: &mut [u8]) -> Option<()> {
        let (w, h) = (usize::from(self.width), usize::from(self.height));
        if pixels.len() != w * h * 4 {
            return None;
        }
        let [top, left, bottom, right] = match &self.previous {
            Some(previous) => changed_box(previous, pixels, w).unwrap_or([0, 0, 1, 1]),
            None => [0, 0, h, w],
        };
        let mut cropped = Vec::with_capacity((bottom - top) * (right - left) * 4);
        for row in top..bottom {
            cropped.extend_from_slice(&pixels[(row * w + left) * 4..(row * w + right) * 4]);
        }
        let (bw, bh) = (u16::try_from(right - left).ok()?, u16::try_from(bottom - top).ok()?);
        let mut frame = match exact_palette(&cropped) {
            Some((palette, indices)) => {
                let mut frame = gif::Frame::from_palette_pixels(bw, bh, indices, palette, None);
                (frame.left, frame.top) = (u16::try_from(left).ok()?, u16::try_from(top).ok()?);
                frame.dispose = gif::DisposalMethod::Keep;
                self.previous = Some(pixels.to_vec());
                frame
            }
            // Speed 10: NeuQuant's usual trade of colour fidelity for time.
            None => {
                self.previous = None;
                gif::Frame::from_rgba_speed(self.width, self.height, pixels, 10)
            }
        };
        frame.delay = self.delay;
        self.encoder.write_frame(&frame).ok()
    }

    /// The file.
    pub fn finish(self) -> Option<Vec<u8>> {
        self.encoder.into_inner().ok()
    }
}

/// `[top, left, bottom, right]` (ends excluded) of the pixels that differ
/// between two RGBA frames `width` wide; `None` if none does.
fn changed_box(before: &[u8], after: &[u8], width: usize) -> Option<[usize; 4]> {
    let mut found: Option<[usize; 4]> = None;
    for (k, (a, b)) in before.chunks_exact(4).zip(after.chunks_exact(4)).enumerate() {
        if a != b {
            let (row, col) = (k / width, k % width);
            let [t, l, bt, r] = found.get_or_insert([row, col, row + 1, col + 1]);
            (*t, *l, *bt, *r) = ((*t).min(row), (*l).min(col), (*bt).max(row + 1), (*r).max(col + 1));
        }
    }
    found
}

/// The palette (RGB triples) and each pixel's index in it, when the RGBA
/// `pixels` are opaque and hold at most 256 colours.
fn exact_palette(pixels: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut colours: Vec<[u8; 3]> = Vec::new();
    let mut indices = Vec::with_capacity(pixels.len() / 4);
    for px in pixels.chunks_exact(4) {
        if px[3] != 255 {
            return None;
        }
        let rgb = [px[0], px[1], px[2]];
        let k = match colours.iter().position(|c| *c == rgb) {
            Some(k) => k,
            None if colours.len() < 256 => {
                colours.push(rgb);
                colours.len() - 1
            }
            None => return None,
        };
        indices.push(k as u8);
    }
    Some((colours.concat(), indices))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gif_has_one_frame_per_step_with_its_delay() {
        let frame = |v: u8| (0..4 * 3).flat_map(|i| [v, i as u8 * 20, 255 - v, 255]).collect::<Vec<u8>>();
        let mut writer = GifWriter::new(4, 3, 600).expect("a GIF's size");
        for v in [0, 120, 240] {
            writer.add(&mut frame(v)).expect("a frame of the writer's size");
        }
        assert_eq!(writer.add(&mut [0; 12]), None, "pixels that do not fit the size");
        let bytes = writer.finish().expect("encodes");
        assert_eq!(&bytes[..6], b"GIF89a");
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(bytes.as_slice()).expect("decodes");
        let mut delays = Vec::new();
        while let Some(f) = decoder.read_next_frame().expect("a frame") {
            delays.push((f.width, f.height, f.delay));
        }
        assert_eq!(delays, [(4, 3, 60); 3]);
        // Few opaque colours: kept exactly.
        let mut writer = GifWriter::new(4, 3, 600).expect("a GIF's size");
        let flat = frame(120);
        writer.add(&mut flat.clone()).expect("a frame");
        let mut second = flat.clone();
        second[4 * 5..4 * 5 + 3].copy_from_slice(&[1, 2, 3]); // pixel (1, 1)
        writer.add(&mut second.clone()).expect("a frame");
        let bytes = writer.finish().expect("encodes");
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(bytes.as_slice()).expect("decodes");
        let first = decoder.read_next_frame().expect("a frame").expect("one frame");
        assert_eq!(first.buffer.as_ref(), flat.as_slice(), "the colours kept exactly");
        let next = decoder.read_next_frame().expect("a frame").expect("two frames");
        assert_eq!((next.left, next.top, next.width, next.height), (1, 1, 1, 1), "only the box that changed");
        assert_eq!(next.buffer.as_ref(), [1, 2, 3, 255]);
        assert!(GifWriter::new(70_000, 1, 100).is_none(), "larger than a GIF allows");
    }

    #[test]
    fn hints_are_left_out_of_figures() {
        assert_eq!(without_hints("final output (hover a cell for its sum)"), "final output");
        assert_eq!(without_hints("input x (click a cell to step there) of 2"), "input x of 2");
        assert_eq!(without_hints("y = 1 + (2*3)"), "y = 1 + (2*3)", "no hint: unchanged");
    }

    #[test]
    fn svg_holds_escaped_text_and_every_shape() {
        let figure = Figure {
            width: 120.5,
            height: 40.0,
            background: "rgb(255, 255, 255)".into(),
            shapes: vec![
                Shape::Fill { x: 0.0, y: 0.0, w: 10.0, h: 10.0, colour: "rgb(220, 235, 250)".into() },
                Shape::Outline { x: 0.0, y: 0.0, w: 10.0, h: 10.0, colour: "red".into(), width: 2.0, dashed: true },
                Shape::Line { x1: 0.0, y1: 0.0, x2: 10.0, y2: 0.0, colour: "blue".into(), width: 1.0, dashed: false },
                Shape::Text {
                    x: 1.0,
                    y: 8.25,
                    text: "y[0,0] = x<1> & \"w\"".into(),
                    colour: "black".into(),
                    size: 15.0,
                    weight: 700,
                    family: "monospace".into(),
                    strike: false,
                },
                Shape::Image { x: 0.0, y: 20.0, w: 10.0, h: 10.0, href: "data:image/png;base64,AAAA".into() },
            ],
        };
        let svg = figure.to_svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120.5\" height=\"40\""));
        assert!(svg.contains(">y[0,0] = x&lt;1&gt; &amp; &quot;w&quot;</text>"), "{svg}");
        assert!(svg.contains("stroke-dasharray=\"4 3\""));
        assert!(svg.contains("<rect x=\"1\" y=\"1\" width=\"8\" height=\"8\" fill=\"none\" stroke=\"red\""));
        assert_eq!(svg.matches("<text").count(), 1);
        assert!(svg.trim_end().ends_with("</svg>"));
    }
    #[test]
    fn computed_styles_read_as_marks() {
        assert_eq!(inset_shadow("rgb(31, 95, 153) 0px 0px 0px 2px inset"), Some(("rgb(31, 95, 153)".into(), 2.0)));
        assert_eq!(inset_shadow("rgb(31, 95, 153) 0px 0px 0px 0px inset"), None, "no spread, no mark");
        assert_eq!(inset_shadow("rgba(0, 0, 0, 0.2) 0px 1px 2px 0px"), None, "an outer shadow");
        assert!(transparent("rgba(0, 0, 0, 0)") && transparent("transparent") && transparent(""));
        assert!(!transparent("rgb(0, 0, 0)") && !transparent("rgba(0, 0, 0, 0.5)"));
        for c in [Colours::AsShown, Colours::Light, Colours::Dark] {
            assert_eq!(Colours::from_name(c.name().unwrap_or("shown")), c);
        }
    }
}
