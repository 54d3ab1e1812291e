//! Following one inserted, removed or renamed object without a rebuild.
//!
//! An instance's interfaces sit in the middle of the interface list, so an
//! inserted or removed instance moves every later interface's position (a
//! cheap pass over the position tables), the automatic private addresses of
//! the subnets its interfaces are in (those subnets are numbered again) and,
//! when it has an auto-assigned public address, the public numbers of every
//! later interface and of the regional NAT gateways (one pass over the
//! interfaces that hold one). Kinds the index knows only by name and
//! position move only names and positions.

use std::collections::hash_map::Entry;
use std::net::Ipv4Addr;

use super::addresses::{auto_public_address, Pending};
use super::*;

/// Past this many later objects of its kind, an insertion or removal moves
/// their positions in one pass over every name rather than by a look-up each.
const FEW_LATER: usize = 256;

/// The order [`DesignIndex::new`] lists the objects of one name in (by kind,
/// then by position; the nested names after them).
fn name_rank(kind: ObjectKind) -> u8 {
    use ObjectKind::*;
    match kind {
        Vpc => 0,
        Subnet => 1,
        RouteTable => 2,
        InternetGateway => 3,
        EgressOnlyGateway => 4,
        NatGateway => 5,
        ElasticIp => 6,
        SecurityGroup => 7,
        NetworkAcl => 8,
        Instance => 9,
        LoadBalancer => 10,
        Peering => 11,
        Endpoint => 12,
        PrefixList => 13,
        VpnGateway => 14,
        CustomerGateway => 15,
        VpnConnection => 16,
        DxGateway => 17,
        DxConnection => 18,
        OnPremNetwork => 19,
        TransitGateway => 20,
        Firewall => 21,
        FlowLog => 22,
        EndpointService => 23,
    }
}

/// Kinds the index holds nothing about but their names and positions: no
/// interface, address or position table reads them.
fn names_only(kind: ObjectKind) -> bool {
    use ObjectKind::*;
    matches!(
        kind,
        Vpc | RouteTable
            | InternetGateway
            | EgressOnlyGateway
            | NetworkAcl
            | Peering
            | PrefixList
            | VpnGateway
            | CustomerGateway
            | VpnConnection
            | DxGateway
            | DxConnection
            | OnPremNetwork
            | FlowLog
            | EndpointService
    )
}

/// How many interfaces the instances before position `k` have: where the
/// interfaces of the instance at `k` start.
fn interfaces_before(d: &Design, k: usize) -> usize {
    d.instances[..k].iter().map(|i| 1 + i.secondary_interfaces.len()).sum()
}

impl NameEntry {
    /// Where the refs of `kind` at positions of at least `index` start (the
    /// nested refs come after every object's).
    fn place(&self, kind: ObjectKind, index: usize) -> usize {
        self.refs()
            .iter()
            .zip(self.positions())
            .position(|(r, p)| {
                *p == NESTED || name_rank(r.kind) > name_rank(kind) || (r.kind == kind && *p as usize >= index)
            })
            .unwrap_or(self.refs().len())
    }

    /// How many objects (not nested parts) of `kind` the name stands for.
    fn count(&self, kind: ObjectKind) -> usize {
        self.refs()
            .iter()
            .zip(self.positions())
            .filter(|(r, p)| **p != NESTED && r.kind == kind)
            .count()
    }
}

impl DesignIndex {
    /// Brings the index up to date after `d` gained one object at `index` of
    /// its kind's list, without a rebuild, when it can; returns `false` (the
    /// index unchanged) when the caller must rebuild with [`DesignIndex::new`].
    pub fn after_insert(&mut self, d: &Design, kind: ObjectKind, index: usize) -> bool {
        if index >= d.count(kind) {
            return false;
        }
        match kind {
            ObjectKind::Instance => self.instance_inserted(d, index),
            ObjectKind::SecurityGroup => {
                self.security_group_inserted(d, index);
                true
            }
            ObjectKind::Subnet => self.subnet_inserted(d, index),
            k if names_only(k) => {
                self.insert_name(d, k, index);
                true
            }
            _ => false,
        }
    }

