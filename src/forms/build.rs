//! From a form's values to the [`Edit`] it describes. The terminal UI calls
//! these on submit (and on every keystroke, to ask a scratch workspace what
//! AWS would say); a refused build is a message for the form, never a panic.

use ipnet::IpNet;

use super::kinds::{free_eip_address, object_def, FormDef, Part, NEW, SUBNETS};
use super::{parse_object, parse_target_label, Vals};
use crate::edit::Edit;
use crate::model::limits::hard;
use crate::model::*;

/// What a field form edits: an object of a kind (new, or the one named
/// `original`), or a part of an object whose parent is chosen in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Object { kind: ObjectKind, original: Option<String> },
    Part(Part),
}

impl Subject {
    /// The form definition that reads and builds the subject.
    pub fn def(&self) -> &'static FormDef {
        match self {
            Subject::Object { kind, .. } => object_def(*kind),
            Subject::Part(part) => part.def(),
        }
    }

    /// The object being edited, as it is in the design (None for a new one and for parts).
    pub fn original_object(&self, d: &Design) -> Option<Object> {
        match self {
            Subject::Object {
                kind,
                original: Some(n),
            } => d.get(&ObjectRef::new(*kind, n.clone())),
            _ => None,
        }
    }

    /// A new or renamed object whose name another object already has (names
    /// are unique design-wide; putting it would replace the other one).
    pub fn name_clash(&self, vals: &Vals, idx: &DesignIndex) -> Option<String> {
        let Subject::Object { original, .. } = self else {
            return None;
        };
        let name = vals.get("name");
        if original.as_deref() == Some(name) {
            return None;
        }
        idx.lookup(name)
            .first()
            .map(|r| format!("{r} already has this name; names are unique in a design"))
    }

    /// The edit the values describe.
    pub fn edit(&self, vals: &Vals, d: &Design) -> Result<Edit, String> {
        let def = self.def();
        let obj = (def.build)(vals, d, self.original_object(d))?;
        match self {
            Subject::Part(part) => {
                let selector = def.reload_on.last().map(|l| vals.get(l)).unwrap_or(NEW);
                let what = match vals.get("name") {
                    "" => vals.get("CIDR"),
                    n => n,
                };
                let (verb, prep) = if selector == NEW {
                    ("added", "to")
                } else if vals.get("keep or remove") == "remove" {
                    ("removed", "from")
                } else {
                    ("changed", "in")
                };
                let label = format!("{verb} {} {what} {prep} {}", part.label(), obj.name());
                Ok(Edit::batch(label, vec![Edit::Put(obj)]))
            }
            Subject::Object { kind, original } => object_edit(*kind, original.as_deref(), obj, vals, d),
        }
    }
}

/// The edit that puts an object built by its form, with what AWS creates or
/// changes along with it.
fn object_edit(kind: ObjectKind, original: Option<&str>, obj: Object, vals: &Vals, d: &Design) -> Result<Edit, String> {
    let mut edits = Vec::new();
    if let Some(orig) = original {
        if orig != obj.name() {
            edits.push(Edit::Rename {
                target: ObjectRef::new(kind, orig),
                to: obj.name().to_string(),
            });
        }
    } else if let Object::Vpc(v) = &obj {
        // A new VPC comes with its main route table, default NACL and default SG.
        // Created with an IPv6 block, the defaults include the `::/0` rules (AWS).
        let mut all = Design::new_vpc_objects_with_ipv6(&v.name, v.cidr, v.ipv6_cidr);
        all.retain(|o| o.kind() != ObjectKind::Vpc);
        all.push(obj.clone());
        let label = format!(
            "added VPC {} {} (with main route table, default NACL and SG)",
            v.name, v.cidr
        );
        return Ok(Edit::batch(label, all.into_iter().map(Edit::Put).collect()));
    }
    if let (Object::NatGateway(n), None) = (&obj, original) {
        // "Allocate a new Elastic IP": the EIP is created with the NAT gateway.
        if let Some(eip) = n
            .elastic_ip
            .as_ref()
            .filter(|e| d.elastic_ips.iter().all(|x| &x.name != *e))
        {
            edits.push(Edit::Put(Object::ElasticIp(ElasticIp {
                name: eip.clone(),
                description: None,
                address: free_eip_address(d),
            })));
        }
    }
    if let (Object::Vpc(v), Some(orig)) = (&obj, original) {
        // Associating an IPv6 block with an existing VPC: AWS adds rule 101
        // `::/0` to the default NACL directions that were not modified.
        if v.ipv6_cidr.is_some() {
            if let Some(acl) = d.default_nacl_after_ipv6_association(orig, &v.name) {
                edits.push(Edit::Put(Object::NetworkAcl(acl)));
            }
        }
    }
    let summary = Edit::Put(obj.clone()).describe(d);
    let associations = subnet_associations(&obj, original, vals, d);
    edits.push(Edit::Put(obj));
    // After the table or NACL (it may be new, or renamed just above).
    edits.extend(associations);
    Ok(if edits.len() == 1 {
        edits.remove(0)
    } else {
        Edit::batch(summary, edits)
    })
}

