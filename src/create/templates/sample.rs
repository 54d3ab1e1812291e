//! The built-in sample design, shipped as `assets/samples/three-tier.ron`.

use crate::model::Design;

/// The sample's file text, compiled into the binary so `vpcd` opens it anywhere.
pub const THREE_TIER_RON: &str = include_str!("../../../assets/samples/three-tier.ron");

/// The three-tier sample: two AZs, `web-1`, `web-2`, `app-1`, `app-2`, `db-1`
/// and `bastion`, an IGW, a NAT gateway per AZ, SGs that reference each other and NACLs.
pub fn three_tier() -> Design {
    crate::io::parse(THREE_TIER_RON, "assets/samples/three-tier.ron").expect("the bundled sample parses (tested)")
}

#[cfg(test)]
mod tests {
    #[test]
    fn sample_parses_and_has_the_named_instances() {
        let d = super::three_tier();
        for name in ["web-1", "web-2", "app-1", "app-2", "db-1", "bastion"] {
            assert!(d.instances.iter().any(|i| i.name == name), "{name}");
        }
    }
}
