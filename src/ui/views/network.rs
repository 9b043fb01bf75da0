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

use crate::conv::index::ravel;
use crate::conv::network::{Layer, LayerSummary, Probe, Receptive};
use crate::conv::pool::{PoolKind, PoolWalk};
use crate::conv::{Dims, PaddingMode, Problem};
use crate::model::document::{Document, limits};
use crate::model::export;
use crate::model::format::grouped;
use crate::model::network::{self, NetResults, Stack, pair_text, shape_text};
use crate::model::network_practice::{self as net_practice, Hidden, NetLevel, NetQuestion, NetQuiz, NetVerdict};
use crate::model::results::Shared;
use crate::model::sequential::{self, Pasted};
use crate::model::size_formula;
use crate::model::state::{BOTH, LayerEdit, LayerKind, NetPractice};
use crate::model::view_state::PoolPanel;
use crate::model::view_state::View;
use crate::ui::panels::practice::{NewProblem, PracticeOn, on_enter, typed};
use crate::ui::views::pool_panel::{PlayerState, PoolEvents, pool_panel, practice_fits};
use crate::ui::widgets::grids::{GridCell, Grids, leads_1, marked};
use crate::ui::widgets::heatmap::{DOM_CELLS, Planes};
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
    /// A convolution layer (from 0) opened in the single-op views.
    pub on_open: Callback<usize>,
    /// The pooling panel: its layer (from 0) opened, or closed; its walk; its player.
    pub pool: PoolEvents,
    /// Practice's questions on the stack.
    pub practice: NetPracticeEvents,
    /// A `torch.nn.Sequential(...)`'s text, read (see [`sequential`]) and to build the stack from.
    pub on_paste: Callback<Pasted>,
}

/// What the network view's practice panel reports.
#[derive(Clone, PartialEq)]
pub struct NetPracticeEvents {
    /// Another question picked.
    pub on_ask: Callback<NetQuestion>,
    /// `(axis, text)`: a number typed in field `axis` (0 the first).
    pub on_type: Callback<(usize, String)>,
    /// Check (Enter or the button).
    pub on_check: Callback<()>,
    pub on_reveal: Callback<()>,
    pub on_next: Callback<()>,
    /// "New problem": a stack at this level, drawn from this seed.
    pub on_new: Callback<(NetLevel, Box<Document>)>,
}

/// Practice in the network view: the learner's progress, whether an answer
/// may be revealed (`"reveal": false` forbids it), and the session's score.
#[derive(Clone, PartialEq)]
pub struct NetPracticeOn {
    pub state: NetPractice,
    pub reveal: bool,
    pub score: u32,
    pub streak: u32,
}

#[derive(Properties, PartialEq)]
pub struct NetworkViewProps {
    /// Its input is the network's input (the rest is the single op's).
    pub problem: Shared<Problem>,
    pub stack: Shared<Stack>,
    pub probe: Option<Probe>,
    /// The pooling layer stepped through, and the player's state.
    pub pool: Option<PoolPanel>,
    pub player: PlayerState,
    pub events: NetworkEvents,
    /// Practice on: its questions, and the answers it hides.
    pub practice: Option<NetPracticeOn>,
    /// Practice on: the pooling panel's cells, asked one by one as in the
    /// single-op views (the learner's answer, hints, the cells answered).
    pub pool_practice: Option<PracticeOn>,
}

