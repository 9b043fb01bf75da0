//! Pictures as input tensors, for image mode (issue #9): four bundled pictures
//! drawn by code, and the conversion of a picture's RGBA bytes (what a canvas's
//! `getImageData` gives for an uploaded file) into the core's input layout.
//!
//! Every tensor here is `(C, H, W)`: channel first (R, G, B, or one grey
//! channel), then rows top to bottom, then columns left to right, as
//! [`crate::conv::Problem::input`] expects. Every value is `byte / 255.0` for a
//! `u8` byte, so a bundled picture holds exactly the numbers an uploaded PNG of
//! the same pixels would give. Plain Rust, tested natively; the UI only reads
//! files and draws.

use ndarray::{Array3, Axis};
use thiserror::Error;

/// Largest side, in pixels, of a picture turned into a tensor. At 512x512 the
/// sliding window already has 262,144 steps per filter; the caller scales a
/// larger picture down with [`fit`] before reading its pixels.
pub const MAX_SIDE: usize = 512;

/// Height and width of every bundled picture: large enough for edges and blur
/// to show, small enough for every view to stay quick.
pub const BUNDLED_SIDE: usize = 128;

/// The bundled pictures' names, as a document or a menu refers to them.
pub const NAMES: [&str; 4] = ["checkerboard", "disc", "strokes", "gradient"];

/// Why a picture's bytes cannot become a tensor.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PictureError {
    /// The picture has no pixels: its width or its height is 0.
    #[error("the picture is {width}x{height} pixels: it has no pixels")]
    Empty {
        /// Width in pixels.
        width: usize,
        /// Height in pixels.
        height: usize,
    },
    /// A side is longer than [`MAX_SIDE`].
    #[error("the picture is {width}x{height} pixels, more than {max} on a side: scale it down first")]
    TooLarge {
        /// Width in pixels.
        width: usize,
        /// Height in pixels.
        height: usize,
        /// The largest side accepted, [`MAX_SIDE`].
        max: usize,
    },
    /// The byte count is not 4 (R, G, B, A) per pixel.
    #[error("{len} bytes for a {width}x{height} picture: its RGBA pixels take {expected} bytes (4 per pixel)")]
    ByteLength {
        /// Bytes given.
        len: usize,
        /// Width in pixels.
        width: usize,
        /// Height in pixels.
        height: usize,
        /// `width * height * 4`.
        expected: usize,
    },
}

/// The bundled picture `name` (one of [`NAMES`]) as a `(3, 128, 128)` RGB
/// tensor, or `None` for another name. Drawn by code on every call: the same
/// values each time, and nothing to download.
pub fn bundled(name: &str) -> Option<Array3<f64>> {
    let pixel: fn(usize, usize) -> [u8; 3] = match name {
        "checkerboard" => checkerboard,
        "disc" => disc,
        "strokes" => strokes,
        "gradient" => gradient,
        _ => return None,
    };
    let n = BUNDLED_SIDE;
    let pixels: Vec<[u8; 3]> = (0..n * n).map(|p| pixel(p / n, p % n)).collect();
    Some(Array3::from_shape_fn((3, n, n), |(c, i, j)| f64::from(pixels[i * n + j][c]) / 255.0))
}

/// The label a menu shows for the bundled picture `name`, or `None` for another name.
pub fn title(name: &str) -> Option<&'static str> {
    match name {
        "checkerboard" => Some("Checkerboard"),
        "disc" => Some("Disc"),
        "strokes" => Some("Strokes"),
        "gradient" => Some("Gradient"),
        _ => None,
    }
}

/// A picture's pixels as a tensor. `rgba` is row-major, 4 bytes per pixel (R,
/// G, B, A), as a canvas's `getImageData` gives them. The result is
/// `(1, height, width)` when every pixel is grey (`R == G == B`), so a
/// greyscale picture gives a one-channel input, and `(3, height, width)`
/// otherwise; each value is `byte / 255.0`. Alpha is ignored: a canvas has
/// already composited the picture.
pub fn from_rgba(rgba: &[u8], width: usize, height: usize) -> Result<Array3<f64>, PictureError> {
    if width == 0 || height == 0 {
        return Err(PictureError::Empty { width, height });
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(PictureError::TooLarge { width, height, max: MAX_SIDE });
    }
    // Both sides are at most MAX_SIDE, so this cannot overflow.
    let expected = width * height * 4;
    if rgba.len() != expected {
        return Err(PictureError::ByteLength { len: rgba.len(), width, height, expected });
    }
    let grey = rgba.chunks_exact(4).all(|p| p[0] == p[1] && p[1] == p[2]);
    let channels = if grey { 1 } else { 3 };
    // Pixel (i, j) starts at byte (i * width + j) * 4; channel c is the byte c after it.
    Ok(Array3::from_shape_fn((channels, height, width), |(c, i, j)| f64::from(rgba[(i * width + j) * 4 + c]) / 255.0))
}

