//! Quota checks against the design's quota profile ([`QuotaProfile`], AWS's
//! default VPC quotas unless raised: VUG-QUOTAS, TGW quotas; reference
//! section 16, "Quota profile defaults"). Exceeding an
//! adjustable quota is a warning (`quota-exceeded`: ask AWS for an increase,
//! then raise the profile); exceeding a limit AWS never raises is a blocking
//! error (`hard-limit-exceeded`).

use super::context::HashMap;

use crate::model::limits::hard;
use crate::model::*;
use ipnet::IpNet;

use super::context::{oref, ValidationPass};
use super::findings::Keyed;

fn over(cx: &ValidationPass<'_>, object: Option<&ObjectRef>, what: &str, count: usize, quota: usize) {
    if count <= quota {
        return;
    }
    let message = format!("{count} {what}, above the quota of {quota}");
    let hint = "request a quota increase from AWS (Service Quotas) and raise it in the design's quota profile, or reduce the count";
    cx.on_answering("quota-exceeded", object, message, hint, Some(limit_code(what)));
}

/// The `*LimitExceeded` code AWS answers the call that would go over a quota,
/// by a word of the quota's description (EC2 API reference, "Error codes"),
/// first match wins. Where the list names no quota-specific code (egress-only
/// internet gateways, transit gateways, prefix lists), AWS answers the generic
/// `ResourceLimitExceeded`.
pub(super) const LIMIT_CODES: &[(&str, &str)] = &[
    ("egress-only", "ResourceLimitExceeded"),
    ("TGW", "ResourceLimitExceeded"),
    ("transit gateways", "ResourceLimitExceeded"),
    ("prefix lists", "ResourceLimitExceeded"),
    ("max entries", "ResourceLimitExceeded"),
    ("internet gateways", "InternetGatewayLimitExceeded"),
    ("VPCs", "VpcLimitExceeded"),
    ("Elastic IPs", "AddressLimitExceeded"),
    (
        "security groups on one interface",
        "SecurityGroupsPerInterfaceLimitExceeded",
    ),
    ("security groups", "SecurityGroupLimitExceeded"),
    ("endpoints", "VpcEndpointLimitExceeded"),
    // AssociateVpcCidrBlock's answer; not in the published list (see `aws_codes`).
    ("IPv4 blocks", "CidrLimitExceeded"),
    ("subnets", "SubnetLimitExceeded"),
    ("route tables", "RouteTableLimitExceeded"),
    ("network ACLs", "NetworkAclLimitExceeded"),
    ("peering connections", "ActiveVpcPeeringConnectionPerVpcLimitExceeded"),
    ("NAT gateways", "NatGatewayLimitExceeded"),
    ("routes", "RouteLimitExceeded"),
    ("entries", "NetworkAclEntryLimitExceeded"),
    ("rules", "RulesPerSecurityGroupLimitExceeded"),
];

/// The `*LimitExceeded` code of a quota ([`LIMIT_CODES`]), else `ResourceLimitExceeded`.
pub(super) fn limit_code(what: &str) -> &'static str {
    LIMIT_CODES
        .iter()
        .find(|(k, _)| what.contains(k))
        .map_or("ResourceLimitExceeded", |(_, c)| c)
}

fn hard_over(cx: &ValidationPass<'_>, object: &ObjectRef, what: &str, count: usize, limit: usize, hint: &str) {
    if count > limit {
        cx.on_answering(
            "hard-limit-exceeded",
            Some(object),
            format!("{count} {what}; AWS allows at most {limit}, and this limit cannot be raised"),
            hint.to_string(),
            Some(limit_code(what)),
        );
    }
}

