//! Features fetched when first opened (#21). The first screen (the sliding
//! window, the editors, the parameters) is the main module; each [`Chunk`]
//! below is a component whose code a release build moves into a `.wasm` file
//! of its own, fetched the first time it is shown (or when the browser is
//! idle after the first render, see [`preload`]).
//!
//! Each chunk's split function (see [`crate::effects::split`]) returns a
//! plain `fn` that builds its component; [`Lazy`] awaits it once and shows a
//! placeholder meanwhile. [`show`] is how the app puts a chunk on screen: its
//! props are checked against the chunk's type there, then erased, so that
//! one `Lazy` component (not one per props type) serves every chunk.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::OnceLock;

use yew::prelude::*;
use yew::virtual_dom::VComp;

use crate::effects::split::{Missing, split_fn};

/// Builds a chunk's component from its props (a `fn`, so it crosses the
/// split). The props come type-erased, so that one [`Lazy`] component serves
/// every chunk: Yew's code for a component is written out once per props
/// type, and seven copies of it were about 36 KB of the main module.
pub type Maker = fn(Rc<dyn Any>) -> Html;

type Loading = Pin<Box<dyn Future<Output = Result<Maker, Missing>>>>;

/// What [`Lazy`] fetches: a chunk's maker, whatever its props.
pub struct Loader {
    /// What the learner waits for, for the placeholder and the error ("the im2col view").
    pub what: &'static str,
    load: fn() -> Loading,
    /// Once fetched, later mounts build at once (no placeholder, no flash).
    made: OnceLock<Maker>,
}

/// One loader per chunk, a static: the same one is the same chunk.
impl PartialEq for Loader {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Loader {
    /// The maker if fetched, else fetch it (a failure is not remembered: a retry fetches again).
    async fn fetch(&'static self) -> Result<Maker, Missing> {
        if let Some(make) = self.made.get() {
            return Ok(*make);
        }
        let make = (self.load)().await?;
        Ok(*self.made.get_or_init(|| make))
    }
}

/// One feature fetched when first opened: the component of props `P`
/// (the type ties each chunk to its props at the call site, [`show`]).
pub struct Chunk<P: 'static> {
    loader: Loader,
    props: PhantomData<fn(P)>,
}

impl<P: 'static> Chunk<P> {
    const fn new(what: &'static str, load: fn() -> Loading) -> Self {
        Chunk { loader: Loader { what, load, made: OnceLock::new() }, props: PhantomData }
    }

    async fn fetch(&'static self) -> Result<Maker, Missing> {
        self.loader.fetch().await
    }

    /// Fetches the chunk if it is not here yet: for an action its code reduces.
    pub async fn ensure(&'static self) -> Result<(), Missing> {
        self.fetch().await.map(|_| ())
    }
}

/// The chunk's component with `props`: built at once if fetched, else a
/// placeholder until it is (see [`Lazy`]).
pub fn show<P: PartialEq + 'static>(chunk: &'static Chunk<P>, props: P) -> Html {
    // Keyed by the chunk: another chunk in the same place (the view's tab
    // changed) is another component, whose state (the maker, a failure)
    // starts afresh, not the last chunk's.
    html! { <Lazy key={chunk.loader.what} chunk={&chunk.loader} props={Erased::new(props)} /> }
}

/// Props of any type, compared as that type.
#[derive(Clone)]
pub struct Erased {
    value: Rc<dyn Any>,
    eq: fn(&dyn Any, &dyn Any) -> bool,
}

impl Erased {
    fn new<P: PartialEq + 'static>(props: P) -> Erased {
        fn eq<P: PartialEq + 'static>(a: &dyn Any, b: &dyn Any) -> bool {
            matches!((a.downcast_ref::<P>(), b.downcast_ref::<P>()), (Some(a), Some(b)) if a == b)
        }
        Erased { value: Rc::new(props), eq: eq::<P> }
    }
}

impl PartialEq for Erased {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.value, &other.value) || (self.eq)(&*self.value, &*other.value)
    }
}

