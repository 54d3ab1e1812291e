//! The cost of every template against a hand-computed figure, with the
//! built-in us-east-1 table: 730 h/month; NAT $0.045/h + $0.045/GB (100 GB
//! assumed per NAT); interface endpoint $0.01/h per AZ + $0.01/GB (10 GB per
//! endpoint); TGW attachment $0.05/h + $0.02/GB (100 GB per VPC attachment);
//! VPN $0.05/h; public IPv4 $0.005/h; Network Firewall endpoint $0.395/h +
//! $0.065/GB (100 GB per endpoint), which waives chained NAT charges one for
//! one; Direct Connect 1 Gbps port $0.30/h.
//!
//! Sources (re-checked 2026-11-23): Direct Connect port-hours from
//! aws.amazon.com/directconnect/pricing/pay-as-you-go (1G $0.30, 10G $2.25, 100G $22.50);
//! the firewall waiver from aws.amazon.com/network-firewall/pricing ("one hour & one GB of NAT
//! gateway at no additional cost for every hour & GB charged for Network Firewall endpoints").
//!
//! Unit figures used below:
//!   NAT gateway       730 × 0.045 = 32.85 hours + 100 × 0.045 = 4.50 data = 37.35
//!   public IPv4       730 × 0.005 = 3.65
//!   VPN connection    730 × 0.05  = 36.50
//!   TGW VPC attach.   730 × 0.05  = 36.50 + 100 × 0.02 = 2.00 → 38.50
//!   interface EP/AZ   730 × 0.01  = 7.30; data 10 × 0.01 = 0.10 per endpoint
//!   firewall endpoint 730 × 0.395 = 288.35 + 100 × 0.065 = 6.50 → 294.85
//!   DX 1 Gbps port    730 × 0.30  = 219.00

use crate::common;

use std::process::Command;

use vpcd::cost::{self, PriceTable};
use vpcd::create::templates::{self, TEMPLATES};

