//! NumPy's legacy generator, `numpy.random.seed(n)` then `randint(low, high,
//! size)`: conv_arithmetic's `bin/produce_figure` draws its numerical figures'
//! input and kernel this way, so the gallery redraws them with the paper's own
//! numbers (and draws the other figures' numbers the same way).
//!
//! The Mersenne Twister MT19937 (Matsumoto and Nishimura), seeded as NumPy's
//! `RandomState` seeds it (`init_genrand`), and NumPy's bounded draw: each
//! value is a 32-bit output masked to the smallest power of two above the
//! range, drawn again while it falls past the range.

const N: usize = 624;
const M: usize = 397;

/// `numpy.random.RandomState(seed)`, for its `randint`.
pub struct RandomState {
    state: [u32; N],
    index: usize,
}

impl RandomState {
    /// `numpy.random.seed(seed)`.
    pub fn new(seed: u32) -> RandomState {
        let mut state = [0u32; N];
        state[0] = seed;
        for i in 1..N {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        RandomState { state, index: N }
    }

    fn regenerate(&mut self) {
        for i in 0..N {
            let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % N] & 0x7fff_ffff);
            let mag = if y & 1 == 1 { 0x9908_b0df } else { 0 };
            self.state[i] = self.state[(i + M) % N] ^ (y >> 1) ^ mag;
        }
        self.index = 0;
    }

    /// The next 32-bit output (`genrand_int32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.regenerate();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `randint(low, high)`: one integer in `low..high` (`high > low`), as NumPy draws it.
    pub fn randint(&mut self, low: i64, high: i64) -> i64 {
        let range = (high - low - 1) as u32; // inclusive, as NumPy's bounded draw takes it
        if range == 0 {
            return low;
        }
        let mask = u32::MAX >> range.leading_zeros();
        loop {
            let v = self.next_u32() & mask;
            if v <= range {
                return low + i64::from(v);
            }
        }
    }

    /// `randint(low, high, size=n)`, in C order.
    pub fn randints(&mut self, low: i64, high: i64, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.randint(low, high) as f64).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_sequence_of_mt19937() {
        // init_genrand(5489), the reference implementation's default seed: its first outputs.
        let mut rng = RandomState::new(5489);
        let first: Vec<u32> = (0..3).map(|_| rng.next_u32()).collect();
        assert_eq!(first, [3_499_211_612, 581_869_302, 3_890_346_734]);
    }

    #[test]
    fn seed_1234_gives_the_papers_first_figure() {
        // conv_arithmetic's numerical_no_padding_no_strides (issue #24 quotes them).
        let mut rng = RandomState::new(1234);
        #[rustfmt::skip]
        assert_eq!(rng.randints(0, 4, 25), [
            3., 3., 2., 1., 0.,
            0., 0., 1., 3., 1.,
            3., 1., 2., 2., 3.,
            2., 0., 0., 2., 2.,
            2., 0., 0., 0., 1.,
        ]);
        assert_eq!(rng.randints(0, 3, 9), [0., 1., 2., 2., 2., 0., 0., 1., 2.]);
    }
}
