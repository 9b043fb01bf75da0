//! The sliding window: the padded input with the window outlined, the kernel,
//! the output with the current cell marked, and the step's arithmetic.
//! Everything shown is read from the core's [`Forward`], the step's terms on demand.

use std::collections::HashSet;
use std::rc::Rc;

use yew::prelude::*;

use super::grids::{data_index, legend};
use super::matrix::{Cell, Matrix, mark};
use crate::conv::{Dims, Forward, format};
use crate::state::{Action, Move};

#[derive(Properties, PartialEq)]
pub struct WindowViewProps {
    pub forward: Rc<Forward>,
    pub step: usize,
    /// Input cell `[c, i, j]` under the pointer.
    pub probe: Option<[usize; 3]>,
    pub dispatch: Callback<Action>,
}

#[component]
pub fn WindowView(props: &WindowViewProps) -> Html {
    let t = &props.forward;
    let g = &t.geometry;
    let dims = g.dims;
    let Some(step) = t.step(props.step) else {
        return html! { <p>{ "No steps." }</p> };
    };
    let [f, oi, oj] = step.out_index;
    let group_start = step.group * g.in_per_group;
    let channels: Vec<usize> = (group_start..group_start + g.in_per_group).collect();
    let [ph, pw] = g.padded;
    let [sh, sw] = g.span;
    let window = ((step.window[0], step.window[1]), (step.window[0] + sh - 1, step.window[1] + sw - 1));
    let feeds = props.probe.map(|p| t.feeds(p)).unwrap_or_default();

    // Window cells of this step, looked up once per cell below.
    let taps: HashSet<(usize, [usize; 2])> = step.terms.iter().map(|term| (term.channel, term.padded_pos)).collect();
    // Padded input: one grid per channel of the group (1D: one grid, a row per channel).
    let padded_cell = |c: usize, pos: [usize; 2]| {
        let mut marks = if t.padded.is_padding(pos) { mark::PAD } else { 0 };
        marks |= mark::edges(pos[0], pos[1], window.0, window.1);
        if taps.contains(&(c, pos)) {
            marks |= mark::TAP;
        }
        if let Some([pc, pi, pj]) = props.probe
            && pc == c
            && t.padded.source(pos) == Some([pi, pj])
        {
            marks |= mark::PROBE;
        }
        let mut cell = Cell::new(data_index(dims, &[c], pos), t.padded.values[[c, pos[0], pos[1]]]);
        cell.marks = marks;
        cell
    };
    let probe_cb = {
        let d = props.dispatch.clone();
        let padded = t.padded.clone();
        move |c_of_row: Rc<dyn Fn(usize) -> usize>, to_pos: Rc<dyn Fn(usize, usize) -> [usize; 2]>| {
            let d = d.clone();
            let padded = padded.clone();
            Callback::from(move |rc: Option<(usize, usize)>| {
                let probe = rc.and_then(|(r, col)| {
                    let src = padded.source(to_pos(r, col))?;
                    Some([c_of_row(r), src[0], src[1]])
                });
                d.emit(Action::Probe(probe));
            })
        }
    };
    let padded_grids: Html = if dims == Dims::One {
        let rows: Vec<Vec<Cell>> =
            channels.iter().map(|&c| (0..pw).map(|j| padded_cell(c, [0, j])).collect()).collect();
        let chans = channels.clone();
        let cb = probe_cb(Rc::new(move |r| chans[r]), Rc::new(|_, col| [0, col]));
        html! { <Matrix name="padded_input" caption="padded input (channels x width)" rows={Rc::new(rows)} on_hover={cb} /> }
    } else {
        channels
            .iter()
            .map(|&c| {
                let rows: Vec<Vec<Cell>> = (0..ph).map(|i| (0..pw).map(|j| padded_cell(c, [i, j])).collect()).collect();
                let cb = probe_cb(Rc::new(move |_| c), Rc::new(|r, col| [r, col]));
                html! { <Matrix name="padded_input" caption={format!("padded input, channel {c}")} rows={Rc::new(rows)} on_hover={cb} /> }
            })
            .collect()
    };

    // Kernel of filter f as it meets the window (rotated when flip is on).
    let probe_taps: Vec<[usize; 4]> =
        feeds.iter().filter(|fd| fd.out_index[0] == f).flat_map(|fd| fd.weight_indices.clone()).collect();
    let kernel_cell = |cl: usize, tap: [usize; 2]| {
        let term = step.term(g, cl, tap);
        let mut cell = Cell::new(data_index(dims, &[f, cl], tap), term.map_or(0.0, |t| t.w));
        cell.marks = mark::TAP;
        if let Some(term) = term {
            if probe_taps.contains(&term.weight_index) {
                cell.marks |= mark::PROBE;
            }
            if g.params.flip {
                cell.note = Some(format!("w[{}]", data_index(dims, &[], [term.weight_index[2], term.weight_index[3]])));
            }
        }
        cell
    };
    let kernel_grids: Html = if dims == Dims::One {
        let rows: Vec<Vec<Cell>> =
            (0..g.in_per_group).map(|cl| (0..g.kernel[1]).map(|j| kernel_cell(cl, [0, j])).collect()).collect();
        html! { <Matrix name="kernel" caption={format!("kernel of filter {f}")} rows={Rc::new(rows)} /> }
    } else {
        (0..g.in_per_group)
            .map(|cl| {
                let rows: Vec<Vec<Cell>> =
                    (0..g.kernel[0]).map(|i| (0..g.kernel[1]).map(|j| kernel_cell(cl, [i, j])).collect()).collect();
                let caption = format!(
                    "filter {f}, channel {}{}",
                    group_start + cl,
                    if g.params.flip { " (rotated 180\u{00B0})" } else { "" }
                );
                html! { <Matrix name="kernel" {caption} rows={Rc::new(rows)} /> }
            })
            .collect()
    };

    // Output, every filter.
    let [oh, ow] = g.output;
    let out_cell = |ff: usize, pos: [usize; 2]| {
        let mut cell = Cell::new(data_index(dims, &[ff], pos), t.output[[ff, pos[0], pos[1]]]);
        if [ff, pos[0], pos[1]] == [f, oi, oj] {
            cell.marks |= mark::CURRENT;
        }
        if let Some(fd) = feeds.iter().find(|fd| fd.out_index == [ff, pos[0], pos[1]]) {
            cell.marks |= mark::FED;
            if fd.weight_indices.len() > 1 {
                cell.note = Some(format!("\u{00D7}{}", fd.weight_indices.len()));
            }
        }
        cell
    };
    let jump = |ff_of_row: Rc<dyn Fn(usize) -> usize>, pos_of: Rc<dyn Fn(usize, usize) -> [usize; 2]>| {
        let d = props.dispatch.clone();
        let geometry = *g;
        Callback::from(move |rc: Option<(usize, usize)>| {
            if let Some((r, col)) = rc {
                let [i, j] = pos_of(r, col);
                if let Some(s) = geometry.step_of([ff_of_row(r), i, j]) {
                    d.emit(Action::Step(Move::To(s)));
                }
            }
        })
    };
    let output_grids: Html = if dims == Dims::One {
        let rows: Vec<Vec<Cell>> =
            (0..g.out_channels).map(|ff| (0..ow).map(|j| out_cell(ff, [0, j])).collect()).collect();
        let hover = jump(Rc::new(|r| r), Rc::new(|_, c| [0, c]));
        let click = hover.reform(Some);
        html! { <Matrix name="output" caption="output (filters x width)" rows={Rc::new(rows)} on_hover={hover} on_click={click} /> }
    } else {
        (0..g.out_channels)
            .map(|ff| {
                let rows: Vec<Vec<Cell>> = (0..oh).map(|i| (0..ow).map(|j| out_cell(ff, [i, j])).collect()).collect();
                let hover = jump(Rc::new(move |_| ff), Rc::new(|r, c| [r, c]));
                let click = hover.reform(Some);
                html! { <Matrix name="output" caption={format!("output, filter {ff}")} rows={Rc::new(rows)} on_hover={hover} on_click={click} /> }
            })
            .collect()
    };

    let per_channel = g.in_per_group > 1;
    let total_line = {
        let mut parts: Vec<String> = step.channel_sums.iter().map(|(_, s)| format::factor(*s)).collect();
        if step.has_bias {
            parts.push(format::factor(step.bias));
        }
        let y = format::label("y", dims, (g.out_channels > 1).then_some(&[f][..]), [oi, oj]);
        format!("{y} = {} = {}", parts.join(" + "), format::short(step.result))
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
    let out_label = format::label("y", dims, (g.out_channels > 1).then_some(&[f][..]), [oi, oj]);
    html! {
        <section class="view window-view" aria-label="Sliding window">
            <div class="matrices">
                <div class="stack">{ padded_grids }</div>
                <div class="op-sign" aria-hidden="true">{ "\u{2217}" }</div>
                <div class="stack">{ kernel_grids }</div>
                <div class="op-sign" aria-hidden="true">{ "=" }</div>
                <div class="stack">{ output_grids }</div>
            </div>
            { legend(&[
                ("win et eb el er", "the window"),
                ("tap", "cells multiplied in this step"),
                ("pad", "padding"),
                ("current", "the output cell being computed"),
                ("fed", "outputs fed by the input cell under the pointer"),
            ]) }
            <div class="equation" aria-live="polite">
                <p class="eq-title">{ format!("{out_label}: window at row {}, column {} of the padded input", step.window[0], step.window[1]) }</p>
                if per_channel {
                    { for step.channel_sums.iter().map(|(c, sum)| {
                        let terms: Vec<String> = step.terms.iter().filter(|t| t.channel == *c)
                            .map(|t| format!("{}*{}", format::factor(t.x), format::factor(t.w))).collect();
                        html! { <p class="eq channel-sum">{ format!("channel {c}: {} = {}", terms.join(" + "), format::short(*sum)) }</p> }
                    }) }
                    <p class="eq total">{ total_line }</p>
                } else {
                    <p class="eq">{ step.equation() }</p>
                }
                if let Some([pc, pi, pj]) = props.probe {
                    <p class="probe-note">{ probe_line(pc, pi, pj) }</p>
                }
            </div>
        </section>
    }
}
