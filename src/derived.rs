//! Everything the views display, computed by the core from the configuration.
//! The app memoises this on the problem (not on the step), so stepping only
//! re-renders and an edit recomputes once.

use std::rc::Rc;

use crate::conv::{
    BackwardTrace, Config, ConfigError, ConvError, ForwardTrace, Im2col, MatrixForm, TransposedTrace, View,
    ZeroInsertedConv, conv_transpose2d_trace, conv2d_backward, conv2d_trace, im2col, matrix_form, zero_inserted_conv,
};

/// The results the current view needs (the others stay `None`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Derived {
    /// Why nothing could be computed: the core's message, with the field to mark.
    pub error: Option<ConfigError>,
    pub forward: Option<Rc<ForwardTrace>>,
    pub im2col: Option<Rc<Im2col>>,
    pub transposed: Option<Rc<TransposedTrace>>,
    pub zero_inserted: Option<Rc<ZeroInsertedConv>>,
    /// The matrix form, or why it is not shown (too large).
    pub matrix: Option<Result<Rc<MatrixForm>, ConvError>>,
    pub backward: Option<Rc<BackwardTrace>>,
}

impl Derived {
    /// Computes what `view` shows for `config` (its `step` is ignored).
    pub fn compute(config: &Config, view: View) -> Derived {
        match Derived::try_compute(config, view) {
            Ok(d) => d,
            Err(error) => Derived { error: Some(error), ..Derived::default() },
        }
    }

    fn try_compute(c: &Config, view: View) -> Result<Derived, ConfigError> {
        c.validate()?;
        let mut d = Derived::default();
        let bias = c.bias.as_ref();
        if c.op.is_transposed() {
            let p = c.transpose_params();
            d.transposed = Some(Rc::new(conv_transpose2d_trace(&c.input, &c.weight, bias, &p)?));
            d.zero_inserted = Some(Rc::new(zero_inserted_conv(&c.input, &c.weight, bias, &p)?));
            d.matrix = Some(matrix_form(&c.input, &c.weight, &p).map(Rc::new));
        } else {
            let p = c.conv_params();
            match view {
                View::Backprop => {
                    let dy = c.grad_output_or_ones()?;
                    let b = conv2d_backward(&c.input, &c.weight, bias, &dy, &p)?;
                    d.forward = Some(Rc::new(b.forward.clone()));
                    d.backward = Some(Rc::new(b));
                }
                View::Im2col => {
                    d.im2col = Some(Rc::new(im2col(&c.input, &c.weight, bias, &p)?));
                    d.forward = Some(Rc::new(conv2d_trace(&c.input, &c.weight, bias, &p)?));
                }
                _ => d.forward = Some(Rc::new(conv2d_trace(&c.input, &c.weight, bias, &p)?)),
            }
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_view_gets_its_results() {
        let c = Config::default();
        let d = Derived::compute(&c, View::Forward);
        assert!(d.forward.is_some() && d.error.is_none());
        let d = Derived::compute(&c, View::Im2col);
        assert!(d.im2col.is_some());
        let d = Derived::compute(&c, View::Backprop);
        assert_eq!(d.backward.map(|b| b.grad_bias.len()), Some(1));
        let bad = Config { dilation: [3, 3], ..Config::default() };
        let d = Derived::compute(&bad, View::Forward);
        assert_eq!(d.error.map(|e| e.path), Some("dilation".to_string()));
    }
}