fn family_counts<'a>(d: &Design, items: impl Iterator<Item = (Option<IpNet>, Option<&'a str>)>) -> (usize, usize) {
    let (mut v4, mut v6) = (0, 0);
    for (c, pl) in items {
        match (c, pl) {
            (Some(IpNet::V6(_)), _) => v6 += 1,
            (Some(IpNet::V4(_)), _) => v4 += 1,
            (None, Some(name)) => {
                // A prefix-list reference weighs its max entries (PL-1); AWS-managed lists count 1 here.
                let weight = d
                    .prefix_lists
                    .iter()
                    .find(|p| p.name == name)
                    .map_or(1, |p| usize::from(p.max_entries));
                v4 += weight;
            }
            (None, None) => v4 += 1,
        }
    }
    (v4, v6)
}

pub(super) fn check(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let q = *cx.quotas;
    over(cx, None, "VPCs in the Region", d.vpcs.len(), q.vpcs_per_region);
    over(
        cx,
        None,
        "internet gateways in the Region",
        d.internet_gateways.len(),
        q.internet_gateways_per_region,
    );
    over(
        cx,
        None,
        "egress-only internet gateways in the Region",
        d.egress_only_gateways.len(),
        q.egress_only_gateways_per_region,
    );
    over(
        cx,
        None,
        "Elastic IPs in the Region",
        d.elastic_ips.len(),
        q.elastic_ips_per_region,
    );
    over(
        cx,
        None,
        "security groups in the Region",
        d.security_groups.len(),
        q.security_groups_per_region,
    );
    over(
        cx,
        None,
        "transit gateways",
        d.transit_gateways.len(),
        q.transit_gateways_per_account,
    );
    over(
        cx,
        None,
        "prefix lists in the Region",
        d.prefix_lists.len(),
        q.prefix_lists_per_region,
    );
    let gateway_endpoints = d.endpoints.iter().filter(|e| e.is_gateway()).count();
    over(
        cx,
        None,
        "gateway endpoints in the Region",
        gateway_endpoints,
        q.gateway_endpoints_per_region,
    );

    for rt in &d.route_tables {
        let r = oref(ObjectKind::RouteTable, &rt.name);
        let (v4, v6) = family_counts(
            d,
            rt.routes.iter().map(|x| {
                (
                    x.dest.cidr(),
                    match &x.dest {
                        RouteDestination::PrefixList(p) => Some(p.as_str()),
                        RouteDestination::Cidr(_) => None,
                    },
                )
            }),
        );
        over(cx, Some(&r), "IPv4 static routes", v4, q.routes_per_table);
        over(cx, Some(&r), "IPv6 static routes", v6, q.routes_per_table);
        if !rt.propagating_vgws.is_empty() {
            let propagated: usize = rt
                .propagating_vgws
                .iter()
                .map(|v| cx.idx.vgw_learned_prefixes(d, v).len())
                .sum();
            hard_over(
                cx,
                &r,
                "propagated routes",
                propagated,
                hard::PROPAGATED_ROUTES_PER_TABLE,
                "summarise on-premises prefixes before advertising them",
            );
        }
    }
    for acl in &d.network_acls {
        let r = oref(ObjectKind::NetworkAcl, &acl.name);
        for (dir, rules) in [("inbound", &acl.inbound), ("outbound", &acl.outbound)] {
            let (v4, v6) = family_counts(d, rules.iter().map(|x| (Some(x.cidr), None)));
            for (fam, n) in [("IPv4", v4), ("IPv6", v6)] {
                // The quota counts the implicit `*` rule too (NACL-7).
                let entries = n + 1;
                let what = format!("{dir} {fam} entries (the `*` rule included)");
                if entries > hard::NACL_ENTRIES {
                    hard_over(
                        cx,
                        &r,
                        &what,
                        entries,
                        hard::NACL_ENTRIES,
                        "merge entries: a NACL holds at most 39 rules per direction and family besides `*`",
                    );
                } else {
                    over(cx, Some(&r), &what, entries, q.nacl_entries);
                }
            }
        }
    }
    for sg in &d.security_groups {
        let r = oref(ObjectKind::SecurityGroup, &sg.name);
        for (dir, rules) in [("inbound", &sg.inbound), ("outbound", &sg.outbound)] {
            let (v4, v6) = family_counts(
                d,
                rules.iter().map(|x| match &x.peer {
                    SgPeer::Cidr(c) => (Some(*c), None),
                    SgPeer::PrefixList(p) => (None, Some(p.as_str())),
                    SgPeer::Group(_) => (None, None),
                }),
            );
            // SG-9: past the quota AWS answers RulesPerSecurityGroupLimitExceeded;
            // no quota goes past 1,000 rules (rules per group × groups per
            // interface ≤ 1,000), so beyond that it is a hard limit.
            for (fam, n) in [("IPv4", v4), ("IPv6", v6)] {
                let what = format!("{dir} {fam} rules");
                if n > hard::RULES_TIMES_SGS {
                    hard_over(
                        cx,
                        &r,
                        &what,
                        n,
                        hard::RULES_TIMES_SGS,
                        "split the rules over several groups, or use prefix lists and group references",
                    );
                } else {
                    over(cx, Some(&r), &what, n, q.sg_rules_per_direction);
                }
            }
        }
    }
    for pl in &d.prefix_lists {
        let r = oref(ObjectKind::PrefixList, &pl.name);
        hard_over(
            cx,
            &r,
            "max entries",
            usize::from(pl.max_entries),
            hard::PREFIX_LIST_ENTRIES,
            "split the list",
        );
    }
    // References to one prefix list per resource type (VPC quotas page: 10,000).
    if !d.prefix_lists.is_empty() {
        let mut by_rt: HashMap<&str, usize> = HashMap::default();
        for rt in &d.route_tables {
            let mut names: Vec<&str> = rt
                .routes
                .iter()
                .filter_map(|x| match &x.dest {
                    RouteDestination::PrefixList(p) => Some(p.as_str()),
                    RouteDestination::Cidr(_) => None,
                })
                .collect();
            names.sort_unstable();
            names.dedup();
            for n in names {
                *by_rt.entry(n).or_default() += 1;
            }
        }
        let mut by_sg: HashMap<&str, usize> = HashMap::default();
        for sg in &d.security_groups {
            let mut names: Vec<&str> = sg
                .inbound
                .iter()
                .chain(&sg.outbound)
                .filter_map(|x| match &x.peer {
                    SgPeer::PrefixList(p) => Some(p.as_str()),
                    _ => None,
                })
                .collect();
            names.sort_unstable();
            names.dedup();
            for n in names {
                *by_sg.entry(n).or_default() += 1;
            }
        }
        for pl in &d.prefix_lists {
            let r = oref(ObjectKind::PrefixList, &pl.name);
            let per_type = [("route tables", &by_rt), ("security groups", &by_sg)];
            for (what, counts) in per_type {
                let n = counts.get(pl.name.as_str()).copied().unwrap_or(0);
                let what = format!("{what} referencing this prefix list");
                over(cx, Some(&r), &what, n, q.prefix_list_references_per_type);
            }
        }
    }
    for t in &d.transit_gateways {
        let r = oref(ObjectKind::TransitGateway, &t.name);
        over(
            cx,
            Some(&r),
            "TGW route tables",
            t.route_tables.len(),
            q.tgw_route_tables,
        );
    }
    let problems = q.problems();
    for p in problems {
        cx.on_design(
            "hard-limit-exceeded",
            "design › quotas".into(),
            format!("the quota profile is not one AWS grants: {p}"),
            "lower the profile's values",
        );
    }
}

