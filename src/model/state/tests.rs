//! The reducer's rules, action by action.

use super::*;
use crate::conv::network::Layer;
use crate::conv::{ConvError, Op, Problem};
use crate::model::document::Document;
use crate::model::grid::{self, Tensor};
use ndarray::array;
use std::rc::Rc;

/// A `Sequential` as the network view hands it over: read, in 2D.
fn paste(text: &str) -> Action {
    let pasted = crate::model::sequential::parse(text, crate::conv::Dims::Two).expect("the test's Sequential reads");
    Action::Network(NetworkAction::Paste(pasted))
}

fn state() -> State {
    State::default()
}

#[test]
fn typing_a_bad_number_keeps_everything_else() {
    let mut s = state();
    let before = s.doc.problem.clone();
    s.apply(EditAction::Type { tensor: Tensor::Input, index: vec![0, 0, 0], text: "abc".into() });
    assert_eq!(s.doc.problem, before);
    let draft = &s.doc.drafts[&(Tensor::Input, vec![0, 0, 0])];
    assert_eq!(draft.error.as_deref(), Some("“abc” is not a number"));
    s.apply(EditAction::Commit { tensor: Tensor::Input, index: vec![0, 0, 0] });
    assert!(s.doc.drafts.contains_key(&(Tensor::Input, vec![0, 0, 0])), "an invalid draft stays");
    s.apply(EditAction::Type { tensor: Tensor::Input, index: vec![0, 0, 0], text: "7".into() });
    assert_eq!(s.doc.problem.input[[0, 0, 0]], 7.0);
    s.apply(EditAction::Commit { tensor: Tensor::Input, index: vec![0, 0, 0] });
    assert!(s.doc.drafts.is_empty());
}

#[test]
fn paste_grows_the_matrix() {
    let mut s = state();
    let grid = grid::grids(&s.doc.problem, Tensor::Weight).remove(0);
    s.apply(EditAction::Paste { grid, at: (0, 0), text: "[[1, 2, 3, 4], [5, 6, 7, 8]]".into() });
    assert_eq!(s.doc.problem.weight.dim(), (1, 1, 3, 4));
    assert_eq!(s.doc.problem.weight[[0, 0, 1, 3]], 8.0);
    assert_eq!(s.doc.problem.weight[[0, 0, 2, 0]], -3.0, "cells outside the block keep their values");
    assert_eq!(
        s.page.notice.as_deref(),
        Some("Pasted a 2x4 block into weight[0, 0, 0:2, 0:4]; kernel columns grew to 4")
    );
    let grid = grid::grids(&s.doc.problem, Tensor::Input).remove(0);
    let before = s.doc.problem.clone();
    s.apply(EditAction::Paste { grid, at: (0, 0), text: "1 x".into() });
    assert!(s.page.alert.as_deref().is_some_and(|a| a.contains("not a number")));
    assert_eq!((s.doc.problem, s.page.notice), (before, None), "a failed paste changes nothing");
}

#[test]
fn player_moves_and_stops_at_the_end() {
    let mut s = state();
    assert_eq!(s.step_count(), 9);
    s.apply(ViewAction::Step(Move::Last));
    assert_eq!(s.doc.view.step, 8);
    s.apply(ViewAction::Step(Move::Next));
    assert_eq!(s.doc.view.step, 8);
    s.apply(ViewAction::TogglePlay);
    assert!(s.live.playing);
    assert_eq!(s.doc.view.step, 0, "play from the end starts over");
    for _ in 0..20 {
        s.apply(ViewAction::Tick);
    }
    assert_eq!(s.doc.view.step, 8);
    assert!(!s.live.playing);
}

#[test]
fn channels_and_groups_stay_consistent() {
    let mut s = state();
    s.apply(EditAction::Resize(Size::Channels, 4));
    assert_eq!(s.doc.problem.weight.dim(), (1, 4, 3, 3));
    s.apply(EditAction::Resize(Size::Filters, 2));
    s.apply(EditAction::SetGroups(2));
    assert_eq!(s.doc.problem.weight.dim(), (2, 2, 3, 3));
    assert!(s.doc.problem.output_shape().is_ok());
    s.apply(EditAction::SetBias(true));
    assert_eq!(s.doc.problem.bias, Some(array![0., 0.]));
    s.apply(EditAction::Resize(Size::Filters, 4));
    assert_eq!(s.doc.problem.bias.as_ref().map(|b| b.len()), Some(4));
}

#[test]
fn switching_ops_keeps_the_kernel() {
    let mut s = state();
    // A tab never changes the problem: a convolution's transposed view is its transpose.
    s.apply(ViewAction::SetView(View::Transposed));
    assert_eq!((s.doc.problem.op, s.doc.view.view), (Op::Conv2d, View::Transposed));
    assert_eq!(s.step_count(), 9, "one copy per output cell of the convolution");
    s.apply(ViewAction::SetView(View::Forward));
    assert_eq!(*s.doc.problem, Problem::default());
    // Switching the operation is the operation control's business, and keeps the kernel.
    s.apply(EditAction::SetOp(Op::ConvTranspose2d));
    assert_eq!((s.doc.problem.op, s.doc.view.view, s.step_count()), (Op::ConvTranspose2d, View::Transposed, 25));
    s.apply(ViewAction::SetView(View::Im2col));
    assert_eq!(s.doc.view.view, View::Transposed, "a transposed convolution has no im2col tab");
    s.apply(EditAction::SetOp(Op::Conv2d));
    assert_eq!(*s.doc.problem, Problem::default());
    s.apply(EditAction::SetDims(Dims::One));
    assert_eq!(s.doc.problem.input.dim(), (1, 1, 5));
    assert_eq!(s.doc.problem.op, Op::Conv1d);
}