/// The weights of R, G and B in the luminance (ITU-R BT.601, the weights most
/// image libraries use for "convert to greyscale").
pub const LUMINANCE: [f64; 3] = [0.299, 0.587, 0.114];

/// The luminance of `rgb` `(3, H, W)` as a `(1, H, W)` tensor: `0.299 R +
/// 0.587 G + 0.114 B` ([`LUMINANCE`], ITU-R BT.601, the weights most image libraries use for
/// "convert to greyscale"). A one-channel tensor is returned as is; any other
/// channel count gives the mean of its channels.
pub fn greyscale(rgb: &Array3<f64>) -> Array3<f64> {
    let (channels, h, w) = rgb.dim();
    match channels {
        1 => rgb.clone(),
        3 => Array3::from_shape_fn((1, h, w), |(_, i, j)| (0..3).map(|c| LUMINANCE[c] * rgb[[c, i, j]]).sum()),
        _ => match rgb.mean_axis(Axis(0)) {
            Some(mean) => mean.insert_axis(Axis(0)),
            None => Array3::zeros((1, h, w)),
        },
    }
}

/// The size `(width, height)` to scale a picture down to so that neither side
/// exceeds `max_side` (0 counts as 1), keeping the aspect ratio: the longer side
/// becomes `max_side`, the shorter one is rounded to the nearest pixel (halves
/// up) and kept at least 1. A picture that already fits is returned
/// unchanged: this never scales up. A picture with a side of 0 has no ratio to
/// keep; its other side is only capped at `max_side`.
pub fn fit(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let max_side = max_side.max(1);
    let long = width.max(height);
    if long <= max_side {
        return (width, height);
    }
    if width == 0 || height == 0 {
        return (width.min(max_side), height.min(max_side));
    }
    // short * max_side / long, rounded half up, in u64 so nothing overflows;
    // the result is below max_side, so it fits back into u32.
    let scale = |short: u32| {
        let scaled = (u64::from(short) * u64::from(max_side) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled).unwrap_or(max_side).max(1)
    };
    if width >= height { (max_side, scale(height)) } else { (scale(width), max_side) }
}

// The four pictures, one function of a pixel's (row, column) each, 128x128.

/// 16-pixel squares, navy and cream: edges in both directions, and flat areas
/// a blur leaves unchanged.
fn checkerboard(i: usize, j: usize) -> [u8; 3] {
    if (i / 16 + j / 16).is_multiple_of(2) { [250, 240, 215] } else { [30, 45, 95] }
}

/// An orange disc of radius 40 on dark blue, its edge antialiased: a curved
/// edge at every angle, so each edge kernel finds its own part of it.
fn disc(i: usize, j: usize) -> [u8; 3] {
    const DISC: [f64; 3] = [250.0, 170.0, 40.0];
    const BACKGROUND: [f64; 3] = [15.0, 40.0, 70.0];
    // Distance from the pixel's centre to the picture's centre (64, 64).
    let (y, x) = (i as f64 + 0.5 - 64.0, j as f64 + 0.5 - 64.0);
    // The share of the pixel inside the disc, on a 1-pixel ramp across its edge.
    let cover = (40.5 - (x * x + y * y).sqrt()).clamp(0.0, 1.0);
    let mut rgb = [0; 3];
    for (c, value) in rgb.iter_mut().enumerate() {
        *value = (BACKGROUND[c] + cover * (DISC[c] - BACKGROUND[c])).round() as u8;
    }
    rgb
}