/// The subnets a route table or NACL form associates, as subnet edits: a
/// subnet ticked in the form's list and not yet associated is associated; one
/// associated and no longer ticked goes back to the VPC's main route table or
/// default NACL (VPC User Guide, "Subnet route tables" and "Control subnet
/// traffic with network access control lists": a subnet has exactly one of
/// each, the main or default one unless associated explicitly). Values
/// without the list (a form of another kind) change nothing.
fn subnet_associations(obj: &Object, original: Option<&str>, vals: &Vals, d: &Design) -> Vec<Edit> {
    let Some(chosen) = vals.values(SUBNETS) else {
        return Vec::new();
    };
    let (name, vpc, is_rt) = match obj {
        Object::RouteTable(t) => (t.name.as_str(), t.vpc.as_str(), true),
        Object::NetworkAcl(a) => (a.name.as_str(), a.vpc.as_str(), false),
        _ => return Vec::new(),
    };
    let was = original.unwrap_or(name);
    let mut out = Vec::new();
    for s in &d.subnets {
        let current = if is_rt { &s.route_table } else { &s.network_acl };
        let has = current.as_deref() == Some(was);
        let want = s.vpc == vpc && chosen.contains(&s.name);
        // Already associated stays so (a rename of the table re-points the
        // subnet by itself); only changes become edits.
        let target = match (want, has) {
            (true, false) => Some(name.to_string()),
            (false, true) => None,
            _ => continue,
        };
        let mut s2 = s.clone();
        if is_rt {
            s2.route_table = target;
        } else {
            s2.network_acl = target;
        }
        out.push(Edit::Put(Object::Subnet(s2)));
    }
    out
}

/// Any object as RON text: a new one (its name must be free), or a change
/// to `original` (a different name renames it first).
pub fn text_edit(original: Option<&ObjectRef>, text: &str, d: &Design) -> Result<Edit, String> {
    let obj = parse_object(text, original.map(|o| o.kind))?;
    match original {
        Some(orig) if orig.name != obj.name() => {
            let summary = format!("edited {orig} as text (renamed to {})", obj.name());
            Ok(Edit::batch(
                summary,
                vec![
                    Edit::Rename {
                        target: orig.clone(),
                        to: obj.name().to_string(),
                    },
                    Edit::Put(obj),
                ],
            ))
        }
        Some(_) => Ok(Edit::Put(obj)),
        None => {
            if d.get(&ObjectRef::new(obj.kind(), obj.name())).is_some() {
                return Err(format!(
                    "{} {} already exists; pick another name",
                    obj.kind().label(),
                    obj.name()
                ));
            }
            Ok(Edit::Put(obj))
        }
    }
}