#[test]
fn impossible_parameters_are_kept_not_refused() {
    let mut s = state();
    s.apply(EditAction::SetPerAxis(PerAxisParam::Dilation, 0, 3));
    // Kernel 3x3 with dilation 3 spans 7 rows: larger than the 5x5 input.
    assert!(s.doc.problem.output_shape().is_err());
    assert_eq!(s.step_count(), 0);
    s.apply(EditAction::SetPerAxis(PerAxisParam::Padding, 0, 1));
    assert!(s.doc.problem.output_shape().is_ok());
}

#[test]
fn a_broken_link_is_held_until_the_learner_changes_something() {
    let mut s = state();
    s.apply(DocAction::Load(Box::new(Document::parse(r#"{"input": [[1, 2], [3]], "weight": [[1]]}"#))));
    assert!(s.doc.held_link && s.page.alert.is_some());
    s.apply(PageAction::DismissAlert);
    s.apply(ViewAction::Probe(Some([0, 0, 0])));
    assert!(s.doc.held_link, "reading the page changes nothing");
    s.apply(ViewAction::Step(Move::Next));
    assert!(!s.doc.held_link, "a step changes the state a link would carry");
}

#[test]
fn the_loaded_example_is_named_until_its_problem_changes() {
    let mut s = state();
    s.apply(DocAction::preset("seed-6x6"));
    assert_eq!(s.doc.example, Some("seed-6x6"));
    s.apply(ViewAction::Step(Move::Next));
    assert_eq!(s.doc.example, Some("seed-6x6"), "stepping keeps the example");
    s.apply(EditAction::Type { tensor: Tensor::Input, index: vec![0, 0, 0], text: "5".into() });
    assert_eq!(s.doc.example, None);
}

#[test]
fn undo_and_redo_walk_the_problems() {
    let mut s = state();
    let edit = |text: &str| EditAction::Type { tensor: Tensor::Input, index: vec![0, 0, 0], text: text.into() };
    s.apply(edit("7"));
    s.apply(DocAction::preset("seed-6x6"));
    s.apply(ViewAction::Step(Move::Next));
    assert_eq!(s.history.undo.len(), 2, "a step is not an edit");
    s.apply(DocAction::Undo);
    assert_eq!(s.doc.problem.input[[0, 0, 0]], 7.0);
    s.apply(DocAction::Undo);
    assert_eq!(*s.doc.problem, Problem::default());
    s.apply(DocAction::Undo);
    assert_eq!(*s.doc.problem, Problem::default(), "nothing more to undo");
    s.apply(DocAction::Redo);
    s.apply(DocAction::Redo);
    assert_eq!(s.doc.example, None);
    assert_eq!(s.doc.problem.input.dim(), (1, 6, 6));
    // A new edit after an undo drops what could have been redone.
    s.apply(DocAction::Undo);
    s.apply(edit("5"));
    assert!(s.history.redo.is_empty());
    for k in 0..150 {
        s.apply(edit(&k.to_string()));
    }
    assert_eq!(s.history.undo.len(), HISTORY);
}

#[test]
fn presets_and_bad_links() {
    let mut s = state();
    s.apply(DocAction::preset("seed-transpose-1d"));
    assert_eq!(s.doc.problem.op, Op::ConvTranspose1d);
    assert_eq!(s.doc.view.view, View::Transposed);
    s.apply(DocAction::Load(Box::new(Document::parse("{"))));
    assert!(s.page.alert.is_some());
    assert_eq!(s.doc.problem.op, Op::ConvTranspose1d, "a bad link changes nothing");
    // A link that names no view opens the operation's own view.
    s.apply(DocAction::Load(Box::new(Document::parse(r#"{"op":"conv_transpose2d","input":[[1]],"weight":[[1]]}"#))));
    assert_eq!(s.doc.view.view, View::Transposed);
    // A convolution's link may open its transpose.
    s.apply(DocAction::Load(Box::new(Document::parse(r#"{"input":[[1]],"weight":[[1]],"view":"transposed"}"#))));
    assert_eq!((s.doc.problem.op, s.doc.view.view), (Op::Conv2d, View::Transposed));
}

#[test]
fn presenting_survives_undo_and_presets_and_reaches_the_link() {
    let mut s = state();
    s.apply(PageAction::SetPresent(true));
    assert!(s.document().to_json().contains(r#""present":true"#));
    s.apply(PageAction::ToggleEditors);
    assert!(s.page.editors_open);
    s.apply(DocAction::preset("seed-2d"));
    assert!(s.doc.view.present && s.page.editors_open, "a preset opened while presenting is presented");
    s.apply(DocAction::Undo);
    assert!(s.doc.view.present, "undo restores the problem, not the way the screen is used");
    s.apply(PageAction::SetPresent(false));
    assert!(!s.doc.view.present && !s.page.editors_open);
    assert!(!s.document().to_json().contains("present"));
    // A link may open presenting.
    s.apply(DocAction::Load(Box::new(Document::parse(r#"{"input":[[1]],"weight":[[1]],"present":true}"#))));
    assert!(s.doc.view.present);
}

#[test]
fn an_imported_file_is_undoable_and_a_bad_one_changes_nothing() {
    let mut s = state();
    let before = s.doc.problem.clone();
    let bad = Document::parse(r#"{"input":[[1]],"weight":[[1]],"colour":"red"}"#);
    s.apply(DocAction::Import { name: "mine.json".into(), document: Box::new(bad) });
    assert!(s.page.alert.as_deref().is_some_and(|a| a.starts_with("The file mine.json could not be opened: ")));
    assert!(Rc::ptr_eq(&before, &s.doc.problem) && !s.doc.held_link);
    let good = Document::parse(r#"{"input":[[1,2],[3,4]],"weight":[[1]],"view":"im2col"}"#);
    s.apply(DocAction::Import { name: "mine.json".into(), document: Box::new(good) });
    assert_eq!((s.doc.problem.input.dim(), s.doc.view.view), ((1, 2, 2), View::Im2col));
    s.apply(DocAction::Undo);
    assert!(Rc::ptr_eq(&before, &s.doc.problem));
}

#[test]
fn embed_mode_is_read_from_the_query() {
    assert_eq!(Embed::from_query(""), Embed::Off);
    assert_eq!(Embed::from_query("?embed"), Embed::View);
    assert_eq!(Embed::from_query("?embed="), Embed::View);
    assert_eq!(Embed::from_query("?embed=edit"), Embed::Edit);
    assert_eq!(Embed::from_query("?lang=en&embed=edit"), Embed::Edit);
    assert_eq!(Embed::from_query("?embedded=1"), Embed::Off);
    // The theme and the embed mode are the page's, not the document's: a load keeps them.
    let mut s = state();
    s.page.embed = Embed::View;
    s.page.theme = Theme::Dark;
    s.apply(DocAction::preset("seed-2d"));
    assert_eq!((s.page.embed, s.page.theme), (Embed::View, Theme::Dark));
    assert_eq!(Theme::from_name("dark"), Theme::Dark);
    assert_eq!(Theme::from_name("sepia"), Theme::System);
}

#[test]
fn practice_checks_sizes_cells_and_combinations_and_keeps_the_score() {
    // The default example: 5x5 input, 3x3 kernel, output 3x3.
    let mut s = state();
    s.apply(PracticeAction::SetOn(true));
    s.apply(PracticeAction::SetQuiz(Quiz::OutputSize));
    s.apply(PracticeAction::ShapeType(0, "3".into()));
    s.apply(PracticeAction::ShapeType(1, "4".into()));
    s.apply(PracticeAction::ShapeCheck);
    assert_eq!((s.practice.shape_verdict, s.practice.streak), (Some(false), 0));
    s.apply(PracticeAction::ShapeType(1, " 3 ".into()));
    assert_eq!(s.practice.shape_verdict, None, "typing clears the verdict");
    s.apply(PracticeAction::ShapeCheck);
    assert_eq!((s.practice.shape_verdict, s.practice.score), (Some(true), 1));

    // Picking cells: the same set in any order is right; a cell picked twice is dropped.
    s.apply(PracticeAction::SetQuiz(Quiz::InputCells));
    for cell in [[0, 0, 1], [0, 0, 0], [0, 5, 5], [0, 5, 5]] {
        s.apply(PracticeAction::Pick(cell));
    }
    s.apply(PracticeAction::PickCheck { expected: vec![[0, 0, 0], [0, 0, 1]] });
    assert_eq!((s.practice.pick_verdict, s.practice.score), (Some(true), 2));
    // The sliding window alone asks for cells: another view goes back to numbers.
    s.apply(ViewAction::SetView(View::Im2col));
    assert_eq!(s.practice.quiz, Quiz::Number);

    // "Possible?": the core decides. Its combination is not the problem on screen.
    assert!(Quiz::Number.about_the_problem() && !Quiz::Possible.about_the_problem());
    let seed = (0..).find(|&k| crate::model::practice::Combination::draw(k).answer.is_err()).unwrap_or(0);
    s.apply(PracticeAction::Combination { seed });
    s.apply(PracticeAction::Possible(true));
    assert_eq!((s.practice.possible_verdict, s.practice.streak), (Some(false), 0));

    // A new problem keeps the score; an edit forgets the answers, not the score.
    s.apply(PracticeAction::new_problem(crate::model::practice::Level::Gradients, 7));
    assert!(s.doc.view.practice && s.doc.view.view == View::Backprop);
    assert_eq!(s.practice.score, 2);
    s.apply(PracticeAction::Score { score: 0, streak: 0 });
    assert_eq!((s.practice.score, s.practice.streak), (0, 0));
}

#[test]
fn without_reveal_only_answered_cells_show() {
    let mut doc = Document::default();
    doc.view.practice = true;
    doc.view.reveal = false;
    let mut s = State::with_document(doc);
    let walk = s.walk();
    // No reveal: the cell stays asked.
    s.apply(PracticeAction::Reveal { matrix: "output" });
    assert_eq!(s.doc.view.step, 0);
    // Stepping past a cell does not show it; answering it does.
    s.apply(ViewAction::Step(Move::Next));
    assert!(s.practice.hides(walk, 0, s.doc.view.step, s.doc.view.reveal, "output"));
    s.apply(ViewAction::Step(Move::First));
    let expected = crate::conv::Forward::new(&s.doc.problem).ok().and_then(|f| f.step(0)).map_or(0.0, |st| st.result);
    s.apply(PracticeAction::Type(crate::model::format::full(expected)));
    s.apply(PracticeAction::Check { expected, matrix: "output" });
    assert_eq!(s.doc.view.step, 1, "a right answer moves on");
    assert!(!s.practice.hides(walk, 0, s.doc.view.step, s.doc.view.reveal, "output"));
    assert!(s.practice.hides(walk, 2, 3, s.doc.view.reveal, "output"), "passed but not answered");
    // With reveal (the default), a passed cell shows.
    assert!(!s.practice.hides(walk, 2, 3, true, "output"));
}

#[test]
fn pictures_open_undo_and_refuse_what_the_caps_refuse() {
    let mut s = state();
    s.apply(ImageAction::SetPicture("disc"));
    assert_eq!(s.doc.picture, Some(PictureRef::Bundled { name: "disc", grey: false }));
    assert_eq!((s.doc.problem.input.dim(), s.doc.view.view), ((3, 128, 128), View::Image));
    assert_eq!(s.doc.problem.weight.dim().1, 3, "the filters follow the channels");
    // A grey upload: one channel, pixel / 255; undo brings the disc back, tag and all.
    // (3 rows of 4: the 3x3 kernel fits.)
    let rgba: Vec<u8> = (0..12u8).flat_map(|k| [k * 10, k * 10, k * 10, 255]).collect();
    s.apply(ImageAction::LoadPicture { name: "g.png".into(), decoded: Ok((4, 3, Rc::new(rgba))) });
    assert_eq!(
        (s.doc.picture, s.doc.problem.input.dim()),
        (Some(PictureRef::Own), (1, 3, 4)),
        "{:?}",
        s.image.picture_error
    );
    assert_eq!(s.doc.problem.input[[0, 1, 2]], 60.0 / 255.0);
    assert!(!s.document().to_json().contains("\"input\""), "own pixels are never written");
    s.apply(DocAction::Undo);
    assert_eq!(
        (s.doc.picture, s.doc.problem.input.dim()),
        (Some(PictureRef::Bundled { name: "disc", grey: false }), (3, 128, 128))
    );
    // Editing a bundled picture makes it the learner's own.
    let grid = grid::grids(&s.doc.problem, Tensor::Input).remove(0);
    s.apply(EditAction::Type { tensor: Tensor::Input, index: grid.index(0, 0), text: "0.5".into() });
    assert_eq!(s.doc.picture, Some(PictureRef::Own));
    // 16 filters on a 512x512 colour picture are over the multiply-add cap: nothing changes.
    s.apply(EditAction::Resize(Size::Filters, 16));
    let before = s.doc.problem.clone();
    let big = Rc::new(vec![7u8; 512 * 512 * 4]);
    s.apply(ImageAction::LoadPicture { name: "big.png".into(), decoded: Ok((512, 512, big)) });
    assert!(Rc::ptr_eq(&before, &s.doc.problem));
    assert!(
        s.image.picture_error.as_deref().is_some_and(|e| e.starts_with("big.png could not be opened: ")),
        "{:?}",
        s.image.picture_error
    );
}

#[test]
fn the_luminance_switch_takes_effect_at_once() {
    let mut s = state();
    s.apply(ImageAction::SetPicture("disc"));
    s.apply(ImageAction::ApplyKernel { id: "kernel-sobel-x", mode: KernelMode::PerChannel });
    let sobel = s.doc.problem.weight.index_axis(ndarray::Axis(0), 0).to_owned();
    assert_eq!((s.doc.problem.weight.dim(), s.doc.problem.hyper.groups), ((3, 1, 3, 3), 3));
    // Over the luminance, with no kernel picked again: one filter, R, G, B weighed.
    s.apply(ImageAction::SetKernelMode(KernelMode::Luminance));
    assert_eq!(s.image.kernel_mode, KernelMode::Luminance);
    assert_eq!((s.doc.problem.weight.dim(), s.doc.problem.hyper.groups), ((1, 3, 3, 3), 1));
    for (c, w) in crate::model::picture::LUMINANCE.iter().enumerate() {
        assert_eq!(s.doc.problem.weight[[0, c, 0, 2]], sobel[[0, 0, 2]] * w);
    }
    // And back: the same Sobel on each channel (read back through R's weight).
    s.apply(ImageAction::SetKernelMode(KernelMode::PerChannel));
    assert_eq!((s.doc.problem.weight.dim(), s.doc.problem.hyper.groups), ((3, 1, 3, 3), 3));
    for f in 0..3 {
        for (k, v) in s.doc.problem.weight.index_axis(ndarray::Axis(0), f).iter().enumerate() {
            assert!((v - sobel.iter().nth(k).copied().unwrap_or(f64::NAN)).abs() < 1e-12, "filter {f} tap {k}: {v}");
        }
    }
    // One undo per switch: the luminance kernel comes back, and the switch shows it.
    s.apply(DocAction::Undo);
    assert_eq!(s.doc.problem.weight.dim(), (1, 3, 3, 3));
    assert_eq!(s.image.kernel_mode_shown(&s.doc.problem), KernelMode::Luminance);
    assert_eq!(s.image.kernel_mode, KernelMode::PerChannel, "the way last chosen");
    // A grey picture has no switch: nothing changes.
    s.apply(ImageAction::SetGreyscale(true));
    let before = s.doc.problem.clone();
    s.apply(ImageAction::SetKernelMode(KernelMode::PerChannel));
    assert_eq!(s.doc.problem.weight, before.weight);
}

#[test]
fn undo_keeps_a_bounded_number_of_bytes() {
    let mut s = state();
    s.apply(ImageAction::SetPicture("checkerboard"));
    let big = Rc::new(vec![9u8; 512 * 512 * 4]);
    s.apply(ImageAction::LoadPicture { name: "big.png".into(), decoded: Ok((512, 512, big)) });
    for k in 0..40 {
        s.apply(EditAction::Type { tensor: Tensor::Weight, index: vec![0, 0, 0, 0], text: k.to_string() });
    }
    let bytes: usize = s.history.undo.iter().map(|s| tensor_bytes(&s.problem)).sum();
    assert!(bytes <= HISTORY_BYTES, "{bytes} bytes kept");
    assert!(s.history.undo.len() >= 8 && s.history.undo.len() < 40, "{} snapshots", s.history.undo.len());
}

#[test]
fn the_first_open_strip_stays_until_closed() {
    let mut s = state();
    s.page.intro = true;
    // Choosing an example is not closing the strip.
    s.apply(DocAction::preset("seed-6x6"));
    assert!(s.page.intro);
    s.apply(PageAction::CloseIntro);
    assert!(!s.page.intro);
    s.apply(DocAction::preset("seed-2d"));
    assert!(!s.page.intro, "closed for good");
}

#[test]
fn the_default_example_restored_is_named_so_and_an_edit_makes_it_your_own() {
    let mut s = state();
    // A return with the default example stored (a first visit stores it).
    s.apply(DocAction::Restore(Box::default()));
    assert_eq!(s.doc.example, Some(presets::DEFAULT));
    s.apply(EditAction::Type { tensor: Tensor::Input, index: vec![0, 0, 0], text: "9".into() });
    assert_eq!(s.doc.example, None, "edited: the learner's own");
    // Undone, it is the example again.
    s.apply(DocAction::Undo);
    assert_eq!(s.doc.example, Some(presets::DEFAULT));
    // Another problem restored is the learner's own.
    let other = Document::parse(r#"{"input":[[5,6],[7,8]],"weight":[[1]]}"#).expect("reads");
    s.apply(DocAction::Restore(Box::new(other)));
    assert_eq!(s.doc.example, None);
}

#[test]
fn a_shared_problem_is_only_looked_at_until_edited_and_undo_returns_to_yours() -> Result<(), DocumentError> {
    let mut s = state();
    // The learner's own problem, restored: nothing to undo, nothing to note, to be stored.
    s.apply(DocAction::Restore(Box::new(Document::parse(r#"{"input":[[5,6],[7,8]],"weight":[[1]]}"#)?)));
    let own = s.doc.problem.clone();
    assert!(s.history.undo.is_empty() && s.page.notice.is_none() && !s.doc.shared);
    // A link opens over it: noted, one undo away, not stored while only looked at.
    s.apply(DocAction::Load(Box::new(Document::parse(r#"{"input":[[1,2],[3,4]],"weight":[[1]]}"#))));
    assert_eq!(s.page.notice.as_deref(), Some("Opened a shared problem. Undo returns to yours."));
    assert!(s.doc.shared);
    s.apply(ViewAction::Step(Move::To(2)));
    assert!(s.doc.shared, "stepping only looks");
    s.apply(EditAction::Type { tensor: Tensor::Input, index: vec![0, 0, 0], text: "9".into() });
    assert!(!s.doc.shared, "an edit makes it the learner's own");
    s.apply(DocAction::Undo);
    s.apply(DocAction::Undo);
    assert!(Rc::ptr_eq(&own, &s.doc.problem), "back to the learner's own problem");
    assert!(s.history.undo.is_empty(), "and never further, to a problem the learner did not have");
    // A file opened says its name.
    s.apply(DocAction::Import {
        name: "lesson.json".into(),
        document: Box::new(Document::parse(r#"{"input":[[1]],"weight":[[1]]}"#)),
    });
    assert_eq!(s.page.notice.as_deref(), Some("Opened lesson.json. Undo returns to yours."));
    assert!(s.doc.shared);
    Ok(())
}

#[test]
fn the_level_menu_follows_the_problem_drawn() {
    let mut s = state();
    let level = crate::model::practice::Level::ALL[3];
    s.apply(PracticeAction::new_problem(level, 7));
    assert_eq!(s.practice.level, Some(level));
    s.apply(ViewAction::Step(Move::To(1)));
    assert_eq!(s.practice.level, Some(level), "stepping keeps it");
}

/// The shapes of every layer's output, the input's first.
fn stack_shapes(s: &State) -> Vec<[usize; 3]> {
    let (c, h, w) = s.doc.problem.input.dim();
    let mut shape = [c, h, w];
    let mut out = vec![shape];
    for e in &s.doc.stack.layers {
        match e.layer.output_shape(shape) {
            Ok(next) => shape = next,
            Err(_) => break,
        }
        out.push(shape);
    }
    out
}

#[test]
fn layers_are_added_fitted_to_the_last_output_and_undone() {
    let mut s = state();
    s.apply(NetworkAction::Add(LayerKind::Conv));
    s.apply(NetworkAction::Add(LayerKind::Relu));
    s.apply(NetworkAction::Add(LayerKind::MaxPool));
    // The default 5x5 input: a 3x3 convolution with padding 1 keeps 5x5, pooling 2 gives 2x2.
    assert_eq!(stack_shapes(&s), vec![[1, 5, 5], [1, 5, 5], [1, 5, 5], [1, 2, 2]]);
    s.apply(NetworkAction::Edit(0, LayerEdit::OutChannels(4)));
    // Layer 1's seeded fill grew to 4 filters; nothing later has weights to follow.
    assert_eq!(stack_shapes(&s).last(), Some(&[4, 2, 2]));
    s.apply(NetworkAction::Add(LayerKind::Conv));
    s.apply(NetworkAction::Edit(0, LayerEdit::OutChannels(2)));
    // The seeded layer 4 takes its input's 2 channels now (and keeps its 4 filters).
    assert_eq!(stack_shapes(&s).len(), 5, "every layer takes its input");
    let Layer::Conv(c) = &s.doc.stack.layers[3].layer else { panic!("layer 4 is a convolution") };
    assert_eq!(c.weight.dim(), (4, 2, 1, 1));
    s.apply(NetworkAction::Move { layer: 2, up: true });
    assert_eq!(LayerKind::of(&s.doc.stack.layers[1].layer), LayerKind::MaxPool);
    s.apply(NetworkAction::Remove(1));
    assert_eq!(s.doc.stack.layers.len(), 3);
    s.apply(DocAction::Undo);
    assert_eq!(s.doc.stack.layers.len(), 4, "undo brings the removed layer back");
    // The probe only looks: nothing to undo.
    let undo = s.history.undo.len();
    s.apply(NetworkAction::Probe(Some(crate::conv::network::Probe { layer: 1, index: [0, 0, 0] })));
    assert_eq!(s.history.undo.len(), undo);
    assert!(s.document().to_json().contains(r#""probe":[1,0,0,0]"#));
}

#[test]
fn typed_weights_keep_their_numbers_when_the_input_changes() -> Result<(), crate::model::document::DocumentError> {
    let d = Document::parse(
        r#"{"input":[[1,2,3],[4,5,6],[7,8,9]],"weight":[[1]],"layers":[{"op":"conv2d","weight":[[[[2]]]]}]}"#,
    )?;
    let mut s = State::with_document(d);
    s.apply(EditAction::Resize(Size::Channels, 2));
    let Layer::Conv(c) = &s.doc.stack.layers[0].layer else { panic!("a convolution") };
    assert_eq!(c.weight.dim(), (1, 1, 1, 1), "typed numbers stay; the layer's error says why");
    assert!(s.doc.stack.layers[0].layer.output_shape([2, 3, 3]).is_err());
    Ok(())
}

#[test]
fn a_convolution_layer_opens_on_the_layer_before_and_one_undo_returns_to_the_network() -> Result<(), ConvError> {
    use crate::conv::{Forward, Transposed};
    use crate::model::network::NetResults;
    let mut s = state();
    s.apply(DocAction::preset("net-lenet"));
    let net = NetResults::new(s.doc.problem.dims(), &s.doc.problem.input, &s.doc.stack);
    let (stack, network_input, undo) = (s.doc.stack.clone(), s.doc.problem.input.clone(), s.history.undo.len());
    // A ReLU has no single-op view: nothing happens.
    s.apply(NetworkAction::Open(1));
    assert_eq!((s.doc.view.view, s.history.undo.len()), (View::Network, undo));
    // Layer 4, conv2d 6→16 5x5, on layer 3's output (6, 14, 14).
    s.apply(NetworkAction::Open(3));
    assert_eq!(s.doc.problem.op, Op::Conv2d);
    assert_eq!(s.doc.problem.input, *net.eval.outputs[3]);
    assert_eq!(Forward::new(&s.doc.problem)?.output, *net.eval.outputs[4], "the single op gives layer 4's output");
    assert_eq!((s.doc.view.view, s.doc.stack.layers.len(), s.doc.view.step), (View::Forward, 0, 0));
    assert_eq!(
        s.page.notice.as_deref(),
        Some(
            "Opened layer 4 of the network on layer 3's output (6, 14, 14). \"Back to the network\" takes your edits \
             of its weights back there; undo returns without them."
        )
    );
    assert_eq!(s.history.undo.len(), undo + 1, "one undo step");
    assert_eq!(s.step_count(), 16 * 10 * 10, "the player walks layer 4's output cells");
    s.apply(DocAction::Undo);
    assert!(Rc::ptr_eq(&s.doc.stack, &stack), "the very stack comes back");
    assert_eq!((s.doc.view.view, &s.doc.problem.input), (View::Network, &network_input));

    // A transposed layer opens in its own view: the autoencoder's layer 5 on layer 4's (8, 4, 4).
    s.apply(DocAction::preset("net-autoencoder"));
    let net = NetResults::new(s.doc.problem.dims(), &s.doc.problem.input, &s.doc.stack);
    s.apply(NetworkAction::Open(4));
    assert_eq!((s.doc.problem.op, s.doc.view.view), (Op::ConvTranspose2d, View::Transposed));
    assert_eq!(s.doc.problem.input, *net.eval.outputs[4]);
    assert_eq!(Transposed::new(&s.doc.problem)?.output, *net.eval.outputs[5]);
    Ok(())
}

#[test]
fn back_to_the_network_writes_the_opened_layers_edits_into_it() -> Result<(), ConvError> {
    use crate::model::network::NetResults;
    let mut s = state();
    s.apply(DocAction::preset("net-lenet"));
    let (network_input, seeded_before) = (s.doc.problem.input.clone(), s.doc.stack.layers[3].seed);
    assert!(seeded_before.is_some(), "LeNet's layers are seeded fills");
    // Unchanged: the layer stays a seeded fill, and nothing else moves.
    s.apply(NetworkAction::Open(3));
    s.apply(NetworkAction::Return);
    assert_eq!(s.page.notice.as_deref(), Some("Back in the network: layer 4 of the network is as it was."));
    assert_eq!(
        (s.doc.view.view, s.doc.stack.layers[3].seed, &s.doc.problem.input),
        (View::Network, seeded_before, &network_input)
    );
    assert_eq!(s.doc.opened, None);

    // Layer 4 (conv2d 6→16 5x5): its weight w[0,0,0,0] typed as 7, stride 2.
    s.apply(NetworkAction::Open(3));
    assert!(s.doc.opened.is_some());
    s.apply(EditAction::Type { tensor: Tensor::Weight, index: vec![0, 0, 0, 0], text: "7".into() });
    s.apply(EditAction::Commit { tensor: Tensor::Weight, index: vec![0, 0, 0, 0] });
    s.apply(EditAction::SetPerAxis(PerAxisParam::Stride, 0, 2));
    s.apply(EditAction::SetPerAxis(PerAxisParam::Stride, 1, 2));
    let opened = s.doc.problem.clone();
    assert_eq!(opened.weight[[0, 0, 0, 0]], 7.0);
    s.apply(NetworkAction::Return);
    assert!(
        s.page.notice.as_deref().is_some_and(|n| n.contains("takes the weights and settings you edited")),
        "{:?}",
        s.page.notice
    );
    assert_eq!((s.doc.view.view, &s.doc.problem.input, s.doc.opened.is_none()), (View::Network, &network_input, true));
    let Layer::Conv(c) = &s.doc.stack.layers[3].layer else { panic!("layer 4 is a convolution") };
    assert_eq!((&c.weight, c.hyper.stride), (&opened.weight, opened.hyper.stride));
    assert_eq!(s.doc.stack.layers[3].seed, None, "typed weights from now on");
    // The layers after it are recomputed: stride 2 halves layer 4's 10x10 to 5x5 (torch: (14 - 5) // 2 + 1 = 5).
    let net = NetResults::new(s.doc.problem.dims(), &s.doc.problem.input, &s.doc.stack);
    assert_eq!(net.eval.outputs[4].dim(), (16, 5, 5));

    // Undo goes back into the opened layer, with its way back.
    s.apply(DocAction::Undo);
    assert_eq!((s.doc.view.view, s.doc.opened.as_ref().map(|o| o.layer)), (View::Forward, Some(3)));
    // A 1D operation cannot go back into a 2D network.
    s.apply(EditAction::SetOp(Op::Conv1d));
    assert_eq!(s.doc.problem.op, Op::Conv1d);
    s.apply(NetworkAction::Return);
    assert!(s.page.alert.as_deref().is_some_and(|a| a.starts_with("The network is 2D")), "{:?}", s.page.alert);
    assert_eq!((s.doc.view.view, s.doc.opened.is_some()), (View::Forward, true));
    Ok(())
}

#[test]
fn the_player_steps_through_a_pooling_layer_in_the_network_view() {
    let mut s = state();
    s.apply(DocAction::preset("net-downsample"));
    assert_eq!(s.step_count(), 0, "no panel, no steps");
    // Layer 1 is a convolution: it has no pooling panel.
    s.apply(NetworkAction::StepPool(Some(0)));
    assert_eq!(s.doc.view.pool, None);
    // Layer 3, max_pool2d 2 on (4, 8, 8): one step per output cell of (4, 4, 4).
    s.apply(NetworkAction::StepPool(Some(2)));
    assert_eq!(s.doc.view.pool, Some(PoolPanel { layer: 2, walk: crate::conv::PoolWalk::Forward }));
    assert_eq!(s.step_count(), 64);
    s.apply(ViewAction::Step(Move::Next));
    s.apply(ViewAction::Step(Move::Next));
    assert_eq!(s.doc.view.step, 2);
    s.apply(ViewAction::Step(Move::Last));
    assert_eq!(s.doc.view.step, 63);
    // The gradient walks the input cells, from the first.
    s.apply(NetworkAction::PoolWalk(crate::conv::PoolWalk::Gradient));
    assert_eq!((s.step_count(), s.doc.view.step), (4 * 8 * 8, 0));
    // The layer becomes a ReLU: its panel closes.
    s.apply(NetworkAction::Edit(2, LayerEdit::Kind(LayerKind::Relu)));
    assert_eq!((s.doc.view.pool, s.step_count()), (None, 0));
}

#[test]
fn the_pooling_panel_asks_its_cells_and_forgets_them_for_another_walk() {
    let mut s = state();
    s.apply(DocAction::preset("net-downsample"));
    s.apply(PracticeAction::SetOn(true));
    // Layer 3, max_pool2d 2 on (4, 8, 8): its first window's max.
    s.apply(NetworkAction::StepPool(Some(2)));
    let walk = s.walk();
    let reveal = s.doc.view.reveal;
    let network = s.doc.stack.network(s.doc.problem.dims(), &s.doc.problem.input);
    let eval = network.evaluate();
    let expected = eval.outputs[3][[0, 0, 0]];
    s.apply(PracticeAction::Type("1e9".into()));
    s.apply(PracticeAction::Check { expected, matrix: "pool_output" });
    assert_eq!((s.doc.view.step, s.practice.streak), (0, 0), "a wrong answer stays on the cell");
    s.apply(PracticeAction::Type(crate::model::format::full(expected)));
    s.apply(PracticeAction::Check { expected, matrix: "pool_output" });
    assert_eq!((s.doc.view.step, s.practice.score), (1, 1), "a right answer scores and moves on");
    assert!(!s.practice.hides(walk, 0, s.doc.view.step, reveal, "pool_output"));
    assert!(s.practice.hides(walk, 1, s.doc.view.step, reveal, "pool_output"));
    // The gradient walk's cells are other questions, from its first.
    s.apply(NetworkAction::PoolWalk(crate::conv::PoolWalk::Gradient));
    assert_eq!(s.doc.view.step, 0);
    assert!(s.practice.answered.is_empty(), "{:?}", s.practice.answered);
    assert_eq!(s.practice.score, 1, "the score stays");
    // Back to the windows: cell 0 is asked again (a walk is answered afresh).
    s.apply(NetworkAction::PoolWalk(crate::conv::PoolWalk::Forward));
    assert!(s.practice.hides(walk, 0, s.doc.view.step, reveal, "pool_output"));
}

#[test]
fn a_pasted_sequential_replaces_the_stack_in_one_undoable_step() {
    let mut s = state();
    s.apply(NetworkAction::Add(LayerKind::Relu));
    s.apply(paste("nn.Sequential(\n  nn.Conv2d(3, 4, 3, padding=1),\n  nn.ReLU(),\n  nn.MaxPool2d(2),\n)"));
    assert_eq!(s.page.alert, None);
    assert!(
        s.page.notice.as_deref().is_some_and(|n| n.contains("The input now has 3 channels")),
        "{:?} {:?}",
        s.page.notice,
        s.page.alert
    );
    // The default 5x5 input takes the first convolution's 3 channels: 4x5x5, 4x5x5, 4x2x2.
    assert_eq!(stack_shapes(&s), vec![[3, 5, 5], [4, 5, 5], [4, 5, 5], [4, 2, 2]]);
    let Layer::Conv(c) = &s.doc.stack.layers[0].layer else { panic!("layer 1 is a convolution") };
    assert_eq!(c.weight.dim(), (4, 3, 3, 3));
    s.apply(DocAction::Undo);
    assert_eq!(
        (s.doc.stack.layers.len(), s.doc.problem.input.dim().0),
        (1, 1),
        "one undo brings back the stack and the input"
    );
    // Neither does a stack larger than the app draws.
    // 5x5: 16x144x144, then 4x577x577, more cells than the app draws.
    let large = "nn.Sequential(nn.ConvTranspose2d(1, 16, 16, stride=32), nn.ConvTranspose2d(16, 4, 5, stride=4))";
    s.apply(paste(large));
    assert!(
        s.page
            .alert
            .as_deref()
            .is_some_and(|a| a.starts_with("The Sequential does not fit: layer 2 gives (4, 577, 577)")),
        "{:?}",
        s.page.alert
    );
    assert_eq!(s.doc.stack.layers.len(), 1);
}

#[test]
fn same_padding_is_refused_with_a_stride_and_a_number_replaces_it() {
    use crate::conv::PaddingRule;
    use crate::model::state::PerAxisParam;
    let mut s = state();
    s.apply(EditAction::SetPaddingRule(PaddingRule::Same));
    assert_eq!(s.doc.problem.hyper.padding_rule, PaddingRule::Same);
    let (_, h, w) = s.doc.problem.input.dim();
    assert_eq!(s.doc.problem.output_shape().map(|o| [o[1], o[2]]), Ok([h, w]), "same keeps the size");
    // Back to numbers, then a stride of 2: "same" is refused with torch's reason, nothing changes.
    s.apply(EditAction::SetPerAxis(PerAxisParam::Padding, 1, 1));
    assert_eq!(s.doc.problem.hyper.padding_rule, PaddingRule::Explicit);
    s.apply(EditAction::SetPerAxis(PerAxisParam::Stride, 1, 2));
    let before = s.doc.problem.clone();
    s.apply(EditAction::SetPaddingRule(PaddingRule::Same));
    assert_eq!(s.doc.problem, before);
    assert!(
        s.page
            .alert
            .as_deref()
            .is_some_and(|a| a.starts_with("padding='same' is not supported for strided convolutions")),
        "{:?}",
        s.page.alert
    );
    // "valid" takes any stride.
    s.apply(EditAction::SetPaddingRule(PaddingRule::Valid));
    assert_eq!(s.doc.problem.hyper.padding_rule, PaddingRule::Valid);
}

#[test]
fn the_json_memo_writes_what_is_on_screen_after_steps_and_edits() {
    let mut s = state();
    let mut memo = JsonMemo::default();
    let mut check = |s: &State| {
        let on_screen = s.doc.snapshot();
        let document = on_screen.document();
        assert_eq!(memo.to_json(&on_screen, &document), document.to_json());
    };
    check(&s);
    // A step: the same problem (the memo's part), a new view.
    s.apply(ViewAction::Step(Move::Next));
    check(&s);
    // An edit: a new problem; then a step on it.
    s.apply(EditAction::Type { tensor: Tensor::Weight, index: vec![0, 0, 0, 0], text: "5".into() });
    check(&s);
    s.apply(ViewAction::Step(Move::Next));
    check(&s);
    // Undo brings the first problem back (the same Rc): its JSON again.
    s.apply(DocAction::Undo);
    check(&s);
}

#[test]
fn a_page_waiting_for_its_documents_keeps_the_link_and_stores_nothing_until_it_starts() {
    let page = Page { theme: Theme::Dark, ..Page::default() };
    let mut s = State::opening(page);
    assert!(s.page.opening && s.page.theme == Theme::Dark);
    // The address bar keeps its link, and this browser's storage its state.
    assert!(s.doc.held_link && s.doc.shared);
    // The state the documents make replaces it whole: nothing to undo, nothing held.
    let start = State::with_document(crate::model::presets::open("seed-6x6").and_then(Result::ok).unwrap_or_default());
    let shown = start.doc.problem.clone();
    assert_ne!(shown, s.doc.problem);
    s.apply(DocAction::Start(Box::new(start.clone())));
    assert_eq!(s, start);
    assert!(!s.page.opening && !s.doc.held_link);
    assert_eq!(s.doc.problem, shown);
    s.apply(DocAction::Undo);
    assert_eq!(s.doc.problem, shown, "opening was not an edit to undo");
}
