//! The app's side effects, one custom hook per file, each with its cleanup
//! (the player's timer, the keyboard shortcuts, the address bar, storage,
//! the practice score, the theme, the example menu, presenting's fit to the screen, an embedded
//! page's height, the first open's strip closed for good; drawing on a canvas,
//! picture decoding and pasting, the idle-time fetch of chunks, the prerendered first screen's
//! removal), the document reader fetched when first needed, and thin browser adapters: downloads and the clipboard, capture of a
//! figure, full screen, the crash banner.

pub mod browser;
pub mod capture;
pub mod crash;
pub mod figures;
pub mod fullscreen;
pub mod reader;
pub mod snapshot;
pub mod split;
pub mod use_address_bar;
pub mod use_canvas;
pub mod use_decode;
pub mod use_embed_height;
pub mod use_fit;
pub mod use_idle;
pub mod use_intro;
pub mod use_keyboard;
pub mod use_paste;
pub mod use_player;
pub mod use_score;
pub mod use_select_value;
pub mod use_storage;
pub mod use_theme;

pub use use_address_bar::use_address_bar;
pub use use_canvas::use_canvas;
pub use use_decode::use_decode;
pub use use_embed_height::use_embed_height;
pub use use_fit::use_fit;
pub use use_idle::use_idle;
pub use use_intro::use_intro;
pub use use_keyboard::use_keyboard;
pub use use_paste::use_paste;
pub use use_player::use_player;
pub use use_score::use_score;
pub use use_select_value::use_select_value;
pub use use_storage::use_storage;
pub use use_theme::use_theme;
