//! Capture: the view on screen read back as a [`Figure`] (model data), as
//! the page draws it: every box's fill, borders, outline and inset mark,
//! every line of text, canvases as images. Then rasterised on a canvas for
//! PNG and GIF frames. A thin browser adapter: the drawing rules (what a
//! colour or a shadow means) are the model's, in `model::figure`.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, CssStyleDeclaration, Element, HtmlCanvasElement, HtmlImageElement, Node, Window,
};
use yew::prelude::*;

use crate::conv::decimal;
use crate::model::figure::{Colours, Figure, Shape, inset_shadow, transparent};

/// A computed length in px (read with the app's own decimal parser: core's
/// float parsing would add its tables to the wasm).
fn px(style: &CssStyleDeclaration, property: &str) -> f64 {
    style.get_property_value(property).ok().and_then(|v| decimal::parse(v.trim().trim_end_matches("px"))).unwrap_or(0.0)
}

fn prop(style: &CssStyleDeclaration, property: &str) -> String {
    style.get_property_value(property).unwrap_or_default()
}

/// The parts of a view a figure leaves out: its controls and notes, and the
/// equation unless asked for.
fn left_out(el: &Element, with_equation: bool) -> bool {
    let inside = |selector: &str| el.closest(selector).ok().flatten().is_some();
    inside(".switch, .view-note, .backprop-note, button, select, .hint, .readouts")
        || (!with_equation && inside(".equation"))
}

/// The shapes one element's box draws, at `(x, y, w, h)` from the view's
/// corner: its fill, a canvas's pixels, an inset mark, its borders and outline.
fn box_shapes(el: &Element, style: &CssStyleDeclaration, (x, y, w, h): (f64, f64, f64, f64), shapes: &mut Vec<Shape>) {
    let background = prop(style, "background-color");
    if !transparent(&background) {
        shapes.push(Shape::Fill { x, y, w, h, colour: background });
    }
    if let Some(canvas) = el.dyn_ref::<HtmlCanvasElement>()
        && let Ok(href) = canvas.to_data_url()
    {
        shapes.push(Shape::Image { x, y, w, h, href });
    }
    if let Some((colour, spread)) = inset_shadow(&prop(style, "box-shadow")) {
        shapes.push(Shape::Outline { x, y, w, h, colour, width: spread, dashed: false });
    }
    for (side, (x1, y1, x2, y2)) in [
        ("top", (x, y, x + w, y)),
        ("right", (x + w, y, x + w, y + h)),
        ("bottom", (x, y + h, x + w, y + h)),
        ("left", (x, y, x, y + h)),
    ] {
        let width = px(style, &format!("border-{side}-width"));
        let kind = prop(style, &format!("border-{side}-style"));
        let colour = prop(style, &format!("border-{side}-color"));
        if width > 0.0 && kind != "none" && kind != "hidden" && !transparent(&colour) {
            // Along the inside of the box, as the page draws it.
            let (dx, dy) = match side {
                "top" => (0.0, width / 2.0),
                "bottom" => (0.0, -width / 2.0),
                "left" => (width / 2.0, 0.0),
                _ => (-width / 2.0, 0.0),
            };
            let dashed = kind == "dashed" || kind == "dotted";
            shapes.push(Shape::Line { x1: x1 + dx, y1: y1 + dy, x2: x2 + dx, y2: y2 + dy, colour, width, dashed });
        }
    }
    let outline = px(style, "outline-width");
    if outline > 0.0 && prop(style, "outline-style") != "none" {
        let grow = px(style, "outline-offset") + outline;
        shapes.push(Shape::Outline {
            x: x - grow,
            y: y - grow,
            w: w + 2.0 * grow,
            h: h + 2.0 * grow,
            colour: prop(style, "outline-color"),
            width: outline,
            dashed: prop(style, "outline-style") == "dashed",
        });
    }
}

