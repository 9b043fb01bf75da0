//! Practice mode's controls (issue #13): the panel that asks for the next
//! number of a view, and the bar that picks the question, draws new problems
//! and keeps the score. The numbers asked for come from the core through
//! [`Question`]; this file only shows them and reports the learner's answers
//! as values (typed callbacks), which the app maps to actions.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::conv::{Dims, Geometry, Walk};
use crate::model::document::Document;
use crate::model::network_practice::NetLevel;
use crate::model::practice::{Combination, Combine, Level, Question, Verdict, check};
use crate::model::results::Shared;
use crate::model::size_formula;
use crate::model::state::{Practice, Quiz};
use crate::ui::widgets::grids::switch;

/// What a view needs to practise: the learner's progress, whether cells may
/// be revealed (an instructor's link can forbid it) and the view's walk.
#[derive(Debug, Clone, PartialEq)]
pub struct PracticeOn {
    pub state: Practice,
    pub reveal: bool,
    pub walk: Walk,
}

impl PracticeOn {
    /// The panel that asks `question` (fetched with practice's chunk).
    pub fn ask(&self, question: Question, answers: &Answers) -> Html {
        crate::ui::lazy::show(
            &crate::ui::lazy::NUMBER_PANEL,
            NumberPanelProps { question, on: self.clone(), answers: answers.clone() },
        )
    }

    /// Whether the view's step `step` is hidden in `matrix` with the player at `current`.
    pub fn hides(&self, step: usize, current: usize, matrix: &'static str) -> bool {
        self.state.hides(self.walk, step, current, self.reveal, matrix)
    }

    /// Whether the view asks for its next number (else another question is open).
    pub fn asks_number(&self) -> bool {
        self.state.quiz == Quiz::Number
    }

    /// Whether the output's size is hidden: the size question is open and not yet answered right.
    pub fn hides_size(&self) -> bool {
        self.state.quiz == Quiz::OutputSize && self.state.shape_verdict != Some(true)
    }
}

/// What the learner does in a view's practice panel, as values.
#[derive(Clone, PartialEq, Default)]
pub struct Answers {
    /// The answer, as typed.
    pub on_answer: Callback<String>,
    /// Check (Enter or the button): the number asked for, as the core
    /// computes it, and the asked cell's `data-practice` name.
    pub on_check: Callback<(f64, &'static str)>,
    /// One more hint.
    pub on_hint: Callback<()>,
    /// Show the asked cell of this matrix and go on.
    pub on_reveal: Callback<&'static str>,
    /// After a wrong answer: the learner's value of product `k`.
    pub on_product: Callback<(usize, String)>,
    /// "Which input cells?": a padded input cell `[c, pi, pj]` picked or dropped.
    pub on_pick: Callback<[usize; 3]>,
    /// "Which input cells?": the picks checked against these, the window's cells.
    pub on_pick_check: Callback<Vec<[usize; 3]>>,
}

/// Where a grid whose size is being asked for would be.
pub fn size_hidden(name: &str) -> Html {
    html! { <p class="size-hidden">{ format!("{name}: ? \u{00D7} ? (answer the size question above)") }</p> }
}

/// The learner's text from an input event.
pub fn typed(e: &Event) -> String {
    e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default()
}

/// Enter in a field: `check`, the page's form not submitted.
pub fn on_enter(check: &Callback<()>) -> Callback<KeyboardEvent> {
    let check = check.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            e.prevent_default();
            check.emit(());
        }
    })
}

/// [`NumberPanel`]'s props: the question, the learner's progress, where the answers go.
#[derive(Properties, PartialEq)]
pub struct NumberPanelProps {
    pub question: Question,
    pub on: PracticeOn,
    pub answers: Answers,
}

/// The question panel as a component, so that it comes with practice's chunk
/// (`ui::lazy::NUMBER_PANEL`), not in the first screen's module: it shows only
/// while practising, as the practice bar does.
#[component]
pub fn NumberPanel(props: &NumberPanelProps) -> Html {
    number_panel(&props.question, &props.on, &props.answers)
}

