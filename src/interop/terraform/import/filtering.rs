//! Security groups and network ACLs, in all three ways Terraform writes their
//! rules: inline blocks, `aws_security_group_rule`/`aws_network_acl_rule`, and
//! the newer one-rule-per-resource `aws_vpc_security_group_*_rule`.

use std::collections::BTreeMap;

use super::resources::{field, field_bool, field_int, field_strs, Conv, Fail, Inst, Res};
use super::value::Value;
use crate::interop::aws::json::{self as j, Tag};

/// The default NACL's rules: allow everything both ways, then the `*` deny
/// (VPC User Guide, "Default network ACL").
pub fn default_acl_entries() -> Vec<j::NaclEntry> {
    let mut out = Vec::new();
    for egress in [false, true] {
        out.push(entry(100, "-1", "allow", egress, "0.0.0.0/0"));
    }
    out.extend(deny_all());
    out
}

fn entry(n: i64, proto: &str, action: &str, egress: bool, cidr: &str) -> j::NaclEntry {
    j::NaclEntry {
        rule_number: n,
        protocol: Some(proto.into()),
        rule_action: action.into(),
        egress: Some(egress),
        cidr_block: Some(cidr.into()),
        ..Default::default()
    }
}

/// Every NACL ends with rule `*` (32767), denying what no rule allowed.
fn deny_all() -> Vec<j::NaclEntry> {
    [false, true]
        .into_iter()
        .map(|egress| entry(32767, "-1", "deny", egress, "0.0.0.0/0"))
        .collect()
}

/// The default security group: all traffic from its own members in, everything
/// out (VPC User Guide, "Default security groups for your VPCs").
pub fn default_group(id: &str, vpc: &str, tags: Vec<Tag>) -> j::SecurityGroup {
    j::SecurityGroup {
        group_id: id.into(),
        group_name: "default".into(),
        description: Some("default VPC security group".into()),
        vpc_id: vpc.into(),
        owner_id: Some(super::eval::ACCOUNT.into()),
        ip_permissions: vec![j::IpPermission {
            ip_protocol: Some("-1".into()),
            user_id_group_pairs: vec![j::GroupPair {
                group_id: Some(id.into()),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ip_permissions_egress: vec![all_out()],
        tags,
    }
}

fn all_out() -> j::IpPermission {
    j::IpPermission {
        ip_protocol: Some("-1".into()),
        ip_ranges: vec![j::IpRange {
            cidr_ip: Some("0.0.0.0/0".into()),
            description: None,
        }],
        ..Default::default()
    }
}

/// A protocol as the EC2 API shows it in security groups: names for TCP, UDP
/// and ICMP, `-1` for all, numbers otherwise.
fn sg_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "6" | "tcp" => "tcp".into(),
        "17" | "udp" => "udp".into(),
        "1" | "icmp" => "icmp".into(),
        "58" | "icmpv6" => "icmpv6".into(),
        other => other.into(),
    }
}

/// A protocol as NACL entries show it: always a number, `-1` for all.
fn nacl_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "icmpv6" => "58".into(),
        other => other.into(),
    }
}

/// Ports as AWS keeps them: none for all protocols, the range otherwise (for
/// ICMP, FromPort is the type and ToPort the code).
fn ports(proto: &str, from: Option<i64>, to: Option<i64>) -> (Option<i64>, Option<i64>) {
    match proto {
        "-1" => (None, None),
        _ => (from, to),
    }
}

struct RuleParts {
    proto: String,
    from: Option<i64>,
    to: Option<i64>,
    cidrs: Vec<String>,
    cidrs6: Vec<String>,
    prefix_lists: Vec<String>,
    groups: Vec<String>,
    description: Option<String>,
}

fn permission(p: RuleParts) -> j::IpPermission {
    let (from, to) = ports(&p.proto, p.from, p.to);
    let d = p.description;
    j::IpPermission {
        ip_protocol: Some(p.proto),
        from_port: from,
        to_port: to,
        ip_ranges: p
            .cidrs
            .into_iter()
            .map(|c| j::IpRange {
                cidr_ip: Some(c),
                description: d.clone(),
            })
            .collect(),
        ipv6_ranges: p
            .cidrs6
            .into_iter()
            .map(|c| j::Ipv6Range {
                cidr_ipv6: Some(c),
                description: d.clone(),
            })
            .collect(),
        prefix_list_ids: p
            .prefix_lists
            .into_iter()
            .map(|c| j::PrefixListRef {
                prefix_list_id: c,
                description: d.clone(),
            })
            .collect(),
        user_id_group_pairs: p
            .groups
            .into_iter()
            .map(|g| j::GroupPair {
                group_id: Some(g),
                description: d.clone(),
                ..Default::default()
            })
            .collect(),
    }
}

