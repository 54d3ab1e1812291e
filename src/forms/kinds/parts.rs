//! The forms of parts of an object: transit-gateway route tables,
//! attachments and routes, Direct Connect virtual interfaces.

use super::*;

/// Parts of an object with a form of their own: they live inside their
/// parent and are saved by putting the updated parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    TgwRouteTable,
    TgwAttachment,
    TgwRoute,
    DxVirtualInterface,
}

impl Part {
    pub const ALL: &'static [Part] = &[
        Part::TgwRouteTable,
        Part::TgwAttachment,
        Part::TgwRoute,
        Part::DxVirtualInterface,
    ];
    pub fn def(self) -> &'static FormDef {
        match self {
            Part::TgwRouteTable => &TGW_ROUTE_TABLE,
            Part::TgwAttachment => &TGW_ATTACHMENT,
            Part::TgwRoute => &TGW_ROUTE,
            Part::DxVirtualInterface => &DX_VIF,
        }
    }
    pub fn label(self) -> &'static str {
        self.def().noun
    }
    /// The parent kind and the label of the form's parent picker.
    pub fn parent(self) -> (ObjectKind, &'static str) {
        match self {
            Part::DxVirtualInterface => (ObjectKind::DxConnection, "connection"),
            _ => (ObjectKind::TransitGateway, "transit gateway"),
        }
    }
}

const KEEP_REMOVE: &[&str] = &["keep", "remove"];
fn keep_remove(_: &Design, _: &Vals) -> Vec<String> {
    strs(KEEP_REMOVE)
}
const EXISTING: Spec = pick("keep or remove", keep_remove);

fn tgw<'a>(d: &'a Design, v: &Vals) -> Option<&'a TransitGateway> {
    let n = v.get("transit gateway");
    d.transit_gateways.iter().find(|t| t.name == n)
}
fn tgw_tables(d: &Design, v: &Vals) -> Vec<String> {
    tgw(d, v)
        .map(|t| t.route_tables.iter().map(|r| r.name.clone()).collect())
        .unwrap_or_default()
}
fn tgw_tables_or_none(d: &Design, v: &Vals) -> Vec<String> {
    with_first(NONE, tgw_tables(d, v))
}
fn tgw_table_selector(d: &Design, v: &Vals) -> Vec<String> {
    with_first(NEW, tgw_tables(d, v))
}
fn tgw_attachments(d: &Design, v: &Vals) -> Vec<String> {
    tgw(d, v)
        .map(|t| t.attachments.iter().map(|a| a.name.clone()).collect())
        .unwrap_or_default()
}
fn tgw_attachment_selector(d: &Design, v: &Vals) -> Vec<String> {
    with_first(NEW, tgw_attachments(d, v))
}
fn tgw_attachment_types(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["vpc", "vpn", "dx-gateway", "peering"])
}
/// VPN connections that terminate on this transit gateway (their attachment).
fn tgw_vpns(d: &Design, v: &Vals) -> Vec<String> {
    let t = v.get("transit gateway");
    names(&d.vpn_connections, |c| {
        c.termination == VpnTermination::TransitGateway(t.to_string())
    })
}
/// Direct Connect gateways associated with this transit gateway.
fn tgw_dxgws(d: &Design, v: &Vals) -> Vec<String> {
    let t = v.get("transit gateway");
    names(&d.dx_gateways, |g| g.transit_gateway.as_deref() == Some(t))
}
fn other_tgws(d: &Design, v: &Vals) -> Vec<String> {
    let t = v.get("transit gateway");
    names(&d.transit_gateways, |x| x.name != t)
}
fn tgw_routes(d: &Design, v: &Vals) -> Vec<String> {
    let table = v.get("route table");
    with_first(
        NEW,
        tgw(d, v)
            .and_then(|t| t.route_table(table))
            .map(|t| t.routes.iter().map(|r| r.cidr.to_string()).collect::<Vec<_>>())
            .unwrap_or_default(),
    )
}
fn tgw_route_targets(d: &Design, v: &Vals) -> Vec<String> {
    let mut out = tgw_attachments(d, v);
    out.push("blackhole".into());
    out
}

