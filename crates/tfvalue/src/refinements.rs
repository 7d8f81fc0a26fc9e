//! Building [`Refinements`] and reducing them to what applies to a type.

use super::{Number, Refinements, Type};

impl Refinements {
    /// True when nothing is known about the unknown value (msgpack ext 0).
    pub fn is_empty(&self) -> bool {
        *self == Refinements::default()
    }

    /// Definitely not null.
    #[must_use]
    pub fn not_null(mut self) -> Self {
        self.nullness = Some(false);
        self
    }

    /// A known prefix of the final string.
    #[must_use]
    pub fn with_string_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.string_prefix = Some(prefix.into());
        self
    }

    /// A lower bound of the final number.
    #[must_use]
    pub fn with_number_lower(mut self, bound: Number, inclusive: bool) -> Self {
        self.number_lower = Some((bound, inclusive));
        self
    }

    /// An upper bound of the final number.
    #[must_use]
    pub fn with_number_upper(mut self, bound: Number, inclusive: bool) -> Self {
        self.number_upper = Some((bound, inclusive));
        self
    }

    /// The least length of the final collection.
    #[must_use]
    pub fn with_length_lower(mut self, min: u64) -> Self {
        self.length_lower = Some(min);
        self
    }

    /// The greatest length of the final collection.
    #[must_use]
    pub fn with_length_upper(mut self, max: u64) -> Self {
        self.length_upper = Some(max);
        self
    }

    /// The refinements cty can hold for a value of `ty`, in cty's normal
    /// form: string prefixes only for strings (and only non-empty), number
    /// bounds only for numbers (and not the infinite ones), length bounds
    /// only for lists, sets and maps (and not a lower bound of 0); nothing at
    /// all for `dynamic`. This is exactly what the msgpack encoder writes.
    pub fn normalized_for(&self, ty: &Type) -> Refinements {
        if matches!(ty, Type::Dynamic) {
            return Refinements::default();
        }
        let mut out = Refinements {
            nullness: self.nullness,
            ..Refinements::default()
        };
        match ty {
            Type::String => {
                out.string_prefix = self.string_prefix.clone().filter(|p| !p.is_empty());
            }
            Type::Number => {
                out.number_lower = self
                    .number_lower
                    .clone()
                    .filter(|(n, _)| *n != Number::NegInfinity);
                out.number_upper = self
                    .number_upper
                    .clone()
                    .filter(|(n, _)| *n != Number::PosInfinity);
            }
            Type::List(_) | Type::Set(_) | Type::Map(_) => {
                out.length_lower = self.length_lower.filter(|&n| n != 0);
                out.length_upper = self.length_upper;
            }
            Type::Bool | Type::Object(_) | Type::Tuple(_) | Type::Dynamic => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form_keeps_only_what_applies() {
        let all = Refinements::default()
            .not_null()
            .with_string_prefix("pc-")
            .with_number_lower(Number::NegInfinity, true)
            .with_number_upper(Number::from(5), false)
            .with_length_lower(0)
            .with_length_upper(3);
        assert_eq!(
            all.normalized_for(&Type::String),
            Refinements::default().not_null().with_string_prefix("pc-")
        );
        assert_eq!(
            all.normalized_for(&Type::Number),
            Refinements::default()
                .not_null()
                .with_number_upper(Number::from(5), false)
        );
        assert_eq!(
            all.normalized_for(&Type::list(Type::String)),
            Refinements::default().not_null().with_length_upper(3)
        );
        assert_eq!(
            all.normalized_for(&Type::Bool),
            Refinements::default().not_null()
        );
        assert!(all.normalized_for(&Type::Dynamic).is_empty());
        assert!(!all.is_empty());
    }
}
