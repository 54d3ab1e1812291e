//! Integrity of the design file itself: unique names, references that resolve,
//! AZs that belong to the Region (SUB-4).

use std::cell::OnceCell;

use super::context::HashSet;

use crate::model::*;

use super::context::{oref, ValidationPass};

/// Names are unique design-wide; TGW route tables and attachments and
/// secondary interfaces share the name space (the index maps them to their owner).
pub(super) fn names(cx: &ValidationPass<'_>) {
    let mut dups: Vec<(&str, ObjectRef, ObjectRef)> = Vec::new();
    for (name, refs) in cx.idx.names_with_refs() {
        if let [first, rest @ ..] = refs {
            dups.extend(rest.iter().map(|r| (name, r.clone(), first.clone())));
        }
    }
    dups.sort();
    let describe = |name: &str, r: &ObjectRef| {
        if r.name == name {
            r.to_string()
        } else {
            format!("a part of {r}")
        }
    };
    for (name, r, first) in dups {
        let message = format!("the name `{name}` is also used by {}", describe(name, &first));
        let path = if r.name == name {
            r.to_string()
        } else {
            format!("{r} › {name}")
        };
        cx.emit(
            "duplicate-name",
            &r,
            path,
            message,
            "give each object a unique name".into(),
        );
    }
}

/// Dangling references anywhere in the design.
pub(super) fn references(cx: &ValidationPass<'_>) {
    references_in(cx, cx.d);
}

/// Dangling references from the objects of `from` (the design itself, or a
/// design holding only an edited object), resolved against the whole design.
pub(super) fn references_in(cx: &ValidationPass<'_>, from: &Design) {
    let d = cx.d;
    // Built on first need: a single edited object rarely needs them.
    let tgw_tables: OnceCell<HashSet<&str>> = OnceCell::new();
    let tgw_attachments: OnceCell<HashSet<&str>> = OnceCell::new();
    let interfaces: OnceCell<HashSet<&str>> = OnceCell::new();
    let tgw_tables = || {
        tgw_tables.get_or_init(|| {
            d.transit_gateways
                .iter()
                .flat_map(|t| t.route_tables.iter().map(|r| r.name.as_str()))
                .collect()
        })
    };
    let tgw_attachments = || {
        tgw_attachments.get_or_init(|| {
            d.transit_gateways
                .iter()
                .flat_map(|t| t.attachments.iter().map(|a| a.name.as_str()))
                .collect()
        })
    };
    let interfaces = || {
        interfaces.get_or_init(|| {
            d.instances
                .iter()
                .flat_map(|i| i.secondary_interfaces.iter().map(|e| e.name.as_str()))
                .collect()
        })
    };
    let mut found = Vec::new();
    from.for_each_reference(|from, field, target, name| {
        // Route targets are checked by the routing rules (route-target-missing), and a
        // rule's group by the security-group rules (a stale rule, sg-reference-stale).
        if field == "routes.target" || (field == "rules.peer" && target == RefTarget::Object(ObjectKind::SecurityGroup))
        {
            return;
        }
        let exists = match target {
            RefTarget::Object(kind) => cx.idx.lookup(name).iter().any(|o| o.kind == kind && &o.name == name),
            RefTarget::InstanceOrInterface => {
                cx.idx.instance(d, name).is_some() || interfaces().contains(name.as_str())
            }
            RefTarget::PrefixList => cx.idx.prefix_list(d, name).is_some() || aws_prefix_list(name).is_some(),
            RefTarget::TgwRouteTable => tgw_tables().contains(name.as_str()),
            RefTarget::TgwAttachment => tgw_attachments().contains(name.as_str()),
        };
        if !exists {
            let what = match target {
                RefTarget::Object(kind) => kind.label(),
                RefTarget::InstanceOrInterface => "instance or interface",
                RefTarget::PrefixList => "prefix list",
                RefTarget::TgwRouteTable => "TGW route table",
                RefTarget::TgwAttachment => "TGW attachment",
            };
            found.push((from.to_ref(), field, what, name.to_string(), target.not_found_code()));
        }
    });
    for (from, field, what, name, aws) in found {
        cx.on_answering(
            "dangling-reference",
            Some(&from),
            format!("`{field}` names {what} `{name}`, which does not exist"),
            "point it at an existing object, or create the missing one first",
            aws,
        );
    }
}

/// An AZ name is its Region's name plus a letter (`us-east-1a`); AZ ids are not modelled.
fn az_in_region(az: &str, region: &str) -> bool {
    az.strip_prefix(region)
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_lowercase()))
}

pub(super) fn zones(cx: &ValidationPass<'_>) {
    let d = cx.d;
    for az in &d.azs {
        if !az_in_region(az, &d.region) {
            cx.on_design(
                "az-outside-region",
                format!("design › availability zones › {az}"),
                format!("{az} is not an availability zone of {}", d.region),
                format!("use zones named {}a, {}b, …", d.region, d.region),
            );
        }
    }
    let known: HashSet<&str> = d.azs.iter().map(String::as_str).collect();
    for s in &d.subnets {
        if !known.contains(s.az.as_str()) {
            let list: Vec<&str> = d.azs.iter().map(String::as_str).collect();
            cx.on(
                "subnet-az-unknown",
                &oref(ObjectKind::Subnet, &s.name),
                format!("{} is not one of the design's availability zones", s.az),
                format!(
                    "choose one of {} (or add the zone to the design's AZs)",
                    if list.is_empty() {
                        "the Region's zones".to_string()
                    } else {
                        list.join(", ")
                    }
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn az_names_belong_to_their_region() {
        assert!(super::az_in_region("us-east-1a", "us-east-1"));
        assert!(!super::az_in_region("eu-west-1a", "us-east-1"));
        assert!(!super::az_in_region("us-east-1", "us-east-1"));
        assert!(!super::az_in_region("us-east-12a", "us-east-1"));
    }
}
