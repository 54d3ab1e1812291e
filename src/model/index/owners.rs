//! Interface positions by owner.

use std::hash::{Hash, Hasher};

use hashbrown::HashTable;

use super::hash::FxHasher;
use super::{Eni, EniOwner};

/// The position in [`super::DesignIndex::enis`] of each owner's interface,
/// hashed and compared through the interfaces themselves: a map keyed by
/// owner held a copy of every owner's names (two strings per interface on a
/// 120,000-instance design, built and freed with every index).
///
/// Every method takes the interface list the positions point into, as it is
/// at the time of the call.
#[derive(Debug, Clone, Default)]
pub(super) struct OwnerTable(HashTable<u32>);

fn hash(owner: &EniOwner) -> u64 {
    let mut h = FxHasher::default();
    owner.hash(&mut h);
    h.finish()
}

impl OwnerTable {
    pub(super) fn get(&self, enis: &[Eni], owner: &EniOwner) -> Option<usize> {
        self.0
            .find(hash(owner), |&p| enis[p as usize].owner == *owner)
            .map(|&p| p as usize)
    }

    pub(super) fn reserve(&mut self, enis: &[Eni], additional: usize) {
        self.0.reserve(additional, |&p| hash(&enis[p as usize].owner));
    }

    /// Enters interface `i` (already at `enis[i]`) under its owner; an owner
    /// entered before is moved to `i`, as a map's insert would.
    pub(super) fn insert(&mut self, enis: &[Eni], i: usize) {
        let owner = &enis[i].owner;
        let entry = self.0.entry(
            hash(owner),
            |&p| enis[p as usize].owner == *owner,
            |&p| hash(&enis[p as usize].owner),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(mut e) => *e.get_mut() = i as u32,
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(i as u32);
            }
        }
    }

    /// Takes out the owner of interface `i` (still at `enis[i]`) when `i` is
    /// the position held for it.
    pub(super) fn remove(&mut self, enis: &[Eni], i: usize) {
        let owner = &enis[i].owner;
        if let Ok(e) = self.0.find_entry(hash(owner), |&p| p as usize == i) {
            e.remove();
        }
    }

    /// Every position held, to move.
    pub(super) fn positions_mut(&mut self) -> impl Iterator<Item = &mut u32> {
        self.0.iter_mut()
    }
}

/// Equal when they hold the same positions (the interfaces they point into
/// are compared with the rest of the index).
impl PartialEq for OwnerTable {
    fn eq(&self, other: &Self) -> bool {
        let sorted = |t: &Self| {
            let mut v: Vec<u32> = t.0.iter().copied().collect();
            v.sort_unstable();
            v
        };
        self.0.len() == other.0.len() && sorted(self) == sorted(other)
    }
}

impl Eq for OwnerTable {}