/// An inline `ingress`/`egress` block of `aws_security_group`.
fn inline_rule(o: &BTreeMap<String, Value>, own: &str) -> Res<j::IpPermission> {
    let mut groups = field_strs(o, "security_groups")?;
    if field_bool(o, "self")? == Some(true) {
        groups.push(own.to_string());
    }
    Ok(permission(RuleParts {
        proto: sg_protocol(&field(o, "protocol")?.ok_or_else(|| Fail::Skip("a rule without protocol".into()))?),
        from: field_int(o, "from_port")?,
        to: field_int(o, "to_port")?,
        cidrs: field_strs(o, "cidr_blocks")?,
        cidrs6: field_strs(o, "ipv6_cidr_blocks")?,
        prefix_lists: field_strs(o, "prefix_list_ids")?,
        groups,
        description: field(o, "description")?,
    }))
}

impl Conv<'_> {
    pub(super) fn security_group(&mut self, i: &Inst) -> Res<()> {
        let default = i.ty() == "aws_default_security_group";
        let vpc = i.req("vpc_id")?;
        let d = self.defaults(&vpc)?;
        let id = if default { d.sg.clone() } else { i.id()? };
        let mut inbound = Vec::new();
        let mut outbound = Vec::new();
        for o in i.objects("ingress")? {
            inbound.push(inline_rule(&o, &id)?);
        }
        for o in i.objects("egress")? {
            outbound.push(inline_rule(&o, &id)?);
        }
        let tags = i.tags()?;
        if default {
            // Adopting the default group removes its rules and keeps exactly the
            // inline ones (provider docs, aws_default_security_group).
            let g = self
                .out
                .security_groups
                .iter_mut()
                .find(|g| g.group_id == id)
                .ok_or_else(|| Fail::Skip(format!("security group {id} is not in the design")))?;
            g.ip_permissions = inbound;
            g.ip_permissions_egress = outbound;
            g.tags = tags;
            return Ok(());
        }
        // Terraform removes the allow-all egress rule AWS gives a new group, so a
        // group without egress rules allows nothing out (provider docs, aws_security_group).
        let name = i.str("name")?.or(i.str("name_prefix")?).unwrap_or_else(|| i.label());
        self.out.security_groups.push(j::SecurityGroup {
            group_id: id,
            group_name: name,
            description: Some(i.str("description")?.unwrap_or_else(|| "Managed by Terraform".into())),
            vpc_id: vpc,
            owner_id: Some(super::eval::ACCOUNT.into()),
            ip_permissions: inbound,
            ip_permissions_egress: outbound,
            tags,
        });
        Ok(())
    }

    fn group(&mut self, id: &str) -> Res<&mut j::SecurityGroup> {
        self.out
            .security_groups
            .iter_mut()
            .find(|g| g.group_id == id)
            .ok_or_else(|| Fail::Skip(format!("security group {id} is not in the design")))
    }

    pub(super) fn security_group_rule(&mut self, i: &Inst) -> Res<()> {
        let sg = i.req("security_group_id")?;
        let egress = match i.req("type")?.as_str() {
            "ingress" => false,
            "egress" => true,
            other => return Err(Fail::Skip(format!("type must be ingress or egress, not {other}"))),
        };
        let mut groups: Vec<String> = i.str("source_security_group_id")?.into_iter().collect();
        if i.bool("self")? == Some(true) {
            groups.push(sg.clone());
        }
        let p = permission(RuleParts {
            proto: sg_protocol(&i.req("protocol")?),
            from: i.int("from_port")?,
            to: i.int("to_port")?,
            cidrs: i.strs("cidr_blocks")?,
            cidrs6: i.strs("ipv6_cidr_blocks")?,
            prefix_lists: i.strs("prefix_list_ids")?,
            groups,
            description: i.str("description")?,
        });
        let g = self.group(&sg)?;
        if egress {
            g.ip_permissions_egress.push(p);
        } else {
            g.ip_permissions.push(p);
        }
        Ok(())
    }

    pub(super) fn vpc_sg_rule(&mut self, i: &Inst) -> Res<()> {
        let sg = i.req("security_group_id")?;
        let egress = i.ty() == "aws_vpc_security_group_egress_rule";
        let p = permission(RuleParts {
            proto: sg_protocol(&i.req("ip_protocol")?),
            from: i.int("from_port")?,
            to: i.int("to_port")?,
            cidrs: i.str("cidr_ipv4")?.into_iter().collect(),
            cidrs6: i.str("cidr_ipv6")?.into_iter().collect(),
            prefix_lists: i.str("prefix_list_id")?.into_iter().collect(),
            groups: i.str("referenced_security_group_id")?.into_iter().collect(),
            description: i.str("description")?,
        });
        let g = self.group(&sg)?;
        if egress {
            g.ip_permissions_egress.push(p);
        } else {
            g.ip_permissions.push(p);
        }
        Ok(())
    }

    pub(super) fn network_acl(&mut self, i: &Inst) -> Res<()> {
        let default = i.ty() == "aws_default_network_acl";
        let mut entries = Vec::new();
        for (egress, kind) in [(false, "ingress"), (true, "egress")] {
            for o in i.objects(kind)? {
                entries.push(acl_entry(&o, egress, "rule_no", "action")?);
            }
        }
        entries.extend(deny_all());
        let subnets = i.strs("subnet_ids")?;
        let tags = i.tags()?;
        let id = if default {
            // aws_default_network_acl adopts the default ACL and holds exactly these rules.
            let id = i.req("default_network_acl_id")?;
            let acl = self
                .out
                .network_acls
                .iter_mut()
                .find(|a| a.network_acl_id == id)
                .ok_or_else(|| Fail::Skip(format!("network ACL {id} is not a VPC's default in the design")))?;
            acl.entries = entries;
            acl.tags = tags;
            id
        } else {
            let vpc = i.req("vpc_id")?;
            self.defaults(&vpc)?;
            let id = i.id()?;
            self.out.network_acls.push(j::NetworkAcl {
                network_acl_id: id.clone(),
                vpc_id: vpc,
                is_default: false,
                associations: Vec::new(),
                entries,
                owner_id: Some(super::eval::ACCOUNT.into()),
                tags,
            });
            id
        };
        for s in subnets {
            self.acl_of_subnet.insert(s, id.clone());
        }
        Ok(())
    }

    pub(super) fn network_acl_rule(&mut self, i: &Inst) -> Res<()> {
        let id = i.req("network_acl_id")?;
        let mut o = BTreeMap::new();
        for k in [
            "rule_number",
            "protocol",
            "rule_action",
            "cidr_block",
            "ipv6_cidr_block",
            "from_port",
            "to_port",
            "icmp_type",
            "icmp_code",
        ] {
            o.insert(k.to_string(), i.get(k)?);
        }
        let egress = i.bool("egress")?.unwrap_or(false);
        let e = acl_entry(&o, egress, "rule_number", "rule_action")?;
        let acl = self
            .out
            .network_acls
            .iter_mut()
            .find(|a| a.network_acl_id == id)
            .ok_or_else(|| Fail::Skip(format!("network ACL {id} is not in the design")))?;
        acl.entries.push(e);
        Ok(())
    }

    pub(super) fn network_acl_association(&mut self, i: &Inst) -> Res<()> {
        let id = i.req("network_acl_id")?;
        let subnet = i.req("subnet_id")?;
        self.acl_of_subnet.insert(subnet, id);
        Ok(())
    }
}

