//! Image mode: a picture as the input, classic kernels as the filters, and
//! how the feature maps are drawn.

use std::rc::Rc;

use ndarray::{Array2, Array4, Axis};

use crate::conv::{Dims, Op, Problem};
use crate::model::document::{self, PictureRef};
use crate::model::grid::Tensor;
use crate::model::picture::{self, LUMINANCE};
use crate::model::presets;
use crate::model::view_state::View;

use super::doc::Doc;
use super::drafts::Drafts;

/// How image mode draws a feature map (the numbers stay the output's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MapMode {
    /// Signed values on the diverging scale.
    #[default]
    Signed,
    /// `|y|`: edges of either sign alike.
    Abs,
    /// `max(y, 0)`: what a ReLU after the layer keeps.
    Relu,
}

/// How a classic 3x3 kernel applies to a colour picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KernelMode {
    /// One filter per channel (groups = C): a feature map each for R, G and B.
    #[default]
    PerChannel,
    /// One filter over the luminance: taps weighing R, G and B as [`LUMINANCE`] does.
    Luminance,
}

/// Image mode's own state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImageState {
    /// How feature maps are drawn.
    pub map_mode: MapMode,
    /// How the classic kernels apply to a colour picture.
    pub kernel_mode: KernelMode,
    /// The feature-map pixel `[f, i, j]` under the pointer.
    pub map_probe: Option<[usize; 3]>,
    /// Why the last picture could not be opened (shown beside the picker).
    pub picture_error: Option<String>,
}

/// Image mode's actions.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageAction {
    /// A bundled picture becomes the input (kernels follow its channels).
    SetPicture(&'static str),
    /// The learner's picture as decoded by the browser, RGBA rows (already
    /// scaled to at most `limits::SPATIAL` a side), or why it could not be read.
    LoadPicture {
        name: String,
        decoded: Result<(u32, u32, Rc<Vec<u8>>), String>,
    },
    /// The picture in grey (one channel) or in colour.
    SetGreyscale(bool),
    /// A classic kernel (`presets::classic_kernel` id) as the filters.
    ApplyKernel {
        id: &'static str,
        mode: KernelMode,
    },
    SetMapMode(MapMode),
    /// Classic kernels per channel or over the luminance, from now on; the
    /// kernel on screen is read back from filter 0 and laid out the new way at once.
    SetKernelMode(KernelMode),
    /// The feature-map pixel under the pointer.
    ProbeMap(Option<[usize; 3]>),
}

impl ImageAction {
    /// Whether the action brings a picture in (or changes it), as opposed to
    /// an edit of its pixels.
    pub fn sets_the_picture(&self) -> bool {
        matches!(self, ImageAction::SetPicture(_) | ImageAction::LoadPicture { .. } | ImageAction::SetGreyscale(_))
    }
}

/// How the state reaches [`ImageState::reduce`]: every image action comes
/// from image mode's view, so a split build (feature `split`) has that view's
/// chunk hand the reducer over as it loads ([`register`]), as the network
/// view does (`super::network::register`): pictures and kernels' code stays
/// out of the first screen's module.
pub type Reducer = fn(&mut ImageState, &mut Doc, ImageAction) -> Result<(), String>;

handed_over!(Reducer, ImageState::reduce);

impl ImageState {
    /// Applies one image action to `doc`; `Err` is an alert for the page.
    pub fn reduce(&mut self, doc: &mut Doc, action: ImageAction) -> Result<(), String> {
        match action {
            ImageAction::SetPicture(name) => {
                let grey = doc.problem.input.dim().0 == 1 && doc.picture.is_some();
                if let Err(e) = self.use_picture(doc, PictureRef::Bundled { name, grey }, None) {
                    self.picture_error = Some(format!("{name} could not be opened: {e}"));
                }
            }
            ImageAction::LoadPicture { name, decoded } => {
                let opened = decoded
                    .and_then(|(w, h, rgba)| {
                        picture::from_rgba(&rgba, w as usize, h as usize).map_err(|e| e.to_string())
                    })
                    .and_then(|t| self.use_picture(doc, PictureRef::Own, Some(t)));
                if let Err(e) = opened {
                    self.picture_error = Some(format!("{name} could not be opened: {e}"));
                }
            }
            ImageAction::SetGreyscale(grey) => {
                let opened = match doc.picture {
                    Some(PictureRef::Bundled { name, .. }) => {
                        self.use_picture(doc, PictureRef::Bundled { name, grey }, None)
                    }
                    // An own picture turns grey for good (its colour is not kept): upload it again for colour.
                    Some(PictureRef::Own) if grey && doc.problem.input.dim().0 == 3 => {
                        let g = picture::greyscale(&doc.problem.input);
                        self.use_picture(doc, PictureRef::Own, Some(g))
                    }
                    _ => Ok(()),
                };
                if let Err(e) = opened {
                    self.picture_error = Some(e);
                }
            }
            ImageAction::ApplyKernel { id, mode } => {
                self.kernel_mode = mode;
                return apply_kernel(doc, id, mode);
            }
            ImageAction::SetKernelMode(mode) => {
                self.kernel_mode = mode;
                follow_kernel_mode(doc, mode);
            }
            ImageAction::SetMapMode(mode) => self.map_mode = mode,
            ImageAction::ProbeMap(p) => self.map_probe = p,
        }
        Ok(())
    }

