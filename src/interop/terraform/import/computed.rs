//! Attributes the AWS provider computes (the provider's "Attribute
//! Reference"): ids and ARNs, a VPC's default route table, NACL and group, an
//! instance's primary interface, a transit gateway's default route table,
//! a firewall's endpoints. They get stable stand-ins so references resolve;
//! an attribute neither written nor computed is null, as in Terraform.

use std::collections::BTreeMap;

use super::eval::{stable_id, Evaluator, ACCOUNT, R};
use super::value::{ResRef, Value};
use crate::interop::terraform::PLANNED_TAG;

/// The `vpcd:planned` tag of a resource: an address AWS assigns, as the exporter planned it.
pub fn planned(ev: &Evaluator, r: &ResRef) -> R<Option<String>> {
    match ev.attr(r, "tags")? {
        Value::Map(m) => Ok(m.get(PLANNED_TAG).and_then(Value::as_string)),
        _ => Ok(None),
    }
}

pub fn computed(ev: &Evaluator, r: &ResRef, name: &str) -> R<Value> {
    let res = ev.resource(r);
    let ty = res.ty.as_str();
    let s = Value::String;
    Ok(match (ty, name) {
        ("aws_lb" | "aws_alb", "arn") => {
            // Elastic Load Balancing's ARN layout: loadbalancer/app|net/NAME/ID.
            let kind = match ev.attr(r, "load_balancer_type")?.as_string().as_deref() {
                Some("network") => "net",
                Some("gateway") => "gwy",
                _ => "app",
            };
            let name = ev.attr(r, "name")?.as_string().unwrap_or_else(|| res.name.clone());
            let id = stable_id("", &ev.address(r));
            s(format!(
                "arn:aws:elasticloadbalancing:{}:{ACCOUNT}:loadbalancer/{kind}/{name}/{}",
                ev.region,
                &id[1..]
            ))
        }
        ("aws_lb_target_group" | "aws_alb_target_group", "arn") => {
            let name = ev.attr(r, "name")?.as_string().unwrap_or_else(|| res.name.clone());
            let id = stable_id("", &ev.address(r));
            s(format!(
                "arn:aws:elasticloadbalancing:{}:{ACCOUNT}:targetgroup/{name}/{}",
                ev.region,
                &id[1..]
            ))
        }
        (_, "arn") => {
            let service = if ty.starts_with("aws_lb") || ty.starts_with("aws_alb") {
                "elasticloadbalancing"
            } else if ty.starts_with("aws_networkfirewall") {
                "network-firewall"
            } else {
                "ec2"
            };
            s(format!(
                "arn:aws:{service}:{}:{ACCOUNT}:{}/{}",
                ev.region,
                ty.trim_start_matches("aws_"),
                ev.id_of(r)
            ))
        }
        (_, "owner_id" | "peer_owner_id") => s(ACCOUNT.into()),
        ("aws_vpc", "default_route_table_id" | "main_route_table_id") => s(ev.derived_id(r, "rtb-", "main")),
        ("aws_vpc", "default_network_acl_id") => s(ev.derived_id(r, "acl-", "default")),
        ("aws_vpc", "default_security_group_id") => s(ev.derived_id(r, "sg-", "default")),
        ("aws_vpc", "ipv6_cidr_block") => match planned(ev, r)? {
            Some(p) => s(p),
            None => Value::Unknown("the IPv6 block AWS assigns".into()),
        },
        ("aws_instance", "primary_network_interface_id") => s(ev.derived_id(r, "eni-", "primary")),
        ("aws_instance" | "aws_network_interface", "private_ip") => {
            Value::Unknown("the private address AWS picks".into())
        }
        ("aws_eip", "allocation_id") => s(ev.id_of(r)),
        ("aws_eip", "public_ip") => match planned(ev, r)? {
            Some(p) => s(p),
            None => Value::Unknown("the address AWS picks from its pool".into()),
        },
        ("aws_ec2_transit_gateway", "association_default_route_table_id" | "propagation_default_route_table_id") => {
            s(ev.derived_id(r, "tgw-rtb-", "default"))
        }
        ("aws_vpn_connection", "transit_gateway_attachment_id") => s(ev.derived_id(r, "tgw-attach-", "vpn")),
        ("aws_ec2_transit_gateway_peering_attachment_accepter", "transit_gateway_attachment_id") => {
            s(stable_id("tgw-attach-", &ev.address(r)))
        }
        ("aws_networkfirewall_firewall", "firewall_status") => firewall_status(ev, r)?,
        _ => Value::Null,
    })
}

/// One endpoint per subnet mapping, in the subnet's zone (Network Firewall's `sync_states`).
fn firewall_status(ev: &Evaluator, r: &ResRef) -> R<Value> {
    let sc = ev.scope_of(r)?;
    let mut states = Vec::new();
    for m in ev.blocks(&ev.resource(r).body, "subnet_mapping", &sc)? {
        let Some(subnet) = m.get("subnet_id").and_then(Value::as_string) else {
            continue;
        };
        let owner = ev.ids.borrow().get(&subnet).cloned();
        let az = match owner {
            Some(o) => ev.attr(&o, "availability_zone")?,
            None => Value::Null,
        };
        let az_text = az.as_string().unwrap_or_default();
        let mut att = BTreeMap::new();
        att.insert(
            "endpoint_id".to_string(),
            Value::String(ev.derived_id(r, "vpce-", &format!("endpoint-{subnet}"))),
        );
        att.insert("subnet_id".to_string(), Value::String(subnet));
        let mut st = BTreeMap::new();
        st.insert("availability_zone".to_string(), Value::String(az_text));
        st.insert("attachment".to_string(), Value::List(vec![Value::Map(att)]));
        states.push(Value::Map(st));
    }
    let mut fs = BTreeMap::new();
    fs.insert("sync_states".to_string(), Value::List(states));
    Ok(Value::List(vec![Value::Map(fs)]))
}
