//! The export view: NumPy and PyTorch code that recompute every number on
//! screen (each in a `<pre data-export>` with a copy button), and the arrays
//! as `.npy` files or one JSON file. Everything is made in the page by
//! [`crate::model::export`]; nothing is uploaded.

use std::rc::Rc;

use yew::prelude::*;

use crate::model::view_state::View;

use crate::conv::Problem;
use crate::effects::browser::download;
use crate::model::export;
use crate::model::results::{Results, Shared};
use crate::ui::widgets::copy_link::CopyLink;

#[derive(Properties, PartialEq)]
pub struct ExportViewProps {
    pub problem: Shared<Problem>,
    pub results: Rc<Results>,
    /// A practice link hides the answers (`reveal: false`): no result is offered here.
    pub withheld: bool,
}

#[component]
pub fn ExportView(props: &ExportViewProps) -> Html {
    let p = &props.problem;
    // The code is made once per problem, not per render.
    let code = use_memo(props.problem.clone(), |p| (export::numpy_code(p), export::pytorch_code(p)));
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
    let arrays = {
        let results = props.results.clone();
        use_memo(props.problem.clone(), move |problem| {
            let output = if problem.op.is_transposed() {
                results.transposed().and_then(|r| r.ok()).map(|t| t.output.clone())
            } else {
                results.forward().and_then(|r| r.ok()).map(|f| f.output.clone())
            };
            let backward = results.backward().and_then(|r| r.ok());
            export::arrays(problem, output.as_ref(), backward.as_deref())
        })
    };
    // The answers a practice link hides reach the learner nowhere: only the given arrays are offered.
    let arrays = if props.withheld {
        Rc::new(arrays.iter().filter(|(name, _)| export::GIVEN.contains(name)).cloned().collect())
    } else {
        arrays.clone()
    };
    let npy_buttons = arrays.iter().map(|(name, _)| {
        let (arrays, name) = (arrays.clone(), *name);
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some((_, a)) = arrays.iter().find(|(n, _)| *n == name) {
                let _ = download(&export::npy(&a.view()), &format!("{name}.npy"), "application/octet-stream");
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
    html! {
        <section class="view export-view" aria-label={View::Export.label(false)}>
            <p class="view-note">{ format!(
                "Run either script as it is: it leaves {leaves}, equal to the numbers on screen. \
                 The NumPy one works the way the tutorials do (padding, im2col, one matrix product, a reshape{}); \
                 the PyTorch one calls torch.nn.functional in float64.",
                if transposed { "; here, kernel copies scattered and added" } else { "" }
            ) }</p>
            if props.withheld {
                <p class="withheld" role="note">{ "This practice link hides the answers (\"reveal\": false): the output and the \
                    gradients are not offered here, as files or as figures, so that each one is yours to work out. \
                    The input, the kernel, the bias and dY are. The scripts still compute the results: running them is \
                    your own work." }</p>
            }
            { block("numpy", "NumPy", &code.0) }
            { block("pytorch", "PyTorch", &code.1) }
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