    /// Brings the index up to date after `removed` was taken out of position
    /// `index` of its kind's list (`d` is the design after), as
    /// [`DesignIndex::after_insert`] does for an insertion.
    pub fn after_remove(&mut self, d: &Design, index: usize, removed: &Object) -> bool {
        let kind = removed.kind();
        if index > d.count(kind) || !self.holds(kind, removed.name(), index) {
            return false;
        }
        match removed {
            Object::Instance(i) => self.instance_removed(d, index, i),
            Object::SecurityGroup(g) => {
                self.security_group_removed(d, index, &g.name);
                true
            }
            Object::Subnet(s) => self.subnet_removed(d, index, s),
            o if names_only(o.kind()) => {
                self.remove_name(d, kind, index, o.name());
                true
            }
            _ => false,
        }
    }

    /// Brings the index up to date after the object now at `index` of its
    /// kind's list (`object`, as it is now) was renamed from `from`, every
    /// reference to it renamed with it, as [`DesignIndex::after_insert`]
    /// does for an insertion. Positions and addresses stay; names move: the
    /// object's own, its parts' owner, and the interfaces that name it.
    pub fn after_rename(&mut self, d: &Design, object: &Object, index: usize, from: &str) -> bool {
        let kind = object.kind();
        let to = object.name();
        // An Elastic IP's name decides which objects hold its address, and a
        // name that a dangling reference already held would now resolve:
        // those are rebuilt.
        if kind == ObjectKind::ElasticIp || self.by_name.contains_key(to) || index >= d.count(kind) {
            return false;
        }
        if !matches!(self.by_name.get(from), Some(NameEntry::One(r, p)) if r.kind == kind && *p as usize == index) {
            return false;
        }
        let parts = object.part_names();
        if parts.iter().any(|n| !self.by_name.contains_key(*n)) {
            return false;
        }
        let dangling = |e: &Eni| match kind {
            ObjectKind::Subnet => e.subnet == to || e.owner.subnet() == Some(to),
            ObjectKind::SecurityGroup => e.security_groups.iter().any(|g| g == to),
            _ => false,
        };
        if self.enis.iter().any(dangling) {
            return false;
        }
        self.by_name.remove(from);
        self.by_name
            .insert(to.to_string(), NameEntry::One(ObjectRef::new(kind, to), index as u32));
        for part in parts {
            if let Some(e) = self.by_name.get_mut(part) {
                for r in e.refs_mut().iter_mut().filter(|r| r.kind == kind && r.name == from) {
                    r.name = to.to_string();
                }
            }
        }
        for i in 0..self.enis.len() {
            let e = &self.enis[i];
            let owner = e.owner.renamed(kind, from, to);
            let subnet = kind == ObjectKind::Subnet && e.subnet == from;
            let group = kind == ObjectKind::SecurityGroup && e.security_groups.iter().any(|g| g == from);
            if let Some(owner) = owner {
                self.eni_by_owner.remove(&self.enis, i);
                self.enis[i].owner = owner;
                self.eni_by_owner.insert(&self.enis, i);
            }
            if subnet {
                self.enis[i].subnet = to.to_string();
            }
            if group {
                for g in self.enis[i].security_groups.iter_mut().filter(|g| *g == from) {
                    *g = to.to_string();
                }
            }
        }
        match kind {
            ObjectKind::Subnet => {
                for s in self.exhausted_subnets.iter_mut().filter(|s| *s == from) {
                    *s = to.to_string();
                }
                self.exhausted_subnets.sort();
            }
            ObjectKind::NatGateway => {
                for a in self.regional_nat_addresses.iter_mut().filter(|a| a.nat == from) {
                    a.nat = to.to_string();
                }
            }
            _ => {}
        }
        true
    }

