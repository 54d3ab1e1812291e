//! Query endpoints: what a `--from`/`--to` string names.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{QueryError, DEFAULT_INTERNET_V4, DEFAULT_INTERNET_V6};
use crate::model::index::EniOwner;
use crate::model::{Design, DesignIndex, EndpointKind, ObjectKind, AWS_SERVICES};

/// One end of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A network interface: an instance (its primary ENI), a named secondary
    /// ENI, a NAT gateway or an interface endpoint (its first ENI).
    Eni { name: String, owner: EniOwner },
    /// A load balancer: accepts on its listeners and opens new connections to its targets.
    LoadBalancer(String),
    /// Any host in a subnet (a hypothetical host with no security group).
    Subnet(String),
    /// A bare address, resolved during the trace to an ENI, a subnet host,
    /// an on-prem host or an internet host.
    Ip(IpAddr),
    /// A host on the internet.
    Internet(IpAddr),
    /// A host in a named on-premises network.
    OnPrem { network: String, ip: IpAddr },
    /// An AWS service (`s3`, `dynamodb`, or an interface-endpoint service such as `sqs`).
    Service(String),
}

impl Endpoint {
    /// Parses a query endpoint. Unknown names list close matches.
    pub fn parse(d: &Design, idx: &DesignIndex, s: &str) -> Result<Endpoint, QueryError> {
        // An imported design accepts each object's AWS id (`i-0abc…`) for its name.
        let s = d.resolve_name(s.trim());
        if s.is_empty() {
            return Err(QueryError::Invalid(s.into(), "an endpoint name is required".into()));
        }
        let lower = s.to_ascii_lowercase();
        if lower == "internet" {
            return Ok(Endpoint::Internet(default_v4()));
        }
        if lower == "internet6" {
            return Ok(Endpoint::Internet(default_v6()));
        }
        if let Some(rest) = lower
            .strip_prefix("internet:")
            .or_else(|| lower.strip_prefix("internet6:"))
        {
            let ip: IpAddr = rest
                .parse()
                .map_err(|_| QueryError::Invalid(s.into(), format!("`{rest}` is not an IP address")))?;
            if !is_public(ip) {
                return Err(QueryError::Invalid(
                    s.into(),
                    format!("{ip} is a private or reserved address; internet hosts have public addresses"),
                ));
            }
            return Ok(Endpoint::Internet(ip));
        }
        if let Some(rest) = s.strip_prefix("onprem:") {
            let (name, ip) = match rest.split_once(':') {
                Some((n, ip)) => (n, Some(ip)),
                None => (rest, None),
            };
            let Some(net) = idx.onprem_network(d, name) else {
                let names: Vec<String> = d.onprem_networks.iter().map(|n| n.name.clone()).collect();
                return Err(QueryError::UnknownName {
                    name: s.into(),
                    suggestions: closest_among(name, names.iter().map(String::as_str))
                        .into_iter()
                        .map(|n| format!("onprem:{n}"))
                        .collect(),
                });
            };
            let ip = match ip {
                Some(ip) => {
                    let ip: Ipv4Addr = ip
                        .parse()
                        .map_err(|_| QueryError::Invalid(s.into(), format!("`{ip}` is not an IPv4 address")))?;
                    if !net.cidrs.iter().any(|c| c.contains(&ip)) {
                        return Err(QueryError::Invalid(
                            s.into(),
                            format!("{ip} is not in on-prem network {name}"),
                        ));
                    }
                    ip
                }
                None => onprem_host(net).ok_or_else(|| {
                    QueryError::Invalid(s.into(), format!("on-prem network {name} has no CIDR blocks"))
                })?,
            };
            return Ok(Endpoint::OnPrem {
                network: net.name.clone(),
                ip: IpAddr::V4(ip),
            });
        }
        if let Ok(ip) = s.parse::<IpAddr>() {
            return Ok(Endpoint::Ip(ip));
        }
        let refs = idx.lookup(s);
        if let Some(r) = refs.first() {
            return match r.kind {
                ObjectKind::Instance => {
                    // The index, not a scan: the matrix and the diff parse every instance.
                    if idx.instance(d, s).is_some() {
                        Ok(Endpoint::Eni {
                            name: s.into(),
                            owner: EniOwner::Instance(s.into()),
                        })
                    } else {
                        Ok(Endpoint::Eni {
                            name: s.into(),
                            owner: EniOwner::SecondaryInterface(r.name.clone(), s.into()),
                        })
                    }
                }
                ObjectKind::NatGateway if idx.nat_gateway(d, s).is_some_and(|n| n.is_regional()) => {
                    Err(QueryError::Invalid(
                        s.into(),
                        "a regional NAT gateway has no interface in the design's subnets to trace from or to; trace from an instance routed through it".into(),
                    ))
                }
                ObjectKind::NatGateway => Ok(Endpoint::Eni {
                    name: s.into(),
                    owner: EniOwner::NatGateway(s.into()),
                }),
                ObjectKind::LoadBalancer => Ok(Endpoint::LoadBalancer(s.into())),
                ObjectKind::Subnet => Ok(Endpoint::Subnet(s.into())),
                ObjectKind::OnPremNetwork => Endpoint::parse(d, idx, &format!("onprem:{s}")),
                ObjectKind::Endpoint => {
                    let Some(ep) = idx.endpoint(d, s) else {
                        return Err(QueryError::Invalid(s.into(), "endpoint not found".into()));
                    };
                    match &ep.kind {
                        EndpointKind::Interface { subnets, .. } => match subnets.first() {
                            Some(sub) => Ok(Endpoint::Eni {
                                name: s.into(),
                                owner: EniOwner::Endpoint(s.into(), sub.clone()),
                            }),
                            None => Err(QueryError::Invalid(
                                s.into(),
                                "the interface endpoint has no subnet".into(),
                            )),
                        },
                        EndpointKind::GatewayLoadBalancer { subnet } => Ok(Endpoint::Eni {
                            name: s.into(),
                            owner: EniOwner::Endpoint(s.into(), subnet.clone()),
                        }),
                        EndpointKind::Gateway { .. } => Err(QueryError::NotAnEndpoint {
                            name: s.into(),
                            kind: "gateway endpoint".into(),
                            role: "trace endpoint",
                            why: format!(
                                "it has no address; trace to the service `{}` instead and the route through it is used",
                                ep.service
                            ),
                        }),
                    }
                }
                other => Err(QueryError::NotAnEndpoint {
                    name: s.into(),
                    kind: other.label().into(),
                    role: "trace endpoint",
                    why: "use an instance, ENI, load balancer, NAT gateway, interface endpoint, subnet, IP, \
                          internet, onprem:NAME or an AWS service"
                        .into(),
                }),
            };
        }
        if AWS_SERVICES.contains(&lower.as_str()) || d.endpoints.iter().any(|e| e.service == lower) {
            return Ok(Endpoint::Service(lower));
        }
        Err(QueryError::UnknownName {
            name: s.into(),
            suggestions: closest_names(d, idx, s),
        })
    }