/// Replaces, appends or removes one element of a part list.
fn upsert<T>(
    list: &mut Vec<T>,
    selected: &str,
    name_of: impl Fn(&T) -> String,
    item: T,
    remove: bool,
    what: &str,
) -> Result<(), String> {
    let new_name = name_of(&item);
    let at = list.iter().position(|x| name_of(x) == selected);
    if list
        .iter()
        .enumerate()
        .any(|(i, x)| name_of(x) == new_name && Some(i) != at)
    {
        return Err(format!("{what} {new_name} already exists here; pick another"));
    }
    match (at, remove) {
        (Some(i), true) => {
            list.remove(i);
        }
        (Some(i), false) => list[i] = item,
        (None, _) => list.push(item),
    }
    Ok(())
}

fn tgw_mut(v: &Vals, d: &Design) -> Result<TransitGateway, String> {
    tgw(d, v)
        .cloned()
        .ok_or("choose a transit gateway first (create one if the list is empty)".into())
}

pub(super) static TGW_ROUTE_TABLE: FormDef = FormDef {
    noun: "transit gateway route table",
    fields: &[
        pick("transit gateway", tgws),
        pick("route table", tgw_table_selector),
        NAME,
        EXISTING.unless("route table", &[NEW]),
    ],
    read: |d, _, v| {
        let table = v.get("route table");
        let existing = tgw(d, v).and_then(|t| t.route_table(table));
        v.clone()
            .with(
                "name",
                existing
                    .map(|t| t.name.clone())
                    .unwrap_or_else(|| fresh_part(tgw_tables(d, v), "tgw-rt")),
            )
            .with("keep or remove", "keep")
    },
    build: |v, d, _| {
        let mut t = tgw_mut(v, d)?;
        let selected = v.get("route table").to_string();
        let new_name = v.get("name").to_string();
        let old = t.route_table(&selected).cloned();
        let remove = v.get("keep or remove") == "remove";
        let item = TgwRouteTable {
            name: new_name.clone(),
            routes: old.map(|o| o.routes).unwrap_or_default(),
        };
        upsert(
            &mut t.route_tables,
            &selected,
            |x| x.name.clone(),
            item,
            remove,
            "route table",
        )?;
        // Renaming a table renames its uses inside the transit gateway.
        if selected != NEW && selected != new_name && !remove {
            let rename = |s: &mut String| {
                if *s == selected {
                    *s = new_name.clone()
                }
            };
            t.default_route_table.iter_mut().for_each(rename);
            for a in &mut t.attachments {
                a.association.iter_mut().for_each(rename);
                a.propagations.iter_mut().for_each(rename);
            }
        }
        Ok(Object::TransitGateway(t))
    },
    reload_on: &["transit gateway", "route table"],
};