fn total(template: &str) -> f64 {
    let d = templates::find(template).unwrap().design();
    cost::estimate(&d, &PriceTable::builtin()).total_monthly_usd
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

#[test]
fn every_template_costs_its_hand_computed_figure() {
    let expected: &[(&str, f64)] = &[
        // web-1's auto-assigned public IPv4.
        ("single-public-subnet", 3.65),
        // 1 NAT 37.35 + 2 IPv4 (NAT's EIP, web-1) 7.30.
        ("public-private-nat", 37.35 + 2.0 * 3.65),
        // 1 VPN 36.50 + web-1's IPv4 3.65.
        ("public-private-vpn", 36.50 + 3.65),
        // 1 VPN.
        ("private-vpn-only", 36.50),
        // 2 NAT 74.70 + 4 IPv4 (2 NAT EIPs, 2 ALB nodes) 14.60.
        ("three-tier-alb", 2.0 * 37.35 + 4.0 * 3.65),
        // The bastion's Elastic IP.
        ("bastion-host", 3.65),
        // 3 TGW VPC attachments.
        ("transit-hub-spoke", 3.0 * 38.50),
        // 2 NAT 74.70 + 2 EIPs 7.30 + 2 firewall endpoints 589.70 + 3 TGW attachments 115.50
        // − waiver (2 NAT × 32.85 hours = 65.70, min(200, 200) GB × 0.045 = 9.00) 74.70.
        (
            "inspection-firewall",
            2.0 * 37.35 + 2.0 * 3.65 + 2.0 * 294.85 + 3.0 * 38.50 - (2.0 * 32.85 + 200.0 * 0.045),
        ),
        // Peering has no hourly charge.
        ("peering-triangle", 0.0),
        // Gateway endpoints are free.
        ("gateway-endpoints", 0.0),
        // 2 endpoints × (2 AZs × 7.30 + 0.10).
        ("interface-endpoints", 2.0 * (2.0 * 7.30 + 0.10)),
        // VPN 36.50 + DX 1 Gbps port 219.00.
        ("hybrid-dx-vpn", 36.50 + 219.00),
        // 3 VPN connections.
        ("vpn-cloudhub", 3.0 * 36.50),
        // 1 NAT 37.35 + 2 IPv4 (NAT's EIP, web-1) 7.30; the egress-only IGW is free.
        ("dual-stack-eigw", 37.35 + 2.0 * 3.65),
        // NLB 730 h × ($0.0225 + 1 NLCU × $0.006) 20.805 + the partner's endpoint
        // (2 AZs × 7.30 + 10 GB × 0.01) 14.70; the endpoint service is free to the provider.
        // 35.505, and the total is rounded to the cent.
        ("privatelink-service", 35.50),
        // GWLB 730 h × ($0.0125 + 1 GLCU × $0.004) 12.045 + 2 GWLB endpoints × (7.30 +
        // 100 GB × $0.0035) + 2 IPv4 (web-1, web-2) 7.30.
        // 34.645, rounded to the cent.
        ("gwlb-inspection", 34.64),
        // 1 NAT 37.35 + its EIP 3.65; sharing subnets through AWS RAM is free.
        ("shared-vpc", 37.35 + 3.65),
        // 2 spoke VPN connections 73.00 + the appliance's Elastic IP 3.65; the
        // data centre's tunnel to the appliance is no AWS VPN connection.
        ("transit-vpc", 2.0 * 36.50 + 3.65),
        // Nothing billable until instances get public IPs.
        ("default-vpc", 0.0),
    ];
    assert_eq!(expected.len(), TEMPLATES.len());
    for (name, want) in expected {
        let got = total(name);
        assert!(close(got, *want), "{name}: got {got}, hand-computed {want}");
    }
}

#[test]
fn free_parts_are_listed_as_free() {
    let d = templates::find("gateway-endpoints").unwrap().design();
    let est = cost::estimate(&d, &PriceTable::builtin());
    let gw: Vec<_> = est.items.iter().filter(|i| i.item == "gateway endpoint").collect();
    assert_eq!(gw.len(), 2);
    assert!(gw.iter().all(|i| i.free && i.monthly_usd == 0.0));

    let d = templates::find("peering-triangle").unwrap().design();
    let est = cost::estimate(&d, &PriceTable::builtin());
    assert_eq!(
        est.items.iter().filter(|i| i.item == "VPC peering" && i.free).count(),
        3
    );

    let d = templates::find("dual-stack-eigw").unwrap().design();
    let est = cost::estimate(&d, &PriceTable::builtin());
    assert!(est.items.iter().any(|i| i.item == "internet gateway" && i.free));
    assert!(est
        .items
        .iter()
        .any(|i| i.item == "egress-only internet gateway" && i.free));
}

#[test]
fn what_if_one_nat_per_az_prices_the_extra_gateways() {
    // Generator with a single NAT in 3 AZs: 2 more NATs → 2 × (32.85 hours + 3.65 EIP) = 73.00.
    let o = vpcd::create::vpc_wizard::WizardOptions {
        azs: 3,
        ..Default::default()
    };
    let d = vpcd::create::vpc_wizard::generate(&o).unwrap();
    let w = cost::what_ifs(&d, &PriceTable::builtin());
    let per_az = w
        .iter()
        .find(|w| w.change.starts_with("one NAT gateway per AZ"))
        .unwrap();
    assert!(close(per_az.delta_monthly_usd, 73.00), "{per_az:?}");
    assert!(per_az.tradeoff.contains("survives an AZ failure"));

    // three-tier-alb has one NAT per AZ: going single saves 32.85 + 3.65 = 36.50.
    let d = templates::find("three-tier-alb").unwrap().design();
    let w = cost::what_ifs(&d, &PriceTable::builtin());
    let single = w.iter().find(|w| w.change.starts_with("a single NAT gateway")).unwrap();
    assert!(close(single.delta_monthly_usd, -36.50), "{single:?}");

    // In the inspection VPC the firewall endpoints waive both NATs' hours: only the EIP is saved.
    let d = templates::find("inspection-firewall").unwrap().design();
    let w = cost::what_ifs(&d, &PriceTable::builtin());
    let single = w.iter().find(|w| w.change.starts_with("a single NAT gateway")).unwrap();
    assert!(close(single.delta_monthly_usd, -3.65), "{single:?}");
}

#[test]
fn an_override_price_table_changes_the_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let prices = dir.path().join("prices.ron");
    let text = cost::BUILTIN_PRICES.replace("vpn_connection_hour: 0.05", "vpn_connection_hour: 0.10");
    std::fs::write(&prices, text).unwrap();
    let t = PriceTable::load(&prices).unwrap();
    let d = templates::find("vpn-cloudhub").unwrap().design();
    // 3 × 730 × 0.10 = 219.00.
    assert!(close(cost::estimate(&d, &t).total_monthly_usd, 219.00));

    let file = dir.path().join("hub.ron");
    vpcd::io::save(&file, &d).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["cost", "--format", "json", "--prices"])
        .arg(&prices)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(close(json["total_monthly_usd"].as_f64().unwrap(), 219.00));
    assert_eq!(json["price_region"], "us-east-1");

    std::fs::write(&prices, "(region: \"x\",").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["cost", "--prices"])
        .arg(&prices)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cli_text_output_shows_total_and_what_if() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alb.ron");
    vpcd::io::save(&file, &templates::find("three-tier-alb").unwrap().design()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .arg("cost")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("$89.30  total per month"), "{text}");
    assert!(
        text.contains("a single NAT gateway in shop (1 fewer): -$36.50/month"),
        "{text}"
    );
    // The NAT lines price 100 GB each: the estimate says that it assumes it.
    assert!(
        text.contains("each NAT gateway is assumed to process 100 GB a month"),
        "{text}"
    );
}

