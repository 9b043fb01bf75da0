//! Image mode (issue #9): the learner's kernels on a picture. The picture is
//! the problem's input `(C, H, W)` (C = 1 grey or 3 for R, G, B; values
//! `pixel / 255`), so every other view works on it too. Each filter's output
//! `(OH, OW)` is drawn on its own canvas, one `putImageData` per map; the pixel
//! under the pointer is explained from the core's on-demand step: its window,
//! the kernel and the dot product.

use std::rc::Rc;

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use yew::prelude::*;

use crate::conv::{Forward, Problem, format};
use crate::model::document::PictureRef;
use crate::model::picture;
use crate::model::results::Shared;
use crate::model::state::{KernelMode, MapMode};
use crate::ui::widgets::grids::switch;
use crate::ui::widgets::heatmap::{cell_at as pixel_at, colour};
use crate::ui::widgets::matrix::{Cell, Matrix, mark};

#[derive(Properties, PartialEq)]
pub struct ImageViewProps {
    pub forward: Shared<Forward>,
    pub problem: Shared<Problem>,
    pub picture: Option<PictureRef>,
    pub mode: MapMode,
    /// The feature-map pixel `[f, i, j]` under the pointer.
    pub probe: Option<[usize; 3]>,
    /// Why the last picture could not be opened.
    pub error: Option<String>,
    /// A bundled picture picked, by name.
    pub on_picture: Callback<&'static str>,
    /// The learner's own picture (picked, dropped or pasted): its file name, decoded.
    pub on_own_picture: Callback<(String, Decoded)>,
    /// The picture in grey (one channel) or in colour.
    pub on_greyscale: Callback<bool>,
    /// A classic kernel (`presets::classic_kernel` id), applied per channel or to the luminance.
    pub on_kernel: Callback<(&'static str, KernelMode)>,
    /// How the maps are drawn.
    pub on_map_mode: Callback<MapMode>,
    /// The pointer entered feature-map pixel `[f, i, j]`.
    pub on_map_probe: Callback<[usize; 3]>,
    /// A feature-map pixel clicked: its step in the sliding window, to open there.
    pub on_open_step: Callback<usize>,
}

/// A decoded picture: width, height and RGBA rows, or why the browser could not read it.
pub type Decoded = Result<(u32, u32, Rc<Vec<u8>>), String>;

/// The longest side a picture or map is drawn at, in CSS pixels: at least
/// 256, and up to 512 so that every pixel of a map (up to 512 a side) is at
/// least one CSS pixel, which a pointer can reach.
const BOX: [f64; 2] = [256.0, 512.0];

/// The classic kernels, one click each (ids of `presets::classic_kernel`).
const KERNELS: [(&str, &str); 8] = [
    ("kernel-identity", "Identity"),
    ("kernel-box-blur", "Box blur"),
    ("kernel-gaussian", "Gaussian"),
    ("kernel-sharpen", "Sharpen"),
    ("kernel-sobel-x", "Sobel x"),
    ("kernel-sobel-y", "Sobel y"),
    ("kernel-laplacian", "Laplacian"),
    ("kernel-emboss", "Emboss"),
];

/// A feature map's values as drawn: signed, `|y|` or `max(y, 0)`.
fn shown(v: f64, mode: MapMode) -> f64 {
    match mode {
        MapMode::Signed => v,
        MapMode::Abs => v.abs(),
        MapMode::Relu => v.max(0.0),
    }
}

/// The problem, compared by its input alone (a weight edit leaves the picture as it is).
#[derive(Clone)]
struct InputOf(Shared<Problem>);

impl PartialEq for InputOf {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0.0, &other.0.0) || self.0.input == other.0.input
    }
}

/// A map's values, row-major: borrowed when the plane is contiguous (it is,
/// as the core builds outputs), copied otherwise.
fn plane_values<'a>(plane: &'a ndarray::ArrayView2<'a, f64>) -> std::borrow::Cow<'a, [f64]> {
    match plane.as_slice() {
        Some(v) => std::borrow::Cow::Borrowed(v),
        None => std::borrow::Cow::Owned(plane.iter().copied().collect()),
    }
}

