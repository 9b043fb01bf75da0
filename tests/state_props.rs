//! Robustness: any sequence of learner actions (typing junk, pasting blocks,
//! resizing, impossible parameters, switching ops and views, stepping) never
//! panics, keeps the player in range, and leaves a configuration that the
//! document format round-trips whenever it is valid.
#![cfg(not(target_arch = "wasm32"))]

use convscope::conv::network::Probe;
use convscope::conv::{ConvError, Dims, Op, PaddingMode, PoolWalk};
use convscope::model::document::Document;
use convscope::model::grid::{self, Tensor};
use convscope::model::network::NetResults;
use convscope::model::practice::Level;
use convscope::model::presets::PRESETS;
use convscope::model::results::Results;
use convscope::model::state::{
    Action, DocAction, EditAction, Explain, Fill, GradFocus, ImageAction, KernelMode, LayerEdit, LayerKind, Move,
    NetworkAction, PerAxisParam, PracticeAction, Quiz, Size, State, View, ViewAction,
};
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

fn tensor() -> impl Strategy<Value = Tensor> {
    prop_oneof![Just(Tensor::Input), Just(Tensor::Weight), Just(Tensor::Bias), Just(Tensor::GradOutput)]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        (-9i32..=9).prop_map(|v| v.to_string()),
        Just("abc".to_string()),
        Just("1..2".to_string()),
        Just(String::new()),
        Just("-".to_string()),
        Just("1e400".to_string()),
        Just("0.5".to_string()),
    ]
}

fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[[1, 2], [3, 4]]".to_string()),
        Just("1 2 3\n4 5 6".to_string()),
        Just("[[[1]], [[2]]]".to_string()),
        Just("[[1, 2], [3]]".to_string()),
        Just("x y".to_string()),
        (1usize..20, 1usize..20).prop_map(|(r, c)| vec![vec!["1"; c].join(" "); r].join("\n")),
    ]
}

/// An action; indices and grids are picked against the current state when applied.
#[derive(Debug, Clone)]
enum Step {
    /// A hand-written link: any op with any view.
    Load(Op, View),
    Edit(Tensor, usize, String),
    Paste(Tensor, usize, usize, String),
    Act(Action),
}

