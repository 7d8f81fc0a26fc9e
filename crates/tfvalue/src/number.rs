//! cty numbers are arbitrary-precision decimals (plus the two infinities).
//!
//! go-cty keeps numbers as `big.Float` with 512 bits of mantissa; we keep
//! exact decimals instead. The two agree on every number Terraform produces
//! from configuration or state (decimal literals far below 150 significant
//! digits) and on every float64, so encodings round-trip byte for byte.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use bigdecimal::num_bigint::{BigInt, Sign};
use bigdecimal::{BigDecimal, Pow, ToPrimitive, Zero};

/// A cty number. Finite values are exact decimals; cty also admits ±infinity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Number {
    /// A finite decimal.
    Finite(BigDecimal),
    /// Positive infinity.
    PosInfinity,
    /// Negative infinity.
    NegInfinity,
}

/// Why a string or float is not a cty number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// The text is not a decimal number (cty's own message).
    #[error("a number is required")]
    Syntax,
    /// A float that is not a number.
    #[error("NaN is not a number")]
    NaN,
    /// Accepting it would let a ten-byte input expand into a gigabyte of digits.
    #[error("number exponent out of range (at most {MAX_DECIMAL_EXPONENT} decimal places)")]
    ExponentOutOfRange,
}

/// Largest decimal exponent magnitude accepted when parsing. go-cty would go
/// further (binary exponents up to 2^31), but printing such a number again
/// takes hundreds of megabytes; no real Terraform value comes near this.
pub const MAX_DECIMAL_EXPONENT: i64 = 100_000;

/// Largest `p` (power of two) exponent magnitude accepted when parsing.
const MAX_BINARY_EXPONENT: i64 = 10_000;

impl Number {
    /// The number `v`.
    pub fn from_i64(v: i64) -> Self {
        Number::Finite(BigDecimal::from(v))
    }

    /// The number `v`.
    pub fn from_u64(v: u64) -> Self {
        Number::Finite(BigDecimal::from(v))
    }

    /// The exact value of `v` (cty's `NumberFloatVal`): `0.1f64` becomes the
    /// decimal expansion of the nearest binary fraction, not `0.1`.
    /// Infinities map to the cty infinities; NaN has no cty counterpart.
    pub fn from_f64(v: f64) -> Result<Self, NumberError> {
        if v.is_nan() {
            return Err(NumberError::NaN);
        }
        if v.is_infinite() {
            return Ok(if v > 0.0 {
                Number::PosInfinity
            } else {
                Number::NegInfinity
            });
        }
        Ok(Number::Finite(exact_decimal_of_f64(v)))
    }

    /// Parses a decimal number the way cty's `ParseNumberVal` (Go's
    /// `big.ParseFloat` in base 10) does: optional sign, digits with an
    /// optional fraction, an optional `e`/`E` (power of ten) or `p`/`P`
    /// (power of two) exponent, or `Inf`/`inf`.
    pub fn parse(s: &str) -> Result<Self, NumberError> {
        parse_number(s)
    }

    /// Zero.
    pub fn zero() -> Self {
        Number::Finite(BigDecimal::zero())
    }

    /// Whether it is finite.
    pub fn is_finite(&self) -> bool {
        matches!(self, Number::Finite(_))
    }

    /// Whether it is a whole number.
    pub fn is_integer(&self) -> bool {
        match self {
            Number::Finite(d) => decimal_is_integer(d),
            _ => false,
        }
    }

    /// The decimal, when finite.
    pub fn as_bigdecimal(&self) -> Option<&BigDecimal> {
        match self {
            Number::Finite(d) => Some(d),
            _ => None,
        }
    }

    /// The value as an `i64` when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        let Number::Finite(d) = self else {
            return None;
        };
        let (digits, scale) = d.as_bigint_and_scale();
        if scale == 0 {
            return digits.to_i64();
        }
        integer_digits(d)?.to_i64()
    }

    /// The value as a `u64` when it is a non-negative integer in range.
    pub fn to_u64(&self) -> Option<u64> {
        let Number::Finite(d) = self else {
            return None;
        };
        let (digits, scale) = d.as_bigint_and_scale();
        if scale == 0 {
            return digits.to_u64();
        }
        integer_digits(d)?.to_u64()
    }

    /// The nearest `f64` (round half to even); `None` only when a finite
    /// number lies beyond the `f64` range. Infinities map to infinities.
    pub fn to_f64(&self) -> Option<f64> {
        match self {
            Number::PosInfinity => Some(f64::INFINITY),
            Number::NegInfinity => Some(f64::NEG_INFINITY),
            Number::Finite(d) => {
                let f = nearest_f64(d)?;
                f.is_finite().then_some(f)
            }
        }
    }

    /// The value as an `f64` only when the conversion loses nothing.
    pub fn to_f64_exact(&self) -> Option<f64> {
        match self {
            Number::Finite(d) => {
                let f = self.to_f64()?;
                (exact_decimal_of_f64(f) == *d).then_some(f)
            }
            _ => self.to_f64(),
        }
    }
}

