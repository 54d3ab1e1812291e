//! `vpcd new (--template NAME | generator options) -o FILE`: writes a new design
//! from a built-in template or from the "VPC and more" generator.

use std::path::PathBuf;

use clap::Args;
use ipnet::Ipv4Net;

use super::{exit, Ui};
use crate::create::templates;
use crate::create::vpc_wizard::{self, NatMode, Tier, WizardOptions};

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Start from a built-in template (see `vpcd templates`).
    #[arg(long, value_name = "NAME", value_parser = super::values::Offering(super::values::template_names), hide_possible_values = true)]
    pub template: Option<String>,
    /// Where to write the design (.ron).
    #[arg(short = 'o', long = "output", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: PathBuf,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
    /// Generator: the VPC's IPv4 CIDR (/16 to /28).
    #[arg(long, default_value = "10.0.0.0/16", conflicts_with = "template")]
    pub cidr: Ipv4Net,
    /// Generator: number of availability zones, 1 to 4.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=4), conflicts_with = "template")]
    pub azs: u8,
    /// Generator: subnet tiers per AZ, comma-separated: public, private, database, intra.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "public,private",
        conflicts_with = "template"
    )]
    pub tiers: Vec<Tier>,
    /// Generator: NAT gateways: none, single, per-az (zonal) or regional.
    #[arg(long, default_value = "single", conflicts_with = "template")]
    pub nat: NatMode,
    /// Generator: add an S3 gateway endpoint to the non-public route tables.
    #[arg(long, conflicts_with = "template")]
    pub s3_endpoint: bool,
    /// Generator: add a DynamoDB gateway endpoint to the non-public route tables.
    #[arg(long, conflicts_with = "template")]
    pub dynamodb_endpoint: bool,
    /// Generator: dual-stack (IPv6 /56, a /64 per subnet, egress-only IGW for private subnets).
    #[arg(long, conflicts_with = "template")]
    pub ipv6: bool,
    /// Generator: enable DNS hostnames.
    #[arg(long, conflicts_with = "template")]
    pub dns_hostnames: bool,
    /// Generator: disable DNS resolution (enableDnsSupport).
    #[arg(long, conflicts_with = "template")]
    pub no_dns_support: bool,
    /// Generator: skip the baseline tier security groups and network ACLs (subnets keep the default NACL).
    #[arg(long, conflicts_with = "template")]
    pub no_baseline: bool,
    /// Generator: the Region.
    #[arg(long, default_value = "us-east-1", conflicts_with = "template")]
    pub region: String,
    /// Generator: the design and VPC name.
    #[arg(long, default_value = "main", conflicts_with = "template")]
    pub name: String,
}

pub fn run(args: &NewArgs, ui: &Ui) -> u8 {
    let design = match &args.template {
        Some(name) => match templates::find(name) {
            Some(t) => t.design(),
            None => {
                ui.error(format!("no template named `{name}`"));
                let close = templates::close_matches(name);
                if close.is_empty() {
                    ui.hint("`vpcd templates` lists them");
                } else {
                    ui.hint(format!("did you mean {}?", close.join(", ")));
                }
                return exit::BAD_INPUT;
            }
        },
        None => {
            let opts = WizardOptions {
                name: args.name.clone(),
                region: args.region.clone(),
                cidr: args.cidr,
                azs: args.azs,
                tiers: args.tiers.clone(),
                nat: args.nat,
                s3_endpoint: args.s3_endpoint,
                dynamodb_endpoint: args.dynamodb_endpoint,
                ipv6: args.ipv6,
                dns_hostnames: args.dns_hostnames,
                dns_support: !args.no_dns_support,
                baseline_security: !args.no_baseline,
            };
            match vpc_wizard::generate(&opts) {
                Ok(d) => d,
                Err(e) => {
                    ui.error(e);
                    return exit::BAD_INPUT;
                }
            }
        }
    };
    if let Err(code) = super::refuse_overwrite(&args.output, args.force, ui) {
        return code;
    }
    if let Err(e) = crate::io::save(&args.output, &design) {
        ui.error(e);
        return exit::BAD_INPUT;
    }
    ui.note(format!(
        "wrote {} ({}: {} VPCs, {} subnets)",
        args.output.display(),
        design.name,
        design.vpcs.len(),
        design.subnets.len()
    ));
    exit::OK
}
