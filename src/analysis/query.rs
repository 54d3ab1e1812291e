//! A trace query as people type it: five fields parsed into a
//! [`TraceQuery`] (errors name the field), the names an endpoint may be and
//! their completion, the ports worth suggesting, and the what-if failures a
//! design offers. The terminal UI's trace panel and `vpcd trace` both use it.

use super::{listening_ports, Failure, Query};
use crate::model::{Design, DesignIndex, EndpointKind, Protocol, TraceQuery, AWS_SERVICES};

/// The fields of a query, in the order they are typed.
pub const FIELDS: [&str; 5] = ["from", "to", "proto", "port", "sport"];

/// The protocols a query's `proto` field offers.
pub const PROTOCOLS: [&str; 5] = ["tcp", "udp", "icmp", "icmpv6", "all"];

/// Names a trace endpoint may be: the design's instances, secondary ENIs, NAT
/// gateways, load balancers, subnets and interface endpoints, plus
/// `internet`, `internet6`, `onprem:NAME` and the AWS services
/// ([`crate::analysis::Endpoint::parse`] accepts all of these).
pub fn endpoint_names(d: &Design) -> Vec<String> {
    let mut out: Vec<String> = vec!["internet".into(), "internet6".into()];
    out.extend(d.onprem_networks.iter().map(|n| format!("onprem:{}", n.name)));
    for i in &d.instances {
        out.push(i.name.clone());
        out.extend(i.secondary_interfaces.iter().map(|e| e.name.clone()));
    }
    out.extend(
        d.nat_gateways
            .iter()
            .filter(|n| !n.is_regional())
            .map(|n| n.name.clone()),
    );
    out.extend(d.load_balancers.iter().map(|l| l.name.clone()));
    out.extend(d.subnets.iter().map(|s| s.name.clone()));
    out.extend(
        d.endpoints
            .iter()
            .filter(|e| matches!(e.kind, EndpointKind::Interface { .. }))
            .map(|e| e.name.clone()),
    );
    out.extend(AWS_SERVICES.iter().map(|s| s.to_string()));
    for e in &d.endpoints {
        if !out.contains(&e.service) {
            out.push(e.service.clone());
        }
    }
    out
}

/// Candidates for `typed` among `names`: prefix matches first, then other substrings.
pub fn candidates(typed: &str, names: &[String]) -> Vec<String> {
    let t = typed.trim().to_ascii_lowercase();
    let mut prefix: Vec<String> = Vec::new();
    let mut inner: Vec<String> = Vec::new();
    for n in names {
        let l = n.to_ascii_lowercase();
        if l.starts_with(&t) {
            prefix.push(n.clone());
        } else if !t.is_empty() && l.contains(&t) {
            inner.push(n.clone());
        }
    }
    prefix.extend(inner);
    prefix
}

/// The longest prefix the candidates share (what Tab completes to first).
pub fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else {
        return String::new();
    };
    let mut len = first.len();
    for s in &items[1..] {
        len = len.min(
            first
                .char_indices()
                .zip(s.chars())
                .take_while(|((_, a), b)| a == b)
                .count(),
        );
    }
    first.chars().take(len).collect()
}

/// Destination ports worth offering for `to`: the ports it listens on (its
/// security groups and listeners), then the common ones.
pub fn port_suggestions(d: &Design, idx: &DesignIndex, to: &str) -> Vec<String> {
    let mut ports: Vec<String> = listening_ports(d, idx, to)
        .into_iter()
        .map(|(_, p)| p.to_string())
        .collect();
    for p in ["443", "80", "22", "3306", "5432", "8080"] {
        if !ports.iter().any(|x| x == p) {
            ports.push(p.to_string());
        }
    }
    ports
}

/// The common ports, in the order a default prefers them: services before SSH.
const COMMON_PORTS: [u16; 6] = [443, 80, 8080, 5432, 3306, 22];

/// The destination port an empty `port` field stands for: a port `to`
/// listens on for `proto` (its security groups and listeners) — the first
/// of the common ports it listens on, else its lowest — and 443 when it
/// listens on none.
pub fn default_port(d: &Design, idx: &DesignIndex, to: &str, proto: Protocol) -> u16 {
    let ports: Vec<u16> = listening_ports(d, idx, to)
        .into_iter()
        .filter(|(p, _)| *p == proto)
        .map(|(_, port)| port)
        .collect();
    COMMON_PORTS
        .into_iter()
        .find(|p| ports.contains(p))
        .or_else(|| ports.first().copied())
        .unwrap_or(443)
}

