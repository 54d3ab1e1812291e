//! `vpcd trace FILE --from A --to B [--proto tcp] [--port 443] [--sport N] [--fail C]... [--format text|json]`
//!
//! Exit status: 0 reachable, 1 not reachable, 2 bad input (unknown names list close matches).

use std::path::PathBuf;

use clap::Args;

use super::style::Palette;
use super::{exit, load_or_report, OutputFormat, Ui};
use crate::analysis::{self, query, Code};
use crate::model::{DesignIndex, Protocol, TraceQuery};

#[derive(Debug, Args)]
#[command(after_long_help = codes_help())]
pub struct TraceArgs {
    /// The design file (.ron).
    #[arg(value_hint = clap::ValueHint::FilePath)]
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

pub fn run(args: &TraceArgs, ui: &Ui) -> u8 {
    let design = match load_or_report(&args.file, ui) {
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
    let trace = match ui.time("trace", || analysis::trace_with_failures(&design, &idx, &q, &failures)) {
        Ok(t) => t,
        Err(e) => {
            ui.error(e);
            return exit::BAD_INPUT;
        }
    };
    match args.format {
        OutputFormat::Json => ui.json_of(&trace),
        OutputFormat::Text => ui.print(&styled_text(&trace, ui.out, ui.quiet)),
    }
    if trace.reachable {
        exit::OK
    } else {
        exit::FINDINGS
    }
}

/// The trace's text with the verdict coloured as the trace panel colours it
/// (reachable green, blocked red, the failing hop's mark red); `quiet` leaves
/// out the notes and the hint.
pub fn styled_text(trace: &analysis::Trace, pal: Palette, quiet: bool) -> String {
    let summary = trace.summary();
    let mut out = String::new();
    for line in trace.to_text().lines() {
        if quiet && (line.starts_with("note: ") || line.starts_with("hint: ")) {
            continue;
        }
        let styled = if line == summary {
            if trace.reachable {
                pal.ok_strong(line)
            } else {
                pal.error(line)
            }
        } else if let Some(rest) = line.strip_prefix('✗') {
            format!("{}{rest}", pal.error("✗"))
        } else if let Some(rest) = line.strip_prefix("hint:") {
            format!("{}{rest}", pal.dim("hint:"))
        } else {
            line.to_string()
        };
        out.push_str(&styled);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_trace(to: &str, port: u16) -> analysis::Trace {
        let d = crate::create::templates::sample::three_tier();
        let idx = DesignIndex::new(&d);
        let q = TraceQuery {
            from: "internet".into(),
            to: to.into(),
            proto: Protocol::Tcp,
            port: Some(port),
            sport: None,
        };
        analysis::trace(&d, &idx, &q).unwrap()
    }

    #[test]
    fn verdicts_take_the_trace_panels_colours() {
        let ok = sample_trace("web-1", 443);
        assert!(ok.reachable);
        let text = styled_text(&ok, Palette { color: true }, false);
        assert!(text.contains("\x1b[1;32mreachable\x1b[0m"), "{text}");
        // Security groups and NACLs block the internet from the database tier.
        let blocked = sample_trace("db-1", 5432);
        assert!(!blocked.reachable);
        let text = styled_text(&blocked, Palette { color: true }, false);
        assert!(text.contains("\x1b[1;31mnot reachable"), "{text}");
        let plain = styled_text(&blocked, Palette::PLAIN, false);
        assert_eq!(plain, blocked.to_text(), "without colour the text is unchanged");
        assert!(!styled_text(&blocked, Palette::PLAIN, true).contains("hint: "));
    }
}
