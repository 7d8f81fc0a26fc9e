//! Building [`Diagnostic`]s and collecting them in [`Diagnostics`].

use std::fmt;

use super::{AttributePath, Diagnostic, Severity};

impl Diagnostic {
    /// An error with a summary and a detail.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        }
    }

    /// A warning with a summary and a detail.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, detail)
        }
    }

    /// Points the diagnostic at the configuration of `path`.
    #[must_use]
    pub fn at(mut self, path: AttributePath) -> Self {
        self.attribute = Some(path);
        self
    }

    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `Error: summary: detail (at path)`, for logs and test failures.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        };
        write!(f, "{severity}: {}", self.summary)?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        if let Some(path) = self.attribute.as_ref().filter(|p| !p.is_empty()) {
            write!(f, " (at {path})")?;
        }
        Ok(())
    }
}

/// The diagnostics an operation produced, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds an error.
    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::error(summary, detail));
    }

    /// Adds a warning.
    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::warning(summary, detail));
    }

    /// An error Terraform shows against the configuration line of `path`.
    pub fn attribute_error(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Diagnostic::error(summary, detail).at(path));
    }

    /// Adds a warning at the configuration of `path`.
    pub fn attribute_warning(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Diagnostic::warning(summary, detail).at(path));
    }

    /// Moves all of `other`'s diagnostics to the end of this collection.
    pub fn append(&mut self, other: &mut Diagnostics) {
        self.0.append(&mut other.0);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Every diagnostic, in the order added.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Every diagnostic, as a slice.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.0
    }

    /// Every diagnostic, by value.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Self(v)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_and_collection() {
        let path = AttributePath::root().attr("bandwidth");
        let d = Diagnostic::error("Invalid bandwidth", "must be positive").at(path.clone());
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.attribute.as_ref(), Some(&path));
        assert_eq!(
            d.to_string(),
            "Error: Invalid bandwidth: must be positive (at bandwidth)"
        );
        assert_eq!(Diagnostic::warning("w", "").to_string(), "Warning: w");

        let mut diags = Diagnostics::new();
        assert!(!diags.has_errors());
        diags.warning("Deprecated", "use x");
        assert!(!diags.has_errors());
        diags.attribute_error(path.clone(), "Bad", "bad");
        assert!(diags.has_errors());
        let mut more: Diagnostics = vec![Diagnostic::error("e", "")].into();
        diags.append(&mut more);
        assert!(more.is_empty());
        assert_eq!(diags.len(), 3);
        assert_eq!(diags.errors().count(), 2);
        assert_eq!(diags.iter().filter(|d| d.attribute.is_some()).count(), 1);
        let collected: Diagnostics = diags
            .clone()
            .into_iter()
            .filter(|d| !d.is_error())
            .collect();
        assert_eq!(collected.len(), 1);
    }
}
