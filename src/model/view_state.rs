//! What the learner looks at, as opposed to the problem they set: the view,
//! how it explains, the gradient in focus and the player's step. The
//! configuration document carries it beside the [`Problem`](crate::conv::Problem)
//! so a link reopens exactly this screen.

use crate::conv::ColumnOrder;

/// The panel shown first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum View {
    /// `"forward"`: the sliding window of the direct convolution.
    #[default]
    Forward,
    /// `"im2col"`: the direct convolution as one matrix product.
    Im2col,
    /// `"transposed"`: the transposed convolution as a scatter of kernel copies.
    Transposed,
    /// `"backprop"`: the gradients of the direct convolution.
    Backprop,
    /// `"image"`: the image panel.
    Image,
    /// `"export"`: the export panel.
    Export,
    /// `"network"`: a stack of layers on the input (#22).
    Network,
}

impl View {
    /// Every view, in the order the configuration document lists them.
    pub const ALL: [View; 7] =
        [View::Forward, View::Im2col, View::Transposed, View::Backprop, View::Image, View::Export, View::Network];

    /// The configuration document's name for this view.
    pub fn name(self) -> &'static str {
        match self {
            View::Forward => "forward",
            View::Im2col => "im2col",
            View::Transposed => "transposed",
            View::Backprop => "backprop",
            View::Image => "image",
            View::Export => "export",
            View::Network => "network",
        }
    }

    /// What the page calls this view: its tab, its section's label, an
    /// embed's title. `transposed_op`: the problem is a transposed
    /// convolution (whose own view is its transposed view; a direct
    /// convolution's transposed view shows its transpose).
    pub fn label(self, transposed_op: bool) -> &'static str {
        match self {
            View::Forward => "Forward",
            View::Im2col => "im2col",
            View::Transposed if transposed_op => "Transposed convolution",
            View::Transposed => "Its transpose",
            View::Backprop => "Backprop",
            View::Image => "Image",
            View::Export => "Export",
            View::Network => "Network",
        }
    }

    /// The views a problem offers, in the tabs' order: the transposed
    /// operation has its own view, the network and export; a direct one, all seven.
    pub fn offered(transposed_op: bool) -> &'static [View] {
        if transposed_op {
            &[View::Transposed, View::Network, View::Export]
        } else {
            &[View::Forward, View::Im2col, View::Backprop, View::Transposed, View::Network, View::Image, View::Export]
        }
    }
}

/// How the transposed-convolution view explains the numbers (document key `explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Explain {
    /// `"scatter"`: scaled kernel copies placed at stride offsets, overlaps summed.
    #[default]
    Scatter,
    /// `"zero_inserted"`: a direct convolution over the zero-inserted input with the flipped kernel.
    ZeroInserted,
    /// `"matrix"`: `C^T x`, the transpose of the direct convolution's matrix.
    Matrix,
}

impl Explain {
    /// Every explanation, in the order the view offers them.
    pub const ALL: [Explain; 3] = [Explain::Scatter, Explain::ZeroInserted, Explain::Matrix];

    /// The document's name.
    pub fn name(self) -> &'static str {
        match self {
            Explain::Scatter => "scatter",
            Explain::ZeroInserted => "zero_inserted",
            Explain::Matrix => "matrix",
        }
    }
}

/// The gradient the backprop view steps through (document key `gradient`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GradFocus {
    /// `"input"`: `grad_input (C, H, W)`.
    #[default]
    Input,
    /// `"weight"`: `grad_weight (F, C/groups, KH, KW)`.
    Weight,
    /// `"bias"`: `grad_bias (F,)`.
    Bias,
}

impl GradFocus {
    /// Every gradient, in the order the view offers them.
    pub const ALL: [GradFocus; 3] = [GradFocus::Input, GradFocus::Weight, GradFocus::Bias];

    /// The document's name.
    pub fn name(self) -> &'static str {
        match self {
            GradFocus::Input => "input",
            GradFocus::Weight => "weight",
            GradFocus::Bias => "bias",
        }
    }
}

/// The UI's half of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ViewState {
    /// The view shown.
    pub view: View,
    /// How the transposed-convolution view explains the numbers.
    pub explain: Explain,
    /// The gradient the backprop view steps through (its cells are the steps).
    pub gradient: GradFocus,
    /// The player's step in that view.
    pub step: usize,
    /// The im2col view's column order.
    pub order: ColumnOrder,
    /// Presenting: the view and its equation in large type for a projector,
    /// the editors folded away (document key `present`).
    pub present: bool,
    /// Practice: the player stops before each result and asks for it
    /// (document key `practice`).
    pub practice: bool,
    /// Practice: whether a cell can be revealed without an answer, and shows
    /// once stepped past. An instructor's link sets it off (document key
    /// `reveal: false`): every cell stays hidden until answered right.
    pub reveal: bool,
    /// The network view's selected cell, whose receptive field is marked
    /// (document key `probe`): layer 0 is the input.
    pub probe: Option<crate::conv::network::Probe>,
    /// The network view's stepped pooling layer (its panel under the layer
    /// list), whose windows [`Self::step`] walks. Not in the document: a
    /// link reopens the network with the panel closed.
    pub pool: Option<PoolPanel>,
}

/// The network view's pooling panel: which layer it steps through, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PoolPanel {
    /// The layer, indexed from 0 (the page numbers it from 1).
    pub layer: usize,
    /// Its output cells' windows, or its input cells' gradients.
    pub walk: crate::conv::PoolWalk,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            view: View::default(),
            explain: Explain::default(),
            gradient: GradFocus::default(),
            step: 0,
            order: ColumnOrder::default(),
            present: false,
            practice: false,
            reveal: true,
            probe: None,
            pool: None,
        }
    }
}

impl ViewState {
    /// A practice link that hides the answers (`reveal: false`): no result
    /// not yet answered may reach the learner, on the page, in a file or a figure.
    pub fn withholds(&self) -> bool {
        self.practice && !self.reveal
    }

    /// The walk the player takes in this view for a problem of this kind.
    pub fn walk(&self, transposed: bool) -> crate::conv::Walk {
        use crate::conv::Walk;
        match (self.view, transposed, self.gradient) {
            // Practice asks for the transposed convolution's output cells one
            // by one, in whatever explanation: the zero-inserted form's walk.
            (View::Transposed, _, _) if self.explain == Explain::ZeroInserted || self.practice => {
                Walk::ZeroInsertedWindows
            }
            (_, true, _) | (View::Transposed, false, _) => Walk::Scatter,
            (View::Backprop, false, GradFocus::Input) => Walk::GradInput,
            (View::Backprop, false, GradFocus::Weight) => Walk::GradWeight,
            (View::Backprop, false, GradFocus::Bias) => Walk::GradBias,
            _ => Walk::Forward,
        }
    }
}
