//! The sliding window: the padded input with the window outlined, the kernel,
//! the output with the current cell marked, and the step's arithmetic.
//! Everything shown is read from the core's [`Forward`], the step's terms on
//! demand. Large grids draw as heatmaps (see `Grids`), so a step costs the
//! same at 3x64x64 as at 5x5 apart from the colours' cells.

use std::collections::HashSet;

use yew::prelude::*;

use crate::conv::{Dims, Forward, format};
use crate::model::practice::Question;
use crate::model::results::Shared;
use crate::model::state::{Action, Move, PracticeAction, Quiz, ViewAction};
use crate::ui::panels::practice::{PracticeOn, number_panel, size_hidden};
use crate::ui::widgets::grids::{GridCell, Grids, leads_1, leads_2, legend, rect, stack, unit};
use crate::ui::widgets::heatmap::Planes;
use crate::ui::widgets::matrix::{Cell, mark};

#[derive(Properties, PartialEq)]
pub struct WindowViewProps {
    pub forward: Shared<Forward>,
    pub step: usize,
    /// Input cell `[c, i, j]` under the pointer.
    pub probe: Option<[usize; 3]>,
    /// Practice: the learner's progress on this step (`None`: not practising).
    #[prop_or_default]
    pub practice: Option<PracticeOn>,
    pub dispatch: Callback<Action>,
}

