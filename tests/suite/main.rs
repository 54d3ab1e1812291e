//! vpcd's integration tests, one binary: each module is one concern (the engine's
//! rules, the importers, the designer's panes, the binary end to end). One binary
//! links the library once instead of once per file, which is most of a cold
//! `cargo test`'s time.
//!
//! Modules that drive the terminal designer or the `vpcd` binary need the `tui`
//! feature (the binary requires it).

mod analysis_audit;
mod analysis_oracle;
mod analysis_rules;
mod analysis_sample;
#[cfg(feature = "tui")]
mod analysis_scope;
mod analysis_support;
mod analysis_transit;
#[cfg(feature = "tui")]
mod assets_check;
#[cfg(feature = "tui")]
mod aws_correctness;
mod aws_support;
#[cfg(feature = "tui")]
mod cli_conventions;
#[cfg(feature = "tui")]
mod cli_diagram;
#[cfg(feature = "tui")]
mod cli_edges;
mod common;
#[cfg(feature = "tui")]
mod e2e_lifecycle_tmux;
#[cfg(feature = "tui")]
mod e2e_lost_terminal;
#[cfg(feature = "tui")]
mod e2e_tmux;
#[cfg(feature = "tui")]
mod e2e_trace_tmux;
mod gateway_endpoint_ipv6;
mod iac_export;
mod iac_external;
#[cfg(feature = "tui")]
mod interop_aws_import;
mod interop_aws_roundtrip;
mod interop_aws_verdicts;
#[cfg(feature = "tui")]
mod interop_terraform_import;
#[cfg(feature = "tui")]
mod planning_cost;
#[cfg(feature = "tui")]
mod planning_generator;
mod planning_planner;
mod planning_template_flows;
#[cfg(feature = "tui")]
mod planning_templates;
#[cfg(feature = "tui")]
mod planning_tui;
#[cfg(feature = "tui")]
mod practice_attempt;
#[cfg(feature = "tui")]
mod practice_exercises;
#[cfg(feature = "tui")]
mod practice_generate;
mod practice_intents;
#[cfg(feature = "tui")]
mod practice_tui;
mod privatelink_gwlb;
#[cfg(feature = "tui")]
mod pty_support;
#[cfg(feature = "tui")]
mod recovery_tui;
#[cfg(feature = "tui")]
mod template_intents;
#[cfg(feature = "tui")]
mod tmux_support;
#[cfg(feature = "tui")]
mod tui_designer;
#[cfg(feature = "tui")]
mod tui_diagram;
#[cfg(feature = "tui")]
mod tui_forms;
#[cfg(feature = "tui")]
mod tui_generator;
#[cfg(feature = "tui")]
mod tui_keymap;
#[cfg(feature = "tui")]
mod tui_navigation;
#[cfg(feature = "tui")]
mod tui_palette_files;
#[cfg(feature = "tui")]
mod tui_screens;
#[cfg(feature = "tui")]
mod tui_support;
#[cfg(feature = "tui")]
mod tui_trace;
mod validate_edits;
mod validate_props;
mod validate_rules;
mod validate_sharing;