/// The scale a map is drawn on: the largest `|value|` as drawn (1 when all are 0).
fn map_scale(values: &[f64], mode: MapMode) -> f64 {
    let m = values.iter().map(|&v| shown(v, mode)).filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
    if m > 0.0 { m } else { 1.0 }
}

/// RGBA of a plane on the diverging scale: a lookup table of 511 colours
/// (one pass over the values, no per-pixel float colour maths).
fn map_pixels(values: &[f64], mode: MapMode, scale: f64) -> Vec<u8> {
    let lut: Vec<[u8; 3]> = (0..511).map(|k| colour((k as f64 - 255.0) / 255.0, 1.0)).collect();
    let mut out = Vec::with_capacity(values.len() * 4);
    for &v in values {
        let v = shown(v, mode);
        let rgb = if v.is_nan() {
            [128, 128, 128]
        } else {
            lut[(((v / scale).clamp(-1.0, 1.0) * 255.0).round() + 255.0) as usize]
        };
        out.extend_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
    }
    out
}

/// RGBA of the input picture: R, G, B for three channels, grey for one (or
/// the first channel of another count), values in [0, 1].
fn picture_pixels(input: &ndarray::Array3<f64>) -> Vec<u8> {
    let (c, h, w) = input.dim();
    let byte = |v: f64| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    let mut out = Vec::with_capacity(h * w * 4);
    for i in 0..h {
        for j in 0..w {
            let (r, g, b) = if c == 3 {
                (input[[0, i, j]], input[[1, i, j]], input[[2, i, j]])
            } else {
                let v = input[[0, i, j]];
                (v, v, v)
            };
            out.extend_from_slice(&[byte(r), byte(g), byte(b), 255]);
        }
    }
    out
}

fn put(canvas: &HtmlCanvasElement, pixels: &[u8], w: usize, h: usize) -> Option<()> {
    let ctx = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), w as u32, h as u32).ok()?;
    ctx.put_image_data(&image, 0.0, 0.0).ok()
}

/// CSS size of a `w`x`h` drawing in the box, keeping its aspect ratio.
fn box_style(w: usize, h: usize) -> String {
    let long = w.max(h).max(1) as f64;
    let s = long.clamp(BOX[0], BOX[1]) / long;
    format!("width:{}px;height:{}px", format::short((w as f64 * s).round()), format::short((h as f64 * s).round()))
}

/// A per-axis parameter as the document writes it: one number when the axes agree, else `[h, w]`.
fn axes([h, w]: [usize; 2]) -> String {
    if h == w { h.to_string() } else { format!("[{h}, {w}]") }
}

/// The first picture file of a file list (a picker, a drop, a paste).
fn first_file(files: Option<web_sys::FileList>) -> Option<web_sys::File> {
    let files = files?;
    (0..files.length()).filter_map(|k| files.get(k)).find(|f| f.type_().starts_with("image/"))
}

/// Decodes `file` in the browser (no image crate): `createImageBitmap`, then
/// drawn scaled to at most `limits::SPATIAL` a side, then its RGBA pixels.
/// Colour-space conversion is off so a PNG's bytes arrive as they are.
async fn decode(file: web_sys::File) -> Decoded {
    let unreadable = |_| "this browser could not read it as a picture".to_string();
    let window = web_sys::window().ok_or("no window")?;
    let options = web_sys::ImageBitmapOptions::new();
    options.set_color_space_conversion(web_sys::ColorSpaceConversion::None);
    options.set_premultiply_alpha(web_sys::PremultiplyAlpha::None);
    let promise = window.create_image_bitmap_with_blob_and_image_bitmap_options(&file, &options).map_err(unreadable)?;
    let bitmap: web_sys::ImageBitmap =
        wasm_bindgen_futures::JsFuture::from(promise).await.map_err(unreadable)?.dyn_into().map_err(unreadable)?;
    let side = crate::model::document::limits::SPATIAL as u32;
    let (w, h) = picture::fit(bitmap.width(), bitmap.height(), side);
    let canvas: HtmlCanvasElement = window
        .document()
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into().ok())
        .ok_or("no canvas to decode on")?;
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: CanvasRenderingContext2d =
        canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok()).ok_or("no 2D canvas")?;
    // Transparent parts show on white (a new canvas is transparent black), and
    // the scaling down averages rather than skips pixels.
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    // (web-sys has no binding for the quality's enum: set as a property.)
    let _ = js_sys::Reflect::set(&ctx, &"imageSmoothingQuality".into(), &"high".into());
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(unreadable)?;
    // The decoded bitmap (48 MB for a 12-megapixel photo) goes now, not at the next GC.
    bitmap.close();
    let data = ctx.get_image_data(0.0, 0.0, f64::from(w), f64::from(h)).map_err(unreadable)?.data();
    Ok((w, h, Rc::new(data.0)))
}

