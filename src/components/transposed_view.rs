//! Transposed convolution view (issue #5): placeholder until the scatter view lands.

use std::rc::Rc;

use yew::prelude::*;

use crate::conv::{ConvError, MatrixForm, TransposedTrace, ZeroInsertedConv};
use crate::state::{Action, Explain};

#[derive(Properties, PartialEq)]
pub struct TransposedViewProps {
    pub trace: Rc<TransposedTrace>,
    pub zero_inserted: Option<Rc<ZeroInsertedConv>>,
    pub matrix: Option<Result<Rc<MatrixForm>, ConvError>>,
    pub step: usize,
    pub selected: Option<[usize; 3]>,
    pub explain: Explain,
    pub dispatch: Callback<Action>,
}

#[component]
pub fn TransposedView(props: &TransposedViewProps) -> Html {
    let _ = props;
    html! { <p>{ "Transposed convolution view" }</p> }
}