    /// Whether this endpoint names an AWS service.
    pub fn is_service(&self) -> bool {
        matches!(self, Endpoint::Service(_))
    }
}

fn default_v4() -> IpAddr {
    DEFAULT_INTERNET_V4
        .parse()
        .unwrap_or(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)))
}

fn default_v6() -> IpAddr {
    DEFAULT_INTERNET_V6
        .parse()
        .unwrap_or(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0xffff, 0, 0, 0, 0, 7)))
}

/// The representative host of an on-prem network: the 10th address of its first block.
pub(crate) fn onprem_host(net: &crate::model::OnPremNetwork) -> Option<Ipv4Addr> {
    let c = net.cidrs.first()?;
    let base = u32::from(c.network());
    let size = 1u64 << (32 - u32::from(c.prefix_len()));
    let off = if size > 16 { 10 } else { (size / 2) as u32 };
    Some(Ipv4Addr::from(base.wrapping_add(off)))
}

/// Whether an address is routable on the internet (not private, shared,
/// loopback, link-local, documentation-reserved for IPv4 RFC 1918 etc.).
/// The documentation ranges (TEST-NET, 2001:db8::/32) count as public so
/// that examples work.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            !(a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || a.is_multicast()
                || crate::model::cidr::is_rfc6598(a))
        }
        IpAddr::V6(a) => {
            let seg0 = a.segments()[0];
            !(a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (seg0 & 0xfe00) == 0xfc00
                || (seg0 & 0xffc0) == 0xfe80)
        }
    }
}

