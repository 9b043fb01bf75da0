//! "Figure": the view on screen, at the current step, as SVG (vector, real
//! text) or PNG (the same drawing, rasterised at twice the size), or every
//! step as an animated GIF. Made in the page; nothing is uploaded. The
//! capture is an effect (`effects::capture`); the figure is model data
//! (`model::figure`); this bar holds only its settings.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::effects::browser::download;
use crate::effects::capture::{GifOptions, GifWalk, use_recording};
use crate::effects::figures::{self, Job};
use crate::effects::split::Missing;
use crate::model::figure::Colours;

#[derive(Properties, PartialEq)]
pub struct FigureBarProps {
    /// The player's step and its number of steps (the GIF walks them).
    pub step: usize,
    pub steps: usize,
    /// A name for the files: the view's (`View::name`).
    pub name: AttrValue,
    /// Show this step (the GIF's walk).
    pub on_step: Callback<usize>,
    /// Open the export view (code and data).
    pub on_code: Callback<()>,
}

#[component]
pub fn FigureBar(props: &FigureBarProps) -> Html {
    let with_equation = use_state(|| true);
    let colours = use_state(Colours::default);
    let delay = use_state(|| 600_u16);
    let status = use_state(String::new);
    let busy = use_state(|| false);
    let stop = use_recording(props.name.clone());
    let name = props.name.clone();

    // The encoders are fetched on the first click (effects::figures); a click
    // that cannot fetch them says so and leaves the bar as it was.
    let made = {
        let (name, status) = (name.clone(), status.clone());
        move |job: Job, kind: &'static str, mime: &'static str| {
            let (name, status) = (name.clone(), status.clone());
            async move {
                match figures::make(job).await {
                    Ok(Some((bytes, frames))) => {
                        let _ = download(&bytes, &format!("convscope-{name}.{kind}"), mime);
                        status.set(match kind {
                            "gif" => format!("GIF made: {frames} frames"),
                            // ASCII: `str::to_uppercase` would bring core's Unicode case tables (about 14 KB) into the main module.
                            _ => format!("{} made", kind.to_ascii_uppercase()),
                        });
                    }
                    Ok(None) if kind == "gif" => {
                        status.set("The GIF stopped: the view changed, or a step could not be drawn".into())
                    }
                    Ok(None) => status.set(format!("The {} could not be made", kind.to_ascii_uppercase())),
                    Err(Missing) => status.set("The figure tools could not be loaded (offline?): try again".into()),
                }
            }
        }
    };
    let svg = {
        let (eq, colours, made) = (*with_equation, *colours, made.clone());
        Callback::from(move |_: MouseEvent| {
            let job = Job::Svg { colours, with_equation: eq };
            wasm_bindgen_futures::spawn_local(made(job, "svg", "image/svg+xml"));
        })
    };
    let png = {
        let (eq, colours, made) = (*with_equation, *colours, made.clone());
        Callback::from(move |_: MouseEvent| {
            let job = Job::Png { colours, with_equation: eq };
            wasm_bindgen_futures::spawn_local(made(job, "png", "image/png"));
        })
    };
    let gif = {
        let options = GifOptions { colours: *colours, with_equation: *with_equation, delay_ms: *delay };
        let (steps, back_to, on_step) = (props.steps, props.step, props.on_step.clone());
        let (status, busy, stop) = (status.clone(), busy.clone(), stop.clone());
        Callback::from(move |_: MouseEvent| {
            if *busy || steps == 0 {
                return;
            }
            busy.set(true);
            let on_status = {
                let status = status.clone();
                Callback::from(move |s: String| status.set(s))
            };
            let walk = GifWalk { steps, back_to, options, stop: stop.clone(), on_step: on_step.clone(), on_status };
            let job = Job::Gif(walk);
            let (making, busy) = (made(job, "gif", "image/gif"), busy.clone());
            wasm_bindgen_futures::spawn_local(async move {
                making.await;
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
                colours.set(Colours::from_name(&select.value()));
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
            <button type="button" onclick={props.on_code.reform(|_| ())} disabled={*busy}
                title="NumPy and PyTorch code, and the arrays as .npy or JSON">{ "Code and data\u{2026}" }</button>
            <span class="figure-status" role="status">{ (*status).clone() }</span>
        </div>
    }
}
