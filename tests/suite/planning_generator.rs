//! The "VPC and more" generator never produces overlapping or invalid CIDRs
//! and its designs pass validation with no errors, over its whole parameter space.

use std::process::Command;

use ipnet::{IpNet, Ipv4Net};
use proptest::prelude::*;
use vpcd::create::vpc_wizard::{self, NatMode, Tier, WizardOptions};
use vpcd::model::{cidr, DesignIndex, RouteTarget, SgPeer, SubnetKind};
use vpcd::validate::{self, Severity};

fn options() -> impl Strategy<Value = WizardOptions> {
    (
        (16u8..=28, any::<u32>()),
        1u8..=4,
        prop::sample::subsequence(Tier::ALL.to_vec(), 1..=4),
        prop_oneof![Just(NatMode::None), Just(NatMode::Single), Just(NatMode::PerAz)],
        any::<(bool, bool, bool, bool, bool, bool)>(),
    )
        .prop_map(
            |((p, seed), azs, tiers, nat, (s3, ddb, ipv6, hostnames, support, baseline))| WizardOptions {
                name: "gen".into(),
                region: "us-east-1".into(),
                cidr: Ipv4Net::new(std::net::Ipv4Addr::from(0x0A00_0000 | (seed & 0x00FF_FFFF)), p)
                    .unwrap()
                    .trunc(),
                azs,
                tiers,
                nat,
                s3_endpoint: s3,
                dynamodb_endpoint: ddb,
                ipv6,
                dns_hostnames: hostnames && support,
                dns_support: support,
                baseline_security: baseline,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn generated_designs_are_valid_and_never_overlap(o in options()) {
        let d = match vpc_wizard::generate(&o) {
            Ok(d) => d,
            Err(e) => {
                // Refusals are only for NAT without the tiers it needs, or a VPC too small.
                let needs_tiers = o.nat != NatMode::None
                    && !(o.tiers.contains(&Tier::Public) && o.tiers.contains(&Tier::Private));
                let slots = o.tiers.len().next_power_of_two().trailing_zeros()
                    + usize::from(o.azs).next_power_of_two().trailing_zeros();
                let too_small = u32::from(o.cidr.prefix_len()) + slots > 28;
                prop_assert!(needs_tiers || too_small, "unexpected refusal: {e}");
                return Ok(());
            }
        };
        prop_assert_eq!(d.subnets.len(), o.tiers.len() * usize::from(o.azs));
        for (i, a) in d.subnets.iter().enumerate() {
            prop_assert!((16..=28).contains(&a.cidr.prefix_len()), "{}", a.cidr);
            prop_assert_eq!(a.cidr, a.cidr.trunc());
            prop_assert!(cidr::contains(o.cidr, a.cidr));
            for b in &d.subnets[i + 1..] {
                prop_assert!(!cidr::overlaps(a.cidr, b.cidr), "{} overlaps {}", a.cidr, b.cidr);
                if let (Some(x), Some(y)) = (a.ipv6_cidr, b.ipv6_cidr) {
                    prop_assert!(!cidr::overlaps_v6(x, y));
                }
            }
            if let (Some(v6), Some(block)) = (a.ipv6_cidr, d.vpcs[0].ipv6_cidr) {
                prop_assert_eq!(v6.prefix_len(), 64);
                prop_assert!(cidr::contains_v6(block, v6));
            }
        }
        let errors: Vec<_> = validate::validate(&d).into_iter().filter(|x| x.severity == Severity::Error).collect();
        prop_assert!(errors.is_empty(), "{:#?}", errors);

        let idx = DesignIndex::new(&d);
        for s in &d.subnets {
            let rt = idx.subnet_route_table(&d, s).unwrap();
            for r in idx.effective_routes(&d, rt) {
                prop_assert!(r.blackhole_reason.is_none(), "{:?}", r);
            }
            let kind = idx.subnet_kind(&d, s);
            match s.tier.as_deref() {
                Some("public") => prop_assert_eq!(kind, SubnetKind::Public),
                Some("private") if o.nat != NatMode::None => prop_assert_eq!(kind, SubnetKind::Private),
                // The database tier has no internet route at all, IPv4 or IPv6.
                Some("database") | Some("intra") => {
                    prop_assert_eq!(kind, SubnetKind::Isolated);
                    prop_assert!(rt.routes.is_empty());
                }
                _ => {}
            }
            // With per-AZ NAT each private subnet uses the NAT gateway of its own AZ.
            if o.nat == NatMode::PerAz && s.tier.as_deref() == Some("private") {
                for r in &rt.routes {
                    if let RouteTarget::NatGateway(n) = &r.target {
                        let nat = idx.nat_gateway(&d, n).unwrap();
                        prop_assert_eq!(&idx.subnet(&d, nat.subnet.as_deref().unwrap()).unwrap().az, &s.az);
                    }
                }
            }
        }
    }
}

#[test]
fn tier_security_groups_chain_web_app_db() {
    let o = WizardOptions {
        tiers: vec![Tier::Public, Tier::Private, Tier::Database],
        ..Default::default()
    };
    let d = vpc_wizard::generate(&o).unwrap();
    let sg = |n: &str| d.security_groups.iter().find(|g| g.name == n).unwrap();
    let any: IpNet = "0.0.0.0/0".parse().unwrap();
    let web_ports: Vec<u16> = sg("sg-web").inbound.iter().map(|r| r.ports.from).collect();
    assert_eq!(web_ports, vec![80, 443]);
    assert!(sg("sg-web").inbound.iter().all(|r| r.peer == SgPeer::Cidr(any)));
    assert_eq!(sg("sg-app").inbound.len(), 1);
    assert_eq!(sg("sg-app").inbound[0].peer, SgPeer::Group("sg-web".into()));
    assert_eq!(sg("sg-database").inbound[0].peer, SgPeer::Group("sg-app".into()));
    assert_eq!(sg("sg-database").inbound[0].ports.from, vpc_wizard::DB_PORT);
    // NACLs are stateless: the database tier answers on ephemeral ports to the private tier only.
    let acl = d.network_acls.iter().find(|a| a.name == "acl-database").unwrap();
    assert_eq!(acl.outbound[0].ports, vpcd::model::PortRange::EPHEMERAL);
    assert_eq!(acl.outbound[0].cidr.to_string(), "10.0.64.0/18");
    let public = d.network_acls.iter().find(|a| a.name == "acl-public").unwrap();
    assert!(public
        .inbound
        .iter()
        .any(|r| r.ports == vpcd::model::PortRange::EPHEMERAL));
}

#[test]
fn cli_generates_a_checked_design_and_rejects_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gen.ron");
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args([
            "new",
            "--azs",
            "3",
            "--nat",
            "per-az",
            "--tiers",
            "public,private,database",
            "--s3-endpoint",
            "--ipv6",
            "--dns-hostnames",
            "--name",
            "prod",
            "-o",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let d = vpcd::io::load(&file).unwrap();
    assert_eq!(d.nat_gateways.len(), 3);
    assert_eq!(d.vpcs[0].name, "prod");
    let check = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .arg("check")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0));

    // Existing file without --force, and a /29 VPC, are refused with exit 2.
    let again = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["new", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    let small = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["new", "--cidr", "10.0.0.0/29", "-o"])
        .arg(dir.path().join("small.ron"))
        .output()
        .unwrap();
    assert_eq!(small.status.code(), Some(2));
    let bad_azs = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["new", "--azs", "5", "-o"])
        .arg(dir.path().join("five.ron"))
        .output()
        .unwrap();
    assert_eq!(bad_azs.status.code(), Some(2));
}

#[test]
fn cli_no_baseline_leaves_subnets_on_the_default_nacl() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bare.ron");
    let out = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["new", "--tiers", "public,private,database", "--no-baseline", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let d = vpcd::io::load(&file).unwrap();
    assert_eq!(d.subnets.len(), 6);
    assert!(d.subnets.iter().all(|s| s.network_acl.is_none()));
    // Only the VPC's default security group and default NACL.
    assert_eq!((d.security_groups.len(), d.network_acls.len()), (1, 1));
}