/// "Practice: what is `y[0,1]`?": the answer field, hints one at a time, the
/// verdict and, after a wrong answer, a line per product to find the wrong one.
fn number_panel(q: &Question, on: &PracticeOn, answers: &Answers) -> Html {
    let p = &on.state;
    let (expected, matrix) = (q.expected, q.matrix);
    let onkeydown = {
        let check = answers.on_check.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                check.emit((expected, matrix));
            }
        })
    };
    let label = &q.label;
    let index = crate::model::grid::index_text(q.index.iter().copied());
    let wrong = matches!(p.verdict, Some(Verdict::Wrong));
    html! {
        <div class="equation practice" aria-live="polite">
            <p class="eq-title">{ format!("Practice: what is {label}? It is {}{}.", q.what, if q.bias.is_some() { ", plus the bias" } else { "" }) }</p>
            if p.hints >= 1 {
                <p class="eq hint-line">{ q.locate.clone() }</p>
            }
            if p.hints == 2 {
                <p class="eq hint-line">{ q.first_hint() }</p>
            }
            if p.hints >= 3 {
                <p class="eq hint-line">{ q.all_hint() }</p>
            }
            <p class="practice-answer">
                <label>{ format!("{label} = ") }
                    <input type="text" inputmode="decimal" spellcheck="false" data-practice={q.matrix} data-index={index}
                        aria-label={format!("your answer for {label}")} value={p.answer.clone()}
                        oninput={answers.on_answer.reform(|e: InputEvent| typed(&e))} {onkeydown} />
                </label>
                <button type="button" onclick={answers.on_check.reform(move |_| (expected, matrix))}>{ "Check (Enter)" }</button>
                <button type="button" onclick={answers.on_hint.reform(|_| ())} disabled={p.hints >= 3}>{ "Hint" }</button>
                if on.reveal {
                    <button type="button" onclick={answers.on_reveal.reform(move |_| matrix)}>{ "Reveal" }</button>
                }
            </p>
            { match &p.verdict {
                Some(Verdict::Right) => html! { <p class="verdict right" data-verdict="right">{ "Right. On to the next cell." }</p> },
                Some(Verdict::Wrong) => html! { <p class="verdict wrong" data-verdict="wrong">{ q.after_wrong(p.answer.trim(), on.reveal) }</p> },
                Some(Verdict::NotANumber(why)) => html! { <p class="verdict wrong" data-verdict="wrong">{ format!("Not a number: {why}.") }</p> },
                None => Html::default(),
            } }
            // A pooling window's max or mean has no products to check one by one.
            if q.combine == Combine::Sum && (wrong || !p.products.is_empty()) {
                { products_check(q, p, &answers.on_product) }
            }
        </div>
    }
}

/// A line per product: the learner writes its value, the line says whether it is right.
fn products_check(q: &Question, p: &Practice, on_product: &Callback<(usize, String)>) -> Html {
    // A long sum (a weight gradient at size) is checked in its first lines.
    const LINES: usize = 64;
    let mut all_right = !q.products.is_empty();
    let lines: Html = (0..q.products.len().min(LINES))
        .map(|k| {
            let text = p.products.get(k).map(String::as_str).unwrap_or_default();
            let verdict = (!text.trim().is_empty()).then(|| check(text, q.product(k).unwrap_or_default()));
            all_right &= verdict == Some(Verdict::Right);
            let (mark, state) = match &verdict {
                Some(Verdict::Right) => ("\u{2713} right", Some("right")),
                Some(_) => ("\u{2717} not this product: multiply the two values it names", Some("wrong")),
                None => ("", None),
            };
            let name = q.product_label(k);
            html! {
                <li data-verdict={state}>
                    <label>{ format!("{name} = ") }
                        <input type="text" inputmode="decimal" spellcheck="false" data-practice-product={k.to_string()}
                            aria-label={format!("product {}: {name}", k + 1)} value={text.to_string()}
                            onchange={on_product.reform(move |e: Event| (k, typed(&e)))} />
                    </label>
                    <span class="product-mark">{ mark }</span>
                </li>
            }
        })
        .collect();
    html! {
        <div class="products-check">
            <p class="eq">{ "Each product (Enter checks a line):" }</p>
            <ol>{ lines }</ol>
            if all_right && q.products.len() <= LINES {
                <p class="hint">{ format!("Every product is right: check their sum{}.", if q.bias.is_some() { " and the bias" } else { "" }) }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct QuizBarProps {
    pub practice: Practice,
    pub problem: Shared<crate::conv::Problem>,
    /// The sliding window is on screen: "which input cells" can be asked.
    pub window: bool,
    /// Whether the score is kept in this browser (not when embedded).
    pub kept: bool,
    /// The kind of question picked.
    pub on_quiz: Callback<Quiz>,
    /// "New problem": at this level, this document.
    pub on_new_problem: Callback<(Level, Box<Document>)>,
    /// "Reset score".
    pub on_reset_score: Callback<()>,
    /// An output size typed: the axis (0/1 the output's H/W, 2/3 the
    /// transposed canvas's) and the text.
    pub on_size: Callback<(usize, String)>,
    /// The typed sizes, to check.
    pub on_size_check: Callback<()>,
    /// "Possible?": the learner's claim.
    pub on_possible: Callback<bool>,
    /// Another combination to judge, drawn from this seed.
    pub on_combination: Callback<u64>,
}

/// A seed for a new problem or combination (the reducer stays pure: the randomness is here).
fn seed() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64
}

/// The levels a "New problem" menu offers: the single-op views' or the network view's.
pub trait Levels: Copy + PartialEq + 'static {
    /// Every level, in the menu's order (the first is the default).
    const LEVELS: &'static [Self];
    /// The menu's words.
    fn words(self) -> &'static str;
    /// A new problem at this level, drawn from `seed`: here, in the chunk
    /// that shows the button, so the generators stay out of the first
    /// screen's module.
    fn draw(self, seed: u64) -> Box<Document>;
}

impl Levels for Level {
    const LEVELS: &'static [Level] = &Level::ALL;
    fn words(self) -> &'static str {
        self.title()
    }
    fn draw(self, seed: u64) -> Box<Document> {
        Box::new(crate::model::practice::generate(self, seed))
    }
}

