//! Round trip through AWS's JSON: `export aws-json` then `import aws` gives a
//! design with the same reachability (`vpcd diff` reports nothing) and no
//! new findings, for every template, the sample and generated designs.

use crate::aws_support;
use crate::common;

use std::collections::BTreeSet;

use vpcd::create::synthetic::{generate, GenParams, PeeringMode};
use vpcd::interop::aws::{self, export, ImportOptions};
use vpcd::model::{Design, VpnTermination};
use vpcd::validate::validate;

fn round_trip(d: &Design) -> Design {
    let dir = tempfile::tempdir().unwrap();
    export::write_dir(d, dir.path()).unwrap();
    let i = aws::import_paths(&[dir.path().to_path_buf()], &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", d.name));
    i.design
}

fn findings(d: &Design) -> BTreeSet<(String, String)> {
    validate(d).into_iter().map(|f| (f.code.to_string(), f.path)).collect()
}

fn check(d: &Design) {
    let back = round_trip(d);
    common::assert_same_flows(d, &back);
    let before = findings(d);
    let new: Vec<_> = findings(&back).difference(&before).cloned().collect();
    assert!(new.is_empty(), "{}: new findings {new:?}", d.name);
    // The export is stable: the same design exports the same ids.
    assert_eq!(export::export(d).0.len(), export::export(&back).0.len());
}

#[test]
fn every_template_and_the_sample_round_trip() {
    check(&vpcd::create::templates::sample::three_tier());
    for t in vpcd::create::templates::TEMPLATES {
        let d = t.design();
        if !d.firewalls.is_empty() {
            // AWS Network Firewall is described by its own API, not EC2's
            // describe-* outputs: the exporter says it leaves it out.
            let (_, left_out) = export::export(&d);
            assert!(left_out.iter().any(|l| l.starts_with("firewall")), "{left_out:?}");
            continue;
        }
        if d.vpn_connections
            .iter()
            .any(|v| matches!(v.termination, VpnTermination::Instance(_)))
        {
            // A tunnel to a software VPN is the appliance's configuration, not
            // an AWS resource: the exporter says so, and the rest round-trips.
            let (_, left_out) = export::export(&d);
            assert!(left_out.iter().any(|l| l.contains("software VPN")), "{left_out:?}");
            let mut rest = d.clone();
            rest.vpn_connections
                .retain(|v| !matches!(v.termination, VpnTermination::Instance(_)));
            check(&rest);
            continue;
        }
        check(&d);
    }
}

#[test]
fn generated_designs_round_trip() {
    // Small enough for the flow diff: a TGW hub, then a peering mesh.
    for (seed, tgw, peering) in [(1, true, PeeringMode::None), (7, false, PeeringMode::Mesh)] {
        let p = GenParams {
            vpcs: 3,
            azs: 2,
            tiers: 3,
            instances: 1,
            tgw,
            peering,
            seed,
        };
        check(&generate(&p).unwrap());
    }
}

#[test]
fn exported_ids_are_stable_and_imported_ids_come_back() {
    let d = vpcd::create::templates::sample::three_tier();
    let (a, _) = export::export(&d);
    let (b, _) = export::export(&d);
    assert_eq!(
        serde_json::to_string(&a[0].1).unwrap(),
        serde_json::to_string(&b[0].1).unwrap()
    );
    let back = round_trip(&d);
    let id = back
        .aws_ids
        .iter()
        .find(|(id, name)| id.starts_with("i-") && name.as_str() == "app-1")
        .map(|(id, _)| id.clone())
        .expect("app-1 has an instance id");
    // The id is accepted wherever a name is.
    let idx = vpcd::model::DesignIndex::new(&back);
    let q = vpcd::model::TraceQuery {
        from: id,
        to: "internet".into(),
        proto: vpcd::model::Protocol::Tcp,
        port: Some(443),
        sport: None,
    };
    assert!(vpcd::analysis::trace(&back, &idx, &q).unwrap().reachable);
    // Exporting the imported design gives the same ids back.
    let again = round_trip(&back);
    assert_eq!(again.aws_ids, back.aws_ids);
}

/// The provider side of PrivateLink comes back whole: each endpoint service
/// with its load balancer, acceptance setting, allowed principals and the
/// state and owner of every connection; a Gateway Load Balancer endpoint keeps
/// its subnet, and the internet gateway keeps its edge route table
/// (`describe-vpc-endpoint-service-configurations`, `-permissions`,
/// `-connections`; a `RouteTables` association with a `GatewayId`).
#[test]
fn endpoint_services_gwlb_endpoints_and_edge_associations_round_trip() {
    for name in ["privatelink-service", "gwlb-inspection"] {
        let d = vpcd::create::templates::TEMPLATES
            .iter()
            .find(|t| t.name == name)
            .unwrap()
            .design();
        assert!(!d.endpoint_services.is_empty(), "{name}");
        let back = round_trip(&d);
        // Descriptions are vpcd's own notes; AWS JSON carries the rest.
        let plain = |d: &Design| {
            let mut s = d.endpoint_services.clone();
            s.iter_mut().for_each(|s| s.description = None);
            s
        };
        assert_eq!(plain(&back), plain(&d), "{name}");
        for e in &d.endpoints {
            let b = back.endpoints.iter().find(|x| x.name == e.name).unwrap();
            assert_eq!((&b.service, &b.kind), (&e.service, &e.kind), "{name}: {}", e.name);
        }
        for g in &d.internet_gateways {
            let b = back.internet_gateways.iter().find(|x| x.name == g.name).unwrap();
            assert_eq!(b.edge_route_table, g.edge_route_table, "{name}: {}", g.name);
        }
    }
}

/// The owner of every VPC, security group, instance and interface, by account id.
fn owners(d: &Design) -> BTreeSet<(String, String)> {
    let id = |a: Option<&str>| {
        a.and_then(|a| d.accounts.account(a))
            .and_then(|a| a.id.clone())
            .unwrap_or_default()
    };
    let mut out = BTreeSet::new();
    for v in &d.vpcs {
        out.insert((v.name.clone(), id(d.vpc_owner(&v.name))));
    }
    for g in &d.security_groups {
        out.insert((g.name.clone(), id(d.security_group_owner(&g.name))));
    }
    for i in &d.instances {
        let owner = d.instance_owner(&i.name);
        out.insert((i.name.clone(), id(owner)));
        for e in &i.secondary_interfaces {
            out.insert((e.name.clone(), id(e.owner.as_deref().or(owner))));
        }
    }
    out
}

/// `OwnerId` on each account's VPCs and on the reservations of its instances
/// (EC2 API reference: Vpc, Reservation) names the owners, and an import of
/// several accounts' output keeps them; export writes them back.
#[test]
fn owners_of_a_multi_account_network_come_through_and_round_trip() {
    let i = aws_support::import("test-vpc-peering-multi-account", None);
    let d = &i.design;
    assert!(!i.has_errors(), "{}", i.report.to_text());
    let ids: Vec<Option<&str>> = d.accounts.accounts.iter().map(|a| a.id.as_deref()).collect();
    assert_eq!(ids, [Some("028403472736"), Some("951601349076")]);
    let vpc_of = |aws_id: &str| d.aws_ids[aws_id].clone();
    assert_eq!(d.vpc_owner(&vpc_of("vpc-0f44fae3468d2b998")), Some("028403472736"));
    assert_eq!(d.vpc_owner(&vpc_of("vpc-05951c91977125d2e")), Some("951601349076"));
    assert_eq!(d.instance_owner(&vpc_of("i-07ae69cc808e8804e")), Some("028403472736"));
    assert_eq!(d.instance_owner(&vpc_of("i-066ce0b1efbb5602c")), Some("951601349076"));
    // Nobody launches into another account's VPC here: no shares.
    assert!(d.accounts.shares.is_empty(), "{:?}", d.accounts.shares);

    let dir = tempfile::tempdir().unwrap();
    export::write_dir(d, dir.path()).unwrap();
    let vpcs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("Vpcs.json")).unwrap()).unwrap();
    let written: BTreeSet<(String, String)> = vpcs["Vpcs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["VpcId"].as_str().unwrap().to_string(),
                v["OwnerId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        written,
        BTreeSet::from([
            ("vpc-05951c91977125d2e".to_string(), "951601349076".to_string()),
            ("vpc-0f44fae3468d2b998".to_string(), "028403472736".to_string()),
        ])
    );
    let back = aws::import_paths(&[dir.path().to_path_buf()], &ImportOptions::default())
        .unwrap()
        .design;
    assert_eq!(back.accounts, d.accounts);
    assert_eq!(owners(&back), owners(d));
}