/// `"C,H,W"` (1D `"C,W"`), the summary's `data-shape`.
fn shape_attr([c, h, w]: [usize; 3], dims: Dims) -> String {
    if dims == Dims::One { format!("{c},{w}") } else { format!("{c},{h},{w}") }
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

/// The button that takes layer `k` (from 1) into its own steps: a
/// convolution opens in the single-op views, a pooling layer steps here.
/// None for the others, and while the layer cannot run.
fn into_layer(layer: &Layer, k: usize, broken: bool, events: &NetworkEvents) -> Html {
    let i = k - 1;
    let (text, label, onclick) = match layer {
        Layer::Conv(c) => {
            let place = if c.op.is_transposed() { "the transposed view" } else { "the sliding window" };
            (format!("Open in {place}"), format!("Open in {place}: layer {k}"), events.on_open.reform(move |_| i))
        }
        Layer::Pool(_) => (
            "Step through".to_string(),
            format!("Step through: layer {k}"),
            events.pool.on_layer.reform(move |_| Some(i)),
        ),
        Layer::Relu | Layer::Pad(_) => return Html::default(),
    };
    html! {
        <button type="button" class="open-layer" aria-label={label} disabled={broken} {onclick}>{ text }</button>
    }
}

/// The marks on one layer's output for the cell shown (selected, or pointed
/// at): by channel, each marked cell `([i, j], marks)`, row-major. Compared
/// by value, so a layer whose marks did not change is not rendered again, and
/// a heatmap gets its marked cells alone (never a pass over all its cells).
#[derive(Debug, Default, PartialEq)]
pub struct LayerMarks(Vec<Vec<([usize; 2], u32)>>);

impl LayerMarks {
    /// Layer `k`'s (0: the input) marks, for a layer of `channels` channels.
    fn of(receptive: Option<&Receptive>, probe: Option<Probe>, k: usize, channels: usize) -> LayerMarks {
        let mut by_channel = vec![Vec::new(); channels];
        if let Some(r) = receptive
            && let Some(mask) = r.structural.get(k)
        {
            // The decided cells are a subset of the structural ones: one pass over those.
            let decided = r.decided.get(k);
            for index @ [c, i, j] in mask.cells() {
                let m = if decided.is_some_and(|d| d.contains(index)) {
                    mark::RECEPTIVE | mark::DECIDED
                } else {
                    mark::RECEPTIVE
                };
                if let Some(list) = by_channel.get_mut(c) {
                    list.push(([i, j], m));
                }
            }
        }
        if let Some(Probe { layer, index: [c, i, j] }) = probe
            && layer == k
            && let Some(list) = by_channel.get_mut(c)
        {
            match list.binary_search_by_key(&[i, j], |(at, _)| *at) {
                Ok(at) => list[at].1 |= mark::SELECTED,
                Err(at) => list.insert(at, ([i, j], mark::SELECTED)),
            }
        }
        LayerMarks(by_channel)
    }

    /// The marks of cell `(i, j)` of channel `c`.
    fn at(&self, c: usize, cell: [usize; 2]) -> u32 {
        let Some(list) = self.0.get(c) else { return 0 };
        list.binary_search_by_key(&cell, |(at, _)| *at).map_or(0, |at| list[at].1)
    }

    /// The marked cells of channel `c`.
    fn cells(&self, c: usize) -> Vec<[usize; 2]> {
        self.0.get(c).map(|list| list.iter().map(|(at, _)| *at).collect()).unwrap_or_default()
    }
}

/// One row of the summary table: layer `k`'s shape, parameters,
/// multiply-adds, receptive field and jump, with `hide`'s cells (and their
/// `data-` attributes) left out while they are practice's questions.
fn summary_row(results: &NetResults, k: usize, row: &LayerSummary, dims: Dims, hide: Hidden) -> Html {
    let op = if k == 0 { "input".to_string() } else { layer_title(&results.network.layers[k - 1], dims) };
    let withheld = || html! { <span class="withheld-cell" title="a practice question">{ "?" }</span> };
    let rf = row.rf.filter(|_| !hide.rf).map(|r| pair_attr(r, dims));
    let jump = row.jump.filter(|_| !hide.rf).map(|j| pair_attr(j, dims));
    let rf_cell = match (row.rf, network::recurrence_text(row, dims)) {
        (Some(_), _) if hide.rf => withheld(),
        (Some(r), Some(text)) => {
            html! { <><strong>{ pair_text(r, dims) }</strong><span class="recurrence">{ text }</span></> }
        }
        (Some(r), None) => html! { <strong>{ pair_text(r, dims) }</strong> },
        (None, _) => html! { <span class="hint">{ "not by the recurrence" }</span> },
    };
    let jump_cell = match row.jump {
        Some(_) if hide.rf => withheld(),
        Some(j) => html! { pair_text(j, dims) },
        None => html! { "\u{2014}" },
    };
    html! {
        <tr data-layer={k.to_string()} data-shape={(!hide.shape).then(|| shape_attr(row.shape, dims))}
            data-params={(!hide.params).then(|| row.params.to_string())}
            data-macs={(!hide.macs).then(|| row.macs.to_string())}
            data-rf={rf} data-jump={jump}>
            <th scope="row">{ k }</th>
            <td>{ op }</td>
            <td>{ if hide.shape { withheld() } else { html! { shape_text(row.shape, dims) } } }</td>
            <td class="num">{ if hide.params { withheld() } else { html! { grouped(row.params as u64) } } }</td>
            <td class="num">{ if hide.macs { withheld() } else { html! { grouped(row.macs) } } }</td>
            <td>{ rf_cell }</td>
            <td>{ jump_cell }</td>
        </tr>
    }
}

/// The whole stack's parameters and multiply-adds: each total waits for
/// every row's (a total less the rows shown would give the hidden one away).
fn totals_row(params: usize, macs: u64, hidden: &[Hidden]) -> Html {
    let (hide_params, hide_macs) = (hidden.iter().any(|h| h.params), hidden.iter().any(|h| h.macs));
    let cell = |hide: bool, n: u64| {
        if hide {
            html! { "?" }
        } else {
            html! { grouped(n) }
        }
    };
    html! {
        <tr data-total="" data-params={(!hide_params).then(|| params.to_string())}
            data-macs={(!hide_macs).then(|| macs.to_string())}>
            <th scope="row" colspan="3">{ "whole stack" }</th>
            <td class="num">{ cell(hide_params, params as u64) }</td>
            <td class="num">{ cell(hide_macs, macs) }</td>
            <td colspan="2"></td>
        </tr>
    }
}

/// What practice holds back of a layer's output.
#[derive(Clone, PartialEq, Default)]
enum Held {
    #[default]
    Nothing,
    /// Its shape is a question: its cells would count it out.
    Shape,
    /// The pooling panel asks for its cells: these (flat, `(C, H, W)`
    /// row-major) are not answered yet.
    Cells(Rc<Vec<bool>>),
    /// A later layer than pooling layer `p`, whose cells are asked: its
    /// values would give them away (a ReLU after a pool repeats them).
    After(usize),
}

/// Where layer `k`'s grids would be while practice holds them back, and why.
fn withheld(k: usize, title: &str, why: &str) -> Html {
    html! {
        <section class="layer-output" data-layer-output={k.to_string()}>
            <h3>{ format!("Layer {k}: {title}") }</h3>
            <p class="size-hidden" data-withheld={k.to_string()}>{ why.to_string() }</p>
        </section>
    }
}

/// Why pooling layer `k`'s panel waits: the shapes still asked of its input and output.
fn pool_withheld(k: usize, hides: &dyn Fn(usize) -> Hidden) -> String {
    let asked: Vec<String> =
        [k - 1, k].into_iter().filter(|&l| l > 0 && hides(l).shape).map(|l| l.to_string()).collect();
    let which = match asked.as_slice() {
        [one] => format!("the shape of layer {one}"),
        _ => format!("the shapes of layers {}", asked.join(" and ")),
    };
    format!("Answer {which} first: the steps of layer {k} show then.")
}

/// The question in words, about layer `k` (`title`: what the layer is).
fn question_words(quiz: NetQuiz, k: usize, title: &str, dims: Dims) -> String {
    let field = if dims == Dims::One { "R" } else { "RH \u{00D7} RW" };
    let shape = if dims == Dims::One { "(C, W)" } else { "(C, H, W)" };
    match quiz {
        NetQuiz::Shape => format!("What shape {shape} comes out of layer {k} ({title})?"),
        NetQuiz::ReceptiveField => format!(
            "How many input cells does one output cell of layer {k} ({title}) see: its receptive field, {field}?"
        ),
        NetQuiz::Params => format!("How many learnable numbers (weights and bias) does layer {k} ({title}) have?"),
    }
}

/// How to work the answer out, said after a wrong one (the formulas, never the numbers).
fn how_to(quiz: NetQuiz) -> String {
    match quiz {
        NetQuiz::Shape => format!(
            "Each spatial size is {} for a convolution or a pool, where {}; C is a convolution's out \
             channels (a pool or ReLU keeps it; a ReLU keeps the whole shape; padding adds its sides).",
            size_formula::DIRECT,
            size_formula::LEGEND
        ),
        NetQuiz::ReceptiveField => {
            "Start from r = 1 and j = 1 at the input; each window layer gives r = r + (k - 1)\u{00B7}d\u{00B7}j \
             and j = j\u{00B7}s, with its kernel k, dilation d and stride s (a ReLU or padding keeps both)."
                .into()
        }
        NetQuiz::Params => {
            "A convolution has C_out\u{00B7}(C_in/groups)\u{00B7}KH\u{00B7}KW weights and C_out biases; a transposed \
             one C_in\u{00B7}(C_out/groups)\u{00B7}KH\u{00B7}KW weights and C_out biases."
                .into()
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct NetPracticePanelProps {
    pub results: Shared<NetResults>,
    pub dims: Dims,
    pub on: NetPracticeOn,
    pub events: NetPracticeEvents,
}

/// Practice's panel in the network view: which question about which layer,
/// a field per number asked, Check, Reveal and Next, the verdict (with the
/// answer once answered right or revealed), a new stack by level, the score.
#[component]
pub fn NetPracticePanel(props: &NetPracticePanelProps) -> Html {
    let (results, dims, p, ev) = (&props.results, props.dims, &props.on.state, &props.events);
    let list = net_practice::questions(&results.network, &results.summary);
    let asked = p.on_screen(&list);
    let title = |k: usize| layer_title(&results.network.layers[k - 1], dims);
    let picker = {
        let on_ask = ev.on_ask.clone();
        let options = list.clone();
        let onchange = Callback::from(move |e: Event| {
            let key = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            if let Some(q) = options.iter().find(|q| q.key() == key) {
                on_ask.emit(*q);
            }
        });
        html! {
            <label>{ "Question " }
                <select aria-label="Question" {onchange}>
                    { for list.iter().map(|q| html! {
                        <option value={q.key()} selected={Some(*q) == asked}>
                            { format!("Layer {}: {}{}", q.layer, q.quiz.title(), if p.shown.contains(q) { " \u{2713}" } else { "" }) }
                        </option>
                    }) }
                </select>
            </label>
        }
    };
    let bar = html! {
        <div class="quiz-bar">
            if !list.is_empty() { { picker } }
            <NewProblem<NetLevel> shown={p.level} label="Level of a new stack" on_new={ev.on_new.clone()} />
            <span class="score">{ format!("Score {} \u{00B7} streak {}", props.on.score, props.on.streak) }</span>
        </div>
    };
    let Some(q) = asked else {
        return html! {
            <div class="quiz net-practice" role="region" aria-label="Practice">
                { bar }
                <p class="hint">{ "No layer to ask about yet: add one, or draw a new problem." }</p>
            </div>
        };
    };
    let axes = q.quiz.axes(dims);
    let expected = net_practice::answer(&results.summary, dims, q).unwrap_or_default();
    let answer = net_practice::answer_text(q.quiz, &expected);
    let fields = axes.iter().enumerate().map(|(axis, name)| {
        let onkeydown = on_enter(&ev.on_check);
        html! {
            <label>{ format!("{name} ") }
                <input type="text" inputmode="numeric" size="4" spellcheck="false" data-practice={q.quiz.name()}
                    data-layer={q.layer.to_string()} data-axis={*name}
                    aria-label={format!("layer {}: {}, {name}", q.layer, q.quiz.title())}
                    value={p.typed.get(axis).cloned().unwrap_or_default()} {onkeydown}
                    oninput={ev.on_type.reform(move |e: InputEvent| (axis, typed(&e)))} />
            </label>
        }
    });
    let typed: Vec<String> = p.typed.iter().take(axes.len()).map(|t| t.trim().to_string()).collect();
    let verdict = match &p.verdict {
        Some(NetVerdict::Right) => {
            html! { <p class="verdict right" data-verdict="right">{ format!("Right: {answer}.") }</p> }
        }
        Some(NetVerdict::Revealed) => {
            html! { <p class="verdict revealed" data-verdict="revealed">{ format!("Revealed: {answer}.") }</p> }
        }
        Some(NetVerdict::Wrong) => html! {
            <>
                <p class="verdict wrong" data-verdict="wrong">{ format!("Not {}.", net_practice::answer_text(q.quiz, &typed)) }</p>
                <p class="hint" data-how="">{ how_to(q.quiz) }</p>
            </>
        },
        Some(NetVerdict::NotANumber(why)) => {
            html! { <p class="verdict wrong" data-verdict="wrong">{ format!("Not a number: {why}.") }</p> }
        }
        None => Html::default(),
    };
    html! {
        <div class="quiz net-practice" role="region" aria-label="Practice">
            { bar }
            <p class="eq-title" data-question={q.key()}>{ question_words(q.quiz, q.layer, &title(q.layer), dims) }</p>
            <p class="practice-answer">
                { for fields }
                <button type="button" onclick={ev.on_check.reform(|_| ())}>{ "Check (Enter)" }</button>
                if props.on.reveal {
                    <button type="button" onclick={ev.on_reveal.reform(|_| ())}>{ "Reveal" }</button>
                }
                <button type="button" onclick={ev.on_next.reform(|_| ())}>{ "Next question" }</button>
            </p>
            { verdict }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SummaryTableProps {
    results: Shared<NetResults>,
    dims: Dims,
    /// What practice holds back, by row.
    hidden: Vec<Hidden>,
}

/// The summary table: a row per computed output (0 the input), the totals
/// below; `hidden` holds back practice's unanswered cells. A component, so
/// that a selection (which changes none of it) does not render it again.
#[component]
fn SummaryTable(props: &SummaryTableProps) -> Html {
    let (results, dims, hidden) = (&*props.results, props.dims, &props.hidden);
    let (params, macs) = results.totals();
    let hides = |k: usize| hidden.get(k).copied().unwrap_or_default();
    html! {
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
                { for results.summary.iter().enumerate().map(|(k, row)| summary_row(results, k, row, dims, hides(k))) }
            </tbody>
            <tfoot>
                { totals_row(params, macs, hidden) }
            </tfoot>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct LayerListProps {
    stack: Shared<Stack>,
    results: Shared<NetResults>,
    dims: Dims,
    events: NetworkEvents,
}

/// The layers to set, move and remove, each with its error beside it, and
/// the menu that adds one at the end. A component, so that a selection
/// (which changes none of it) does not render its fields again.
#[component]
fn LayerList(props: &LayerListProps) -> Html {
    let (stack, results, dims, events) = (&props.stack, &props.results, props.dims, &props.events);
    let failing = results.eval.error.as_ref().map(|e| e.layer);
    html! {
        <>
            <ol class="layers" aria-label="Layers">
                { for stack.layers.iter().enumerate().map(|(i, entry)| {
                    let k = i + 1;
                    let on = events.on_edit.reform(move |edit| (i, edit));
                    let error = results.eval.error.as_ref().filter(|e| e.layer == k).map(|e| e.error.to_string());
                    let after_failure = failing.is_some_and(|f| k > f);
                    html! {
                        <li class="layer" data-layer-editor={k.to_string()} aria-invalid={error.is_some().then_some("true")}>
                            <div class="layer-head">
                                <strong>{ format!("{k}.") }</strong>
                                { kind_menu(dims, Some(LayerKind::of(&entry.layer)), "Layer kind", on.reform(LayerEdit::Kind)) }
                                <button type="button" aria-label={format!("Move layer {k} up")} disabled={i == 0}
                                    onclick={events.on_move.reform(move |_| (i, true))}>{ "\u{2191}" }</button>
                                <button type="button" aria-label={format!("Move layer {k} down")}
                                    disabled={k == stack.layers.len()}
                                    onclick={events.on_move.reform(move |_| (i, false))}>{ "\u{2193}" }</button>
                                <button type="button" aria-label={format!("Remove layer {k}")}
                                    onclick={events.on_remove.reform(move |_| i)}>{ "\u{2715}" }</button>
                            </div>
                            <div class="layer-fields">{ layer_fields(&entry.layer, entry.seed, dims, &on) }</div>
                            { into_layer(&entry.layer, k, error.is_some() || after_failure, events) }
                            if let Some(message) = error {
                                <p class="layer-error" role="alert">{ format!("Layer {k} cannot take its input: {message}") }</p>
                            } else if after_failure {
                                <p class="hint">{ "Waits for the layer above." }</p>
                            }
                        </li>
                    }
                }) }
            </ol>
            <div class="add-layer">
                <label>
                    <span>{ "Add a layer at the end: " }</span>
                    { kind_menu(dims, None, "Add a layer", events.on_add.clone()) }
                </label>
            </div>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct LayerOutputProps {
    results: Shared<NetResults>,
    /// The layer (0: the input).
    k: usize,
    dims: Dims,
    /// What practice holds back.
    held: Held,
    /// Its heatmaps' values, made once per result.
    planes: Rc<Planes>,
    /// Its marks for the cell shown.
    marks: Rc<LayerMarks>,
    /// A cell clicked.
    on_probe: Callback<Option<Probe>>,
    /// A cell pointed at, or the pointer gone (`None`).
    on_point: Callback<Option<Probe>>,
}

/// Layer `k`'s output (0: the input) as grids or heatmaps, its cells
/// selectable; held back while its shape is a practice question. A
/// component whose props hold only this layer's marks: a selection renders
/// again the layers whose marks it changes, and no other.
#[component]
fn LayerOutput(props: &LayerOutputProps) -> Html {
    let (results, k, dims, marks) = (&*props.results, props.k, props.dims, &*props.marks);
    // Made once per layer, so the heatmaps' own props stay equal between selections.
    let on_click = use_memo((props.on_probe.clone(), k), |(on_probe, k)| {
        let k = *k;
        on_probe.reform(move |(lead, [i, j]): GridCell| Some(Probe { layer: k, index: [lead[0], i, j] }))
    });
    let on_hover = use_memo((props.on_point.clone(), k), |(on_point, k)| {
        let k = *k;
        on_point
            .reform(move |cell: Option<GridCell>| cell.map(|(lead, [i, j])| Probe { layer: k, index: [lead[0], i, j] }))
    });
    let out = &results.eval.outputs[k];
    let (c, h, w) = out.dim();
    let name = if k == 0 { "input" } else { "layer_output" };
    let why = match &props.held {
        Held::Nothing => None,
        Held::Shape => Some(format!("Answer the shape of layer {k} first: its grids show then.")),
        // A heatmap would show the answers as colours.
        Held::Cells(_) if out.len() > DOM_CELLS => {
            Some(format!("Layer {k}'s values are the pooling panel's questions: they show when practice is off."))
        }
        Held::Cells(_) => None,
        Held::After(p) => Some(format!(
            "Held back while you practise layer {p}'s cells: layer {k}'s values would give its answers away."
        )),
    };
    if let Some(why) = why {
        return withheld(k, &layer_title(&results.network.layers[k - 1], dims), &why);
    }
    let title = if k == 0 {
        format!("Input {}", shape_text([c, h, w], dims))
    } else {
        format!(
            "Layer {k}: {} \u{2192} {}",
            layer_title(&results.network.layers[k - 1], dims),
            shape_text([c, h, w], dims)
        )
    };
    let hidden = match &props.held {
        Held::Cells(mask) => Some(mask),
        _ => None,
    };
    let cell = |lead: &[usize], [i, j]: [usize; 2]| {
        let index = [lead[0], i, j];
        let hide = hidden.is_some_and(|m| ravel(index, [c, h, w]).and_then(|s| m.get(s)).copied().unwrap_or(true));
        marked(out[index], marks.at(lead[0], [i, j]) | if hide { mark::HIDDEN } else { 0 })
    };
    let marked_here = |lead: &[usize]| marks.cells(lead[0]);
    html! {
        <section class="layer-output" data-layer-output={k.to_string()}>
            <h3>{ title }</h3>
            <div class="layer-grids">
                { Grids::new(name, dims, if k == 0 { "input".to_string() } else { format!("y{k}") }, [h, w], &cell)
                    .per(&["channel"], leads_1(c))
                    .layer(k)
                    .planes(&props.planes, &marked_here)
                    .on_click((*on_click).clone())
                    .on_hover((*on_hover).clone())
                    .render() }
            </div>
        </section>
    }
}

#[component]
pub fn NetworkView(props: &NetworkViewProps) -> Html {
    let dims = props.problem.dims();
    // Every layer's output, once per input and stack (here, so the evaluation's
    // code is fetched with this view's chunk, not with the first screen).
    let results = &*use_memo((props.problem.clone(), props.stack.clone()), |(problem, stack)| {
        Shared(Rc::new(NetResults::new(problem.dims(), &problem.input, stack)))
    });
    // The cell pointed at: marked like a selection while the pointer is on it,
    // never written to the document (equal values do not render again).
    let pointed = use_state_eq(|| None::<Probe>);
    let on_point = {
        let set = pointed.setter();
        use_memo((), move |_| Callback::from(move |p: Option<Probe>| set.set(p)))
    };
    let shown = (*pointed).or(props.probe);
    // The marks of the cell shown: one pass back through the stack per cell.
    let receptive = {
        let results = results.clone();
        use_memo((results.clone(), shown), move |(_, shown)| shown.and_then(|p| results.receptive(p)))
    };
    // Practising: what the table and the grids keep back until answered.
    let hidden: Vec<Hidden> = props
        .practice
        .as_ref()
        .map(|p| net_practice::hidden(&results.network, &results.summary, &p.state.shown))
        .unwrap_or_default();
    let hides = |k: usize| hidden.get(k).copied().unwrap_or_default();
    // The marks of a cell count out its layer's receptive field: not before it is answered.
    let marks_hidden = shown.is_some_and(|p| hides(p.layer).rf);
    // Heatmap values once per result: a click then redraws only the marks, not every map.
    let planes =
        use_memo(results.clone(), |r| r.eval.outputs.iter().map(|o| Rc::new(Planes::of3(o))).collect::<Vec<_>>());
    // Each layer's marks, once per cell shown.
    let layer_marks = use_memo((results.clone(), shown, marks_hidden), {
        let receptive = receptive.clone();
        move |(results, shown, hidden)| {
            let receptive = if *hidden { None } else { receptive.as_ref().as_ref() };
            let outputs = &results.eval.outputs;
            (0..outputs.len())
                .map(|k| Rc::new(LayerMarks::of(receptive, *shown, k, outputs[k].dim().0)))
                .collect::<Vec<_>>()
        }
    });
    // Practising a pooling layer's windows: its cells not yet answered, and
    // whether the panel asks for them at all (not in its gradient walk).
    let asked = use_memo(
        (
            results.clone(),
            props.pool,
            props.player.step,
            props.pool_practice.as_ref().map(|p| (p.state.answered.clone(), p.reveal)),
        ),
        {
            let on = props.pool_practice.clone();
            move |(results, pool, step, _)| {
                let (on, panel) = (on.as_ref()?, (*pool)?);
                if panel.walk != PoolWalk::Forward {
                    return None;
                }
                let (c, h, w) = results.eval.outputs.get(panel.layer)?.dim();
                let g = results.network.layers.get(panel.layer)?.pool_geometry([c, h, w])?;
                if !practice_fits(&g, dims, panel.walk) {
                    return None;
                }
                let k = panel.layer + 1;
                let cells = results.eval.outputs.get(k)?.len();
                Some((k, Rc::new((0..cells).map(|s| on.hides(s, *step, "pool_output")).collect::<Vec<_>>())))
            }
        },
    );
    let held = |k: usize| match &*asked {
        _ if hides(k).shape => Held::Shape,
        Some((p, mask)) if k == *p => Held::Cells(mask.clone()),
        Some((p, _)) if k > *p => Held::After(*p),
        _ => Held::Nothing,
    };
    let outputs = html! {
        <div class="layer-outputs">
            { for (0..results.eval.outputs.len()).map(|k| html! {
                <LayerOutput results={results.clone()} {k} {dims} held={held(k)} planes={planes[k].clone()}
                    marks={layer_marks[k].clone()} on_probe={props.events.on_probe.clone()} on_point={(*on_point).clone()} />
            }) }
        </div>
    };
    let words = match (shown, receptive.as_ref()) {
        (Some(p), _) if marks_hidden => format!(
            "Practice: answer the receptive field of layer {} first; then its cells' marks show.",
            net_practice::field_question(&results.summary, p.layer).unwrap_or(p.layer)
        ),
        (Some(p), Some(r)) => network::receptive_words(results, p, r, dims),
        _ => {
            "Select a cell of any layer, or point at one: every cell it depends on is outlined in every earlier layer, \
              and the ones that decided its value are filled."
                .into()
        }
    };
    html! {
        <section class="view network-view" aria-label={View::Network.label(false)}>
            if props.stack.layers.is_empty() {
                <p class="view-note">{ "No layers yet: add one below, or open an example from the Networks group of the Examples menu. \
                    Each layer takes the output of the one above; the input is the one in the editors." }</p>
            }
            if let Some(on) = &props.practice {
                <NetPracticePanel results={results.clone()} {dims} on={on.clone()} events={props.events.practice.clone()} />
            }
            <div class="summary-scroll"><SummaryTable results={results.clone()} {dims} hidden={hidden.clone()} /></div>
            if let Some(t) = results.first_transposed() {
                <p class="hint transposed-note" role="note">{ format!(
                    "From layer {t} on, the recurrence does not apply: a transposed convolution spreads each of its input \
                     cells over several output cells (stride apart), so neighbouring outputs are not a fixed input distance \
                     apart and one output's field is not a window. The marks still show exactly which cells each value depends on."
                ) }</p>
            }
            <div class="network-body">
                <div class="network-layers">
                    <h3>{ "Layers" }</h3>
                    <LayerList stack={props.stack.clone()} results={results.clone()} {dims} events={props.events.clone()} />
                    <SequentialPaste dims={dims} on_paste={props.events.on_paste.clone()} />
                </div>
                <div class="network-outputs">
                    if let Some(panel) = props.pool {
                        // Its grids and step count would give away the shapes practice asks for.
                        if hides(panel.layer).shape || hides(panel.layer + 1).shape {
                            <section class="pool-panel" data-pool-panel={(panel.layer + 1).to_string()}>
                                <p class="size-hidden">{ pool_withheld(panel.layer + 1, &hides) }</p>
                            </section>
                        } else {
                            { pool_panel(results, dims, panel, &props.player, props.pool_practice.as_ref(), &props.events.pool) }
                        }
                        <LayerCode results={results.clone()} k={panel.layer + 1} />
                    }
                    // A fixed height for the sentence and the button's row: pointing
                    // from cell to cell changes them, and the maps below must not move.
                    <p class="receptive-note" role="status">{ words }</p>
                    <div class="probe-actions">
                        if props.probe.is_some() {
                            <button type="button" class="clear-probe" onclick={props.events.on_probe.reform(|_| None)}>{ "Clear the selection" }</button>
                        }
                    </div>
                    { outputs }
                </div>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LayerCodeProps {
    results: Shared<NetResults>,
    /// The layer (from 1).
    k: usize,
}

/// "This layer as code": layer `k` alone as NumPy and PyTorch, on the
/// previous layer's output. Written only while open (its input's numbers
/// can be tens of thousands), once per result and layer.
#[component]
fn LayerCode(props: &LayerCodeProps) -> Html {
    let open = use_state_eq(|| false);
    let code = use_memo((props.results.clone(), props.k, *open), |(results, k, open)| {
        let input = results.eval.outputs.get(k.wrapping_sub(1))?;
        open.then(|| export::layer_code(&results.network, *k, input)).flatten()
    });
    let onclick = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <section class="layer-code" data-layer-code={props.k.to_string()} aria-label={format!("Layer {} as code", props.k)}>
            <button type="button" aria-expanded={(*open).to_string()} {onclick}>{ "This layer as code" }</button>
            if let Some((numpy, pytorch)) = code.as_ref() {
                <p class="hint">{ "This pooling layer alone, on the output above it: either script computes the layer's output as y1." }</p>
                <h4>{ "NumPy" }</h4>
                <pre class="code" data-code="numpy">{ numpy.clone() }</pre>
                <h4>{ "PyTorch" }</h4>
                <pre class="code" data-code="pytorch">{ pytorch.clone() }</pre>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SequentialPasteProps {
    dims: Dims,
    on_paste: Callback<Pasted>,
}

/// A text area for a `torch.nn.Sequential(...)` and a Build button: code
/// that reads becomes the stack (one undo step); what cannot be read is
/// named beside it, line and column, and the text stays to be fixed.
#[component]
fn SequentialPaste(props: &SequentialPasteProps) -> Html {
    let area = use_node_ref();
    let error = use_state(|| None::<String>);
    let onclick = {
        let (area, error, dims, on_paste) = (area.clone(), error.clone(), props.dims, props.on_paste.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(text) = area.cast::<web_sys::HtmlTextAreaElement>().map(|a| a.value()) else { return };
            match sequential::parse(&text, dims) {
                Ok(pasted) => {
                    error.set(None);
                    on_paste.emit(pasted);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        })
    };
    let example = if props.dims == Dims::One {
        "nn.Sequential(\n    nn.ConstantPad1d((2, 0), 0),\n    nn.Conv1d(1, 4, 3),\n    nn.ReLU(),\n    nn.MaxPool1d(2),\n)"
    } else {
        "nn.Sequential(\n    nn.Conv2d(3, 16, 3, padding=1),\n    nn.ReLU(),\n    nn.MaxPool2d(2),\n)"
    };
    html! {
        <section class="sequential-paste" aria-label="Build from PyTorch">
            <h3>{ "From PyTorch" }</h3>
            <p class="hint">{ "Paste a torch.nn.Sequential of Conv, ConvTranspose, MaxPool, AvgPool, ReLU and padding layers \
                (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad) and build the stack from it, with seeded weights. \
                The input takes the first convolution's in_channels. Undo brings the last stack back." }</p>
            <textarea ref={area} rows="6" spellcheck="false" aria-label="torch.nn.Sequential code"
                placeholder={example} aria-invalid={error.is_some().then_some("true")}
                aria-describedby={error.is_some().then_some("sequential-error")} />
            <button type="button" {onclick}>{ "Build" }</button>
            if let Some(message) = &*error {
                <p class="layer-error" id="sequential-error" role="alert">{ format!("Not built: {message}.") }</p>
            }
        </section>
    }
}