/// "CNN" in dark blue bars 8 pixels thick on off-white paper: vertical,
/// horizontal and diagonal strokes, as in handwriting or print.
fn strokes(i: usize, j: usize) -> [u8; 3] {
    const INK: [u8; 3] = [25, 35, 85];
    const PAPER: [u8; 3] = [250, 246, 232];
    // Letters span rows 32..96; each letter is 28 pixels wide.
    let (top, bottom, thick) = (32, 96, 8);
    let bar =
        |rows: (usize, usize), cols: (usize, usize)| (rows.0..rows.1).contains(&i) && (cols.0..cols.1).contains(&j);
    // An N whose left edge is at column `left`: two verticals and the diagonal
    // from the top of the left one to the bottom of the right one.
    let letter_n = |left: usize| {
        let verticals = bar((top, bottom), (left, left + thick)) || bar((top, bottom), (left + 20, left + 28));
        // The diagonal's centre line runs from (top, left + 4) to (bottom, left + 24):
        // column = left + 4 + (row - top) * 20 / 64; inside when within 4 columns of it.
        let diagonal = (top..bottom).contains(&i) && {
            let centre = (left + 4) as f64 + (i - top) as f64 * 20.0 / 64.0 + 0.5;
            (j as f64 + 0.5 - centre).abs() <= 4.0 + 0.5
        };
        verticals || diagonal
    };
    let letter_c = bar((top, bottom), (12, 12 + thick))
        || bar((top, top + thick), (12, 40))
        || bar((bottom - thick, bottom), (12, 40));
    if letter_c || letter_n(50) || letter_n(88) { INK } else { PAPER }
}

/// A diagonal blend from blue (top left) to yellow (bottom right) with a
/// little deterministic noise (at most 6 levels either way): a smooth picture
/// where a blur removes the grain and an edge kernel finds almost nothing.
fn gradient(i: usize, j: usize) -> [u8; 3] {
    const START: [f64; 3] = [40.0, 90.0, 200.0];
    const END: [f64; 3] = [250.0, 210.0, 60.0];
    let t = (i + j) as f64 / (2 * (BUNDLED_SIDE - 1)) as f64;
    let mut rgb = [0; 3];
    for (c, value) in rgb.iter_mut().enumerate() {
        let noise = f64::from(hash((i * BUNDLED_SIDE + j) * 3 + c) % 13) - 6.0;
        *value = (START[c] + t * (END[c] - START[c]) + noise).round().clamp(0.0, 255.0) as u8;
    }
    rgb
}

/// A 32-bit integer hash (Chris Wellons' "lowbias32"): the same noise on every
/// machine, with no random-number crate.
fn hash(n: usize) -> u32 {
    let mut x = n as u32;
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^ (x >> 16)
}

/// The caption of filter `f`'s feature map. With a colour picture and one
/// filter per channel (3 channels, 3 groups, 3 filters: a classic kernel "on
/// each channel"), filter `f` sees channel `f` alone, so its map is that
/// colour's: `R`, `G` or `B`. Otherwise `filter f`.
pub fn map_name(channels: usize, groups: usize, filters: usize, f: usize) -> String {
    const RGB: [&str; 3] = ["R", "G", "B"];
    match RGB.get(f) {
        Some(colour) if channels == 3 && groups == 3 && filters == 3 => (*colour).to_string(),
        _ => format!("filter {f}"),
    }
}

/// How a feature map's values become colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MapScale {
    /// Values of both signs: blue below zero, white at zero, red above,
    /// spanning `-scale..=scale`.
    Signed { scale: f64 },
    /// No value below zero (a blur of a picture, `|y|`, ReLU): black at zero
    /// to white at `high`, so a blurred picture looks like the picture, not
    /// like its negative, and no colour stands for a sign that is not there.
    OneSided { high: f64 },
}

