//! PrivateLink endpoint services: the provider side of a VPC endpoint.
//!
//! A provider puts a Network Load Balancer (or a Gateway Load Balancer) behind
//! an endpoint service; consumers in other VPCs — overlapping CIDRs allowed,
//! other accounts allowed — create endpoints to it (PrivateLink guide, "Share
//! your services through AWS PrivateLink"). Traffic flows consumer → provider
//! only: the provider cannot open connections to the consumer.

use serde::{Deserialize, Serialize};

/// The state of one consumer endpoint's connection as the provider sees it
/// (`DescribeVpcEndpointConnections`, `VpcEndpointState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum EndpointConnectionState {
    /// Waiting for the provider to accept (acceptance required).
    #[default]
    PendingAcceptance,
    Available,
    Rejected,
}

impl EndpointConnectionState {
    /// AWS's spelling (`pendingAcceptance`, `available`, `rejected`).
    pub fn aws(self) -> &'static str {
        match self {
            EndpointConnectionState::PendingAcceptance => "pendingAcceptance",
            EndpointConnectionState::Available => "available",
            EndpointConnectionState::Rejected => "rejected",
        }
    }

    /// Reads AWS's spelling (case-insensitive; `pending` counts as pending acceptance).
    pub fn from_aws(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "pendingacceptance" | "pending" => Some(EndpointConnectionState::PendingAcceptance),
            "available" => Some(EndpointConnectionState::Available),
            "rejected" | "deleted" | "deleting" | "expired" | "failed" => Some(EndpointConnectionState::Rejected),
            _ => None,
        }
    }
}

/// A consumer endpoint's connection, recorded on the provider's service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointConnection {
    /// The consumer's endpoint (a design endpoint whose `service` is this service).
    pub endpoint: String,
    /// The account that owns the consumer endpoint (`VpcEndpointOwner`);
    /// `None` is the design's own account, the service owner's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default)]
    pub state: EndpointConnectionState,
}

/// An endpoint service (`CreateVpcEndpointServiceConfiguration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointService {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The Network Load Balancer or Gateway Load Balancer behind the service.
    /// The service is offered in that load balancer's Availability Zones.
    pub load_balancer: String,
    /// Whether the provider must accept each endpoint connection (AWS default: true).
    #[serde(default = "super::vpc::yes")]
    pub acceptance_required: bool,
    /// Principals allowed to create endpoints: `*`, an account id, or an IAM ARN
    /// (`arn:aws:iam::111122223333:root`). The service owner's own account is
    /// always allowed; an empty list admits no other account (PrivateLink guide,
    /// "Manage permissions": by default a service is not available to consumers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_principals: Vec<String>,
    /// Connections the provider has seen: their owners and states.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<EndpointConnection>,
    /// A private DNS name consumers' endpoints answer for (verified by the provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_dns_name: Option<String>,
}

impl EndpointService {
    pub fn new(name: impl Into<String>, load_balancer: impl Into<String>) -> Self {
        EndpointService {
            name: name.into(),
            description: None,
            load_balancer: load_balancer.into(),
            acceptance_required: true,
            allowed_principals: Vec::new(),
            connections: Vec::new(),
            private_dns_name: None,
        }
    }

    /// The connection record of consumer endpoint `endpoint`, if the provider has one.
    pub fn connection(&self, endpoint: &str) -> Option<&EndpointConnection> {
        self.connections.iter().find(|c| c.endpoint == endpoint)
    }

    /// The state of `endpoint`'s connection: as recorded, else accepted
    /// automatically when the service does not require acceptance, else
    /// pending (PrivateLink guide, "Accept or reject connection requests").
    pub fn connection_state(&self, endpoint: &str) -> EndpointConnectionState {
        match self.connection(endpoint) {
            Some(c) => c.state,
            None if !self.acceptance_required => EndpointConnectionState::Available,
            None => EndpointConnectionState::PendingAcceptance,
        }
    }

    /// The account owning consumer endpoint `endpoint` (`None`: the design's own account).
    pub fn consumer_account(&self, endpoint: &str) -> Option<&str> {
        self.connection(endpoint).and_then(|c| c.owner.as_deref())
    }

    /// Whether `account` (`None`: the service owner's own account) may create an
    /// endpoint to this service: `*`, the account id itself, or an ARN of that
    /// account (`arn:aws:iam::ACCOUNT:root`, `…:role/x`, `…:user/x`).
    pub fn principal_allowed(&self, account: Option<&str>) -> bool {
        let Some(account) = account else {
            return true;
        };
        self.allowed_principals.iter().any(|p| {
            p == "*" || p == account || {
                let rest = p
                    .strip_prefix("arn:aws:iam::")
                    .or_else(|| p.strip_prefix("arn:aws-us-gov:iam::"));
                rest.and_then(|r| r.split_once(':'))
                    .is_some_and(|(acct, _)| acct == account)
            }
        })
    }
}

impl super::Design {
    /// Whether `endpoint` is a Gateway Load Balancer endpoint: a route target of
    /// its own, allowed in an internet gateway's edge route table (VPC guide,
    /// "Gateway route tables"), unlike a gateway endpoint whose routes AWS adds.
    pub fn is_gwlb_endpoint(&self, endpoint: &str) -> bool {
        self.endpoints
            .iter()
            .any(|e| e.name == endpoint && matches!(e.kind, super::EndpointKind::GatewayLoadBalancer { .. }))
    }

    /// Whether a Gateway Load Balancer (not a Network Load Balancer) is behind
    /// `service`: its API field is `GatewayLoadBalancerArns` (PrivateLink guide,
    /// "Create an endpoint service").
    pub fn is_gwlb_service(&self, service: &EndpointService) -> bool {
        self.load_balancers
            .iter()
            .any(|l| l.name == service.load_balancer && l.kind == super::LoadBalancerKind::Gateway)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acceptance_required_leaves_a_new_connection_pending() {
        let mut s = EndpointService::new("svc", "nlb");
        assert_eq!(s.connection_state("vpce-a"), EndpointConnectionState::PendingAcceptance);
        s.acceptance_required = false;
        assert_eq!(s.connection_state("vpce-a"), EndpointConnectionState::Available);
        s.connections.push(EndpointConnection {
            endpoint: "vpce-a".into(),
            owner: None,
            state: EndpointConnectionState::Rejected,
        });
        assert_eq!(s.connection_state("vpce-a"), EndpointConnectionState::Rejected);
    }

    #[test]
    fn principals_match_account_ids_arns_and_the_wildcard() {
        let mut s = EndpointService::new("svc", "nlb");
        assert!(s.principal_allowed(None), "the owner's own account");
        assert!(!s.principal_allowed(Some("111122223333")));
        s.allowed_principals = vec!["arn:aws:iam::111122223333:root".into()];
        assert!(s.principal_allowed(Some("111122223333")));
        assert!(!s.principal_allowed(Some("444455556666")));
        s.allowed_principals = vec!["*".into()];
        assert!(s.principal_allowed(Some("444455556666")));
    }

    #[test]
    fn connection_states_read_aws_spelling() {
        for st in [
            EndpointConnectionState::PendingAcceptance,
            EndpointConnectionState::Available,
            EndpointConnectionState::Rejected,
        ] {
            assert_eq!(EndpointConnectionState::from_aws(st.aws()), Some(st));
        }
        assert_eq!(EndpointConnectionState::from_aws("bogus"), None);
    }
}
