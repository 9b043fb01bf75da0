//! "Figure": the view on screen, at the current step, as SVG (vector, real
//! text) or PNG (the same drawing, rasterised at twice the size), or every
//! step as an animated GIF. The drawing is read from the view as the page
//! draws it: every box's fill, borders, outline and inset mark, every line of
//! text, heatmaps as images. Made in the page; nothing is uploaded.

use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CssStyleDeclaration, Element, HtmlCanvasElement, HtmlImageElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::conv::decimal;
use crate::model::figure::{Figure, Shape};
use crate::model::state::{Action, Move, ViewAction};
use crate::ui::widgets::file_io::download;

/// Steps in one GIF, at most (a longer walk is sampled evenly).
const GIF_FRAMES: usize = 120;
/// The widest GIF frame, in pixels (wider views are scaled down).
const GIF_WIDTH: f64 = 960.0;

/// What the figure shows of the page's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Colours {
    AsShown,
    Light,
    Dark,
}

/// A computed length in px (read with the app's own decimal parser: core's
/// float parsing would add its tables to the wasm).
fn px(style: &CssStyleDeclaration, property: &str) -> f64 {
    style.get_property_value(property).ok().and_then(|v| decimal::parse(v.trim().trim_end_matches("px"))).unwrap_or(0.0)
}

fn prop(style: &CssStyleDeclaration, property: &str) -> String {
    style.get_property_value(property).unwrap_or_default()
}

fn transparent(colour: &str) -> bool {
    colour.is_empty() || colour == "transparent" || colour.replace(' ', "").ends_with(",0)")
}

