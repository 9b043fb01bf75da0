//! Backprop view (issue #5): placeholder until the gradient views land.

use std::rc::Rc;

use yew::prelude::*;

use crate::conv::BackwardTrace;
use crate::state::{Action, GradFocus};

#[derive(Properties, PartialEq)]
pub struct BackpropViewProps {
    pub trace: Rc<BackwardTrace>,
    pub step: usize,
    pub focus: GradFocus,
    pub dispatch: Callback<Action>,
}

#[component]
pub fn BackpropView(props: &BackpropViewProps) -> Html {
    let _ = props;
    html! { <p>{ "Backprop view" }</p> }
}