/// A representative public address for an AWS service: inside its managed
/// prefix list for `s3`/`dynamodb`, else a fixed address per service.
pub(crate) fn service_address(d: &Design, service: &str) -> IpAddr {
    let pl = crate::model::index::prefix_list_cidrs(d, service);
    if let Some(ipnet::IpNet::V4(n)) = pl.first() {
        return IpAddr::V4(Ipv4Addr::from(u32::from(n.network()).wrapping_add(10)));
    }
    let i = AWS_SERVICES
        .iter()
        .position(|s| *s == service)
        .unwrap_or(AWS_SERVICES.len());
    IpAddr::V4(Ipv4Addr::new(44, 192, (i % 250) as u8, 10))
}

/// Up to three design names (and endpoint keywords) close to `s` by edit distance.
pub fn closest_names(d: &Design, idx: &DesignIndex, s: &str) -> Vec<String> {
    let mut extra: Vec<String> = vec!["internet".into(), "internet6".into()];
    extra.extend(AWS_SERVICES.iter().map(|s| s.to_string()));
    extra.extend(d.onprem_networks.iter().map(|n| format!("onprem:{}", n.name)));
    closest_among(s, idx.names().chain(extra.iter().map(String::as_str)))
}

pub(crate) fn closest_among<'a>(s: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let limit = (s.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, String)> = names
        .filter_map(|n| {
            let dist = edit_distance(&s.to_ascii_lowercase(), &n.to_ascii_lowercase());
            let prefix = n.starts_with(s) && !s.is_empty();
            (dist <= limit || prefix).then(|| (if prefix { dist.min(1) } else { dist }, n.to_string()))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::templates::sample::three_tier;

    #[test]
    fn parses_names_keywords_and_addresses() {
        let d = three_tier();
        let idx = DesignIndex::new(&d);
        assert!(matches!(Endpoint::parse(&d, &idx, "web-1"), Ok(Endpoint::Eni { .. })));
        assert!(matches!(Endpoint::parse(&d, &idx, "nat-a"), Ok(Endpoint::Eni { .. })));
        assert!(matches!(Endpoint::parse(&d, &idx, "app-a"), Ok(Endpoint::Subnet(_))));
        assert_eq!(
            Endpoint::parse(&d, &idx, "internet").unwrap(),
            Endpoint::Internet("198.51.100.7".parse().unwrap())
        );
        assert_eq!(
            Endpoint::parse(&d, &idx, "internet6").unwrap(),
            Endpoint::Internet("2001:db8:ffff::7".parse().unwrap())
        );
        assert!(matches!(
            Endpoint::parse(&d, &idx, "onprem:office"),
            Ok(Endpoint::OnPrem { .. })
        ));
        assert_eq!(Endpoint::parse(&d, &idx, "s3").unwrap(), Endpoint::Service("s3".into()));
        assert!(matches!(Endpoint::parse(&d, &idx, "10.0.20.10"), Ok(Endpoint::Ip(_))));
        assert!(Endpoint::parse(&d, &idx, "internet:10.0.0.1").is_err());
        assert!(matches!(
            Endpoint::parse(&d, &idx, "rt-public"),
            Err(QueryError::NotAnEndpoint { .. })
        ));
    }

    #[test]
    fn unknown_name_lists_close_matches() {
        let d = three_tier();
        let idx = DesignIndex::new(&d);
        match Endpoint::parse(&d, &idx, "web1") {
            Err(QueryError::UnknownName { suggestions, .. }) => {
                assert!(suggestions.contains(&"web-1".to_string()), "{suggestions:?}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("db-1", "db-1"), 0);
    }
}