#[component]
pub fn WindowView(props: &WindowViewProps) -> Html {
    let t = &props.forward;
    // The heatmaps' pixels, made once per result, not once per step.
    let padded_planes = use_memo(t.clone(), |t| Planes::of3(&t.padded.values));
    let output_planes = use_memo(t.clone(), |t| Planes::of3(&t.output));
    let g = &t.geometry;
    let dims = g.dims;
    let Some(step) = t.step(props.step) else {
        return html! { <p>{ "No steps." }</p> };
    };
    let [f, oi, oj] = step.out_index;
    let group_start = step.group * g.in_per_group;
    let [sh, sw] = g.span;
    let window = ((step.window[0], step.window[1]), (step.window[0] + sh - 1, step.window[1] + sw - 1));
    let feeds = props.probe.map(|p| t.feeds(p)).unwrap_or_default();
    // Practice asks for each output cell in step order: from this step on they
    // are hidden, and the window shows only once hinted. (Only where every
    // output cell is a DOM cell: a heatmap would show the numbers as colours.)
    let practice = props
        .practice
        .as_ref()
        .filter(|_| g.output_shape().iter().product::<usize>() <= crate::ui::widgets::heatmap::DOM_CELLS);
    // "Which input cells does this output use?": the learner picks them, so the window is not shown.
    let picking = practice.filter(|p| p.state.quiz == Quiz::InputCells);
    let show_window = practice.is_none_or(|p| p.asks_number() && p.state.hints >= 1)
        || picking.is_some_and(|p| p.state.pick_verdict == Some(true));

    // Window cells of this step, looked up once per cell below.
    let taps: HashSet<(usize, [usize; 2])> = step.terms.iter().map(|term| (term.channel, term.padded_pos)).collect();
    // Padded input: the channels of the filter's group.
    let padded_cell = |lead: &[usize], pos: [usize; 2]| {
        let c = lead[0];
        let mut marks = if t.padded.is_padding(pos) { mark::PAD } else { 0 };
        if show_window {
            marks |= mark::edges(pos[0], pos[1], window.0, window.1);
        }
        if show_window && taps.contains(&(c, pos)) {
            marks |= mark::TAP;
        }
        if let Some([pc, pi, pj]) = props.probe
            && pc == c
            && t.padded.source(pos) == Some([pi, pj])
        {
            marks |= mark::PROBE;
        }
        if picking.is_some_and(|p| p.state.picked.contains(&[c, pos[0], pos[1]])) {
            marks |= mark::SELECTED;
        }
        Cell { marks, ..Cell::new(String::new(), t.padded.values[[c, pos[0], pos[1]]]) }
    };
    let on_pick =
        props.dispatch.reform(|(lead, [pi, pj]): GridCell| Action::Practice(PracticeAction::Pick([lead[0], pi, pj])));
    let on_probe = {
        let d = props.dispatch.clone();
        let padded = t.padded.clone();
        Callback::from(move |cell: Option<GridCell>| {
            let probe = cell.and_then(|(lead, pos)| {
                let [i, j] = padded.source(pos)?;
                Some([lead[0], i, j])
            });
            d.emit(Action::View(ViewAction::Probe(probe)));
        })
    };
    // Where marks can be: the window, and the copies of the probed cell.
    let padded_marked = |lead: &[usize]| {
        let mut cells = rect([window.0.0, window.0.1], [window.1.0, window.1.1]);
        if let Some([pc, pi, pj]) = props.probe
            && pc == lead[0]
        {
            let cols = t.padded.copies_of(1, pj);
            cells.extend(t.padded.copies_of(0, pi).into_iter().flat_map(|i| cols.iter().map(move |&j| [i, j])));
        }
        cells
    };
    let padded_caption = if g.params.padding == [0, 0] { "input (no padding)" } else { "padded input" };
    let mut padded_grids = Grids::new("padded_input", dims, padded_caption, g.padded, &padded_cell)
        .per(&["channel"], (group_start..group_start + g.in_per_group).map(|c| vec![c]).collect())
        .on_hover(on_probe)
        .planes(&padded_planes, &padded_marked);
    if picking.is_some() {
        padded_grids = padded_grids.on_click(on_pick);
    }
    let padded_grids = padded_grids.render();

    // Kernel of filter f as it meets the window (rotated when flip is on).
    let probe_taps: Vec<[usize; 4]> =
        feeds.iter().filter(|fd| fd.out_index[0] == f).flat_map(|fd| fd.weight_indices.clone()).collect();
    let kernel_cell = |lead: &[usize], tap: [usize; 2]| {
        let term = step.term(g, lead[1], tap);
        let mut cell = Cell::new(String::new(), term.map_or(0.0, |t| t.w));
        cell.marks = mark::TAP;
        if let Some(term) = term {
            if probe_taps.contains(&term.weight_index) {
                cell.marks |= mark::PROBE;
            }
            if g.params.flip {
                cell.note = Some(format!(
                    "w[{}]",
                    crate::model::grid::data_index(dims, &[], [term.weight_index[2], term.weight_index[3]])
                ));
            }
        }
        cell
    };
    let kernel_caption = format!("kernel{}", if g.params.flip { " (rotated 180\u{00B0})" } else { "" });
    let kernel_grids = Grids::new("kernel", dims, kernel_caption, g.kernel, &kernel_cell)
        .per(&["filter", "channel"], leads_2(1, g.in_per_group).into_iter().map(|l| vec![f, l[1]]).collect())
        .render();

    // Output, every filter; hover or click a cell to step there.
    let out_cell = |lead: &[usize], pos: [usize; 2]| {
        let ff = lead[0];
        let mut cell = Cell::new(String::new(), t.output[[ff, pos[0], pos[1]]]);
        if [ff, pos[0], pos[1]] == [f, oi, oj] {
            cell.marks |= mark::CURRENT;
        }
        if let Some(p) = practice
            && g.step_of([ff, pos[0], pos[1]]).is_none_or(|s| p.hides(s, props.step, "output"))
        {
            cell.marks |= mark::HIDDEN;
        }
        if let Some(fd) = feeds.iter().find(|fd| fd.out_index == [ff, pos[0], pos[1]]) {
            cell.marks |= mark::FED;
            if fd.weight_indices.len() > 1 {
                cell.note = Some(format!("\u{00D7}{}", fd.weight_indices.len()));
            }
        }
        cell
    };
    let jump = {
        let d = props.dispatch.clone();
        let geometry = *g;
        Callback::from(move |cell: Option<GridCell>| {
            if let Some((lead, [i, j])) = cell
                && let Some(s) = geometry.step_of([lead[0], i, j])
            {
                d.emit(Action::View(ViewAction::Step(Move::To(s))));
            }
        })
    };
    let output_marked = |lead: &[usize]| {
        let mut cells: Vec<[usize; 2]> =
            feeds.iter().filter(|fd| fd.out_index[0] == lead[0]).map(|fd| [fd.out_index[1], fd.out_index[2]]).collect();
        if lead[0] == f {
            cells.push([oi, oj]);
        }
        cells
    };
    let output_grids = if practice.is_some_and(PracticeOn::hides_size) {
        size_hidden("output")
    } else {
        Grids::new("output", dims, "output", g.output, &out_cell)
            .per(&["filter"], leads_1(g.out_channels))
            .planes(&output_planes, &output_marked)
            .on_hover(jump.clone())
            .on_click(jump.reform(Some))
            .render()
    };

    let per_channel = g.in_per_group > 1;
    let y = format::label("y", dims, (g.out_channels > 1).then_some(&[f][..]), [oi, oj]);
    let total_line = {
        let mut parts: Vec<String> = step.channel_sums.iter().map(|(_, s)| format::factor(*s)).collect();
        if step.has_bias {
            parts.push(format::factor(step.bias));
        }
        format!("{y} = {} = {}", format::sum(&parts), format::short(step.result))
    };
    let probe_line = |pc: usize, pi: usize, pj: usize| {
        let x = format::label("x", dims, Some(&[pc][..]), [pi, pj]);
        if feeds.is_empty() {
            format!("{x} feeds no output")
        } else {
            let uses: usize = feeds.iter().map(|fd| fd.weight_indices.len()).sum();
            format!("{x} feeds {} output cell(s), {uses} product(s) in all (outlined)", feeds.len())
        }
    };
    let window_at = if dims == Dims::Two {
        format!("row {}, column {}", step.window[0], step.window[1])
    } else {
        format!("position {}", step.window[1])
    };
    html! {
        <section class="view window-view" aria-label="Sliding window">
            <div class="matrices">
                { stack(padded_grids) }
                { unit("\u{2217}", kernel_grids) }
                { unit("=", output_grids) }
            </div>
            { legend(&[
                ("win et eb el er", "the window"),
                ("tap", "cells multiplied in this step"),
                ("current", "the output cell being computed"),
                ("fed", "outputs fed by the input cell under the pointer"),
                ("pad", "padding"),
            ][..if g.params.padding == [0, 0] { 4 } else { 5 }]) }
            if let Some(p) = practice {
                if let Some(p) = picking {
                    { pick_panel(p, &y, &step, &props.dispatch) }
                } else if let Some(q) = p.asks_number().then(|| Question::forward(t, props.step)).flatten() {
                    { number_panel(&q, p, &props.dispatch) }
                }
            } else {
            <div class="equation" aria-live="polite">
                <p class="eq-title">{ format!("{y}: window at {window_at} of the {}", if g.params.padding == [0, 0] { "input" } else { "padded input" }) }</p>
                if g.params.flip {
                    <p class="flip-note">{ "Flip is on: the window meets the kernel rotated by 180\u{00B0}, so its first cell multiplies the kernel's last (each kernel cell is labelled with the weight it holds)." }</p>
                }
                if per_channel {
                    { for step.channel_sums.iter().map(|(c, sum)| {
                        let terms: Vec<String> = step.terms.iter().filter(|t| t.channel == *c)
                            .map(|t| format!("{}*{}", format::factor(t.x), format::factor(t.w))).collect();
                        html! { <p class="eq channel-sum">{ format!("channel {c}: {} = {}", format::sum(&terms), format::short(*sum)) }</p> }
                    }) }
                    <p class="eq total">{ total_line }</p>
                } else {
                    <p class="eq">{ step.equation() }</p>
                }
                if let Some([pc, pi, pj]) = props.probe {
                    <p class="probe-note">{ probe_line(pc, pi, pj) }</p>
                }
            </div>
            }
            if props.practice.is_some() && practice.is_none() {
                <p class="hint">{ "Practice asks for output cells where every one is shown as a number: make the problem smaller." }</p>
            }
        </section>
    }
}

