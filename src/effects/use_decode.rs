//! Picture decoding: a file the learner opens (picked, dropped or pasted)
//! decoded by the browser (no image crate), off the event, to RGBA bytes.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, File, FileList, HtmlCanvasElement};
use yew::prelude::*;

use crate::model::picture;

/// A decoded picture: width, height and RGBA rows (at most
/// `limits::SPATIAL` a side), or why the browser could not read it.
pub type Decoded = Result<(u32, u32, Rc<Vec<u8>>), String>;

/// The first picture file of a file list (a picker, a drop, a paste).
pub fn first_picture(files: Option<FileList>) -> Option<File> {
    let files = files?;
    (0..files.length()).filter_map(|k| files.get(k)).find(|f| f.type_().starts_with("image/"))
}

/// Decodes `file`: `createImageBitmap`, then drawn scaled to at most
/// `limits::SPATIAL` a side, then its RGBA pixels. Colour-space conversion
/// is off so a PNG's bytes arrive as they are.
pub async fn decode(file: File) -> Decoded {
    let unreadable = |_| "this browser could not read it as a picture".to_string();
    let window = web_sys::window().ok_or("no window")?;
    let options = web_sys::ImageBitmapOptions::new();
    options.set_color_space_conversion(web_sys::ColorSpaceConversion::None);
    options.set_premultiply_alpha(web_sys::PremultiplyAlpha::None);
    let promise = window.create_image_bitmap_with_blob_and_image_bitmap_options(&file, &options).map_err(unreadable)?;
    let bitmap: web_sys::ImageBitmap =
        wasm_bindgen_futures::JsFuture::from(promise).await.map_err(unreadable)?.dyn_into().map_err(unreadable)?;
    let side = crate::model::document::limits::SPATIAL as u32;
    let (w, h) = picture::fit(bitmap.width(), bitmap.height(), side);
    let canvas: HtmlCanvasElement = window
        .document()
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into().ok())
        .ok_or("no canvas to decode on")?;
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: CanvasRenderingContext2d =
        canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok()).ok_or("no 2D canvas")?;
    // Transparent parts show on white (a new canvas is transparent black), and
    // the scaling down averages rather than skips pixels.
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    // (web-sys has no binding for the quality's enum: set as a property.)
    let _ = js_sys::Reflect::set(&ctx, &"imageSmoothingQuality".into(), &"high".into());
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(unreadable)?;
    // The decoded bitmap (48 MB for a 12-megapixel photo) goes now, not at the next GC.
    bitmap.close();
    let data = ctx.get_image_data(0.0, 0.0, f64::from(w), f64::from(h)).map_err(unreadable)?.data();
    Ok((w, h, Rc::new(data.0)))
}

/// Opens picture files: the callback returned starts decoding one, and its
/// name and result go to `on_decoded` (the latest callback given). A file
/// opened while another is still decoding supersedes it: the older result is
/// dropped, so the last file opened is the one shown. A decode under way when
/// the component goes still delivers (the learner chose that picture).
#[hook]
pub fn use_decode(on_decoded: Callback<(String, Decoded)>) -> Callback<File> {
    let target = use_mut_ref(|| on_decoded.clone());
    *target.borrow_mut() = on_decoded;
    // The number of the last file opened.
    let latest = use_mut_ref(|| 0u64);
    use_callback((), move |file: File, _| {
        let (target, latest) = (target.clone(), latest.clone());
        let ticket = *latest.borrow() + 1;
        *latest.borrow_mut() = ticket;
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            let decoded = decode(file).await;
            if *latest.borrow() == ticket {
                let on_decoded = target.borrow().clone();
                on_decoded.emit((name, decoded));
            }
        });
    })
}