/// A transit gateway shared between two accounts: each account's VPCs are its
/// own (the folder layout `accounts/<id>/` names the owner when the output does
/// not repeat it).
#[test]
fn owners_of_a_shared_transit_gateway_network() {
    let i = aws_support::import("test-transit-gateway-multi-account", None);
    let d = &i.design;
    assert!(!i.has_errors(), "{}", i.report.to_text());
    assert_eq!(d.accounts.accounts.len(), 2, "{:?}", d.accounts);
    let vpc_of = |aws_id: &str| d.aws_ids[aws_id].clone();
    assert_eq!(d.vpc_owner(&vpc_of("vpc-04048d4bfba9c2289")), Some("028403472736"));
    assert_eq!(d.vpc_owner(&vpc_of("vpc-08287a9084472b276")), Some("951601349076"));
    let back = round_trip(d);
    assert_eq!(back.accounts, d.accounts);
    assert_eq!(owners(&back), owners(d));
}

/// A shared VPC: participants' instances and groups keep their accounts, and
/// the subnets they launch into come back shared with them (AWS RAM's shares
/// are not EC2 output; the import rebuilds them from the launches).
#[test]
fn shared_vpc_keeps_owners_and_shares_through_aws_json() {
    let d = vpcd::create::templates::find("shared-vpc").unwrap().design();
    let back = round_trip(&d);
    assert_eq!(owners(&back), owners(&d));
    let shared = |d: &Design, subnet: &str, account_id: &str| {
        let name = d.accounts.by_id(account_id).map(|a| a.name.clone());
        d.accounts.is_shared_with(subnet, name.as_deref())
    };
    for (subnet, account) in [
        ("app-a", "222222222222"),
        ("app-b", "222222222222"),
        ("data-a", "333333333333"),
    ] {
        assert!(shared(&d, subnet, account));
        assert!(shared(&back, subnet, account), "{subnet}: {:?}", back.accounts);
    }
    assert!(!shared(&back, "data-a", "222222222222"));
    assert!(!shared(&back, "public-a", "222222222222"));
    assert!(validate(&back)
        .iter()
        .all(|f| f.severity != vpcd::validate::Severity::Error));
}

