//! Forms as library concepts: what each object kind's form asks for
//! ([`kinds`]), how a typed value is checked ([`Check`]), and how the values
//! of a form become an [`crate::edit::Edit`] ([`build`]). Nothing here knows
//! a terminal: the terminal UI keeps the form's state (inputs, focus,
//! cursor) and draws it, and submits what [`build`] returns through the
//! workspace like every other edit.

pub mod build;
mod check;
pub mod kinds;

pub use build::{Row, Subject};
pub use check::Check;

use crate::model::*;

/// The values of a form's fields by label: one string for a text field or a
/// picker, the chosen options of a multi-select.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vals(Vec<(&'static str, Vec<String>)>);

impl Vals {
    /// The value of a field ("" when absent or nothing is chosen).
    pub fn get(&self, label: &str) -> &str {
        self.0
            .iter()
            .find(|(l, _)| *l == label)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }
    /// The chosen options of a multi-select.
    pub fn list(&self, label: &str) -> Vec<String> {
        self.values(label).map(<[String]>::to_vec).unwrap_or_default()
    }
    /// Everything a field holds, when the values name it.
    pub fn values(&self, label: &str) -> Option<&[String]> {
        self.0.iter().find(|(l, _)| *l == label).map(|(_, v)| v.as_slice())
    }
    /// Sets a field's values (adding the field when absent).
    pub fn put(&mut self, label: &'static str, values: Vec<String>) {
        match self.0.iter_mut().find(|(l, _)| *l == label) {
            Some(slot) => slot.1 = values,
            None => self.0.push((label, values)),
        }
    }
    pub fn with(mut self, label: &'static str, value: impl Into<String>) -> Vals {
        self.put(label, vec![value.into()]);
        self
    }
    pub fn with_list(mut self, label: &'static str, values: Vec<String>) -> Vals {
        self.put(label, values);
        self
    }
}

/// A finding of the shared validation shown under a field while typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// AWS would refuse the edit (red); otherwise a warning.
    pub refused: bool,
    pub message: String,
}

/// Every kind has a field form (the text editor stays reachable: `e`, or Ctrl-e in a form).
pub const FIELD_FORM_KINDS: &[ObjectKind] = ObjectKind::ALL;

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(
        ron::extensions::Extensions::IMPLICIT_SOME | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
    )
}

/// Parses a RON object (`Subnet(name: …)`), optionally requiring a kind.
pub fn parse_object(text: &str, kind: Option<ObjectKind>) -> Result<Object, String> {
    let obj: Object = ron_options()
        .from_str(text)
        .map_err(|e| format!("line {}:{}: {}", e.position.line, e.position.col, e.code))?;
    if let Some(k) = kind {
        if obj.kind() != k {
            return Err(format!(
                "this editor holds a {}, not a {}",
                k.label(),
                obj.kind().label()
            ));
        }
    }
    if !crate::edit::valid_name(obj.name()) {
        return Err(format!("`{}` is not a valid name", obj.name()));
    }
    Ok(obj)
}

/// An object as RON text, the way the text editor shows it.
pub fn to_ron(obj: &Object) -> String {
    let pretty = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .indentor("  ".to_string());
    ron_options()
        .to_string_pretty(obj, pretty)
        .unwrap_or_else(|e| format!("// cannot show this object as text: {e}"))
}
/// Every valid route target in a VPC, as picker labels `kind:name`.
pub fn route_targets(d: &Design, vpc: &str) -> Vec<String> {
    let mut out = Vec::new();
    for g in d.internet_gateways.iter().filter(|g| g.vpc.as_deref() == Some(vpc)) {
        out.push(format!("igw:{}", g.name));
    }
    let subnet_in_vpc = |s: &str| d.subnets.iter().any(|x| x.name == s && x.vpc == vpc);
    for n in d.nat_gateways.iter().filter(|n| n.vpc_name(d) == Some(vpc)) {
        out.push(format!("nat:{}", n.name));
    }
    for g in d.egress_only_gateways.iter().filter(|g| g.vpc == vpc) {
        out.push(format!("eigw:{}", g.name));
    }
    for p in d.peerings.iter().filter(|p| p.requester == vpc || p.accepter == vpc) {
        out.push(format!("pcx:{}", p.name));
    }
    for t in &d.transit_gateways {
        out.push(format!("tgw:{}", t.name));
    }
    for g in d.vpn_gateways.iter().filter(|g| g.vpc.as_deref() == Some(vpc)) {
        out.push(format!("vgw:{}", g.name));
    }
    for e in d.endpoints.iter().filter(|e| e.vpc == vpc && e.is_gateway()) {
        out.push(format!("vpce:{}", e.name));
    }
    for i in d.instances.iter().filter(|i| subnet_in_vpc(&i.subnet)) {
        out.push(format!("instance:{}", i.name));
    }
    for f in d.firewalls.iter().filter(|f| f.vpc == vpc) {
        for s in &f.subnets {
            if let Some(sub) = d.subnets.iter().find(|x| &x.name == s) {
                out.push(format!("firewall:{}@{}", f.name, sub.az));
            }
        }
    }
    out.push("local".into());
    out
}