impl MapScale {
    /// The scale of a map with these values (the finite ones count; a map
    /// of zeros is one-sided up to 1, so it draws black).
    pub fn of(values: impl IntoIterator<Item = f64>) -> MapScale {
        let (low, high) =
            values.into_iter().filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if low >= 0.0 {
            MapScale::OneSided { high: if high > 0.0 { high } else { 1.0 } }
        } else {
            MapScale::Signed { scale: high.max(-low) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn all_bundled() -> Vec<Array3<f64>> {
        NAMES.iter().map(|name| bundled(name).unwrap_or_else(|| panic!("{name} is bundled"))).collect()
    }

    #[test]
    fn a_colour_picture_per_channel_has_maps_r_g_b() {
        let names: Vec<String> = (0..3).map(|f| map_name(3, 3, 3, f)).collect();
        assert_eq!(names, ["R", "G", "B"]);
        // One filter over the luminance, or a grey picture: filters by number.
        assert_eq!(map_name(3, 1, 1, 0), "filter 0");
        assert_eq!(map_name(1, 1, 3, 2), "filter 2");
        assert_eq!(map_name(3, 3, 6, 1), "filter 1");
    }

    #[test]
    fn a_map_without_negative_values_has_a_one_sided_scale() {
        assert_eq!(MapScale::of([0.2, 0.5, 0.8]), MapScale::OneSided { high: 0.8 });
        assert_eq!(MapScale::of([0.0, 0.0]), MapScale::OneSided { high: 1.0 });
        assert_eq!(MapScale::of([0.5, f64::NAN, f64::INFINITY]), MapScale::OneSided { high: 0.5 });
        assert_eq!(MapScale::of([-0.25, 0.5]), MapScale::Signed { scale: 0.5 });
        assert_eq!(MapScale::of([-2.0, 0.5]), MapScale::Signed { scale: 2.0 });
        assert_eq!(MapScale::of([-2.0, -1.0]), MapScale::Signed { scale: 2.0 });
    }

    #[test]
    fn bundled_pictures_are_rgb_bytes_over_255() {
        for (name, picture) in NAMES.iter().zip(all_bundled()) {
            assert_eq!(picture.dim(), (3, BUNDLED_SIDE, BUNDLED_SIDE), "{name}");
            for &v in &picture {
                let byte = v * 255.0;
                assert!(byte == byte.round() && (0.0..=255.0).contains(&byte), "{name}: {v} is not a byte / 255");
                assert_eq!(f64::from(byte as u8) / 255.0, v, "{name}: exactly byte / 255");
            }
            assert!(title(name).is_some(), "{name} has a title");
        }
        assert_eq!(bundled("mandrill"), None);
        assert_eq!(title("mandrill"), None);
        assert_eq!(title("disc"), Some("Disc"));
    }

    #[test]
    fn bundled_pictures_are_deterministic_and_distinct() {
        let first = all_bundled();
        assert_eq!(first, all_bundled());
        for a in 0..first.len() {
            for b in a + 1..first.len() {
                assert_ne!(first[a], first[b], "{} vs {}", NAMES[a], NAMES[b]);
            }
        }
    }

    #[test]
    fn bundled_pictures_have_edges_and_colour() {
        for (name, picture) in NAMES.iter().zip(all_bundled()) {
            // Colour: the channels differ somewhere. Contrast: bright and dark pixels.
            assert_ne!(picture.index_axis(Axis(0), 0), picture.index_axis(Axis(0), 2), "{name} is in colour");
            let grey = greyscale(&picture);
            let (lo, hi) = grey.iter().fold((1.0f64, 0.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            assert!(hi - lo > 0.4, "{name}: luminance from {lo} to {hi}");
        }
        let board = bundled("checkerboard").unwrap_or_default();
        // Square (0, 0) is cream, square (0, 1) navy: an edge between columns 15 and 16.
        assert_eq!((board[[0, 0, 15]] * 255.0, board[[0, 0, 16]] * 255.0), (250.0, 30.0));
        let disc = bundled("disc").unwrap_or_default();
        assert_eq!((disc[[0, 64, 64]] * 255.0, disc[[0, 0, 0]] * 255.0), (250.0, 15.0), "centre, corner");
    }

    #[test]
    fn grey_rgba_gives_one_channel() -> Result<(), PictureError> {
        // 2x2, row-major: (0,0) black, (0,1) white, (1,0) 51, (1,1) 255; alpha varies.
        let rgba = [0, 0, 0, 255, 255, 255, 255, 0, 51, 51, 51, 128, 255, 255, 255, 7];
        let t = from_rgba(&rgba, 2, 2)?;
        assert_eq!(t, array![[[0.0, 1.0], [0.2, 1.0]]]);
        Ok(())
    }

    #[test]
    fn colour_rgba_gives_three_channels() -> Result<(), PictureError> {
        // 3 wide, 1 high: red, grey 10, (1, 2, 3). One coloured pixel makes it RGB.
        let rgba = [255, 0, 0, 255, 10, 10, 10, 255, 1, 2, 3, 0];
        let t = from_rgba(&rgba, 3, 1)?;
        assert_eq!(t.dim(), (3, 1, 3));
        let bytes = t.mapv(|v| v * 255.0);
        assert_eq!(bytes, array![[[255.0, 10.0, 1.0]], [[0.0, 10.0, 2.0]], [[0.0, 10.0, 3.0]]]);
        // 2 wide, 2 high: rows before columns.
        let rgba: Vec<u8> = (0..4).flat_map(|p| [p * 10, 0, 0, 255]).collect();
        assert_eq!(
            from_rgba(&rgba, 2, 2)?.index_axis(Axis(0), 0).mapv(|v| v * 255.0),
            array![[0.0, 10.0], [20.0, 30.0]]
        );
        Ok(())
    }

    #[test]
    fn an_uploaded_copy_of_a_bundled_picture_is_the_same_tensor() -> Result<(), PictureError> {
        for picture in all_bundled() {
            let (_, h, w) = picture.dim();
            let rgba: Vec<u8> = (0..h * w)
                .flat_map(|p| {
                    let [r, g, b] = [0, 1, 2].map(|c| (picture[[c, p / w, p % w]] * 255.0).round() as u8);
                    [r, g, b, 255]
                })
                .collect();
            assert_eq!(from_rgba(&rgba, w, h)?, picture);
        }
        Ok(())
    }

    #[test]
    fn bad_sizes_are_errors_with_their_numbers() {
        assert_eq!(from_rgba(&[], 0, 3), Err(PictureError::Empty { width: 0, height: 3 }));
        assert_eq!(from_rgba(&[], 3, 0), Err(PictureError::Empty { width: 3, height: 0 }));
        assert_eq!(from_rgba(&[0; 12], 3, 1).map(|t| t.dim()), Ok((1, 1, 3)));
        let short = from_rgba(&[0; 11], 3, 1);
        assert_eq!(short, Err(PictureError::ByteLength { len: 11, width: 3, height: 1, expected: 12 }));
        let wide = from_rgba(&[0; 4 * 513], 513, 1);
        assert_eq!(wide, Err(PictureError::TooLarge { width: 513, height: 1, max: MAX_SIDE }));
        assert!(from_rgba(&[0; 4 * 512], 1, 512).is_ok(), "512 itself is allowed");
        // An absurd size fails on the side, before any multiplication could overflow.
        assert!(matches!(from_rgba(&[], usize::MAX, usize::MAX), Err(PictureError::TooLarge { .. })));

        let messages: Vec<String> = [short, wide, from_rgba(&[], 0, 3)]
            .into_iter()
            .map(|r| r.err().map(|e| e.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(
            messages,
            [
                "11 bytes for a 3x1 picture: its RGBA pixels take 12 bytes (4 per pixel)",
                "the picture is 513x1 pixels, more than 512 on a side: scale it down first",
                "the picture is 0x3 pixels: it has no pixels",
            ]
        );
    }

    #[test]
    fn greyscale_weighs_the_channels_as_bt601() {
        let rgb = array![[[1.0, 0.0, 0.0, 0.5]], [[0.0, 1.0, 0.0, 0.5]], [[0.0, 0.0, 1.0, 0.5]]];
        let grey = greyscale(&rgb);
        assert_eq!(grey.dim(), (1, 1, 4));
        let expected = [0.299, 0.587, 0.114, 0.5];
        for (got, want) in grey.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        let one = array![[[0.25, 0.75]]];
        assert_eq!(greyscale(&one), one, "one channel: as is");
        let two = array![[[0.0, 1.0]], [[1.0, 0.0]]];
        assert_eq!(greyscale(&two), array![[[0.5, 0.5]]], "another count: the mean");
    }

    #[test]
    fn fit_scales_down_keeping_the_aspect_ratio() {
        assert_eq!(fit(1024, 768, 512), (512, 384));
        assert_eq!(fit(768, 1024, 512), (384, 512));
        assert_eq!(fit(100, 50, 512), (100, 50), "fits: unchanged");
        assert_eq!(fit(512, 512, 512), (512, 512), "exactly the limit: unchanged");
        assert_eq!(fit(20, 30, 512), (20, 30), "never scaled up");
        // 10 * 512 / 4000 = 1.28: rounded to 1.
        assert_eq!(fit(4000, 10, 512), (512, 1));
        assert_eq!(fit(10, 4000, 512), (1, 512));
        // 1 * 512 / 100000 = 0.005: kept at 1 pixel.
        assert_eq!(fit(100_000, 1, 512), (512, 1));
        // 3 * 512 / 1024 = 1.5: halves round up.
        assert_eq!(fit(1024, 3, 512), (512, 2));
        assert_eq!(fit(u32::MAX, u32::MAX - 1, 512), (512, 512));
        assert_eq!(fit(0, 4000, 512), (0, 512), "no pixels: only capped");
        assert_eq!(fit(4, 2, 0), (1, 1), "max_side 0 counts as 1");
    }
}
