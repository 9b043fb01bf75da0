//! Practice's progress: the answer being typed, hints, shape questions, the
//! cells answered, and the score. The questions and their answers come from
//! [`crate::model::practice`] (the core's numbers).

use crate::conv::{Dims, Geometry, Problem, Walk};
use crate::model::document::{Document, limits};
use crate::model::practice::{Combination, Level, Verdict, check};
use crate::model::view_state::ViewState;

use crate::model::network::Stack;

use super::live::{Live, step_count};
use super::network_practice::{NetPractice, NetPracticeAction};

/// The question practice asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quiz {
    /// The next number of the view's walk.
    #[default]
    Number,
    /// "What is the output size?"
    OutputSize,
    /// "Which input cells does this output use?" (the sliding window).
    InputCells,
    /// "Is this combination possible?"
    Possible,
}

impl Quiz {
    /// Whether the question is about the problem on screen. "Is this
    /// combination possible?" is about a combination of its own: the
    /// problem's player and grids are not shown while it is asked, or they
    /// would read as the combination's (#23, item 12).
    pub fn about_the_problem(self) -> bool {
        self != Quiz::Possible
    }
}

/// Practice's progress on the step on screen, and the session's score.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Practice {
    pub answer: String,
    pub verdict: Option<Verdict>,
    /// Hints shown for this step, 0 to 3.
    pub hints: u8,
    /// After a wrong answer, the learner's value of each product (as typed).
    pub products: Vec<String>,
    pub score: u32,
    pub streak: u32,
    pub quiz: Quiz,
    /// The output size as typed: H, W, then the transposed canvas's H, W.
    pub shape: [String; 4],
    pub shape_verdict: Option<bool>,
    /// Padded input cells `[c, pi, pj]` picked as the window's.
    pub picked: Vec<[usize; 3]>,
    pub pick_verdict: Option<bool>,
    /// The combination asked about (its seed) and whether the claim was right.
    pub combination: u64,
    pub possible_verdict: Option<bool>,
    /// Cells answered right, by walk and step: shown even when the link hides
    /// unanswered cells (document key `reveal: false`).
    pub answered: Vec<(Walk, usize, &'static str)>,
    /// The level of the last problem drawn (the Level menu shows it).
    pub level: Option<Level>,
    /// The network view's questions (its own file).
    pub network: NetPractice,
}

/// The learner's moves in practice.
#[derive(Debug, Clone, PartialEq)]
pub enum PracticeAction {
    /// Practice on or off (document key `practice`).
    SetOn(bool),
    /// The learner's answer as typed.
    Type(String),
    /// Enter: the answer against `expected`, the core's number for this step.
    Check {
        expected: f64,
        /// The asked cell's `data-practice` name (answers are kept per matrix).
        matrix: &'static str,
    },
    /// One more hint (the window, the first product, all products).
    Hint,
    /// Show the number and go on.
    Reveal { matrix: &'static str },
    /// After a wrong answer: the learner's value of product `k`, to see which are wrong.
    Product(usize, String),
    /// The kind of question asked.
    SetQuiz(Quiz),
    /// The output size typed: `axis` 0/1 is the output's H/W, 2/3 the transposed canvas's.
    ShapeType(usize, String),
    /// Checks the typed sizes against the core's geometry.
    ShapeCheck,
    /// "Which input cells does this output use?": a padded input cell `[c, pi, pj]` picked or dropped.
    Pick([usize; 3]),
    /// The picked cells against the window's (the view passes the core's answer).
    PickCheck { expected: Vec<[usize; 3]> },
    /// "Is this combination possible?": the learner's claim.
    Possible(bool),
    /// Another combination, drawn from `seed` (the UI draws the seed; the reducer stays pure).
    Combination { seed: u64 },
    /// A new problem at `level`, drawn by [`PracticeAction::new_problem`]
    /// where the button is (the practice bar's chunk, so the generator is
    /// not in the first screen's module).
    New { level: Level, drawn: Box<Document> },
    /// The session's score and streak: reset, or restored from storage.
    Score { score: u32, streak: u32 },
    /// The network view's questions (reduced by [`Practice::reduce_network`],
    /// which the state hands the stack).
    Network(NetPracticeAction),
}

impl PracticeAction {
    /// "New problem" at `level`, drawn from `seed` (the UI draws the seed;
    /// the reducer stays pure).
    pub fn new_problem(level: Level, seed: u64) -> PracticeAction {
        PracticeAction::New { level, drawn: Box::new(crate::model::practice::generate(level, seed)) }
    }
}

impl Practice {
    /// A new cell to answer: no answer, verdict, hints or picks yet; the
    /// score, the question and the cells answered stay.
    pub fn new_cell(&mut self) {
        *self = Practice {
            score: self.score,
            streak: self.streak,
            quiz: self.quiz,
            shape: std::mem::take(&mut self.shape),
            shape_verdict: self.shape_verdict,
            combination: self.combination,
            possible_verdict: self.possible_verdict,
            answered: std::mem::take(&mut self.answered),
            level: self.level,
            // A step of the player is not a new layer to answer about.
            network: std::mem::take(&mut self.network),
            ..Practice::default()
        };
    }

