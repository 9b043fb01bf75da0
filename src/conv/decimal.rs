//! Decimal text for `f64` without core's float formatting (`flt2dec`:
//! Grisu, Dragon, their tables) and float parsing (`dec2flt`: Eisel-Lemire
//! and its 10 KB table of powers of five), which together cost ~20 KB of the
//! gzipped wasm. The shortest round-trip digits come from `zmij`, the
//! formatter serde_json already carries; rounding them to fewer digits and
//! parsing are exact, with the few ambiguous cases decided by comparing big
//! integers, so every result is the one core gives (fuzzed against core in
//! the tests).

use std::cmp::Ordering;

/// `v`'s shortest round-trip digits: `v = 0.d1d2… × 10^point`, no leading
/// or trailing zero digits. `v` is finite and nonzero; its sign is ignored.
fn shortest(v: f64) -> (Vec<u8>, i32) {
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(v.abs()).as_bytes();
    let mut digits = Vec::with_capacity(24);
    let mut point = None;
    let mut exp = 0i32;
    let mut exp_neg = false;
    let mut in_exp = false;
    for &c in text {
        match c {
            b'.' => point = Some(digits.len() as i32),
            b'e' => in_exp = true,
            b'-' => exp_neg = true,
            b'0'..=b'9' if in_exp => exp = exp * 10 + i32::from(c - b'0'),
            b'0'..=b'9' => digits.push(c - b'0'),
            _ => {}
        }
    }
    let mut point = point.unwrap_or(digits.len() as i32) + if exp_neg { -exp } else { exp };
    let lead = digits.iter().take_while(|&&d| d == 0).count();
    digits.drain(..lead);
    point -= lead as i32;
    while digits.last() == Some(&0) {
        digits.pop();
    }
    // When `v` lies exactly halfway between two shortest candidates (only
    // possible with 16 or 17 digits), core picks the upper one, zmij the even one.
    if digits.len() >= 16 {
        let mut half = digits.clone();
        half.push(5);
        let (m, e) = decompose(v.abs());
        if cmp_dec_bin(&half, point - half.len() as i32, m, e) == Ordering::Equal {
            increment(&mut digits, &mut point);
        }
    }
    (digits, point)
}

/// Adds one unit in the last place of `0.digits × 10^point`.
fn increment(digits: &mut Vec<u8>, point: &mut i32) {
    while digits.last() == Some(&9) {
        digits.pop();
    }
    match digits.last_mut() {
        Some(d) => *d += 1,
        None => {
            digits.push(1);
            *point += 1;
        }
    }
}

/// Rounds `digits` (of `v`, as from [`shortest`]) to `keep` significant
/// digits, ties to even on the exact value, as core's `{:.N}` and `{:.Ne}`
/// do. Exact for `keep <= 15`: then a rounding boundary can only fall between
/// `v` and its shortest digits when those digits are the boundary itself.
fn round(v: f64, digits: &mut Vec<u8>, point: &mut i32, keep: i32) {
    if keep >= digits.len() as i32 {
        return;
    }
    if keep < 0 {
        digits.clear();
        return;
    }
    let k = keep as usize;
    let up = match digits[k].cmp(&5) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal if digits.len() > k + 1 => true,
        Ordering::Equal => {
            let (m, e) = decompose(v.abs());
            match cmp_dec_bin(digits, *point - digits.len() as i32, m, e) {
                Ordering::Less => true,
                Ordering::Greater => false,
                Ordering::Equal => k > 0 && digits[k - 1] % 2 == 1,
            }
        }
    };
    digits.truncate(k);
    if up {
        increment(digits, point);
    }
}

/// Writes `0.digits × 10^point` in positional form with `decimals` digits
/// after the point (none and no point when 0).
fn layout(out: &mut String, digits: &[u8], point: i32, decimals: usize) {
    let digit =
        |i: i32| if i >= 0 && (i as usize) < digits.len() { char::from(b'0' + digits[i as usize]) } else { '0' };
    if point <= 0 {
        out.push('0');
    }
    for i in 0..point {
        out.push(digit(i));
    }
    if decimals > 0 {
        out.push('.');
        for i in point..point + decimals as i32 {
            out.push(digit(i));
        }
    }
}

