//! The figure encoders (capture, SVG, PNG, GIF with its quantiser), fetched
//! the first time a figure is made (#21): the figure bar is on the first
//! screen, its encoders are not.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use crate::effects::capture::{GifWalk, capture_view, png_bytes, rasterise, record_gif};
use crate::effects::split::{Missing, split_fn};
use crate::model::figure::Colours;

/// What to make of the view on screen.
pub enum Job {
    /// This step, as SVG.
    Svg { colours: Colours, with_equation: bool },
    /// This step, as PNG at twice the size.
    Png { colours: Colours, with_equation: bool },
    /// Every step (see [`GifWalk`]).
    Gif(GifWalk),
}

/// The file's bytes and its number of frames; `None` if the view could not be drawn.
type Made = Option<(Vec<u8>, usize)>;
type Making = Pin<Box<dyn Future<Output = Made>>>;
type Encoder = fn(Job) -> Making;

fn encode(job: Job) -> Making {
    Box::pin(async move {
        match job {
            Job::Svg { colours, with_equation } => {
                capture_view(colours, with_equation).map(|figure| (figure.to_svg().into_bytes(), 1))
            }
            Job::Png { colours, with_equation } => {
                let figure = capture_view(colours, with_equation)?;
                let (canvas, ..) = rasterise(&figure, 2.0, None).await?;
                png_bytes(&canvas).map(|bytes| (bytes, 1))
            }
            Job::Gif(walk) => record_gif(walk).await,
        }
    })
}

split_fn!(
    figures,
    fn make_encoder() -> Encoder {
        encode
    }
);

static ENCODER: OnceLock<Encoder> = OnceLock::new();

/// The encoders, fetched once.
pub async fn fetch() -> Result<Encoder, Missing> {
    if let Some(encoder) = ENCODER.get() {
        return Ok(*encoder);
    }
    let encoder = make_encoder().await?;
    Ok(*ENCODER.get_or_init(|| encoder))
}

/// Makes `job`: `Err` if the encoders could not be fetched.
pub async fn make(job: Job) -> Result<Made, Missing> {
    Ok(fetch().await?(job).await)
}
