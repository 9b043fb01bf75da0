//! Drawing on canvases: RGBA pixels put on them once they are mounted and
//! again whenever what they are made from changes, never on another render.
//! The heatmaps, the image view's picture and its feature maps draw through it.

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use yew::prelude::*;

/// A drawing: `width * height` pixels, row-major, four bytes (R, G, B, A) each.
pub struct Pixels {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
}

/// Puts `pixels` on `canvas` at its origin, one canvas pixel each (the
/// canvas's CSS size scales them). `None` when the canvas has no 2D context
/// or the sizes disagree.
pub fn put(canvas: &HtmlCanvasElement, pixels: &Pixels) -> Option<()> {
    let ctx = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
    let (w, h) = (u32::try_from(pixels.width).ok()?, u32::try_from(pixels.height).ok()?);
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels.rgba), w, h).ok()?;
    ctx.put_image_data(&image, 0.0, 0.0).ok()
}

/// Draws `pixels(&deps, k)` on each canvas `canvases[k]` after the first
/// render and after each render where `deps` changed. The canvases belong
/// to the calling component; nothing else draws on them.
#[hook]
pub fn use_canvas<D, F>(canvases: Vec<NodeRef>, deps: D, pixels: F)
where
    D: PartialEq + 'static,
    F: Fn(&D, usize) -> Pixels + 'static,
{
    use_effect_with(deps, move |deps| {
        for (k, canvas) in canvases.iter().enumerate() {
            if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                put(&el, &pixels(deps, k));
            }
        }
    });
}
