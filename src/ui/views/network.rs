//! The network view (#22): a stack of layers on the input. The summary
//! table (`table[data-summary]`: each layer's shape, parameters,
//! multiply-adds, receptive field and jump, with the recurrence written out),
//! the layers to add, remove, reorder and set, and every layer's output as a
//! grid or heatmap. Selecting a cell marks every cell it depends on in every
//! earlier layer (`data-receptive`) and the ones that decided its value
//! (`data-decided`). Every number comes from [`NetResults`] (the core); this
//! view only draws it.

use std::rc::Rc;

use yew::prelude::*;

use crate::conv::network::{Layer, Mask, Probe, Receptive};
use crate::conv::pool::PoolKind;
use crate::conv::{Dims, PaddingMode, Problem};
use crate::model::document::limits;
use crate::model::format::grouped;
use crate::model::network::{self, NetResults, Stack, pair_text};
use crate::model::results::Shared;
use crate::model::state::{BOTH, LayerEdit, LayerKind};
use crate::model::view_state::View;
use crate::ui::widgets::grids::{GridCell, Grids, leads_1, marked};
use crate::ui::widgets::heatmap::Planes;
use crate::ui::widgets::matrix::mark;

/// What the network view reports, each a typed callback (the app maps them to actions).
#[derive(Clone, PartialEq)]
pub struct NetworkEvents {
    /// A cell selected (layer 0: the input), or the selection cleared.
    pub on_probe: Callback<Option<Probe>>,
    pub on_add: Callback<LayerKind>,
    /// Layer index from 0 (the page numbers layers from 1).
    pub on_remove: Callback<usize>,
    /// `(layer, up)`: one place towards the input, or away from it.
    pub on_move: Callback<(usize, bool)>,
    pub on_edit: Callback<(usize, LayerEdit)>,
}

#[derive(Properties, PartialEq)]
pub struct NetworkViewProps {
    /// Its input is the network's input (the rest is the single op's).
    pub problem: Shared<Problem>,
    pub stack: Shared<Stack>,
    pub probe: Option<Probe>,
    pub events: NetworkEvents,
}

/// `"C,H,W"` (1D `"C,W"`), the summary's `data-shape`.
fn shape_attr([c, h, w]: [usize; 3], dims: Dims) -> String {
    if dims == Dims::One { format!("{c},{w}") } else { format!("{c},{h},{w}") }
}

/// `(C, H, W)` as people read it (1D `(C, W)`).
fn shape_text(shape: [usize; 3], dims: Dims) -> String {
    format!("({})", shape_attr(shape, dims).replace(',', ", "))
}

/// `"RH,RW"` (1D: the width alone), the summary's `data-rf` / `data-jump`.
fn pair_attr([h, w]: [usize; 2], dims: Dims) -> String {
    if dims == Dims::One { w.to_string() } else { format!("{h},{w}") }
}

/// What a layer is, in PyTorch's words with its settings: `conv2d 3→16, 3x3, padding 1`.
fn layer_title(layer: &Layer, dims: Dims) -> String {
    match layer {
        Layer::Conv(c) => {
            let (a, b, kh, kw) = c.weight.dim();
            let g = c.hyper.groups.max(1);
            let (cin, cout) = if c.op.is_transposed() { (a, b * g) } else { (b * g, a) };
            let mut parts = vec![format!("{} {cin}\u{2192}{cout}, {}", c.op.name(), pair_text([kh, kw], dims))];
            let h = c.hyper;
            for (name, v, default) in [
                ("stride", h.stride, 1),
                ("padding", h.padding, 0),
                ("dilation", h.dilation, 1),
                ("output_padding", h.output_padding, 0),
            ] {
                if v[1] != default || (dims == Dims::Two && v[0] != default) {
                    parts.push(format!("{name} {}", pair_text(v, dims)));
                }
            }
            if let Some(rule) = h.padding_rule.name() {
                parts.push(format!("padding '{rule}'"));
            }
            if g != 1 {
                parts.push(format!("groups {g}"));
            }
            parts.join(", ")
        }
        Layer::Pool(p) => {
            let name = LayerKind::of(layer).name(dims);
            let mut parts = vec![format!("{name} {}", pair_text(p.kernel, dims))];
            if p.stride != p.kernel {
                parts.push(format!("stride {}", pair_text(p.stride, dims)));
            }
            if p.padding != [0, 0] {
                parts.push(format!("padding {}", pair_text(p.padding, dims)));
            }
            parts.join(", ")
        }
        Layer::Relu => "relu".into(),
        Layer::Pad(p) => {
            let [l, r, t, b] = p.amounts;
            let sides = if dims == Dims::One { format!("({l}, {r})") } else { format!("({l}, {r}, {t}, {b})") };
            format!("pad {sides}, {}", p.mode_name())
        }
    }
}

