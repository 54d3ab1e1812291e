//! `vpcd trace FILE --from A --to B [--proto tcp] [--port 443] [--sport N] [--fail C]... [--format text|json]`
//!
//! Exit status: 0 reachable, 1 not reachable, 2 bad input (unknown names list close matches).

use std::path::PathBuf;

use clap::Args;

use super::{exit, load_or_report, OutputFormat};
use crate::analysis::{self, query, Code};
use crate::model::{DesignIndex, Protocol, TraceQuery};

#[derive(Debug, Args)]
#[command(after_long_help = codes_help())]
pub struct TraceArgs {
    /// The design file (.ron).
    pub file: PathBuf,
    /// Source: instance, ENI, load balancer, NAT gateway, interface endpoint, subnet, IP,
    /// `internet`, `internet:IP`, `internet6`, `onprem:NAME`.
    #[arg(long)]
    pub from: String,
    /// Destination: as --from, or an AWS service (`s3`, `dynamodb`, `sqs`, …).
    #[arg(long)]
    pub to: String,
    /// Protocol: tcp, udp, icmp, icmpv6, all or a number.
    #[arg(long, default_value = "tcp", value_parser = parse_proto)]
    pub proto: Protocol,
    /// Destination port (required for tcp and udp).
    #[arg(long)]
    pub port: Option<u16>,
    /// The client's source port (default: an ephemeral port of the client's kind).
    #[arg(long)]
    pub sport: Option<u16>,
    /// What-if: a component to remove (NAT gateway, VPN connection or tunnel NAME:1,
    /// Direct Connect connection, peering, …) or an AZ (`az:us-east-1a`). Repeatable.
    #[arg(long = "fail")]
    pub fail: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub(crate) fn parse_proto(s: &str) -> Result<Protocol, String> {
    s.parse()
}

fn codes_help() -> String {
    let mut s = String::from("Explanation codes:\n");
    for c in Code::ALL {
        s.push_str(&format!(
            "  {:<34} {} (AWS: {})\n",
            c.as_str(),
            c.meaning(),
            c.aws_code()
        ));
    }
    s
}

pub fn run(args: &TraceArgs) -> u8 {
    let design = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let idx = DesignIndex::new(&design);
    let q = TraceQuery {
        from: args.from.clone(),
        to: args.to.clone(),
        proto: args.proto,
        port: args.port,
        sport: args.sport,
    };
    let failures = query::parse_failures(&design, &args.fail);
    let trace = match analysis::trace_with_failures(&design, &idx, &q, &failures) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::BAD_INPUT;
        }
    };
    match args.format {
        OutputFormat::Json => match serde_json::to_string_pretty(&trace) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::BAD_INPUT;
            }
        },
        OutputFormat::Text => print!("{}", trace.to_text()),
    }
    if trace.reachable {
        exit::OK
    } else {
        exit::FINDINGS
    }
}