/// A route target as a picker label (`igw:NAME`, `firewall:NAME@AZ`, `local`).
pub fn target_label(t: &RouteTarget) -> String {
    match t {
        RouteTarget::Local => "local".into(),
        RouteTarget::FirewallEndpoint(f, az) => format!("firewall:{f}@{az}"),
        other => format!("{}:{}", other.kind_label(), other.object_name().unwrap_or("?")),
    }
}

/// The route target a picker label names.
pub fn parse_target_label(s: &str) -> Option<RouteTarget> {
    if s == "local" {
        return Some(RouteTarget::Local);
    }
    let (kind, name) = s.split_once(':')?;
    let n = name.to_string();
    Some(match kind {
        "igw" => RouteTarget::InternetGateway(n),
        "nat" => RouteTarget::NatGateway(n),
        "eigw" => RouteTarget::EgressOnlyGateway(n),
        "pcx" => RouteTarget::Peering(n),
        "tgw" => RouteTarget::TransitGateway(n),
        "vgw" => RouteTarget::VpnGateway(n),
        "vpce" => RouteTarget::GatewayEndpoint(n),
        "instance" => RouteTarget::Instance(n),
        "eni" => RouteTarget::NetworkInterface(n),
        "firewall" => {
            let (f, az) = name.split_once('@')?;
            RouteTarget::FirewallEndpoint(f.to_string(), az.to_string())
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::kinds::{firewall_rule_text, listener_text, parse_firewall_rules, parse_listeners};
    use super::*;

    #[test]
    fn object_text_round_trips() {
        let d = crate::create::templates::sample::three_tier();
        for r in d.object_refs() {
            let obj = d.get(&r).unwrap();
            let text = to_ron(&obj);
            assert_eq!(parse_object(&text, Some(r.kind)).unwrap(), obj, "{r}");
        }
    }

    #[test]
    fn cidr_check_explains_before_submit() {
        assert!(Check::SubnetCidr.run("10.0.1.0/24").is_ok());
        assert!(Check::SubnetCidr
            .run("10.0.1.5/24")
            .unwrap_err()
            .contains("10.0.1.0/24"));
        assert!(Check::SubnetCidr.run("10.0.0.0/29").unwrap_err().contains("/28"));
        assert!(Check::SubnetCidr.run("10.0.300.0/24").is_err());
    }

    #[test]
    fn number_checks_follow_the_aws_ranges() {
        // Amazon-side ASN: private 16-bit 64512-65534 or 32-bit 4200000000-4294967294 (CreateVpnGateway).
        for ok in ["64512", "65534", "4200000000", "4294967294"] {
            assert!(Check::AmazonAsn.run(ok).is_ok(), "{ok}");
        }
        for bad in ["64511", "65535", "4294967295", "x", ""] {
            assert!(Check::AmazonAsn.run(bad).is_err(), "{bad}");
        }
        // Customer gateway: BgpAsn 1-2147483647, BgpAsnExtended up to 4294967295.
        assert!(Check::CustomerAsn.run("65000").is_ok());
        assert!(Check::CustomerAsn.run("4294967295").is_ok());
        assert!(Check::CustomerAsn.run("0").is_err());
        assert!(Check::Vlan.run("4094").is_ok());
        assert!(Check::Vlan.run("4095").is_err());
        assert!(Check::MaxEntries.run("1000").is_ok());
        assert!(Check::MaxEntries.run("0").is_err());
        assert!(Check::Cidr4ListRequired.run("").is_err());
        assert!(Check::Cidr4List.run("10.0.0.0/8, 192.168.0.0/16").is_ok());
        assert!(Check::Cidr4List.run("10.0.0.0/8, ::/0").is_err());
        assert!(Check::VpcCidrList
            .run("10.1.0.0/16 100.64.0.0/29")
            .unwrap_err()
            .contains("/28"));
    }

    #[test]
    fn listeners_and_firewall_rules_parse_and_print_back() {
        let l = parse_listeners("443:8080, 80, 53/udp").unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(l[2].proto, Protocol::Udp);
        let text: Vec<String> = l.iter().map(listener_text).collect();
        assert_eq!(text.join(", "), "443:8080, 80, 53/udp");
        assert!(parse_listeners("0").is_err());
        assert!(parse_listeners("443/icmp").is_err());
        let rules =
            parse_firewall_rules("drop tcp from 0.0.0.0/0 to 10.0.0.0/16 port 22; alert domain example.com; pass")
                .unwrap();
        assert_eq!(rules.len(), 3);
        let text: Vec<String> = rules.iter().map(firewall_rule_text).collect();
        assert_eq!(parse_firewall_rules(&text.join("; ")).unwrap(), rules);
        assert!(parse_firewall_rules("block tcp").is_err());
        assert!(parse_firewall_rules("drop to").is_err());
    }

    /// The NAT gateway form's availability mode (VPC User Guide, "Regional NAT
    /// gateways"): a regional one reads back as itself, and switching a zonal
    /// one to regional leaves its subnet and Elastic IP behind, as AWS takes
    /// neither for a regional NAT gateway.
    #[test]
    fn nat_gateway_form_reads_and_builds_the_availability_mode() {
        use super::kinds::object_def;
        let mut d = crate::create::templates::sample::three_tier();
        let def = object_def(ObjectKind::NatGateway);
        let regional = Object::NatGateway(NatGateway {
            name: "nat-r".into(),
            description: None,
            availability_mode: NatAvailability::Regional,
            subnet: None,
            vpc: Some("shop".into()),
            connectivity: NatConnectivity::Public,
            elastic_ip: None,
            private_ip: None,
        });
        d.put(regional.clone());
        let vals = (def.read)(&d, Some(&regional), &Vals::default());
        assert_eq!(vals.get("availability mode"), "regional");
        assert_eq!(vals.get("VPC"), "shop");
        assert_eq!((def.build)(&vals, &d, Some(regional.clone())).unwrap(), regional);

        let zonal = d.get(&ObjectRef::new(ObjectKind::NatGateway, "nat-a")).unwrap();
        let vals = (def.read)(&d, Some(&zonal), &Vals::default());
        assert_eq!(
            (vals.get("availability mode"), vals.get("subnet"), vals.get("VPC")),
            ("zonal", "pub-a", "shop")
        );
        assert_eq!(
            (def.build)(&vals, &d, Some(zonal.clone())).unwrap(),
            zonal,
            "zonal round trip"
        );
        let Object::NatGateway(now) =
            (def.build)(&vals.with("availability mode", "regional"), &d, Some(zonal)).unwrap()
        else {
            panic!("not a NAT gateway");
        };
        assert!(now.is_regional());
        assert_eq!(
            (now.subnet, now.vpc.as_deref(), now.elastic_ip),
            (None, Some("shop"), None)
        );
    }

    #[test]
    fn gateway_endpoint_form_reads_and_builds_the_ip_address_type() {
        use super::kinds::object_def;
        let mut d = crate::create::templates::sample::three_tier();
        let def = object_def(ObjectKind::Endpoint);
        let dual = Object::Endpoint(Endpoint {
            name: "vpce-s3".into(),
            description: None,
            vpc: "shop".into(),
            service: "s3".into(),
            kind: EndpointKind::Gateway {
                route_tables: vec!["rt-app-a".into()],
                policy: None,
                ip_address_type: EndpointIpAddressType::Dualstack,
            },
            addresses: Vec::new(),
        });
        d.put(dual.clone());
        let vals = (def.read)(&d, Some(&dual), &Vals::default());
        assert_eq!(vals.get("IP address type"), "dualstack");
        assert_eq!((def.build)(&vals, &d, Some(dual.clone())).unwrap(), dual);
        let Object::Endpoint(v4) = (def.build)(&vals.with("IP address type", "ipv4"), &d, Some(dual)).unwrap() else {
            panic!("not an endpoint");
        };
        assert!(!v4.is_dualstack_gateway());
        // A new endpoint starts as IPv4, AWS's default.
        assert_eq!((def.read)(&d, None, &Vals::default()).get("IP address type"), "ipv4");
    }

    #[test]
    fn route_target_labels_round_trip() {
        for t in [
            RouteTarget::Local,
            RouteTarget::InternetGateway("igw".into()),
            RouteTarget::FirewallEndpoint("fw".into(), "us-east-1a".into()),
            RouteTarget::NatGateway("n".into()),
        ] {
            assert_eq!(parse_target_label(&target_label(&t)), Some(t));
        }
    }
}
