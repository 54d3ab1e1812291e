//! Terraform: the design exported as `.tf` files for the AWS provider.

mod export;
mod write;

pub use export::{export, TerraformFiles, PLANNED_TAG};