    /// Whether the index lists `name` as the object of `kind` at `index`.
    fn holds(&self, kind: ObjectKind, name: &str, index: usize) -> bool {
        self.by_name.get(name).is_some_and(|e| {
            e.refs()
                .iter()
                .zip(e.positions())
                .any(|(r, p)| r.kind == kind && *p as usize == index)
        })
    }

    /// Moves the object of `kind` named `name` from position `from` to `to`.
    fn move_position(&mut self, name: &str, kind: ObjectKind, from: usize, to: usize) {
        if let Some(e) = self.by_name.get_mut(name) {
            let (refs, positions) = e.parts_mut();
            if let Some(p) = refs
                .iter()
                .zip(positions.iter_mut())
                .find(|(r, p)| r.kind == kind && **p as usize == from)
                .map(|(_, p)| p)
            {
                *p = to as u32;
            }
        }
    }

    /// Adds `r` at position `p` under `name`, at the place `place` picks in
    /// an entry the name already has.
    fn add_ref(&mut self, name: &str, r: ObjectRef, p: u32, place: impl FnOnce(&NameEntry) -> usize) {
        match self.by_name.entry(name.to_string()) {
            Entry::Vacant(v) => {
                v.insert(NameEntry::One(r, p));
            }
            Entry::Occupied(mut o) => {
                let e = o.get_mut();
                let at = place(e);
                e.insert(at, r, p);
            }
        }
    }

    /// Takes the first ref under `name` that `which` picks off (and the
    /// name, when it was its last).
    fn take_ref(&mut self, name: &str, which: impl Fn(&ObjectRef, u32) -> bool) {
        let Some(e) = self.by_name.get_mut(name) else {
            return;
        };
        let Some(at) = e.refs().iter().zip(e.positions()).position(|(r, p)| which(r, *p)) else {
            return;
        };
        if !e.remove(at) {
            self.by_name.remove(name);
        }
    }

    /// Lists the object at `index` of `kind`'s list under its name, and moves
    /// the later objects of the kind one position on.
    fn insert_name(&mut self, d: &Design, kind: ObjectKind, index: usize) {
        let later = d.count(kind) - index - 1;
        if later > FEW_LATER {
            self.shift_positions(kind, index, 1);
        } else {
            // Last first: each object moves to a position its successor has left.
            for j in (index + 1..d.count(kind)).rev() {
                if let Some(name) = d.name_at(kind, j) {
                    self.move_position(name, kind, j - 1, j);
                }
            }
        }
        let Some(name) = d.name_at(kind, index) else {
            return;
        };
        self.add_ref(name, ObjectRef::new(kind, name), index as u32, |e| e.place(kind, index));
    }

    /// Takes the object that was at `index` of `kind`'s list off its name's
    /// entry, and moves the later objects of the kind one position back.
    fn remove_name(&mut self, d: &Design, kind: ObjectKind, index: usize, name: &str) {
        self.take_ref(name, |r, p| r.kind == kind && p as usize == index);
        if d.count(kind) - index > FEW_LATER {
            self.shift_positions(kind, index + 1, -1);
        } else {
            // First first: each object moves to a position its predecessor has left.
            for j in index..d.count(kind) {
                if let Some(name) = d.name_at(kind, j) {
                    self.move_position(name, kind, j + 1, j);
                }
            }
        }
    }

    /// Moves every object of `kind` at a position of at least `from` by
    /// `delta`, in one pass over the names (cheaper than a look-up per moved
    /// object when many move).
    fn shift_positions(&mut self, kind: ObjectKind, from: usize, delta: i32) {
        let from = from as u32;
        for e in self.by_name.values_mut() {
            let (refs, positions) = e.parts_mut();
            for (r, p) in refs.iter().zip(positions.iter_mut()) {
                if r.kind == kind && *p != NESTED && *p >= from {
                    *p = p.wrapping_add_signed(delta);
                }
            }
        }
    }

