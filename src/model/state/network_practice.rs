//! Practice's progress in the network view (#22): the question on screen,
//! the numbers typed, the verdict, and the questions answered right or
//! revealed (their cells show in the summary table). The questions and their
//! answers come from [`crate::model::network_practice`] (the core's summary).
//!
//! These are practice actions, not [`super::NetworkAction`]s: they change no
//! number of the stack (nothing to undo), they score on the session's score
//! like every other question, and answers are forgotten when the stack or
//! the input changes, with the rest of practice's progress
//! ([`Practice::new_problem`], called by `State::after`).

use crate::conv::network::Network;
use crate::model::network_practice::{
    MOST_AXES, NetLevel, NetQuestion, NetVerdict, answer, check, current, next, questions,
};

use crate::model::document::Document;

use super::practice::Practice;

/// Progress on the network view's questions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NetPractice {
    /// The question picked; `None` asks the first not yet answered
    /// ([`current`] says which is on screen).
    pub asked: Option<NetQuestion>,
    /// The numbers as typed, one per axis of the question (`C, H, W`; `RH, RW`; the count).
    pub typed: [String; MOST_AXES],
    pub verdict: Option<NetVerdict>,
    /// Questions answered right or revealed: their cells show from now on.
    pub shown: Vec<NetQuestion>,
    /// The level of the last stack drawn (the Level menu shows it).
    pub level: Option<NetLevel>,
}

/// The learner's moves in the network view's practice.
#[derive(Debug, Clone, PartialEq)]
pub enum NetPracticeAction {
    /// Another question (one the stack asks; others are ignored).
    Ask(NetQuestion),
    /// A number typed in field `axis` (0 the first: C, RH or the count).
    Type(usize, String),
    /// The typed numbers against the core's answer.
    Check,
    /// Shows the answer without a point (not with `"reveal": false`).
    Reveal,
    /// The next question not yet answered.
    Next,
    /// A new stack at `level`, drawn by [`NetPracticeAction::new_stack`]
    /// where the button is (the network view's chunk): opens a document,
    /// which the state does.
    New { level: NetLevel, drawn: Box<Document> },
}

impl NetPracticeAction {
    /// A new stack at `level`, drawn from `seed` (the UI draws the seed).
    pub fn new_stack(level: NetLevel, seed: u64) -> NetPracticeAction {
        NetPracticeAction::New { level, drawn: Box::new(crate::model::network_practice::generate(level, seed)) }
    }
}

impl NetPractice {
    /// A new stack or input: nothing answered stays, only the level drawn.
    pub fn new_problem(&self) -> NetPractice {
        NetPractice { level: self.level, ..NetPractice::default() }
    }

    /// The question on screen for `network` (whose summary is `rows`).
    pub fn on_screen(&self, list: &[NetQuestion]) -> Option<NetQuestion> {
        current(self.asked, list, &self.shown)
    }

    fn clear_answer(&mut self) {
        self.typed = Default::default();
        self.verdict = None;
    }
}

/// How the state reaches [`Practice::reduce_network`]: handed over by the
/// network view's chunk as it loads, as [`super::network::register`] does.
pub type Reducer = fn(&mut Practice, &Network, bool, NetPracticeAction);

handed_over!(Reducer, Practice::reduce_network);