fn sign(v: f64) -> String {
    if v.is_sign_negative() { "-".to_string() } else { String::new() }
}

/// `v.to_string()`: the shortest text that reads back as `v`, never in
/// exponent form (`0.0000001`, `-0`, `NaN`, `inf`).
pub fn display(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    let mut out = sign(v);
    if v.is_infinite() {
        out.push_str("inf");
    } else if v == 0.0 {
        out.push('0');
    } else {
        let (digits, point) = shortest(v);
        layout(&mut out, &digits, point, (digits.len() as i32 - point).max(0) as usize);
    }
    out
}

/// `format!("{v:.decimals$}")` for finite `v` with at most 15 significant
/// digits kept (`point + decimals <= 15`).
pub fn fixed(v: f64, decimals: usize) -> String {
    let mut out = sign(v);
    let (mut digits, mut point) = if v == 0.0 { (Vec::new(), 0) } else { shortest(v) };
    let keep = point + decimals as i32;
    round(v, &mut digits, &mut point, keep);
    layout(&mut out, &digits, point, decimals);
    out
}

/// `format!("{v:.decimals$e}")` for finite nonzero `v`, `decimals <= 14`.
pub fn exponent(v: f64, decimals: usize) -> String {
    let mut out = sign(v);
    let (mut digits, mut point) = shortest(v);
    round(v, &mut digits, &mut point, decimals as i32 + 1);
    layout(&mut out, &digits, 1, decimals);
    out.push('e');
    out.push_str(&(point - 1).to_string());
    out
}

/// `v = m × 2^e` for finite `v >= 0`.
fn decompose(v: f64) -> (u64, i32) {
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    if exp == 0 { (frac, -1074) } else { (frac | 1 << 52, exp - 1075) }
}

/// A little-endian big unsigned integer, just enough to compare
/// `digits × 10^q` with `m × 2^e` exactly.
struct Big(Vec<u32>);

