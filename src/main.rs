fn main() {
    convscope::ui::app::start();
}
