//! `vpcd import terraform`: real `.tf` files agree with the same networks'
//! describe-* JSON, the export round-trips, the language features network
//! code uses evaluate, and bad code is refused with its location.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vpcd::analysis::trace;
use vpcd::interop::aws::{self, ImportOptions};
use vpcd::interop::terraform::{self, import::TfOptions};
use vpcd::model::{Design, DesignIndex, Protocol, TraceQuery};

const NETWORKS: &[&str] = &[
    "test-load-balancer",
    "test-nat-gateway",
    "test-transit-gateway-asymmetric-paths",
    "test-transit-gateway-peering",
    "test-vpc-endpoint-gateway",
    "test-vpc-endpoint-interface",
];

fn batfish() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/aws-snapshots/batfish-networks");
    p.is_dir().then_some(p)
}

fn import_tf(dir: &Path) -> vpcd::interop::aws::Imported {
    terraform::import::import_dir(dir, &TfOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// Each instance by where it sits — (VPC block, subnet block) — when that place holds only it.
fn placed(d: &Design) -> BTreeMap<(String, String), String> {
    let mut seen: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for i in &d.instances {
        let Some(s) = d.subnets.iter().find(|s| s.name == i.subnet) else {
            continue;
        };
        let Some(v) = d.vpcs.iter().find(|v| v.name == s.vpc) else {
            continue;
        };
        seen.entry((v.cidr.to_string(), s.cidr.to_string()))
            .or_default()
            .push(i.name.clone());
    }
    seen.into_iter()
        .filter(|(_, v)| v.len() == 1)
        .map(|(k, mut v)| (k, v.remove(0)))
        .collect()
}

fn reachable(d: &Design, idx: &DesignIndex, from: &str, to: &str, proto: Protocol, port: Option<u16>) -> bool {
    let q = TraceQuery {
        from: from.into(),
        to: to.into(),
        proto,
        port,
        sport: None,
    };
    trace(d, idx, &q).map(|t| t.reachable).unwrap_or(false)
}

#[test]
fn the_batfish_terraform_networks_agree_with_their_describe_json() {
    let Some(root) = batfish() else {
        eprintln!("skipped: ../shared/aws-snapshots/batfish-networks is absent");
        return;
    };
    for net in NETWORKS {
        let dir = root.join(net);
        let tf = import_tf(&dir);
        let json = aws::import_paths(
            &[dir.join("aws_configs")],
            &ImportOptions {
                region: Some(tf.report.region.clone()),
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("{net}: {e}"));
        let (a, b) = (&tf.design, &json.design);
        let (pa, pb) = (placed(a), placed(b));
        let both: Vec<(&String, &String)> = pa.iter().filter_map(|(k, n)| pb.get(k).map(|m| (n, m))).collect();
        assert!(
            both.len() >= 2,
            "{net}: only {} instances found in both designs",
            both.len()
        );
        let (ia, ib) = (DesignIndex::new(a), DesignIndex::new(b));
        let mut checked = 0;
        let flows = [
            (Protocol::Tcp, Some(22)),
            (Protocol::Tcp, Some(80)),
            (Protocol::Icmp, None),
        ];
        for (x, x2) in &both {
            let mut pairs: Vec<(String, String, String, String)> = vec![
                (x.to_string(), "internet".into(), x2.to_string(), "internet".into()),
                ("internet".into(), x.to_string(), "internet".into(), x2.to_string()),
            ];
            for (y, y2) in &both {
                if x != y {
                    pairs.push((x.to_string(), y.to_string(), x2.to_string(), y2.to_string()));
                }
            }
            for (f, t, f2, t2) in pairs {
                for (proto, port) in flows {
                    let va = reachable(a, &ia, &f, &t, proto, port);
                    let vb = reachable(b, &ib, &f2, &t2, proto, port);
                    assert_eq!(
                        va, vb,
                        "{net}: {f} -> {t} {proto:?} {port:?}: .tf says {va}, JSON says {vb}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 0, "{net}");
    }
}

#[test]
fn terraform_export_then_import_keeps_every_flow() {
    let mut designs = vec![vpcd::create::templates::sample::three_tier()];
    designs.extend(vpcd::create::templates::TEMPLATES.iter().map(|t| t.design()));
    for d in designs {
        let dir = tempfile::tempdir().unwrap();
        for (f, text) in &terraform::export(&d).files {
            std::fs::write(dir.path().join(f), text).unwrap();
        }
        let back = terraform::import::import_dir(
            dir.path(),
            &TfOptions {
                vars: vec![("region".into(), d.region.clone())],
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", d.name));
        if !d.firewalls.is_empty() {
            // Network Firewall is not an EC2 describe output: reported, not modelled.
            assert!(
                back.report
                    .skipped
                    .iter()
                    .any(|n| n.kind.starts_with("aws_networkfirewall")),
                "{}: {:?}",
                d.name,
                back.report.skipped
            );
            continue;
        }
        common::assert_same_flows(&d, &back.design);
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    if let Some(p) = dir.join(name).parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::fs::write(dir.join(name), text).unwrap();
}

const FEATURES: &str = r#"
provider "aws" { region = var.region }
variable "region" { default = "eu-west-1" }
variable "azs" {
  type    = list(string)
  default = ["a", "b"]
}
variable "env" {}
locals {
  cidr = "10.20.0.0/16"
  tiers = { web = 0, app = 1 }
  name = format("%s-net", var.env)
}
data "aws_availability_zones" "all" {}
resource "aws_vpc" "main" {
  cidr_block = local.cidr
  tags = merge({ Name = local.name }, { Env = var.env })
}
resource "aws_subnet" "tier" {
  for_each          = local.tiers
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, each.value)
  availability_zone = element(data.aws_availability_zones.all.names, each.value)
  tags = { Name = "${each.key}-subnet" }
}
resource "aws_subnet" "spare" {
  count             = length(var.azs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(local.cidr, 8, 10 + count.index)
  availability_zone = "${var.region}${var.azs[count.index]}"
}
resource "aws_instance" "web" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.tier["web"].id
  private_ip    = cidrhost(aws_subnet.tier["web"].cidr_block, 10)
  tags          = { Name = "web-1" }
}
module "edge" {
  source = "./edge"
  vpc_id = aws_vpc.main.id
}
module "registry" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
"#;

const EDGE: &str = r#"
variable "vpc_id" {}
resource "aws_internet_gateway" "gw" {
  vpc_id = var.vpc_id
  tags   = { Name = "edge-igw" }
}
output "igw" { value = aws_internet_gateway.gw.id }
"#;

#[test]
fn variables_locals_count_for_each_functions_and_modules_evaluate() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", FEATURES);
    write(dir.path(), "edge/main.tf", EDGE);
    write(dir.path(), "terraform.tfvars", "env = \"dev\"\n");
    let i = terraform::import::import_dir(
        dir.path(),
        &TfOptions {
            vars: vec![("env".into(), "prod".into())],
            ..Default::default()
        },
    )
    .unwrap();
    let d = &i.design;
    assert_eq!(d.region, "eu-west-1");
    // --var wins over terraform.tfvars.
    assert_eq!(d.vpcs[0].name, "prod-net");
    let mut subnets: Vec<(String, String, String)> = d
        .subnets
        .iter()
        .map(|s| (s.name.clone(), s.cidr.to_string(), s.az.clone()))
        .collect();
    subnets.sort();
    assert_eq!(
        subnets,
        vec![
            ("app-subnet".into(), "10.20.1.0/24".into(), "eu-west-1b".into()),
            ("spare-0".into(), "10.20.10.0/24".into(), "eu-west-1a".into()),
            ("spare-1".into(), "10.20.11.0/24".into(), "eu-west-1b".into()),
            ("web-subnet".into(), "10.20.0.0/24".into(), "eu-west-1a".into()),
        ]
    );
    let web = d.instances.iter().find(|x| x.name == "web-1").unwrap();
    assert_eq!(web.private_ip.map(|a| a.to_string()).as_deref(), Some("10.20.0.10"));
    assert_eq!(d.internet_gateways[0].name, "edge-igw");
    assert_eq!(d.internet_gateways[0].vpc.as_deref(), Some("prod-net"));
    let text = i.report.to_text();
    assert!(text.contains("imported from Terraform"), "{text}");
    assert!(
        i.report
            .skipped
            .iter()
            .any(|n| n.id == "module.registry" && n.reason.contains("main.tf:")),
        "{text}"
    );
    assert!(
        i.report
            .approximated
            .iter()
            .any(|n| n.id == "data.aws_availability_zones.all" && n.reason.contains("eu-west-1a")),
        "{text}"
    );
}

fn error_of(tf: &str) -> (String, Option<(usize, usize)>) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", tf);
    let e = terraform::import::import_dir(dir.path(), &TfOptions::default()).unwrap_err();
    (e.to_string(), e.location())
}

#[test]
fn bad_code_is_refused_with_file_line_and_column() {
    let (msg, at) = error_of("resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\n}\n");
    assert!(msg.contains("main.tf:") && msg.contains("HCL syntax"), "{msg}");
    assert_eq!(at.map(|a| a.0), Some(2), "{msg}");

    let (msg, at) = error_of("resource \"aws_vpc\" \"a\" {\n  cidr_block = nosuch(\"x\")\n}\n");
    assert!(msg.contains("nosuch(): this function is not supported"), "{msg}");
    assert_eq!(at, Some((2, 16)), "{msg}");

    let (msg, at) = error_of("variable \"cidr\" {}\nresource \"aws_vpc\" \"a\" {\n  cidr_block = var.cidr\n}\n");
    assert!(msg.contains("variable `cidr` has no value"), "{msg}");
    assert_eq!(at.map(|a| a.0), Some(1), "{msg}");

    let (msg, _) = error_of("resource \"aws_subnet\" \"a\" {\n  vpc_id = aws_vpc.missing.id\n}\n");
    assert!(
        msg.contains("unknown reference `aws_vpc.missing`") && msg.contains(":2:"),
        "{msg}"
    );
}

#[test]
fn the_cli_writes_nothing_on_bad_code_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \n}\n",
    );
    let out = dir.path().join("out.ron");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["import", "terraform"])
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&status.stderr).contains("main.tf:"));
    assert!(!out.exists());
}

/// The Terraform AWS provider's `aws_nat_gateway` examples "Regional NAT
/// Gateway with auto mode" and "… with manual mode": `availability_mode =
/// "regional"` with `vpc_id` and no `subnet_id`; `availability_zone_address`
/// blocks make it manual, which vpcd approximates by the automatic mode.
#[test]
fn a_regional_nat_gateway_is_imported_from_terraform() {
    let base = r#"
provider "aws" { region = "us-east-1" }
resource "aws_vpc" "example" {
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "main" }
}
resource "aws_internet_gateway" "example" {
  vpc_id = aws_vpc.example.id
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.example.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}
"#;
    let auto = r#"
resource "aws_nat_gateway" "example" {
  vpc_id            = aws_vpc.example.id
  availability_mode = "regional"
  tags              = { Name = "nat-r" }
}
"#;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", &format!("{base}{auto}"));
    let i = import_tf(dir.path());
    let n = i.design.nat_gateways.iter().find(|n| n.name == "nat-r").unwrap();
    assert!(n.is_regional());
    assert_eq!((n.subnet.as_deref(), n.vpc.as_deref()), (None, Some("main")));
    assert!(i.report.approximated.iter().all(|a| !a.reason.contains("manual mode")));

    let manual = r#"
