//! AWS behaviours checked against the AWS guides and Reachability Analyzer's
//! documented outcomes: one test per behaviour, named after the rule it pins.
//! Sources are cited per test (Amazon VPC User Guide, Transit Gateways guide,
//! Site-to-Site VPN guide, Reachability Analyzer User Guide, EC2 API reference).

use crate::analysis_support;

use analysis_support::*;
use vpcd::analysis::{Code, HopKind, Leg};
use vpcd::model::*;

/// `v` 10.0.0.0/16 with `app` in `priv` (10.0.1.0/24), peered to `p` whose only
/// subnet is 192.168.1.0/24; `rt-priv` routes 192.168.1.0/24 over the peering.
fn peered_slash24() -> B {
    B::new()
        .vpc("v", "10.0.0.0/16")
        .vpc("p", "192.168.0.0/16")
        .peering("pcx", "v", "p")
        .rt("rt-priv", "v", &[("192.168.1.0/24", "pcx:pcx")])
        .rt("rt-p", "p", &[("10.0.0.0/16", "pcx:pcx")])
        .subnet("priv", "v", AZ_A, "10.0.1.0/24", "rt-priv", None)
        .subnet("ps", "p", AZ_A, "192.168.1.0/24", "rt-p", None)
        .sg("sg-all", "v", &["all 0.0.0.0/0"], &["all 0.0.0.0/0"])
        .sg("sg-p", "p", &["all 0.0.0.0/0"], &["all 0.0.0.0/0"])
        .inst("app", "priv", "10.0.1.10", &["sg-all"])
        .inst("peer", "ps", "192.168.1.10", &["sg-p"])
}

// ------------------------------------------------------------ Reachability

/// Reachability Analyzer accepts any IP address as a destination (RA User Guide,
/// "Create a path": destination address): 192.168.100.1 is held by no subnet and no
/// route covers it, so the packet stops at the route table (NO_ROUTE_TO_DESTINATION)
/// and the trace is a verdict, not bad input.
#[test]
fn ra_any_ip_destination_with_no_route_stops_at_the_route_table() {
    let d = peered_slash24().build();
    assert_reachable(&trace(&d, "app", "peer", "tcp", Some(22)));
    let t = trace(&d, "app", "192.168.100.1", "tcp", Some(22));
    assert_blocked_on(&t, Code::NoRoute, Leg::Forward, "rt-priv");
    assert_eq!(t.forward.last().unwrap().kind, HopKind::RouteTable);
}

/// RA NO_POSSIBLE_DESTINATION: an address inside the source VPC's range but in no
/// subnet matches the local route (VPC User Guide, "Route tables": every table has a
/// local route for the VPC's CIDRs) and then has nowhere to be delivered.
#[test]
fn ra_address_in_vpc_range_but_no_subnet_matches_local_and_has_no_destination() {
    let d = peered_slash24().build();
    let t = trace(&d, "app", "10.0.200.7", "tcp", Some(443));
    assert_blocked_on(&t, Code::NoHost, Leg::Forward, "v");
    assert!(
        t.forward
            .iter()
            .any(|h| h.id == "rt-priv" && h.passed && h.detail.contains("local")),
        "{}",
        t.to_text()
    );
}

/// The same as a source: a private address outside every VPC and every declared
/// on-premises prefix can only be an undeclared host behind the site's VPN. It is
/// sent from there, and the VPC cannot answer it, because neither the static VPN
/// routes nor the route table cover it (Site-to-Site VPN guide, "Static and dynamic routing").
#[test]
fn undeclared_onprem_source_address_is_sent_from_the_site_and_gets_no_reply() {
    let mut d = B::new()
        .vpc("v", "10.0.0.0/16")
        .vgw("vgw", "v")
        .cgw("cgw", "203.0.113.10", 65000)
        .vpn(
            "vpn",
            "cgw",
            VpnTermination::VpnGateway("vgw".into()),
            static_routes("172.16.0.0/16"),
        )
        .onprem("dc", "172.16.0.0/16", "cgw", None)
        .rt("rt", "v", &[("172.16.0.0/16", "vgw:vgw")])
        .subnet("s", "v", AZ_A, "10.0.1.0/24", "rt", None)
        .sg("sg", "v", &["all 0.0.0.0/0"], &["all 0.0.0.0/0"])
        .inst("app", "s", "10.0.1.10", &["sg"])
        .build();
    assert_reachable(&trace(&d, "onprem:dc", "app", "tcp", Some(22)));
    let t = trace(&d, "192.168.77.5", "app", "tcp", Some(22));
    assert!(!t.reachable, "{}", t.to_text());
    assert_eq!(t.blocked.as_ref().unwrap().leg, Leg::Return, "{}", t.to_text());
    assert!(
        t.notes.iter().any(|n| n.contains("on-prem network dc")),
        "{:?}",
        t.notes
    );
    // Without any VPN or Direct Connect such an address is still bad input.
    d.vpn_connections.clear();
    d.onprem_networks[0].customer_gateway = None;
    let idx = DesignIndex::new(&d);
    let q = TraceQuery {
        from: "192.168.77.5".into(),
        to: "app".into(),
        proto: Protocol::Tcp,
        port: Some(22),
        sport: None,
    };
    assert!(vpcd::analysis::trace(&d, &idx, &q).is_err());
}

/// RA IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS: an internet gateway only translates the
/// public IPv4 address associated with an ENI of its VPC (VPC User Guide, "Enable
/// internet access for a VPC using an internet gateway"). From the internet, an
/// instance with only a private address is stopped at the IGW, not at the instance.
#[test]
fn igw_only_translates_public_addresses_so_internet_to_private_instance_stops_at_the_igw() {
    let d = B::new()
        .vpc("v", "10.0.0.0/16")
        .igw("igw", "v")
        .rt("rt", "v", &[("0.0.0.0/0", "igw:igw")])
        .subnet("s", "v", AZ_A, "10.0.0.0/24", "rt", None)
        .sg("sg", "v", &["all 0.0.0.0/0"], &["all 0.0.0.0/0"])
        .inst("web", "s", "10.0.0.10", &["sg"])
        .build();
    let t = trace(&d, "internet", "web", "tcp", Some(80));
    assert_blocked_on(&t, Code::NoPublicIpIngress, Leg::Forward, "igw");
    assert_eq!(ids(&t.forward), ["internet", "igw"]);
    let b = t.blocked.as_ref().unwrap();
    assert_eq!(b.kind, HopKind::InternetGateway);
    assert!(b.hint.contains("public IP or Elastic IP"), "{}", b.hint);
    assert_eq!(
        Code::NoPublicIpIngress.aws_code(),
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
    );
}

fn tgw_att(name: &str, vpc: &str, subnet: &str) -> TgwAttachment {
    TgwAttachment {
        name: name.into(),
        kind: TgwAttachmentKind::Vpc {
            vpc: vpc.into(),
            subnets: vec![subnet.into()],
        },
        association: None,
        propagations: Vec::new(),
        appliance_mode: false,
        sg_referencing: true,
    }
}