/// The quotas counted per VPC: IPv4 blocks, subnets, route tables, network
/// ACLs, interface endpoints, active peerings and transit gateways attached
/// (Amazon VPC quotas; each finding is the VPC's).
pub(super) fn per_vpc(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let q = *cx.quotas;
    let mut nacls: HashMap<&str, usize> = HashMap::default();
    for a in &d.network_acls {
        *nacls.entry(a.vpc.as_str()).or_default() += 1;
    }
    let mut interface_eps: HashMap<&str, usize> = HashMap::default();
    for e in d.endpoints.iter().filter(|e| !e.is_gateway()) {
        *interface_eps.entry(e.vpc.as_str()).or_default() += 1;
    }
    let mut peers: HashMap<&str, usize> = HashMap::default();
    for p in d.peerings.iter().filter(|p| p.status == PeeringStatus::Active) {
        *peers.entry(p.requester.as_str()).or_default() += 1;
        *peers.entry(p.accepter.as_str()).or_default() += 1;
    }
    let mut tgws: HashMap<&str, usize> = HashMap::default();
    for t in &d.transit_gateways {
        for v in t.attached_vpcs() {
            *tgws.entry(v).or_default() += 1;
        }
    }
    for vpc in &d.vpcs {
        let r = oref(ObjectKind::Vpc, &vpc.name);
        let n = vpc.name.as_str();
        let blocks = 1 + vpc.secondary_cidrs.len();
        if blocks > hard::IPV4_BLOCKS_PER_VPC {
            hard_over(
                cx,
                &r,
                "IPv4 blocks",
                blocks,
                hard::IPV4_BLOCKS_PER_VPC,
                "remove secondary blocks",
            );
        } else {
            over(
                cx,
                Some(&r),
                "IPv4 blocks (primary included)",
                blocks,
                q.ipv4_blocks_per_vpc,
            );
        }
        over(
            cx,
            Some(&r),
            "subnets",
            cx.subnets_by_vpc().get(n).map_or(0, Vec::len),
            q.subnets_per_vpc,
        );
        over(
            cx,
            Some(&r),
            "route tables",
            cx.rts_by_vpc().get(n).map_or(0, Vec::len),
            q.route_tables_per_vpc,
        );
        over(
            cx,
            Some(&r),
            "network ACLs",
            nacls.get(n).copied().unwrap_or(0),
            q.nacls_per_vpc,
        );
        over(
            cx,
            Some(&r),
            "interface endpoints",
            interface_eps.get(n).copied().unwrap_or(0),
            q.interface_endpoints_per_vpc,
        );
        over(
            cx,
            Some(&r),
            "active peering connections",
            peers.get(n).copied().unwrap_or(0),
            q.active_peerings_per_vpc,
        );
        hard_over(
            cx,
            &r,
            "transit gateways attached",
            tgws.get(n).copied().unwrap_or(0),
            hard::TGWS_PER_VPC,
            "a VPC attaches to at most five transit gateways: route through one of them",
        );
    }
}