    /// Whether an inserted or removed instance moves only what this module
    /// follows: its interfaces' owners are its own (no two of its secondary
    /// interfaces share a name), and no NAT gateway names its Elastic IP (the
    /// instance would decide whether that NAT gateway fails and has a public
    /// address).
    fn instance_is_followable(d: &Design, inst: &Instance) -> bool {
        let eip_shared = inst.elastic_ip.is_some() && d.nat_gateways.iter().any(|n| n.elastic_ip == inst.elastic_ip);
        let names = &inst.secondary_interfaces;
        let twice = names
            .iter()
            .enumerate()
            .any(|(k, e)| names[..k].iter().any(|o| o.name == e.name));
        !eip_shared && !twice
    }

    fn instance_inserted(&mut self, d: &Design, k: usize) -> bool {
        let inst = &d.instances[k];
        // A namesake shares the interfaces' owners (the later one wins the
        // owner map): rebuild.
        let namesake = self
            .by_name
            .get(&inst.name)
            .is_some_and(|e| e.count(ObjectKind::Instance) > 0);
        let start = interfaces_before(d, k);
        if namesake || !Self::instance_is_followable(d, inst) || start > self.enis.len() {
            return false;
        }
        self.insert_name(d, ObjectKind::Instance, k);
        for e in &inst.secondary_interfaces {
            self.insert_interface_name(d, k, &e.name, &inst.name);
        }

        let mut pending: Vec<Pending> = Vec::with_capacity(1 + inst.secondary_interfaces.len());
        self.instance_interfaces(d, inst, &mut pending);
        let n = pending.len();
        let auto = pending[0].takes_auto_public();
        let subnets: Vec<Option<usize>> = pending
            .iter()
            .map(|p| self.position(ObjectKind::Subnet, p.subnet))
            .collect();
        let new: Vec<Eni> = pending
            .into_iter()
            .map(|p| {
                let ip = p.fixed.unwrap_or(Ipv4Addr::UNSPECIFIED);
                let public = p.public;
                p.into_eni(ip, public)
            })
            .collect();
        self.shift_interfaces(start, n);
        self.enis.splice(start..start, new);
        for (t, s) in subnets.iter().enumerate() {
            let i = start + t;
            self.eni_by_owner.insert(&self.enis, i);
            let ip = self.enis[i].private_ip;
            if !ip.is_unspecified() {
                sorted_insert(&mut self.eni_by_ip, (ip, i as u32));
            }
            if let Some(s) = s {
                sorted_insert(&mut self.eni_by_subnet, (*s as u32, i as u32));
            }
            for pair in self.sg_pairs(i) {
                sorted_insert(&mut self.eni_by_sg, pair);
            }
        }
        if auto {
            let rank = self.auto_public.partition_point(|i| (*i as usize) < start);
            self.auto_public.insert(rank, start as u32);
            self.renumber_public(rank);
        }
        self.renumber_subnets(d, subnets);
        true
    }

    fn instance_removed(&mut self, d: &Design, k: usize, inst: &Instance) -> bool {
        let namesake = self
            .by_name
            .get(&inst.name)
            .is_some_and(|e| e.count(ObjectKind::Instance) > 1);
        let start = interfaces_before(d, k);
        let n = 1 + inst.secondary_interfaces.len();
        if namesake || !Self::instance_is_followable(d, inst) || start + n > self.enis.len() {
            return false;
        }
        // The interfaces there must be this instance's.
        let primary = matches!(&self.enis[start].owner, EniOwner::Instance(i) if *i == inst.name);
        let secondaries = inst.secondary_interfaces.iter().enumerate().all(|(t, e)| {
            matches!(&self.enis[start + 1 + t].owner,
                EniOwner::SecondaryInterface(i, x) if *i == inst.name && *x == e.name)
        });
        if !primary || !secondaries {
            return false;
        }
        let subnets: Vec<Option<usize>> = self.enis[start..start + n]
            .iter()
            .map(|e| self.position(ObjectKind::Subnet, &e.subnet))
            .collect();
        let auto_rank = self.auto_public.binary_search(&(start as u32)).ok();

        self.remove_name(d, ObjectKind::Instance, k, &inst.name);
        for e in &inst.secondary_interfaces {
            self.remove_interface_name(&e.name, &inst.name);
        }
        for i in start..start + n {
            self.eni_by_owner.remove(&self.enis, i);
        }
        self.enis.drain(start..start + n);
        self.drop_interfaces(start, n);
        if let Some(rank) = auto_rank {
            self.renumber_public(rank);
        }
        self.renumber_subnets(d, subnets);
        true
    }