/// TGW `DefaultRouteTableAssociation` and `DefaultRouteTablePropagation` are enabled
/// by default: "resource attachments are automatically associated with the default
/// association route table" and "automatically propagate routes to the default
/// propagation route table" (EC2 API `TransitGatewayOptions`; Transit Gateways guide,
/// "How transit gateways work"). Attachments that name neither get both.
#[test]
fn tgw_default_association_and_propagation_apply_to_attachments_that_name_neither() {
    let mut d = B::new()
        .vpc("a", "10.0.0.0/16")
        .vpc("b", "10.1.0.0/16")
        .rt("rt-a", "a", &[("10.0.0.0/8", "tgw:tgw")])
        .rt("rt-b", "b", &[("10.0.0.0/8", "tgw:tgw")])
        .subnet("sa", "a", AZ_A, "10.0.1.0/24", "rt-a", None)
        .subnet("sb", "b", AZ_A, "10.1.1.0/24", "rt-b", None)
        .sg("sg-a", "a", &["all 10.0.0.0/8"], &["all 0.0.0.0/0"])
        .sg("sg-b", "b", &["all 10.0.0.0/8"], &["all 0.0.0.0/0"])
        .inst("ia", "sa", "10.0.1.10", &["sg-a"])
        .inst("ib", "sb", "10.1.1.10", &["sg-b"])
        .build();
    d.transit_gateways.push(TransitGateway {
        name: "tgw".into(),
        description: None,
        asn: 64512,
        default_association: true,
        default_propagation: true,
        default_route_table: Some("tgw-default".into()),
        sg_referencing: false,
        route_tables: vec![TgwRouteTable {
            name: "tgw-default".into(),
            routes: Vec::new(),
        }],
        attachments: vec![tgw_att("att-a", "a", "sa"), tgw_att("att-b", "b", "sb")],
    });
    let t = trace(&d, "ia", "ib", "tcp", Some(22));
    assert_reachable(&t);
    assert!(
        t.forward
            .iter()
            .any(|h| h.id == "tgw-default" && h.detail.contains("10.1.0.0/16 → att-b (propagated)")),
        "{}",
        t.to_text()
    );
    // With both defaults off, the same attachments are associated with nothing.
    d.transit_gateways[0].default_association = false;
    d.transit_gateways[0].default_propagation = false;
    assert_blocked(&trace(&d, "ia", "ib", "tcp", Some(22)), Code::TgwNoAssociation, "att-a");
    // Association on, propagation off: the default table has no route for b.
    d.transit_gateways[0].default_association = true;
    assert_blocked(&trace(&d, "ia", "ib", "tcp", Some(22)), Code::TgwNoRoute, "tgw-default");
}

/// CreateNatGateway with an Elastic IP that is already associated succeeds, and the
/// NAT gateway then fails with the failure code `Resource.AlreadyAssociated`
/// ("Elastic IP address eipalloc-… is already associated"; EC2 API reference,
/// `NatGateway.FailureMessage`). Validation reports a non-blocking error, the
/// designer accepts the edit, and a trace through the NAT gateway stops there. The
/// other order is refused: AssociateAddress will not take a working NAT gateway's
/// address for an instance (Resource.AlreadyAssociated).
#[test]
fn nat_gateway_with_an_elastic_ip_in_use_is_created_then_fails() {
    let mut d = B::new()
        .vpc("v", "10.0.0.0/16")
        .igw("igw", "v")
        .rt("rt-pub", "v", &[("0.0.0.0/0", "igw:igw")])
        .rt("rt-priv", "v", &[("0.0.0.0/0", "nat:nat-a")])
        .subnet("pub", "v", AZ_A, "10.0.0.0/24", "rt-pub", None)
        .subnet("priv", "v", AZ_A, "10.0.1.0/24", "rt-priv", None)
        .nat("nat-a", "pub")
        .sg("sg", "v", &["all 0.0.0.0/0"], &["all 0.0.0.0/0"])
        .inst("bastion", "pub", "10.0.0.10", &["sg"])
        .inst("app", "priv", "10.0.1.10", &["sg"])
        .build();
    assert_reachable(&trace(&d, "app", "internet", "tcp", Some(443)));
    let mut ws = vpcd::workspace::Workspace::new(d.clone());
    let mut taker = d.instances[0].clone();
    taker.elastic_ip = Some("eip-nat-a".into());
    let err = ws
        .apply(vpcd::edit::Edit::Put(Object::Instance(taker)))
        .expect_err("the NAT gateway holds it");
    let r = err
        .reasons
        .iter()
        .find(|r| r.code == "eip-multiple-associations")
        .expect("refused");
    assert_eq!(r.aws_code, Some("Resource.AlreadyAssociated"));

    // The instance holds the address first; then the NAT gateway is pointed at it.
    let mut before = d.clone();
    before.instances[0].elastic_ip = Some("eip-nat-a".into());
    before.elastic_ips.push(ElasticIp {
        name: "eip-spare".into(),
        description: None,
        address: "3.3.3.99".parse().unwrap(),
    });
    before.nat_gateways[0].elastic_ip = Some("eip-spare".into());
    d = before.clone();
    d.nat_gateways[0].elastic_ip = Some("eip-nat-a".into());

    let diags = vpcd::validate::validate(&d);
    let f = diags
        .iter()
        .find(|x| x.code == "nat-eip-in-use")
        .expect("nat-eip-in-use");
    assert_eq!(f.severity, vpcd::validate::Severity::Error);
    assert!(!f.blocks_edit);
    assert_eq!(f.aws_code, Some("Resource.AlreadyAssociated"));
    assert!(
        !diags.iter().any(|x| x.code == "eip-multiple-associations"),
        "{diags:#?}"
    );

    let t = trace(&d, "app", "internet", "tcp", Some(443));
    assert_blocked_on(&t, Code::NatFailed, Leg::Forward, "nat-a");
    // The instance holds the address.
    assert_reachable(&trace(&d, "internet", "bastion", "tcp", Some(22)));

    let mut ws = vpcd::workspace::Workspace::new(before);
    let nat = d.nat_gateways[0].clone();
    let applied = ws
        .apply(vpcd::edit::Edit::Put(Object::NatGateway(nat)))
        .expect("accepted");
    assert!(applied.new_findings.iter().any(|f| f.code == "nat-eip-in-use"));
}

/// Two VPCs joined by an active same-Region peering; `sg-a` admits tcp/5432 from the
/// peer's group `sg-b`, and `sg-a2` (same VPC) admits from `sg-a`.
fn peered_group_reference() -> Design {
    B::new()
        .vpc("a", "10.0.0.0/16")
        .vpc("b", "10.1.0.0/16")
        .peering("pcx", "a", "b")
        .rt("rt-a", "a", &[("10.1.0.0/16", "pcx:pcx")])
        .rt("rt-b", "b", &[("10.0.0.0/16", "pcx:pcx")])
        .subnet("sa", "a", AZ_A, "10.0.1.0/24", "rt-a", None)
        .subnet("sb", "b", AZ_A, "10.1.1.0/24", "rt-b", None)
        .sg("sg-a", "a", &["tcp 5432 sg:sg-b"], &["all 0.0.0.0/0"])
        .sg("sg-a2", "a", &["tcp 22 sg:sg-a"], &["all 0.0.0.0/0"])
        .sg("sg-b", "b", &[], &["all 0.0.0.0/0"])
        .inst("db", "sa", "10.0.1.10", &["sg-a"])
        .inst("client", "sb", "10.1.1.10", &["sg-b"])
        .build()
}