fn step() -> impl Strategy<Value = Step> {
    let size = prop_oneof![
        Just(Size::Channels),
        Just(Size::Filters),
        Just(Size::Height),
        Just(Size::Width),
        Just(Size::KernelHeight),
        Just(Size::KernelWidth)
    ];
    let per_axis = prop_oneof![
        Just(PerAxisParam::Stride),
        Just(PerAxisParam::Padding),
        Just(PerAxisParam::Dilation),
        Just(PerAxisParam::OutputPadding)
    ];
    let op = prop::sample::select(Op::ALL.to_vec());
    let view = prop::sample::select(View::ALL.to_vec());
    let mode = prop::sample::select(PaddingMode::ALL.to_vec());
    let preset = prop::sample::select(PRESETS.iter().map(|p| p.id.to_string()).collect::<Vec<_>>());
    let mv = prop_oneof![
        Just(Move::First),
        Just(Move::Prev),
        Just(Move::Next),
        Just(Move::Last),
        (0usize..2000).prop_map(Move::To)
    ];
    let link = (prop::sample::select(Op::ALL.to_vec()), prop::sample::select(View::ALL.to_vec()));
    prop_oneof![
        link.prop_map(|(o, v)| Step::Load(o, v)),
        (tensor(), 0usize..10_000, text()).prop_map(|(t, k, s)| Step::Edit(t, k, s)),
        (tensor(), 0usize..100, 0usize..5, block()).prop_map(|(t, g, at, s)| Step::Paste(t, g, at, s)),
        (size, 0usize..80).prop_map(|(s, n)| Step::Act(Action::Edit(EditAction::Resize(s, n)))),
        (per_axis, 0usize..2, 0usize..40)
            .prop_map(|(p, a, v)| Step::Act(Action::Edit(EditAction::SetPerAxis(p, a, v)))),
        (0usize..20).prop_map(|g| Step::Act(Action::Edit(EditAction::SetGroups(g)))),
        op.prop_map(|o| Step::Act(Action::Edit(EditAction::SetOp(o)))),
        prop::bool::ANY.prop_map(|b| Step::Act(Action::Edit(EditAction::SetDims(if b {
            Dims::One
        } else {
            Dims::Two
        })))),
        view.prop_map(|v| Step::Act(Action::View(ViewAction::SetView(v)))),
        mode.prop_map(|m| Step::Act(Action::Edit(EditAction::SetPaddingMode(m)))),
        prop::bool::ANY.prop_map(|b| Step::Act(Action::Edit(EditAction::SetFlip(b)))),
        prop::bool::ANY.prop_map(|b| Step::Act(Action::Edit(EditAction::SetBias(b)))),
        mv.prop_map(|m| Step::Act(Action::View(ViewAction::Step(m)))),
        Just(Step::Act(Action::View(ViewAction::TogglePlay))),
        Just(Step::Act(Action::View(ViewAction::Tick))),
        (tensor(), any::<u64>()).prop_map(|(t, s)| Step::Act(Action::Edit(EditAction::Fill(t, Fill::Random(s))))),
        tensor().prop_map(|t| Step::Act(Action::Edit(EditAction::Fill(t, Fill::Kernel("kernel-sobel-x"))))),
        preset.prop_map(|p| Step::Act(Action::Doc(DocAction::preset(&p)))),
        prop::sample::select(vec![Explain::Scatter, Explain::ZeroInserted, Explain::Matrix])
            .prop_map(|e| Step::Act(Action::View(ViewAction::SetExplain(e)))),
        prop::sample::select(vec![GradFocus::Input, GradFocus::Weight, GradFocus::Bias])
            .prop_map(|g| Step::Act(Action::View(ViewAction::SetGradFocus(g)))),
        (0usize..5, 0usize..40, 0usize..40)
            .prop_map(|(a, b, c)| Step::Act(Action::View(ViewAction::Probe(Some([a, b, c]))))),
        (0usize..5, 0usize..40, 0usize..40)
            .prop_map(|(a, b, c)| Step::Act(Action::View(ViewAction::Select(Some([a, b, c]))))),
        any::<bool>().prop_map(|on| Step::Act(Action::Practice(PracticeAction::SetOn(on)))),
        text().prop_map(|t| Step::Act(Action::Practice(PracticeAction::Type(t)))),
        (any::<f64>(), prop::sample::select(vec!["output", "im2col_product", "grad_input"]))
            .prop_map(|(expected, matrix)| Step::Act(Action::Practice(PracticeAction::Check { expected, matrix }))),
        Just(Step::Act(Action::Practice(PracticeAction::Hint))),
        Just(Step::Act(Action::Practice(PracticeAction::Reveal { matrix: "output" }))),
        (0usize..2000, text()).prop_map(|(k, t)| Step::Act(Action::Practice(PracticeAction::Product(k, t)))),
        prop::sample::select(vec![Quiz::Number, Quiz::OutputSize, Quiz::InputCells, Quiz::Possible])
            .prop_map(|q| Step::Act(Action::Practice(PracticeAction::SetQuiz(q)))),
        (0usize..6, text()).prop_map(|(a, t)| Step::Act(Action::Practice(PracticeAction::ShapeType(a, t)))),
        Just(Step::Act(Action::Practice(PracticeAction::ShapeCheck))),
        (0usize..5, 0usize..40, 0usize..40)
            .prop_map(|(a, b, c)| Step::Act(Action::Practice(PracticeAction::Pick([a, b, c])))),
        prop::collection::vec((0usize..5, 0usize..40, 0usize..40), 0..12).prop_map(|v| Step::Act(Action::Practice(
            PracticeAction::PickCheck { expected: v.into_iter().map(|(a, b, c)| [a, b, c]).collect() }
        ))),
        any::<bool>().prop_map(|b| Step::Act(Action::Practice(PracticeAction::Possible(b)))),
        any::<u64>().prop_map(|seed| Step::Act(Action::Practice(PracticeAction::Combination { seed }))),
        (0usize..5, any::<u64>())
            .prop_map(|(l, seed)| Step::Act(Action::Practice(PracticeAction::new_problem(Level::ALL[l], seed)))),
        (any::<u32>(), any::<u32>())
            .prop_map(|(score, streak)| Step::Act(Action::Practice(PracticeAction::Score { score, streak }))),
        prop::sample::select(convscope::model::picture::NAMES.to_vec())
            .prop_map(|n| Step::Act(Action::Image(ImageAction::SetPicture(n)))),
        // Decoded pictures, right or wrong in size: a wrong one is refused beside the picker.
        (1u32..12, 1u32..12, prop::collection::vec(any::<u8>(), 0..600)).prop_map(|(w, h, bytes)| {
            Step::Act(Action::Image(ImageAction::LoadPicture {
                name: "p.png".into(),
                decoded: Ok((w, h, std::rc::Rc::new(bytes))),
            }))
        }),
        any::<bool>().prop_map(|g| Step::Act(Action::Image(ImageAction::SetGreyscale(g)))),
        (prop::sample::select(vec!["kernel-sobel-x", "kernel-gaussian", "kernel-none"]), any::<bool>()).prop_map(
            |(id, l)| {
                Step::Act(Action::Image(ImageAction::ApplyKernel {
                    id,
                    mode: if l { KernelMode::Luminance } else { KernelMode::PerChannel },
                }))
            }
        ),
        any::<bool>().prop_map(|l| {
            Step::Act(Action::Image(ImageAction::SetKernelMode(if l {
                KernelMode::Luminance
            } else {
                KernelMode::PerChannel
            })))
        }),
        (0usize..4, 0usize..130, 0usize..130)
            .prop_map(|(a, b, c)| Step::Act(Action::Image(ImageAction::ProbeMap(Some([a, b, c]))))),
        prop_oneof![
            prop::sample::select(LayerKind::ALL.to_vec()).prop_map(NetworkAction::Add),
            (0usize..8).prop_map(NetworkAction::Remove),
            (0usize..8, any::<bool>()).prop_map(|(layer, up)| NetworkAction::Move { layer, up }),
            (0usize..8, layer_edit()).prop_map(|(k, e)| NetworkAction::Edit(k, e)),
            (0usize..8, 0usize..17, 0usize..40, 0usize..40)
                .prop_map(|(l, c, i, j)| NetworkAction::Probe(Some(Probe { layer: l, index: [c, i, j] }))),
            (0usize..8).prop_map(NetworkAction::Open),
            Just(NetworkAction::Return),
            prop::option::of(0usize..8).prop_map(NetworkAction::StepPool),
            prop::sample::select(vec![PoolWalk::Forward, PoolWalk::Gradient]).prop_map(NetworkAction::PoolWalk),
        ]
        .prop_map(|a| Step::Act(Action::Network(a))),
    ]
}

