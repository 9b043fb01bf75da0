//! The app's state, as sub-states that each reduce their own actions:
//!
//! | sub-state | file | what it holds | actions |
//! |---|---|---|---|
//! | [`Doc`] | `doc.rs` | the problem, its view and picture, the cells being typed | [`EditAction`] |
//! | [`History`] | `history.rs` | undo and redo | [`DocAction`] (open, undo, redo) |
//! | [`Live`] | `live.rs` | the player, the cells under the pointer | [`ViewAction`] |
//! | [`Page`] | `page.rs` | embed, presenting, theme, sheet, messages | [`PageAction`] |
//! | [`Practice`] | `practice.rs` | answers, hints, shape questions, score | [`PracticeAction`] |
//! | [`NetPractice`] | `network_practice.rs` | the network view's questions (a field of `Practice`) | [`NetPracticeAction`] |
//! | [`ImageState`] | `image.rs` | map drawing, the map pixel pointed at | [`ImageAction`] |
//!
//! The top [`Action`] routes to them; [`State::apply`] then keeps the rules
//! that span sub-states (shapes reconciled, undo recorded, answers forgotten
//! when their numbers change). Pure, and tested natively.

/// `handed_over!(Type, reduce)`: a reducer that a view's chunk hands the
/// state as it loads (`then` in `ui::lazy`'s `chunks!`). In a split build
/// (feature `split`) only `register` names `reduce`, and only the chunk calls
/// `register`, so the reducer's code lands in the chunk's file; `reducer()` is
/// `None` until then. Without the feature it is always `reduce` itself.
macro_rules! handed_over {
    ($ty:ty, $reduce:path) => {
        #[cfg(feature = "split")]
        static REDUCER: std::sync::OnceLock<$ty> = std::sync::OnceLock::new();

        /// Hands the reducer to the state (its view's chunk, as it loads).
        pub fn register() {
            #[cfg(feature = "split")]
            let _ = REDUCER.set($reduce);
        }

        /// The reducer, if it is here: always without the `split` feature.
        pub fn reducer() -> Option<$ty> {
            #[cfg(not(feature = "split"))]
            return Some($reduce);
            #[cfg(feature = "split")]
            REDUCER.get().copied()
        }
    };
}

mod doc;
mod drafts;
mod history;
mod image;
mod live;
mod network;
mod network_practice;
mod page;
mod practice;
#[cfg(test)]
mod tests;

use crate::conv::{Dims, Walk};
use crate::model::document::{Document, DocumentError, PictureRef};
use crate::model::presets;

pub use doc::{Doc, EditAction, PerAxisParam, Said};
pub use drafts::{CellKey, Draft, Drafts};
pub use history::{HISTORY, HISTORY_BYTES, History, JsonMemo, Snapshot, tensor_bytes};
pub use image::{ImageAction, ImageState, KernelMode, MapMode};
pub use live::{Live, Move, SPEEDS, ViewAction, step_count};
pub use network::{BOTH, LayerEdit, LayerKind, NetworkAction, default_layer};
pub use network_practice::{NetPractice, NetPracticeAction};
pub use page::{Embed, Page, PageAction, Theme};
pub use practice::{Practice, PracticeAction, Quiz};

pub use crate::model::editing::{Fill, Size};
// The explanation and gradient in focus are part of the document (a link
// reopens them); re-exported here for the components.
pub use crate::model::view_state::{Explain, GradFocus, PoolPanel, View, ViewState};

/// Hands image mode's reducer to the state: called by its chunk as it loads
/// (`ui::lazy::IMAGE`).
pub fn register_image() {
    image::register();
}

/// Hands the network view's reducers (the stack's edits, its questions) to
/// the state: called by that view's chunk as it loads (`ui::lazy::NETWORK`).
pub fn register_network() {
    network::register();
    network_practice::register();
}

/// Opening a document, and walking its history.
#[derive(Debug, Clone, PartialEq)]
pub enum DocAction {
    /// A named example: its id, and its document as read ([`presets::open`];
    /// `None`: no example has that id). The caller reads it, so that the
    /// reader can be fetched first (`effects::reader`).
    LoadPreset { id: String, document: Box<Option<Result<Document, DocumentError>>> },
    /// The state a page load opens in, made once the documents it opens
    /// (a link, this browser's stored state) could be read: it replaces the
    /// placeholder state the page waited in ([`State::opening`]).
    Start(Box<State>),
    /// The learner's own last state (this browser's storage, or the tab's on
    /// a reload): shown as it was, with nothing to undo and nothing to note.
    Restore(Box<Document>),
    /// A document from a link: valid, or its error shown as an alert.
    Load(Box<Result<Document, DocumentError>>),
    /// A document from a `.json` file the learner opened (`name`): the same, worded for a file.
    Import { name: String, document: Box<Result<Document, DocumentError>> },
    /// Back to the problem (and view) before the last change of the problem.
    Undo,
    /// Forward again after an undo.
    Redo,
}

