//! How numbers are written for people: integers without decimals, other
//! values to four significant digits. Full precision lives in `data-value`
//! and in tooltips; this is only what fits in a cell.

use crate::conv::{Dims, decimal};

/// Short form of `v` for a matrix cell or an equation.
pub fn short(v: f64) -> String {
    if !v.is_finite() {
        return decimal::display(v);
    }
    if v == 0.0 {
        // Avoid "-0": a learner reads it as a mistake.
        return "0".to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return (v as i64).to_string();
    }
    let magnitude = v.abs().log10().floor() as i32;
    if (-3..6).contains(&magnitude) {
        let decimals = (3 - magnitude).max(0) as usize;
        let text = decimal::fixed(v, decimals);
        let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
        if text == "-0" { "0".to_string() } else { text.to_string() }
    } else {
        // Trailing zeros of the mantissa dropped ("1e308", not "1.000e308"):
        // a cell is about four characters wide and clipped the longer form to "1.00".
        let text = decimal::exponent(v, 3);
        match text.split_once('e') {
            Some((mantissa, exp)) if mantissa.contains('.') => {
                format!("{}e{exp}", mantissa.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => text,
        }
    }
}

/// A sum's result: `short(v)`, and where it is not finite (the terms are:
/// a cell cannot hold infinity or NaN), why: the sum overflowed.
pub fn total(v: f64) -> String {
    if v.is_finite() {
        short(v)
    } else {
        format!("{} (the sum overflowed: beyond \u{00B1}1.8e308, the largest number a float64 holds)", short(v))
    }
}

/// Full precision: the shortest text that reads back as the same `f64`.
pub fn full(v: f64) -> String {
    if v == 0.0 { "0".to_string() } else { decimal::display(v) }
}

/// `short(v)`, in parentheses when negative, for use as a factor: `(-2)`.
pub fn factor(v: f64) -> String {
    let s = short(v);
    if s.starts_with('-') { format!("({s})") } else { s }
}

/// `v` as a term added to a sum, with its sign: `+4`, `-4` (subtraction
/// written as subtraction, never `+(-4)`).
pub fn signed(v: f64) -> String {
    let s = short(v);
    if s.starts_with('-') { s } else { format!("+{s}") }
}

/// Terms joined into a sum: ` + t`, or ` - 4` for a term that is a lone
/// negative number (`(-4)`), so a subtraction reads as one.
fn join(terms: impl IntoIterator<Item = String>) -> String {
    let mut out = String::new();
    for (k, term) in terms.into_iter().enumerate() {
        let negative = term.strip_prefix("(-").and_then(|t| t.strip_suffix(')')).filter(|t| !t.contains(['(', '*']));
        match (k, negative) {
            (0, Some(n)) => out += &format!("-{n}"),
            (0, None) => out += &term,
            (_, Some(n)) => out += &format!(" - {n}"),
            (_, None) => out += &format!(" + {term}"),
        }
    }
    out
}

/// Terms an equation writes out before it elides the middle: a learner reads
/// the pattern from the first ones and the last one, and a sum of 4,096
/// products (a weight gradient at 64x64) would otherwise fill the screen.
pub const SHOWN_TERMS: usize = 24;

/// Like [`sum`] for `count` parts made by `part(k)`, making only the ones shown.
pub fn sum_with(count: usize, part: impl Fn(usize) -> String) -> String {
    if count <= SHOWN_TERMS {
        return join((0..count).map(part));
    }
    let hidden = count - SHOWN_TERMS;
    let elided = format!("\u{2026} ({hidden} more) \u{2026}");
    join((0..SHOWN_TERMS - 1).map(&part).chain([elided, part(count - 1)]))
}

/// `a + b + c`, or for long sums `a + b + … + z` with the count of elided terms:
/// `t0 + ... + t22 + … (4072 more) … + t4095`.
pub fn sum(parts: &[String]) -> String {
    sum_with(parts.len(), |k| parts[k].clone())
}

/// An index label such as `x[0,1]`, `w[1,0,2,1]` or (1D) `y[3]`: the
/// channel indices (omitted when `channels` is `None`), then the row (2D
/// only), then the column.
pub fn label(name: &str, dims: Dims, channels: Option<&[usize]>, pos: [usize; 2]) -> String {
    let mut parts: Vec<String> = channels.unwrap_or(&[]).iter().map(usize::to_string).collect();
    if dims == Dims::Two {
        parts.push(pos[0].to_string());
    }
    parts.push(pos[1].to_string());
    format!("{name}[{}]", parts.join(","))
}

/// Where a window is, in words: `row 1, column 2` (1D: `position 2`).
pub fn position(dims: Dims, [row, column]: [usize; 2]) -> String {
    if dims == Dims::Two { format!("row {row}, column {column}") } else { format!("position {column}") }
}

/// 12,800: thousands grouped, as the examples' notes write them.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, ch) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands() {
        assert_eq!([0, 999, 1000, 12800, 1234567].map(grouped), ["0", "999", "1,000", "12,800", "1,234,567"]);
    }

    #[test]
    fn short_forms() {
        assert_eq!(short(2.0), "2");
        assert_eq!(short(-5.0), "-5");
        assert_eq!(short(-0.0), "0");
        assert_eq!(short(1.0 / 3.0), "0.3333");
        assert_eq!(short(12.3456), "12.35");
        assert_eq!(short(-0.5), "-0.5");
        assert_eq!(short(1234.5678), "1235");
        assert_eq!(short(1e-7), "1e-7");
        assert_eq!(short(1e308), "1e308");
        assert_eq!(short(-1.5e-9), "-1.5e-9");
        assert_eq!(short(1.23456e20), "1.235e20");
        assert_eq!(factor(-2.0), "(-2)");
        assert_eq!(full(0.1), "0.1");
        assert_eq!(total(2.5), "2.5");
        assert!(total(f64::NEG_INFINITY).starts_with("-inf (the sum overflowed"), "{}", total(f64::NEG_INFINITY));
        assert!(total(f64::NAN).contains("overflowed"));
        assert_eq!(full(-3.0), "-3");
        let parts: Vec<String> = (0..30).map(|k| k.to_string()).collect();
        assert_eq!(sum(&parts[..3]), "0 + 1 + 2");
        let long = sum(&parts);
        assert!(long.starts_with("0 + 1 + "), "{long}");
        assert!(long.ends_with("22 + \u{2026} (6 more) \u{2026} + 29"), "{long}");
        assert_eq!(sum_with(30, |k| k.to_string()), long);
        assert_eq!(sum_with(3, |k| k.to_string()), "0 + 1 + 2");
        // Subtraction as subtraction: a lone negative term, never `+ (-4)`; products keep their brackets.
        let terms = ["(-1)*2".to_string(), "3".into(), "(-4)".into(), "(-0.5)".into()];
        assert_eq!(sum(&terms), "(-1)*2 + 3 - 4 - 0.5");
        assert_eq!(sum(&["(-4)".to_string(), "1".into()]), "-4 + 1");
        assert_eq!((signed(4.0), signed(-4.0), signed(0.0)), ("+4".into(), "-4".into(), "+0".into()));
    }
}
