//! The objects one name stands for.

use super::ObjectRef;

/// The position of a nested name (a TGW route table or attachment, a
/// secondary interface), which maps to its owner.
pub(super) const NESTED: u32 = u32::MAX;

/// The objects one name stands for, with each one's position in its list
/// (`NESTED` for TGW route tables/attachments and secondary interfaces,
/// which map to their owner). Almost every name stands for one object,
/// held inline: a design's worth of names then costs no vectors to build
/// or free. Never empty; `Many` holds two or more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NameEntry {
    One(ObjectRef, u32),
    Many(Vec<ObjectRef>, Vec<u32>),
}

impl NameEntry {
    pub(super) fn refs(&self) -> &[ObjectRef] {
        match self {
            NameEntry::One(r, _) => std::slice::from_ref(r),
            NameEntry::Many(refs, _) => refs,
        }
    }

    pub(super) fn positions(&self) -> &[u32] {
        match self {
            NameEntry::One(_, p) => std::slice::from_ref(p),
            NameEntry::Many(_, positions) => positions,
        }
    }

    /// The refs, to rename.
    pub(super) fn refs_mut(&mut self) -> &mut [ObjectRef] {
        match self {
            NameEntry::One(r, _) => std::slice::from_mut(r),
            NameEntry::Many(refs, _) => refs,
        }
    }

    /// The refs, and their positions to change.
    pub(super) fn parts_mut(&mut self) -> (&[ObjectRef], &mut [u32]) {
        match self {
            NameEntry::One(r, p) => (std::slice::from_ref(r), std::slice::from_mut(p)),
            NameEntry::Many(refs, positions) => (refs, positions),
        }
    }

    /// Adds an object at `at` of the entry's order.
    pub(super) fn insert(&mut self, at: usize, r: ObjectRef, p: u32) {
        if let NameEntry::Many(refs, positions) = self {
            refs.insert(at, r);
            positions.insert(at, p);
            return;
        }
        let NameEntry::One(r0, p0) = std::mem::replace(self, NameEntry::Many(Vec::new(), Vec::new())) else {
            unreachable!("the entry was checked to hold one object")
        };
        let (mut refs, mut positions) = (vec![r0], vec![p0]);
        refs.insert(at, r);
        positions.insert(at, p);
        *self = NameEntry::Many(refs, positions);
    }

    /// Adds an object last.
    pub(super) fn push(&mut self, r: ObjectRef, p: u32) {
        self.insert(self.refs().len(), r, p);
    }

    /// Takes the `at`th object out; `false` (the entry unchanged) when it is
    /// the only one, and the whole entry is to go.
    pub(super) fn remove(&mut self, at: usize) -> bool {
        let NameEntry::Many(refs, positions) = self else {
            return false;
        };
        refs.remove(at);
        positions.remove(at);
        if refs.len() == 1 {
            if let (Some(r), Some(&p)) = (refs.pop(), positions.first()) {
                *self = NameEntry::One(r, p);
            }
        }
        true
    }
}