impl DocAction {
    /// The example `id`, read now ([`presets::open`]).
    pub fn preset(id: &str) -> DocAction {
        DocAction::LoadPreset { id: id.to_string(), document: Box::new(presets::open(id)) }
    }
}

/// Every change of the state, by the sub-state it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Edit(EditAction),
    Doc(DocAction),
    View(ViewAction),
    Page(PageAction),
    Practice(PracticeAction),
    Image(ImageAction),
    Network(NetworkAction),
}

macro_rules! route {
    ($($sub:ident => $variant:ident),*) => {$(
        impl From<$sub> for Action {
            fn from(action: $sub) -> Action {
                Action::$variant(action)
            }
        }
    )*};
}
route!(EditAction => Edit, DocAction => Doc, ViewAction => View, PageAction => Page,
    PracticeAction => Practice, ImageAction => Image, NetworkAction => Network);

// The network view's questions are practice's.
impl From<NetPracticeAction> for Action {
    fn from(action: NetPracticeAction) -> Action {
        Action::Practice(PracticeAction::Network(action))
    }
}

/// The whole state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    pub doc: Doc,
    pub history: History,
    pub live: Live,
    pub page: Page,
    pub practice: Practice,
    pub image: ImageState,
}

impl State {
    /// A state showing `document`.
    pub fn with_document(document: Document) -> State {
        State { doc: Doc::from(document), ..State::default() }
    }

    /// The state a page waits in while the documents it opens are read
    /// ([`DocAction::Start`] replaces it): nothing of it is shown, stored,
    /// or written into the address bar, which keeps its link.
    pub fn opening(page: Page) -> State {
        let mut state = State { page: Page { opening: true, ..page }, ..State::default() };
        state.doc.held_link = true;
        state.doc.shared = true;
        state
    }

    /// The document this state shows (what a link or the storage keeps).
    pub fn document(&self) -> Document {
        self.doc.document()
    }

    /// Number of player steps in the current view, 0 when the problem is invalid.
    pub fn step_count(&self) -> usize {
        step_count(&self.doc.problem, &self.doc.stack, &self.doc.view)
    }

    /// The walk the player takes in the current view.
    pub fn walk(&self) -> Walk {
        self.doc.view.walk(self.doc.problem.op.is_transposed())
    }

    /// Applies one action: the sub-state it belongs to reduces it, then the
    /// rules that span sub-states run. Bad input never panics and never
    /// loses work: it is kept as a draft or reported, and the problem stays.
    pub fn apply(&mut self, action: impl Into<Action>) {
        let action = action.into();
        // Not a change: the state the page opens in, now that it could be read.
        let action = match action {
            Action::Doc(DocAction::Start(state)) => {
                *self = *state;
                return;
            }
            action => action,
        };
        let before = self.doc.snapshot();
        let opened = match &action {
            Action::Doc(DocAction::LoadPreset { id, .. }) => presets::PRESETS.iter().find(|p| p.id == id).map(|p| p.id),
            _ => None,
        };
        let failed_load = matches!(&action, Action::Doc(DocAction::Load(loaded)) if loaded.is_err());
        let opened_shared = matches!(&action, Action::Doc(DocAction::Load(_) | DocAction::Import { .. }));
        // Undo and redo walk the history, and a restored state starts it: none records a change.
        let travelled = matches!(action, Action::Doc(DocAction::Undo | DocAction::Redo | DocAction::Restore(_)));
        // Actions that bring a picture in, or a whole document: not an edit of a picture's pixels.
        let picture_action = match &action {
            Action::Image(a) => a.sets_the_picture(),
            Action::Doc(_)
            | Action::Practice(PracticeAction::New { .. } | PracticeAction::Network(NetPracticeAction::New { .. })) => {
                true
            }
            _ => false,
        };
        let only_looks = match &action {
            Action::View(a) => a.only_looks(),
            Action::Image(a) => matches!(a, ImageAction::ProbeMap(_)),
            Action::Network(a) => a.only_looks(),
            // A cell left (its field goes when a link replaces the grid) changes nothing to say.
            Action::Edit(EditAction::Commit { .. }) => true,
            _ => false,
        };
        if !only_looks {
            self.page.notice = None;
        }
        self.route(action);
        self.doc.reconcile();
        self.doc.reconcile_stack();
        self.live.reconcile(&mut self.doc.view, &self.doc.problem, &self.doc.stack);
        self.after(before, opened, failed_load, travelled, opened_shared, picture_action);
    }

