//! vpcd: design AWS VPC networks and see, live, whether traffic gets through.
//!
//! The library is the product's single model: the design data ([`model`]),
//! edits ([`edit`]) applied by one [`workspace::Workspace`], validation
//! ([`validate`]) and persistence ([`io`]). The terminal UI and the CLI are
//! thin shells over it. The terminal UI sits behind the default `tui`
//! feature, so `cargo check --lib --no-default-features` proves the rest of
//! the library never depends on a terminal.

pub mod analysis;
pub mod cli;
pub mod cost;
pub mod create;
pub mod diagram;
pub mod edit;
pub mod forms;
pub mod interop;
pub mod io;
pub mod model;
pub mod perf;
pub mod practice;
pub mod report;
#[cfg(feature = "tui")]
pub mod tui;
pub mod validate;
pub mod workspace;