impl Levels for NetLevel {
    const LEVELS: &'static [NetLevel] = &NetLevel::ALL;
    fn words(self) -> &'static str {
        self.title()
    }
    fn draw(self, seed: u64) -> Box<Document> {
        Box::new(crate::model::network_practice::generate(self, seed))
    }
}

#[derive(Properties, PartialEq)]
pub struct NewProblemProps<L: Levels> {
    /// The level of the problem drawn last, so the menu matches it.
    pub shown: Option<L>,
    /// The menu's accessible name.
    pub label: &'static str,
    /// "New problem": at this level, this document.
    pub on_new: Callback<(L, Box<Document>)>,
}

/// A level menu and its "New problem" button.
#[component]
pub fn NewProblem<L: Levels>(props: &NewProblemProps<L>) -> Html {
    let level = use_node_ref();
    let onclick = {
        let (on_new, level) = (props.on_new.clone(), level.clone());
        Callback::from(move |_: MouseEvent| {
            let chosen = level
                .cast::<web_sys::HtmlSelectElement>()
                .and_then(|s| usize::try_from(s.selected_index()).ok())
                .and_then(|k| L::LEVELS.get(k).copied());
            if let Some(chosen) = chosen.or_else(|| L::LEVELS.first().copied()) {
                on_new.emit((chosen, chosen.draw(seed())));
            }
        })
    };
    html! {
        <span class="new-problem">
            <label>{ "Level " }
                <select ref={level} aria-label={props.label}>
                    { for L::LEVELS.iter().enumerate().map(|(k, l)| html! {
                        <option selected={props.shown.map_or(k == 0, |shown| shown == *l)}>{ l.words() }</option>
                    }) }
                </select>
            </label>
            <button type="button" {onclick}>{ "New problem" }</button>
        </span>
    }
}

/// Practice's bar: which question, a new problem at a level, the score.
#[component]
pub fn QuizBar(props: &QuizBarProps) -> Html {
    let p = &props.practice;
    let mut quizzes = vec![(Quiz::Number, "The next number"), (Quiz::OutputSize, "Output size")];
    if props.window {
        quizzes.push((Quiz::InputCells, "Which input cells"));
    }
    quizzes.push((Quiz::Possible, "Possible?"));
    let on_quiz = {
        let (on_quiz, on_combination) = (props.on_quiz.clone(), props.on_combination.clone());
        let unseen = p.quiz != Quiz::Possible;
        Callback::from(move |q: Quiz| {
            // A first look at "possible?" draws its first combination.
            if q == Quiz::Possible && unseen {
                on_combination.emit(seed());
            }
            on_quiz.emit(q);
        })
    };
    html! {
        <div class="quiz" role="region" aria-label="Practice">
            <div class="quiz-bar">
                { switch("Question", &quizzes, p.quiz, on_quiz) }
                <NewProblem<Level> shown={p.level} label="Level of a new problem" on_new={props.on_new_problem.clone()} />
                <span class="score">
                    { format!("Score {} \u{00B7} streak {}", p.score, p.streak) }
                    <button type="button" onclick={props.on_reset_score.reform(|_| ())}
                        title={if props.kept { "Start the score again (it is kept in this browser only)" } else { "Start the score again" }}>
                        { "Reset score" }</button>
                </span>
            </div>
            { match p.quiz {
                Quiz::OutputSize => shape_question(p, &props.problem, &props.on_size, &props.on_size_check),
                Quiz::Possible => possible_question(p, &props.on_possible, &props.on_combination),
                _ => Html::default(),
            } }
        </div>
    }
}

