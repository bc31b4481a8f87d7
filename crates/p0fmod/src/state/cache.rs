//! A bounded map with an age order: a hash map from keys to slots of a slab, the slots
//! linked from oldest to newest. O(1) lookup, insert, removal and "move to newest", no
//! per-operation allocation once the slab has grown, no `unsafe`.
//!
//! The hash map uses hashbrown's default hasher (foldhash), seeded at random per process:
//! the keys (addresses and ports) are chosen by whoever sends the packets.

use std::hash::Hash;

use hashbrown::HashMap;

const NIL: u32 = u32::MAX;

/// Index of a slot in an [`AgeMap`]. Valid until that entry is removed.
pub type Slot = u32;

struct Node<K, V> {
    key: K,
    value: Option<V>,
    older: u32,
    newer: u32,
}

/// A map whose entries are kept in age order (oldest first).
pub struct AgeMap<K, V> {
    index: HashMap<K, Slot>,
    nodes: Vec<Node<K, V>>,
    free: Vec<Slot>,
    oldest: u32,
    newest: u32,
}

impl<K: Hash + Eq + Copy, V> Default for AgeMap<K, V> {
    fn default() -> Self {
        AgeMap {
            index: HashMap::new(),
            nodes: Vec::new(),
            free: Vec::new(),
            oldest: NIL,
            newest: NIL,
        }
    }
}

impl<K: Hash + Eq + Copy, V> AgeMap<K, V> {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The slot of a key.
    pub fn find(&self, key: &K) -> Option<Slot> {
        self.index.get(key).copied()
    }

    /// The value in a slot. Panics on a free slot: slots are only held while valid.
    pub fn get(&self, slot: Slot) -> &V {
        self.nodes[slot as usize]
            .value
            .as_ref()
            .expect("slot in use")
    }

    /// The value in a slot, mutably.
    pub fn get_mut(&mut self, slot: Slot) -> &mut V {
        self.nodes[slot as usize]
            .value
            .as_mut()
            .expect("slot in use")
    }

    /// The key of a slot.
    pub fn key(&self, slot: Slot) -> &K {
        &self.nodes[slot as usize].key
    }

    /// Inserts a new entry as the newest. The key must not be present.
    pub fn insert(&mut self, key: K, value: V) -> Slot {
        let node = Node {
            key,
            value: Some(value),
            older: self.newest,
            newer: NIL,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.nodes[slot as usize] = node;
                slot
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as Slot
            }
        };
        self.link_newest(slot);
        self.index.insert(key, slot);
        slot
    }

    /// Removes an entry and returns its value.
    pub fn remove(&mut self, slot: Slot) -> V {
        self.unlink(slot);
        let node = &mut self.nodes[slot as usize];
        let value = node.value.take().expect("slot in use");
        let key = node.key;
        self.index.remove(&key);
        self.free.push(slot);
        value
    }

    /// Makes an entry the newest.
    pub fn touch(&mut self, slot: Slot) {
        if self.newest != slot {
            self.unlink(slot);
            self.link_newest(slot);
        }
    }

    /// The oldest entry.
    pub fn oldest(&self) -> Option<Slot> {
        (self.oldest != NIL).then_some(self.oldest)
    }

    /// The next newer entry after `slot`.
    pub fn newer(&self, slot: Slot) -> Option<Slot> {
        let n = self.nodes[slot as usize].newer;
        (n != NIL).then_some(n)
    }

    /// Bytes of heap held by the map's own structures (not by the values' own heap data).
    pub fn structure_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node<K, V>>()
            + self.free.capacity() * std::mem::size_of::<Slot>()
            + self.index.capacity() * (std::mem::size_of::<(K, Slot)>() + 1)
    }

    fn link_newest(&mut self, slot: Slot) {
        let node = &mut self.nodes[slot as usize];
        node.older = self.newest;
        node.newer = NIL;
        if self.newest != NIL {
            self.nodes[self.newest as usize].newer = slot;
        } else {
            self.oldest = slot;
        }
        self.newest = slot;
    }

    fn unlink(&mut self, slot: Slot) {
        let (older, newer) = {
            let n = &self.nodes[slot as usize];
            (n.older, n.newer)
        };
        if older != NIL {
            self.nodes[older as usize].newer = newer;
        } else {
            self.oldest = newer;
        }
        if newer != NIL {
            self.nodes[newer as usize].older = older;
        } else {
            self.newest = older;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(m: &AgeMap<u32, u32>) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cur = m.oldest();
        while let Some(s) = cur {
            out.push(*m.key(s));
            cur = m.newer(s);
        }
        out
    }

    #[test]
    fn keeps_age_order_through_touch_and_remove() {
        let mut m = AgeMap::default();
        let a = m.insert(1, 10);
        let _b = m.insert(2, 20);
        let c = m.insert(3, 30);
        assert_eq!(order(&m), [1, 2, 3]);
        m.touch(a);
        assert_eq!(order(&m), [2, 3, 1]);
        assert_eq!(m.remove(c), 30);
        assert_eq!(order(&m), [2, 1]);
        assert_eq!(m.find(&3), None);
        let d = m.insert(4, 40);
        assert_eq!(d, c, "a freed slot is reused");
        assert_eq!(order(&m), [2, 1, 4]);
        assert_eq!(*m.get(m.find(&2).unwrap()), 20);
        assert_eq!(m.len(), 3);
    }

    proptest::proptest! {
        #[test]
        fn matches_a_model(ops in proptest::collection::vec((0u8..3, 0u32..16), 0..200)) {
            let mut m = AgeMap::default();
            let mut model: Vec<u32> = Vec::new();
            for (op, key) in ops {
                match (op, m.find(&key)) {
                    (0, None) => { m.insert(key, key * 2); model.push(key); }
                    (1, Some(s)) => { assert_eq!(m.remove(s), key * 2); model.retain(|k| *k != key); }
                    (2, Some(s)) => { m.touch(s); model.retain(|k| *k != key); model.push(key); }
                    _ => {}
                }
                proptest::prop_assert_eq!(order(&m), model.clone());
            }
        }
    }
}
