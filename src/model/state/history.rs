//! Undo and redo: earlier problems (and the view they were shown in), bounded
//! in count and in bytes.

use std::rc::Rc;

use crate::conv::Problem;
use crate::model::document::{Document, PictureRef, join_json};
use crate::model::network::Stack;
use crate::model::results::Shared;
use crate::model::view_state::ViewState;

use super::network::Opened;

/// Changes of the problem kept for undo (and redo), at most.
pub const HISTORY: usize = 100;

/// Bytes of tensors the undo list keeps, at most: each snapshot is a whole
/// problem, and a 3x512x512 picture is 6.3 MB (ten of them, not a hundred).
pub const HISTORY_BYTES: usize = 64 << 20;

/// What is on screen: the problem, the network stack on its input, the view
/// and the picture. What undo and redo restore, what storage, the address bar
/// and a bug report write out. The tensors compare by identity: 100 snapshots
/// of a 3x64x64 problem compared by value would cost more than the step itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub problem: Shared<Problem>,
    pub stack: Shared<Stack>,
    pub view: ViewState,
    pub picture: Option<PictureRef>,
    /// The network a layer on screen was opened from (not in links: only
    /// this session can write the layer back).
    pub opened: Option<Rc<Opened>>,
}

impl Snapshot {
    /// The document of what is on screen (copies the tensors: call it when writing).
    pub fn document(&self) -> Document {
        Document {
            problem: (*self.problem.0).clone(),
            stack: (*self.stack.0).clone(),
            view: self.view,
            picture: self.picture,
        }
    }
}

/// The JSON of the snapshots written one after another (the address bar and
/// the storage share one memo, so a change's tensors are written out once). The problem's part, its tensors, is the
/// costly one (a 3x64x64 input is 12,288 numbers, about 30 ms in the
/// browser): it is kept while the problem, stack and picture stay the very
/// same (`Shared` compares identity; the kept snapshot holds them alive), so
/// a step or a probe writes only the view's part (#21's step at CPU 4x).
#[derive(Debug, Default)]
pub struct JsonMemo(Option<(Snapshot, String)>);

impl JsonMemo {
    /// `document`'s JSON; `document` is `on_screen`'s.
    pub fn to_json(&mut self, on_screen: &Snapshot, document: &Document) -> String {
        let same = self.0.as_ref().is_some_and(|(last, _)| {
            last.problem == on_screen.problem && last.stack == on_screen.stack && last.picture == on_screen.picture
        });
        let problem = match &self.0 {
            Some((_, problem)) if same => problem,
            _ => &self.0.insert((on_screen.clone(), document.problem_json())).1,
        };
        join_json(problem, &document.view_json())
    }
}

/// The bytes of `problem`'s tensors.
pub fn tensor_bytes(problem: &Problem) -> usize {
    let cells = problem.input.len()
        + problem.weight.len()
        + problem.bias.as_ref().map_or(0, |b| b.len())
        + problem.grad_output.as_ref().map_or(0, |g| g.len());
    cells * std::mem::size_of::<f64>()
}

/// Earlier problems, oldest first, and problems undone, most recent last
/// (shared: a snapshot costs a pointer).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    pub undo: Vec<Snapshot>,
    pub redo: Vec<Snapshot>,
}

impl History {
    /// A change was made: `before` can be undone, nothing can be redone. The
    /// oldest snapshots go past [`HISTORY`] of them or [`HISTORY_BYTES`].
    pub fn record(&mut self, before: Snapshot) {
        self.undo.push(before);
        let mut bytes: usize = self.undo.iter().map(|s| tensor_bytes(&s.problem)).sum();
        while self.undo.len() > 1 && (self.undo.len() > HISTORY || bytes > HISTORY_BYTES) {
            bytes -= tensor_bytes(&self.undo.remove(0).problem);
        }
        self.redo.clear();
    }

    /// Undo (`back`) or redo: the snapshot to show, with `now` kept on the
    /// other list; `None` when there is nothing to go to.
    pub fn travel(&mut self, back: bool, now: Snapshot) -> Option<Snapshot> {
        let (from, to) = if back { (&mut self.undo, &mut self.redo) } else { (&mut self.redo, &mut self.undo) };
        let snapshot = from.pop()?;
        to.push(now);
        Some(snapshot)
    }
}
