//! Writes the convolution-arithmetic gallery (#24) into a folder, natively:
//! `gallery.html` and, under `gallery/`, each card's GIF (every step) and
//! SVG (its first step). Run by scripts/post_build.mjs into the release
//! build: `cargo run --bin gallery -- <dist>`.
use std::path::PathBuf;
use std::process::ExitCode;

use convscope::model::gallery::{cards, drawing, page};

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: gallery <folder>: writes <folder>/gallery.html and <folder>/{}/", page::PICTURES);
        return ExitCode::FAILURE;
    };
    let pictures = dir.join(page::PICTURES);
    if let Err(e) = std::fs::create_dir_all(&pictures) {
        eprintln!("gallery: {}: {e}", pictures.display());
        return ExitCode::FAILURE;
    }
    let cards = cards();
    let mut sizes = Vec::with_capacity(cards.len());
    for card in &cards {
        let drawn = drawing::scene(card).map(|scene| {
            let first = drawing::figure(&scene, 0);
            (first.to_svg(), (first.width as u32, first.height as u32))
        });
        let (svg, gif) = match (drawn, drawing::gif(card)) {
            (Ok((svg, size)), Ok(Some(gif))) => {
                sizes.push(size);
                (svg, gif)
            }
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("gallery: {}: {e}", card.name);
                return ExitCode::FAILURE;
            }
            (_, Ok(None)) => {
                eprintln!("gallery: {}: the GIF could not be encoded", card.name);
                return ExitCode::FAILURE;
            }
        };
        for (ext, bytes) in [("svg", svg.into_bytes()), ("gif", gif)] {
            let path = pictures.join(format!("{}.{ext}", card.name));
            if let Err(e) = std::fs::write(&path, bytes) {
                eprintln!("gallery: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let path = dir.join("gallery.html");
    if let Err(e) = std::fs::write(&path, page::html(&cards, &sizes)) {
        eprintln!("gallery: {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