fn fresh_part(taken: Vec<String>, base: &str) -> String {
    (1..)
        .map(|i| format!("{base}-{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| base.to_string())
}

pub(super) static TGW_ATTACHMENT: FormDef = FormDef {
    noun: "transit gateway attachment",
    fields: &[
        pick("transit gateway", tgws),
        pick("attachment", tgw_attachment_selector),
        NAME,
        pick("type", tgw_attachment_types),
        pick("VPC", vpcs)
            .when("type", &["vpc"])
            .codes(&["tgw-duplicate-vpc-attachment", "tgw-overlapping-vpcs"]),
        per_az("subnets", vpc_subnets).when("type", &["vpc"]).codes(&[
            "tgw-attachment-no-subnet",
            "tgw-attachment-subnet-other-vpc",
            "tgw-attachment-subnets-same-az",
            "tgw-az-coverage",
        ]),
        pick("VPN connection", tgw_vpns).when("type", &["vpn"]),
        pick("DX gateway", tgw_dxgws).when("type", &["dx-gateway"]),
        pick("peer TGW", other_tgws).when("type", &["peering"]),
        pick("association", tgw_tables_or_none).codes(&["tgw-route-table-other-tgw"]),
        multi("propagations", tgw_tables),
        pick("appliance mode", yes_no),
        // SecurityGroupReferencingSupport of a VPC attachment, on by default
        // (CreateTransitGatewayVpcAttachment); it counts only when the transit
        // gateway enables it too.
        pick("SG referencing", no_yes)
            .when("type", &["vpc"])
            .codes(&["sg-reference-stale"]),
        EXISTING.unless("attachment", &[NEW]),
    ],
    read: |d, _, v| {
        let t = tgw(d, v);
        let a = t.and_then(|t| t.attachment(v.get("attachment")));
        let mut out = v.clone().with("keep or remove", "keep");
        let Some(a) = a else {
            // A new attachment is associated with and propagates to the
            // default route table when the TGW has those defaults on (TGW docs).
            let default = t.and_then(|t| t.default_route_table.clone());
            let assoc = t.filter(|t| t.default_association).and(default.clone());
            let prop = t.filter(|t| t.default_propagation).and(default);
            return out
                .with("name", fresh_part(tgw_attachments(d, v), "tgw-att"))
                .with("type", "vpc")
                .with("association", assoc.unwrap_or(NONE.into()))
                .with_list("propagations", prop.into_iter().collect::<Vec<_>>())
                .with("appliance mode", "no")
                .with("SG referencing", "yes");
        };
        out = match &a.kind {
            TgwAttachmentKind::Vpc { vpc, subnets } => out
                .with("type", "vpc")
                .with("VPC", vpc.clone())
                .with_list("subnets", subnets.clone()),
            TgwAttachmentKind::Vpn { connection } => out.with("type", "vpn").with("VPN connection", connection.clone()),
            TgwAttachmentKind::DxGateway { dx_gateway } => {
                out.with("type", "dx-gateway").with("DX gateway", dx_gateway.clone())
            }
            TgwAttachmentKind::Peering { transit_gateway } => {
                out.with("type", "peering").with("peer TGW", transit_gateway.clone())
            }
        };
        out.with("name", a.name.clone())
            .with("association", a.association.clone().unwrap_or(NONE.into()))
            .with_list("propagations", a.propagations.clone())
            .with("appliance mode", yn(a.appliance_mode))
            .with("SG referencing", yn(a.sg_referencing))
    },
    build: |v, d, _| {
        let mut t = tgw_mut(v, d)?;
        let kind = match v.get("type") {
            "vpn" => TgwAttachmentKind::Vpn {
                connection: need(v, "VPN connection")?,
            },
            "dx-gateway" => TgwAttachmentKind::DxGateway {
                dx_gateway: need(v, "DX gateway")?,
            },
            "peering" => TgwAttachmentKind::Peering {
                transit_gateway: need(v, "peer TGW")?,
            },
            _ => TgwAttachmentKind::Vpc {
                vpc: need(v, "VPC")?,
                subnets: v.list("subnets"),
            },
        };
        let item = TgwAttachment {
            name: v.get("name").to_string(),
            kind,
            association: opt(v, "association", NONE),
            propagations: v.list("propagations"),
            appliance_mode: yes(v, "appliance mode"),
            // A hidden field (not a VPC attachment) keeps AWS's default.
            sg_referencing: v.get("SG referencing") != "no",
        };
        let remove = v.get("keep or remove") == "remove";
        upsert(
            &mut t.attachments,
            v.get("attachment"),
            |x| x.name.clone(),
            item,
            remove,
            "attachment",
        )?;
        Ok(Object::TransitGateway(t))
    },
    reload_on: &["transit gateway", "attachment"],
};

pub(super) static TGW_ROUTE: FormDef = FormDef {
    noun: "transit gateway route",
    fields: &[
        pick("transit gateway", tgws),
        pick("route table", tgw_tables),
        pick("route", tgw_routes),
        text("CIDR", Check::Cidr).codes(&["tgw-duplicate-static-route"]),
        pick("target", tgw_route_targets).codes(&["tgw-route-target-other-tgw"]),
        EXISTING.unless("route", &[NEW]),
    ],
    read: |d, _, v| {
        let route = tgw(d, v)
            .and_then(|t| t.route_table(v.get("route table")))
            .and_then(|t| t.routes.iter().find(|r| r.cidr.to_string() == v.get("route")));
        let out = v.clone().with("keep or remove", "keep");
        match route {
            Some(r) => out.with("CIDR", r.cidr.to_string()).with(
                "target",
                match &r.target {
                    TgwRouteTarget::Attachment(a) => a.clone(),
                    TgwRouteTarget::Blackhole => "blackhole".into(),
                },
            ),
            None => out.with("CIDR", ""),
        }
    },
    build: |v, d, _| {
        let mut t = tgw_mut(v, d)?;
        let table_name = need(v, "route table")?;
        let Some(table) = t.route_tables.iter_mut().find(|r| r.name == table_name) else {
            return Err(format!("route table {table_name} is not in this transit gateway"));
        };
        let cidr: IpNet = parse::<IpNet>(v, "CIDR")?.trunc();
        let target = match need(v, "target")?.as_str() {
            "blackhole" => TgwRouteTarget::Blackhole,
            a => TgwRouteTarget::Attachment(a.to_string()),
        };
        let remove = v.get("keep or remove") == "remove";
        upsert(
            &mut table.routes,
            v.get("route"),
            |r| r.cidr.to_string(),
            TgwRoute { cidr, target },
            remove,
            "a route to",
        )
        .map_err(|e| format!("{e} (AWS: RouteAlreadyExists)"))?;
        Ok(Object::TransitGateway(t))
    },
    reload_on: &["transit gateway", "route table", "route"],
};

fn dx<'a>(d: &'a Design, v: &Vals) -> Option<&'a DxConnection> {
    let n = v.get("connection");
    d.dx_connections.iter().find(|c| c.name == n)
}
fn dx_connections(d: &Design, _: &Vals) -> Vec<String> {
    names(&d.dx_connections, |_| true)
}
fn dx_vif_selector(d: &Design, v: &Vals) -> Vec<String> {
    with_first(
        NEW,
        dx(d, v)
            .map(|c| c.virtual_interfaces.iter().map(|i| i.name.clone()).collect::<Vec<_>>())
            .unwrap_or_default(),
    )
}
fn vif_kinds(_: &Design, _: &Vals) -> Vec<String> {
    strs(&["private", "transit", "public"])
}
/// A private VIF lands on a DX gateway or directly on a VGW; a transit VIF on a DX gateway.
fn vif_landings(d: &Design, v: &Vals) -> Vec<String> {
    let gws = d.dx_gateways.iter().map(|g| format!("dxgw:{}", g.name));
    if v.get("type") == "transit" {
        gws.collect()
    } else {
        gws.chain(d.vpn_gateways.iter().map(|g| format!("vgw:{}", g.name)))
            .collect()
    }
}

