//! Image mode (issue #9): the learner's kernels on a picture. The picture is
//! the problem's input `(C, H, W)` (C = 1 grey or 3 for R, G, B; values
//! `pixel / 255`), so every other view works on it too. Each filter's output
//! `(OH, OW)` is drawn on its own canvas, one `putImageData` per map: in the
//! heatmaps' signed colours, or black to white where it has no negative value.
//! The pixel under the pointer is explained beside the map from the core's
//! on-demand step: its window, the kernel and the dot product. Its effects are
//! hooks: drawing (`use_canvas`), decoding (`use_decode`) and pasting
//! (`use_paste`).

use std::rc::Rc;

use yew::prelude::*;

use crate::conv::{Forward, Problem};
use crate::effects::use_canvas::Pixels;
use crate::effects::use_decode::{Decoded, first_picture};
use crate::effects::{use_canvas, use_decode, use_paste};
use crate::model::document::PictureRef;
use crate::model::equation;
use crate::model::format;
use crate::model::picture::{self, MapScale};
use crate::model::results::Shared;
use crate::model::state::{KernelMode, MapMode};
use crate::model::view_state::View;
use crate::ui::widgets::grids::switch;
use crate::ui::widgets::heatmap::{cell_at as pixel_at, colour_legend, colour_pixels, grey_pixels, one_sided_legend};
use crate::ui::widgets::matrix::{Cell, Matrix, mark};

#[derive(Properties, PartialEq)]
pub struct ImageViewProps {
    pub forward: Shared<Forward>,
    pub problem: Shared<Problem>,
    pub picture: Option<PictureRef>,
    pub mode: MapMode,
    /// How the classic kernels apply to a colour picture.
    pub kernel_mode: KernelMode,
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
    /// Classic kernels per channel or over the luminance (the kernel shown follows).
    pub on_kernel_mode: Callback<KernelMode>,
    /// How the maps are drawn.
    pub on_map_mode: Callback<MapMode>,
    /// The pointer entered feature-map pixel `[f, i, j]`.
    pub on_map_probe: Callback<[usize; 3]>,
    /// A feature-map pixel clicked: its step in the sliding window, to open there.
    pub on_open_step: Callback<usize>,
}

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

/// A map's range as drawn: its lowest and highest value, and its colour scale.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Range {
    low: f64,
    high: f64,
    scale: MapScale,
}

/// The range of filter `f`'s map drawn in `mode`.
fn range_of(t: &Forward, f: usize, mode: MapMode) -> Range {
    let plane = t.output.index_axis(ndarray::Axis(0), f);
    let (low, high) = plane
        .iter()
        .map(|&v| shown(v, mode))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    Range { low, high, scale: MapScale::of(plane.iter().map(|&v| shown(v, mode))) }
}

/// The picture: R, G, B for three channels, grey for one (or the first
/// channel of another count), values in [0, 1].
fn picture_pixels(input: &ndarray::Array3<f64>) -> Pixels {
    let (c, h, w) = input.dim();
    let byte = |v: f64| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    let mut rgba = Vec::with_capacity(h * w * 4);
    for i in 0..h {
        for j in 0..w {
            let (r, g, b) = if c == 3 {
                (input[[0, i, j]], input[[1, i, j]], input[[2, i, j]])
            } else {
                let v = input[[0, i, j]];
                (v, v, v)
            };
            rgba.extend_from_slice(&[byte(r), byte(g), byte(b), 255]);
        }
    }
    Pixels { width: w, height: h, rgba }
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

#[component]
pub fn ImageView(props: &ImageViewProps) -> Html {
    let t = &props.forward;
    let g = &t.geometry;
    let [f_count, oh, ow] = g.output_shape();
    let (c, h, w) = props.problem.input.dim();
    // Each map's range, once per result and drawing mode (not per hover).
    let ranges = use_memo((t.clone(), props.mode), |(t, mode)| {
        (0..t.output.dim().0).map(|f| range_of(t, f, *mode)).collect::<Vec<_>>()
    });
    // The picture is drawn when it changes, not on every weight edit.
    let picture_canvas = use_node_ref();
    use_canvas(vec![picture_canvas.clone()], InputOf(props.problem.clone()), |InputOf(problem), _| {
        picture_pixels(&problem.input)
    });
    // Every map when the output or the drawing mode changes: one putImageData each.
    let map_canvases = use_memo(f_count, |&n| (0..n).map(|_| NodeRef::default()).collect::<Vec<_>>());
    use_canvas((*map_canvases).clone(), (t.clone(), props.mode, ranges.clone()), |(t, mode, ranges), f| {
        let plane = t.output.index_axis(ndarray::Axis(0), f);
        let (rows, cols) = plane.dim();
        let values = plane.iter().map(|&v| shown(v, *mode));
        match ranges.get(f).map_or(MapScale::OneSided { high: 1.0 }, |r| r.scale) {
            MapScale::Signed { scale } => colour_pixels(values, cols, rows, scale),
            MapScale::OneSided { high } => grey_pixels(values, cols, rows, high),
        }
    });
    // How far down the maps the one pointed at begins, in CSS pixels: the
    // readout stands there, beside it (a place on the page, not app state).
    let readout_top = use_state_eq(|| 0);
    // A picture picked, dropped or pasted (anywhere, while this view is shown).
    let open = use_decode(props.on_own_picture.clone());
    use_paste(open.clone());
    let on_file = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>();
            if let Some(file) = first_picture(input.as_ref().and_then(|i| i.files())) {
                open.emit(file);
            }
            // The same file chosen again is a change too.
            if let Some(i) = input {
                i.set_value("");
            }
        })
    };
    let on_drop = Callback::from(move |e: DragEvent| {
        e.prevent_default();
        if let Some(file) = first_picture(e.data_transfer().and_then(|t| t.files())) {
            open.emit(file);
        }
    });
    let maps = map_canvases
        .iter()
        .enumerate()
        .map(|(f, canvas)| feature_map(props, f, canvas.clone(), ranges.get(f).copied(), &readout_top));

    html! {
        <section class="view image-view" aria-label={View::Image.label(false)}
            ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop}>
            { controls(props, on_file) }
            // The maps and, beside them, the readout of the pixel pointed at.
            <div class="image-body">
                <div class="image-maps">
                    <figure class="picture">
                        <canvas ref={picture_canvas} class="input-picture" width={w.to_string()} height={h.to_string()} style={box_style(w, h)}
                            aria-label={format!("the input picture, {c} channel(s), {h} by {w}")} />
                        <figcaption>{ format!("input {c}\u{00D7}{h}\u{00D7}{w}{}", if c == 3 { " (R, G, B)" } else { "" }) }</figcaption>
                    </figure>
                    <div class="op-sign" aria-hidden="true">{ "\u{2192}" }</div>
                    // Its own container, each map keyed: a change in the number of
                    // maps must not make Yew reuse the picture's canvas as a map's.
                    <div class="feature-maps">{ for maps }</div>
                </div>
                // The readout's column: it starts level with the map pointed at, and
                // keeps on screen while the maps scroll (sticky at the top and bottom).
                <div class="readout-column">
                    <div class="readout-spacer" aria-hidden="true" style={format!("height:{}px", *readout_top)}></div>
                    { readout(t, props.probe) }
                </div>
            </div>
            <p class="size-note">{ format!(
                "output {f_count}\u{00D7}{oh}\u{00D7}{ow}: stride {}, padding {} ({}), dilation {}, groups {}{}",
                axes(g.params.stride),
                g.params.padding_rule.name().map_or_else(|| axes(g.params.padding), |rule| format!("'{rule}'")),
                g.params.padding_mode.name(), axes(g.params.dilation),
                g.params.groups, if t.bias.is_some() { ", with bias" } else { "" }
            ) }</p>
        </section>
    }
}

