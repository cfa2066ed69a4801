//! The activity log's Merkle tree, hashed exactly as RFC 6962 / RFC 9162 specify
//! (`leaf = SHA-256(0x00 || data)`, `node = SHA-256(0x01 || left || right)`), so standard
//! transparency-log tooling can check its inclusion and consistency proofs.
//!
//! The chain keeps only a [Frontier] (the roots of the perfect subtrees, at most 64) in state,
//! which is enough to append and to compute the root; proofs are built from the leaf hashes.

use crate::codec::{BoundedVec, Hash};
use crate::codec_struct;
use serde::{Deserialize, Serialize};

/// `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    Hash::digest(&[&[0x00], data])
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Hash::digest(&[&[0x01], &left.0, &right.0])
}

/// The root of an empty tree: `SHA-256("")`.
pub fn empty_root() -> Hash {
    Hash::digest(&[])
}

/// Largest power of two strictly less than `n` (`n >= 2`).
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The root of the tree over `leaves` (leaf hashes).
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n as u64) as usize;
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The audit path for leaf `index` in the tree over `leaves` (RFC 6962 §2.1.1), or `None` if
/// `index` is out of range.
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Option<Vec<Hash>> {
    if index >= leaves.len() as u64 {
        return None;
    }
    fn path(m: usize, d: &[Hash], out: &mut Vec<Hash>) {
        if d.len() <= 1 {
            return;
        }
        let k = split(d.len() as u64) as usize;
        if m < k {
            path(m, &d[..k], out);
            out.push(root(&d[k..]));
        } else {
            path(m - k, &d[k..], out);
            out.push(root(&d[..k]));
        }
    }
    let mut out = Vec::new();
    path(index as usize, leaves, &mut out);
    Some(out)
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && r == *root
}

/// The consistency proof between the tree of the first `old_size` leaves and the tree of all
/// `leaves` (RFC 6962 §2.1.2), or `None` unless `0 < old_size <= leaves.len()`.
pub fn consistency_proof(leaves: &[Hash], old_size: u64) -> Option<Vec<Hash>> {
    if old_size == 0 || old_size > leaves.len() as u64 {
        return None;
    }
    fn sub(m: usize, d: &[Hash], complete: bool, out: &mut Vec<Hash>) {
        if m == d.len() {
            if !complete {
                out.push(root(d));
            }
            return;
        }
        let k = split(d.len() as u64) as usize;
        if m <= k {
            sub(m, &d[..k], complete, out);
            out.push(root(&d[k..]));
        } else {
            sub(m - k, &d[k..], false, out);
            out.push(root(&d[..k]));
        }
    }
    let mut out = Vec::new();
    sub(old_size as usize, leaves, true, &mut out);
    Some(out)
}

/// Checks a consistency proof (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size == 0 || old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if proof.is_empty() {
        return false;
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let (mut fnode, mut snode) = (old_size - 1, new_size - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    fr == *old_root && sr == *new_root && snode == 0
}

/// The log's compact state: its size and the roots of its perfect subtrees, largest first.
/// Enough to append a leaf and to compute the root in O(log n).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frontier {
    /// Number of leaves.
    pub size: u64,
    /// Perfect-subtree roots, from the leftmost (largest) to the rightmost (smallest).
    pub peaks: BoundedVec<Hash, 64>,
}
codec_struct!(Frontier { size, peaks });

impl Frontier {
    /// Appends a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut peaks = self.peaks.as_slice().to_vec();
        peaks.push(leaf);
        // Merge while the two rightmost subtrees have equal size, i.e. once per trailing one bit
        // of the old size.
        let mut size = self.size;
        while size & 1 == 1 {
            let right = peaks.pop().unwrap_or_default();
            let left = peaks.pop().unwrap_or_default();
            peaks.push(node_hash(&left, &right));
            size >>= 1;
        }
        self.size += 1;
        // At most 64 peaks for a u64 size, so this always fits.
        self.peaks = BoundedVec::new(peaks).unwrap_or_default();
    }

    /// The tree root.
    pub fn root(&self) -> Hash {
        let mut iter = self.peaks.as_slice().iter().rev();
        let Some(last) = iter.next() else {
            return empty_root();
        };
        iter.fold(*last, |acc, p| node_hash(p, &acc))
    }
}

/// The body of a C2SP `tlog-checkpoint`: origin line, size, base64 root, each newline-terminated.
pub fn checkpoint_body(origin: &str, size: u64, root: &Hash) -> String {
    format!(
        "{origin}\n{size}\n{}\n",
        crate::crypto::base64_engine::encode(&root.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(&(i as u64).to_be_bytes()))
            .collect()
    }

    #[test]
    fn frontier_matches_recursive_root() {
        let mut f = Frontier::default();
        assert_eq!(f.root(), empty_root());
        let all = leaves(70);
        for (i, l) in all.iter().enumerate() {
            f.push(*l);
            assert_eq!(f.root(), root(&all[..=i]), "size {}", i + 1);
            assert_eq!(f.peaks.len() as u32, (i as u64 + 1).count_ones());
        }
    }

    #[test]
    fn inclusion_proofs_verify_and_reject_tampering() {
        for n in 1..40usize {
            let l = leaves(n);
            let r = root(&l);
            for i in 0..n as u64 {
                let p = inclusion_proof(&l, i).unwrap();
                assert!(
                    verify_inclusion(i, n as u64, &l[i as usize], &p, &r),
                    "n={n} i={i}"
                );
                let wrong = leaf_hash(b"other");
                assert!(!verify_inclusion(i, n as u64, &wrong, &p, &r));
                if n > 1 {
                    assert!(!verify_inclusion(
                        (i + 1) % n as u64,
                        n as u64,
                        &l[i as usize],
                        &p,
                        &r
                    ));
                }
            }
            assert!(inclusion_proof(&l, n as u64).is_none());
        }
    }

    #[test]
    fn consistency_proofs_verify_and_reject_tampering() {
        for n in 1..34usize {
            let l = leaves(n);
            let new_root = root(&l);
            for m in 1..=n {
                let old_root = root(&l[..m]);
                let p = consistency_proof(&l, m as u64).unwrap();
                assert!(
                    verify_consistency(m as u64, n as u64, &old_root, &new_root, &p),
                    "m={m} n={n}"
                );
                if m < n {
                    assert!(!verify_consistency(
                        m as u64,
                        n as u64,
                        &leaf_hash(b"x"),
                        &new_root,
                        &p
                    ));
                    assert!(!verify_consistency(
                        m as u64,
                        n as u64,
                        &old_root,
                        &leaf_hash(b"x"),
                        &p
                    ));
                }
            }
        }
    }

    #[test]
    fn rfc6962_known_root() {
        // The empty-tree root is SHA-256 of the empty string.
        assert_eq!(
            empty_root().to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // Leaf hash of the empty string, from the RFC 6962 test vectors.
        assert_eq!(
            leaf_hash(b"").to_string(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }
}
