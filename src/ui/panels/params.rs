//! The parameter panel: operation, 1D/2D, stride, padding, dilation,
//! output_padding, groups, padding mode, flip, bias, and the output-size
//! formula with the current numbers substituted (MathML, no script).

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::conv::{Dims, Field, Hyper, Op, PaddingMode, PaddingRule, Problem};
use crate::model::document::{DocumentError, limits};
use crate::model::size_formula;
use crate::model::state::{EditAction, PerAxisParam};

#[derive(Properties, PartialEq)]
pub struct NumberFieldProps {
    pub label: AttrValue,
    pub value: usize,
    pub min: usize,
    pub max: usize,
    pub on_change: Callback<usize>,
    /// Marked invalid by the core's error (the control that caused it).
    #[prop_or_default]
    pub invalid: bool,
    #[prop_or_default]
    pub describedby: Option<AttrValue>,
}

/// A whole-number field with − and + buttons (large targets for projectors).
/// Text that is not a whole number in range stays as typed, marked invalid.
#[component]
pub fn NumberField(props: &NumberFieldProps) -> Html {
    let draft = use_state(|| None::<String>);
    let (min, max, value) = (props.min, props.max, props.value);
    let oninput = {
        let draft = draft.clone();
        let cb = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
                return;
            };
            match el.value().trim().parse::<usize>() {
                Ok(v) if (min..=max).contains(&v) => {
                    draft.set(None);
                    cb.emit(v);
                }
                _ => draft.set(Some(el.value())),
            }
        })
    };
    let step = |delta: isize| {
        let cb = props.on_change.clone();
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            draft.set(None);
            let v = value.saturating_add_signed(delta).clamp(min, max);
            cb.emit(v);
        })
    };
    let bad_text = draft.is_some();
    let message_id = format!("msg-{}", props.label.replace(' ', "-"));
    html! {
        <span class={if props.invalid || bad_text { "number-field invalid" } else { "number-field" }}>
            <button type="button" class="step" onclick={step(-1)} disabled={value <= min} aria-label={format!("decrease {}", props.label)}>{ "\u{2212}" }</button>
            <input
                type="text"
                inputmode="numeric"
                aria-label={props.label.clone()}
                value={(*draft).clone().unwrap_or_else(|| value.to_string())}
                aria-invalid={(props.invalid || bad_text).then_some("true")}
                aria-describedby={if bad_text { Some(AttrValue::from(message_id.clone())) } else { props.describedby.clone() }}
                {oninput}
            />
            <button type="button" class="step" onclick={step(1)} disabled={value >= max} aria-label={format!("increase {}", props.label)}>{ "+" }</button>
            if bad_text {
                <span class="field-error" id={message_id}>{ format!("a whole number from {min} to {max}") }</span>
            }
        </span>
    }
}

/// What the parameter panel shows: the operation, its hyper-parameters and
/// the sizes the formula needs, not the tensors' values, so typing a number
/// does not re-render it.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub op: Op,
    pub hyper: Hyper,
    pub bias: bool,
    /// `[H, W]` of the input.
    pub input: [usize; 2],
    /// `[KH, KW]` of the kernel.
    pub kernel: [usize; 2],
    /// `(F, OH, OW)`, or `None` when the parameters are impossible.
    pub output: Option<[usize; 3]>,
}

impl Settings {
    pub fn of(c: &Problem) -> Settings {
        let (_, h, w) = c.input.dim();
        let (_, _, kh, kw) = c.weight.dim();
        Settings {
            op: c.op,
            hyper: c.hyper,
            bias: c.bias.is_some(),
            input: [h, w],
            kernel: [kh, kw],
            output: c.output_shape().ok(),
        }
    }

    fn dims(&self) -> Dims {
        self.op.dims()
    }
}

#[derive(Properties, PartialEq)]
pub struct ParamsProps {
    pub settings: Settings,
    /// The core's verdict on the current parameters.
    pub error: Option<DocumentError>,
    /// Practice asks for the output size: the formula keeps its numbers but not its result.
    #[prop_or_default]
    pub hide_size: bool,
    /// A change to the problem.
    pub on_edit: Callback<EditAction>,
}

fn select_value(e: &Event) -> Option<String> {
    e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value())
}

#[derive(Properties, PartialEq)]
struct PaddingRuleProps {
    hyper: Hyper,
    dims: Dims,
    on_edit: Callback<EditAction>,
}