/// "Which input cells does this output use?": the learner clicks the padded
/// input's cells; the check compares them with the step's window.
fn pick_panel(p: &PracticeOn, y: &str, step: &crate::conv::ForwardStep, dispatch: &Callback<Action>) -> Html {
    let expected: Vec<[usize; 3]> = step.terms.iter().map(|t| [t.channel, t.padded_pos[0], t.padded_pos[1]]).collect();
    let count = p.state.picked.len();
    html! {
        <div class="equation practice" aria-live="polite">
            <p class="eq-title">{ format!("Which input cells does {y} use? Click them in the input (padding included), then check.") }</p>
            <p class="practice-answer">
                <span>{ format!("{count} picked") }</span>
                <button type="button" onclick={dispatch.reform(move |_| Action::Practice(PracticeAction::PickCheck { expected: expected.clone() }))}>{ "Check cells" }</button>
            </p>
            { match p.state.pick_verdict {
                Some(true) => html! { <p class="verdict right" data-verdict="right">{ format!("Right: these {count} cells are the window (outlined).") }</p> },
                Some(false) => html! { <p class="verdict wrong" data-verdict="wrong">{ format!(
                    "Not these: the window has {} cells ({} per channel). Its top-left corner is at stride times the output's position.",
                    step.terms.len(), step.terms.len() / step.channel_sums.len().max(1)) }</p> },
                None => Html::default(),
            } }
        </div>
    }
}
