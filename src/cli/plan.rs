//! `vpcd plan FILE [--vpc NAME] [--split CIDR (--into N | --halves | --quarters)]
//! [--join CIDR,CIDR…] [--hosts N] [--next-free PREFIX] [--add-cidr CIDR] [--format text|json]`
//!
//! Without an operation it prints the VPC's address map (used and free blocks)
//! and overlap warnings. Exit status: 0 when the operation succeeds, 1 when it
//! cannot be satisfied (no free block, a refused secondary CIDR, an impossible
//! split or join), 2 for unreadable files or bad arguments.

use std::path::PathBuf;

use clap::Args;
use ipnet::Ipv4Net;
use serde_json::json;

use super::{exit, load_or_report, OutputFormat, Ui};
use crate::create::planner::{self, Level};
use crate::model::cidr;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The design file (.ron).
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub file: PathBuf,
    /// The VPC to plan (needed when the design has several).
    #[arg(long)]
    pub vpc: Option<String>,
    /// Split this block into equal subnets (with --into, --halves or --quarters).
    #[arg(long, value_name = "CIDR")]
    pub split: Option<Ipv4Net>,
    /// Number of equal subnets for --split.
    #[arg(long, value_name = "N", requires = "split", conflicts_with_all = ["halves", "quarters"])]
    pub into: Option<u64>,
    /// Split into two halves.
    #[arg(long, requires = "split", conflicts_with = "quarters")]
    pub halves: bool,
    /// Split into four quarters.
    #[arg(long, requires = "split")]
    pub quarters: bool,
    /// Join adjacent blocks into one, e.g. --join 10.0.4.0/24,10.0.5.0/24.
    #[arg(long, value_delimiter = ',', value_name = "CIDR,CIDR")]
    pub join: Vec<Ipv4Net>,
    /// Size a subnet for N hosts (AWS reserves 5 addresses per subnet) and find a free block of that size.
    #[arg(long, value_name = "N")]
    pub hosts: Option<u64>,
    /// Allocate one block of --hosts N addresses in every AZ of the design (needs --hosts: the block size).
    #[arg(long, requires = "hosts")]
    pub per_az: bool,
    /// Find the next free block of this size (24 or /24).
    #[arg(long, value_name = "PREFIX", value_parser = parse_prefix)]
    pub next_free: Option<u8>,
    /// Check adding a secondary IPv4 block to the VPC (AWS's restriction table and overlaps).
    #[arg(long, value_name = "CIDR")]
    pub add_cidr: Option<Ipv4Net>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

fn parse_prefix(s: &str) -> Result<u8, String> {
    let t = s.trim().trim_start_matches('/');
    t.parse::<u8>()
        .ok()
        .filter(|p| *p <= 32)
        .ok_or_else(|| format!("`{s}` is not a prefix length: expected e.g. 24 or /24"))
}