    /// Hands `action` to the sub-state it belongs to.
    fn route(&mut self, action: Action) {
        let said = match action {
            Action::Edit(a) => self.doc.edit(a),
            Action::Doc(a) => self.open(a),
            Action::View(a) => {
                if a.moves_the_cell() {
                    self.practice.new_cell();
                }
                let set_view = matches!(a, ViewAction::SetView(_));
                self.live.reduce(&mut self.doc.view, &self.doc.problem, &self.doc.stack, a);
                // Only the sliding window asks which input cells a step uses.
                if set_view && self.practice.quiz == Quiz::InputCells && self.doc.view.view != View::Forward {
                    self.practice.quiz = Quiz::Number;
                }
                Ok(None)
            }
            Action::Page(a) => {
                self.page.reduce(&mut self.doc.view, a);
                Ok(None)
            }
            Action::Practice(PracticeAction::New { level, drawn }) => {
                self.load(*drawn);
                self.practice.level = Some(level);
                Ok(None)
            }
            Action::Practice(PracticeAction::Network(NetPracticeAction::New { level, drawn })) => {
                self.load(*drawn);
                self.practice.network.level = Some(level);
                Ok(None)
            }
            Action::Practice(PracticeAction::Network(a)) => {
                // (Its questions come from the network view, whose chunk brings the reducer.)
                if let Some(reduce) = network_practice::reducer() {
                    let network = self.doc.stack.network(self.doc.problem.dims(), &self.doc.problem.input);
                    reduce(&mut self.practice, &network, self.doc.view.reveal, a);
                }
                Ok(None)
            }
            Action::Practice(a) => {
                self.practice.reduce(&mut self.doc.view, &mut self.live, &self.doc.problem, &self.doc.stack, a);
                Ok(None)
            }
            Action::Image(a) => match image::reducer() {
                Some(reduce) => reduce(&mut self.image, &mut self.doc, a).map(|()| None),
                None => Err("Image mode is not loaded yet: open it, then try again.".into()),
            },
            Action::Network(a) => {
                let pool = self.doc.view.pool;
                let said = match network::reducer() {
                    Some(reduce) => reduce(&mut self.doc, a),
                    None => Err("The network view is not loaded yet: open it, then try again.".into()),
                };
                // Another pooling layer or walk: its cells are new questions.
                if self.doc.view.pool != pool {
                    self.practice.new_pool_walk();
                }
                said
            }
        };
        match said {
            Ok(Some(notice)) => {
                // What worked replaces the error of what did not (a paste that did not fit).
                self.page.alert = None;
                self.page.notice = Some(notice);
            }
            Ok(None) => {}
            Err(alert) => self.page.alert = Some(alert),
        }
    }

    /// Opens a document (an example, a link, a file) or walks the history.
    fn open(&mut self, action: DocAction) -> Said {
        match action {
            DocAction::Start(state) => *self = *state,
            DocAction::LoadPreset { id, document } => match *document {
                Some(Ok(document)) => self.load(document),
                Some(Err(e)) => return Err(format!("preset {id}: {e}")),
                None => return Err(format!("no preset named {id}")),
            },
            DocAction::Restore(document) => self.load(*document),
            DocAction::Load(loaded) => match *loaded {
                Ok(document) => return Ok(Some(self.open_shared(document, "a shared problem"))),
                Err(e) => return Err(format!("This link's configuration could not be opened: {e}")),
            },
            DocAction::Import { name, document } => match *document {
                Ok(document) => return Ok(Some(self.open_shared(document, &name))),
                Err(e) => return Err(format!("The file {name} could not be opened: {e}")),
            },
            DocAction::Undo => {
                // Back on the learner's own problem: storing it again is safe.
                self.doc.shared = false;
                self.travel(true)
            }
            DocAction::Redo => self.travel(false),
        }
        Ok(None)
    }