/// Declares chunks: each one's split function and its [`Chunk`]; `then f`
/// runs `f` inside the chunk as it loads (to hand code over to the main module).
macro_rules! chunks {
    ($($(#[$doc:meta])* $chunk:ident: $module:ident, $make:ident, $props:ty => $component:ty, $what:literal $(, then $load:path)?;)*) => {$(
        split_fn!($module, fn $make() -> Maker {
            $($load();)?
            |props| match props.downcast::<$props>() {
                Ok(props) => VComp::new::<$component>(props, None).into(),
                Err(_) => Html::default(),
            }
        });
        $(#[$doc])*
        pub static $chunk: Chunk<$props> = Chunk::new($what, || Box::pin($make()));
    )*};
}

use crate::ui::panels::practice::{NumberPanel, NumberPanelProps, QuizBar, QuizBarProps};
use crate::ui::views::backprop::{BackpropView, BackpropViewProps};
use crate::ui::views::export::{ExportView, ExportViewProps};
use crate::ui::views::im2col::{Im2colView, Im2colViewProps};
use crate::ui::views::image::{ImageView, ImageViewProps};
use crate::ui::views::network::{NetworkView, NetworkViewProps};
use crate::ui::views::transposed::{TransposedView, TransposedViewProps};

chunks! {
    /// The im2col view: the patch matrix and its product.
    IM2COL: im2col, make_im2col, Im2colViewProps => Im2colView, "the im2col view";
    /// The transposed views: overlap sums, zero insertion, the matrix.
    TRANSPOSED: transposed, make_transposed, TransposedViewProps => TransposedView, "the transposed view";
    /// Backpropagation: the three gradients, step by step.
    BACKPROP: backprop, make_backprop, BackpropViewProps => BackpropView, "the backprop view";
    /// Image mode: a picture, its kernels and feature maps.
    IMAGE: image, make_image, ImageViewProps => ImageView, "image mode",
        then crate::model::state::register_image;
    /// The export view: NumPy and PyTorch code, .npy and JSON downloads.
    EXPORT: export, make_export, ExportViewProps => ExportView, "the export view";
    /// Practice's question bar.
    PRACTICE: practice, make_practice, QuizBarProps => QuizBar, "practice";
    /// Practice's question panel, in the same file as its bar (both show only while practising).
    NUMBER_PANEL: practice, make_number_panel, NumberPanelProps => NumberPanel, "the practice question";
    /// The network view: a stack of layers, its summary and receptive fields.
    NETWORK: network, make_network, NetworkViewProps => NetworkView, "the network view",
        then crate::model::state::register_network;
}

/// How long after the reader the views' chunks wait. A learner's first
/// click or keystroke usually comes in the first second after the page is
/// live; a chunk compiled and instantiated then takes the main thread for
/// 10-30 ms (CPU 1x), which that keystroke would wait for (#21).
pub const VIEWS_AFTER_MS: i32 = 1500;

/// Fetches every chunk, one after the other, so that later clicks find them
/// (and the service worker has them for offline use). Failures are left for
/// the click to report.
pub async fn preload() {
    use crate::effects::use_idle::{after, idle};
    // At once: the examples menu, on the first screen, reads its documents with the reader.
    let _ = crate::effects::reader::reader().await;
    // The views' chunks a while later, each in an idle moment of its own.
    after(VIEWS_AFTER_MS).await;
    let loaders = [
        &IM2COL.loader,
        &TRANSPOSED.loader,
        &BACKPROP.loader,
        &PRACTICE.loader,
        &NUMBER_PANEL.loader,
        &EXPORT.loader,
        &IMAGE.loader,
        &NETWORK.loader,
    ];
    for chunk in loaders {
        idle().await;
        let _ = chunk.fetch().await;
    }
    idle().await;
    let _ = crate::effects::figures::fetch().await;
}

#[derive(Properties, PartialEq)]
pub struct LazyProps {
    pub chunk: &'static Loader,
    pub props: Erased,
}

/// A chunk's component: built at once when fetched, else a placeholder until
/// it is, or a message with a retry if the fetch failed. The rest of the app
/// keeps working either way.
#[component]
pub fn Lazy(props: &LazyProps) -> Html {
    let chunk = props.chunk;
    let made = use_state(|| chunk.made.get().copied());
    let failed = use_state(|| false);
    // Each retry is a new attempt: the effect runs again.
    let attempt = use_state(|| 0_u32);
    {
        let (made, failed) = (made.clone(), failed.clone());
        use_effect_with(*attempt, move |_| {
            if made.is_none() {
                wasm_bindgen_futures::spawn_local(async move {
                    match chunk.fetch().await {
                        Ok(make) => made.set(Some(make)),
                        Err(Missing) => failed.set(true),
                    }
                });
            }
        });
    }
    // Drawn after a wait: the app did not render, so say the layout changed.
    let waited = use_mut_ref(|| made.is_none());
    use_effect_with(made.is_some(), move |ready| {
        if *ready && std::mem::replace(&mut *waited.borrow_mut(), false) {
            crate::effects::browser::announce_layout();
        }
    });
    match (*made, *failed) {
        (Some(make), _) => make(props.props.value.clone()),
        (None, true) => {
            let retry = {
                let (failed, attempt) = (failed.clone(), attempt.clone());
                Callback::from(move |_: MouseEvent| {
                    failed.set(false);
                    attempt.set(*attempt + 1);
                })
            };
            html! {
                <div class="chunk-missing" role="alert" data-chunk-missing="">
                    <p>{ format!("Could not load {} (offline, or a new version of ConvScope replaced it). \
                        The rest of the page still works.", chunk.what) }</p>
                    <button type="button" onclick={retry}>{ "Retry" }</button>
                </div>
            }
        }
        (None, false) => html! {
            <div class="chunk-loading" role="status" aria-busy="true">{ format!("Loading {}\u{2026}", chunk.what) }</div>
        },
    }
}