/// "same"/"valid" beside the padding numbers (direct convolutions only). A
/// refused choice ("same" with a stride, PyTorch's rule) leaves the problem
/// as it was and says why beside the control; `refusals` re-renders the
/// select so it shows the rule still in force.
#[component]
fn PaddingRuleSelect(props: &PaddingRuleProps) -> Html {
    let (hyper, dims) = (props.hyper, props.dims);
    // The reason "same" was refused, and the stride it was refused for (it goes when the stride changes).
    let refusal = use_state(|| None::<(String, [usize; 2])>);
    let refusals = use_state(|| 0usize);
    let onchange = {
        let (d, refusal, refusals) = (props.on_edit.clone(), refusal.clone(), refusals.clone());
        Callback::from(move |e: Event| {
            let rule = match select_value(&e).as_deref() {
                Some("numbers") => PaddingRule::Explicit,
                Some(name) => match PaddingRule::from_name(name) {
                    Some(rule) => rule,
                    None => return,
                },
                None => return,
            };
            match hyper.check_padding_rule(dims, rule) {
                Ok(()) => {
                    refusal.set(None);
                    d.emit(EditAction::SetPaddingRule(rule));
                }
                Err(err) => {
                    refusal.set(Some((err.to_string(), hyper.stride)));
                    refusals.set(*refusals + 1);
                }
            }
        })
    };
    let current = hyper.padding_rule;
    let reason = refusal.as_ref().filter(|(_, stride)| *stride == hyper.stride).map(|(reason, _)| reason.clone());
    html! {
        <span class="padding-rule" key={*refusals}>
            <select id="padding-rule" aria-label="padding rule" {onchange}
                aria-invalid={reason.is_some().then_some("true")}
                aria-describedby={reason.is_some().then_some("padding-rule-error")}>
                { for [PaddingRule::Explicit, PaddingRule::Same, PaddingRule::Valid].into_iter().map(|rule| html! {
                    <option value={rule.name().unwrap_or("numbers")} selected={rule == current}>
                        { rule.name().unwrap_or("numbers") }
                    </option>
                }) }
            </select>
            if let Some(reason) = reason {
                <span class="field-error" id="padding-rule-error" role="alert">{ reason }</span>
            }
        </span>
    }
}