/// The lines of one text node, each where the page put it (a wrapped text
/// is one line per row of character boxes).
fn text_lines(
    window: &Window,
    node: &Node,
    range: &web_sys::Range,
    (ox, oy): (f64, f64),
    shapes: &mut Vec<Shape>,
) -> Option<()> {
    let text = node.text_content().unwrap_or_default();
    let parent = node.parent_element()?;
    let style = window.get_computed_style(&parent).ok().flatten()?;
    let size = px(&style, "font-size");
    let text_shape = |t: &str, left: f64, top: f64, height: f64| Shape::Text {
        x: left - ox,
        // The baseline, about four fifths down the line box's glyph area.
        y: top - oy + (height + size * 0.8) / 2.0 - size * 0.1,
        text: crate::model::figure::without_hints(t),
        colour: prop(&style, "color"),
        size,
        weight: prop(&style, "font-weight").parse().unwrap_or(400),
        family: prop(&style, "font-family"),
        strike: prop(&style, "text-decoration-line").contains("line-through"),
    };
    range.select_node_contents(node).ok()?;
    let rects = range.get_client_rects()?;
    if rects.length() <= 1 {
        let r = range.get_bounding_client_rect();
        if r.width() > 0.0 {
            shapes.push(text_shape(text.trim(), r.left(), r.top(), r.height()));
        }
        return Some(());
    }
    let mut line = String::new();
    // (left, top, height) of the line being read.
    let mut line_box: Option<(f64, f64, f64)> = None;
    let mut unit = 0u32;
    for ch in text.chars() {
        let len = u32::try_from(ch.len_utf16()).unwrap_or(1);
        range.set_start(node, unit).ok()?;
        range.set_end(node, unit + len).ok()?;
        unit += len;
        let r = range.get_bounding_client_rect();
        match line_box {
            Some((_, top, _)) if (r.top() - top).abs() > 1.0 && r.width() > 0.0 => {
                if let Some((left, top, height)) = line_box.take()
                    && !line.trim().is_empty()
                {
                    shapes.push(text_shape(line.trim(), left, top, height));
                }
                line.clear();
                line_box = Some((r.left(), r.top(), r.height()));
            }
            None if r.width() > 0.0 => line_box = Some((r.left(), r.top(), r.height())),
            _ => {}
        }
        line.push(ch);
    }
    if let Some((left, top, height)) = line_box
        && !line.trim().is_empty()
    {
        shapes.push(text_shape(line.trim(), left, top, height));
    }
    Some(())
}

/// The empty space around a figure, on every side, in CSS pixels.
const FIGURE_MARGIN: f64 = 16.0;

/// The view under `root` as the page draws it now.
fn capture(root: &Element, with_equation: bool) -> Option<Figure> {
    let window = web_sys::window()?;
    let doc = window.document()?;
    let origin = root.get_bounding_client_rect();
    // The view's corner, one margin in: a figure is for a slide, with an even margin all round.
    let (ox, oy) = (origin.left() - FIGURE_MARGIN, origin.top() - FIGURE_MARGIN);
    let mut shapes = Vec::new();
    let (mut right, mut bottom) = (0.0_f64, 0.0_f64);
    let elements = root.query_selector_all("*").ok()?;
    for i in 0..elements.length() {
        let Some(el) = elements.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
        if left_out(&el, with_equation) {
            continue;
        }
        let r = el.get_bounding_client_rect();
        if r.width() <= 0.0 || r.height() <= 0.0 {
            continue;
        }
        let Some(style) = window.get_computed_style(&el).ok().flatten() else { continue };
        if prop(&style, "visibility") == "hidden" {
            continue;
        }
        let (x, y, w, h) = (r.left() - ox, r.top() - oy, r.width(), r.height());
        right = right.max(x + w);
        bottom = bottom.max(y + h);
        box_shapes(&el, &style, (x, y, w, h), &mut shapes);
    }
    let walker = doc.create_tree_walker_with_what_to_show(root, 4).ok()?; // NodeFilter.SHOW_TEXT
    let range = doc.create_range().ok()?;
    while let Ok(Some(node)) = walker.next_node() {
        let shown = node.parent_element().is_some_and(|p| !left_out(&p, with_equation));
        if shown && !node.text_content().unwrap_or_default().trim().is_empty() {
            text_lines(&window, &node, &range, (ox, oy), &mut shapes);
        }
    }
    // Behind the view: the first ancestor (or the view) with a colour of its own.
    let mut background = "white".to_string();
    let mut at = Some(root.clone());
    while let Some(el) = at {
        if let Some(colour) = window.get_computed_style(&el).ok().flatten().map(|s| prop(&s, "background-color"))
            && !transparent(&colour)
        {
            background = colour;
            break;
        }
        at = el.parent_element();
    }
    Some(Figure { width: right.ceil() + FIGURE_MARGIN, height: bottom.ceil() + FIGURE_MARGIN, background, shapes })
}

/// The view on screen (`section.view`) in `colours`. Another theme than the
/// page's is set on the view alone (`data-colours`, which the stylesheet
/// gives the theme's colours and its own background) for the moment of the
/// capture: the page's `data-theme` belongs to `use_theme`.
pub fn capture_view(colours: Colours, with_equation: bool) -> Option<Figure> {
    let doc = web_sys::window()?.document()?;
    let root = doc.query_selector("section.view").ok()??;
    if let Some(name) = colours.name() {
        root.set_attribute("data-colours", name).ok()?;
    }
    let figure = capture(&root, with_equation);
    let _ = root.remove_attribute("data-colours");
    figure
}

