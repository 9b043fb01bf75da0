//! The export view: NumPy and PyTorch code that recompute every number on
//! screen (each in a `<pre data-export>` with a copy button), and the arrays
//! as `.npy` files or one JSON file. Everything is made in the page by
//! [`crate::model::export`]; nothing is uploaded.
//!
//! With a stack of layers (the network view's), the two scripts on top are
//! the network's (`y1`, `y2`, ... from `x`), and the downloads its arrays;
//! the single op's scripts follow in a closed `<details>` below them
//! (`pre[data-export="numpy-op"]`, `"pytorch-op"`).

use std::rc::Rc;

use yew::prelude::*;

use crate::model::view_state::View;

use crate::conv::Problem;
use crate::effects::browser::download;
use crate::model::export;
use crate::model::network::Stack;
use crate::model::results::{Results, Shared};
use crate::ui::widgets::copy_link::CopyLink;

#[derive(Properties, PartialEq)]
pub struct ExportViewProps {
    pub problem: Shared<Problem>,
    pub results: Rc<Results>,
    /// The network view's layers: when there are any, the scripts and arrays are the stack's.
    pub stack: Shared<Stack>,
    /// A practice link hides the answers (`reveal: false`): no result is offered here.
    pub withheld: bool,
}

#[component]
pub fn ExportView(props: &ExportViewProps) -> Html {
    let p = &props.problem;
    // The code is made once per problem, not per render.
    let code = use_memo(props.problem.clone(), |p| (export::numpy_code(p), export::pytorch_code(p)));
    // The stack's scripts and arrays, once per input and stack (`None`: no layers).
    let net = use_memo((props.problem.clone(), props.stack.clone()), |(p, stack)| {
        (!stack.0.layers.is_empty()).then(|| {
            let network = stack.0.network(p.dims(), &p.input);
            let eval = network.evaluate();
            let arrays = export::network_arrays(&network, &eval.outputs);
            let computed = eval.outputs.len() - 1;
            (export::network_numpy_code(&network), export::network_pytorch_code(&network), arrays, computed)
        })
    });
    let transposed = p.op.is_transposed();
    let block = |kind: &'static str, title: &'static str, text: &String| {
        let copy = {
            let text = text.clone();
            Callback::from(move |()| text.clone())
        };
        html! {
            <section class="export-code">
                <div class="export-head">
                    <h3>{ title }</h3>
                    <CopyLink link={copy} label={format!("Copy {title} code")} done="Code copied" what="code"
                        title={format!("Copy the {title} script")} />
                </div>
                <pre data-export={kind} tabindex="0"><code>{ text.clone() }</code></pre>
            </section>
        }
    };
    // The arrays are made once per problem (they copy every tensor), not per render or click.
    let op_arrays = {
        let results = props.results.clone();
        use_memo(props.problem.clone(), move |problem| {
            let output = if problem.op.is_transposed() {
                results.transposed().and_then(|r| r.ok()).map(|t| t.output.clone())
            } else {
                results.forward().and_then(|r| r.ok()).map(|f| f.output.clone())
            };
            let backward = results.backward().and_then(|r| r.ok());
            export::arrays(problem, output.as_ref(), backward.as_deref())
                .into_iter()
                .map(|(name, a)| (name.to_string(), a))
                .collect::<Vec<_>>()
        })
    };
    let arrays: &Vec<(String, ndarray::ArrayD<f64>)> = match &*net {
        Some((_, _, arrays, _)) => arrays,
        None => &op_arrays,
    };
    // The answers a practice link hides reach the learner nowhere: only the given arrays are offered.
    let arrays: Rc<Vec<(String, ndarray::ArrayD<f64>)>> =
        Rc::new(arrays.iter().filter(|(name, _)| !props.withheld || export::is_given(name)).cloned().collect());
    let npy_buttons = arrays.iter().map(|(name, _)| {
        let (arrays, file) = (arrays.clone(), name.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some((_, a)) = arrays.iter().find(|(n, _)| *n == file) {
                let _ = download(&export::npy(&a.view()), &format!("{file}.npy"), "application/octet-stream");
            }
        });
        html! { <button type="button" {onclick} title={format!("Download {name} as a NumPy .npy file")}>{ format!("{name}.npy") }</button> }
    });
    let all_json = {
        let arrays = arrays.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = download(export::arrays_json(&arrays).as_bytes(), "convscope-arrays.json", "application/json");
        })
    };
    let leaves = if transposed { "y" } else { "y, and the gradients dx, dw and db for dY (db only with a bias)" };
    let op_note = format!(
        "Run either script as it is: it leaves {leaves}, equal to the numbers on screen. \
         The NumPy one works the way the tutorials do (padding, im2col, one matrix product, a reshape{}); \
         the PyTorch one calls torch.nn.functional in float64.",
        if transposed { "; here, kernel copies scattered and added" } else { "" }
    );
    let withheld_note = if net.is_some() {
        "This practice link hides the answers (\"reveal\": false): the layers' outputs y1, y2, ... are not offered \
         here as files, so that each one is yours to work out. The input and each layer's weights and bias are. \
         The scripts still compute the results: running them is your own work."
    } else {
        "This practice link hides the answers (\"reveal\": false): the output and the \
         gradients are not offered here, as files or as figures, so that each one is yours to work out. \
         The input, the kernel, the bias and dY are. The scripts still compute the results: running them is \
         your own work."
    };
    let scripts = match &*net {
        Some((numpy, pytorch, _, computed)) => {
            let n = props.stack.0.layers.len();
            let names = if *computed > 1 { format!("y1 to y{computed}") } else { "y1".to_string() };
            let stops = if *computed < n {
                format!(
                    " Layer {} cannot take its input (the network view says why), so the scripts stop before it.",
                    computed + 1
                )
            } else {
                String::new()
            };
            html! {
                <>
                    <p class="view-note" data-export-network={n.to_string()}>{ format!(
                        "These scripts cover the network: its {n} layer{} on the input x, each layer's weights and bias \
                         written out (seeded ones as their numbers). Run either as it is: it leaves {names}, every \
                         layer's output, equal to the network view's numbers. The NumPy one writes each kind of layer \
                         out (padding, im2col and one matrix product, kernel copies scattered and added, pooling and \
                         F.pad as PyTorch computes them); the PyTorch one calls torch.nn.functional in float64.{stops}",
                        if n == 1 { "" } else { "s" }
                    ) }</p>
                    { block("numpy", "NumPy", numpy) }
                    { block("pytorch", "PyTorch", pytorch) }
                    <details class="export-op">
                        <summary>{ "The single operation's code (the document's op, input and kernel, without the layers)" }</summary>
                        <p class="view-note">{ op_note }</p>
                        { block("numpy-op", "NumPy (single op)", &code.0) }
                        { block("pytorch-op", "PyTorch (single op)", &code.1) }
                    </details>
                </>
            }
        }
        None => html! {
            <>
                <p class="view-note">{ op_note }</p>
                { block("numpy", "NumPy", &code.0) }
                { block("pytorch", "PyTorch", &code.1) }
            </>
        },
    };
    html! {
        <section class="view export-view" aria-label={View::Export.label(false)}>
            if props.withheld {
                <p class="withheld" role="note">{ withheld_note }</p>
            }
            { scripts }
            <section class="export-data">
                <h3>{ "Figures" }</h3>
                <p class="hint">{ "Each view has export buttons under its player: SVG (vector, real text) and PNG of the view at its step, \
                    and an animated GIF of every step, with or without the equation, light or dark." }</p>
            </section>
            <section class="export-data">
                <h3>{ "Data" }</h3>
                <p class="hint">{ "Each array in PyTorch's layout, as a .npy file (np.load reads it) or all in one JSON file." }</p>
                <div class="export-buttons">
                    { for npy_buttons }
                    <button type="button" onclick={all_json}>{ "All as one .json" }</button>
                </div>
            </section>
        </section>
    }
}
