//! `vpcd matrix FILE [--proto tcp] [--port 22] [--endpoints a,b] [--fail C]... [--format text|json]`
//!
//! Every named endpoint (instances, load balancers, internet, on-prem networks)
//! × every other for one protocol and port. Exit status: 0 done, 2 bad input.

use std::path::PathBuf;

use clap::Args;

use super::{exit, load_or_report, OutputFormat};
use crate::analysis::{self, Analyzer, Failure};
use crate::model::{DesignIndex, Protocol};

#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// The design file (.ron).
    pub file: PathBuf,
    /// Protocol: tcp, udp, icmp, all or a number.
    #[arg(long, default_value = "tcp", value_parser = super::trace::parse_proto)]
    pub proto: Protocol,
    /// Destination port (default 22 for tcp/udp).
    #[arg(long)]
    pub port: Option<u16>,
    /// Endpoints to include, comma-separated (default: every instance, load
    /// balancer, `internet` and on-prem network).
    #[arg(long, value_delimiter = ',')]
    pub endpoints: Vec<String>,
    /// What-if: a component or AZ to fail (repeatable), as for `vpcd trace`.
    #[arg(long = "fail")]
    pub fail: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(args: &MatrixArgs) -> u8 {
    let design = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let failures: Vec<Failure> = args.fail.iter().map(|f| Failure::parse(&design, f)).collect();
    let design = match analysis::design_with_failures(&design, &failures) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::BAD_INPUT;
        }
    };
    let idx = DesignIndex::new(&design.design);
    let an = Analyzer::new(&design.design, &idx).with_failures(&design);
    let endpoints = if args.endpoints.is_empty() {
        analysis::named_endpoints(&design.design)
    } else {
        for e in &args.endpoints {
            if let Err(err) = an.endpoint(e) {
                eprintln!("error: {err}");
                return exit::BAD_INPUT;
            }
        }
        args.endpoints.clone()
    };
    let port = if args.proto.has_ports() {
        Some(args.port.unwrap_or(22))
    } else {
        None
    };
    let m = analysis::matrix(&an, &endpoints, args.proto, port);
    match args.format {
        OutputFormat::Json => match serde_json::to_string_pretty(&m) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::BAD_INPUT;
            }
        },
        OutputFormat::Text => print!("{}", m.to_text()),
    }
    exit::OK
}
