//! cty numbers are arbitrary-precision decimals (plus the two infinities).

use bigdecimal::BigDecimal;

/// A cty number. Finite values are exact decimals; cty also admits ±infinity.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    Finite(BigDecimal),
    PosInfinity,
    NegInfinity,
}

impl Number {
    pub fn from_i64(v: i64) -> Self {
        Number::Finite(BigDecimal::from(v))
    }
}