/// Any setting of a layer, in and out of range (the model caps or refuses it).
fn layer_edit() -> impl Strategy<Value = LayerEdit> {
    let axis = 0usize..3;
    prop_oneof![
        prop::sample::select(LayerKind::ALL.to_vec()).prop_map(LayerEdit::Kind),
        (0usize..20).prop_map(LayerEdit::OutChannels),
        (axis.clone(), 0usize..20).prop_map(|(a, n)| LayerEdit::Kernel(a, n)),
        (axis.clone(), 0usize..5).prop_map(|(a, n)| LayerEdit::Stride(a, n)),
        (axis.clone(), 0usize..5).prop_map(|(a, n)| LayerEdit::Padding(a, n)),
        (axis.clone(), 0usize..4).prop_map(|(a, n)| LayerEdit::Dilation(a, n)),
        (axis, 0usize..3).prop_map(|(a, n)| LayerEdit::OutputPadding(a, n)),
        (0usize..9).prop_map(LayerEdit::Groups),
        prop::sample::select(PaddingMode::ALL.to_vec()).prop_map(LayerEdit::PaddingMode),
        any::<bool>().prop_map(LayerEdit::CeilMode),
        any::<bool>().prop_map(LayerEdit::CountIncludePad),
        (0usize..5, 0usize..4).prop_map(|(s, n)| LayerEdit::PadSide(s, n)),
        any::<bool>().prop_map(LayerEdit::Bias),
        (0u64..1000).prop_map(LayerEdit::Seed),
    ]
}

