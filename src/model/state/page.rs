//! How the page is used: embedded or not, presenting, the theme, the
//! shortcut sheet, and the page's messages. None of it is the problem.

use crate::model::view_state::ViewState;

/// How the page is embedded (the page address's `?embed` query, not the
/// document: "open in ConvScope" opens the same document in the full app).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Embed {
    /// The full app.
    #[default]
    Off,
    /// `?embed`: the view and its player alone.
    View,
    /// `?embed=edit`: the view, with the editors stacked under it.
    Edit,
}

impl Embed {
    /// The mode a page address's query asks for (`?embed`, `?embed=edit`).
    pub fn from_query(query: &str) -> Embed {
        let query = query.strip_prefix('?').unwrap_or(query);
        query.split('&').fold(Embed::Off, |mode, pair| match pair.split_once('=').unwrap_or((pair, "")) {
            ("embed", "edit") => Embed::Edit,
            ("embed", _) => Embed::View,
            _ => mode,
        })
    }
}

/// The colour theme the learner chose (kept in localStorage, not in links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Whatever the system prefers (`prefers-color-scheme`).
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    /// The name stored and set as `data-theme` on the page (`None`: follow the system).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    /// The theme a stored name means (anything else: follow the system).
    pub fn from_name(name: &str) -> Theme {
        match name {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// The page's own state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Embedded in another page (from the address's query, fixed for the page's life).
    pub embed: Embed,
    /// While presenting: the editors shown again (they fold away by default).
    pub editors_open: bool,
    /// The keyboard shortcut sheet is open.
    pub help: bool,
    pub theme: Theme,
    /// A message for the whole page (bad link, bad paste), shown with role="alert".
    pub alert: Option<String>,
    /// What the last change did, in one line (shown as a status, not an alarm).
    pub notice: Option<String>,
    /// The first open's strip of pointers (step, edit, the other views): set at
    /// start-up when the app opens with no link and nothing stored, until closed.
    pub intro: bool,
    /// The page waits for the documents it opens to be read ([`super::State::opening`]).
    pub opening: bool,
}

/// Changes of how the page is used.
#[derive(Debug, Clone, PartialEq)]
pub enum PageAction {
    /// Presenting on or off (document key `present`).
    SetPresent(bool),
    /// While presenting: show or fold the editors.
    ToggleEditors,
    /// The keyboard shortcut sheet, open or closed.
    SetHelp(bool),
    SetTheme(Theme),
    DismissAlert,
    /// The first open's strip closed, for good.
    CloseIntro,
}

impl Page {
    /// Presenting is the document's (a link may open it), the rest the page's.
    pub fn reduce(&mut self, view: &mut ViewState, action: PageAction) {
        match action {
            PageAction::SetPresent(on) => {
                view.present = on;
                self.editors_open = false;
            }
            PageAction::ToggleEditors => self.editors_open = !self.editors_open,
            PageAction::SetHelp(open) => self.help = open,
            PageAction::SetTheme(theme) => self.theme = theme,
            PageAction::DismissAlert => self.alert = None,
            PageAction::CloseIntro => self.intro = false,
        }
    }

    /// What a newly opened document keeps of the page: the embed mode, the
    /// editors folded or not, the theme, the first open's strip; messages and the sheet go.
    pub fn reopened(&self) -> Page {
        Page {
            embed: self.embed,
            editors_open: self.editors_open,
            theme: self.theme,
            intro: self.intro,
            ..Page::default()
        }
    }
}