/// A labelled whole-number field; a value that is not a whole number is
/// ignored (the field shows the layer's value again on the next render).
fn number(label: &'static str, value: usize, min: usize, max: usize, on: Callback<usize>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        if let Ok(n) = input.value().trim().parse::<usize>() {
            on.emit(n.clamp(min, max));
        }
    });
    html! {
        <label class="field">
            <span>{ label }</span>
            <input type="number" inputmode="numeric" min={min.to_string()} max={max.to_string()}
                value={value.to_string()} {onchange} />
        </label>
    }
}

fn check(label: &'static str, on: bool, cb: Callback<bool>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        cb.emit(input.checked());
    });
    html! {
        <label class="field check"><input type="checkbox" checked={on} {onchange} /><span>{ label }</span></label>
    }
}

/// Per-axis fields (1D: the width alone) for one setting.
fn axes_fields(
    label: &'static str,
    value: [usize; 2],
    min: usize,
    max: usize,
    dims: Dims,
    edit: fn(usize, usize) -> LayerEdit,
    on: &Callback<LayerEdit>,
) -> Html {
    let field = |axis: usize, label: &'static str| {
        number(label, value[axis.min(1)], min, max, on.reform(move |n| edit(axis, n)))
    };
    match dims {
        Dims::One => field(1, label),
        // Both axes at once while they agree (the common case): one field, one undo step.
        Dims::Two if value[0] == value[1] => field(BOTH, label),
        Dims::Two => html! { <>{ field(0, label) }{ field(1, "\u{00D7}") }</> },
    }
}

