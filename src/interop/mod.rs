//! Infrastructure as code, both ways: the design written as Terraform or
//! CloudFormation, and the AWS CLI's `describe-*` JSON both ways ([`aws`]):
//! import a real account's network, export a design as AWS would describe it.
//!
//! Everything here is pure: it turns a [`Design`](crate::model::Design) into
//! file texts, or file texts into a design; the CLI and the designer write the
//! files (atomically, nothing partial).

pub mod aws;
pub mod cloudformation;
pub mod terraform;

use std::collections::{HashMap, HashSet};

use crate::model::{Design, Protocol};

/// Identifiers for a design's objects in generated code: derived from the
/// design's names (`web-1` → `web_1`), unique, stable for a given design.
#[derive(Debug, Default)]
pub(crate) struct Labels {
    by_name: HashMap<String, String>,
    taken: HashSet<String>,
}

impl Labels {
    /// Labels for every name of a design, in file order, so the same design
    /// always gets the same labels.
    pub(crate) fn for_design(d: &Design, style: LabelStyle) -> Labels {
        let mut l = Labels::default();
        for r in d.object_refs() {
            l.add(&r.name, style);
        }
        for t in &d.transit_gateways {
            for rt in &t.route_tables {
                l.add(&rt.name, style);
            }
            for a in &t.attachments {
                l.add(&a.name, style);
            }
        }
        for i in &d.instances {
            for eni in &i.secondary_interfaces {
                l.add(&eni.name, style);
            }
        }
        l
    }

    fn add(&mut self, name: &str, style: LabelStyle) {
        if self.by_name.contains_key(name) {
            return;
        }
        let base = style.apply(name);
        let mut label = base.clone();
        let mut n = 2;
        while self.taken.contains(&label) {
            label = format!("{base}{}{n}", style.separator());
            n += 1;
        }
        self.taken.insert(label.clone());
        self.by_name.insert(name.to_string(), label);
    }

    /// The label of a design name (names not in the design get one made on the spot).
    pub(crate) fn of(&self, name: &str) -> String {
        self.by_name
            .get(name)
            .cloned()
            .unwrap_or_else(|| LabelStyle::Snake.apply(name))
    }
}

/// How identifiers are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LabelStyle {
    /// Terraform: letters, digits and underscores, not starting with a digit.
    Snake,
    /// CloudFormation logical ids: ASCII letters and digits only.
    Pascal,
}

impl LabelStyle {
    fn separator(self) -> &'static str {
        match self {
            LabelStyle::Snake => "_",
            LabelStyle::Pascal => "",
        }
    }

    pub(crate) fn apply(self, name: &str) -> String {
        match self {
            LabelStyle::Snake => {
                let mut s: String = name
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
                    .collect();
                if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
                    s.insert(0, '_');
                }
                s
            }
            LabelStyle::Pascal => {
                let mut s = String::new();
                for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
                    let mut chars = part.chars();
                    if let Some(first) = chars.next() {
                        s.push(first.to_ascii_uppercase());
                        s.extend(chars);
                    }
                }
                if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
                    s.insert(0, 'X');
                }
                s
            }
        }
    }
}

/// The EC2 API's protocol string for a security-group rule (`IpProtocol`):
/// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` for all, or the number.
pub(crate) fn ec2_protocol(p: Protocol) -> String {
    match p {
        Protocol::Tcp => "tcp".into(),
        Protocol::Udp => "udp".into(),
        Protocol::Icmp => "icmp".into(),
        Protocol::Icmpv6 => "icmpv6".into(),
        Protocol::All => "-1".into(),
        Protocol::Number(n) => n.to_string(),
    }
}

/// The protocol of a network ACL entry as the EC2 API takes it: a number, or
/// `-1` for all (`CreateNetworkAclEntry`, `Protocol`).
pub(crate) fn nacl_protocol(p: Protocol) -> String {
    match p.number() {
        Some(n) => n.to_string(),
        None => "-1".into(),
    }
}

/// Text allowed in a security group's (and its rules') description: AWS
/// accepts `a-z A-Z 0-9 . _ - : / ( ) # , @ [ ] + = & ; { } ! $ *` and spaces
/// (EC2 API, `CreateSecurityGroup`, `GroupDescription`); anything else becomes `-`.
pub(crate) fn sg_description(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(255)
        .collect();
    if s.trim().is_empty() {
        "Managed by vpcd".into()
    } else {
        s
    }
}

/// A name an Elastic Load Balancing resource accepts: at most 32 letters,
/// digits and hyphens, not starting or ending with a hyphen (ELB API,
/// `CreateLoadBalancer`, `Name`; the same for target groups).
pub(crate) fn elb_name(name: &str, suffix: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let room = 32usize.saturating_sub(suffix.len());
    s.truncate(room);
    s.push_str(suffix);
    let s = s.trim_matches('-').to_string();
    let s = s.strip_prefix("internal-").map(str::to_string).unwrap_or(s);
    if s.is_empty() {
        "lb".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_identifiers_and_unique() {
        let mut d = Design::empty("x", "us-east-1", &["us-east-1a"]);
        for o in Design::new_vpc_objects("a-b", "10.0.0.0/16".parse().unwrap()) {
            d.put(o);
        }
        for o in Design::new_vpc_objects("a_b", "10.1.0.0/16".parse().unwrap()) {
            d.put(o);
        }
        let l = Labels::for_design(&d, LabelStyle::Snake);
        assert_eq!(l.of("a-b"), "a_b");
        assert_eq!(l.of("a_b"), "a_b_2");
        assert_eq!(LabelStyle::Snake.apply("1st"), "_1st");
        assert_eq!(LabelStyle::Pascal.apply("web-1"), "Web1");
    }

    #[test]
    fn names_aws_would_refuse_are_adjusted() {
        // CreateSecurityGroup: "Constraints: ... cannot start with sg-".
        assert_eq!(elb_name("alb_web.public", "-tg"), "alb-web-public-tg");
        assert!(elb_name(&"x".repeat(40), "-tg").len() <= 32);
        assert_eq!(sg_description("ssh «office»"), "ssh -office-");
    }
}
