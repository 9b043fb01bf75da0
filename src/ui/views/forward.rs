//! The forward view, the sliding window: the padded input with the window outlined, the kernel,
//! the output with the current cell marked, and the step's arithmetic.
//! Everything shown is read from the core's [`Forward`], the step's terms on
//! demand. Large grids draw as heatmaps (see `Grids`), so a step costs the
//! same at 3x64x64 as at 5x5 apart from the colours' cells. The player, the
//! practice panel and the empty state are the step frame's ([`Frame`]).

use std::collections::HashMap;

use yew::prelude::*;

use crate::conv::{Feed, Forward, ForwardStep};
use crate::model::equation;
use crate::model::format;
use crate::model::practice::Question;
use crate::model::results::Shared;
use crate::model::state::Quiz;
use crate::model::taps::Tap;
use crate::model::view_state::View;
use crate::ui::panels::practice::{Answers, PracticeOn, size_hidden};
use crate::ui::views::frame::{Copies, Frame, Stepped};
use crate::ui::widgets::grids::{GridCell, Grids, entering, leads_1, leads_2, legend, rect, stack, unit};
use crate::ui::widgets::heatmap::{DOM_CELLS, Planes};
use crate::ui::widgets::matrix::{Cell, mark};

#[derive(Properties, PartialEq)]
pub struct ForwardViewProps {
    pub forward: Shared<Forward>,
    /// Input cell `[c, i, j]` under the pointer.
    pub probe: Option<[usize; 3]>,
    pub frame: Frame,
    /// The pointer entered input cell `[c, i, j]` (a padding cell: the cell it
    /// copies), or left the input (`None`).
    pub on_probe: Callback<Option<[usize; 3]>>,
}

#[component]
pub fn ForwardView(props: &ForwardViewProps) -> Html {
    let t = &props.forward;
    // The heatmaps' pixels, made once per result, not once per step.
    let padded_planes = use_memo(t.clone(), |t| Planes::of3(&t.padded.values));
    let output_planes = use_memo(t.clone(), |t| Planes::of3(&t.output));
    let frame = &props.frame;
    let Some(step) = t.step(frame.step) else {
        return frame.empty();
    };
    let g = &t.geometry;
    // Practice asks for each output cell in step order: from this step on
    // they are hidden; the window shows, as outside practice.
    let fits = g.output_shape().iter().product::<usize>() <= DOM_CELLS;
    let scene = Scene {
        t,
        step: &step,
        index: frame.step,
        probe: props.probe,
        feeds: props.probe.map(|p| t.feeds(p)).unwrap_or_default(),
        practice: frame.practising(fits),
    };
    let drawing = html! {
        <>
            <div class="matrices">
                { stack(scene.padded_input(&padded_planes, &props.on_probe, &frame.events.answers.on_pick)) }
                { unit("\u{2217}", scene.kernel()) }
                { unit("=", scene.output(&output_planes, frame.jump(scene.step_of()))) }
            </div>
            { legend(&[
                ("win et eb el er", "the window"),
                ("tap tap-colour-0", "a kernel cell and the input cell it multiplies in this step share a colour"),
                ("current", "the output cell being computed"),
                ("fed", "outputs fed by the input cell under the pointer"),
                ("pad", "padding"),
            ][..if !g.is_padded() { 4 } else { 5 }]) }
        </>
    };
    let asks_number = scene.practice.is_some_and(PracticeOn::asks_number);
    frame.show(Stepped {
        class: "forward-view",
        label: View::Forward.label(false),
        fits,
        asks_for: "output cells",
        drawing,
        equation: scene.equation(),
        question: asks_number.then(|| Question::forward(t, frame.step)).flatten(),
        own_question: scene.picking().map(|p| pick_panel(p, &scene.y(), &step, &frame.events.answers)),
    })
}

/// One render of the view: the result, the step, what is pointed at.
struct Scene<'a> {
    t: &'a Forward,
    step: &'a ForwardStep,
    /// The step's number.
    index: usize,
    probe: Option<[usize; 3]>,
    /// The outputs the probed input cell feeds.
    feeds: Vec<Feed>,
    /// Practice, where it fits.
    practice: Option<&'a PracticeOn>,
}

