//! `vpcd generate --vpcs N --azs A --tiers T --instances K [--tgw] [--peering none|ring|mesh] [--seed S] -o FILE`

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::exit;
use crate::create::synthetic::{self, GenParams, PeeringMode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PeeringArg {
    #[default]
    None,
    Ring,
    Mesh,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of VPCs (1-256); VPC i gets 10.i.0.0/16.
    #[arg(long, default_value_t = 1)]
    pub vpcs: usize,
    /// Availability zones per VPC (1-6).
    #[arg(long, default_value_t = 2)]
    pub azs: usize,
    /// Subnet tiers per AZ (1-8): web (public), app, db, cache, …
    #[arg(long, default_value_t = 3)]
    pub tiers: usize,
    /// Instances per subnet (0-240).
    #[arg(long, default_value_t = 2)]
    pub instances: usize,
    /// Add a transit gateway hub with every VPC and the VPN attached.
    #[arg(long)]
    pub tgw: bool,
    /// Peer the VPCs: none, ring (each with the next) or mesh (every pair).
    #[arg(long, value_enum, default_value_t)]
    pub peering: PeeringArg,
    /// Seed of the generator: the same seed gives the same design.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the design (.ron).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &GenerateArgs) -> u8 {
    if let Err(code) = super::refuse_overwrite(&args.output, args.force) {
        return code;
    }
    let params = GenParams {
        vpcs: args.vpcs,
        azs: args.azs,
        tiers: args.tiers,
        instances: args.instances,
        tgw: args.tgw,
        peering: match args.peering {
            PeeringArg::None => PeeringMode::None,
            PeeringArg::Ring => PeeringMode::Ring,
            PeeringArg::Mesh => PeeringMode::Mesh,
        },
        seed: args.seed,
    };
    let design = match synthetic::generate(&params) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::BAD_INPUT;
        }
    };
    if let Err(e) = crate::io::save(&args.output, &design) {
        eprintln!("error: {e}");
        return exit::BAD_INPUT;
    }
    println!(
        "wrote {}: {} VPCs, {} subnets, {} instances, {} security groups, {} route tables",
        args.output.display(),
        design.vpcs.len(),
        design.subnets.len(),
        design.instances.len(),
        design.security_groups.len(),
        design.route_tables.len()
    );
    exit::OK
}