    /// A new problem: nothing of the last one's answers stays, only the
    /// score and the kind of question asked.
    pub fn new_problem(&mut self) {
        *self = Practice {
            score: self.score,
            streak: self.streak,
            combination: self.combination,
            quiz: self.quiz,
            level: self.level,
            network: self.network.new_problem(),
            ..Practice::default()
        };
    }

    /// Another walk of the network's pooling panel (another layer, or its
    /// gradient): a new cell to answer, and the panel's answered cells, being
    /// another walk's, are forgotten.
    pub fn new_pool_walk(&mut self) {
        self.new_cell();
        self.answered.retain(|&(_, _, matrix)| !matrix.starts_with("pool_"));
    }

    /// What a newly opened document keeps: the score and the combination.
    pub fn reopened(&self) -> Practice {
        Practice { score: self.score, streak: self.streak, combination: self.combination, ..Practice::default() }
    }

    /// Cell `step` of `walk` in `matrix` is shown from now on (answered or revealed).
    fn show(&mut self, walk: Walk, step: usize, matrix: &'static str) {
        if !self.answered.contains(&(walk, step, matrix)) {
            self.answered.push((walk, step, matrix));
        }
    }

    pub(super) fn scored(&mut self, right: bool) {
        if right {
            self.score = self.score.saturating_add(1);
            self.streak = self.streak.saturating_add(1);
        } else {
            self.streak = 0;
        }
    }

    /// Whether step `step` of `walk` is hidden while practising with the
    /// player at `current`: from the current step on, and with `reveal` off
    /// (an instructor's link) every step not answered right.
    pub fn hides(&self, walk: Walk, step: usize, current: usize, reveal: bool, matrix: &'static str) -> bool {
        (step >= current || !reveal) && !self.answered.contains(&(walk, step, matrix))
    }

    /// Practice moves on: the step answered (or revealed) stays shown, the next is asked.
    fn advance(&mut self, view: &mut ViewState, problem: &Problem, stack: &Stack) {
        view.step = (view.step + 1).min(step_count(problem, stack, view).saturating_sub(1));
        self.new_cell();
    }