/// Opens a picture file: decoded off the event, then sent to `on_own_picture`.
fn open_file(file: web_sys::File, on_own_picture: Callback<(String, Decoded)>) {
    let name = file.name();
    wasm_bindgen_futures::spawn_local(async move {
        let decoded = decode(file).await;
        on_own_picture.emit((name, decoded));
    });
}

#[component]
pub fn ImageView(props: &ImageViewProps) -> Html {
    let t = &props.forward;
    let g = &t.geometry;
    let [f_count, oh, ow] = g.output_shape();
    let input = &props.problem.input;
    let (c, h, w) = input.dim();
    let section = use_node_ref();
    let kernel_mode = use_state(|| KernelMode::PerChannel);

    // Each map's range and scale, once per result and drawing mode (not per
    // hover): its legend below, and its colours in the effect.
    let ranges = use_memo((t.clone(), props.mode), |(t, mode)| {
        t.output
            .outer_iter()
            .map(|plane| {
                let values = plane_values(&plane);
                let (lo, hi) = values
                    .iter()
                    .map(|&v| shown(v, *mode))
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
                (lo, hi, map_scale(&values, *mode))
            })
            .collect::<Vec<_>>()
    });
    // Draw the picture when it changes (not on every weight edit), and every
    // map when the output or the drawing mode does: one putImageData each.
    {
        let section = section.clone();
        use_effect_with(InputOf(props.problem.clone()), move |InputOf(problem)| {
            let canvas = section
                .cast::<web_sys::Element>()
                .and_then(|root| root.query_selector("canvas.input-picture").ok().flatten())
                .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok());
            if let Some(canvas) = canvas {
                let (_, h, w) = problem.input.dim();
                put(&canvas, &picture_pixels(&problem.input), w, h);
            }
        });
    }
    {
        let section = section.clone();
        let ranges = ranges.clone();
        use_effect_with((t.clone(), props.mode), move |(t, mode)| {
            let Some(root) = section.cast::<web_sys::Element>() else { return };
            let (_, oh, ow) = t.output.dim();
            for (f, plane) in t.output.outer_iter().enumerate() {
                let values = plane_values(&plane);
                let scale = ranges.get(f).map_or(1.0, |r| r.2);
                let selector = format!("canvas[data-feature-map=\"{f}\"]");
                if let Some(canvas) = root.query_selector(&selector).ok().flatten().and_then(|c| c.dyn_into().ok()) {
                    put(&canvas, &map_pixels(&values, *mode, scale), ow, oh);
                }
            }
        });
    }
    // Paste a picture anywhere while this view is shown (cleaned up when it goes).
    {
        let on_own_picture = props.on_own_picture.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|d| {
                // Not passive: a picture pasted here is ours, not the page's (preventDefault).
                let options = gloo::events::EventListenerOptions::enable_prevent_default();
                gloo::events::EventListener::new_with_options(&d, "paste", options, move |e| {
                    let files =
                        e.dyn_ref::<web_sys::ClipboardEvent>().and_then(|e| e.clipboard_data()).and_then(|d| d.files());
                    if let Some(file) = first_file(files) {
                        e.prevent_default();
                        open_file(file, on_own_picture.clone());
                    }
                })
            });
            move || drop(listener)
        });
    }

    let on_file = {
        let open = props.on_own_picture.clone();
        Callback::from(move |e: Event| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>();
            if let Some(file) = first_file(input.as_ref().and_then(|i| i.files())) {
                open_file(file, open.clone());
            }
            // The same file chosen again is a change too.
            if let Some(i) = input {
                i.set_value("");
            }
        })
    };
    let on_drop = {
        let open = props.on_own_picture.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(file) = first_file(e.data_transfer().and_then(|t| t.files())) {
                open_file(file, open.clone());
            }
        })
    };
    let grey = c == 1;
    let bundled = match props.picture {
        Some(PictureRef::Bundled { name, .. }) => Some(name),
        _ => None,
    };
    let own = props.picture == Some(PictureRef::Own);
    let kernel_mode_now = *kernel_mode;

    let maps = (0..f_count).map(|f| {
        let (lo, hi, scale) = ranges.get(f).copied().unwrap_or((0.0, 0.0, 1.0));
        // Leaving the map keeps the last pixel: its readout below stays to be
        // read. Moving within one pixel sends nothing.
        let onmousemove = {
            let (on_probe, probe) = (props.on_map_probe.clone(), props.probe);
            Callback::from(move |e: MouseEvent| {
                if let Some((i, j)) = pixel_at(&e, oh, ow)
                    && probe != Some([f, i, j])
                {
                    on_probe.emit([f, i, j]);
                }
            })
        };
        let onclick = {
            let (on_open_step, geometry) = (props.on_open_step.clone(), *g);
            Callback::from(move |e: MouseEvent| {
                if let Some(s) = pixel_at(&e, oh, ow).and_then(|(i, j)| geometry.step_of([f, i, j])) {
                    on_open_step.emit(s);
                }
            })
        };
        html! {
            <figure class="feature-map" key={f}>
                <canvas data-feature-map={f.to_string()} data-shape={format!("{oh},{ow}")} width={ow.to_string()} height={oh.to_string()}
                    style={box_style(ow, oh)} {onmousemove} {onclick}
                    aria-label={format!("feature map of filter {f}, {oh} by {ow}: hover a pixel to see how it is computed, click to open its step")} />
                <figcaption>
                    { format!("filter {f}") }
                    <span class="scale" aria-label={format!("colour scale from {} to {}", format::short(-scale), format::short(scale))}>
                        <span>{ format::short(-scale) }</span><span class="bar"></span><span>{ format::short(scale) }</span>
                    </span>
                    <span class="range">{ format!("values {} to {}", format::short(lo), format::short(hi)) }</span>
                </figcaption>
            </figure>
        }
    });

    html! {
        <section class="view image-view" aria-label="Image" ref={section}
            ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop}>
            <div class="image-controls">
                <span class="pictures" role="group" aria-label="Picture">
                    <span class="switch-label">{ "Picture" }</span>
                    { for picture::NAMES.iter().map(|&name| html! {
                        <button type="button" aria-pressed={(bundled == Some(name)).to_string()}
                            onclick={props.on_picture.reform(move |_| name)}>{ picture::title(name).unwrap_or(name) }</button>
                    }) }
                    <label class="upload button-like">{ "Your picture\u{2026}" }
                        <input type="file" accept="image/*" onchange={on_file} aria-label="Open your own picture" />
                    </label>
                </span>
                <label class="greyscale">
                    <input type="checkbox" checked={grey} disabled={props.picture.is_none() || (own && grey)}
                        onchange={props.on_greyscale.reform(move |_| !grey)} />
                    { " greyscale (one channel)" }
                </label>
            </div>
            if let Some(error) = &props.error {
                <p class="param-error" role="alert">{ error.clone() }</p>
            }
            <div class="image-controls">
                <span class="kernels" role="group" aria-label="Classic kernels">
                    <span class="switch-label">{ "Kernel" }</span>
                    { for KERNELS.iter().map(|&(id, label)| html! {
                        <button type="button" onclick={props.on_kernel.reform(move |_| (id, kernel_mode_now))}>{ label }</button>
                    }) }
                </span>
                if c == 3 {
                    { switch("On colour", &[(KernelMode::PerChannel, "each channel"), (KernelMode::Luminance, "the luminance")],
                        kernel_mode_now, { let m = kernel_mode.clone(); Callback::from(move |k| m.set(k)) }) }
                }
                { switch("Draw", &[(MapMode::Signed, "signed"), (MapMode::Abs, "|value|"), (MapMode::Relu, "ReLU")],
                    props.mode, props.on_map_mode.clone()) }
            </div>
            if props.picture.is_none() {
                <p class="hint">{ "The input is not a picture yet: choose one above, open your own, or drop or paste one here. Any input is drawn as one, though." }</p>
            } else {
                <p class="hint">{ "Drop or paste a picture here to open it. It stays in this browser: links name only the bundled pictures." }</p>
            }
            <div class="image-maps">
                <figure class="picture">
                    <canvas class="input-picture" width={w.to_string()} height={h.to_string()} style={box_style(w, h)}
                        aria-label={format!("the input picture, {c} channel(s), {h} by {w}")} />
                    <figcaption>{ format!("input {c}\u{00D7}{h}\u{00D7}{w}{}", if c == 3 { " (R, G, B)" } else { "" }) }</figcaption>
                </figure>
                <div class="op-sign" aria-hidden="true">{ "\u{2192}" }</div>
                // Its own container, each map keyed: a change in the number of
                // maps must not make Yew reuse the picture's canvas as a map's.
                <div class="feature-maps">{ for maps }</div>
            </div>
            <p class="size-note">{ format!(
                "output {f_count}\u{00D7}{oh}\u{00D7}{ow}: stride {}, padding {} ({}), dilation {}, groups {}{}",
                axes(g.params.stride), axes(g.params.padding), g.params.padding_mode.name(), axes(g.params.dilation),
                g.params.groups, if t.bias.is_some() { ", with bias" } else { "" }
            ) }</p>
            { readout(t, props.probe) }
        </section>
    }
}