#[test]
fn plan_per_az_without_hosts_says_it_needs_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alb.ron");
    vpcd::io::save(&file, &templates::find("three-tier-alb").unwrap().design()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["plan", "--per-az"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--hosts"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["plan", "--per-az", "--hosts", "100"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("us-east-1a:") && text.contains("us-east-1b:"), "{text}");
}

/// A regional NAT gateway is assumed to bill the NAT gateway hour in each AZ it
/// is active in (every AZ of its VPC with subnets: two in the sample) and its
/// data once, plus an Amazon-provided public IPv4 address per AZ; `vpcd cost`
/// states the assumption. Two zonal NAT gateways with their Elastic IPs cost
/// the same hours; the what-ifs about NAT gateways per AZ do not apply.
#[test]
fn a_regional_nat_gateway_bills_the_hour_in_each_az_it_serves() {
    let zonal = templates::sample::three_tier();
    let d = common::regional_nat_sample();
    let e = cost::estimate(&d, &PriceTable::builtin());
    let nat = e.items.iter().find(|i| i.object == "nat-r").unwrap();
    assert_eq!(nat.item, "NAT gateway (regional)");
    // 2 AZs × 730 h × 0.045 + 100 GB × 0.045.
    assert!(close(nat.monthly_usd, 2.0 * 32.85 + 4.50), "{nat:?}");
    assert!(nat.detail.starts_with("2 AZs × 730 h"), "{}", nat.detail);
    let ipv4 = e.items.iter().find(|i| i.item == "public IPv4 addresses").unwrap();
    assert!(ipv4.object.contains("nat-r"), "{ipv4:?}");
    assert!(
        e.notes
            .iter()
            .any(|n| n.contains("regional NAT gateway") && n.contains("each AZ")),
        "{:?}",
        e.notes
    );
    // Same public addresses and NAT hours as two zonal NAT gateways; one data charge less.
    let z = cost::estimate(&zonal, &PriceTable::builtin());
    assert!(
        close(z.total_monthly_usd - e.total_monthly_usd, 4.50),
        "{} vs {}",
        z.total_monthly_usd,
        e.total_monthly_usd
    );
    assert!(
        e.what_if.iter().all(|w| !w.change.contains("NAT gateway")),
        "{:?}",
        e.what_if
    );
}
