//! Shared code of the fuzz targets. The checks live in `src/checks/` so that the
//! main crate's regression test (`tests/reliability_fuzz_regressions.rs`) can
//! include the very same files with `#[path]` and replay the saved crashers
//! through them without depending on this package.

pub mod checks;