impl Practice {
    /// Applies one network practice action on `network` (the stack on the
    /// input); `reveal` is the document's (`false`: no Reveal).
    pub fn reduce_network(&mut self, network: &Network, reveal: bool, action: NetPracticeAction) {
        let rows = network.summary();
        let list = questions(network, &rows);
        let on_screen = self.network.on_screen(&list);
        let p = &mut self.network;
        match action {
            NetPracticeAction::Ask(q) if list.contains(&q) => {
                p.asked = Some(q);
                p.clear_answer();
            }
            NetPracticeAction::Ask(_) => {}
            NetPracticeAction::Type(axis, text) => {
                if let Some(slot) = p.typed.get_mut(axis) {
                    *slot = text;
                    p.verdict = None;
                }
            }
            NetPracticeAction::Check => {
                let Some(q) = on_screen else { return };
                let Some(expected) = answer(&rows, network.dims, q) else { return };
                let verdict = check(&p.typed, &expected, q.quiz.axes(network.dims));
                // The question stays on screen with its verdict (and once
                // shown, "the first not yet answered" would be another).
                p.asked = Some(q);
                let first_time = !p.shown.contains(&q);
                match verdict {
                    NetVerdict::Right if first_time => {
                        p.shown.push(q);
                        self.scored(true);
                    }
                    NetVerdict::Wrong => self.scored(false),
                    _ => {}
                }
                self.network.verdict = Some(verdict);
            }
            NetPracticeAction::Reveal if reveal => {
                let Some(q) = on_screen else { return };
                p.asked = Some(q);
                if !p.shown.contains(&q) {
                    p.shown.push(q);
                }
                p.verdict = Some(NetVerdict::Revealed);
                self.streak = 0;
            }
            NetPracticeAction::Reveal => {}
            NetPracticeAction::Next => {
                p.asked = next(on_screen, &list, &p.shown);
                p.clear_answer();
            }
            // Opens a document: the state does it (see `State::route`).
            NetPracticeAction::New { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network_practice::NetQuiz;
    use crate::model::presets;
    use crate::model::state::{Action, DocAction, NetworkAction, PracticeAction, State};

    fn lenet(reveal: bool) -> State {
        let mut s = State::default();
        s.apply(DocAction::preset("net-lenet"));
        s.doc.view.reveal = reveal;
        s.apply(PracticeAction::SetOn(true));
        s
    }

    fn net(a: NetPracticeAction) -> Action {
        a.into()
    }

    fn answer_with(s: &mut State, numbers: &[&str]) {
        for (k, n) in numbers.iter().enumerate() {
            s.apply(net(NetPracticeAction::Type(k, n.to_string())));
        }
        s.apply(net(NetPracticeAction::Check));
    }

    const SHAPE_1: NetQuestion = NetQuestion { quiz: NetQuiz::Shape, layer: 1 };
    const RF_3: NetQuestion = NetQuestion { quiz: NetQuiz::ReceptiveField, layer: 3 };

    #[test]
    fn a_wrong_then_a_right_shape_scores_once_and_shows_it() {
        let mut s = lenet(true);
        assert!(presets::PRESETS.iter().any(|p| p.id == "net-lenet"));
        answer_with(&mut s, &["6", "27", "27"]);
        assert_eq!(s.practice.network.verdict, Some(NetVerdict::Wrong));
        assert!(s.practice.network.shown.is_empty());
        assert_eq!((s.practice.score, s.practice.streak), (0, 0));
        s.apply(net(NetPracticeAction::Type(1, "28".into())));
        assert_eq!(s.practice.network.verdict, None, "typing clears the verdict");
        s.apply(net(NetPracticeAction::Type(2, "28".into())));
        s.apply(net(NetPracticeAction::Check));
        assert_eq!(s.practice.network.verdict, Some(NetVerdict::Right));
        assert_eq!(s.practice.network.shown, vec![SHAPE_1]);
        assert_eq!(s.practice.score, 1);
        s.apply(net(NetPracticeAction::Check));
        assert_eq!(s.practice.score, 1, "checked again: no second point");
        // Next: layer 1's field, the next question not yet answered.
        s.apply(net(NetPracticeAction::Next));
        let list = {
            let n = s.doc.stack.network(s.doc.problem.dims(), &s.doc.problem.input);
            questions(&n, &n.summary())
        };
        assert_eq!(s.practice.network.on_screen(&list), Some(NetQuestion { quiz: NetQuiz::ReceptiveField, layer: 1 }));
        assert_eq!(s.practice.network.typed, <[String; MOST_AXES]>::default());
    }

    #[test]
    fn a_picked_question_is_checked_and_a_reveal_is_refused_by_an_instructors_link() {
        let mut s = lenet(false);
        s.apply(net(NetPracticeAction::Ask(RF_3)));
        s.apply(net(NetPracticeAction::Reveal));
        assert_eq!(s.practice.network.verdict, None, "no reveal with reveal: false");
        assert!(s.practice.network.shown.is_empty());
        answer_with(&mut s, &["6", "6"]);
        assert_eq!(s.practice.network.shown, vec![RF_3]);
        // A question the stack does not ask (a ReLU's field) is not picked.
        s.apply(net(NetPracticeAction::Ask(NetQuestion { quiz: NetQuiz::ReceptiveField, layer: 2 })));
        assert_eq!(s.practice.network.asked, Some(RF_3));
        let mut s = lenet(true);
        s.apply(net(NetPracticeAction::Ask(RF_3)));
        s.apply(net(NetPracticeAction::Reveal));
        assert_eq!(s.practice.network.verdict, Some(NetVerdict::Revealed));
        assert_eq!((s.practice.network.shown.clone(), s.practice.score), (vec![RF_3], 0));
    }

    #[test]
    fn answers_go_when_the_stack_or_the_input_changes_and_stay_when_only_looking() {
        let mut s = lenet(true);
        answer_with(&mut s, &["6", "28", "28"]);
        assert_eq!(s.practice.network.shown, vec![SHAPE_1]);
        s.apply(NetworkAction::Probe(Some(crate::conv::network::Probe { layer: 1, index: [0, 0, 0] })));
        assert_eq!(s.practice.network.shown, vec![SHAPE_1], "selecting a cell changes no answer");
        s.apply(crate::model::state::ViewAction::Step(crate::model::state::Move::Next));
        assert_eq!(s.practice.network.shown, vec![SHAPE_1], "nor does a key that steps a player");
        s.apply(NetworkAction::Edit(0, crate::model::state::LayerEdit::Kernel(crate::model::state::BOTH, 3)));
        assert!(s.practice.network.shown.is_empty(), "a new kernel size: new answers");
        answer_with(&mut s, &["6", "30", "30"]);
        assert_eq!(s.practice.network.shown, vec![SHAPE_1]);
        s.apply(crate::model::state::EditAction::Resize(crate::model::state::Size::Height, 30));
        assert!(s.practice.network.shown.is_empty(), "a new input: new answers");
        s.apply(DocAction::Undo);
        assert!(s.practice.network.shown.is_empty());
    }

    #[test]
    fn new_problem_opens_a_drawn_stack_with_practice_on_as_one_undoable_change() {
        let mut s = lenet(true);
        let before = s.document();
        s.apply(net(NetPracticeAction::new_stack(NetLevel::Transposed, 7)));
        let drawn = crate::model::network_practice::generate(NetLevel::Transposed, 7);
        assert_eq!(s.doc.stack.as_ref(), &drawn.stack);
        assert!(s.doc.view.practice && s.doc.view.view == crate::model::state::View::Network);
        assert_eq!(s.practice.network.level, Some(NetLevel::Transposed));
        s.apply(DocAction::Undo);
        assert_eq!(s.document().stack, before.stack);
    }
}