/// Turns a generated step into an action against the current state.
fn action(state: &State, step: Step) -> Option<Action> {
    match step {
        Step::Edit(tensor, k, text) => {
            let grids = grid::grids(&state.doc.problem, tensor);
            let g = grids.get(k % grids.len().max(1))?;
            let (r, c) = ((k / 7) % g.rows, (k / 3) % g.cols);
            Some(Action::Edit(EditAction::Type { tensor, index: g.index(r, c), text }))
        }
        Step::Paste(tensor, k, at, text) => {
            let grids = grid::grids(&state.doc.problem, tensor);
            let g = grids.get(k % grids.len().max(1))?.clone();
            let at = (at % g.rows, at % g.cols);
            Some(Action::Edit(EditAction::Paste { grid: g, at, text }))
        }
        Step::Load(op, view) => {
            let (input, weight) = match op.dims() {
                Dims::One => ("[[1, 2, 3, 4]]", "[[[1, -1]]]"),
                Dims::Two => ("[[1, 2, 3], [4, 5, 6], [7, 8, 9]]", "[[1, 0], [0, -1]]"),
            };
            let doc = format!(
                r#"{{"op": "{}", "input": {input}, "weight": {weight}, "view": "{}"}}"#,
                op.name(),
                view.name()
            );
            Some(Action::Doc(DocAction::Load(Box::new(Document::parse(&doc)))))
        }
        Step::Act(a) => Some(a),
    }
}

/// Sequences run; actions applied; states whose problem was valid (the
/// views' checks ran); states whose document round-tripped through a link.
static SHARE: [AtomicUsize; 4] = [const { AtomicUsize::new(0) }; 4];

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200)
}

/// Counts one more of `SHARE[k]`; after the last sequence, prints the shares
/// (shown with `--nocapture`) and asks that at least half the states were valid.
fn tally(k: usize) {
    SHARE[k].fetch_add(1, Ordering::Relaxed);
    if k == 0 && SHARE[0].load(Ordering::Relaxed) == cases() as usize {
        let [_, applied, valid, linked] = SHARE.each_ref().map(|a| a.load(Ordering::Relaxed));
        // Printed as the last sequence starts: its own actions are not in these counts.
        eprintln!(
            "state_props: {} sequences, {applied} actions applied: {valid} states valid ({:.0}%), {linked} of them round-tripped through a link ({:.0}%)",
            cases(),
            100.0 * valid as f64 / applied.max(1) as f64,
            100.0 * linked as f64 / applied.max(1) as f64,
        );
        // As in tests/fuzz.rs: a generator whose states are mostly invalid would check only the first lines.
        assert!(2 * valid >= applied, "only {valid} of {applied} states valid: the generator needs mending");
    }
}