/// The first inset box-shadow of a computed style: `(colour, spread)`.
fn inset_shadow(shadow: &str) -> Option<(String, f64)> {
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

/// The parts of a view a figure leaves out: its controls and notes, and the
/// equation unless asked for.
fn left_out(el: &Element, with_equation: bool) -> bool {
    let inside = |selector: &str| el.closest(selector).ok().flatten().is_some();
    inside(".switch, .view-note, .backprop-note, button, select, .hint, .readouts")
        || (!with_equation && inside(".equation"))
}

/// The view under `root` as the page draws it now.
fn capture(root: &Element, with_equation: bool) -> Option<Figure> {
    let window = web_sys::window()?;
    let doc = window.document()?;
    let origin = root.get_bounding_client_rect();
    let (ox, oy) = (origin.left(), origin.top());
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
        let background = prop(&style, "background-color");
        if !transparent(&background) {
            shapes.push(Shape::Fill { x, y, w, h, colour: background });
        }
        if let Some(canvas) = el.dyn_ref::<HtmlCanvasElement>()
            && let Ok(href) = canvas.to_data_url()
        {
            shapes.push(Shape::Image { x, y, w, h, href });
        }
        if let Some((colour, spread)) = inset_shadow(&prop(&style, "box-shadow")) {
            shapes.push(Shape::Outline { x, y, w, h, colour, width: spread, dashed: false });
        }
        for (side, (x1, y1, x2, y2)) in [
            ("top", (x, y, x + w, y)),
            ("right", (x + w, y, x + w, y + h)),
            ("bottom", (x, y + h, x + w, y + h)),
            ("left", (x, y, x, y + h)),
        ] {
            let width = px(&style, &format!("border-{side}-width"));
            let kind = prop(&style, &format!("border-{side}-style"));
            let colour = prop(&style, &format!("border-{side}-color"));
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
        let outline = px(&style, "outline-width");
        if outline > 0.0 && prop(&style, "outline-style") != "none" {
            let grow = px(&style, "outline-offset") + outline;
            shapes.push(Shape::Outline {
                x: x - grow,
                y: y - grow,
                w: w + 2.0 * grow,
                h: h + 2.0 * grow,
                colour: prop(&style, "outline-color"),
                width: outline,
                dashed: prop(&style, "outline-style") == "dashed",
            });
        }
    }
    // Text: each line of each text node where the page put it.
    let walker = doc.create_tree_walker_with_what_to_show(root, 4).ok()?; // NodeFilter.SHOW_TEXT
    let range = doc.create_range().ok()?;
    while let Ok(Some(node)) = walker.next_node() {
        let text = node.text_content().unwrap_or_default();
        let Some(parent) = node.parent_element() else { continue };
        if text.trim().is_empty() || left_out(&parent, with_equation) {
            continue;
        }
        let Some(style) = window.get_computed_style(&parent).ok().flatten() else { continue };
        let size = px(&style, "font-size");
        let text_shape = |t: &str, left: f64, top: f64, height: f64| Shape::Text {
            x: left - ox,
            // The baseline, about four fifths down the line box's glyph area.
            y: top - oy + (height + size * 0.8) / 2.0 - size * 0.1,
            text: t.to_string(),
            colour: prop(&style, "color"),
            size,
            weight: prop(&style, "font-weight").parse().unwrap_or(400),
            family: prop(&style, "font-family"),
            strike: prop(&style, "text-decoration-line").contains("line-through"),
        };
        range.select_node_contents(&node).ok()?;
        let rects = range.get_client_rects()?;
        if rects.length() <= 1 {
            let r = range.get_bounding_client_rect();
            if r.width() > 0.0 {
                shapes.push(text_shape(text.trim(), r.left(), r.top(), r.height()));
            }
            continue;
        }
        // Wrapped text: one line per row of character boxes.
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut line = String::new();
        let mut line_box: Option<(f64, f64, f64)> = None;
        let mut unit = 0u32;
        for (_, ch) in chars {
            let len = u32::try_from(ch.len_utf16()).unwrap_or(1);
            range.set_start(&node, unit).ok()?;
            range.set_end(&node, unit + len).ok()?;
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
    Some(Figure { width: right.ceil() + 2.0, height: bottom.ceil() + 2.0, background, shapes })
}

/// Captures the view with the page's theme set to `colours` for the moment.
fn capture_in(colours: Colours, with_equation: bool) -> Option<Figure> {
    let doc = web_sys::window()?.document()?;
    let root = doc.query_selector("section.view").ok()??;
    let html = doc.document_element()?;
    let before = html.get_attribute("data-theme");
    match colours {
        Colours::Light => html.set_attribute("data-theme", "light").ok()?,
        Colours::Dark => html.set_attribute("data-theme", "dark").ok()?,
        Colours::AsShown => {}
    }
    let figure = capture(&root, with_equation);
    match before {
        Some(theme) => html.set_attribute("data-theme", &theme).ok()?,
        None => html.remove_attribute("data-theme").ok()?,
    }
    figure
}

/// A promise settled after `ms` milliseconds (and a frame: the step is drawn).
async fn pause(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The figure drawn on a canvas at `scale`, on a canvas of `size` (default:
/// the figure's own, scaled) filled with its background first.
async fn rasterise(
    figure: &Figure,
    scale: f64,
    size: Option<(u32, u32)>,
) -> Option<(HtmlCanvasElement, web_sys::CanvasRenderingContext2d, u32, u32)> {
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

fn png_bytes(canvas: &HtmlCanvasElement) -> Option<Vec<u8>> {
    let url = canvas.to_data_url_with_type("image/png").ok()?;
    let data = url.split_once(',')?.1;
    // atob: the PNG's bytes, one per UTF-16 unit.
    let binary: String = web_sys::window()?.atob(data).ok()?;
    let bytes: Vec<u8> = binary.chars().map(|c| c as u8).collect();
    // A canvas the browser could not make gives "data:," and no PNG.
    bytes.starts_with(b"\x89PNG").then_some(bytes)
}

thread_local! {
    /// A GIF is being made: one at a time, whichever bar started it.
    static CAPTURING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The `aria-label` of the view on screen: a GIF stops if it changes.
fn view_on_screen() -> Option<String> {
    web_sys::window()?.document()?.query_selector("section.view").ok()??.get_attribute("aria-label")
}

#[derive(Properties, PartialEq)]
pub struct FigureBarProps {
    /// The player's step and its number of steps (the GIF walks them).
    pub step: usize,
    pub steps: usize,
    /// A name for the files: the view's.
    pub name: AttrValue,
    pub dispatch: Callback<Action>,
}

#[component]
pub fn FigureBar(props: &FigureBarProps) -> Html {
    let with_equation = use_state(|| true);
    let colours = use_state(|| Colours::AsShown);
    let delay = use_state(|| 600_u16);
    let status = use_state(String::new);
    let busy = use_state(|| false);
    let name = props.name.clone();

    let svg = {
        let (eq, colours, name, status) = (*with_equation, *colours, name.clone(), status.clone());
        Callback::from(move |_: MouseEvent| match capture_in(colours, eq) {
            Some(figure) => {
                let _ = download(figure.to_svg().as_bytes(), &format!("convscope-{name}.svg"), "image/svg+xml");
                status.set("SVG made".into());
            }
            None => status.set("The view could not be drawn".into()),
        })
    };
    let png = {
        let (eq, colours, name, status) = (*with_equation, *colours, name.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(figure) = capture_in(colours, eq) else { return status.set("The view could not be drawn".into()) };
            let (name, status) = (name.clone(), status.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match rasterise(&figure, 2.0, None).await.and_then(|(canvas, ..)| png_bytes(&canvas)) {
                    Some(bytes) => {
                        let _ = download(&bytes, &format!("convscope-{name}.png"), "image/png");
                        status.set("PNG made".into());
                    }
                    None => status.set("The PNG could not be made".into()),
                }
            });
        })
    };
    let gif = {
        let (eq, colours, delay_ms, name, status, busy) =
            (*with_equation, *colours, *delay, name.clone(), status.clone(), busy.clone());
        let (steps, back_to, dispatch) = (props.steps, props.step, props.dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            if CAPTURING.with(|c| c.replace(true)) || steps == 0 {
                return;
            }
            busy.set(true);
            let (name, status, busy, dispatch) = (name.clone(), status.clone(), busy.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let picks: Vec<usize> = if steps <= GIF_FRAMES {
                    (0..steps).collect()
                } else {
                    (0..GIF_FRAMES).map(|k| k * (steps - 1) / (GIF_FRAMES - 1)).collect()
                };
                let view = view_on_screen();
                // Every frame is drawn at the first one's scale and size, and
                // written as soon as it is drawn (no walk holds all its frames).
                let mut writer: Option<(crate::model::figure::GifWriter, f64, (u32, u32))> = None;
                let mut made = 0;
                for (k, &step) in picks.iter().enumerate() {
                    status.set(format!("GIF: step {} of {}", k + 1, picks.len()));
                    dispatch.emit(Action::View(ViewAction::Step(Move::To(step))));
                    pause(40).await;
                    if view_on_screen() != view {
                        break;
                    }
                    let Some(figure) = capture_in(colours, eq) else { break };
                    let (scale, size) = match &writer {
                        Some((_, scale, size)) => (*scale, Some(*size)),
                        None => ((GIF_WIDTH / figure.width).min(1.0), None),
                    };
                    let Some((_, ctx, w, h)) = rasterise(&figure, scale, size).await else { break };
                    let Ok(pixels) = ctx.get_image_data(0.0, 0.0, f64::from(w), f64::from(h)) else { break };
                    if writer.is_none() {
                        writer = crate::model::figure::GifWriter::new(w, h, delay_ms).map(|g| (g, scale, (w, h)));
                    }
                    let Some((gif, ..)) = writer.as_mut() else { break };
                    if gif.add(&mut pixels.data().0).is_none() {
                        break;
                    }
                    made += 1;
                }
                if view_on_screen() == view {
                    dispatch.emit(Action::View(ViewAction::Step(Move::To(back_to))));
                }
                match writer.and_then(|(gif, ..)| gif.finish()) {
                    Some(bytes) if made == picks.len() => {
                        let _ = download(&bytes, &format!("convscope-{name}.gif"), "image/gif");
                        status.set(format!("GIF made: {made} frames"));
                    }
                    _ => status.set("The GIF stopped: the view changed, or a step could not be drawn".into()),
                }
                CAPTURING.with(|c| c.set(false));
                busy.set(false);
            });
        })
    };
    let on_equation = {
        let with_equation = with_equation.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                with_equation.set(input.checked());
            }
        })
    };
    let on_colours = {
        let colours = colours.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                colours.set(match select.value().as_str() {
                    "light" => Colours::Light,
                    "dark" => Colours::Dark,
                    _ => Colours::AsShown,
                });
            }
        })
    };
    let on_delay = {
        let delay = delay.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>()
                && let Ok(ms) = input.value().parse::<u16>()
            {
                delay.set(ms.clamp(50, 10_000));
            }
        })
    };
    html! {
        <div class="figure-bar" role="group" aria-label="Export this view">
            <span class="figure-label">{ "Export:" }</span>
            <button type="button" onclick={svg} title="This view at this step, as SVG (vector, real text)">{ "SVG" }</button>
            <button type="button" onclick={png} title="The same drawing as PNG, at twice the size">{ "PNG" }</button>
            <button type="button" onclick={gif} disabled={*busy} title="Every step as an animated GIF">{ "GIF" }</button>
            <label class="check"><input type="checkbox" checked={*with_equation} onchange={on_equation} />{ "with the equation" }</label>
            <label>{ "colours " }
                <select onchange={on_colours} aria-label="Figure colours">
                    <option value="shown" selected={*colours == Colours::AsShown}>{ "as shown" }</option>
                    <option value="light" selected={*colours == Colours::Light}>{ "light" }</option>
                    <option value="dark" selected={*colours == Colours::Dark}>{ "dark" }</option>
                </select>
            </label>
            <label>{ "frame delay " }
                <input type="number" class="delay" min="50" max="10000" step="50" value={delay.to_string()} onchange={on_delay}
                    aria-label="GIF frame delay in milliseconds" />{ " ms" }</label>
            <button type="button" onclick={props.dispatch.reform(|_| Action::View(ViewAction::SetView(crate::model::state::View::Export)))} disabled={*busy}
                title="NumPy and PyTorch code, and the arrays as .npy or JSON">{ "Code and data\u{2026}" }</button>
            <span class="figure-status" role="status">{ (*status).clone() }</span>
        </div>
    }
}