    /// Lists secondary interface `eni` of the instance `owner` at position `k`
    /// under the interface's name: nested names follow the objects' and the
    /// transit gateways' parts, in instance order.
    fn insert_interface_name(&mut self, d: &Design, k: usize, eni: &str, owner: &str) {
        let place = |e: &NameEntry| {
            let first = e
                .refs()
                .iter()
                .zip(e.positions())
                .position(|(r, p)| *p == NESTED && r.kind == ObjectKind::Instance);
            match first {
                None => e.refs().len(),
                Some(first) => {
                    let earlier = d.instances[..k]
                        .iter()
                        .flat_map(|i| &i.secondary_interfaces)
                        .filter(|x| x.name == eni)
                        .count();
                    (first + earlier).min(e.refs().len())
                }
            }
        };
        self.add_ref(eni, ObjectRef::new(ObjectKind::Instance, owner), NESTED, place);
    }

    /// Takes secondary interface `eni` of instance `owner` off its name's entry.
    fn remove_interface_name(&mut self, eni: &str, owner: &str) {
        self.take_ref(eni, |r, p| {
            p == NESTED && r.kind == ObjectKind::Instance && r.name == owner
        });
    }

    /// A security group's position keys the interfaces that carry its name
    /// (the first group of a name stands for it): later groups' keys move on,
    /// and the interfaces carrying the name are keyed to the new group when it
    /// is now the first of its name.
    fn security_group_inserted(&mut self, d: &Design, k: usize) {
        let name = &d.security_groups[k].name;
        let first_before = self.position(ObjectKind::SecurityGroup, name);
        self.insert_name(d, ObjectKind::SecurityGroup, k);
        let key = k as u32;
        for (g, _) in &mut self.eni_by_sg {
            if *g >= key {
                *g += 1;
            }
        }
        let carriers: Vec<(u32, u32)> = match first_before {
            Some(old) if old < k => return,
            // A namesake after it was the first: its interfaces are this one's now.
            Some(old) => {
                let range = key_range(&self.eni_by_sg, old as u32 + 1);
                self.eni_by_sg.drain(range).map(|(_, i)| (key, i)).collect()
            }
            None => self
                .enis
                .iter()
                .enumerate()
                .filter(|(_, e)| e.security_groups.iter().any(|g| g == name))
                .map(|(i, _)| (key, i as u32))
                .collect(),
        };
        let at = self.eni_by_sg.partition_point(|(g, _)| *g < key);
        self.eni_by_sg.splice(at..at, carriers);
    }

    /// The reverse of [`DesignIndex::security_group_inserted`]: the removed
    /// group's interfaces go to the next group of its name, if any.
    fn security_group_removed(&mut self, d: &Design, k: usize, name: &str) {
        self.remove_name(d, ObjectKind::SecurityGroup, k, name);
        let key = k as u32;
        let range = key_range(&self.eni_by_sg, key);
        let carriers: Vec<u32> = self.eni_by_sg.drain(range).map(|(_, i)| i).collect();
        for (g, _) in &mut self.eni_by_sg {
            if *g > key {
                *g -= 1;
            }
        }
        if let (false, Some(next)) = (carriers.is_empty(), self.position(ObjectKind::SecurityGroup, name)) {
            let next = next as u32;
            let at = self.eni_by_sg.partition_point(|(g, _)| *g < next);
            self.eni_by_sg.splice(at..at, carriers.into_iter().map(|i| (next, i)));
        }
    }

