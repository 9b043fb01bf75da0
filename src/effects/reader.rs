//! Reading configuration documents, fetched when first needed (#21): a link,
//! this browser's stored state, a `.json` file and the examples are all read
//! by `Document::parse` (with serde_json's reader and the network layers'),
//! about 43 KB of wasm that a first visit's first screen, which shows the
//! default example, never runs. A release build (feature `split`) moves the
//! parser and the examples' texts into a `.wasm` file of their own; the app
//! awaits [`reader`] before it reads anything (at start-up only when there is
//! something to read).

#[cfg(feature = "split")]
use std::sync::OnceLock;

use crate::effects::split::{Missing, split_fn};
use crate::model::document::{Document, DocumentError, read};
use crate::model::presets;

/// `Document::parse`.
pub type Parse = fn(&str) -> Result<Document, DocumentError>;

/// What the chunk brings.
#[derive(Clone, Copy)]
pub struct Reader {
    /// Reads a configuration document's text.
    pub parse: Parse,
    /// A named example's document (`None`: no example has that id).
    pub example: fn(&str) -> Option<Result<Document, DocumentError>>,
}

/// The reader's functions: named only from the split function in a split
/// build, so that they land in its file.
fn made() -> Reader {
    Reader { parse: Document::parse, example: presets::open }
}

split_fn!(
    reader,
    fn make_reader() -> Reader {
        made()
    }
);

#[cfg(feature = "split")]
static FETCHED: OnceLock<Reader> = OnceLock::new();

/// The reader if it is here: always without the `split` feature (natively,
/// `cargo test`, development builds), once fetched with it.
pub fn ready() -> Option<Reader> {
    #[cfg(not(feature = "split"))]
    return Some(made());
    #[cfg(feature = "split")]
    FETCHED.get().copied()
}

/// The reader, fetched once (a failure is not remembered: a later call fetches again).
pub async fn reader() -> Result<Reader, Missing> {
    if let Some(reader) = ready() {
        return Ok(reader);
    }
    let reader = make_reader().await?;
    #[cfg(feature = "split")]
    let reader = *FETCHED.get_or_init(|| reader);
    Ok(reader)
}

/// What a document that could not be read for want of the reader says.
pub fn unfetched() -> DocumentError {
    read::error(
        "",
        "the part of ConvScope that reads problems could not be loaded (offline, or a new version replaced it); \
         try again"
            .into(),
    )
}
