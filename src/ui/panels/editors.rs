//! The editors column: input, kernel(s), bias and (in the backprop view) the
//! upstream gradient, each with size steppers and fills.

use std::rc::Rc;

use ndarray::ArrayD;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::conv::{Dims, Field, Problem};
use crate::model::document::limits;
use crate::model::grid::{self, Tensor};
use crate::model::presets::{PRESETS, classic_kernel};
use crate::model::results::Shared;
use crate::model::state::{Draft, Drafts, EditAction, Fill, Size};
use crate::ui::panels::params::NumberField;
use crate::ui::widgets::editor::{Editor, LargeEditor};
use crate::ui::widgets::heatmap::DOM_CELLS;

#[derive(Properties, PartialEq)]
pub struct EditorsProps {
    pub problem: Shared<Problem>,
    /// The backprop view is open: the upstream gradient is editable too.
    pub backprop: bool,
    /// The network view is open: the input alone (each layer has its own weights).
    #[prop_or_default]
    pub input_only: bool,
    /// Cells being typed, by tensor and stored index.
    pub drafts: Rc<Drafts>,
    /// Field the core's error points at (its section is marked).
    pub error_field: Option<Field>,
    /// A cell typed, pasted or filled, a tensor resized.
    pub on_edit: Callback<EditAction>,
    /// The input cell `[c, i, j]` under the pointer (it shows what it feeds), or none.
    pub on_probe: Callback<Option<[usize; 3]>>,
}

fn fill_menu(tensor: Tensor, dispatch: &Callback<EditAction>, kernels: bool) -> Html {
    let d = dispatch.clone();
    let onchange = Callback::from(move |e: Event| {
        let Some(sel) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) else {
            return;
        };
        let fill = match sel.value().as_str() {
            "zeros" => Some(Fill::Zeros),
            "ones" => Some(Fill::Ones),
            // The seed comes from the page so the reducer stays pure and testable.
            "random" => Some(Fill::Random((js_sys::Math::random() * 1e15) as u64)),
            id => PRESETS.iter().find(|p| p.id == id && classic_kernel(id).is_some()).map(|p| Fill::Kernel(p.id)),
        };
        if let Some(fill) = fill {
            d.emit(EditAction::Fill(tensor, fill));
        }
        sel.set_value("");
    });
    html! {
        <select class="fill" {onchange} aria-label={format!("Fill {}", tensor.name())}>
            <option value="" selected=true>{ "fill\u{2026}" }</option>
            <option value="zeros">{ "zeros" }</option>
            <option value="ones">{ "ones" }</option>
            <option value="random">{ "random integers" }</option>
            if kernels {
                { for PRESETS.iter().filter(|p| classic_kernel(p.id).is_some()).map(|p| html! {
                    <option value={p.id}>{ p.label }</option>
                }) }
            }
        </select>
    }
}

/// A size stepper; `invalid` when the core's error is about this tensor (the
/// message itself is the parameter panel's `param-error`).
fn stepper(
    label: &'static str,
    value: usize,
    max: usize,
    size: Size,
    invalid: bool,
    dispatch: &Callback<EditAction>,
) -> Html {
    let d = dispatch.clone();
    let describedby = invalid.then(|| AttrValue::from("param-error"));
    html! {
        <label class="size">
            <span>{ label }</span>
            <NumberField label={label} {value} min={1} {max} {invalid} {describedby}
                on_change={Callback::from(move |v| d.emit(EditAction::Resize(size, v)))} />
        </label>
    }
}

