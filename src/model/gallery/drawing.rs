//! A card's picture, drawn as the paper draws it: the grid the window slides
//! over (padding and inserted zeros white, the input blue), the window's taps
//! dark, and the output beside it with the step's cell marked. One step is
//! a [`Figure`] (written as SVG by its own writer); every step is a frame of
//! an animated GIF (the app's [`GifWriter`]), rasterised here from the same
//! figure: rectangles, and numbers in a small pixel font.
//!
//! The grid, the windows and the numbers all come from the core: the direct
//! convolution's padded input and steps, the transposed convolution's
//! zero-inserted form, the pooling layer's windows.

use ndarray::Array2;

use crate::conv::network::Layer;
use crate::conv::{ConvError, Forward, Op, ZeroInsertedConv};
use crate::model::figure::{Figure, GifWriter, Shape};
use crate::model::gallery::Card;

/// What one cell of the drawn grid is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// An input cell.
    Input,
    /// A zero: padding, or inserted between the transposed convolution's cells.
    Zero,
}

/// One step: the grid cells under the window, and the output cell computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub taps: Vec<[usize; 2]>,
    pub out: [usize; 2],
}

/// What a card's picture shows (channel 0 of the grid, filter 0's output).
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub grid: Array2<f64>,
    pub cells: Array2<Cell>,
    pub output: Array2<f64>,
    pub steps: Vec<Step>,
    /// Whether the numbers are written in the cells (the numerical figures and the cards beyond the paper).
    pub numbers: bool,
}

fn direct_scene(forward: &Forward, numbers: bool, extra_pad: Option<[[usize; 2]; 2]>) -> Scene {
    let (_, ph, pw) = forward.padded.values.dim();
    let grid = forward.padded.values.index_axis(ndarray::Axis(0), 0).to_owned();
    let cells = Array2::from_shape_fn((ph, pw), |(i, j)| {
        let outside = extra_pad
            .is_some_and(|[[top, bottom], [left, right]]| i < top || j < left || i + bottom >= ph || j + right >= pw);
        if forward.padded.is_padding([i, j]) || outside { Cell::Zero } else { Cell::Input }
    });
    let (_, oh, ow) = forward.output.dim();
    let steps = (0..oh * ow)
        .filter_map(|s| forward.step(s))
        .map(|step| Step {
            taps: step.terms.iter().filter(|t| t.channel == step.terms[0].channel).map(|t| t.padded_pos).collect(),
            out: [step.out_index[1], step.out_index[2]],
        })
        .collect();
    let output = forward.output.index_axis(ndarray::Axis(0), 0).to_owned();
    Scene { grid, cells, output, steps, numbers }
}

/// The card's picture data, from the core.
pub fn scene(card: &Card) -> Result<Scene, ConvError> {
    let problem = card.problem();
    let numbers = card.name.starts_with("numerical") || !card.from_paper;
    match card.document.stack.layers.as_slice() {
        [] if problem.op == Op::ConvTranspose2d => {
            let zero = ZeroInsertedConv::new(problem)?;
            let grid = zero.input.index_axis(ndarray::Axis(0), 0).to_owned();
            let cells = zero.sources.map(|s| if s.is_some() { Cell::Input } else { Cell::Zero });
            let mut inner = direct_scene(&zero.direct, numbers, None);
            inner.grid = grid;
            inner.cells = cells;
            Ok(inner)
        }
        [] => Ok(direct_scene(&Forward::new(problem)?, numbers, None)),
        [first, rest @ ..] => {
            let input = &problem.input;
            match (&first.layer, rest) {
                (Layer::Pool(pool), []) => {
                    let geometry = pool.geometry([input.dim().0, input.dim().1, input.dim().2])?;
                    let pooled = pool.apply(input)?;
                    let output = pooled.output.index_axis(ndarray::Axis(0), 0).to_owned();
                    let (oh, ow) = output.dim();
                    let steps = (0..oh * ow)
                        .map(|s| Step { taps: geometry.window([s / ow, s % ow]), out: [s / ow, s % ow] })
                        .collect();
                    let grid = input.index_axis(ndarray::Axis(0), 0).to_owned();
                    let cells = grid.map(|_| Cell::Input);
                    Ok(Scene { grid, cells, output, steps, numbers })
                }
                (Layer::Pad(pad), [conv]) => {
                    let Layer::Conv(conv) = &conv.layer else {
                        return Ok(direct_scene(&Forward::new(problem)?, numbers, None));
                    };
                    let padded = first.layer.apply(input)?.output;
                    let forward = Forward::new(&conv.problem(padded))?;
                    Ok(direct_scene(&forward, numbers, Some([pad.sides(0), pad.sides(1)])))
                }
                // Any other stack: the single operation's picture.
                _ => Ok(direct_scene(&Forward::new(problem)?, numbers, None)),
            }
        }
    }
}