proptest! {
    // 200 sequences in the test command; PROPTEST_CASES sets the long run's count (README).
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn no_sequence_of_actions_breaks_the_app(steps in prop::collection::vec(step(), 1..25)) {
        let mut state = State::default();
        tally(0);
        for s in steps {
            let Some(a) = action(&state, s) else { continue };
            state.apply(a);
            tally(1);
            let count = state.step_count();
            prop_assert!(count == 0 || state.doc.view.step < count, "step {} of {count}", state.doc.view.step);
            let results = Results::new(state.doc.problem.clone());
            // The stack evaluates (or names its failing layer) and marks any probe, never panicking.
            if !state.doc.stack.layers.is_empty() {
                let net = NetResults::new(state.doc.problem.dims(), &state.doc.problem.input, &state.doc.stack);
                prop_assert_eq!(net.summary.len(), net.eval.outputs.len(), "a summary row per computed output");
                if let Some(p) = state.doc.view.probe {
                    let marked = net.receptive(p);
                    prop_assert_eq!(marked.is_some(), p.layer < net.eval.outputs.len() && {
                        let (c, h, w) = net.eval.outputs[p.layer].dim();
                        p.index[0] < c && p.index[1] < h && p.index[2] < w
                    });
                }
            }
            if results.error.is_none() {
                tally(2);
                // The network view's player walks its pooling panel alone: without one, it has no steps.
                prop_assert!(count > 0 || state.doc.view.view == View::Network);
                // The view on screen has what it draws (ui/app.rs picks the result by view).
                let shown = match state.doc.view.view {
                    // Past its cap (a large picture) the view says so and the others work.
                    View::Im2col => results.im2col().is_some_and(|r| r.is_ok() || matches!(r, Err(ConvError::TooLarge { .. }))),
                    // A convolution with reflect/replicate/circular padding has no transposed
                    // convolution as its transpose: the view says so instead.
                    View::Transposed => results
                        .transposed()
                        .is_some_and(|r| r.is_ok() || matches!(r, Err(ConvError::TransposeOfPadding { .. }))),
                    View::Backprop => results.backward().is_some_and(|r| r.is_ok()),
                    // The export view writes code for any valid problem, transposed or not.
                    View::Export => true,
                    // The network view shows the stack (or its layers' errors) for any valid problem.
                    View::Network => true,
                    _ => results.forward().is_some_and(|r| r.is_ok()),
                };
                prop_assert!(shown, "{:?} of {:?} has nothing to show", state.doc.view.view, state.doc.problem.op);
                // Practice has a question for the step on screen, in every view that asks.
                if state.doc.view.practice {
                    use convscope::model::practice::Question;
                    let step = state.doc.view.step;
                    let asked = match state.doc.view.view {
                        View::Im2col => results.im2col().and_then(Result::ok).map(|m| Question::im2col(&m, state.doc.view.order, step).is_some()),
                        View::Transposed => results.transposed().and_then(Result::ok).map(|t| Question::transposed(&t, step, !state.doc.problem.op.is_transposed()).is_some()),
                        View::Backprop => results.backward().and_then(Result::ok).map(|b| Question::backprop(&b, state.doc.view.gradient, step).is_some()),
                        View::Export | View::Image | View::Network => None,
                        View::Forward => results.forward().and_then(Result::ok).map(|f| Question::forward(&f, step).is_some()),
                    };
                    prop_assert!(asked != Some(false), "no question for step {step} of {:?}", state.doc.view.view);
                }
                let document = state.document();
                // A stack whose layer cannot take its input (the input's channels or
                // dims changed under it) shows its error beside the layer; such a
                // state is neither stored nor linked, as a problem's error.
                if let Err(e) = document.validate() {
                    prop_assert!(e.path.starts_with("layers"), "only the stack may be invalid here: {}", e);
                    continue;
                }
                let text = document.to_json();
                // Past the document cap (a picture-sized dY typed in), no link is made (storage skips it too).
                if text.len() > convscope::model::document::limits::DOCUMENT_CHARS {
                    continue;
                }
                let again = Document::parse(&text);
                tally(3);
                // An own picture's pixels are never written: its document reopens
                // with a bundled picture in its place, the rest the same.
                if document.picture == Some(convscope::model::document::PictureRef::Own) {
                    let again = again.as_ref().map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(again.picture, Some(convscope::model::document::PictureRef::Own));
                    prop_assert_eq!(&again.problem.weight, &document.problem.weight);
                } else {
                    prop_assert_eq!(again.as_ref().ok(), Some(&document), "{:?}", again.as_ref().err());
                }
            }
        }
    }
}