/// "What is the output size?": H and W (W alone in 1D), and the transposed canvas.
fn shape_question(
    p: &Practice,
    problem: &crate::conv::Problem,
    on_size: &Callback<(usize, String)>,
    on_check: &Callback<()>,
) -> Html {
    let one_d = problem.dims() == Dims::One;
    let transposed = matches!(problem.operation_geometry(), Ok(Geometry::Transposed(_)));
    let field = |axis: usize, name: &'static str| {
        let onkeydown = on_enter(on_check);
        html! {
            <label>{ format!("{name} ") }
                <input type="text" inputmode="numeric" size="3" data-practice="shape" data-axis={name}
                    value={p.shape[axis].clone()} {onkeydown}
                    oninput={on_size.reform(move |e: InputEvent| (axis, typed(&e)))} />
            </label>
        }
    };
    let formula = format!(
        "Output = {}, where {}.",
        if transposed { size_formula::TRANSPOSED } else { size_formula::DIRECT },
        size_formula::LEGEND
    );
    html! {
        <div class="shape-question">
            <p class="eq-title">{ "What is the output size for these parameters?" }</p>
            <p class="practice-answer">
                if !one_d { { field(0, "H_out") } }
                { field(1, "W_out") }
                if transposed {
                    if !one_d { { field(2, "canvas H") } }
                    { field(3, "canvas W") }
                }
                <button type="button" onclick={on_check.reform(|_| ())}>{ "Check" }</button>
            </p>
            if transposed {
                <p class="hint">{ format!(
                    "The canvas is where every kernel copy lands, before padding crops it: canvas = {}.",
                    size_formula::CANVAS
                ) }</p>
            }
            { match p.shape_verdict {
                Some(true) => html! { <p class="verdict right" data-verdict="right">{ "Right: the output is drawn." }</p> },
                Some(false) => html! { <p class="verdict wrong" data-verdict="wrong">{ format!("Not quite. {formula}") }</p> },
                None => Html::default(),
            } }
        </div>
    }
}

/// "Is this combination possible?": the core decides, and its error says why not.
fn possible_question(p: &Practice, on_possible: &Callback<bool>, on_combination: &Callback<u64>) -> Html {
    let combination = Combination::draw(p.combination);
    let answer = match (&p.possible_verdict, &combination.answer) {
        (None, _) => Html::default(),
        (Some(right), answer) => {
            let why = match answer {
                Ok([f, oh, ow]) => format!("It is possible: the output is {f}\u{00D7}{oh}\u{00D7}{ow}."),
                Err(e) => format!("It is not possible: {e}."),
            };
            let (state, word) = if *right { ("right", "Right.") } else { ("wrong", "Not so.") };
            html! { <p class={format!("verdict {state}")} data-verdict={state}>{ format!("{word} {why}") }</p> }
        }
    };
    html! {
        <div class="possible-question">
            <p class="eq-title">{ "Is this combination possible?" }</p>
            <p class="eq combination">{ combination.describe() }</p>
            <p class="practice-answer">
                <button type="button" onclick={on_possible.reform(|_| true)}
                    disabled={p.possible_verdict.is_some()}>{ "Possible" }</button>
                <button type="button" onclick={on_possible.reform(|_| false)}
                    disabled={p.possible_verdict.is_some()}>{ "Not possible" }</button>
                <button type="button" onclick={on_combination.reform(|_| seed())}>{ "Another" }</button>
            </p>
            { answer }
        </div>
    }
}
