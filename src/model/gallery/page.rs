//! The gallery page, `gallery.html`, written at build time beside
//! `index.html` (scripts/gallery.rs): one card per figure, every link
//! relative (the site may live under a sub-path or in a course's iframe), no
//! inline script or style (its policy allows only the site's own files).

use std::fmt::Write;

use crate::model::figure::escape;
use crate::model::gallery::Card;

/// Where the pictures go, relative to the page.
pub const PICTURES: &str = "gallery";

/// The page's Content-Security-Policy: the site's own files only.
pub const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
                          object-src 'none'; base-uri 'self'; form-action 'none'";

/// The paper and the repository its figures come from.
const CREDIT: &str = "The figures, their parameters and their numbers are those of Vincent Dumoulin and \
     Francesco Visin, <a href=\"https://arxiv.org/abs/1603.07285\">\u{201C}A guide to convolution arithmetic for \
     deep learning\u{201D}</a> (2016), and of its repository \
     <a href=\"https://github.com/vdumoulin/conv_arithmetic\">vdumoulin/conv_arithmetic</a> \
     (MIT licence, copyright (c) 2016 Vincent Dumoulin, Francesco Visin). ConvScope redraws them with its own \
     figure code and opens each one live, with numbers.";

/// A card's picture size in pixels, `(width, height)`, for the `img` (no layout shift).
pub type Size = (u32, u32);

fn card_html(out: &mut String, card: &Card, size: Size) {
    let name = card.name;
    let title = escape(&card.title);
    let _ = writeln!(out, "<article class=\"card\" data-figure=\"{name}\" id=\"{name}\">");
    let _ = writeln!(out, "<h3>{title} <code class=\"name\">{name}</code></h3>");
    let _ = writeln!(
        out,
        "<img src=\"{PICTURES}/{name}.gif\" width=\"{}\" height=\"{}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\">",
        size.0,
        size.1,
        escape(&card.caption)
    );
    let _ = writeln!(out, "<p class=\"caption\">{}</p>", escape(&card.caption));
    out.push_str("<dl class=\"parameters\">");
    for (key, value) in &card.parameters {
        let _ = write!(out, "<div><dt>{}</dt><dd>{}</dd></div>", escape(key), escape(value));
    }
    out.push_str("</dl>\n<p class=\"relationship\">");
    let lines: Vec<String> = card.relationship.iter().map(|l| format!("<code>{}</code>", escape(l))).collect();
    out.push_str(&lines.join("<br>"));
    out.push_str("</p>\n");
    let _ = writeln!(
        out,
        "<p class=\"actions\"><a class=\"open\" href=\"{}\">Open</a> \
         <a class=\"download\" href=\"{PICTURES}/{name}.gif\" download=\"{name}.gif\">GIF</a> \
         <a class=\"download\" href=\"{PICTURES}/{name}.svg\" download=\"{name}.svg\">SVG</a></p>",
        escape(&card.open_link())
    );
    out.push_str("</article>\n");
}

/// The whole page; `sizes[k]` is card `k`'s picture size.
pub fn html(cards: &[Card], sizes: &[Size]) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"description\" content=\"Every figure of the convolution arithmetic guide, redrawn with numbers \
         and opened live in ConvScope.\">\n\
         <title>Convolution arithmetic, live: the ConvScope gallery</title>\n\
         <link rel=\"icon\" href=\"favicon.svg\" type=\"image/svg+xml\">\n\
         <link rel=\"stylesheet\" href=\"gallery.css\">\n\
         <script src=\"gallery.js\" defer></script>\n\
         </head>\n<body>\n<header>\n<h1>Convolution arithmetic, live</h1>\n\
         <p>Every figure of the convolution arithmetic guide: its parameters, its relationship with the numbers \
         put in, and a link that opens exactly that set-up in ConvScope, where every number can be stepped \
         through and edited. <a href=\"index.html\">Open ConvScope</a></p>\n\
         <p class=\"credit\">{CREDIT}</p>\n</header>\n<main>\n"
    );
    let sections = [
        ("paper", "The paper\u{2019}s figures", true),
        ("beyond", "Beyond the paper: what courses ask for next", false),
    ];
    for (id, heading, from_paper) in sections {
        let _ = writeln!(out, "<section id=\"{id}\">\n<h2>{heading}</h2>\n<div class=\"cards\">");
        for (card, size) in cards.iter().zip(sizes).filter(|(c, _)| c.from_paper == from_paper) {
            card_html(&mut out, card, *size);
        }
        out.push_str("</div>\n</section>\n");
    }
    let _ = write!(
        out,
        "</main>\n<footer>\n<p class=\"credit\">{CREDIT}</p>\n<p>The numbers are the paper\u{2019}s: \
         <code>numpy.random.seed(1234)</code>, then the input <code>randint(0, 4)</code> and the kernel \
         <code>randint(0, 3)</code>, as its <code>bin/produce_figure</code> draws them; the other figures\u{2019} \
         numbers are drawn the same way. Checked against PyTorch.</p>\n</footer>\n</body>\n</html>\n"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::gallery::cards;

    #[test]
    fn every_card_is_on_the_page_with_relative_links_only() {
        let cards = cards();
        let sizes = vec![(10, 10); cards.len()];
        let page = html(&cards, &sizes);
        assert_eq!(page.matches("<article class=\"card\" data-figure=").count(), 23);
        for card in &cards {
            assert!(page.contains(&format!("data-figure=\"{}\"", card.name)));
        }
        for attr in ["href=\"/", "src=\"/"] {
            assert!(!page.contains(attr), "{attr}: links are relative, for a sub-path");
        }
        assert!(!page.contains("<script>") && !page.contains("style="), "no inline script or style");
        assert!(page.contains("MIT licence") && page.contains("Dumoulin"));
    }
}