/// What an empty field stands for when the query runs — the grey text the
/// trace panel shows in it, so that what is shown is what Enter uses: `tcp`
/// for the protocol; for protocols with ports, the destination's
/// [`default_port`] and an ephemeral source port (the client's, chosen by the
/// engine); nothing for the endpoints, which have no default.
pub fn field_defaults(d: &Design, idx: &DesignIndex, values: &[String]) -> [String; 5] {
    let get = |i: usize| values.get(i).map(|v| v.trim()).unwrap_or("");
    let proto = if get(2).is_empty() { "tcp" } else { get(2) };
    // A protocol being typed (not yet valid) offers tcp's defaults.
    let proto = proto.parse::<Protocol>().unwrap_or(Protocol::Tcp);
    let (port, sport) = if proto.has_ports() {
        (default_port(d, idx, get(1), proto).to_string(), EPHEMERAL.to_string())
    } else {
        (String::new(), String::new())
    };
    [String::new(), String::new(), "tcp".into(), port, sport]
}

/// How an empty source-port field reads: the engine picks the client's
/// ephemeral port (see [`crate::analysis`]).
pub const EPHEMERAL: &str = "ephemeral";

/// The fields as they run: each empty field takes its [`field_defaults`]
/// value (the source port stays empty, which is how the engine's ephemeral
/// choice is asked for).
pub fn with_defaults(d: &Design, idx: &DesignIndex, values: &[String]) -> Vec<String> {
    let defaults = field_defaults(d, idx, values);
    (0..FIELDS.len())
        .map(|i| {
            let v = values.get(i).map(|v| v.trim()).unwrap_or("");
            if v.is_empty() && defaults[i] != EPHEMERAL {
                defaults[i].clone()
            } else {
                v.to_string()
            }
        })
        .collect()
}

/// Parses the five fields of a query ([`FIELDS`], as typed) into a query;
/// errors name the field.
pub fn parse_fields(values: &[String]) -> Result<TraceQuery, String> {
    let get = |i: usize| values.get(i).map(String::as_str).unwrap_or("");
    let from = get(0);
    let to = get(1);
    if from.is_empty() {
        return Err("from: a source is required (a name, IP, internet, onprem:NAME, s3 …)".into());
    }
    if to.is_empty() {
        return Err("to: a destination is required (a name, IP, internet, s3 …)".into());
    }
    let proto: Protocol = if get(2).is_empty() {
        Protocol::Tcp
    } else {
        get(2).parse().map_err(|e| format!("proto: {e}"))?
    };
    let port_of = |label: &str, s: &str| -> Result<Option<u16>, String> {
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<u16>()
            .map(Some)
            .map_err(|_| format!("{label}: `{s}` is not a port number (0-65535)"))
    };
    let port = port_of("port", get(3))?;
    let sport = port_of("sport", get(4))?;
    if proto.has_ports() && port.is_none() {
        return Err(format!("port: {proto} needs a destination port"));
    }
    Ok(TraceQuery {
        from: from.to_string(),
        to: to.to_string(),
        proto,
        port: if proto.has_ports() { port } else { None },
        sport: if proto.has_ports() { sport } else { None },
    })
}

/// `internet → web-1 tcp/443` (plus ` sport N`).
pub fn label(q: &TraceQuery) -> String {
    let mut s = Query::from(q).to_string();
    if let Some(sp) = q.sport {
        s.push_str(&format!(" sport {sp}"));
    }
    s
}

/// The what-if failures a design offers: AZs, NAT gateways, VPN connections
/// and their tunnels, Direct Connect links, peerings, internet gateways.
pub fn failure_choices(d: &Design) -> Vec<(String, String)> {
    let mut out = vec![("no failure: the design as it is".to_string(), String::new())];
    out.extend(d.azs.iter().map(|a| (format!("AZ {a} down"), format!("az:{a}"))));
    out.extend(
        d.nat_gateways
            .iter()
            .map(|n| (format!("NAT gateway {} fails", n.name), n.name.clone())),
    );
    for v in &d.vpn_connections {
        out.push((format!("VPN {} down (both tunnels)", v.name), v.name.clone()));
        out.push((format!("VPN {} tunnel 1 down", v.name), format!("{}:1", v.name)));
        out.push((format!("VPN {} tunnel 2 down", v.name), format!("{}:2", v.name)));
    }
    out.extend(
        d.dx_connections
            .iter()
            .map(|c| (format!("Direct Connect {} down", c.name), c.name.clone())),
    );
    out.extend(
        d.peerings
            .iter()
            .map(|p| (format!("peering {} down", p.name), p.name.clone())),
    );
    out.extend(
        d.internet_gateways
            .iter()
            .map(|g| (format!("internet gateway {} removed", g.name), g.name.clone())),
    );
    out
}

