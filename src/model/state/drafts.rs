//! Cells being typed: their text is kept as typed until it is a number, so a
//! half-typed `-` or a slip never loses what was there.

use crate::model::grid::Tensor;

/// A cell whose text is being typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub text: String,
    /// Why the text is not a number (`None`: it is one).
    pub error: Option<String>,
}

/// A draft's key: the tensor and the stored index of its cell.
pub type CellKey = (Tensor, Vec<usize>);

/// Cells being typed, by tensor and stored index, in key order (as a
/// `BTreeMap` would keep them). A sorted `Vec`: there are a handful, and
/// the map's node code is ~5 KB of the gzipped wasm.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drafts(Vec<(CellKey, Draft)>);

impl Drafts {
    fn find(&self, key: &CellKey) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(key))
    }
    pub fn get(&self, key: &CellKey) -> Option<&Draft> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }
    pub fn contains_key(&self, key: &CellKey) -> bool {
        self.find(key).is_ok()
    }
    pub fn insert(&mut self, key: CellKey, draft: Draft) {
        match self.find(&key) {
            Ok(i) => self.0[i].1 = draft,
            Err(i) => self.0.insert(i, (key, draft)),
        }
    }
    pub fn remove(&mut self, key: &CellKey) {
        if let Ok(i) = self.find(key) {
            self.0.remove(i);
        }
    }
    pub fn retain(&mut self, mut keep: impl FnMut(&CellKey, &Draft) -> bool) {
        self.0.retain(|(k, d)| keep(k, d));
    }
    /// Drops the drafts of one tensor (its cells were all rewritten).
    pub fn forget(&mut self, tensor: Tensor) {
        self.retain(|(t, _), _| *t != tensor);
    }
    pub fn iter(&self) -> impl Iterator<Item = (&CellKey, &Draft)> {
        self.0.iter().map(|(k, d)| (k, d))
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::ops::Index<&CellKey> for Drafts {
    type Output = Draft;
    fn index(&self, key: &CellKey) -> &Draft {
        self.get(key).expect("no draft for this cell")
    }
}
