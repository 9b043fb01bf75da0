//! Code fetched when first used (#21): the glue to Leptos's
//! `wasm_split_helpers`. A release build (feature `split`) cuts each
//! `split_fn!` out of the main module into a `.wasm` file of its own
//! (`wasm-split-cli`, run by scripts/post_build.mjs) and the function becomes
//! `async`: its first call fetches the file. Without the feature (native
//! builds, `cargo test --target wasm32`) the same function is an ordinary
//! `async fn` and nothing is fetched.
//!
//! A split function may not be async, generic or take `self`, so each returns
//! a plain `fn` (or a struct of them) that the caller keeps.

/// A split file could not be fetched: offline, or a new deploy replaced it.
/// A later call fetches again (failures are not remembered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for Missing {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        Missing
    }
}

/// `split_fn!(module, fn name() -> T { body })`: an `async fn name() ->
/// Result<T, Missing>` whose body lands in `module`'s file in a split build.
/// Functions naming the same module share its file.
macro_rules! split_fn {
    ($module:ident, fn $name:ident() -> $ret:ty $body:block) => {
        #[allow(unused_braces)]
        #[cfg(feature = "split")]
        #[wasm_split_helpers::wasm_split($module, fallible)]
        fn $name() -> Result<$ret, $crate::effects::split::Missing> {
            Ok($body)
        }
        #[cfg(not(feature = "split"))]
        #[allow(unused_braces)]
        async fn $name() -> Result<$ret, $crate::effects::split::Missing> {
            Ok($body)
        }
    };
}
pub(crate) use split_fn;