    /// Applies one practice action ([`PracticeAction::New`] opens a document:
    /// the state's own business). `view` is the document's view half: practice
    /// is on there, and a right answer moves its step on.
    pub fn reduce(
        &mut self,
        view: &mut ViewState,
        live: &mut Live,
        problem: &Problem,
        stack: &Stack,
        action: PracticeAction,
    ) {
        let walk = view.walk(problem.op.is_transposed());
        match action {
            // An instructor's link that hides the answers keeps practice on.
            PracticeAction::SetOn(false) if !view.reveal && view.practice => {}
            PracticeAction::SetOn(on) => {
                // Practice starts at the first cell (in the transposed view its
                // walk is another one: the output's cells).
                if on && !view.practice {
                    view.step = 0;
                }
                view.practice = on;
                live.playing = false;
                self.new_problem();
            }
            PracticeAction::Type(text) => {
                self.answer = text;
                self.verdict = None;
            }
            PracticeAction::Check { expected, matrix } => self.check_cell(view, problem, stack, expected, matrix),
            PracticeAction::Hint => self.hints = (self.hints + 1).min(3),
            // An instructor's link (`reveal: false`) has no reveal.
            PracticeAction::Reveal { matrix } if view.reveal => {
                self.streak = 0;
                self.show(walk, view.step, matrix);
                self.advance(view, problem, stack);
            }
            PracticeAction::Reveal { .. } => {}
            PracticeAction::Product(k, text) if k < limits::PRACTICE_PRODUCTS => {
                if self.products.len() <= k {
                    self.products.resize(k + 1, String::new());
                }
                self.products[k] = text;
            }
            PracticeAction::Product(..) => {}
            PracticeAction::SetQuiz(quiz) => {
                self.quiz = quiz;
                self.shape_verdict = None;
                self.pick_verdict = None;
                self.possible_verdict = None;
            }
            PracticeAction::ShapeType(axis, text) => {
                if let Some(slot) = self.shape.get_mut(axis) {
                    *slot = text;
                    self.shape_verdict = None;
                }
            }
            PracticeAction::ShapeCheck => {
                let right = self.shape_is_right(problem);
                // Checking again once right scores nothing more.
                if self.shape_verdict != Some(true) {
                    self.scored(right);
                }
                self.shape_verdict = Some(right);
            }
            PracticeAction::Pick(cell) => self.pick(cell),
            PracticeAction::PickCheck { expected } => self.pick_check(expected),
            PracticeAction::Possible(_) if self.possible_verdict.is_some() => {}
            PracticeAction::Possible(claim) => {
                let possible = Combination::draw(self.combination).answer.is_ok();
                self.scored(claim == possible);
                self.possible_verdict = Some(claim == possible);
            }
            PracticeAction::Combination { seed } => {
                self.combination = seed;
                self.possible_verdict = None;
            }
            // Opens a document: the state does it (see `State::apply`).
            PracticeAction::New { .. } => {}
            // The state hands these the stack (see `State::route`).
            PracticeAction::Network(_) => {}
            PracticeAction::Score { score, streak } => {
                self.score = score;
                self.streak = streak;
            }
        }
    }

    /// The typed answer for the current step's cell of `matrix` against `expected`.
    fn check_cell(
        &mut self,
        view: &mut ViewState,
        problem: &Problem,
        stack: &Stack,
        expected: f64,
        matrix: &'static str,
    ) {
        let walk = view.walk(problem.op.is_transposed());
        let verdict = check(&self.answer, expected);
        match verdict {
            // A cell scores once: answering it again (the last one, or one
            // stepped back to) says right without another point.
            Verdict::Right => {
                if !self.answered.contains(&(walk, view.step, matrix)) {
                    self.scored(true);
                }
                self.show(walk, view.step, matrix);
                self.advance(view, problem, stack);
            }
            Verdict::Wrong => self.scored(false),
            Verdict::NotANumber(_) => {}
        }
        self.verdict = Some(verdict);
    }

    /// Picks an input cell, or unpicks it when picked (at most
    /// `PRACTICE_PRODUCTS` picked).
    fn pick(&mut self, cell: [usize; 3]) {
        match self.picked.iter().position(|&p| p == cell) {
            Some(k) => {
                self.picked.remove(k);
            }
            None if self.picked.len() < limits::PRACTICE_PRODUCTS => self.picked.push(cell),
            None => {}
        }
        self.pick_verdict = None;
    }

    /// The picked cells against the step's, as sets.
    fn pick_check(&mut self, mut expected: Vec<[usize; 3]>) {
        let mut picked = self.picked.clone();
        picked.sort_unstable();
        expected.sort_unstable();
        expected.dedup();
        let right = picked == expected;
        if self.pick_verdict != Some(true) {
            self.scored(right);
        }
        self.pick_verdict = Some(right);
    }

    /// The typed output size (and transposed canvas) against the core's geometry.
    fn shape_is_right(&self, problem: &Problem) -> bool {
        let typed: Vec<Option<usize>> = self.shape.iter().map(|t| t.trim().parse().ok()).collect();
        let Ok(g) = problem.operation_geometry() else { return false };
        let [_, oh, ow] = g.output_shape();
        let canvas = match g {
            Geometry::Transposed(t) => Some(t.canvas),
            Geometry::Conv(_) => None,
        };
        // A 1D problem asks for W alone (H is 1 and not asked).
        let one_d = problem.dims() == Dims::One;
        let h_ok = one_d || typed[0] == Some(oh);
        let canvas_ok = canvas.is_none_or(|[ch, cw]| (one_d || typed[2] == Some(ch)) && typed[3] == Some(cw));
        h_ok && typed[1] == Some(ow) && canvas_ok
    }
}
