fn main() {
    convscope::app::start();
}