    /// Whether a regional NAT gateway of `vpc` would gain or lose an AZ
    /// (and so addresses) if a subnet of `vpc` in `az` came or went: no
    /// other subnet of `d` (skipping position `skip`) is in that AZ.
    fn moves_regional_nat(d: &Design, vpc: &str, az: &str, skip: Option<usize>) -> bool {
        let regional = d
            .nat_gateways
            .iter()
            .any(|n| n.is_regional() && n.vpc.as_deref() == Some(vpc));
        regional
            && !d
                .subnets
                .iter()
                .enumerate()
                .any(|(j, s)| Some(j) != skip && s.vpc == vpc && s.az == az)
    }

    /// A new subnet: interfaces that named it before it existed are now in
    /// it and take its addresses. Declines when it takes the place of a
    /// namesake (every interface there would move), turns on automatic
    /// public addresses for an instance that named it, or gives a regional NAT
    /// gateway an AZ.
    fn subnet_inserted(&mut self, d: &Design, k: usize) -> bool {
        let subnet = &d.subnets[k];
        if Self::moves_regional_nat(d, &subnet.vpc, &subnet.az, Some(k)) {
            return false;
        }
        let first_before = self.position(ObjectKind::Subnet, &subnet.name);
        let dangling: Vec<u32> = match first_before {
            Some(old) if old < k => Vec::new(),
            Some(_) => return false,
            None => self
                .enis
                .iter()
                .enumerate()
                .filter(|(_, e)| e.subnet == subnet.name)
                .map(|(i, _)| i as u32)
                .collect(),
        };
        let turns_public = |i: &u32| {
            let e = &self.enis[*i as usize];
            matches!(e.owner, EniOwner::Instance(_)) && e.public_ip.is_none()
        };
        if subnet.map_public_ip && dangling.iter().any(turns_public) {
            return false;
        }
        self.insert_name(d, ObjectKind::Subnet, k);
        let key = k as u32;
        for (s, _) in &mut self.eni_by_subnet {
            if *s >= key {
                *s += 1;
            }
        }
        if first_before.is_none() {
            let at = self.eni_by_subnet.partition_point(|(s, _)| *s < key);
            self.eni_by_subnet
                .splice(at..at, dangling.into_iter().map(|i| (key, i)));
            self.renumber_subnet(d, k);
        }
        true
    }

    /// The reverse of [`DesignIndex::subnet_inserted`]: the interfaces in
    /// the removed subnet keep its name but lose their automatic addresses.
    fn subnet_removed(&mut self, d: &Design, k: usize, removed: &Subnet) -> bool {
        if Self::moves_regional_nat(d, &removed.vpc, &removed.az, None) {
            return false;
        }
        let Some(entry) = self.by_name.get(&removed.name) else {
            return false;
        };
        let first = self.position(ObjectKind::Subnet, &removed.name) == Some(k);
        let key = k as u32;
        let range = key_range(&self.eni_by_subnet, key);
        // Whether an instance had an automatic public address from the subnet's setting.
        let had_public = |(_, i): &(u32, u32)| {
            matches!(self.enis[*i as usize].owner, EniOwner::Instance(_)) && self.auto_public.binary_search(i).is_ok()
        };
        if first
            && (entry.count(ObjectKind::Subnet) > 1
                || (removed.map_public_ip && self.eni_by_subnet[range.clone()].iter().any(had_public)))
        {
            return false;
        }
        self.remove_name(d, ObjectKind::Subnet, k, &removed.name);
        let members: Vec<u32> = self.eni_by_subnet.drain(range).map(|(_, i)| i).collect();
        for (s, _) in &mut self.eni_by_subnet {
            if *s > key {
                *s -= 1;
            }
        }
        if first {
            let mut moved = Vec::new();
            for i in members {
                let e = &mut self.enis[i as usize];
                if !e.fixed && !e.private_ip.is_unspecified() {
                    moved.push((i as usize, e.private_ip, Ipv4Addr::UNSPECIFIED));
                    e.private_ip = Ipv4Addr::UNSPECIFIED;
                }
            }
            self.move_addresses(&moved);
            if let Ok(at) = self.exhausted_subnets.binary_search(&removed.name) {
                self.exhausted_subnets.remove(at);
            }
        }
        true
    }

