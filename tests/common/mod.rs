//! Fixtures shared by integration tests that build objects from RON snippets
//! or pick objects out of a design.
#![allow(dead_code)]

/// Parses a RON snippet of a model type (fields with defaults may be left out;
/// `Option` fields take bare values).
pub fn ron<T: serde::de::DeserializeOwned>(s: &str) -> T {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(s)
        .unwrap_or_else(|e| panic!("bad RON in test: {e}\n{s}"))
}

/// A copy of the first element that `pick` selects (panics when there is none).
pub fn get<T: Clone>(list: &[T], pick: impl Fn(&T) -> bool) -> T {
    list.iter()
        .find(|x| pick(x))
        .cloned()
        .unwrap_or_else(|| panic!("no such object in the test design"))
}