/// Zonal NAT gateways per AZ (Amazon VPC quotas), a finding about the Region.
pub(super) fn nat_gateways_per_az(cx: &ValidationPass<'_>) {
    let d = cx.d;
    let q = *cx.quotas;
    let mut nat_per_az: HashMap<&str, usize> = HashMap::default();
    // The quota counts zonal NAT gateways, each in one AZ; a regional one is in
    // none (the Amazon VPC quotas page names no per-AZ count for it).
    for nat in d.nat_gateways.iter().filter(|n| !n.is_regional()) {
        if let Some(s) = nat.subnet.as_deref().and_then(|s| cx.idx.subnet(d, s)) {
            *nat_per_az.entry(s.az.as_str()).or_default() += 1;
        }
    }
    let mut azs: Vec<(&str, usize)> = nat_per_az.into_iter().collect();
    azs.sort_unstable();
    for (az, count) in azs {
        over(cx, None, &format!("NAT gateways in {az}"), count, q.nat_gateways_per_az);
    }
}

/// Security groups per interface, filed by the interface's owner: an
/// owner's findings depend on its interfaces alone.
pub(super) fn interfaces(cx: &ValidationPass<'_>, out: &mut Keyed) {
    for e in &cx.idx.enis {
        groups_per_interface(cx, &|| e.owner.object(), e.security_groups.len(), out);
    }
}