    /// The rules that span sub-states, after any action.
    fn after(
        &mut self,
        before: Snapshot,
        opened: Option<&'static str>,
        failed_load: bool,
        travelled: bool,
        opened_shared: bool,
        picture_action: bool,
    ) {
        let (problem_before, view_before) = (&before.problem, &before.view);
        // The stack is part of the problem: undo covers its edits too.
        let problem_changed = !std::rc::Rc::ptr_eq(&problem_before.0, &self.doc.problem)
            || !std::rc::Rc::ptr_eq(&before.stack.0, &self.doc.stack);
        let doc = &mut self.doc;
        // A picture is 2D: a 1D problem keeps its row as plain numbers.
        if doc.picture.is_some() && doc.problem.dims() == Dims::One {
            doc.picture = None;
        }
        // A picture edited by hand is the learner's own: its link no longer names the bundled one.
        if problem_changed
            && !picture_action
            && matches!(doc.picture, Some(PictureRef::Bundled { .. }))
            && doc.problem.input != problem_before.input
        {
            doc.picture = Some(PictureRef::Own);
        }
        let view_changed = *view_before != doc.view;
        if problem_changed && !travelled {
            self.history.record(before);
        }
        if problem_changed && !travelled && !opened_shared {
            // Edited: the problem is the learner's own now, to be stored.
            self.doc.shared = false;
        }
        if problem_changed {
            // A stored or restored problem equal to the default example is that example
            // (a first visit stores it; the menu named the return "your own").
            let default = || self.doc.stack.layers.is_empty() && *self.doc.problem == crate::conv::Problem::default();
            self.doc.example = opened.or_else(|| default().then_some(presets::DEFAULT));
            // Answers belong to the numbers they were given for.
            self.practice.new_problem();
        }
        if failed_load {
            self.doc.held_link = true;
        } else if problem_changed || view_changed {
            self.doc.held_link = false;
        }
    }

    /// Opens a link's or a file's document over the learner's problem, which
    /// one undo brings back; until it is edited, it is only looked at, and
    /// this browser's storage keeps the learner's own.
    fn open_shared(&mut self, document: Document, what: &str) -> String {
        self.load(document);
        self.doc.shared = true;
        let note = format!("Opened {what}. Undo returns to yours.");
        // A notice the document itself needs (an own picture's stand-in) comes first.
        match self.page.notice.take() {
            Some(first) => format!("{first} {note}"),
            None => note,
        }
    }

    /// Undo (`back`) or redo: swaps the problem and view on screen with the
    /// last snapshot of one list, keeping them on the other. Drafts go: their
    /// text belonged to the problem that was on screen.
    fn travel(&mut self, back: bool) {
        let now = self.doc.snapshot();
        let Some(Snapshot { problem, stack, view, picture, opened }) = self.history.travel(back, now) else { return };
        // Presenting is how the screen is used, not part of the change undone.
        let present = self.doc.view.present;
        self.doc.problem = problem.0;
        self.doc.stack = stack.0;
        self.doc.view = ViewState { present, ..view };
        self.doc.picture = picture;
        self.doc.opened = opened;
        self.doc.drafts = Drafts::default();
        self.live.playing = false;
    }

    /// Shows `document`: the page, the history, the player's speed and the
    /// score stay; everything about the last problem goes.
    fn load(&mut self, document: Document) {
        // How the page is used stays: a preset opened while presenting is presented.
        let present = document.view.present || self.doc.view.present;
        let held_link = self.doc.held_link;
        *self = State {
            doc: Doc { held_link, ..Doc::from(document) },
            history: std::mem::take(&mut self.history),
            live: Live { speed: self.live.speed, ..Live::default() },
            page: self.page.reopened(),
            practice: self.practice.reopened(),
            image: ImageState::default(),
        };
        self.doc.view.present = present;
        if self.doc.picture == Some(PictureRef::Own) {
            self.page.notice = Some(
                "This state had your own picture, whose pixels links and this browser's storage never keep: \
                 a bundled picture stands in. Open yours again to go on."
                    .into(),
            );
        }
        // A hand-written link may name a view the operation does not have
        // (the default "forward" for a transposed convolution): show the op's own.
        // (Its scatter is the only view a transposed convolution has.)
        if self.doc.problem.op.is_transposed() && self.doc.view.view != View::Export {
            self.doc.view.view = View::Transposed;
        }
    }
}
