//! Terraform: the design exported as `.tf` files for the AWS provider, and
//! `.tf` files imported as a design.

mod export;
pub mod import;
mod write;

pub use export::{export, TerraformFiles, PLANNED_TAG};