/// "A stale security group rule is a rule that references a security group in a peer
/// VPC where the VPC peering connection has been deleted or the security group in the
/// peer VPC has been deleted" (VPC User Guide, "Work with stale security group rules";
/// DescribeStaleSecurityGroups). Both deletions succeed; the rule stays, matches
/// nothing, and validation warns.
#[test]
fn deleting_the_peering_or_the_peer_group_leaves_a_stale_rule_that_matches_nothing() {
    use vpcd::edit::Edit;
    use vpcd::workspace::Workspace;
    let d = peered_group_reference();
    assert!(vpcd::validate::validate(&d)
        .iter()
        .all(|x| x.severity != vpcd::validate::Severity::Error));
    assert_reachable(&trace(&d, "client", "db", "tcp", Some(5432)));

    for deleted in [
        ObjectRef::new(ObjectKind::Peering, "pcx"),
        ObjectRef::new(ObjectKind::SecurityGroup, "sg-b"),
    ] {
        let mut ws = Workspace::new(d.clone());
        if deleted.kind == ObjectKind::SecurityGroup {
            // The client must not hold the group any more (AWS refuses to delete a group in use).
            let mut client = d.instances[1].clone();
            client.security_groups = vec!["b-default-sg".into()];
            ws.apply(Edit::Put(Object::Instance(client)))
                .expect("re-point the client");
        }
        let applied = ws
            .apply(Edit::Delete(deleted.clone()))
            .unwrap_or_else(|e| panic!("deleting {deleted} is refused: {}", e.message));
        let stale = applied
            .new_findings
            .iter()
            .find(|f| f.code == "sg-reference-stale")
            .unwrap_or_else(|| panic!("no stale warning after deleting {deleted}: {:#?}", applied.new_findings));
        assert_eq!(stale.severity, vpcd::validate::Severity::Warning);
        assert!(
            stale.message.contains("stale rule, matches nothing"),
            "{}",
            stale.message
        );
    }
}

/// Within one VPC, AWS refuses to delete a group another group's rule references
/// (DeleteSecurityGroup: DependencyViolation), and a new rule that names a group of
/// an unpeered VPC is refused with InvalidGroup.NotFound (SG-7).
#[test]
fn same_vpc_referenced_group_cannot_be_deleted_and_new_rules_need_a_peered_group() {
    use vpcd::edit::Edit;
    use vpcd::workspace::Workspace;
    let mut d = peered_group_reference();
    d.instances[0].security_groups = vec!["a-default-sg".into()];
    let mut ws = Workspace::new(d.clone());
    let err = ws
        .apply(Edit::Delete(ObjectRef::new(ObjectKind::SecurityGroup, "sg-a")))
        .expect_err("sg-a2 references sg-a");
    assert!(err.message.contains("DependencyViolation"), "{}", err.message);

    ws.apply(Edit::Delete(ObjectRef::new(ObjectKind::Peering, "pcx")))
        .expect("peering deleted");
    let mut a2 = d.security_groups.iter().find(|g| g.name == "sg-a2").unwrap().clone();
    a2.inbound.push(sg_rule("tcp 443 sg:sg-b"));
    let err = ws
        .apply(Edit::Put(Object::SecurityGroup(a2)))
        .expect_err("sg-b is not peered any more");
    let r = err
        .reasons
        .iter()
        .find(|r| r.code == "sg-reference-other-vpc")
        .expect("refused by SG-7");
    assert_eq!(r.aws_code, Some("InvalidGroup.NotFound"));
}

/// SG-1 (EC2 API reference, CreateSecurityGroup, GroupName constraints): names
/// are unique within a VPC without regard to case, so `web` and `WEB` clash in
/// one VPC while the same name in two VPCs is fine; a name may not start with
/// `sg-` (AWS answers InvalidParameterValue) and `default` is the default
/// group's. The design's own unique name may be `sg-web` (a Name tag may):
/// the AWS name is the group name, else derived from the design name.
#[test]
fn sg_group_names_are_case_insensitive_per_vpc_and_never_start_with_sg_dash() {
    use vpcd::edit::Edit;
    use vpcd::workspace::Workspace;
    let d = peered_group_reference();
    let codes = |d: &Design| -> Vec<&'static str> {
        vpcd::validate::validate(d)
            .into_iter()
            .map(|f| f.code)
            .filter(|c| c.starts_with("sg-group-name"))
            .collect()
    };
    assert!(codes(&d).is_empty(), "{:?}", codes(&d));
    let vpc_of = |name: &str| d.security_groups.iter().find(|g| g.name == name).unwrap().vpc.clone();
    let mut ws = Workspace::new(d.clone());

    // `web` in sg-a's VPC, then `WEB` beside it: refused with AWS's code.
    let mut web = SecurityGroup::custom("web", vpc_of("sg-a"));
    web.group_name = Some("web".into());
    ws.apply(Edit::Put(Object::SecurityGroup(web))).expect("a new name");
    let mut upper = SecurityGroup::custom("web-upper", vpc_of("sg-a"));
    upper.group_name = Some("WEB".into());
    let err = ws
        .apply(Edit::Put(Object::SecurityGroup(upper.clone())))
        .expect_err("WEB clashes with web in one VPC");
    let r = err
        .reasons
        .iter()
        .find(|r| r.code == "sg-group-name-duplicate")
        .expect("SG-1");
    assert_eq!(r.aws_code, Some("InvalidGroup.Duplicate"));

    // The same name in the other VPC is fine.
    upper.vpc = vpc_of("sg-b");
    ws.apply(Edit::Put(Object::SecurityGroup(upper))).expect("another VPC");

    // An AWS name starting with sg- is refused; a design name `sg-…` is not.
    let mut dashed = SecurityGroup::custom("sg-cache", vpc_of("sg-a"));
    assert_eq!(dashed.aws_group_name(), "group-cache");
    ws.apply(Edit::Put(Object::SecurityGroup(dashed.clone())))
        .expect("derived name");
    dashed.group_name = Some("SG-cache".into());
    let err = ws
        .apply(Edit::Put(Object::SecurityGroup(dashed)))
        .expect_err("sg- prefix");
    let r = err
        .reasons
        .iter()
        .find(|r| r.code == "sg-group-name-invalid")
        .expect("SG-1");
    assert_eq!(r.aws_code, Some("InvalidParameterValue"));

    // `default` belongs to the VPC's default group.
    let mut named_default = SecurityGroup::custom("other", vpc_of("sg-a"));
    named_default.group_name = Some("Default".into());
    let err = ws
        .apply(Edit::Put(Object::SecurityGroup(named_default)))
        .expect_err("reserved");
    assert!(
        err.reasons.iter().any(|r| r.code == "sg-group-name-reserved"),
        "{err:?}"
    );
}

