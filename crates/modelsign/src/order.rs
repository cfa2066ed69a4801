//! Python `PurePosixPath` ordering of relative paths.
//!
//! `model_signing` sorts its manifest with Python's `PurePosixPath` comparison: the paths are
//! split into components and the component lists are compared lexicographically, each
//! component by Unicode code point. That is not a plain string sort: `/` (0x2F) sorts after
//! `-` (0x2D) and `.` (0x2E) as a character, but a shorter first component wins as a
//! component, so `a/x` < `a-b/g` < `a-b.txt`. UTF-8 byte order equals code point order, so
//! comparing the components as Rust strings is exact.

use std::cmp::Ordering;

/// Compares two normalised relative POSIX paths (`/`-separated, no empty or `.` components)
/// the way Python's `PurePosixPath` does, so manifests and container IDs come out in the
/// exact order `model_signing` uses.
///
/// ```
/// use std::cmp::Ordering;
/// use aigov_modelsign::cmp_posix_paths;
/// assert_eq!(cmp_posix_paths("a/x", "a-b/g"), Ordering::Less);
/// assert_eq!(cmp_posix_paths("a-b/g", "a-b.txt"), Ordering::Less);
/// ```
pub fn cmp_posix_paths(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reference: what CPython does, literally. A path is a list of `str` components; lists
    /// compare lexicographically and `str`s compare by code point.
    fn reference(a: &str, b: &str) -> Ordering {
        let parts = |s: &str| -> Vec<Vec<u32>> {
            s.split('/')
                .map(|c| c.chars().map(u32::from).collect())
                .collect()
        };
        parts(a).cmp(&parts(b))
    }

    #[test]
    fn component_order_is_not_string_order() {
        let mut v = vec!["a-b.txt", "a-b/g", "a/x"];
        v.sort_by(|a, b| cmp_posix_paths(a, b));
        assert_eq!(v, ["a/x", "a-b/g", "a-b.txt"]);
        // A plain string sort gets it wrong, which is why this module exists.
        let mut s = vec!["a-b.txt", "a-b/g", "a/x"];
        s.sort();
        assert_eq!(s, ["a-b.txt", "a-b/g", "a/x"]);
    }

    #[test]
    fn prefix_component_sorts_first() {
        assert_eq!(cmp_posix_paths("a", "a/b"), Ordering::Less);
        assert_eq!(cmp_posix_paths("a/b", "a.b"), Ordering::Less);
        assert_eq!(cmp_posix_paths("A", "a"), Ordering::Less);
        assert_eq!(cmp_posix_paths("z", "é"), Ordering::Less);
        assert_eq!(cmp_posix_paths("x/y", "x/y"), Ordering::Equal);
    }

    fn component() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(vec![
                'a', 'b', 'A', '0', '-', '.', '_', ' ', '~', 'é', 'ÿ', 'Ā', '一', '😀',
            ]),
            1..4,
        )
        .prop_map(|cs| cs.into_iter().collect::<String>())
        .prop_filter("`.` is not a normalised component", |c| c != ".")
    }

    fn path() -> impl Strategy<Value = String> {
        proptest::collection::vec(component(), 1..4).prop_map(|cs| cs.join("/"))
    }

    proptest! {
        #[test]
        fn matches_component_wise_reference(a in path(), b in path()) {
            prop_assert_eq!(cmp_posix_paths(&a, &b), reference(&a, &b));
        }

        #[test]
        fn sorting_matches_reference(mut v in proptest::collection::vec(path(), 0..20)) {
            let mut r = v.clone();
            v.sort_by(|a, b| cmp_posix_paths(a, b));
            r.sort_by(|a, b| reference(a, b));
            prop_assert_eq!(v, r);
        }
    }
}