resource "aws_eip" "example" {
  domain = "vpc"
}
resource "aws_nat_gateway" "example" {
  vpc_id            = aws_vpc.example.id
  availability_mode = "regional"
  availability_zone_address {
    allocation_ids    = [aws_eip.example.id]
    availability_zone = "us-east-1a"
  }
}
"#;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", &format!("{base}{manual}"));
    let i = import_tf(dir.path());
    assert!(i.design.nat_gateways[0].is_regional());
    assert!(
        i.report.approximated.iter().any(|a| a.reason.contains("manual mode")),
        "{:?}",
        i.report.approximated
    );
}

/// Terraform export then import keeps a regional NAT gateway regional, in its
/// VPC, with the same flows (`availability_mode = "regional"`, `vpc_id`).
#[test]
fn a_regional_nat_gateway_round_trips_through_terraform() {
    let d = common::regional_nat_sample();
    let files = terraform::export(&d).files;
    let text: String = files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(text.contains(r#"availability_mode = "regional""#), "{text}");
    let dir = tempfile::tempdir().unwrap();
    for (f, t) in &files {
        std::fs::write(dir.path().join(f), t).unwrap();
    }
    let back = terraform::import::import_dir(
        dir.path(),
        &TfOptions {
            vars: vec![("region".into(), d.region.clone())],
            ..Default::default()
        },
    )
    .unwrap();
    let n = back.design.nat_gateways.iter().find(|n| n.name == "nat-r").unwrap();
    assert!(n.is_regional());
    assert_eq!((n.subnet.as_deref(), n.vpc.as_deref()), (None, Some("shop")));
    common::assert_same_flows(&d, &back.design);
}

/// Writes a design's Terraform export and imports it back.
fn through_terraform(d: &Design) -> Design {
    let dir = tempfile::tempdir().unwrap();
    for (f, t) in terraform::export(d).files {
        std::fs::write(dir.path().join(f), t).unwrap();
    }
    let opts = TfOptions {
        vars: vec![("region".into(), d.region.clone())],
        ..Default::default()
    };
    terraform::import::import_dir(dir.path(), &opts).unwrap().design
}

/// Security-group referencing on a transit gateway (off by default) and on a
/// VPC attachment (on by default; CreateTransitGateway and
/// CreateTransitGatewayVpcAttachment) leave through the Terraform export and
/// come back through the import: `security_group_referencing_support`.
#[test]
fn security_group_referencing_flags_round_trip_through_terraform() {
    let mut d = vpcd::create::templates::find("transit-hub-spoke").unwrap().design();
    let t = &mut d.transit_gateways[0];
    t.sg_referencing = true;
    let off = t.attachments[0].name.clone();
    t.attachments[0].sg_referencing = false;
    let back = through_terraform(&d);
    let t = &back.transit_gateways[0];
    assert!(t.sg_referencing);
    for a in &t.attachments {
        assert_eq!(a.sg_referencing, a.name != off, "{}", a.name);
    }
    common::assert_same_flows(&d, &back);
}

/// An interface endpoint's address chosen per subnet (AWS SubnetConfigurations)
/// is written as `subnet_configuration { subnet_id, ipv4 }` and read back.
#[test]
fn interface_endpoint_addresses_round_trip_through_terraform() {
    let mut d = vpcd::create::templates::find("interface-endpoints").unwrap().design();
    let e = d
        .endpoints
        .iter()
        .position(|e| matches!(e.kind, vpcd::model::EndpointKind::Interface { .. }))
        .unwrap();
    let vpcd::model::EndpointKind::Interface { subnets, .. } = &d.endpoints[e].kind else {
        unreachable!()
    };
    let subnet = subnets[0].clone();
    let cidr = d.subnets.iter().find(|s| s.name == subnet).unwrap().cidr;
    let ipv4 = cidr.hosts().nth(100).unwrap();
    d.endpoints[e].addresses = vec![vpcd::model::EndpointAddress {
        subnet: subnet.clone(),
        ipv4,
    }];
    let back = through_terraform(&d);
    let b = back.endpoints.iter().find(|x| x.name == d.endpoints[e].name).unwrap();
    assert_eq!(b.addresses, d.endpoints[e].addresses);
    common::assert_same_flows(&d, &back);
}

/// `enable_cross_zone_load_balancing` on a gateway load balancer (Terraform
/// `aws_lb`; off by default for network and gateway load balancers) survives
/// the export → import round trip, and so do the flows that depend on it.
#[test]
fn gwlb_cross_zone_load_balancing_round_trips_through_terraform() {
    let mut d = vpcd::create::templates::find("gwlb-inspection").unwrap().design();
    let lb = d.load_balancers.iter_mut().find(|l| l.name == "gwlb-inspect").unwrap();
    lb.cross_zone = true;
    let back = through_terraform(&d);
    let b = back.load_balancers.iter().find(|l| l.name == "gwlb-inspect").unwrap();
    assert!(b.cross_zone);
    common::assert_same_flows(&d, &back);
    // Off is the default and is not written.
    let d = vpcd::create::templates::find("gwlb-inspection").unwrap().design();
    let back = through_terraform(&d);
    assert!(back.load_balancers.iter().all(|l| !l.cross_zone));
}
