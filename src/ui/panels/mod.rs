//! The panels around the views: editors, parameters, practice, figures and
//! the shortcut sheet.

pub mod editors;
pub mod figures;
pub mod params;
pub mod practice;
pub mod shortcuts;