/// An instance's findings, re-derived from its interfaces (when inserted).
pub(super) fn interfaces_around(cx: &ValidationPass<'_>, i: &Instance, inserted: bool, out: &mut Keyed) -> Vec<String> {
    let owner = || oref(ObjectKind::Instance, &i.name);
    if inserted {
        groups_per_interface(cx, &owner, i.security_groups.len(), out);
        for e in &i.secondary_interfaces {
            groups_per_interface(cx, &owner, e.security_groups.len(), out);
        }
    }
    vec![owner().to_string()]
}

fn groups_per_interface(cx: &ValidationPass<'_>, owner: &dyn Fn() -> ObjectRef, n: usize, out: &mut Keyed) {
    if n <= cx.quotas.sgs_per_interface {
        return;
    }
    let obj = owner();
    cx.keyed(
        out,
        || obj.to_string(),
        |cx| {
            if n > hard::SGS_PER_INTERFACE {
                hard_over(
                    cx,
                    &obj,
                    "security groups on one interface",
                    n,
                    hard::SGS_PER_INTERFACE,
                    "combine rules into fewer groups",
                );
            } else {
                over(
                    cx,
                    Some(&obj),
                    "security groups on one interface",
                    n,
                    cx.quotas.sgs_per_interface,
                );
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_eips(d: &mut Design, n: usize) {
        for i in 0..n {
            d.elastic_ips.push(ElasticIp {
                name: format!("eip-extra-{i}"),
                description: None,
                address: std::net::Ipv4Addr::new(3, 3, 3, i as u8),
            });
        }
    }

    #[test]
    fn a_raised_profile_in_the_design_file_silences_the_quota_warning() {
        let mut d = crate::create::templates::sample::three_tier();
        with_eips(&mut d, 3);
        let quota = |d: &Design| crate::validate::validate(d).iter().any(|x| x.code == "quota-exceeded");
        assert!(quota(&d), "6 EIPs exceed the default 5");
        let text = crate::io::to_ron_string(&d).unwrap().replacen(
            "  vpcs: [",
            "  quotas: (elastic_ips_per_region: 10),\n  vpcs: [",
            1,
        );
        let raised = crate::io::parse(&text, "raised.ron").unwrap();
        assert_eq!(raised.quotas.map(|q| q.elastic_ips_per_region), Some(10));
        assert_eq!(
            raised.quotas.map(|q| q.vpcs_per_region),
            Some(5),
            "unspecified quotas keep AWS defaults"
        );
        assert!(!quota(&raised));
        let round = crate::io::parse(&crate::io::to_ron_string(&raised).unwrap(), "again.ron").unwrap();
        assert_eq!(round, raised);
    }

    /// VPC quotas page: "References to a prefix list per resource type", 10,000 by
    /// default; counted per prefix list and per resource type.
    #[test]
    fn prefix_list_references_per_resource_type_count_against_the_profile() {
        let mut d = crate::create::templates::sample::three_tier();
        d.prefix_lists.push(PrefixList {
            name: "pl-office".into(),
            description: None,
            entries: vec!["203.0.113.0/24".parse().unwrap()],
            max_entries: 1,
        });
        for sg in d.security_groups.iter_mut().take(2) {
            sg.inbound.push(SgRule::new(
                Protocol::Tcp,
                PortRange::single(22),
                SgPeer::PrefixList("pl-office".into()),
            ));
        }
        let flagged = |d: &Design| {
            crate::validate::validate(d)
                .iter()
                .any(|x| x.code == "quota-exceeded" && x.message.contains("security groups referencing"))
        };
        assert!(!flagged(&d), "two references are far below 10,000");
        d.quotas = Some(crate::model::limits::QuotaProfile {
            prefix_list_references_per_type: 1,
            ..Default::default()
        });
        assert!(flagged(&d));
    }
}
