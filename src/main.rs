fn main() {
    yew::Renderer::<convscope::app::App>::new().render();
}