impl Default for Number {
    fn default() -> Self {
        Number::zero()
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Numeric order: −∞ < every finite number < +∞; `1` and `1.0` are equal.
impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        fn rank(n: &Number) -> u8 {
            match n {
                Number::NegInfinity => 0,
                Number::Finite(_) => 1,
                Number::PosInfinity => 2,
            }
        }
        match (self, other) {
            (Number::Finite(a), Number::Finite(b)) => a.cmp(b),
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

/// cty's canonical text (`big.Float.Text('f', -1)`): plain decimal notation,
/// no exponent, no trailing fractional zeros, integers without `.0`;
/// infinities print as `+Inf` / `-Inf`.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::PosInfinity => f.write_str("+Inf"),
            Number::NegInfinity => f.write_str("-Inf"),
            Number::Finite(d) => f.write_str(&plain_decimal(d)),
        }
    }
}

impl FromStr for Number {
    type Err = NumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_number(s)
    }
}

macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Self {
                Number::Finite(BigDecimal::from(v))
            }
        }
    )*};
}
number_from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl From<BigDecimal> for Number {
    fn from(v: BigDecimal) -> Self {
        Number::Finite(v)
    }
}

impl TryFrom<f64> for Number {
    type Error = NumberError;

    fn try_from(v: f64) -> Result<Self, Self::Error> {
        Number::from_f64(v)
    }
}

fn decimal_is_integer(d: &BigDecimal) -> bool {
    let (digits, scale) = d.as_bigint_and_scale();
    scale <= 0 || digits.is_zero() || trailing_decimal_zeros(&digits) >= scale as u64
}

/// How many times 10 divides `n` (0 for zero, which callers handle).
fn trailing_decimal_zeros(n: &BigInt) -> u64 {
    if n.is_zero() {
        return 0;
    }
    let s = n.magnitude().to_str_radix(10);
    s.bytes().rev().take_while(|&b| b == b'0').count() as u64
}

/// The integer a finite decimal equals, or `None` when it has a fraction or
/// would exceed `u64`/`i64` range anyway (scale < -19 means ≥ 10^20).
fn integer_digits(d: &BigDecimal) -> Option<BigInt> {
    let (digits, scale) = d.as_bigint_and_scale();
    if digits.is_zero() {
        return Some(BigInt::zero());
    }
    if scale < 0 {
        if scale < -19 {
            return None;
        }
        return Some(digits.into_owned() * pow10(scale.unsigned_abs()));
    }
    if !decimal_is_integer(d) {
        return None;
    }
    Some(digits.into_owned() / pow10(scale as u64))
}

fn pow10(exp: u64) -> BigInt {
    Pow::pow(BigInt::from(10u8), exp)
}

/// Plain decimal text of `d`, whatever its scale.
pub(crate) fn plain_decimal(d: &BigDecimal) -> String {
    let (digits, scale) = d.as_bigint_and_scale();
    if digits.is_zero() {
        return "0".to_owned();
    }
    let negative = digits.sign() == Sign::Minus;
    let mut mag = digits.magnitude().to_str_radix(10);
    let mut out = String::with_capacity(mag.len() + 3);
    if negative {
        out.push('-');
    }
    if scale <= 0 {
        out.push_str(&mag);
        out.extend(std::iter::repeat_n('0', scale.unsigned_abs() as usize));
        return out;
    }
    // Drop fractional trailing zeros first so "1.50" prints as "1.5".
    let mut scale = scale as usize;
    while scale > 0 && mag.ends_with('0') {
        mag.pop();
        scale -= 1;
    }
    if scale == 0 {
        out.push_str(&mag);
    } else if mag.len() > scale {
        let (int_part, frac_part) = mag.split_at(mag.len() - scale);
        out.push_str(int_part);
        out.push('.');
        out.push_str(frac_part);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - mag.len()));
        out.push_str(&mag);
    }
    out
}

/// Nearest f64 via Rust's correctly rounded parser, fed scientific notation
/// so huge exponents cost nothing.
fn nearest_f64(d: &BigDecimal) -> Option<f64> {
    let (digits, scale) = d.as_bigint_and_scale();
    let text = format!("{}e{}", digits, -scale);
    text.parse::<f64>().ok()
}