#[component]
pub fn Editors(props: &EditorsProps) -> Html {
    let c = &*props.problem;
    let dims = c.dims();
    let d = &props.on_edit;
    let transposed = c.op.is_transposed();
    let (channels, h, w) = c.input.dim();
    let (a, b, kh, kw) = c.weight.dim();
    let [_, filters] = c.op.weight_channels([a, b], c.hyper.groups);
    let section = |tensor: Tensor, title: String, tools: Html, field: Field| {
        let values: Rc<ArrayD<f64>> =
            Rc::new(grid::values(c, tensor).unwrap_or_else(|| ArrayD::zeros(ndarray::IxDyn(&[0]))));
        let drafts: Rc<Vec<(Vec<usize>, Draft)>> = Rc::new(
            props.drafts.iter().filter(|((t, _), _)| *t == tensor).map(|((_, i), d)| (i.clone(), d.clone())).collect(),
        );
        let invalid = props.error_field == Some(field);
        let on_probe = (tensor == Tensor::Input && !transposed)
            .then(|| props.on_probe.reform(|idx: Option<Vec<usize>>| idx.and_then(|i| <[usize; 3]>::try_from(i).ok())));
        html! {
            <section class={if invalid { "panel tensor invalid" } else { "panel tensor" }} aria-label={title.clone()}>
                <h2>{ title }</h2>
                <div class="tools">{ tools }</div>
                <div class="grids">
                    if values.len() > DOM_CELLS {
                        <LargeEditor grids={grid::grids(c, tensor)} {dims} values={values.clone()} drafts={drafts.clone()}
                            on_probe={on_probe.clone()} on_edit={d.clone()} />
                    } else {
                        { for grid::grids(c, tensor).into_iter().map(|g| html! {
                            <Editor grid={g} {dims} values={values.clone()} drafts={drafts.clone()} on_probe={on_probe.clone()} on_edit={d.clone()} />
                        }) }
                    }
                </div>
            </section>
        }
    };
    let bad_input = props.error_field == Some(Field::Input);
    let bad_weight = props.error_field == Some(Field::Weight);
    let input_tools = html! {
        <>
            { stepper("channels", channels, limits::CHANNELS, Size::Channels, bad_input, d) }
            if dims == Dims::Two { { stepper("rows", h, limits::SPATIAL, Size::Height, bad_input, d) } }
            { stepper(if dims == Dims::One { "length" } else { "columns" }, w, limits::SPATIAL, Size::Width, bad_input, d) }
            { fill_menu(Tensor::Input, d, false) }
        </>
    };
    let weight_tools = html! {
        <>
            { stepper(if transposed { "out channels" } else { "filters" }, filters, limits::CHANNELS, Size::Filters, bad_weight, d) }
            if dims == Dims::Two { { stepper("kernel rows", kh, limits::KERNEL, Size::KernelHeight, bad_weight, d) } }
            { stepper(if dims == Dims::One { "kernel size" } else { "kernel columns" }, kw, limits::KERNEL, Size::KernelWidth, bad_weight, d) }
            { fill_menu(Tensor::Weight, d, dims == Dims::Two) }
        </>
    };
    let weight_shape = if transposed {
        format!(
            "weight (C={a}, F/groups={b}, {})",
            if dims == Dims::One { format!("K={kw}") } else { format!("KH={kh}, KW={kw}") }
        )
    } else {
        format!(
            "weight (F={a}, C/groups={b}, {})",
            if dims == Dims::One { format!("K={kw}") } else { format!("KH={kh}, KW={kw}") }
        )
    };
    let input_shape = if dims == Dims::One {
        format!("input (C={channels}, W={w})")
    } else {
        format!("input (C={channels}, H={h}, W={w})")
    };
    html! {
        <>
            { section(Tensor::Input, input_shape, input_tools, Field::Input) }
            if props.input_only {
                <p class="hint">{ "The network view's layers have their own weights: set them in the layer list." }</p>
            } else {
                { section(Tensor::Weight, weight_shape, weight_tools, Field::Weight) }
            }
            if c.bias.is_some() && !props.input_only {
                { section(Tensor::Bias, format!("bias ({filters})"), fill_menu(Tensor::Bias, d, false), Field::Bias) }
            }
            if props.backprop && !props.input_only && !transposed && c.output_shape().is_ok() {
                { section(Tensor::GradOutput, "upstream gradient dY = dL/dy (default ones)".to_string(), fill_menu(Tensor::GradOutput, d, false), Field::GradOutput) }
            }
        </>
    }
}