impl Big {
    fn mul_add(&mut self, mul: u32, add: u32) {
        let mut carry = u64::from(add);
        for w in &mut self.0 {
            let x = u64::from(*w) * u64::from(mul) + carry;
            *w = x as u32;
            carry = x >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }
    fn shl(&mut self, bits: u32) {
        let (words, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0;
            for w in &mut self.0 {
                let x = (u64::from(*w) << bits) | carry;
                *w = x as u32;
                carry = x >> 32;
            }
            if carry > 0 {
                self.0.push(carry as u32);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, words));
    }
    fn cmp(&mut self, other: &mut Big) -> Ordering {
        for b in [&mut *self, &mut *other] {
            while b.0.last() == Some(&0) {
                b.0.pop();
            }
        }
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

/// Compares `digits × 10^q` (decimal digits, most significant first) with
/// `m × 2^e`, exactly.
fn cmp_dec_bin(digits: &[u8], q: i32, m: u64, e: i32) -> Ordering {
    let mut a = Big(Vec::new());
    for &d in digits {
        a.mul_add(10, u32::from(d));
    }
    let mut b = Big(vec![m as u32, (m >> 32) as u32]);
    // 10^q = 5^q × 2^q.
    let five = if q >= 0 { &mut a } else { &mut b };
    for _ in 0..q.unsigned_abs() {
        five.mul_add(5, 0);
    }
    if q >= e {
        a.shl((q - e) as u32)
    } else {
        b.shl((e - q) as u32)
    }
    a.cmp(&mut b)
}

/// Significant digits kept when parsing; the rest only count as "nonzero".
/// Every halfway point between two `f64`s has at most 767 significant digits.
const MAX_DIGITS: usize = 800;

/// `text.parse::<f64>().ok()`: the same syntax (`1`, `-2.5`, `.5`, `5.`,
/// `1e-3`, `+1E3`, `inf`, `infinity`, `nan` in any case) and the same
/// correctly rounded value.
pub fn parse(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let (negative, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let v = if b.eq_ignore_ascii_case(b"inf") || b.eq_ignore_ascii_case(b"infinity") {
        f64::INFINITY
    } else if b.eq_ignore_ascii_case(b"nan") {
        f64::NAN
    } else {
        parse_decimal(b)?
    };
    Some(if negative { -v } else { v })
}

fn parse_decimal(b: &[u8]) -> Option<f64> {
    let mut digits: Vec<u8> = Vec::new();
    let mut q: i64 = 0;
    let mut i = 0;
    let mut any = false;
    while i < b.len() && b[i].is_ascii_digit() {
        digits.push(b[i] - b'0');
        i += 1;
        any = true;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            digits.push(b[i] - b'0');
            q -= 1;
            i += 1;
            any = true;
        }
    }
    if !any {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        let negative = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut exp: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            exp = (exp * 10 + i64::from(b[i] - b'0')).min(1 << 40);
            i += 1;
        }
        if i == start {
            return None;
        }
        q += if negative { -exp } else { exp };
    }
    if i != b.len() {
        return None;
    }
    let lead = digits.iter().take_while(|&&d| d == 0).count();
    digits.drain(..lead);
    while digits.last() == Some(&0) {
        digits.pop();
        q += 1;
    }
    if digits.is_empty() {
        return Some(0.0);
    }
    if digits.len() > MAX_DIGITS {
        let dropped = digits.len() - MAX_DIGITS;
        digits.truncate(MAX_DIGITS);
        q += dropped as i64;
        // Trailing zeros were stripped, so something nonzero was dropped.
        digits.push(1);
        q -= 1;
    }
    // value = 0.digits × 10^point
    let point = digits.len() as i64 + q;
    if point > 310 {
        return Some(f64::INFINITY);
    }
    if point < -324 {
        return Some(0.0);
    }
    let q = q as i32;
    // A first guess a few units in the last place off, then exact steps.
    let head = digits.len().min(19);
    let n = digits[..head].iter().fold(0u64, |n, &d| n * 10 + u64::from(d)) as f64;
    let p = q + (digits.len() - head) as i32;
    let mut z = if p < -300 {
        n * 10f64.powi(p + 300) * 1e-300
    } else if p > 300 {
        n * 10f64.powi(p - 300) * 1e300
    } else {
        n * 10f64.powi(p)
    };
    if !z.is_finite() {
        z = f64::MAX;
    }
    let odd = |z: f64| z.to_bits() & 1 == 1;
    // Compares the text's value with the midpoint of adjacent `a < b`.
    let vs_mid = |a: f64, b: f64| {
        let ((ma, ea), (mb, eb)) = (decompose(a), decompose(b));
        let e0 = ea.min(eb);
        cmp_dec_bin(&digits, q, (ma << (ea - e0)) + (mb << (eb - e0)), e0 - 1)
    };
    loop {
        if z == f64::MAX {
            // Halfway to 2^1024 rounds (to even) to infinity.
            if cmp_dec_bin(&digits, q, (1 << 54) - 1, 970) != Ordering::Less {
                return Some(f64::INFINITY);
            }
        } else {
            let up = z.next_up();
            match vs_mid(z, up) {
                Ordering::Greater => {
                    z = up;
                    continue;
                }
                Ordering::Equal if odd(z) => {
                    z = up;
                    continue;
                }
                _ => {}
            }
        }
        if z > 0.0 {
            let down = z.next_down();
            match vs_mid(down, z) {
                Ordering::Less => {
                    z = down;
                    continue;
                }
                Ordering::Equal if odd(z) => {
                    z = down;
                    continue;
                }
                _ => {}
            }
        }
        return Some(z);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    fn values(n: usize) -> Vec<f64> {
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        let mut out = vec![0.5, 1.5, 2.5, 12.125, 1234.5, 0.0005, 0.00125, 9.9995, 99999.5, 999999.5, 1e-7, 1.2345e20];
        for _ in 0..n {
            let x = r.next();
            out.push(match x % 4 {
                // Any bit pattern.
                0 => f64::from_bits(r.next()),
                // Dyadic values (exact ties are common among them).
                1 => (r.next() % 2_000_000) as f64 / (1u64 << (r.next() % 24)) as f64,
                // Short decimals at every magnitude.
                2 => format!("{}e{}", r.next() % 100_000, (r.next() % 60) as i64 - 30).parse().unwrap_or(0.0),
                _ => (r.next() as i64 as f64) / 1e10,
            });
        }
        out.into_iter().flat_map(|v| [v, -v]).collect()
    }

    #[test]
    fn display_fixed_and_exponent_match_core() {
        for v in values(20_000) {
            assert_eq!(display(v), v.to_string(), "{v:?}");
            if v.is_finite() {
                for d in 0..=6 {
                    if v.abs() < 1e8 {
                        assert_eq!(fixed(v, d), format!("{v:.d$}"), "{v:?} {d}");
                    }
                }
                if v != 0.0 {
                    for d in [0, 3, 5] {
                        assert_eq!(exponent(v, d), format!("{v:.d$e}"), "{v:?} {d}");
                    }
                }
            }
        }
    }

    #[test]
    fn parse_matches_core() {
        let mut r = Rng(12345);
        let mut texts: Vec<String> = [
            "",
            ".",
            "-",
            "+",
            "e5",
            "1e",
            "1e+",
            "1.",
            ".5",
            "+.5e-3",
            "-0",
            "0e999999999999",
            "1e400",
            "-1e400",
            "1e-400",
            "inf",
            "-Infinity",
            "NaN",
            "nan",
            "infin",
            "1_0",
            " 1",
            "1 ",
            "0x10",
            "1e+5",
            "1E5",
            "--1",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "179769313486231580793728971405301e276",
            "9007199254740993",
            "9007199254740992.5",
            "9007199254740993.0000000000000000000000000000000000001",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        texts.push(format!("0.{}1", "0".repeat(900)));
        texts.push(format!("1{}e-900", "0".repeat(900)));
        texts.push(format!("9007199254740992{}1", "0".repeat(1000)).replacen("92", "92.5", 1));
        for v in values(10_000) {
            texts.push(v.to_string());
            texts.push(format!("{v:e}"));
            // Midway to the next value up: (v + next_up(v)) / 2, exactly.
            if v.is_finite() && v > 0.0 && v < f64::MAX {
                let up = v.next_up();
                texts.push(format!("{:.1100e}", v).trim_end_matches('0').to_string());
                let (m, e) = decompose(v);
                let (mu, eu) = decompose(up);
                let e0 = e.min(eu);
                let mid = ((m << (e - e0)) + (mu << (eu - e0))) as u128;
                // mid × 2^(e0-1) in decimal via repeated halving/doubling of a digit string.
                let mut big = Big(vec![mid as u32, (mid >> 32) as u32, (mid >> 64) as u32]);
                let s = e0 - 1;
                let (digits, q) = if s >= 0 {
                    big.shl(s as u32);
                    (to_decimal(big), 0)
                } else {
                    for _ in 0..-s {
                        big.mul_add(5, 0);
                    }
                    (to_decimal(big), s)
                };
                let text = format!("{digits}e{q}");
                texts.push(text.clone());
                texts.push(format!("{digits}1e{}", q - 1));
                texts.push(format!("{}e{q}", digits.trim_end_matches('5').to_string() + "49"));
            }
        }
        for _ in 0..20_000 {
            let len = 1 + r.next() % 25;
            let mut s: String = (0..len).map(|_| char::from(b'0' + (r.next() % 10) as u8)).collect();
            if r.next().is_multiple_of(2) {
                s.insert((r.next() % len) as usize, '.');
            }
            if r.next().is_multiple_of(2) {
                s = format!("{s}e{}", (r.next() % 700) as i64 - 350);
            }
            texts.push(s);
        }
        for t in &texts {
            let want = t.parse::<f64>().ok();
            let got = parse(t);
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{t:?}: got {got:?}, want {want:?}");
        }
    }

    fn to_decimal(mut big: Big) -> String {
        // Repeated division by 10.
        let mut out = Vec::new();
        while big.0.iter().any(|&w| w != 0) {
            let mut rem = 0u64;
            for w in big.0.iter_mut().rev() {
                let x = (rem << 32) | u64::from(*w);
                *w = (x / 10) as u32;
                rem = x % 10;
            }
            out.push(b'0' + rem as u8);
        }
        out.reverse();
        String::from_utf8(out).unwrap_or_default()
    }
}