    /// The input becomes a picture (a bundled one's pixels, or `pixels`); the
    /// filters follow its channel count the way the channel stepper does, and
    /// the image view shows it.
    /// A picture that the filters and parameters cannot take within the caps
    /// (e.g. 16 filters on a 512x512 picture) changes nothing: `Err` says why.
    fn use_picture(
        &mut self,
        doc: &mut Doc,
        picture: PictureRef,
        pixels: Option<ndarray::Array3<f64>>,
    ) -> Result<(), String> {
        let Some(pixels) = pixels.or_else(|| picture.pixels()) else { return Err("no such picture".into()) };
        let before = (doc.problem.clone(), doc.picture, doc.view);
        if doc.problem.op != Op::Conv2d {
            doc.set_op(Op::Conv2d);
        }
        let channels = pixels.dim().0;
        let p = doc.problem_mut();
        p.input = pixels;
        p.grad_output = None;
        // Groups that no longer divide the channels (a per-channel kernel of a
        // colour picture, now grey) become one group.
        if !channels.is_multiple_of(p.hyper.groups.max(1)) {
            p.hyper.groups = 1;
        }
        crate::model::editing::follow_channels(p);
        if let Err(e) = document::validate(&doc.problem) {
            (doc.problem, doc.picture, doc.view) = before;
            return Err(e.message);
        }
        doc.picture = Some(picture);
        doc.drafts = Drafts::default();
        doc.view.view = View::Image;
        doc.view.step = 0;
        self.picture_error = None;
        self.map_probe = None;
        Ok(())
    }
}

/// A classic 3x3 kernel as the filters: per channel (groups = C, a map each)
/// or one filter over the luminance.
fn apply_kernel(doc: &mut Doc, id: &'static str, mode: KernelMode) -> Result<(), String> {
    let Some(k) = presets::classic_kernel(id) else { return Err(format!("no kernel named {id}")) };
    if doc.problem.dims() != Dims::Two || doc.problem.op.is_transposed() {
        return Err("classic kernels are 3x3 filters of a 2D convolution".into());
    }
    use_kernel(doc, Array2::from_shape_fn((3, 3), |(i, j)| k[i][j]), mode);
    Ok(())
}

/// `kernel` `(KH, KW)` as the filters: per channel (weight `(C, 1, KH, KW)`,
/// groups = C) or over the luminance (weight `(1, C, KH, KW)`: channel `c`'s
/// taps are the kernel's times its [`LUMINANCE`] weight, or `1/C` when C is not 3).
fn use_kernel(doc: &mut Doc, kernel: Array2<f64>, mode: KernelMode) {
    let c = doc.problem.input.dim().0;
    let (kh, kw) = kernel.dim();
    let (weight, groups) = match mode {
        KernelMode::Luminance if c == 3 => {
            (Array4::from_shape_fn((1, 3, kh, kw), |(_, ch, i, j)| kernel[[i, j]] * LUMINANCE[ch]), 1)
        }
        KernelMode::PerChannel => (Array4::from_shape_fn((c, 1, kh, kw), |(_, _, i, j)| kernel[[i, j]]), c),
        KernelMode::Luminance => (Array4::from_shape_fn((1, c, kh, kw), |(_, _, i, j)| kernel[[i, j]] / c as f64), 1),
    };
    let p = doc.problem_mut();
    p.weight = weight;
    p.hyper.groups = groups;
    doc.drafts.forget(Tensor::Weight);
}

/// The switch "on colour: each channel / the luminance" takes effect at once
/// (#23, item 14): the kernel on screen is read back and applied the other
/// way. Per channel, the kernel is filter 0's; over the luminance, it is the
/// filter's taps summed over R, G and B (the [`LUMINANCE`] weights sum to 1,
/// so a luminance kernel gives back the kernel it was made from). Any other
/// layout gives filter 0's first channel. Only a colour picture's 2D
/// convolution has the switch; any other problem, or a kernel already laid
/// out the asked way, is left as it is.
fn follow_kernel_mode(doc: &mut Doc, mode: KernelMode) {
    let p = &doc.problem;
    if p.input.dim().0 != 3 || p.dims() != Dims::Two || p.op.is_transposed() || p.weight.is_empty() {
        return;
    }
    let shown = KernelMode::of(p);
    let filter = p.weight.index_axis(Axis(0), 0);
    let kernel = match (mode, shown) {
        (asked, Some(now)) if asked == now => return,
        (KernelMode::PerChannel, Some(KernelMode::Luminance)) => filter.sum_axis(Axis(0)),
        _ => filter.index_axis(Axis(0), 0).to_owned(),
    };
    use_kernel(doc, kernel, mode);
}

impl KernelMode {
    /// How `problem`'s kernel is laid out on a colour picture, if it is one
    /// of the two ways: per channel (3 groups of one filter over one channel)
    /// or one filter over the three channels (the luminance).
    pub fn of(problem: &Problem) -> Option<KernelMode> {
        let (f, cg, _, _) = problem.weight.dim();
        match (problem.input.dim().0, problem.hyper.groups, f, cg) {
            (3, 3, 3, 1) => Some(KernelMode::PerChannel),
            (3, 1, 1, 3) => Some(KernelMode::Luminance),
            _ => None,
        }
    }
}

impl ImageState {
    /// The way the switch shows: the layout of the kernel on screen (after an
    /// undo, a link, an edit of the filters), else the way last chosen.
    pub fn kernel_mode_shown(&self, problem: &Problem) -> KernelMode {
        KernelMode::of(problem).unwrap_or(self.kernel_mode)
    }
}
