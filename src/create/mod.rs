//! Where a new design comes from, in one place:
//! - [`templates`]: the bundled AWS patterns (and the built-in sample), the
//!   single source of the files in `assets/templates/` (`vpcd new --template`,
//!   the designer's `N`);
//! - [`vpc_wizard`]: "VPC and more", a complete VPC from a few choices like the
//!   AWS console's wizard (`vpcd new --azs …`, the designer's `W`);
//! - [`synthetic`]: realistic, valid designs of any size for benchmarks, demos
//!   and load tests (`vpcd generate`);
//! - [`planner`]: a VPC's address space as used and free blocks and the CIDR
//!   arithmetic to grow a design (`vpcd plan`, the planner pane).

pub mod planner;
pub mod synthetic;
pub mod templates;
pub mod vpc_wizard;