/// A row of a table the small forms add or change: a route, a security
/// group or NACL rule (`index` None adds one), or a subnet's association
/// with a route table. The values are read by the fields' labels:
/// `destination`/`target`; `protocol`/`ports`/`source` (inbound) or
/// `destination` (outbound); `rule #`/`action`/`protocol`/`ports`/`CIDR`;
/// `subnet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Route {
        table: String,
        index: Option<usize>,
    },
    SgRule {
        group: String,
        dir: Direction,
        index: Option<usize>,
    },
    NaclRule {
        acl: String,
        dir: Direction,
        index: Option<usize>,
    },
    Associate {
        table: String,
    },
    Disassociate {
        table: String,
    },
}

/// The label of an SG rule's peer field: who sends (inbound) or receives (outbound).
pub fn sg_peer_label(dir: Direction) -> &'static str {
    match dir {
        Direction::Inbound => "source",
        Direction::Outbound => "destination",
    }
}

impl Row {
    /// The edit the values describe; an error says what AWS would refuse.
    pub fn edit(&self, vals: &Vals, d: &Design, idx: &DesignIndex) -> Result<Edit, String> {
        match self {
            Row::Route { table, index } => {
                let Some(mut rt) = idx.route_table(d, table).cloned() else {
                    return Err(format!("route table {table} no longer exists"));
                };
                let dest: RouteDestination = vals.get("destination").parse()?;
                let target = parse_target_label(vals.get("target"))
                    .ok_or("choose a target (create a gateway first if the list is empty)")?;
                let route = Route::new(dest.clone(), target);
                match index {
                    Some(i) if *i < rt.routes.len() => rt.routes[*i] = route,
                    _ => {
                        if rt.route_to(&dest).is_some() {
                            return Err(format!(
                                "{} already has a route to {dest} (AWS: RouteAlreadyExists) — edit that route instead",
                                rt.name
                            ));
                        }
                        rt.routes.push(route)
                    }
                }
                Ok(Edit::Put(Object::RouteTable(rt)))
            }
            Row::SgRule { group, dir, index } => {
                let Some(mut sg) = idx.security_group(d, group).cloned() else {
                    return Err(format!("security group {group} no longer exists"));
                };
                let proto: Protocol = vals.get("protocol").parse()?;
                let ports = if proto.has_ports() {
                    vals.get("ports").parse::<PortRange>()?
                } else {
                    PortRange::ALL
                };
                let peer: SgPeer = vals.get(sg_peer_label(*dir)).parse()?;
                let rule = SgRule::new(proto, ports, peer);
                let rules = match dir {
                    Direction::Inbound => &mut sg.inbound,
                    Direction::Outbound => &mut sg.outbound,
                };
                match index {
                    Some(i) if *i < rules.len() => rules[*i] = rule,
                    _ => {
                        if rules.contains(&rule) {
                            return Err("this rule already exists (AWS: InvalidPermission.Duplicate)".into());
                        }
                        rules.push(rule)
                    }
                }
                Ok(Edit::Put(Object::SecurityGroup(sg)))
            }
            Row::NaclRule { acl, dir, index } => {
                let Some(mut a) = idx.network_acl(d, acl).cloned() else {
                    return Err(format!("network ACL {acl} no longer exists"));
                };
                let number: u16 = vals.get("rule #").parse().map_err(|_| {
                    format!(
                        "the rule number is {}-{}",
                        hard::NACL_RULE_NUMBERS.start(),
                        hard::NACL_RULE_NUMBERS.end()
                    )
                })?;
                let proto: Protocol = vals.get("protocol").parse()?;
                let ports = if proto.has_ports() {
                    vals.get("ports").parse::<PortRange>()?
                } else {
                    PortRange::ALL
                };
                let cidr: IpNet = vals
                    .get("CIDR")
                    .parse::<IpNet>()
                    .map_err(|_| "the CIDR is not valid".to_string())?
                    .trunc();
                let action = if vals.get("action") == "deny" {
                    RuleAction::Deny
                } else {
                    RuleAction::Allow
                };
                let rule = NaclRule {
                    number,
                    action,
                    proto,
                    ports,
                    cidr,
                };
                let rules = match dir {
                    Direction::Inbound => &mut a.inbound,
                    Direction::Outbound => &mut a.outbound,
                };
                let clash = rules
                    .iter()
                    .enumerate()
                    .any(|(i, r)| r.number == number && Some(i) != *index);
                if clash {
                    return Err(format!(
                        "rule number {number} is already used in the {dir} rules (AWS: NetworkAclEntryAlreadyExists)"
                    ));
                }
                match index {
                    Some(i) if *i < rules.len() => rules[*i] = rule,
                    _ => rules.push(rule),
                }
                rules.sort_by_key(|r| r.number);
                Ok(Edit::Put(Object::NetworkAcl(a)))
            }
            Row::Associate { table } | Row::Disassociate { table } => {
                let name = vals.get("subnet");
                let Some(mut s) = idx.subnet(d, name).cloned() else {
                    return Err("no subnet to choose".into());
                };
                let associate = matches!(self, Row::Associate { .. });
                s.route_table = associate.then(|| table.clone());
                let label = if associate {
                    format!("associated subnet {name} with route table {table}")
                } else {
                    format!("disassociated subnet {name} from route table {table} (it now uses the main table)")
                };
                Ok(Edit::batch(label, vec![Edit::Put(Object::Subnet(s))]))
            }
        }
    }
}