fn acl_entry(o: &BTreeMap<String, Value>, egress: bool, number: &str, action: &str) -> Res<j::NaclEntry> {
    let proto = nacl_protocol(&field(o, "protocol")?.ok_or_else(|| Fail::Skip("a rule without protocol".into()))?);
    let mut e = j::NaclEntry {
        rule_number: field_int(o, number)?.ok_or_else(|| Fail::Skip(format!("a rule without {number}")))?,
        protocol: Some(proto.clone()),
        rule_action: field(o, action)?
            .ok_or_else(|| Fail::Skip(format!("a rule without {action}")))?
            .to_ascii_lowercase(),
        egress: Some(egress),
        cidr_block: field(o, "cidr_block")?,
        ipv6_cidr_block: field(o, "ipv6_cidr_block")?,
        ..Default::default()
    };
    match proto.as_str() {
        "6" | "17" => {
            e.port_range = Some(j::PortRange {
                from: field_int(o, "from_port")?.unwrap_or(0),
                to: field_int(o, "to_port")?.unwrap_or(65535),
            });
        }
        "1" | "58" => {
            e.icmp_type_code = Some(j::IcmpTypeCode {
                r#type: field_int(o, "icmp_type")?.unwrap_or(-1),
                code: field_int(o, "icmp_code")?.unwrap_or(-1),
            });
        }
        _ => {}
    }
    Ok(e)
}

/// Each subnet is associated with exactly one ACL: the one named for it, else its VPC's default.
pub(super) fn finish_acls(c: &mut Conv<'_>) {
    let subnets: Vec<(String, String)> = c
        .out
        .subnets
        .iter()
        .map(|s| (s.subnet_id.clone(), s.vpc_id.clone()))
        .collect();
    for (subnet, vpc) in subnets {
        let acl = c
            .acl_of_subnet
            .get(&subnet)
            .cloned()
            .or_else(|| c.vpc_defaults.get(&vpc).map(|d| d.acl.clone()));
        let Some(acl) = acl else { continue };
        if let Some(a) = c.out.network_acls.iter_mut().find(|a| a.network_acl_id == acl) {
            a.associations.push(j::NaclAssociation {
                subnet_id: subnet.clone(),
                network_acl_association_id: Some(super::eval::stable_id("aclassoc-", &subnet)),
                network_acl_id: Some(acl.clone()),
            });
        }
    }
}
