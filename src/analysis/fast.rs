//! Small performance helpers: fast maps for the engine and a
//! longest-prefix-match table bucketed by prefix length.

use std::collections::HashMap;
use std::net::IpAddr;

use ipnet::IpNet;

/// The model's Fx-style map (one hasher for the whole crate, with the finishing
/// step that keeps names differing only at the end apart).
pub(crate) type FxMap<K, V> = crate::model::index::FxHashMap<K, V>;

pub(crate) fn fx_map<K, V>() -> FxMap<K, V> {
    HashMap::default()
}

/// Longest-prefix match over (prefix → values), one hash bucket per prefix
/// length, longest first. Values keep insertion order within a prefix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lpm<T> {
    v4: Vec<(u8, FxMap<u32, Vec<T>>)>,
    v6: Vec<(u8, FxMap<u128, Vec<T>>)>,
}

impl<T> Default for Lpm<T> {
    fn default() -> Self {
        Lpm {
            v4: Vec::new(),
            v6: Vec::new(),
        }
    }
}

fn mask4(a: u32, len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        a & (u32::MAX << (32 - u32::from(len)))
    }
}

fn mask6(a: u128, len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        a & (u128::MAX << (128 - u32::from(len)))
    }
}

impl<T: Clone> Lpm<T> {
    pub fn insert(&mut self, net: IpNet, value: T) {
        let len = net.prefix_len();
        match net {
            IpNet::V4(n) => {
                let key = mask4(u32::from(n.network()), len);
                let pos = match self.v4.iter().position(|(l, _)| *l == len) {
                    Some(p) => p,
                    None => {
                        self.v4.push((len, fx_map()));
                        self.v4.sort_by_key(|e| std::cmp::Reverse(e.0));
                        self.v4.iter().position(|(l, _)| *l == len).unwrap_or(0)
                    }
                };
                self.v4[pos].1.entry(key).or_default().push(value);
            }
            IpNet::V6(n) => {
                let key = mask6(u128::from(n.network()), len);
                let pos = match self.v6.iter().position(|(l, _)| *l == len) {
                    Some(p) => p,
                    None => {
                        self.v6.push((len, fx_map()));
                        self.v6.sort_by_key(|e| std::cmp::Reverse(e.0));
                        self.v6.iter().position(|(l, _)| *l == len).unwrap_or(0)
                    }
                };
                self.v6[pos].1.entry(key).or_default().push(value);
            }
        }
    }

    /// The values of the longest prefix containing `ip`.
    pub fn lookup(&self, ip: IpAddr) -> Option<&[T]> {
        match ip {
            IpAddr::V4(a) => {
                let a = u32::from(a);
                self.v4
                    .iter()
                    .find_map(|(len, m)| m.get(&mask4(a, *len)))
                    .map(Vec::as_slice)
            }
            IpAddr::V6(a) => {
                let a = u128::from(a);
                self.v6
                    .iter()
                    .find_map(|(len, m)| m.get(&mask6(a, *len)))
                    .map(Vec::as_slice)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lpm_prefers_the_longest_prefix_per_family() {
        let mut t = Lpm::default();
        t.insert("0.0.0.0/0".parse().unwrap(), 'd');
        t.insert("10.0.0.0/8".parse().unwrap(), 'a');
        t.insert("10.1.0.0/16".parse().unwrap(), 'b');
        t.insert("::/0".parse().unwrap(), '6');
        assert_eq!(t.lookup("10.1.2.3".parse().unwrap()), Some(&['b'][..]));
        assert_eq!(t.lookup("10.2.2.3".parse().unwrap()), Some(&['a'][..]));
        assert_eq!(t.lookup("8.8.8.8".parse().unwrap()), Some(&['d'][..]));
        assert_eq!(t.lookup("2001:db8::1".parse().unwrap()), Some(&['6'][..]));
        let empty: Lpm<char> = Lpm::default();
        assert_eq!(empty.lookup("1.1.1.1".parse().unwrap()), None);
    }
}