    /// Moves the interfaces from `start` on `n` places on in every table that
    /// holds interface positions (before `n` interfaces are inserted there).
    /// The order of each sorted table is kept: the shift is monotonic.
    fn shift_interfaces(&mut self, start: usize, n: usize) {
        let (start32, n32) = (start as u32, n as u32);
        let shift = |i: &mut u32| {
            if *i >= start32 {
                *i += n32;
            }
        };
        self.eni_by_owner.positions_mut().for_each(shift);
        self.eni_by_ip.iter_mut().for_each(|(_, i)| shift(i));
        self.eni_by_subnet.iter_mut().for_each(|(_, i)| shift(i));
        self.eni_by_sg.iter_mut().for_each(|(_, i)| shift(i));
        self.auto_public.iter_mut().for_each(shift);
    }

    /// Drops the interfaces `start..start + n` (already taken out of `enis`
    /// and the owner map) from the position tables and moves the later ones
    /// back.
    fn drop_interfaces(&mut self, start: usize, n: usize) {
        let (start32, end32, n32) = (start as u32, (start + n) as u32, n as u32);
        let gone = |i: u32| (start32..end32).contains(&i);
        let back = |i: &mut u32| {
            if *i >= end32 {
                *i -= n32;
            }
        };
        self.eni_by_owner.positions_mut().for_each(back);
        for table in [&mut self.eni_by_subnet, &mut self.eni_by_sg] {
            table.retain(|(_, i)| !gone(*i));
            table.iter_mut().for_each(|(_, i)| back(i));
        }
        self.eni_by_ip.retain(|(_, i)| !gone(*i));
        self.eni_by_ip.iter_mut().for_each(|(_, i)| back(i));
        self.auto_public.retain(|i| !gone(*i));
        self.auto_public.iter_mut().for_each(back);
    }

    /// Numbers the auto-assigned public addresses again from the `rank`th
    /// interface that holds one on, then the regional NAT gateways' (which
    /// follow every interface's in the pool).
    fn renumber_public(&mut self, rank: usize) {
        for (t, i) in self.auto_public.iter().enumerate().skip(rank) {
            self.enis[*i as usize].public_ip = Some(auto_public_address(t as u32 + 1));
        }
        let base = self.auto_public.len() as u32;
        for (j, a) in self.regional_nat_addresses.iter_mut().enumerate() {
            a.public_ip = auto_public_address(base + j as u32 + 1);
        }
    }

    /// Assigns the automatic private addresses of each of these subnets
    /// (positions; `None`, an interface in no subnet of the design, is
    /// skipped) again, as [`DesignIndex::assign_addresses`] does, and
    /// updates the address table and the exhausted subnets.
    fn renumber_subnets(&mut self, d: &Design, mut subnets: Vec<Option<usize>>) {
        subnets.sort_unstable();
        subnets.dedup();
        for s in subnets.into_iter().flatten() {
            self.renumber_subnet(d, s);
        }
    }