/// The picture (bundled, your own, grey or colour), the classic kernels and
/// how the maps are drawn; what went wrong opening a picture.
fn controls(props: &ImageViewProps, on_file: Callback<Event>) -> Html {
    let c = props.problem.input.dim().0;
    let grey = c == 1;
    let bundled = match props.picture {
        Some(PictureRef::Bundled { name, .. }) => Some(name),
        _ => None,
    };
    let own = props.picture == Some(PictureRef::Own);
    let kernel_mode_now = props.kernel_mode;
    html! {
        <>
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
                        kernel_mode_now, props.on_kernel_mode.clone()) }
                }
                { switch("Draw", &[(MapMode::Signed, "signed"), (MapMode::Abs, "|value|"), (MapMode::Relu, "ReLU")],
                    props.mode, props.on_map_mode.clone()) }
            </div>
            if props.picture.is_none() {
                <p class="hint">{ "The input is not a picture yet: choose one above, open your own, or drop or paste one here. Any input is drawn as one, though." }</p>
            } else {
                <p class="hint">{ "Drop or paste a picture here to open it. It stays in this browser: links name only the bundled pictures." }</p>
            }
        </>
    }
}

/// Filter `f`'s output on its canvas, with its colour legend and range. A
/// hover names the pixel under the pointer; a click opens its step.
fn feature_map(
    props: &ImageViewProps,
    f: usize,
    canvas: NodeRef,
    range: Option<Range>,
    readout_top: &UseStateHandle<i32>,
) -> Html {
    let g = &props.forward.geometry;
    let [_, oh, ow] = g.output_shape();
    let Range { low, high, scale } =
        range.unwrap_or(Range { low: 0.0, high: 0.0, scale: MapScale::OneSided { high: 1.0 } });
    let name = picture::map_name(g.in_channels, g.params.groups, g.out_channels, f);
    // Leaving the map keeps the last pixel: its readout beside the maps stays
    // to be read. Moving within one pixel sends nothing.
    let onmousemove = {
        let (on_probe, probe, readout_top) = (props.on_map_probe.clone(), props.probe, readout_top.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(top) = top_in_body(&e) {
                readout_top.set(top);
            }
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
            <canvas ref={canvas} data-feature-map={f.to_string()} data-shape={format!("{oh},{ow}")} width={ow.to_string()} height={oh.to_string()}
                style={box_style(ow, oh)} {onmousemove} {onclick}
                data-scale={match scale { MapScale::Signed { .. } => "signed", MapScale::OneSided { .. } => "one-sided" }}
                aria-label={format!("feature map {name}, {oh} by {ow}: hover a pixel to see how it is computed, click to open its step")} />
            <figcaption>
                <span class="map-name">{ name }</span>
                { match scale {
                    MapScale::Signed { scale } => colour_legend(scale, true),
                    MapScale::OneSided { high } => one_sided_legend(high),
                } }
                <span class="range">{ format!("values {} to {}", format::short(low), format::short(high)) }</span>
            </figcaption>
        </figure>
    }
}

/// How far below the top of the maps' box (`.image-body`) the canvas of a
/// pointer event begins, in whole CSS pixels.
fn top_in_body(e: &MouseEvent) -> Option<i32> {
    use wasm_bindgen::JsCast;
    let canvas = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let body = canvas.closest(".image-body").ok()??;
    let top = canvas.get_bounding_client_rect().top() - body.get_bounding_client_rect().top();
    Some(top.round() as i32)
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
            <p class="eq">{ equation::forward_step(&step) }</p>
        </div>
    }
}
