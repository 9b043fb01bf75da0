//! Everything the views display, computed by the core from the problem.
//! The app memoises one [`Results`] on the [`Problem`] alone, so stepping,
//! switching views and hovering never recompute; each whole result is
//! computed the first time a view asks for it, then kept until the next edit.

use std::cell::OnceCell;
use std::rc::Rc;

use crate::conv::{Backward, ConvError, Forward, Im2col, MatrixForm, Problem, Transposed, ZeroInsertedConv};
use crate::model::document::{self, DocumentError};

/// A value shared by the views, equal to another exactly when it is the same
/// allocation. Results are memoised per problem, so identity is equality, and
/// comparing props costs nothing where comparing a 16x64x64 output by value
/// would cost more than the step it guards.
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A result, or why this view cannot show it (e.g. a matrix too large to draw).
pub type Shown<T> = Result<Shared<T>, ConvError>;

/// The results of one problem, each computed on first use.
#[derive(Debug)]
pub struct Results {
    problem: Rc<Problem>,
    /// Why nothing can be computed: the core's message, with the field to mark.
    pub error: Option<DocumentError>,
    forward: OnceCell<Shown<Forward>>,
    im2col: OnceCell<Shown<Im2col>>,
    backward: OnceCell<Shown<Backward>>,
    /// The transposed convolution the scatter views show: the problem itself,
    /// or for a direct convolution its transpose.
    scatter_problem: OnceCell<Result<Problem, ConvError>>,
    transposed: OnceCell<Shown<Transposed>>,
    zero_inserted: OnceCell<Shown<ZeroInsertedConv>>,
    matrix: OnceCell<Shown<MatrixForm>>,
}

impl PartialEq for Results {
    /// The same results exactly when they are of the same problem.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.problem, &other.problem) || self.problem == other.problem
    }
}

impl Results {
    /// Checks `problem` against the caps and rules; computes nothing yet.
    pub fn new(problem: Rc<Problem>) -> Results {
        Results {
            error: document::validate(&problem).err(),
            problem,
            forward: OnceCell::new(),
            im2col: OnceCell::new(),
            backward: OnceCell::new(),
            scatter_problem: OnceCell::new(),
            transposed: OnceCell::new(),
            zero_inserted: OnceCell::new(),
            matrix: OnceCell::new(),
        }
    }

    /// The problem these are the results of.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// The result in `cell`, made from `problem` on first use; `None` while
    /// the problem breaks a rule (the page shows that error instead).
    fn cached<'a, T>(
        &'a self,
        cell: &OnceCell<Shown<T>>,
        problem: impl FnOnce() -> Result<&'a Problem, ConvError>,
        make: fn(&Problem) -> Result<T, ConvError>,
    ) -> Option<Shown<T>> {
        if self.error.is_some() {
            return None;
        }
        Some(cell.get_or_init(|| make(problem()?).map(|v| Shared(Rc::new(v)))).clone())
    }

    fn get<T>(&self, cell: &OnceCell<Shown<T>>, make: fn(&Problem) -> Result<T, ConvError>) -> Option<Shown<T>> {
        self.cached(cell, || Ok(&self.problem), make)
    }

    /// The sliding window's output and steps (direct convolutions).
    pub fn forward(&self) -> Option<Shown<Forward>> {
        self.get(&self.forward, Forward::new)
    }

    /// im2col's matrices (direct convolutions; an error past the size cap).
    pub fn im2col(&self) -> Option<Shown<Im2col>> {
        self.get(&self.im2col, Im2col::new)
    }

    /// The three gradients (direct convolutions).
    pub fn backward(&self) -> Option<Shown<Backward>> {
        self.get(&self.backward, Backward::new)
    }

    /// A result of the scatter problem (the problem, or a direct convolution's transpose).
    fn get_scattered<T>(
        &self,
        cell: &OnceCell<Shown<T>>,
        make: fn(&Problem) -> Result<T, ConvError>,
    ) -> Option<Shown<T>> {
        let problem = || {
            self.scatter_problem
                .get_or_init(|| {
                    if self.problem.op.is_transposed() {
                        Ok((*self.problem).clone())
                    } else {
                        Forward::new(&self.problem)?.transpose_problem()
                    }
                })
                .as_ref()
                .map_err(Clone::clone)
        };
        self.cached(cell, problem, make)
    }

    /// The scatter: of a transposed convolution, or of a direct one's transpose.
    pub fn transposed(&self) -> Option<Shown<Transposed>> {
        self.get_scattered(&self.transposed, Transposed::new)
    }

    /// The zero-inserted direct convolution of [`Self::transposed`]'s problem.
    pub fn zero_inserted(&self) -> Option<Shown<ZeroInsertedConv>> {
        self.get_scattered(&self.zero_inserted, ZeroInsertedConv::new)
    }

    /// The matrix form of [`Self::transposed`]'s problem (an error past the size cap).
    pub fn matrix(&self) -> Option<Shown<MatrixForm>> {
        self.get_scattered(&self.matrix, MatrixForm::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::Hyper;

    #[test]
    fn each_view_gets_its_results_once() {
        let r = Results::new(Rc::new(Problem::default()));
        let first = r.forward().and_then(Result::ok).expect("forward");
        let again = r.forward().and_then(Result::ok).expect("forward");
        assert!(Rc::ptr_eq(&first.0, &again.0), "computed once, then kept");
        assert_eq!(r.backward().and_then(Result::ok).map(|b| b.grad_bias.len()), Some(1));
        assert!(r.im2col().is_some_and(|m| m.is_ok()));
        // A direct problem's scatter is its transpose: the output mapped back to the input's shape.
        let t = r.transposed().and_then(Result::ok).expect("its transpose");
        assert_eq!((t.geometry.input, t.geometry.output), ([3, 3], [5, 5]));
        let bad = Problem { hyper: Hyper { dilation: [3, 3], ..Hyper::default() }, ..Problem::default() };
        let r = Results::new(Rc::new(bad));
        assert_eq!(r.error.as_ref().map(|e| e.path.as_str()), Some("dilation"));
        assert!(r.forward().is_none());
    }
}