/// A promise settled after `ms` milliseconds (and a frame: the step is drawn).
pub async fn pause(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The figure drawn on a canvas at `scale`, on a canvas of `size` (default:
/// the figure's own, scaled) filled with its background first.
pub async fn rasterise(
    figure: &Figure,
    scale: f64,
    size: Option<(u32, u32)>,
) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d, u32, u32)> {
    let doc = web_sys::window()?.document()?;
    let svg = figure.to_svg();
    let url = format!("data:image/svg+xml;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&svg)));
    let image = HtmlImageElement::new().ok()?;
    let loaded = Promise::new(&mut |resolve, reject| {
        image.set_onload(Some(&resolve));
        image.set_onerror(Some(&reject));
    });
    image.set_src(&url);
    JsFuture::from(loaded).await.ok()?;
    // Browsers refuse canvases past 16,384 pixels a side.
    let (fw, fh) = (
        ((figure.width * scale).ceil() as u32).clamp(1, 16_384),
        ((figure.height * scale).ceil() as u32).clamp(1, 16_384),
    );
    let (w, h) = size.unwrap_or((fw, fh));
    let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx = canvas.get_context("2d").ok()??.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()?;
    ctx.set_fill_style_str(&figure.background);
    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, f64::from(fw), f64::from(fh)).ok()?;
    Some((canvas, ctx, w, h))
}

pub fn png_bytes(canvas: &HtmlCanvasElement) -> Option<Vec<u8>> {
    let url = canvas.to_data_url_with_type("image/png").ok()?;
    let data = url.split_once(',')?.1;
    // atob: the PNG's bytes, one per UTF-16 unit.
    let binary: String = web_sys::window()?.atob(data).ok()?;
    let bytes: Vec<u8> = binary.chars().map(|c| c as u8).collect();
    // A canvas the browser could not make gives "data:," and no PNG.
    bytes.starts_with(b"\x89PNG").then_some(bytes)
}

/// Steps in one GIF, at most (a longer walk is sampled evenly).
const GIF_FRAMES: usize = 120;
/// The widest GIF frame, in pixels (wider views are scaled down).
const GIF_WIDTH: f64 = 960.0;

/// A GIF's settings, as the figure bar shows them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GifOptions {
    pub colours: Colours,
    pub with_equation: bool,
    pub delay_ms: u16,
}

/// A GIF of every step of the view: `on_step` shows each sampled step of
/// `steps` (the player's), each is captured as drawn, and the step
/// `back_to` is shown again at the end. `stop` ends the walk early (the
/// view changed or the bar went: see [`use_recording`]). `on_status` hears
/// the progress. Frames are sized by the largest step (a later step's
/// equation may wrap to more lines than the first's): the walk keeps each
/// step's figure (its shapes, not its pixels), then draws them all at one
/// scale and size.
pub struct GifWalk {
    pub steps: usize,
    pub back_to: usize,
    pub options: GifOptions,
    pub stop: Rc<Cell<bool>>,
    pub on_step: Callback<usize>,
    pub on_status: Callback<String>,
}

/// Records `walk` (see [`GifWalk`]).
pub async fn record_gif(walk: GifWalk) -> Option<(Vec<u8>, usize)> {
    let GifWalk { steps, back_to, options, stop, on_step, on_status } = walk;
    let picks: Vec<usize> = if steps <= GIF_FRAMES {
        (0..steps).collect()
    } else {
        (0..GIF_FRAMES).map(|k| k * (steps - 1) / (GIF_FRAMES - 1)).collect()
    };
    let mut figures = Vec::with_capacity(picks.len());
    for (k, &step) in picks.iter().enumerate() {
        on_status.emit(format!("GIF: step {} of {}", k + 1, picks.len()));
        on_step.emit(step);
        pause(40).await;
        if stop.get() {
            break;
        }
        let Some(figure) = capture_view(options.colours, options.with_equation) else { break };
        figures.push(figure);
    }
    if !stop.get() {
        on_step.emit(back_to);
    }
    if figures.len() != picks.len() {
        return None;
    }
    let (width, height) = figures.iter().fold((1.0_f64, 1.0_f64), |(w, h), f| (w.max(f.width), h.max(f.height)));
    let scale = (GIF_WIDTH / width).min(1.0);
    let size = ((width * scale).ceil() as u32, (height * scale).ceil() as u32);
    let mut gif = crate::model::figure::GifWriter::new(size.0, size.1, options.delay_ms)?;
    for (k, figure) in figures.iter().enumerate() {
        on_status.emit(format!("GIF: frame {} of {}", k + 1, figures.len()));
        let (_, ctx, w, h) = rasterise(figure, scale, Some(size)).await?;
        let pixels = ctx.get_image_data(0.0, 0.0, f64::from(w), f64::from(h)).ok()?;
        gif.add(&mut pixels.data().0)?;
    }
    Some((gif.finish()?, figures.len()))
}

/// The stop flag of a GIF recording of `view`: set when the view changes
/// or the component goes (the effect's cleanup), so a walk never steps a
/// view it did not start on. One flag per view shown.
#[hook]
pub fn use_recording(view: AttrValue) -> Rc<Cell<bool>> {
    let stop = (*use_memo(view.clone(), |_| Rc::new(Cell::new(false)))).clone();
    {
        // Keyed on the view, not the flag: `Cell`s compare by value.
        let stop = stop.clone();
        use_effect_with(view, move |_| move || stop.set(true));
    }
    stop
}