fn with_commas(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn run(args: &PlanArgs, ui: &Ui) -> u8 {
    let design = match load_or_report(&args.file, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let vpc = match planner::pick_vpc(&design, args.vpc.as_deref()) {
        Ok(v) => v,
        Err(e) => {
            ui.error(e);
            return exit::BAD_INPUT;
        }
    };
    let text = args.format == OutputFormat::Text;
    let mut doc = json!({ "file": args.file.display().to_string(), "vpc": vpc.name });
    let mut code = exit::OK;
    let mut operation = false;
    let mut fail = |msg: String, doc: &mut serde_json::Value, key: &str| {
        if text {
            ui.line(format!("{} {msg}", ui.out.error(&format!("cannot {key}:"))));
        }
        doc[key] = json!({ "error": msg });
        code = exit::FINDINGS;
    };

    if let Some(block) = args.split {
        operation = true;
        let n = if args.halves {
            2
        } else if args.quarters {
            4
        } else {
            match args.into {
                Some(n) => n,
                None => {
                    ui.error("--split needs --into N, --halves or --quarters");
                    return exit::BAD_INPUT;
                }
            }
        };
        match planner::split(block, n) {
            Ok(parts) => {
                let map = planner::address_map(&design, vpc);
                let owner = |p: Ipv4Net| -> Option<String> {
                    design
                        .subnets
                        .iter()
                        .filter(|s| s.vpc == vpc.name && cidr::overlaps(s.cidr.trunc(), p))
                        .map(|s| s.name.clone())
                        .next()
                };
                let inside = |p: Ipv4Net| map.spaces.iter().any(|s| cidr::contains(s.cidr, p));
                let rows: Vec<_> = parts
                    .iter()
                    .map(|p| {
                        json!({"cidr": p.to_string(), "usable": cidr::usable_addresses(*p),
                               "overlaps_subnet": owner(*p), "inside_vpc": inside(*p)})
                    })
                    .collect();
                if text {
                    ui.line(format!("{} split into {n}:", block.trunc()));
                    for p in &parts {
                        let note = match (owner(*p), inside(*p)) {
                            (_, false) => format!("outside {}'s CIDR blocks", vpc.name),
                            (Some(s), _) => format!("overlaps subnet {s}"),
                            (None, true) => "free".into(),
                        };
                        ui.line(format!(
                            "  {:<18} {:>7} usable  {note}",
                            p.to_string(),
                            with_commas(cidr::usable_addresses(*p))
                        ));
                    }
                }
                doc["split"] = json!(rows);
            }
            Err(e) => fail(e.to_string(), &mut doc, "split"),
        }
    }

    if !args.join.is_empty() {
        operation = true;
        match planner::join(&args.join) {
            Ok(b) => {
                if text {
                    ui.line(format!(
                        "joined: {b} ({} usable)",
                        with_commas(cidr::usable_addresses(b))
                    ));
                }
                doc["join"] = json!({"cidr": b.to_string(), "usable": cidr::usable_addresses(b)});
            }
            Err(e) => fail(e.to_string(), &mut doc, "join"),
        }
    }

    if let Some(hosts) = args.hosts {
        operation = true;
        match planner::prefix_for_hosts(hosts) {
            Ok(prefix) => {
                let usable = (1u64 << (32 - u32::from(prefix))) - 5;
                if text {
                    ui.line(format!(
                        "{hosts} hosts need a /{prefix} ({} usable: {} addresses minus the 5 AWS reserves)",
                        with_commas(usable),
                        with_commas(usable + 5)
                    ));
                }
                doc["hosts"] = json!({"hosts": hosts, "prefix": prefix, "usable": usable});
                if args.per_az {
                    match planner::allocate_across_azs(&design, vpc, hosts) {
                        Ok(blocks) => {
                            if text {
                                for (az, b) in &blocks {
                                    ui.line(format!("  {az}: {b}"));
                                }
                            }
                            doc["allocation"] = json!(blocks
                                .iter()
                                .map(|(az, b)| json!({"az": az, "cidr": b.to_string()}))
                                .collect::<Vec<_>>());
                        }
                        Err(e) => fail(e.to_string(), &mut doc, "allocate"),
                    }
                } else {
                    match planner::next_free_in_vpc(&design, vpc, prefix) {
                        Ok(Some(b)) => {
                            if text {
                                ui.line(format!("  next free /{prefix}: {b}"));
                            }
                            doc["hosts"]["next_free"] = json!(b.to_string());
                        }
                        Ok(None) => fail(format!("no free /{prefix} left in {}", vpc.name), &mut doc, "allocate"),
                        Err(e) => fail(e.to_string(), &mut doc, "allocate"),
                    }
                }
            }
            Err(e) => fail(e.to_string(), &mut doc, "hosts"),
        }
    }

    if let Some(prefix) = args.next_free {
        operation = true;
        match planner::next_free_in_vpc(&design, vpc, prefix) {
            Ok(Some(b)) => {
                if text {
                    ui.line(format!("next free /{prefix} in {}: {b}", vpc.name));
                }
                doc["next_free"] = json!(b.to_string());
            }
            Ok(None) => fail(format!("no free /{prefix} left in {}", vpc.name), &mut doc, "next_free"),
            Err(e) => fail(e.to_string(), &mut doc, "next_free"),
        }
    }

    if let Some(new) = args.add_cidr {
        operation = true;
        let findings = planner::check_secondary_cidr(&design, vpc, new);
        let refused = findings.iter().any(|f| f.level == Level::Error);
        if text {
            if refused {
                ui.line(ui.out.error(&format!(
                    "AWS refuses {} as a secondary block of {}:",
                    new.trunc(),
                    vpc.name
                )));
            } else {
                ui.line(ui.out.ok(&format!("{} can be added to {}", new.trunc(), vpc.name)));
            }
            for f in &findings {
                let level = match f.level {
                    Level::Error => ui.out.error("error  "),
                    Level::Warning => ui.out.warning("warning"),
                    Level::Info => ui.out.dim("info   "),
                };
                let aws = f.aws_code.map(|c| format!(" (AWS: {c})")).unwrap_or_default();
                ui.line(format!("  {level} [{}] {}{aws}", f.rule, f.message));
                if !f.hint.is_empty() {
                    ui.note(format!("          {} {}", ui.out.dim("hint:"), f.hint));
                }
            }
        }
        doc["add_cidr"] = json!({"cidr": new.trunc().to_string(), "allowed": !refused, "findings": findings});
        if refused {
            code = exit::FINDINGS;
        }
    }

    if !operation {
        let map = planner::address_map(&design, vpc);
        let overlaps = planner::external_overlaps(&design, vpc);
        if text {
            for s in &map.spaces {
                ui.line(format!(
                    "VPC {} {}: {} addresses, {} used by subnets, {} free",
                    vpc.name,
                    s.cidr,
                    with_commas(cidr::size(s.cidr)),
                    with_commas(s.used_addresses),
                    with_commas(s.free_addresses)
                ));
                for b in &s.blocks {
                    match &b.subnet {
                        Some(n) => ui.line(format!(
                            "  {:<18} used  {n} ({} usable)",
                            b.cidr.to_string(),
                            with_commas(b.usable)
                        )),
                        None => ui.line(format!("  {:<18} free", b.cidr.to_string())),
                    }
                }
            }
            for o in &overlaps {
                ui.line(format!("{} [{}] {}", ui.out.warning("warning"), o.rule, o.message()));
            }
        }
        doc["spaces"] = json!(map.spaces);
        doc["overlaps"] = json!(overlaps);
    }
    if !text {
        ui.json(doc);
    }
    code
}