#[component]
pub fn Params(props: &ParamsProps) -> Html {
    let c = &props.settings;
    let dims = c.dims();
    let d = props.on_edit.clone();
    let transposed = c.op.is_transposed();
    let error_field = props.error.as_ref().and_then(|e| e.field);
    let error_id = "param-error";
    let described = |field: Field| (error_field == Some(field)).then(|| AttrValue::from(error_id));

    let on_kind = {
        let d = d.clone();
        let op = c.op;
        Callback::from(move |e: Event| match select_value(&e).as_deref() {
            Some("transposed") => d.emit(EditAction::SetOp(op.transposed())),
            Some(_) => d.emit(EditAction::SetOp(op.conv())),
            None => {}
        })
    };
    let on_dims = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            d.emit(EditAction::SetDims(if select_value(&e).as_deref() == Some("1") { Dims::One } else { Dims::Two }))
        })
    };
    let on_mode = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(mode) = select_value(&e).and_then(|v| PaddingMode::ALL.into_iter().find(|m| m.name() == v)) {
                d.emit(EditAction::SetPaddingMode(mode));
            }
        })
    };
    let on_flip = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                d.emit(EditAction::SetFlip(el.checked()));
            }
        })
    };
    let on_bias = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                d.emit(EditAction::SetBias(el.checked()));
            }
        })
    };
    let padding_rule = html! { <PaddingRuleSelect hyper={c.hyper} {dims} on_edit={d.clone()} /> };
    let per_axis_row = |label: &'static str, param: PerAxisParam, values: [usize; 2], min: usize, field: Field| {
        // "same"/"valid" choose the padding: no numbers to step.
        let axes: Vec<usize> = match dims {
            _ if param == PerAxisParam::Padding && c.hyper.padding_rule != PaddingRule::Explicit && !transposed => {
                vec![]
            }
            Dims::One => vec![1],
            Dims::Two => vec![0, 1],
        };
        let invalid = error_field == Some(field);
        let rule = (param == PerAxisParam::Padding && !transposed).then(|| padding_rule.clone());
        html! {
            <div class={if invalid { "param invalid" } else { "param" }}>
                <span class="param-name">{ label }</span>
                { for rule }
                { for axes.into_iter().map(|axis| {
                    let d = d.clone();
                    let axis_label = match (dims, axis) {
                        (Dims::One, _) => label.to_string(),
                        (_, 0) => format!("{label} height"),
                        _ => format!("{label} width"),
                    };
                    html! {
                        <label class="axis">
                            if dims == Dims::Two { <span class="axis-name">{ if axis == 0 { "h" } else { "w" } }</span> }
                            <NumberField label={axis_label} value={values[axis]} {min} max={limits::HYPER} invalid={invalid}
                                describedby={described(field)}
                                on_change={Callback::from(move |v| d.emit(EditAction::SetPerAxis(param, axis, v)))} />
                        </label>
                    }
                }) }
            </div>
        }
    };
    let groups_cb = {
        let d = d.clone();
        Callback::from(move |v| d.emit(EditAction::SetGroups(v)))
    };
    html! {
        <section class="panel params" aria-labelledby="params-title">
            <h2 id="params-title">{ "Parameters" }</h2>
            <div class="param">
                <label class="param-name" for="op-kind">{ "operation" }</label>
                <select id="op-kind" onchange={on_kind} aria-label="Operation">
                    <option value="conv" selected={!transposed}>{ "convolution" }</option>
                    <option value="transposed" selected={transposed}>{ "transposed convolution" }</option>
                </select>
            </div>
            <div class="param">
                <label class="param-name" for="op-dims">{ "dimensions" }</label>
                <select id="op-dims" onchange={on_dims} aria-label="Dimensions">
                    <option value="1" selected={dims == Dims::One}>{ "1D" }</option>
                    <option value="2" selected={dims == Dims::Two}>{ "2D" }</option>
                </select>
            </div>
            { per_axis_row("stride", PerAxisParam::Stride, c.hyper.stride, 1, Field::Stride) }
            { per_axis_row("padding", PerAxisParam::Padding, c.hyper.padding, 0, Field::Padding) }
            { per_axis_row("dilation", PerAxisParam::Dilation, c.hyper.dilation, 1, Field::Dilation) }
            if transposed {
                { per_axis_row("output_padding", PerAxisParam::OutputPadding, c.hyper.output_padding, 0, Field::OutputPadding) }
            }
            <div class={if error_field == Some(Field::Groups) { "param invalid" } else { "param" }}>
                <span class="param-name">{ "groups" }</span>
                <NumberField label="groups" value={c.hyper.groups} min={1} max={limits::CHANNELS}
                    invalid={error_field == Some(Field::Groups)} describedby={described(Field::Groups)} on_change={groups_cb} />
            </div>
            if !transposed {
                <div class={if error_field == Some(Field::PaddingMode) { "param invalid" } else { "param" }}>
                    <label class="param-name" for="padding-mode">{ "padding mode" }</label>
                    <select id="padding-mode" onchange={on_mode}>
                        { for PaddingMode::ALL.iter().map(|m| html! {
                            <option value={m.name()} selected={*m == c.hyper.padding_mode}>{ m.name() }</option>
                        }) }
                    </select>
                </div>
                <div class="param">
                    <label class="check"><input type="checkbox" checked={c.hyper.flip} onchange={on_flip} />
                        { " flip the kernel (true convolution)" }</label>
                </div>
            }
            <div class="param">
                <label class="check"><input type="checkbox" checked={c.bias} onchange={on_bias} />{ " bias" }</label>
            </div>
            if let Some(err) = &props.error {
                <p class="param-error" id={error_id}>{ err.message.clone() }</p>
            }
            { formula(&FormulaProps { settings: c.clone(), hide_result: props.hide_size }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct FormulaProps {
    pub settings: Settings,
    /// Shown as "?" (practice asks for it).
    pub hide_result: bool,
}

fn mn(v: impl ToString) -> Html {
    html! { <mn>{ v.to_string() }</mn> }
}
fn mo(s: &'static str) -> Html {
    html! { <mo>{ s }</mo> }
}
fn mi(s: &'static str) -> Html {
    html! { <mi>{ s }</mi> }
}

/// The output-size formula per axis, symbolic and with the numbers in. A
/// function, not a component: it only ever renders with its [`Params`].
pub fn formula(props: &FormulaProps) -> Html {
    let c = &props.settings;
    let [h, w] = c.input;
    let [kh, kw] = c.kernel;
    let axes: Vec<(usize, &str)> = if c.dims() == Dims::One { vec![(1, "W")] } else { vec![(0, "H"), (1, "W")] };
    let out = c.output;
    let rows = axes.into_iter().map(|(axis, name)| {
        let n = [h, w][axis];
        let k = [kh, kw][axis];
        let numbers = size_formula::Axis::of(c.input, c.kernel, &c.hyper, axis);
        let (s, p, d, op) = (numbers.stride, numbers.padding, numbers.dilation, numbers.output_padding);
        // Both sides of the padding: 2·p, or p_before + p_after where "same" is uneven.
        let pads = if numbers.padding_after == p {
            html! { <>{ mn(2) }{ mo("\u{00B7}") }{ mn(p) }</> }
        } else {
            html! { <>{ mn(p) }{ mo("+") }{ mn(numbers.padding_after) }</> }
        };
        // Read aloud: the same formula as the practice hint and the transposed view.
        let spoken = if c.op.is_transposed() { numbers.transposed() } else { numbers.direct() };
        let result = match out {
            _ if props.hide_result => html! { <mi>{ "?" }</mi> },
            Some(o) => mn(o[axis + 1]),
            None => html! { <mtext>{ "invalid" }</mtext> },
        };
        let out_name = if axis == 0 { "H_out" } else { "W_out" };
        if c.op.is_transposed() {
            html! {
                <math display="block" aria-label={format!("{out_name} = {spoken}")}>
                    <mrow>
                        <msub><mi>{ name }</mi><mtext>{ "out" }</mtext></msub>{ mo("=") }
                        { mo("(") }{ mn(n) }{ mo("\u{2212}") }{ mn(1) }{ mo(")") }{ mo("\u{00B7}") }{ mn(s) }
                        { mo("\u{2212}") }{ mn(2) }{ mo("\u{00B7}") }{ mn(p) }
                        { mo("+") }{ mn(d) }{ mo("\u{00B7}") }{ mo("(") }{ mn(k) }{ mo("\u{2212}") }{ mn(1) }{ mo(")") }
                        { mo("+") }{ mn(op) }{ mo("+") }{ mn(1) }{ mo("=") }{ result }
                    </mrow>
                </math>
            }
        } else {
            html! {
                <math display="block" aria-label={format!("{out_name} = {spoken}")}>
                    <mrow>
                        <msub><mi>{ name }</mi><mtext>{ "out" }</mtext></msub>{ mo("=") }
                        { mo("\u{230A}") }
                        <mfrac>
                            <mrow>{ mn(n) }{ mo("+") }{ pads }{ mo("\u{2212}") }{ mn(d) }{ mo("\u{00B7}") }
                                { mo("(") }{ mn(k) }{ mo("\u{2212}") }{ mn(1) }{ mo(")") }{ mo("\u{2212}") }{ mn(1) }</mrow>
                            { mn(s) }
                        </mfrac>
                        { mo("\u{230B}") }{ mo("+") }{ mn(1) }{ mo("=") }{ result }
                    </mrow>
                </math>
            }
        }
    });
    let symbolic = if c.op.is_transposed() {
        html! { <math display="block"><mrow>{ mi("O") }{ mo("=") }{ mo("(") }{ mi("n") }{ mo("\u{2212}") }{ mn(1) }{ mo(")") }{ mi("s") }{ mo("\u{2212}") }{ mn(2) }{ mi("p") }{ mo("+") }{ mi("d") }{ mo("(") }{ mi("k") }{ mo("\u{2212}") }{ mn(1) }{ mo(")") }{ mo("+") }<mi>{ "op" }</mi>{ mo("+") }{ mn(1) }</mrow></math> }
    } else {
        html! { <math display="block"><mrow>{ mi("O") }{ mo("=") }{ mo("\u{230A}") }<mfrac><mrow>{ mi("n") }{ mo("+") }{ mn(2) }{ mi("p") }{ mo("\u{2212}") }{ mi("d") }{ mo("(") }{ mi("k") }{ mo("\u{2212}") }{ mn(1) }{ mo(")") }{ mo("\u{2212}") }{ mn(1) }</mrow>{ mi("s") }</mfrac>{ mo("\u{230B}") }{ mo("+") }{ mn(1) }</mrow></math> }
    };
    // What "same" chose, per axis, with the numbers.
    let same = (c.hyper.padding_rule == PaddingRule::Same && !c.op.is_transposed()).then(|| {
        let axes: &[(usize, &str)] = if c.dims() == Dims::One { &[(1, "")] } else { &[(0, "height "), (1, "width ")] };
        html! {
            { for axes.iter().map(|&(axis, name)| html! {
                <p class="eq size same-padding">{ format!("{name}{}", size_formula::Axis::of(c.input, c.kernel, &c.hyper, axis).same()) }</p>
            }) }
        }
    });
    html! {
        <div class="formula" aria-label="Output size">
            <h3>{ "Output size" }</h3>
            { symbolic }
            { for rows }
            { for same }
        </div>
    }
}