/// Every finite f64 is m·2^e, which is exactly m·5^-e / 10^-e for e < 0.
fn exact_decimal_of_f64(v: f64) -> BigDecimal {
    if v == 0.0 {
        return BigDecimal::zero();
    }
    let bits = v.to_bits();
    let negative = bits >> 63 == 1;
    let biased_exp = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mut mantissa, mut exp) = if biased_exp == 0 {
        (fraction, -1074i64)
    } else {
        (fraction | (1u64 << 52), biased_exp - 1075)
    };
    // An odd mantissa makes m·5^k end in 5, so the result has no trailing zeros.
    while mantissa & 1 == 0 && exp < 0 {
        mantissa >>= 1;
        exp += 1;
    }
    let mut digits = BigInt::from(mantissa);
    if negative {
        digits = -digits;
    }
    if exp >= 0 {
        BigDecimal::new(digits << (exp as usize), 0)
    } else {
        let k = exp.unsigned_abs();
        BigDecimal::new(digits * Pow::pow(BigInt::from(5u8), k), k as i64)
    }
}

fn parse_number(s: &str) -> Result<Number, NumberError> {
    let bytes = s.as_bytes();
    let (negative, rest) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if rest == b"Inf" || rest == b"inf" {
        return Ok(if negative {
            Number::NegInfinity
        } else {
            Number::PosInfinity
        });
    }

    let mut digits = String::with_capacity(rest.len());
    let mut frac_len: i64 = 0;
    let mut seen_digit = false;
    let mut seen_point = false;
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b @ b'0'..=b'9' => {
                seen_digit = true;
                // Leading zeros carry no value; skipping them keeps BigInt parsing short.
                if !(digits.is_empty() && b == b'0') {
                    digits.push(b as char);
                }
                if seen_point {
                    frac_len += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen_digit {
        return Err(NumberError::Syntax);
    }

    let mut exp10: i64 = 0;
    let mut exp2: i64 = 0;
    if i < rest.len() {
        let binary = match rest[i] {
            b'e' | b'E' => false,
            b'p' | b'P' => true,
            _ => return Err(NumberError::Syntax),
        };
        let exp = parse_exponent(&rest[i + 1..])?;
        if binary {
            if exp.abs() > MAX_BINARY_EXPONENT {
                return Err(NumberError::ExponentOutOfRange);
            }
            exp2 = exp;
        } else {
            exp10 = exp;
        }
    }

    if digits.is_empty() {
        return Ok(Number::zero());
    }
    let scale = frac_len - exp10;
    if scale.abs() > MAX_DECIMAL_EXPONENT {
        return Err(NumberError::ExponentOutOfRange);
    }
    let mut int = BigInt::parse_bytes(digits.as_bytes(), 10).ok_or(NumberError::Syntax)?;
    if negative {
        int = -int;
    }
    let mut scale = scale;
    if exp2 > 0 {
        int <<= exp2 as usize;
    } else if exp2 < 0 {
        // x·2^-k = x·5^k / 10^k
        int *= Pow::pow(BigInt::from(5u8), exp2.unsigned_abs());
        scale += exp2.abs();
    }
    Ok(Number::Finite(strip_fraction_zeros(int, scale)))
}

/// The exponent digits after `e`/`p`: optional sign, at least one digit.
fn parse_exponent(bytes: &[u8]) -> Result<i64, NumberError> {
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(NumberError::Syntax);
    }
    let mut value: i64 = 0;
    for &b in digits {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or(NumberError::ExponentOutOfRange)?;
    }
    Ok(if negative { -value } else { value })
}

/// Removes fractional trailing zeros so parsed numbers have a small, stable
/// representation ("1.50" and "1.5" store the same digits).
fn strip_fraction_zeros(int: BigInt, scale: i64) -> BigDecimal {
    if int.is_zero() {
        return BigDecimal::zero();
    }
    if scale <= 0 {
        return BigDecimal::new(int, scale);
    }
    let zeros = trailing_decimal_zeros(&int).min(scale as u64);
    if zeros == 0 {
        return BigDecimal::new(int, scale);
    }
    BigDecimal::new(int / pow10(zeros), scale - zeros as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).expect("valid number")
    }

    #[test]
    fn parses_go_float_syntax() {
        assert_eq!(n("42").to_string(), "42");
        assert_eq!(n("-0042").to_string(), "-42");
        assert_eq!(n("+1.50").to_string(), "1.5");
        assert_eq!(n(".5").to_string(), "0.5");
        assert_eq!(n("5.").to_string(), "5");
        assert_eq!(n("1e3").to_string(), "1000");
        assert_eq!(n("1E+3").to_string(), "1000");
        assert_eq!(n("12.5e-3").to_string(), "0.0125");
        assert_eq!(n("1p3").to_string(), "8");
        assert_eq!(n("3p-1").to_string(), "1.5");
        assert_eq!(n("0.000").to_string(), "0");
        assert_eq!(n("-0").to_string(), "0");
        assert_eq!(n("Inf"), Number::PosInfinity);
        assert_eq!(n("+inf"), Number::PosInfinity);
        assert_eq!(n("-Inf"), Number::NegInfinity);
        let big = "9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999";
        assert_eq!(n(big).to_string(), big);
        assert_eq!(n("1e25").to_string(), "10000000000000000000000000");
    }

    #[test]
    fn rejects_what_go_rejects() {
        for bad in [
            "", "-", ".", "e5", "1e", "1e+", "0x10", "1_000", " 1", "1 ", "INF", "Infinity", "NaN",
            "1.2.3", "--1", "1e5x",
        ] {
            assert_eq!(Number::parse(bad), Err(NumberError::Syntax), "{bad:?}");
        }
        assert_eq!(
            Number::parse("1e999999999"),
            Err(NumberError::ExponentOutOfRange)
        );
    }

    #[test]
    fn integer_conversions_are_checked() {
        assert_eq!(n("9223372036854775807").to_i64(), Some(i64::MAX));
        assert_eq!(n("9223372036854775808").to_i64(), None);
        assert_eq!(n("9223372036854775808").to_u64(), Some(1 << 63));
        assert_eq!(n("-9223372036854775808").to_i64(), Some(i64::MIN));
        assert_eq!(n("-1").to_u64(), None);
        assert_eq!(n("1.5").to_i64(), None);
        assert_eq!(n("1e3").to_i64(), Some(1000));
        assert_eq!(n("1e30").to_i64(), None);
        assert_eq!(
            Number::Finite(BigDecimal::new(BigInt::from(1500), 2)).to_i64(),
            Some(15)
        );
        assert_eq!(Number::PosInfinity.to_i64(), None);
    }

    #[test]
    fn float_conversions() {
        assert_eq!(
            Number::from_f64(1.5).map(|v| v.to_string()),
            Ok("1.5".into())
        );
        assert_eq!(
            Number::from_f64(0.1).map(|v| v.to_string()),
            Ok("0.1000000000000000055511151231257827021181583404541015625".into())
        );
        assert_eq!(Number::from_f64(f64::INFINITY), Ok(Number::PosInfinity));
        assert_eq!(Number::from_f64(f64::NEG_INFINITY), Ok(Number::NegInfinity));
        assert_eq!(Number::from_f64(f64::NAN), Err(NumberError::NaN));
        assert_eq!(Number::from_f64(-0.0), Ok(Number::zero()));
        assert_eq!(Number::from_f64(1e300).map(|v| v.to_f64()), Ok(Some(1e300)));
        assert_eq!(
            Number::from_f64(f64::MIN_POSITIVE / 4.0).map(|v| v.to_f64_exact()),
            Ok(Some(f64::MIN_POSITIVE / 4.0))
        );
        assert_eq!(n("0.1").to_f64(), Some(0.1));
        assert_eq!(n("0.1").to_f64_exact(), None);
        assert_eq!(n("0.75").to_f64_exact(), Some(0.75));
        assert_eq!(n("1e400").to_f64(), None);
        assert_eq!(n("1e-400").to_f64(), Some(0.0));
    }

    #[test]
    fn equality_and_order_are_numeric() {
        assert_eq!(n("1"), n("1.000"));
        assert_eq!(Number::from_i64(1000), n("1e3"));
        assert!(n("-1e400") > Number::NegInfinity);
        assert!(n("1e400") < Number::PosInfinity);
        assert!(n("0.25") < n("0.3"));
        let mut v = [
            n("2"),
            Number::PosInfinity,
            n("-3.5"),
            Number::NegInfinity,
            n("0"),
        ];
        v.sort();
        let text: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["-Inf", "-3.5", "0", "2", "+Inf"]);

        use std::collections::hash_map::DefaultHasher;
        use std::hash::{Hash, Hasher};
        let hash = |x: &Number| {
            let mut h = DefaultHasher::new();
            x.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&n("1.0")), hash(&Number::from_i64(1)));
    }
}