    fn renumber_subnet(&mut self, d: &Design, s: usize) {
        let members: Vec<usize> = equal_range(&self.eni_by_subnet, s as u32)
            .iter()
            .map(|(_, i)| *i as usize)
            .collect();
        let mut fixed: Vec<Ipv4Addr> = members
            .iter()
            .filter(|i| self.enis[**i].fixed)
            .map(|i| self.enis[*i].private_ip)
            .collect();
        fixed.sort_unstable();
        let cidr = d.subnets[s].cidr;
        let mut next = 0u64;
        let mut exhausted = false;
        let mut moved: Vec<(usize, Ipv4Addr, Ipv4Addr)> = Vec::new();
        for i in members {
            if self.enis[i].fixed {
                continue;
            }
            let mut found = None;
            while let Some(ip) = cidr::nth_usable(cidr, next) {
                next += 1;
                if fixed.binary_search(&ip).is_err() {
                    found = Some(ip);
                    break;
                }
            }
            let ip = found.unwrap_or_else(|| {
                exhausted = true;
                Ipv4Addr::UNSPECIFIED
            });
            let old = self.enis[i].private_ip;
            if ip != old {
                self.enis[i].private_ip = ip;
                moved.push((i, old, ip));
            }
        }
        self.move_addresses(&moved);
        let name = &d.subnets[s].name;
        match (self.exhausted_subnets.binary_search(name), exhausted) {
            (Err(at), true) => self.exhausted_subnets.insert(at, name.clone()),
            (Ok(at), false) => {
                self.exhausted_subnets.remove(at);
            }
            _ => {}
        }
    }

    /// Updates the address table for interfaces whose private address moved
    /// (interface, old, new).
    fn move_addresses(&mut self, moved: &[(usize, Ipv4Addr, Ipv4Addr)]) {
        // A few moves are patched in place; many (a subnet numbered again
        // from its start) are cheaper as one pass and one sort.
        if moved.len() <= 8 {
            for (i, old, new) in moved {
                if !old.is_unspecified() {
                    if let Ok(at) = self.eni_by_ip.binary_search(&(*old, *i as u32)) {
                        self.eni_by_ip.remove(at);
                    }
                }
                if !new.is_unspecified() {
                    sorted_insert(&mut self.eni_by_ip, (*new, *i as u32));
                }
            }
            return;
        }
        let mut gone: Vec<(Ipv4Addr, u32)> = moved
            .iter()
            .filter(|(_, old, _)| !old.is_unspecified())
            .map(|(i, old, _)| (*old, *i as u32))
            .collect();
        gone.sort_unstable();
        self.eni_by_ip.retain(|p| gone.binary_search(p).is_err());
        let mut added: Vec<(Ipv4Addr, u32)> = moved
            .iter()
            .filter(|(_, _, new)| !new.is_unspecified())
            .map(|(i, _, new)| (*new, *i as u32))
            .collect();
        added.sort_unstable();
        merge_sorted(&mut self.eni_by_ip, &added);
    }
}

/// The entries of a sorted pair table whose key is `key`.
fn key_range(table: &[(u32, u32)], key: u32) -> std::ops::Range<usize> {
    let start = table.partition_point(|(k, _)| *k < key);
    let len = table[start..].partition_point(|(k, _)| *k == key);
    start..start + len
}

/// Merges the sorted `added` into the sorted `table`, from the back: each
/// entry of the table moves once.
fn merge_sorted<T: Ord + Copy>(table: &mut Vec<T>, added: &[T]) {
    let (mut i, mut j) = (table.len(), added.len());
    table.extend_from_slice(added);
    let mut k = table.len();
    while j > 0 {
        k -= 1;
        if i > 0 && table[i - 1] > added[j - 1] {
            table[k] = table[i - 1];
            i -= 1;
        } else {
            table[k] = added[j - 1];
            j -= 1;
        }
    }
}

/// Inserts `item` into a sorted table, keeping it sorted.
fn sorted_insert<T: Ord>(table: &mut Vec<T>, item: T) {
    let at = table.partition_point(|x| *x < item);
    table.insert(at, item);
}