/// The settings of one layer, as fields.
fn layer_fields(layer: &Layer, seed: Option<u64>, dims: Dims, on: &Callback<LayerEdit>) -> Html {
    let (hyper, kernel) = (limits::HYPER, limits::KERNEL);
    match layer {
        Layer::Conv(c) => {
            let (a, b, kh, kw) = c.weight.dim();
            let g = c.hyper.groups.max(1);
            let out = if c.op.is_transposed() { b * g } else { a };
            let h = c.hyper;
            html! {
                <>
                    { number("out channels", out, 1, limits::CHANNELS, on.reform(LayerEdit::OutChannels)) }
                    { axes_fields("kernel", [kh, kw], 1, kernel, dims, LayerEdit::Kernel, on) }
                    { axes_fields("stride", h.stride, 1, hyper, dims, LayerEdit::Stride, on) }
                    { axes_fields("padding", h.padding, 0, hyper, dims, LayerEdit::Padding, on) }
                    { axes_fields("dilation", h.dilation, 1, hyper, dims, LayerEdit::Dilation, on) }
                    if c.op.is_transposed() {
                        { axes_fields("output_padding", h.output_padding, 0, hyper, dims, LayerEdit::OutputPadding, on) }
                    }
                    { number("groups", g, 1, limits::CHANNELS, on.reform(LayerEdit::Groups)) }
                    { check("bias", c.bias.is_some(), on.reform(LayerEdit::Bias)) }
                    { match seed {
                        Some(s) => number("seed", s as usize, 0, 999_999, on.reform(|n: usize| LayerEdit::Seed(n as u64))),
                        None => html! { <span class="hint">{ "weights as typed" }</span> },
                    } }
                </>
            }
        }
        Layer::Pool(p) => html! {
            <>
                { axes_fields("kernel", p.kernel, 1, kernel, dims, LayerEdit::Kernel, on) }
                { axes_fields("stride", p.stride, 1, hyper, dims, LayerEdit::Stride, on) }
                { axes_fields("padding", p.padding, 0, hyper, dims, LayerEdit::Padding, on) }
                if p.kind == PoolKind::Max {
                    { axes_fields("dilation", p.dilation, 1, hyper, dims, LayerEdit::Dilation, on) }
                }
                { check("ceil_mode", p.ceil_mode, on.reform(LayerEdit::CeilMode)) }
                if p.kind == PoolKind::Avg {
                    { check("count_include_pad", p.count_include_pad, on.reform(LayerEdit::CountIncludePad)) }
                }
            </>
        },
        Layer::Relu => Html::default(),
        Layer::Pad(p) => {
            let sides: &[(usize, &'static str)] = if dims == Dims::One {
                &[(0, "left"), (1, "right")]
            } else {
                &[(0, "left"), (1, "right"), (2, "top"), (3, "bottom")]
            };
            let mode = {
                let on = on.clone();
                Callback::from(move |e: Event| {
                    let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                    if let Some(m) = PaddingMode::ALL.iter().find(|m| m.name() == select.value()) {
                        on.emit(LayerEdit::PaddingMode(*m));
                    }
                })
            };
            html! {
                <>
                    { for sides.iter().map(|&(side, label)| number(label, p.amounts[side], 0, hyper, on.reform(move |n| LayerEdit::PadSide(side, n)))) }
                    <label class="field">
                        <span>{ "mode" }</span>
                        <select onchange={mode}>
                            { for PaddingMode::ALL.iter().map(|m| html! {
                                <option value={m.name()} selected={*m == p.mode}>
                                    { if *m == PaddingMode::Zeros { "constant" } else { m.name() } }
                                </option>
                            }) }
                        </select>
                    </label>
                </>
            }
        }
    }
}

/// A menu of the layer kinds, `current` selected.
fn kind_menu(dims: Dims, current: Option<LayerKind>, label: &'static str, on: Callback<LayerKind>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        if let Some(k) = LayerKind::ALL.iter().find(|k| k.name(dims) == select.value()) {
            on.emit(*k);
        }
    });
    html! {
        <select aria-label={label} {onchange}>
            if current.is_none() {
                <option value="" selected=true disabled=true>{ "choose a layer\u{2026}" }</option>
            }
            { for LayerKind::ALL.iter().map(|k| html! {
                <option value={k.name(dims)} selected={Some(*k) == current}>{ k.name(dims) }</option>
            }) }
        </select>
    }
}

/// Marks of cell `index` of layer `k`'s output for the selected probe.
fn marks_of(receptive: Option<&Receptive>, probe: Option<Probe>, k: usize, index: [usize; 3]) -> u32 {
    let mut m = 0;
    if let Some(r) = receptive {
        let has = |masks: &[Mask]| masks.get(k).is_some_and(|mask| mask.contains(index));
        if has(&r.structural) {
            m |= mark::RECEPTIVE;
        }
        if has(&r.decided) {
            m |= mark::DECIDED;
        }
    }
    if probe == Some(Probe { layer: k, index }) {
        m |= mark::SELECTED;
    }
    m
}