impl Scene<'_> {
    /// "Which input cells does this output use?": the learner picks them.
    fn picking(&self) -> Option<&PracticeOn> {
        self.practice.filter(|p| p.state.quiz == Quiz::InputCells)
    }

    /// Whether the window is outlined: at every step, in practice too (where
    /// the factors are is not the question), except while practice asks
    /// which input cells the window covers.
    fn shows_window(&self) -> bool {
        self.picking().is_none_or(|p| p.state.pick_verdict == Some(true))
    }

    /// The output cell's label, `y[0,1]`.
    fn y(&self) -> String {
        let g = &self.t.geometry;
        let [f, oi, oj] = self.step.out_index;
        format::label("y", g.dims, (g.out_channels > 1).then_some(&[f][..]), [oi, oj])
    }

    /// The output cell clicked or hovered to its step.
    fn step_of(&self) -> impl Fn(&[usize], [usize; 2]) -> Option<usize> + 'static {
        let geometry = self.t.geometry;
        move |lead, [i, j]| geometry.step_of([lead[0], i, j])
    }

    /// The padded input: the channels of the filter's group, the window, the
    /// probed cell's copies; hover a cell to probe it, click it to pick it.
    fn padded_input(
        &self,
        planes: &Planes,
        on_probe: &Callback<Option<[usize; 3]>>,
        on_pick: &Callback<[usize; 3]>,
    ) -> Html {
        let (t, step) = (self.t, self.step);
        let g = &t.geometry;
        let [sh, sw] = g.span;
        let (top_left, bottom_right) = (step.window, [step.window[0] + sh - 1, step.window[1] + sw - 1]);
        let show_window = self.shows_window();
        let picking = self.picking();
        let probed = Copies { padded: &t.padded, cell: self.probe };
        // Window cells of this step and the tap each meets, looked up once per cell below.
        let taps: HashMap<(usize, [usize; 2]), Tap> =
            step.terms.iter().map(|term| ((term.channel, term.padded_pos), Tap::of(g, term))).collect();
        let cell = |lead: &[usize], pos: [usize; 2]| {
            let c = lead[0];
            let mut marks = if t.padded.is_padding(pos) { mark::PAD } else { 0 };
            let mut tap = None;
            if show_window {
                marks |= mark::edges(pos[0], pos[1], (top_left[0], top_left[1]), (bottom_right[0], bottom_right[1]));
                if let Some(found) = taps.get(&(c, pos)) {
                    marks |= mark::TAP;
                    tap = Some(found.clone());
                }
            }
            marks |= probed.mark(c, pos, mark::PROBE);
            if picking.is_some_and(|p| p.state.picked.contains(&[c, pos[0], pos[1]])) {
                marks |= mark::SELECTED;
            }
            Cell { marks, tap, ..Cell::new(String::new(), t.padded.values[[c, pos[0], pos[1]]]) }
        };
        // Where marks can be: the window, and the copies of the probed cell.
        let marked = |lead: &[usize]| {
            let mut cells = rect(top_left, bottom_right);
            cells.extend(probed.cells(lead));
            cells
        };
        let hover = {
            let (on_probe, padded) = (on_probe.clone(), t.padded.clone());
            Callback::from(move |cell: Option<GridCell>| {
                on_probe.emit(cell.and_then(|(lead, pos)| {
                    let [i, j] = padded.source(pos)?;
                    Some([lead[0], i, j])
                }));
            })
        };
        let caption = if !g.is_padded() { "input (no padding)" } else { "padded input" };
        let group_start = step.group * g.in_per_group;
        let grids = Grids::new("padded_input", g.dims, caption, g.padded, &cell)
            .per(&["channel"], (group_start..group_start + g.in_per_group).map(|c| vec![c]).collect())
            .on_hover(hover)
            .planes(planes, &marked);
        match picking {
            Some(_) => grids.on_click(on_pick.reform(|(lead, [pi, pj]): GridCell| [lead[0], pi, pj])).render(),
            None => grids.render(),
        }
    }

    /// The kernel of the step's filter as it meets the window (rotated when flip is on).
    fn kernel(&self) -> Html {
        let (t, step) = (self.t, self.step);
        let g = &t.geometry;
        let f = step.out_index[0];
        let probe_taps: Vec<[usize; 4]> =
            self.feeds.iter().filter(|fd| fd.out_index[0] == f).flat_map(|fd| fd.weight_indices.clone()).collect();
        let cell = |lead: &[usize], tap: [usize; 2]| {
            let term = step.term(g, lead[1], tap);
            let mut cell = Cell::new(String::new(), term.map_or(0.0, |t| t.w));
            cell.marks = mark::TAP;
            if let Some(term) = term {
                cell.tap = Some(Tap::of(g, term));
                if probe_taps.contains(&term.weight_index) {
                    cell.marks |= mark::PROBE;
                }
                if g.params.flip {
                    let [_, _, ki, kj] = term.weight_index;
                    cell.note = Some(format!("w[{}]", crate::model::grid::data_index(g.dims, &[], [ki, kj])));
                }
            }
            cell
        };
        let caption = format!("kernel{}", if g.params.flip { " (rotated 180\u{00B0})" } else { "" });
        Grids::new("kernel", g.dims, caption, g.kernel, &cell)
            .per(&["filter", "channel"], leads_2(1, g.in_per_group).into_iter().map(|l| vec![f, l[1]]).collect())
            .render()
    }

    /// Every filter's output, the current cell marked; hover or click a cell to step there.
    fn output(&self, planes: &Planes, jump: Callback<GridCell>) -> Html {
        if self.practice.is_some_and(PracticeOn::hides_size) {
            return size_hidden("output");
        }
        let t = self.t;
        let g = &t.geometry;
        let [f, oi, oj] = self.step.out_index;
        let cell = |lead: &[usize], [i, j]: [usize; 2]| {
            let index = [lead[0], i, j];
            let mut cell = Cell::new(String::new(), t.output[index]);
            if index == [f, oi, oj] {
                cell.marks |= mark::CURRENT;
            }
            if let Some(p) = self.practice
                && g.step_of(index).is_none_or(|s| p.hides(s, self.index, "output"))
            {
                cell.marks |= mark::HIDDEN;
            }
            if let Some(fd) = self.feeds.iter().find(|fd| fd.out_index == index) {
                cell.marks |= mark::FED;
                if fd.weight_indices.len() > 1 {
                    cell.note = Some(format!("\u{00D7}{}", fd.weight_indices.len()));
                }
            }
            cell
        };
        let marked = |lead: &[usize]| {
            let mut cells: Vec<[usize; 2]> = self
                .feeds
                .iter()
                .filter(|fd| fd.out_index[0] == lead[0])
                .map(|fd| [fd.out_index[1], fd.out_index[2]])
                .collect();
            if lead[0] == f {
                cells.push([oi, oj]);
            }
            cells
        };
        Grids::new("output", g.dims, "output", g.output, &cell)
            .per(&["filter"], leads_1(g.out_channels))
            .planes(planes, &marked)
            .on_hover(entering(jump.clone()))
            .on_click(jump)
            .render()
    }

    /// The step's arithmetic: per channel when there are several, and what the probed cell feeds.
    fn equation(&self) -> Html {
        let (t, step) = (self.t, self.step);
        let g = &t.geometry;
        let y = self.y();
        let window_at = format::position(g.dims, step.window);
        let over = if !g.is_padded() { "input" } else { "padded input" };
        let per_channel = g.in_per_group > 1;
        let total_line = || {
            let mut parts: Vec<String> = step.channel_sums.iter().map(|(_, s)| format::factor(*s)).collect();
            if step.has_bias {
                parts.push(format::factor(step.bias));
            }
            format!("{y} = {} = {}", format::sum(&parts), format::total(step.result))
        };
        html! {
            <div class="equation" aria-live="polite">
                <p class="eq-title">{ format!("{y}: window at {window_at} of the {over}") }</p>
                if g.params.flip {
                    <p class="flip-note">{ "Flip is on: the window meets the kernel rotated by 180\u{00B0}, so its first cell multiplies the kernel's last (each kernel cell is labelled with the weight it holds)." }</p>
                }
                if per_channel {
                    { for step.channel_sums.iter().map(|(c, sum)| {
                        let terms: Vec<String> = step.terms.iter().filter(|t| t.channel == *c)
                            .map(|t| format!("{}*{}", format::factor(t.x), format::factor(t.w))).collect();
                        html! { <p class="eq channel-sum">{ format!("channel {c}: {} = {}", format::sum(&terms), format::short(*sum)) }</p> }
                    }) }
                    <p class="eq total">{ total_line() }</p>
                } else {
                    <p class="eq">{ equation::forward_step(step) }</p>
                }
                if let Some([pc, pi, pj]) = self.probe {
                    <p class="probe-note">{ self.probe_line(pc, pi, pj) }</p>
                }
            </div>
        }
    }

    /// What the input cell under the pointer feeds.
    fn probe_line(&self, pc: usize, pi: usize, pj: usize) -> String {
        let x = format::label("x", self.t.geometry.dims, Some(&[pc][..]), [pi, pj]);
        if self.feeds.is_empty() {
            format!("{x} feeds no output")
        } else {
            let uses: usize = self.feeds.iter().map(|fd| fd.weight_indices.len()).sum();
            format!("{x} feeds {} output cell(s), {uses} product(s) in all (outlined)", self.feeds.len())
        }
    }
}

/// "Which input cells does this output use?": the learner clicks the padded
/// input's cells; the check compares them with the step's window.
fn pick_panel(p: &PracticeOn, y: &str, step: &ForwardStep, answers: &Answers) -> Html {
    let expected: Vec<[usize; 3]> = step.terms.iter().map(|t| [t.channel, t.padded_pos[0], t.padded_pos[1]]).collect();
    let count = p.state.picked.len();
    html! {
        <div class="equation practice" aria-live="polite">
            <p class="eq-title">{ format!("Which input cells does {y} use? Click them in the input (padding included), then check.") }</p>
            <p class="practice-answer">
                <span>{ format!("{count} picked") }</span>
                <button type="button" onclick={answers.on_pick_check.reform(move |_| expected.clone())}>{ "Check cells" }</button>
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