/// The number offered for a new NACL rule: the next multiple of ten after
/// the highest (100 in an empty list), leaving gaps to insert rules later
/// (VPC User Guide, "Network ACL rules": AWS suggests increments of 10 or
/// 100), and never past the last number a user may set.
pub fn next_nacl_rule_number(rules: &[NaclRule]) -> u16 {
    let next = rules
        .iter()
        .map(|r| r.number)
        .max()
        .map(|n| (n / 10 + 1) * 10)
        .unwrap_or(100);
    next.min(*hard::NACL_RULE_NUMBERS.end())
}

/// What a `dir` SG rule's peer field offers to complete: the groups of the
/// same VPC, then those of other VPCs it may reference (an active same-Region
/// peer; for an inbound rule, a VPC attached with it to a transit gateway with
/// security-group referencing on: [`Design::sg_reference_allowed`]), prefix
/// lists (the design's and AWS-managed ones), the two "anywhere" blocks, the
/// VPC's and its subnets' CIDRs.
pub fn sg_peer_suggestions(d: &Design, vpc: &str, dir: Direction) -> Vec<String> {
    let own = d.security_groups.iter().filter(|g| g.vpc == vpc);
    let others = d
        .security_groups
        .iter()
        .filter(|g| g.vpc != vpc && d.sg_reference_allowed(vpc, &g.vpc, dir));
    own.chain(others)
        .map(|g| format!("sg:{}", g.name))
        .chain(d.prefix_lists.iter().map(|p| format!("pl:{}", p.name)))
        .chain(AWS_SERVICES.iter().map(|s| format!("pl:{s}")))
        .chain(["0.0.0.0/0".to_string(), "::/0".to_string()])
        .chain(d.vpcs.iter().filter(|v| v.name == vpc).map(|v| v.cidr.to_string()))
        .chain(d.subnets.iter().filter(|s| s.vpc == vpc).map(|s| s.cidr.to_string()))
        .collect()
}

/// Subnets of the table's VPC that do not use it yet (candidates to associate).
pub fn subnets_to_associate(rt: &RouteTable, d: &Design, idx: &DesignIndex) -> Vec<String> {
    d.subnets
        .iter()
        .filter(|s| s.vpc == rt.vpc && idx.subnet_route_table(d, s).is_none_or(|t| t.name != rt.name))
        .map(|s| s.name.clone())
        .collect()
}

/// Subnets explicitly associated with the table (candidates to disassociate).
pub fn subnets_associated(rt: &RouteTable, d: &Design) -> Vec<String> {
    d.subnets
        .iter()
        .filter(|s| s.route_table.as_deref() == Some(&rt.name))
        .map(|s| s.name.clone())
        .collect()
}