/// The pixel under the pointer, explained: its value (the DOM contract's
/// `data-matrix="output"` readout), the window's input values, the kernel,
/// and the dot product, all from the core's step for that pixel.
fn readout(t: &Forward, probe: Option<[usize; 3]>) -> Html {
    let g = &t.geometry;
    let Some([f, i, j]) = probe.filter(|&p| t.output.get(p).is_some()) else {
        return html! { <p class="hint map-readout">{ "Hover a feature-map pixel to see its window, the kernel and the sum; click it to open that step in the sliding window." }</p> };
    };
    let Some(step) = g.step_of([f, i, j]).and_then(|s| t.step(s)) else { return Html::default() };
    let value = t.output[[f, i, j]];
    let [kh, kw] = g.kernel;
    let grids = (0..g.in_per_group).map(|cl| {
        let window: Vec<Vec<Cell>> = (0..kh)
            .map(|ti| (0..kw).map(|tj| {
                let term = step.term(g, cl, [ti, tj]);
                Cell { marks: mark::TAP, ..Cell::new(format!("{},{ti},{tj}", step.group * g.in_per_group + cl), term.map_or(0.0, |t| t.x)) }
            }).collect())
            .collect();
        let kernel: Vec<Vec<Cell>> = (0..kh)
            .map(|ti| (0..kw).map(|tj| {
                let term = step.term(g, cl, [ti, tj]);
                Cell::new(term.map_or(String::new(), |t| crate::model::grid::index_text(t.weight_index)), term.map_or(0.0, |t| t.w))
            }).collect())
            .collect();
        html! {
            <div class="unit">
                <Matrix name="image_window" caption={format!("window, channel {}", step.group * g.in_per_group + cl)} rows={Rc::new(window)} />
                <div class="op-sign" aria-hidden="true">{ "\u{00D7}" }</div>
                <Matrix name="image_kernel" caption={format!("kernel {f}, channel {cl}")} rows={Rc::new(kernel)} />
            </div>
        }
    });
    html! {
        <div class="map-readout" aria-live="polite">
            <p class="eq-title">
                <span data-matrix="output" data-index={format!("{f},{i},{j}")} data-value={format::full(value)}>
                    { format!("y[{f},{i},{j}] = {}", format::short(value)) }</span>
                { format!(": the window at row {}, column {} of the padded input (click the map to step there)", step.window[0], step.window[1]) }
            </p>
            <div class="matrices">{ for grids }</div>
            <p class="eq">{ step.equation() }</p>
        </div>
    }
}