/// describe-nat-gateways shows a regional NAT gateway with `AvailabilityMode:
/// regional`, its VPC and no subnet (EC2 API reference, `NatGateway`): the
/// import reads it back as the same regional NAT gateway, with the same flows.
#[test]
fn a_regional_nat_gateway_round_trips_through_aws_json() {
    let d = common::regional_nat_sample();
    assert!(validate(&d).is_empty(), "{:?}", findings(&d));
    check(&d);
    let back = round_trip(&d);
    assert_eq!(back.nat_gateways.len(), 1);
    let n = &back.nat_gateways[0];
    assert_eq!(n.name, "nat-r");
    assert!(n.is_regional());
    assert_eq!((n.subnet.as_deref(), n.vpc.as_deref()), (None, Some("shop")));
    let (files, _) = export::export(&d);
    let json = files
        .iter()
        .find(|(name, _)| name == "NatGateways.json")
        .map(|(_, file)| serde_json::to_string_pretty(file).unwrap())
        .unwrap_or_default();
    assert!(json.contains("\"AvailabilityMode\": \"regional\""), "{json}");
    assert!(!json.contains("SubnetId"), "{json}");
}

/// A regional NAT gateway in manual mode (`AutoProvisionZones: disabled`: the
/// account chose its AZs and Elastic IPs) is imported as the automatic mode
/// vpcd models, and the report says it was approximated.
#[test]
fn a_regional_nat_gateway_in_manual_mode_is_reported_as_approximated() {
    let d = common::regional_nat_sample();
    let dir = tempfile::tempdir().unwrap();
    let (files, _) = export::export(&d);
    for (name, mut file) in files {
        if let Some(nats) = file.nat_gateways.as_mut() {
            for n in nats {
                n.auto_provision_zones = Some("disabled".into());
            }
        }
        std::fs::write(dir.path().join(name), serde_json::to_string_pretty(&file).unwrap()).unwrap();
    }
    let i = aws::import_paths(&[dir.path().to_path_buf()], &ImportOptions::default()).unwrap();
    assert!(i.design.nat_gateways[0].is_regional());
    assert!(
        i.report
            .approximated
            .iter()
            .any(|n| n.kind == "NAT gateway" && n.reason.contains("manual mode")),
        "{:?}",
        i.report.approximated
    );
}

/// Cross-zone load balancing is a load balancer attribute
/// (`describe-load-balancer-attributes`, key `load_balancing.cross_zone.enabled`):
/// exported per load balancer and read back, so a GWLB that balances across AZs
/// keeps the flows it carries when an AZ's appliance fails.
#[test]
fn gwlb_cross_zone_load_balancing_round_trips_through_aws_json() {
    let mut d = vpcd::create::templates::find("gwlb-inspection").unwrap().design();
    let lb = d.load_balancers.iter_mut().find(|l| l.name == "gwlb-inspect").unwrap();
    lb.cross_zone = true;
    check(&d);
    let back = round_trip(&d);
    let lb = back.load_balancers.iter().find(|l| l.name == "gwlb-inspect").unwrap();
    assert!(lb.cross_zone);
    let (files, _) = export::export(&d);
    let json = files
        .iter()
        .find(|(name, _)| name == "LoadBalancerAttributes.json")
        .map(|(_, file)| serde_json::to_string_pretty(file).unwrap())
        .unwrap_or_default();
    assert!(
        json.contains("\"Key\": \"load_balancing.cross_zone.enabled\""),
        "{json}"
    );
}