/// A group's AWS name survives export to AWS JSON and import back.
#[test]
fn sg_group_name_round_trips_through_aws_json() {
    let mut d = peered_group_reference();
    let defaults: Vec<String> = d.vpcs.iter().map(|v| v.default_security_group.clone()).collect();
    let custom = d
        .security_groups
        .iter_mut()
        .find(|g| !defaults.contains(&g.name))
        .unwrap();
    custom.group_name = Some("Web Tier (prod)".into());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.ron");
    vpcd::io::save(&file, &d).unwrap();
    let out = dir.path().join("aws");
    let (code, _, err) = vpcd(&[
        "export",
        "aws-json",
        file.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(out.join("SecurityGroups.json")).unwrap();
    assert!(text.contains("\"GroupName\": \"Web Tier (prod)\""), "{text}");
    let back = dir.path().join("back.ron");
    let (code, _, err) = vpcd(&["import", "aws", out.to_str().unwrap(), "-o", back.to_str().unwrap()]);
    assert!(code == 0 || code == 1, "{err}");
    let imported = vpcd::io::load(&back).unwrap();
    assert!(
        imported
            .security_groups
            .iter()
            .any(|g| g.aws_group_name() == "Web Tier (prod)"),
        "{:?}",
        imported
            .security_groups
            .iter()
            .map(|g| (&g.name, &g.group_name))
            .collect::<Vec<_>>()
    );
}

// ------------------------------------------------------------ vpcd apply

fn vpcd(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("vpcd runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const SAMPLE: &str = "assets/samples/three-tier.ron";

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// CreateRoute refuses a target that does not exist with the target's own code
/// (`InvalidNatGatewayID.NotFound` for a NAT gateway: EC2 API reference, CreateRoute;
/// RTE-3). `vpcd apply` names the edit and the code, exits 1 and writes nothing.
#[test]
fn apply_refuses_a_route_to_a_missing_nat_gateway_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let design = write(dir.path(), "d.ron", &std::fs::read_to_string(SAMPLE).unwrap());
    let before = std::fs::read_to_string(&design).unwrap();
    let edits = write(
        dir.path(),
        "e.ron",
        r#"[
            Put(Subnet((name: "lab-a", vpc: "shop", az: "us-east-1a", cidr: "10.0.30.0/24"))),
            Put(RouteTable((name: "rt-db", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-zz"))]))),
        ]"#,
    );
    let (code, out, err) = vpcd(&["apply", &design, &edits]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("2. route table rt-db: refused [route-target-missing] (AWS: InvalidNatGatewayID.NotFound)"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&design).unwrap(), before, "nothing written");
    let (code, out, _) = vpcd(&["apply", &design, &edits, "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["refused"]["index"], 2);
    assert_eq!(v["refused"]["aws_code"], "InvalidNatGatewayID.NotFound");
    assert_eq!(v["written"], serde_json::Value::Null);
    assert_eq!(v["applied"].as_array().unwrap().len(), 1);
}

/// The order of operations matters: a route to the NAT gateway is refused while the
/// gateway does not exist, but deleting the gateway later keeps the route as a
/// blackhole (VPC User Guide, "NAT gateways": routes to a deleted NAT gateway stay
/// with status blackhole). The same edits in the other order are accepted.
#[test]
fn apply_follows_the_order_of_operations_like_the_designer() {
    use vpcd::cli::apply::{apply_edits, parse_edits};
    let d = vpcd::create::templates::sample::three_tier();
    let create_then_route = parse_edits(
        r#"[
            Put(ElasticIp((name: "eip-c", address: "3.210.10.9"))),
            Put(NatGateway((name: "nat-c", subnet: "pub-a", elastic_ip: "eip-c"))),
            Put(RouteTable((name: "rt-db", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-c"))]))),
            Delete((kind: NatGateway, name: "nat-c")),
        ]"#,
        "edits.ron",
    )
    .unwrap();
    let (ws, report) = apply_edits(d.clone(), create_then_route.clone());
    assert!(report.refused.is_none(), "{:?}", report.refused);
    let last = &report.applied[3];
    assert!(
        last.new_findings.iter().any(|f| f.code == "route-blackhole"),
        "{:?}",
        last.new_findings
    );

    // The designer applies each edit through App::apply_edit: the same design results.
    let mut app = vpcd::tui::App::new(
        vpcd::workspace::Workspace::new(d.clone()),
        vpcd::tui::Options {
            saves_dir: std::env::temp_dir(),
            recovery: None,
            theme: vpcd::tui::theme::Theme::plain(),
        },
    );
    for e in create_then_route {
        app.apply_edit(e).expect("the designer accepts it");
    }
    assert_eq!(app.ws.design(), ws.design());

    // Route first: the target does not exist yet.
    let route_first = parse_edits(
        r#"[Put(RouteTable((name: "rt-db", vpc: "shop", routes: [(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-c"))])))]"#,
        "edits.ron",
    )
    .unwrap();
    let (ws, report) = apply_edits(d.clone(), route_first);
    let r = report.refused.expect("refused");
    assert_eq!((r.index, r.code), (1, Some("route-target-missing")));
    assert_eq!(ws.design(), &d, "the refused edit changed nothing");
}

/// AssociateVpcCidrBlock is refused while the VPC has requested a peering still
/// pending acceptance (VPC User Guide, "Add or remove a CIDR block"; VCIDR-6), and
/// DetachInternetGateway while public addresses are mapped (DependencyViolation;
/// VPC User Guide, "Internet gateways", IGW-4).
#[test]
fn apply_refuses_the_edit_time_rules_with_their_codes() {
    use vpcd::cli::apply::{apply_edits, parse_edits};
    let d = vpcd::create::templates::sample::three_tier();
    let edits = parse_edits(
        r#"[
            Batch(label: "lab", edits: [
                Put(Vpc((name: "lab", cidr: "10.1.0.0/16", main_route_table: "lab-main", default_network_acl: "lab-acl", default_security_group: "lab-sg"))),
                Put(RouteTable((name: "lab-main", vpc: "lab"))),
                Put(NetworkAcl((name: "lab-acl", vpc: "lab"))),
                Put(SecurityGroup((name: "lab-sg", vpc: "lab"))),
            ]),
            Put(Peering((name: "pcx-1", requester: "shop", accepter: "lab", status: PendingAcceptance))),
            Put(Vpc((name: "shop", cidr: "10.0.0.0/16", secondary_cidrs: ["10.2.0.0/16"], main_route_table: "shop-main", default_network_acl: "shop-default-acl", default_security_group: "shop-default-sg"))),
        ]"#,
        "edits.ron",
    )
    .unwrap();
    let (_, report) = apply_edits(d.clone(), edits);
    let r = report.refused.expect("refused");
    assert_eq!(r.index, 3, "{r:?}");
    assert_eq!(r.code, Some("vpc-cidr-pending-peering"));

    let edits = parse_edits(r#"[Put(InternetGateway((name: "igw-shop")))]"#, "edits.ron").unwrap();
    let (_, report) = apply_edits(d.clone(), edits);
    let r = report.refused.expect("refused");
    assert_eq!(r.code, Some("igw-detach-with-public-ips"));
    assert_eq!(r.aws_code, Some("DependencyViolation"));

    // Deleting something that does not exist: the kind's NotFound.
    let edits = parse_edits(r#"[Delete((kind: Subnet, name: "nope"))]"#, "edits.ron").unwrap();
    let r = apply_edits(d, edits).1.refused.expect("refused");
    assert_eq!(r.aws_code, Some("InvalidSubnetID.NotFound"));
}

/// Accepted: exit 0 and the design is written atomically to OUT; a malformed edits
/// file is bad input located by file, line and column (exit 2).
#[test]
fn apply_writes_the_result_and_reports_located_parse_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.ron").display().to_string();
    let edits = write(
        dir.path(),
        "e.ron",
        r#"[Put(Subnet((name: "lab-a", vpc: "shop", az: "us-east-1a", cidr: "10.0.30.0/24")))]"#,
    );
    let (code, out, err) = vpcd(&["apply", SAMPLE, &edits, "-o", &out_path]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 edits applied; written to"), "{out}");
    let written = vpcd::io::load(std::path::Path::new(&out_path)).unwrap();
    assert!(written.subnets.iter().any(|s| s.name == "lab-a"));

    let bad = write(dir.path(), "bad.ron", "[\n  Put(Subnet((name: 3)))\n]");
    let (code, _, err) = vpcd(&["apply", SAMPLE, &bad]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.ron:2:"), "{err}");
}

/// Middlebox routing (VPC User Guide, "Route tables: routes more specific than local"
/// and "Middlebox routing"): subnets `a` and `b` route each other's CIDR to the
/// firewall instance `fw` in `f`. Security groups are stateful, so the reply is
/// admitted by the appliance's group as the request was, and the return path shows it.
#[test]
fn return_path_through_an_appliance_shows_the_appliance_security_group() {
    let d = B::new()
        .vpc("v", "10.0.0.0/16")
        .rt("rt-a", "v", &[("10.0.2.0/24", "eni:fw")])
        .rt("rt-b", "v", &[("10.0.1.0/24", "eni:fw")])
        .rt("rt-f", "v", &[])
        .subnet("a", "v", AZ_A, "10.0.1.0/24", "rt-a", None)
        .subnet("b", "v", AZ_A, "10.0.2.0/24", "rt-b", None)
        .subnet("f", "v", AZ_A, "10.0.3.0/24", "rt-f", None)
        .sg("sg-host", "v", &["all 10.0.0.0/16"], &["all 0.0.0.0/0"])
        .sg("sg-fw", "v", &["all 10.0.0.0/16"], &["all 0.0.0.0/0"])
        .inst("client", "a", "10.0.1.10", &["sg-host"])
        .inst("server", "b", "10.0.2.10", &["sg-host"])
        .inst("fw", "f", "10.0.3.10", &["sg-fw"])
        .forwarding(InstanceRole::Other)
        .build();
    let t = trace(&d, "client", "server", "tcp", Some(443));
    assert_reachable(&t);
    let sg_hops = |hops: &[vpcd::analysis::Hop]| -> Vec<(String, Option<Direction>)> {
        hops.iter()
            .filter(|h| h.kind == HopKind::SecurityGroup && h.id == "sg-fw")
            .map(|h| (h.id.clone(), h.direction))
            .collect()
    };
    let fwd = sg_hops(&t.forward);
    assert_eq!(fwd.len(), 2, "{}", t.to_text());
    assert!(t.return_path.iter().any(|h| h.id == "fw"), "{}", t.to_text());
    assert_eq!(sg_hops(&t.return_path), fwd, "{}", t.to_text());
}

/// On-prem `hq` (192.168.0.0/16) behind `cgw`, VPN `vpn` on transit gateway `tgw`;
/// VPC `a` attached to it. The TGW table `tgw-rt` has VPC `a` propagated.
fn onprem_over_tgw(routing: VpnRouting) -> Design {
    let mut d = B::new()
        .vpc("a", "10.0.0.0/16")
        .rt("rt-a", "a", &[("192.168.0.0/16", "tgw:tgw")])
        .subnet("sa", "a", AZ_A, "10.0.1.0/24", "rt-a", None)
        .sg("sg-a", "a", &["all 192.168.0.0/16"], &["all 0.0.0.0/0"])
        .inst("ia", "sa", "10.0.1.10", &["sg-a"])
        .cgw("cgw", "203.0.113.10", 65000)
        .vpn("vpn", "cgw", VpnTermination::TransitGateway("tgw".into()), routing)
        .onprem("hq", "192.168.0.0/16", "cgw", None)
        .build();
    let mut att_a = tgw_att("att-a", "a", "sa");
    att_a.association = Some("tgw-rt".into());
    att_a.propagations = vec!["tgw-rt".into()];
    d.transit_gateways.push(TransitGateway {
        name: "tgw".into(),
        description: None,
        asn: 64512,
        default_association: false,
        default_propagation: false,
        default_route_table: None,
        sg_referencing: false,
        route_tables: vec![TgwRouteTable {
            name: "tgw-rt".into(),
            routes: Vec::new(),
        }],
        attachments: vec![
            att_a,
            TgwAttachment {
                name: "att-vpn".into(),
                kind: TgwAttachmentKind::Vpn {
                    connection: "vpn".into(),
                },
                association: Some("tgw-rt".into()),
                propagations: vec!["tgw-rt".into()],
                appliance_mode: false,
                sg_referencing: true,
            },
        ],
    });
    d
}

/// A VPN's own static routes exist only on a virtual private gateway
/// (CreateVpnConnectionRoute: "a VPN connection between an existing virtual private
/// gateway and a VPN customer gateway"). On a transit gateway only BGP propagates the
/// site's prefixes; a static VPN needs a static route in the TGW route table
/// (Transit Gateways guide, "Create a static route").
#[test]
fn static_vpn_on_a_transit_gateway_needs_a_static_tgw_route_bgp_propagates() {
    let bgp = onprem_over_tgw(VpnRouting::Bgp);
    assert_reachable(&trace(&bgp, "ia", "onprem:hq", "tcp", Some(22)));

    let mut d = onprem_over_tgw(static_routes("192.168.0.0/16"));
    assert_blocked(
        &trace(&d, "ia", "onprem:hq", "tcp", Some(22)),
        Code::TgwNoRoute,
        "tgw-rt",
    );
    d.transit_gateways[0].route_tables[0].routes.push(TgwRoute {
        cidr: "192.168.0.0/16".parse().unwrap(),
        target: TgwRouteTarget::Attachment("att-vpn".into()),
    });
    let t = trace(&d, "ia", "onprem:hq", "tcp", Some(22));
    assert_reachable(&t);
    assert!(
        t.forward.iter().any(|h| h.detail.contains("(static)")),
        "{}",
        t.to_text()
    );
}

/// Behind one virtual private gateway, for the same prefix: Direct Connect BGP routes,
/// then VPN static routes, then VPN BGP routes (VPC User Guide, "How route priority
/// works"; Site-to-Site VPN guide, "Route tables and VPN route priority").
#[test]
fn behind_one_vgw_a_static_vpn_route_beats_a_bgp_one_for_the_same_prefix() {
    let d = B::new()
        .vpc("v", "10.0.0.0/16")
        .vgw("vgw", "v")
        .cgw("cgw-bgp", "203.0.113.10", 65000)
        .cgw("cgw-static", "203.0.113.20", 65001)
        .vpn(
            "vpn-bgp",
            "cgw-bgp",
            VpnTermination::VpnGateway("vgw".into()),
            VpnRouting::Bgp,
        )
        .vpn(
            "vpn-static",
            "cgw-static",
            VpnTermination::VpnGateway("vgw".into()),
            static_routes("192.168.0.0/16"),
        )
        .onprem("site-bgp", "192.168.0.0/16", "cgw-bgp", None)
        .onprem("site-static", "192.168.0.0/16", "cgw-static", None)
        .rt("rt", "v", &[("192.168.0.0/16", "vgw:vgw")])
        .subnet("s", "v", AZ_A, "10.0.1.0/24", "rt", None)
        .sg("sg", "v", &["all 0.0.0.0/0"], &["all 0.0.0.0/0"])
        .inst("app", "s", "10.0.1.10", &["sg"])
        .build();
    let t = trace(&d, "app", "192.168.5.5", "tcp", Some(22));
    let vpn_hop = t
        .forward
        .iter()
        .find(|h| h.kind == HopKind::VpnConnection)
        .unwrap_or_else(|| panic!("{}", t.to_text()));
    assert_eq!(vpn_hop.id, "vpn-static", "{}", t.to_text());
    assert!(
        t.notes.iter().any(|n| n.contains("static routes are preferred")),
        "{:?}",
        t.notes
    );
}

/// A gateway endpoint cannot be used from on premises: "endpoint connections cannot be
/// extended out of a VPC" (PrivateLink guide, "Gateway endpoints"). On-prem → S3 over a
/// VPN whose VPC has only an S3 gateway endpoint is stopped at that endpoint with the
/// gateway endpoint's limit, not as a missing on-prem route.
#[test]
fn onprem_to_s3_over_a_vpn_explains_the_gateway_endpoint_limit() {
    let d = B::new()
        .vpc("v", "10.0.0.0/16")
        .vgw("vgw", "v")
        .cgw("cgw", "203.0.113.10", 65000)
        .vpn("vpn", "cgw", VpnTermination::VpnGateway("vgw".into()), VpnRouting::Bgp)
        .onprem("hq", "192.168.0.0/16", "cgw", None)
        .rt("rt", "v", &[("192.168.0.0/16", "vgw:vgw")])
        .subnet("s", "v", AZ_A, "10.0.1.0/24", "rt", None)
        .gateway_endpoint("vpce-s3", "v", "s3", &["rt"])
        .build();
    let t = trace(&d, "onprem:hq", "s3", "tcp", Some(443));
    assert_blocked(&t, Code::EndpointNotUsableFromOutside, "vpce-s3");
    assert!(
        t.blocked.as_ref().unwrap().hint.contains("interface endpoint"),
        "{}",
        t.to_text()
    );
}

// ------------------------------------------- Security-group references across a TGW

/// Spokes `a` (10.0.0.0/16: `app` in sg-app, `other` in sg-other) and `b`
/// (10.1.0.0/16: `db` in sg-db, whose only inbound rule references sg-app),
/// attached to `tgw` with default association and propagation. `tgw_refs`:
/// security-group referencing support on the transit gateway.
fn tgw_group_reference(tgw_refs: bool) -> Design {
    let mut d = B::new()
        .vpc("a", "10.0.0.0/16")
        .vpc("b", "10.1.0.0/16")
        .rt("rt-a", "a", &[("10.0.0.0/8", "tgw:tgw")])
        .rt("rt-b", "b", &[("10.0.0.0/8", "tgw:tgw")])
        .subnet("sa", "a", AZ_A, "10.0.1.0/24", "rt-a", None)
        .subnet("sb", "b", AZ_A, "10.1.1.0/24", "rt-b", None)
        .sg("sg-app", "a", &[], &["all 0.0.0.0/0"])
        .sg("sg-other", "a", &[], &["all 0.0.0.0/0"])
        .sg("sg-db", "b", &["tcp 5432 sg:sg-app"], &["all 0.0.0.0/0"])
        .inst("app", "sa", "10.0.1.10", &["sg-app"])
        .inst("other", "sa", "10.0.1.11", &["sg-other"])
        .inst("db", "sb", "10.1.1.10", &["sg-db"])
        .build();
    d.transit_gateways.push(TransitGateway {
        name: "tgw".into(),
        description: None,
        asn: 64512,
        default_association: true,
        default_propagation: true,
        default_route_table: Some("tgw-default".into()),
        sg_referencing: tgw_refs,
        route_tables: vec![TgwRouteTable {
            name: "tgw-default".into(),
            routes: Vec::new(),
        }],
        attachments: vec![tgw_att("att-a", "a", "sa"), tgw_att("att-b", "b", "sb")],
    });
    d
}

fn sg_codes(d: &Design) -> Vec<&'static str> {
    vpcd::validate::validate(d)
        .into_iter()
        .map(|f| f.code)
        .filter(|c| c.starts_with("sg-reference"))
        .collect()
}

/// Transit Gateways guide, "Security group referencing"
/// (tgw-vpc-attachments.html#vpc-attachment-security) and the EC2 API's
/// `SecurityGroupReferencingSupport`: disabled by default on a transit gateway
/// (TransitGatewayOptions), enabled by default on a new VPC attachment
/// (CreateTransitGatewayVpcAttachmentRequestOptions). An inbound rule may name a
/// group of another VPC on the same transit gateway only when the gateway and both
/// attachments enable it; outbound rules may not ("Outbound security rules
/// referencing over Transit Gateway aren't supported", AWS blog "Introducing
/// security group referencing for AWS Transit Gateway"). Otherwise
/// AuthorizeSecurityGroupIngress answers InvalidGroup.NotFound (SG-7).
#[test]
fn tgw_sg_reference_is_created_only_inbound_with_referencing_on_the_gateway_and_both_attachments() {
    use vpcd::edit::Edit;
    use vpcd::workspace::Workspace;
    let mut d = tgw_group_reference(true);
    d.security_groups
        .iter_mut()
        .find(|g| g.name == "sg-db")
        .unwrap()
        .inbound
        .clear();
    let with_rule = |d: &Design, rule: &str, inbound: bool| {
        let mut g = d.security_groups.iter().find(|g| g.name == "sg-db").unwrap().clone();
        if inbound {
            g.inbound.push(sg_rule(rule));
        } else {
            g.outbound.push(sg_rule(rule));
        }
        Edit::Put(Object::SecurityGroup(g))
    };
    let refused = |d: &Design, edit: Edit| {
        let err = Workspace::new(d.clone()).apply(edit).expect_err("refused");
        let r = err
            .reasons
            .iter()
            .find(|r| r.code == "sg-reference-other-vpc")
            .unwrap_or_else(|| panic!("refused by SG-7: {}", err.message));
        assert_eq!(r.aws_code, Some("InvalidGroup.NotFound"));
        err.message
    };

    // Referencing on the gateway and (by default) on both attachments: accepted.
    let mut ws = Workspace::new(d.clone());
    ws.apply(with_rule(&d, "tcp 5432 sg:sg-app", true))
        .expect("an inbound reference across a TGW with referencing support");
    assert!(sg_codes(ws.design()).is_empty(), "{:?}", sg_codes(ws.design()));

    // An outbound rule cannot reference across the transit gateway.
    let msg = refused(&d, with_rule(&d, "tcp 443 sg:sg-app", false));
    assert!(
        msg.contains("outbound rule cannot reference a group across a transit gateway"),
        "{msg}"
    );

    // Off on the gateway (its default), or on either attachment: refused.
    let mut off = d.clone();
    off.transit_gateways[0].sg_referencing = false;
    refused(&off, with_rule(&off, "tcp 5432 sg:sg-app", true));
    for i in 0..2 {
        let mut off = d.clone();
        off.transit_gateways[0].attachments[i].sg_referencing = false;
        let msg = refused(&off, with_rule(&off, "tcp 5432 sg:sg-app", true));
        assert!(msg.contains("security-group referencing"), "{msg}");
    }
}

/// DescribeStaleSecurityGroups: rules "can also be stale if they reference a security
/// group ... across a transit gateway where the transit gateway has been deleted (or
/// the transit gateway security group referencing feature has been disabled)". So
/// turning the option off (ModifyTransitGateway / ModifyTransitGatewayVpcAttachment)
/// succeeds, the rule stays, matches nothing, and validation warns.
#[test]
fn turning_tgw_sg_referencing_off_leaves_a_stale_rule_that_matches_nothing() {
    use vpcd::edit::Edit;
    use vpcd::workspace::Workspace;
    let d = tgw_group_reference(true);
    assert!(sg_codes(&d).is_empty(), "{:?}", sg_codes(&d));
    assert_reachable(&trace(&d, "app", "db", "tcp", Some(5432)));

    let mut gateway_off = d.transit_gateways[0].clone();
    gateway_off.sg_referencing = false;
    let mut attachment_off = d.transit_gateways[0].clone();
    attachment_off.attachments[0].sg_referencing = false;
    for tgw in [gateway_off, attachment_off] {
        let mut ws = Workspace::new(d.clone());
        ws.apply(Edit::Put(Object::TransitGateway(tgw)))
            .expect("AWS lets the option be turned off");
        assert_eq!(sg_codes(ws.design()), ["sg-reference-stale"]);
        let stale = vpcd::validate::validate(ws.design())
            .into_iter()
            .find(|f| f.code == "sg-reference-stale")
            .unwrap();
        assert_eq!(stale.severity, vpcd::validate::Severity::Warning);
        assert!(
            stale.message.contains("stale rule, matches nothing"),
            "{}",
            stale.message
        );
        let t = trace(ws.design(), "app", "db", "tcp", Some(5432));
        assert_blocked(&t, Code::SgNoMatchingRule, "sg-db");
    }
    // Deleting the transit gateway leaves the rule stale too.
    let mut ws = Workspace::new(d.clone());
    ws.apply(Edit::Delete(ObjectRef::new(ObjectKind::TransitGateway, "tgw")))
        .expect("the transit gateway is deleted");
    assert_eq!(sg_codes(ws.design()), ["sg-reference-stale"]);
}

/// Transit Gateways guide, "Security group referencing": with the option on along
/// the path, an inbound rule naming a group of the source's VPC admits that group's
/// members arriving across the transit gateway, and only them; the security-group
/// hop names the referenced group and the gateway. Off on the gateway or on either
/// attachment, the same rule matches nothing.
#[test]
fn tgw_sg_reference_admits_only_the_groups_members_across_the_gateway() {
    let d = tgw_group_reference(true);
    let t = trace(&d, "app", "db", "tcp", Some(5432));
    assert_reachable(&t);
    let hop = t
        .forward
        .iter()
        .find(|h| h.kind == HopKind::SecurityGroup && h.id == "sg-db")
        .expect("sg-db hop");
    assert_eq!(
        hop.detail,
        "sg-db inbound from sg-app tcp 5432 (sg-app is a group of a, referenced across tgw)"
    );
    // A host of the same VPC outside the group is not admitted.
    assert_blocked(
        &trace(&d, "other", "db", "tcp", Some(5432)),
        Code::SgNoMatchingRule,
        "sg-db",
    );
    // Nor another port.
    assert_blocked(
        &trace(&d, "app", "db", "tcp", Some(22)),
        Code::SgNoMatchingRule,
        "sg-db",
    );

    assert_blocked(
        &trace(&tgw_group_reference(false), "app", "db", "tcp", Some(5432)),
        Code::SgNoMatchingRule,
        "sg-db",
    );
    for i in 0..2 {
        let mut off = d.clone();
        off.transit_gateways[0].attachments[i].sg_referencing = false;
        assert_blocked(
            &trace(&off, "app", "db", "tcp", Some(5432)),
            Code::SgNoMatchingRule,
            "sg-db",
        );
    }
}

/// The reference holds only along a path that carries it: when both VPCs are also
/// attached to a second transit gateway without referencing support and their
/// routes use that one, the rule does not match (the group's identity does not
/// cross a gateway that does not enable it; Transit Gateways guide, "Security
/// group referencing").
#[test]
fn tgw_sg_reference_needs_the_option_on_the_gateway_the_packet_crosses() {
    let mut d = tgw_group_reference(true);
    let mut plain = d.transit_gateways[0].clone();
    plain.name = "tgw-plain".into();
    plain.sg_referencing = false;
    plain.default_route_table = Some("tgw-plain-rt".into());
    plain.route_tables[0].name = "tgw-plain-rt".into();
    for a in &mut plain.attachments {
        a.name = format!("{}-plain", a.name);
    }
    d.transit_gateways.push(plain);
    assert!(sg_codes(&d).is_empty(), "tgw still allows the rule: {:?}", sg_codes(&d));
    assert_reachable(&trace(&d, "app", "db", "tcp", Some(5432)));
    for rt in d.route_tables.iter_mut().filter(|t| t.name.starts_with("rt-")) {
        rt.routes[0].target = RouteTarget::TransitGateway("tgw-plain".into());
    }
    let t = trace(&d, "app", "db", "tcp", Some(5432));
    assert_blocked(&t, Code::SgNoMatchingRule, "sg-db");
    assert!(t.forward.iter().any(|h| h.id == "tgw-plain-rt"), "{}", t.to_text());
}

// ------------------------------------------- Interface endpoint addresses

/// `v` with `app` (10.0.1.10) in `s1` and an SQS interface endpoint in `s1` and
/// `s2` whose security group admits HTTPS from the VPC; its interface in `s2`
/// has the address `addr` chosen.
fn endpoint_with_address(addr: &str) -> Design {
    let mut d = B::new()
        .vpc("v", "10.0.0.0/16")
        .rt("rt", "v", &[])
        .subnet("s1", "v", AZ_A, "10.0.1.0/24", "rt", None)
        .subnet("s2", "v", AZ_B, "10.0.2.0/24", "rt", None)
        .sg("sg-app", "v", &[], &["all 0.0.0.0/0"])
        .sg("sg-ep", "v", &["tcp 443 10.0.0.0/16"], &[])
        .inst("app", "s1", "10.0.1.10", &["sg-app"])
        .interface_endpoint("vpce", "v", "sqs", &["s1", "s2"], &["sg-ep"])
        .build();
    d.endpoints[0].addresses = vec![EndpointAddress {
        subnet: "s2".into(),
        ipv4: addr.parse().unwrap(),
    }];
    d
}

/// CreateVpcEndpoint `SubnetConfigurations` (EC2 API reference, SubnetConfiguration:
/// "The IPv4 address to assign to the endpoint network interface in the subnet"):
/// the interface in that subnet takes the chosen address, a trace can name it, and
/// the interface in a subnet without one still gets an address of its subnet.
#[test]
fn interface_endpoint_address_chosen_per_subnet_is_the_interfaces_address_and_a_trace_destination() {
    let d = endpoint_with_address("10.0.2.50");
    let idx = DesignIndex::new(&d);
    let ip = |s: &str| {
        idx.eni(&vpcd::model::index::EniOwner::Endpoint("vpce".into(), s.into()))
            .map(|e| e.private_ip.to_string())
    };
    assert_eq!(ip("s2").as_deref(), Some("10.0.2.50"));
    assert!(ip("s1").is_some_and(|a| a.starts_with("10.0.1.")), "{:?}", ip("s1"));
    assert!(vpcd::validate::validate(&d).iter().all(|f| !f.blocks_edit));

    let t = trace(&d, "app", "10.0.2.50", "tcp", Some(443));
    assert_reachable(&t);
    assert!(
        t.forward.iter().any(|h| h.id == "sg-ep") && t.forward.last().is_some_and(|h| h.id.contains("vpce")),
        "{}",
        t.to_text()
    );
    assert_blocked(
        &trace(&d, "app", "10.0.2.50", "tcp", Some(80)),
        Code::SgNoMatchingRule,
        "sg-ep",
    );
}

/// The chosen address is checked as any interface's private address is (EC2 API
/// reference, CreateNetworkInterface / CreateVpcEndpoint errors; VPC User Guide,
/// "Subnet CIDR blocks": the first four and the last address are reserved): outside
/// the subnet or reserved, InvalidParameterValue; held by another interface,
/// InvalidIPAddress.InUse. The designer refuses the edit with AWS's code.
#[test]
fn interface_endpoint_address_outside_reserved_or_taken_is_refused_with_aws_codes() {
    use vpcd::edit::Edit;
    use vpcd::workspace::Workspace;
    let good = endpoint_with_address("10.0.2.50");
    for (addr, subnet, code, aws) in [
        ("10.0.3.9", "s2", "ip-outside-subnet", "InvalidParameterValue"),
        ("10.0.2.1", "s2", "ip-reserved", "InvalidParameterValue"),
        ("10.0.2.255", "s2", "ip-reserved", "InvalidParameterValue"),
        ("10.0.1.10", "s1", "ip-in-use", "InvalidIPAddress.InUse"),
    ] {
        let mut ep = good.endpoints[0].clone();
        ep.addresses = vec![EndpointAddress {
            subnet: subnet.into(),
            ipv4: addr.parse().unwrap(),
        }];
        let err = Workspace::new(good.clone())
            .apply(Edit::Put(Object::Endpoint(ep)))
            .expect_err(addr);
        let r = err
            .reasons
            .iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| panic!("{addr}: {}", err.message));
        assert_eq!(r.aws_code, Some(aws), "{addr}");
    }
}

/// Both ways through AWS's JSON and in from Terraform: DescribeNetworkInterfaces
/// lists an endpoint's interfaces (type `vpc_endpoint`) with their addresses, and
/// `subnet_configuration { subnet_id, ipv4 }` (provider docs, aws_vpc_endpoint)
/// chooses one.
#[test]
fn interface_endpoint_addresses_survive_aws_json_and_come_in_from_terraform() {
    use vpcd::interop::aws::{self, export, ImportOptions};
    let d = endpoint_with_address("10.0.2.50");
    let dir = tempfile::tempdir().unwrap();
    export::write_dir(&d, dir.path()).unwrap();
    let back = aws::import_paths(&[dir.path().to_path_buf()], &ImportOptions::default())
        .unwrap()
        .design;
    let ep = back.endpoints.iter().find(|e| !e.is_gateway()).expect("the endpoint");
    assert_eq!(
        ep.addresses,
        vec![EndpointAddress {
            subnet: "s2".into(),
            ipv4: "10.0.2.50".parse().unwrap()
        }]
    );

    let tf = r#"
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "s1" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "s1" }
}
resource "aws_vpc_endpoint" "sqs" {
  vpc_id            = aws_vpc.v.id
  service_name      = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.s1.id]
  subnet_configuration {
    subnet_id = aws_subnet.s1.id
    ipv4      = "10.0.1.40"
  }
  tags = { Name = "vpce-sqs" }
}
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let i = vpcd::interop::terraform::import::import_dir(dir.path(), &Default::default()).unwrap();
    let ep = i
        .design
        .endpoints
        .iter()
        .find(|e| e.name == "vpce-sqs")
        .expect("imported");
    assert_eq!(
        ep.addresses,
        vec![EndpointAddress {
            subnet: "s1".into(),
            ipv4: "10.0.1.40".parse().unwrap()
        }]
    );
}

/// `Options.SecurityGroupReferencingSupport` of DescribeTransitGateways and
/// DescribeTransitGatewayVpcAttachments, both ways, and Terraform's
/// `security_group_referencing_support` on `aws_ec2_transit_gateway` (disabled
/// unless set) and `aws_ec2_transit_gateway_vpc_attachment` (enabled unless set,
/// AWS's default for a new attachment).
#[test]
fn tgw_sg_referencing_options_survive_aws_json_and_come_in_from_terraform() {
    use vpcd::interop::aws::{self, export, ImportOptions};
    let mut d = tgw_group_reference(true);
    d.transit_gateways[0].attachments[1].sg_referencing = false;
    let dir = tempfile::tempdir().unwrap();
    export::write_dir(&d, dir.path()).unwrap();
    let back = aws::import_paths(&[dir.path().to_path_buf()], &ImportOptions::default())
        .unwrap()
        .design;
    let t = &back.transit_gateways[0];
    assert!(t.sg_referencing);
    let refs: Vec<bool> = t.attachments.iter().map(|a| a.sg_referencing).collect();
    assert_eq!(refs, [true, false]);

    let tf = r#"
resource "aws_vpc" "a" { cidr_block = "10.0.0.0/16" }
resource "aws_vpc" "b" { cidr_block = "10.1.0.0/16" }
resource "aws_subnet" "sa" {
  vpc_id            = aws_vpc.a.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "sb" {
  vpc_id            = aws_vpc.b.id
  cidr_block        = "10.1.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_ec2_transit_gateway" "hub" {
  security_group_referencing_support = "enable"
  tags = { Name = "hub" }
}
resource "aws_ec2_transit_gateway" "plain" {
  tags = { Name = "plain" }
}
resource "aws_ec2_transit_gateway_vpc_attachment" "a" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.a.id
  subnet_ids         = [aws_subnet.sa.id]
  tags               = { Name = "att-a" }
}
resource "aws_ec2_transit_gateway_vpc_attachment" "b" {
  transit_gateway_id                 = aws_ec2_transit_gateway.hub.id
  vpc_id                             = aws_vpc.b.id
  subnet_ids                         = [aws_subnet.sb.id]
  security_group_referencing_support = "disable"
  tags                               = { Name = "att-b" }
}
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let i = vpcd::interop::terraform::import::import_dir(dir.path(), &Default::default()).unwrap();
    let tgw = |n: &str| i.design.transit_gateways.iter().find(|t| t.name == n).expect(n);
    assert!(tgw("hub").sg_referencing);
    assert!(!tgw("plain").sg_referencing);
    let att = |n: &str| tgw("hub").attachment(n).expect(n).sg_referencing;
    assert!(att("att-a"));
    assert!(!att("att-b"));
}