pub(super) static DX_VIF: FormDef = FormDef {
    noun: "Direct Connect virtual interface",
    fields: &[
        pick("connection", dx_connections),
        pick("interface", dx_vif_selector),
        NAME,
        pick("type", vif_kinds),
        text("VLAN", Check::Vlan).codes(&["dx-vif-duplicate-vlan"]),
        pick("lands on", vif_landings)
            .when("type", &["private", "transit"])
            .codes(&["dx-vif-target-invalid"]),
        EXISTING.unless("interface", &[NEW]),
    ],
    read: |d, _, v| {
        let c = dx(d, v);
        let vif = c.and_then(|c| c.virtual_interfaces.iter().find(|i| i.name == v.get("interface")));
        let out = v.clone().with("keep or remove", "keep");
        let Some(i) = vif else {
            let taken = c
                .map(|c| c.virtual_interfaces.iter().map(|i| i.name.clone()).collect())
                .unwrap_or_default();
            let vlan = c
                .and_then(|c| c.virtual_interfaces.iter().map(|i| i.vlan).max())
                .map_or(101, |m| m.saturating_add(1).min(4094));
            return out
                .with("name", fresh_part(taken, "vif"))
                .with("type", "private")
                .with("VLAN", vlan.to_string());
        };
        let landing = match (&i.dx_gateway, &i.vpn_gateway) {
            (Some(g), _) => format!("dxgw:{g}"),
            (None, Some(g)) => format!("vgw:{g}"),
            _ => String::new(),
        };
        out.with("name", i.name.clone())
            .with(
                "type",
                match i.kind {
                    VifKind::Private => "private",
                    VifKind::Transit => "transit",
                    VifKind::Public => "public",
                },
            )
            .with("VLAN", i.vlan.to_string())
            .with("lands on", landing)
    },
    build: |v, d, _| {
        let mut c = dx(d, v)
            .cloned()
            .ok_or("choose a Direct Connect connection first (create one if the list is empty)")?;
        let kind = match v.get("type") {
            "transit" => VifKind::Transit,
            "public" => VifKind::Public,
            _ => VifKind::Private,
        };
        let landing = if kind == VifKind::Public {
            String::new()
        } else {
            need(v, "lands on")?
        };
        let item = VirtualInterface {
            name: v.get("name").to_string(),
            kind,
            vlan: parse(v, "VLAN")?,
            dx_gateway: landing.strip_prefix("dxgw:").map(String::from),
            vpn_gateway: landing.strip_prefix("vgw:").map(String::from),
        };
        let remove = v.get("keep or remove") == "remove";
        upsert(
            &mut c.virtual_interfaces,
            v.get("interface"),
            |x| x.name.clone(),
            item,
            remove,
            "virtual interface",
        )?;
        Ok(Object::DxConnection(c))
    },
    reload_on: &["connection", "interface"],
};