/// The failures named by `--fail` arguments or the what-if picker's values.
pub fn parse_failures(d: &Design, specs: &[String]) -> Vec<Failure> {
    specs.iter().map(|f| Failure::parse(d, f)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::templates::sample;

    fn fields(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn fields_parse_into_a_query_and_bad_input_names_the_field() {
        let q = parse_fields(&fields(&["internet", "web-1", "", "443", ""])).unwrap();
        assert_eq!(q.proto, Protocol::Tcp);
        assert_eq!(q.port, Some(443));
        assert!(parse_fields(&fields(&["", "web-1", "", "443", ""]))
            .unwrap_err()
            .starts_with("from:"));
        assert!(parse_fields(&fields(&["a", "b", "tcp", "99999", ""]))
            .unwrap_err()
            .starts_with("port:"));
        assert!(parse_fields(&fields(&["a", "b", "sctp", "1", ""]))
            .unwrap_err()
            .starts_with("proto:"));
        assert!(parse_fields(&fields(&["a", "b", "tcp", "", ""]))
            .unwrap_err()
            .contains("needs a destination port"));
        let icmp = parse_fields(&fields(&["a", "b", "icmp", "", ""])).unwrap();
        assert_eq!(icmp.port, None);
    }

    #[test]
    fn completion_offers_design_names_and_special_endpoints() {
        let d = sample::three_tier();
        let names = endpoint_names(&d);
        for n in [
            "internet",
            "internet6",
            "onprem:office",
            "s3",
            "dynamodb",
            "db-1",
            "nat-a",
            "app-a",
        ] {
            assert!(names.iter().any(|x| x == n), "{n} missing");
        }
        // Every offered design name parses as an endpoint (no dead completions).
        let idx = crate::model::DesignIndex::new(&d);
        for n in &names {
            assert!(
                crate::analysis::Endpoint::parse(&d, &idx, n).is_ok(),
                "{n} is offered but does not parse"
            );
        }
        assert_eq!(candidates("db", &names)[0], "db-1");
        assert!(candidates("on", &names).contains(&"onprem:office".to_string()));
        assert_eq!(common_prefix(&["web-1".into(), "web-2".into()]), "web-");
    }

    #[test]
    fn every_grey_default_is_the_value_an_empty_field_runs_with() {
        let d = sample::three_tier();
        let idx = crate::model::DesignIndex::new(&d);
        // db-1 listens on 5432 (sg-db): the port default follows the destination.
        let typed = fields(&["app-1", "db-1", "", "", ""]);
        let grey = field_defaults(&d, &idx, &typed);
        assert_eq!(grey[2], "tcp");
        assert_eq!(grey[3], "5432");
        assert_eq!(grey[4], EPHEMERAL);
        let run = with_defaults(&d, &idx, &typed);
        assert_eq!(run[2], grey[2]);
        assert_eq!(run[3], grey[3]);
        assert_eq!(run[4], "", "the engine picks the ephemeral source port");
        let q = parse_fields(&run).unwrap();
        assert_eq!((q.proto, q.port, q.sport), (Protocol::Tcp, Some(5432), None));
        // A destination that listens on nothing known: 443.
        assert_eq!(default_port(&d, &idx, "internet", Protocol::Tcp), 443);
        // web-1 listens on 80, 443 and 22: the default prefers 443.
        assert_eq!(default_port(&d, &idx, "web-1", Protocol::Tcp), 443);
        // app-1 listens on 8080 and 22 (SSH from the bastion): the service port.
        assert_eq!(default_port(&d, &idx, "app-1", Protocol::Tcp), 8080);
        // Only ports of the protocol asked for count: db-1 listens on tcp only.
        assert_eq!(default_port(&d, &idx, "db-1", Protocol::Udp), 443);
        // ICMP has no ports: no grey port, and none is used.
        let icmp = fields(&["app-1", "db-1", "icmp", "", ""]);
        assert_eq!(field_defaults(&d, &idx, &icmp)[3], "");
        assert_eq!(parse_fields(&with_defaults(&d, &idx, &icmp)).unwrap().port, None);
        // A typed value is never replaced.
        let typed = fields(&["app-1", "db-1", "udp", "53", "1234"]);
        assert_eq!(with_defaults(&d, &idx, &typed), typed);
    }
}
