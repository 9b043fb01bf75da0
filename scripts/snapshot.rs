//! Prints the first screen, prerendered, for scripts/post_build.mjs (#21).
fn main() {
    print!("{}", convscope::ui::app::prerender());
}
