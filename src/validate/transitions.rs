//! Checks on an edit rather than a state. AWS refuses to *create* a route to
//! a target that does not exist or is not usable from the table's VPC (RTE-3:
//! `InvalidGatewayID.NotFound`, `InvalidNatGatewayID.NotFound`, "belong to
//! different networks"), yet it lets the target be deleted or detached later
//! and keeps the route as a `blackhole` (RTE-10, DEL-8). Both end in the same
//! design state, so the refusal must look at what the edit adds: routes that
//! were not in the table before. Likewise AWS refuses to detach an internet
//! gateway while the VPC has public or Elastic IPs (IGW-4) and to delete an
//! attached one (IGW-5), both `DependencyViolation`. A security-group rule
//! that references a group is refused when created unless the group exists in
//! the rule's VPC, an actively peered same-Region VPC, or (inbound rules) a VPC
//! attached to the same transit gateway with security-group referencing on
//! (SG-7, `InvalidGroup.NotFound`), but survives as a stale rule when the group,
//! the peering or the referencing support goes away later (VPC User Guide, "Work
//! with stale security group rules"; DescribeStaleSecurityGroups).

use super::context::HashMap;

use crate::edit::Edit;
use crate::model::*;

use super::catalogue::rule;
use super::routing::{target_exists, target_foreign_vpc};
use super::{Diagnostic, Severity};

/// The routes an edit adds or changes, captured before it is applied.
#[derive(Debug, Clone, Default)]
pub struct EditCheck {
    added: Vec<(String, Route)>,
    /// Internet gateways the edit detaches: (gateway, VPC it was attached to).
    detached: Vec<(String, String)>,
    /// Attached internet gateways the edit deletes: (gateway, VPC).
    deleted_attached: Vec<(String, String)>,
    /// VPCs the edit gives new IPv4 blocks: (VPC, new block).
    new_blocks: Vec<(String, ipnet::Ipv4Net)>,
    /// Rules the edit adds that reference a group: (security group, direction, rule, group).
    group_refs: Vec<(String, Direction, SgRule, String)>,
    /// Instances the edit gives an Elastic IP a working NAT gateway holds: (instance, address, NAT).
    eip_taken: Vec<(String, String, String)>,
    /// The objects an edit made as one account changes (VPC sharing).
    owners: Option<super::sharing::Touched>,
}

impl EditCheck {
    /// Records the routes `edit` adds to route tables of `before`.
    pub fn before(edit: &Edit, before: &Design) -> Self {
        let mut check = EditCheck::default();
        check.collect(edit, before);
        check.owners = super::sharing::Touched::before(edit, before);
        check
    }

    fn collect(&mut self, edit: &Edit, before: &Design) {
        match edit {
            Edit::Put(Object::RouteTable(rt)) => {
                let old = before.route_tables.iter().find(|t| t.name == rt.name);
                for r in &rt.routes {
                    if !old.is_some_and(|o| o.routes.contains(r)) {
                        self.added.push((rt.name.clone(), r.clone()));
                    }
                }
            }
            Edit::Put(Object::SecurityGroup(sg)) => {
                let old = before.security_groups.iter().find(|o| o.name == sg.name);
                for (dir, rules) in [(Direction::Inbound, &sg.inbound), (Direction::Outbound, &sg.outbound)] {
                    for r in rules {
                        let SgPeer::Group(g) = &r.peer else { continue };
                        let existed = old.is_some_and(|o| match dir {
                            Direction::Inbound => o.inbound.contains(r),
                            Direction::Outbound => o.outbound.contains(r),
                        });
                        if !existed {
                            self.group_refs.push((sg.name.clone(), dir, r.clone(), g.clone()));
                        }
                    }
                }
            }
            // AssociateAddress refuses an address associated elsewhere
            // (Resource.AlreadyAssociated); a NAT gateway's address cannot be moved at
            // all. The other order (the NAT gateway asks for an instance's address) is
            // accepted and the NAT gateway fails: nat-eip-in-use.
            Edit::Put(Object::Instance(i)) => {
                let Some(e) = &i.elastic_ip else { return };
                let old = before.instances.iter().find(|o| o.name == i.name);
                if old.is_some_and(|o| o.elastic_ip.as_ref() == Some(e)) {
                    return;
                }
                let failed = nat_eip_conflicts(before);
                if let Some(n) = before.nat_gateways.iter().find(|n| {
                    n.connectivity == NatConnectivity::Public
                        && n.elastic_ip.as_ref() == Some(e)
                        && !failed.iter().any(|c| c.nat == n.name)
                }) {
                    self.eip_taken.push((i.name.clone(), e.clone(), n.name.clone()));
                }
            }
            Edit::Put(Object::InternetGateway(g)) => {
                if let Some(old_vpc) = before
                    .internet_gateways
                    .iter()
                    .find(|o| o.name == g.name)
                    .and_then(|o| o.vpc.clone())
                {
                    if g.vpc.as_deref() != Some(old_vpc.as_str()) {
                        self.detached.push((g.name.clone(), old_vpc));
                    }
                }
            }
            Edit::Put(Object::Vpc(v)) => {
                if let Some(old) = before.vpcs.iter().find(|o| o.name == v.name) {
                    for c in &v.secondary_cidrs {
                        if !old.secondary_cidrs.contains(c) {
                            self.new_blocks.push((v.name.clone(), *c));
                        }
                    }
                }
            }
            Edit::Delete(r) if r.kind == ObjectKind::InternetGateway => {
                if let Some(vpc) = before
                    .internet_gateways
                    .iter()
                    .find(|o| o.name == r.name)
                    .and_then(|o| o.vpc.clone())
                {
                    self.deleted_attached.push((r.name.clone(), vpc));
                }
            }
            Edit::Batch { edits, .. } => edits.iter().for_each(|e| self.collect(e, before)),
            _ => {}
        }
    }