/// Pixels of a cell, of the gap between the grid and the output, and of the margin.
const CELL: f64 = 28.0;
const GAP: f64 = 28.0;
const MARGIN: f64 = 8.0;
const FONT: f64 = 12.0;

const PAPER: &str = "#ffffff";
const INPUT: &str = "#8fbce6";
const INPUT_TAP: &str = "#2a6aa8";
const ZERO: &str = "#ffffff";
const ZERO_TAP: &str = "#9db3c8";
const OUTPUT: &str = "#9fdcd3";
const OUTPUT_NOW: &str = "#1f8a7d";
const LINE: &str = "#3c4650";
const INK: &str = "#111111";
const INK_ON_DARK: &str = "#ffffff";

/// A number as the picture writes it: integers whole, others to one decimal (as the paper does).
pub fn label(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

fn text_shape(x: f64, y: f64, text: String, dark: bool) -> Shape {
    // Centred: the monospace font's advance is 0.6 em, as the raster font's (3 + 1 of 5 + 1.67).
    let width = text.chars().count() as f64 * FONT * 0.6;
    Shape::Text {
        x: x + (CELL - width) / 2.0,
        y: y + CELL / 2.0 + FONT * 0.35,
        text,
        colour: if dark { INK_ON_DARK } else { INK }.into(),
        size: FONT,
        weight: 400,
        family: "monospace".into(),
        strike: false,
    }
}

/// The figure of step `step` (the window there, its output cell marked).
pub fn figure(scene: &Scene, step: usize) -> Figure {
    let (gh, gw) = scene.grid.dim();
    let (oh, ow) = scene.output.dim();
    let now = scene.steps.get(step);
    let mut shapes = Vec::new();
    let cell = |x: f64, y: f64, fill: &str, value: Option<f64>, dark: bool, shapes: &mut Vec<Shape>| {
        shapes.push(Shape::Fill { x, y, w: CELL, h: CELL, colour: fill.into() });
        shapes.push(Shape::Outline { x, y, w: CELL, h: CELL, colour: LINE.into(), width: 1.0, dashed: false });
        if let Some(v) = value {
            shapes.push(text_shape(x, y, label(v), dark));
        }
    };
    let top = |rows: usize| MARGIN + (gh.max(oh) - rows) as f64 * CELL / 2.0;
    for ((i, j), kind) in scene.cells.indexed_iter() {
        let under = now.is_some_and(|s| s.taps.contains(&[i, j]));
        let fill = match (kind, under) {
            (Cell::Input, false) => INPUT,
            (Cell::Input, true) => INPUT_TAP,
            (Cell::Zero, false) => ZERO,
            (Cell::Zero, true) => ZERO_TAP,
        };
        let value = (scene.numbers && *kind == Cell::Input).then(|| scene.grid[[i, j]]);
        cell(
            MARGIN + j as f64 * CELL,
            top(gh) + i as f64 * CELL,
            fill,
            value,
            under && *kind == Cell::Input,
            &mut shapes,
        );
    }
    let left = MARGIN + gw as f64 * CELL + GAP;
    for ((i, j), v) in scene.output.indexed_iter() {
        let current = now.is_some_and(|s| s.out == [i, j]);
        let fill = if current { OUTPUT_NOW } else { OUTPUT };
        cell(
            left + j as f64 * CELL,
            top(oh) + i as f64 * CELL,
            fill,
            scene.numbers.then_some(*v),
            current,
            &mut shapes,
        );
    }
    Figure {
        width: (left + ow as f64 * CELL + MARGIN).ceil(),
        height: (2.0 * MARGIN + gh.max(oh) as f64 * CELL).ceil(),
        background: PAPER.into(),
        shapes,
    }
}

/// The 3x5 pixel font of the GIF's numbers: one row of three bits per line, top first.
fn glyph(c: char) -> Option<[u8; 5]> {
    Some(match c {
        '0' => [7, 5, 5, 5, 7],
        '1' => [2, 6, 2, 2, 7],
        '2' => [7, 1, 7, 4, 7],
        '3' => [7, 1, 7, 1, 7],
        '4' => [5, 5, 7, 1, 1],
        '5' => [7, 4, 7, 1, 7],
        '6' => [7, 4, 7, 5, 7],
        '7' => [7, 1, 1, 1, 1],
        '8' => [7, 5, 7, 5, 7],
        '9' => [7, 5, 7, 1, 7],
        '.' => [0, 0, 0, 0, 2],
        '-' => [0, 0, 7, 0, 0],
        _ => return None,
    })
}

/// `#rrggbb` as bytes (every colour of these figures is written so).
fn rgb(colour: &str) -> [u8; 3] {
    let hex = colour.trim_start_matches('#');
    let byte = |k: usize| u8::from_str_radix(hex.get(k..k + 2).unwrap_or("00"), 16).unwrap_or(0);
    [byte(0), byte(2), byte(4)]
}

/// The figure's RGBA pixels, one per CSS pixel: boxes, outlines and the
/// numbers in the pixel font (text it cannot write is left out).
pub fn rasterise(figure: &Figure) -> (u32, u32, Vec<u8>) {
    let (w, h) = (figure.width as usize, figure.height as usize);
    let mut pixels = Vec::with_capacity(w * h * 4);
    let [r, g, b] = rgb(&figure.background);
    for _ in 0..w * h {
        pixels.extend_from_slice(&[r, g, b, 255]);
    }
    let mut fill = |x0: f64, y0: f64, x1: f64, y1: f64, colour: &str| {
        let [r, g, b] = rgb(colour);
        let clamp = |v: f64, max: usize| (v.round().max(0.0) as usize).min(max);
        for y in clamp(y0, h)..clamp(y1, h) {
            for x in clamp(x0, w)..clamp(x1, w) {
                pixels[(y * w + x) * 4..(y * w + x) * 4 + 3].copy_from_slice(&[r, g, b]);
            }
        }
    };
    for shape in &figure.shapes {
        match shape {
            Shape::Fill { x, y, w, h, colour } => fill(*x, *y, x + w, y + h, colour),
            Shape::Outline { x, y, w, h, colour, width, .. } => {
                fill(*x, *y, x + w, y + width, colour);
                fill(*x, y + h - width, x + w, y + h, colour);
                fill(*x, *y, x + width, y + h, colour);
                fill(x + w - width, *y, x + w, y + h, colour);
            }
            Shape::Line { x1, y1, x2, y2, colour, width, .. } => {
                fill(x1.min(*x2), y1.min(*y2), x1.max(*x2) + width, y1.max(*y2) + width, colour)
            }
            Shape::Text { x, y, text, colour, size, .. } => {
                // Glyphs 5 units high standing on the baseline, 4 units apart.
                let unit = (size * 0.6 / 4.0).round().max(1.0);
                for (k, c) in text.chars().enumerate() {
                    let Some(rows) = glyph(c) else { continue };
                    let gx = x + k as f64 * 4.0 * unit;
                    for (row, bits) in rows.iter().enumerate() {
                        for col in 0..3 {
                            if bits & (4 >> col) != 0 {
                                let px = gx + col as f64 * unit;
                                let py = y - (5 - row) as f64 * unit;
                                fill(px, py, px + unit, py + unit, colour);
                            }
                        }
                    }
                }
            }
            Shape::Image { .. } => {}
        }
    }
    (w as u32, h as u32, pixels)
}

/// The card's picture at its first step, as SVG (the figure's own writer).
pub fn svg(card: &Card) -> Result<String, ConvError> {
    Ok(figure(&scene(card)?, 0).to_svg())
}

/// Every step of the card as an animated GIF, a second a step as the paper's.
pub fn gif(card: &Card) -> Result<Option<Vec<u8>>, ConvError> {
    let scene = scene(card)?;
    let first = figure(&scene, 0);
    let Some(mut writer) = GifWriter::new(first.width as u32, first.height as u32, 1000) else { return Ok(None) };
    for step in 0..scene.steps.len() {
        let (_, _, mut pixels) = rasterise(&figure(&scene, step));
        if writer.add(&mut pixels).is_none() {
            return Ok(None);
        }
    }
    Ok(writer.finish())
}