#[component]
pub fn NetworkView(props: &NetworkViewProps) -> Html {
    let dims = props.problem.dims();
    // Every layer's output, once per input and stack (here, so the evaluation's
    // code is fetched with this view's chunk, not with the first screen).
    let results = &*use_memo((props.problem.clone(), props.stack.clone()), |(problem, stack)| {
        Shared(Rc::new(NetResults::new(problem.dims(), &problem.input, stack)))
    });
    // The marks of the selected cell: one pass back through the stack per selection.
    let receptive = {
        let results = results.clone();
        use_memo((results.clone(), props.probe), move |(_, probe)| probe.and_then(|p| results.receptive(p)))
    };
    // Heatmap values once per result: a click then redraws only the marks, not every map.
    let planes = use_memo(results.clone(), |r| r.eval.outputs.iter().map(|o| Planes::of3(o)).collect::<Vec<_>>());
    // The cells that carry a mark, by layer and channel: a heatmap evaluates its cells there alone.
    let marked_cells = use_memo((results.clone(), props.probe), {
        let receptive = receptive.clone();
        move |(results, probe)| {
            let mut cells: Vec<Vec<Vec<[usize; 2]>>> =
                results.eval.outputs.iter().map(|o| vec![Vec::new(); o.dim().0]).collect();
            if let Some(r) = receptive.as_ref() {
                for (k, mask) in r.structural.iter().enumerate() {
                    for [c, i, j] in mask.cells() {
                        if let Some(list) = cells.get_mut(k).and_then(|l| l.get_mut(c)) {
                            list.push([i, j]);
                        }
                    }
                }
            }
            if let Some(Probe { layer, index: [c, i, j] }) = *probe
                && let Some(list) = cells.get_mut(layer).and_then(|l| l.get_mut(c))
            {
                list.push([i, j]);
            }
            cells
        }
    });
    let failing = results.eval.error.as_ref().map(|e| e.layer);
    let first_transposed = results.first_transposed();
    let (params, macs) = results.totals();

    let summary = html! {
        <table class="summary" data-summary="" aria-label="Layers: shapes, parameters, multiply-adds, receptive field">
            <thead>
                <tr>
                    <th scope="col">{ "layer" }</th>
                    <th scope="col">{ "op" }</th>
                    <th scope="col">{ "output" }</th>
                    <th scope="col">{ "parameters" }</th>
                    <th scope="col">{ "multiply-adds" }</th>
                    <th scope="col">{ "receptive field" }</th>
                    <th scope="col">{ "jump" }</th>
                </tr>
            </thead>
            <tbody>
                { for results.summary.iter().enumerate().map(|(k, row)| {
                    let op = if k == 0 { "input".to_string() } else { layer_title(&results.network.layers[k - 1], dims) };
                    let rf = row.rf.map(|r| pair_attr(r, dims));
                    let jump = row.jump.map(|j| pair_attr(j, dims));
                    let rf_cell = match (row.rf, network::recurrence_text(row, dims)) {
                        (Some(r), Some(text)) => html! { <><strong>{ pair_text(r, dims) }</strong><span class="recurrence">{ text }</span></> },
                        (Some(r), None) => html! { <strong>{ pair_text(r, dims) }</strong> },
                        (None, _) => html! { <span class="hint">{ "not by the recurrence" }</span> },
                    };
                    html! {
                        <tr data-layer={k.to_string()} data-shape={shape_attr(row.shape, dims)}
                            data-params={row.params.to_string()} data-macs={row.macs.to_string()}
                            data-rf={rf} data-jump={jump.clone()}>
                            <th scope="row">{ k }</th>
                            <td>{ op }</td>
                            <td>{ shape_text(row.shape, dims) }</td>
                            <td class="num">{ grouped(row.params as u64) }</td>
                            <td class="num">{ grouped(row.macs) }</td>
                            <td>{ rf_cell }</td>
                            <td>{ row.jump.map(|j| pair_text(j, dims)).unwrap_or_else(|| "\u{2014}".into()) }</td>
                        </tr>
                    }
                }) }
            </tbody>
            <tfoot>
                <tr data-total="" data-params={params.to_string()} data-macs={macs.to_string()}>
                    <th scope="row" colspan="3">{ "whole stack" }</th>
                    <td class="num">{ grouped(params as u64) }</td>
                    <td class="num">{ grouped(macs) }</td>
                    <td colspan="2"></td>
                </tr>
            </tfoot>
        </table>
    };

    let layers = html! {
        <ol class="layers" aria-label="Layers">
            { for props.stack.layers.iter().enumerate().map(|(i, entry)| {
                let k = i + 1;
                let on = props.events.on_edit.reform(move |edit| (i, edit));
                let error = results.eval.error.as_ref().filter(|e| e.layer == k).map(|e| e.error.to_string());
                let after_failure = failing.is_some_and(|f| k > f);
                html! {
                    <li class="layer" data-layer-editor={k.to_string()} aria-invalid={error.is_some().then_some("true")}>
                        <div class="layer-head">
                            <strong>{ format!("{k}.") }</strong>
                            { kind_menu(dims, Some(LayerKind::of(&entry.layer)), "Layer kind", on.reform(LayerEdit::Kind)) }
                            <button type="button" aria-label={format!("Move layer {k} up")} disabled={i == 0}
                                onclick={props.events.on_move.reform(move |_| (i, true))}>{ "\u{2191}" }</button>
                            <button type="button" aria-label={format!("Move layer {k} down")}
                                disabled={k == props.stack.layers.len()}
                                onclick={props.events.on_move.reform(move |_| (i, false))}>{ "\u{2193}" }</button>
                            <button type="button" aria-label={format!("Remove layer {k}")}
                                onclick={props.events.on_remove.reform(move |_| i)}>{ "\u{2715}" }</button>
                        </div>
                        <div class="layer-fields">{ layer_fields(&entry.layer, entry.seed, dims, &on) }</div>
                        if let Some(message) = error {
                            <p class="layer-error" role="alert">{ format!("Layer {k} cannot take its input: {message}") }</p>
                        } else if after_failure {
                            <p class="hint">{ "Waits for the layer above." }</p>
                        }
                    </li>
                }
            }) }
        </ol>
    };
    let add = {
        let on_add = props.events.on_add.clone();
        html! {
            <div class="add-layer">
                <label>
                    <span>{ "Add a layer at the end: " }</span>
                    { kind_menu(dims, None, "Add a layer", on_add) }
                </label>
            </div>
        }
    };

    let outputs = html! {
        <div class="layer-outputs">
            { for results.eval.outputs.iter().enumerate().map(|(k, out)| {
                let (c, h, w) = out.dim();
                let name = if k == 0 { "input" } else { "layer_output" };
                let title = if k == 0 {
                    format!("Input {}", shape_text([c, h, w], dims))
                } else {
                    format!("Layer {k}: {} \u{2192} {}", layer_title(&results.network.layers[k - 1], dims), shape_text([c, h, w], dims))
                };
                let receptive = receptive.as_ref().as_ref();
                let probe = props.probe;
                let cell = move |lead: &[usize], [i, j]: [usize; 2]| {
                    let index = [lead[0], i, j];
                    marked(out[index], marks_of(receptive, probe, k, index))
                };
                let on_click = props.events.on_probe.reform(move |(lead, [i, j]): GridCell| {
                    Some(Probe { layer: k, index: [lead[0], i, j] })
                });
                let marked_cells = &marked_cells;
                let marked = move |lead: &[usize]| {
                    marked_cells.get(k).and_then(|l| l.get(lead[0])).cloned().unwrap_or_default()
                };
                html! {
                    <section class="layer-output" data-layer-output={k.to_string()}>
                        <h3>{ title }</h3>
                        <div class="layer-grids">
                            { Grids::new(name, dims, if k == 0 { "input".to_string() } else { format!("y{k}") }, [h, w], &cell)
                                .per(&["channel"], leads_1(c))
                                .layer(k)
                                .planes(&planes[k], &marked)
                                .on_click(on_click)
                                .render() }
                        </div>
                    </section>
                }
            }) }
        </div>
    };

    let words = match (props.probe, receptive.as_ref()) {
        (Some(p), Some(r)) => network::receptive_words(results, p, r, dims),
        _ => "Select a cell of any layer: every cell it depends on is outlined in every earlier layer, \
              and the ones that decided its value are filled."
            .into(),
    };
    html! {
        <section class="view network-view" aria-label={View::Network.label(false)}>
            if props.stack.layers.is_empty() {
                <p class="view-note">{ "No layers yet: add one below, or open an example from the Networks group of the Examples menu. \
                    Each layer takes the output of the one above; the input is the one in the editors." }</p>
            }
            <div class="summary-scroll">{ summary }</div>
            if let Some(t) = first_transposed {
                <p class="hint transposed-note" role="note">{ format!(
                    "From layer {t} on, the recurrence does not apply: a transposed convolution spreads each of its input \
                     cells over several output cells (stride apart), so neighbouring outputs are not a fixed input distance \
                     apart and one output's field is not a window. The marks still show exactly which cells each value depends on."
                ) }</p>
            }
            <div class="network-body">
                <div class="network-layers">
                    <h3>{ "Layers" }</h3>
                    { layers }
                    { add }
                </div>
                <div class="network-outputs">
                    <p class="receptive-note" role="status">{ words }</p>
                    if props.probe.is_some() {
                        <button type="button" class="clear-probe" onclick={props.events.on_probe.reform(|_| None)}>{ "Clear the selection" }</button>
                    }
                    { outputs }
                </div>
            </div>
        </section>
    }
}