    /// Whether the edit adds no route at all (nothing to check).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.detached.is_empty()
            && self.deleted_attached.is_empty()
            && self.new_blocks.is_empty()
            && self.group_refs.is_empty()
            && self.eip_taken.is_empty()
            && self.owners.is_none()
    }

    /// The refusals for the added routes, judged against the design after the edit.
    pub fn refusals(&self, after: &Design, idx: &DesignIndex) -> Vec<Diagnostic> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if let Some(t) = &self.owners {
            out.extend(t.refusals(after));
        }
        self.gateway_refusals(after, idx, &mut out);
        self.group_ref_refusals(after, idx, &mut out);
        for (inst, eip, nat) in &self.eip_taken {
            let object = ObjectRef::new(ObjectKind::Instance, inst.clone());
            out.push(refusal_of(
                "eip-multiple-associations",
                object.clone(),
                object.to_string(),
                format!("Elastic IP {eip} is associated with NAT gateway {nat}"),
                "an Elastic IP is associated with one resource at a time: allocate another".into(),
            ));
        }
        let interfaces: HashMap<&str, &str> = after
            .instances
            .iter()
            .flat_map(|i| {
                i.secondary_interfaces
                    .iter()
                    .map(|e| (e.name.as_str(), e.subnet.as_str()))
            })
            .collect();
        for (table, route) in &self.added {
            let Some(rt) = idx.route_table(after, table) else {
                continue;
            };
            if !rt.routes.contains(route) {
                continue;
            }
            let object = ObjectRef::new(ObjectKind::RouteTable, table.clone());
            let path = format!("{object} › route {}", route.dest);
            let refusal = if !target_exists(after, idx, &interfaces, &route.target) {
                Some((
                    "route-target-missing",
                    format!(
                        "the target {} `{}` does not exist",
                        route.target.kind_label(),
                        route.target.object_name().unwrap_or("?")
                    ),
                    "point the route at an existing gateway, NAT gateway, interface or connection of this VPC"
                        .to_string(),
                ))
            } else {
                let foreign = target_foreign_vpc(after, idx, &interfaces, &rt.vpc, &route.target).or_else(|| {
                    // A detached IGW or VGW cannot be a new route's target either.
                    match &route.target {
                        RouteTarget::InternetGateway(_) | RouteTarget::VpnGateway(_) => {
                            idx.blackhole_reason(after, &rt.vpc, &route.target)
                        }
                        _ => None,
                    }
                });
                foreign.map(|why| {
                    (
                        "route-target-other-vpc",
                        format!("{why}: route table {table} and the target belong to different networks"),
                        format!("use a target attached to or inside {}", rt.vpc),
                    )
                })
            };
            if let Some((code, message, hint)) = refusal {
                let mut d = refusal_of(code, object, path, message, hint);
                // CreateRoute answers the missing target's own *.NotFound code.
                if code == "route-target-missing" {
                    d.aws_code = route.target.not_found_code().or(d.aws_code);
                }
                out.push(d);
            }
        }
        out
    }

    /// SG-7: a new rule may reference a group of its own VPC, of a VPC joined to
    /// it by an active same-Region peering or, inbound, of a VPC attached with it
    /// to a transit gateway that carries references; the group must exist.
    fn group_ref_refusals(&self, after: &Design, idx: &DesignIndex, out: &mut Vec<Diagnostic>) {
        for (name, dir, rule, g) in &self.group_refs {
            let Some(sg) = idx.security_group(after, name) else {
                continue;
            };
            let why = match idx.security_group(after, g) {
                None => Some(format!("security group {g} does not exist")),
                // Across a transit gateway: inbound rules only, with referencing
                // support on the gateway and on both VPC attachments (Transit
                // Gateways guide, "Security group referencing"; AWS blog
                // "Introducing security group referencing for AWS Transit Gateway":
                // "Outbound security rules referencing over Transit Gateway aren't
                // supported").
                Some(other) => (!after.sg_reference_allowed(&sg.vpc, &other.vpc, *dir)).then(|| {
                    match after.transit_gateways.iter().find(|t| t.carries_sg_references(&sg.vpc, &other.vpc)) {
                        Some(t) => format!(
                            "{g} is in {}, reachable from {} only across {}: an outbound rule cannot reference a group across a transit gateway",
                            other.vpc, sg.vpc, t.name
                        ),
                        None => format!(
                            "{g} is in {}, which is not {} nor an active same-Region peer of it, nor attached with it to a transit gateway with security-group referencing on (gateway and both attachments)",
                            other.vpc, sg.vpc
                        ),
                    }
                }),
            };
            if let Some(why) = why {
                let object = ObjectRef::new(ObjectKind::SecurityGroup, name.clone());
                out.push(refusal_of(
                    "sg-reference-other-vpc",
                    object.clone(),
                    format!("{object} › {dir} {rule}"),
                    why,
                    format!(
                        "reference a group of {} or of an actively peered VPC in this Region, enable security-group referencing on the transit gateway both VPCs attach to (inbound rules), or use a CIDR",
                        sg.vpc
                    ),
                ));
            }
        }
    }

    /// IGW-4 and IGW-5, judged only while the VPC still exists (deleting the
    /// VPC together with its gateway in one batch is a cascade, not a detach).
    fn gateway_refusals(&self, after: &Design, idx: &DesignIndex, out: &mut Vec<Diagnostic>) {
        for (igw, vpc) in &self.detached {
            if idx.vpc(after, vpc).is_none() {
                continue;
            }
            let public: Vec<String> = idx
                .enis
                .iter()
                .filter(|e| e.public_ip.is_some() && idx.subnet(after, &e.subnet).is_some_and(|s| &s.vpc == vpc))
                .map(|e| e.owner.object().to_string())
                .collect();
            if let Some(first) = public.first() {
                let object = ObjectRef::new(ObjectKind::InternetGateway, igw.clone());
                let more = if public.len() > 1 {
                    format!(" and {} more", public.len() - 1)
                } else {
                    String::new()
                };
                out.push(refusal_of(
                    "igw-detach-with-public-ips",
                    object.clone(),
                    object.to_string(),
                    format!("cannot detach {igw} from {vpc}: {first}{more} still has a public or Elastic IP"),
                    "release the Elastic IPs and turn off public IPs (or delete those resources) first".into(),
                ));
            }
        }
        for (vpc, block) in &self.new_blocks {
            let pending = after
                .peerings
                .iter()
                .find(|p| &p.requester == vpc && p.status == PeeringStatus::PendingAcceptance);
            if let Some(p) = pending {
                let object = ObjectRef::new(ObjectKind::Vpc, vpc.clone());
                out.push(refusal_of(
                    "vpc-cidr-pending-peering",
                    object.clone(),
                    format!("{object} › secondary CIDR {block}"),
                    format!(
                        "{vpc} requested peering {} with {}, still pending acceptance, so it cannot add {block}",
                        p.name, p.accepter
                    ),
                    "wait until the peering is accepted (or delete the request), then add the block".into(),
                ));
            }
        }
        for (igw, vpc) in &self.deleted_attached {
            if idx.vpc(after, vpc).is_none() {
                continue;
            }
            let object = ObjectRef::new(ObjectKind::InternetGateway, igw.clone());
            out.push(refusal_of(
                "igw-delete-attached",
                object.clone(),
                object.to_string(),
                format!("cannot delete {igw}: it is attached to {vpc}"),
                format!("detach it from {vpc} first"),
            ));
        }
    }
}

fn refusal_of(code: &'static str, object: ObjectRef, path: String, message: String, hint: String) -> Diagnostic {
    let info = rule(code);
    Diagnostic {
        severity: info.map_or(Severity::Error, |r| r.severity),
        code,
        object: Some(object),
        path,
        message,
        hint,
        aws_code: info.and_then(|r| r.aws_code),
        blocks_edit: true,
    }
}
