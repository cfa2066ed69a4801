//! Size and shape limits checked on the raw policy text before Cedar sees it.
//!
//! Cedar's parser, validator and evaluator recurse over the expression tree. Deep nesting in a
//! 16 KiB text (a few hundred `(`) overflows a 2 MiB thread stack inside the parser, which aborts
//! the process: on a validator that is a remote halt. Cedar's validator and evaluator also stop
//! with a "recursion limit" error when the *remaining* stack is short, so how deep a policy may be
//! would otherwise depend on each node's thread stack: two validators could disagree. A lexical
//! pass therefore bounds the nesting before any Cedar code runs, and [`crate::TemplatePolicy`]
//! runs Cedar with a guaranteed amount of stack, far above what the bounded trees need.

use crate::error::PolicyError;

/// Largest accepted policy text, in bytes.
///
/// A template is stored and gossiped in a transaction and evaluated on every node: 16 KiB holds
/// dozens of commented red lines and keeps parsing and validation in the tens of milliseconds.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;

/// Most policies (red lines) in one template.
///
/// Evaluation cost grows with the number of policies; 64 is several times what the frontier
/// safety frameworks define per model.
pub const MAX_POLICIES: usize = 64;

/// Deepest bracket nesting (`(`, `[`, `{`) accepted.
///
/// Each level costs Cedar's parser about 10 KiB of stack in an optimised build (200 levels
/// overflow a 2 MiB stack). Real red lines nest four or five deep.
pub const MAX_NESTING: usize = 16;

/// Largest bound on expression depth accepted for one policy.
///
/// The bound is computed from tokens alone: along any bracket path, the operators (`&&`, `==`,
/// `.`, `!`, `if`, `has`, …) at each level plus one per bracket, two-character operators counting
/// twice. It over-approximates the depth of the tree Cedar builds, which its validator and
/// evaluator recurse over. The example templates stay under 30; the costliest text at the limit
/// (a chain of 88 `+`) needs about 0.5 MiB of stack to compile and evaluate.
pub const MAX_EXPR_DEPTH: usize = 96;

/// Keywords that make an expression node.
const KEYWORD_OPS: &[&str] = &["if", "then", "else", "in", "has", "like", "is"];

/// One open bracket: where it is, and what has been counted inside it so far.
struct Frame {
    ops: usize,
    deepest_child: usize,
}

/// Line and column (1-based, columns in characters) of a byte offset in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut line = 1;
    let mut column = 1;
    for (i, c) in text.char_indices() {
        if i >= offset {
            break;
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

/// Where a Cedar string literal that opens at `start` (a `"`) ends, exclusive; `None` if Cedar's
/// lexer would not read a string there.
///
/// Mirrors Cedar's token `"(\\.|[^"\\])*"`: a backslash escapes any character but a newline.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some(i + 1),
            b'\\' => {
                if i + 1 >= bytes.len() || bytes[i + 1] == b'\n' {
                    return None;
                }
                // Skip the escaped character; a multi-byte one is skipped byte by byte below,
                // and none of its bytes is `"`, `\` or a newline.
                i += 2;
            }
            _ => i += 1,
        }
    }
    None
}

/// Checks the text's size and nesting, and returns the byte offset where each top-level policy
/// starts (to locate errors Cedar reports without a position). Errs with
/// [`PolicyError::TooLarge`] or [`PolicyError::TooDeep`].
///
/// The scan ignores only what Cedar's own lexer ignores (comments and the inside of string
/// literals), so it can only over-count: anything it does not understand counts as nesting.
pub(crate) fn check_shape(text: &str) -> Result<Vec<usize>, PolicyError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(PolicyError::TooLarge {
            bytes: text.len(),
            max: MAX_TEXT_BYTES,
        });
    }
    let bytes = text.as_bytes();
    let too_deep = |at: usize, depth: usize, max: usize| {
        let (line, column) = line_column(text, at);
        PolicyError::TooDeep {
            depth,
            max,
            line,
            column,
        }
    };
    // frames[0] is the policy's top level; it is reset at each top-level `;`.
    let mut frames = vec![Frame {
        ops: 0,
        deepest_child: 0,
    }];
    let mut starts = Vec::new();
    let mut awaiting_policy = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Where the next token starts.
        let mut next = i + 1;
        let is_comment = b == b'/' && bytes.get(i + 1) == Some(&b'/');
        if awaiting_policy && !b.is_ascii_whitespace() && !is_comment {
            starts.push(i);
            awaiting_policy = false;
        }
        match b {
            b'/' if is_comment => {
                while next < bytes.len() && bytes[next] != b'\n' && bytes[next] != b'\r' {
                    next += 1;
                }
            }
            b'"' => {
                if let Some(end) = string_end(bytes, i) {
                    next = end;
                }
            }
            b'(' | b'[' | b'{' => {
                frames.push(Frame {
                    ops: 0,
                    deepest_child: 0,
                });
                if frames.len() - 1 > MAX_NESTING {
                    return Err(too_deep(i, frames.len() - 1, MAX_NESTING));
                }
            }
            b')' | b']' | b'}' => {
                if frames.len() > 1
                    && let Some(frame) = frames.pop()
                    && let Some(parent) = frames.last_mut()
                {
                    let depth = 1 + frame.ops + frame.deepest_child;
                    parent.deepest_child = parent.deepest_child.max(depth);
                }
            }
            b';' if frames.len() == 1 => {
                frames[0] = Frame {
                    ops: 0,
                    deepest_child: 0,
                };
                awaiting_policy = true;
            }
            b'=' | b'!' | b'<' | b'>' | b'&' | b'|' | b'+' | b'-' | b'*' | b'.' | b'/' | b'%' => {
                // Two-character operators (`==`, `&&`, …) count twice: over-counting is safe.
                if let Some(top) = frames.last_mut() {
                    top.ops += 1;
                }
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while next < bytes.len()
                    && (bytes[next].is_ascii_alphanumeric() || bytes[next] == b'_')
                {
                    next += 1;
                }
                if KEYWORD_OPS.contains(&&text[i..next])
                    && let Some(top) = frames.last_mut()
                {
                    top.ops += 1;
                }
            }
            _ => {}
        }
        // The path from the top level to the current bracket, counted so far.
        let path: usize = frames.iter().map(|f| f.ops + 1).sum::<usize>()
            + frames.last().map_or(0, |f| f.deepest_child);
        if path > MAX_EXPR_DEPTH {
            return Err(too_deep(i, path, MAX_EXPR_DEPTH));
        }
        i = next;
    }
    Ok(starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 8), (3, 1));
        assert_eq!(line_column(text, 1000), (3, 2));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let deep = "(".repeat(100);
        let text = format!(
            "// {deep}\nforbid(principal, action, resource) when {{ \"{deep}\" == \"\\\"\" }};"
        );
        check_shape(&text).expect("ignored");
    }

    #[test]
    fn deep_brackets_are_refused_with_their_position() {
        let text = format!(
            "forbid(principal, action, resource)\nwhen {{ {}true{} }};",
            "(".repeat(40),
            ")".repeat(40)
        );
        let err = check_shape(&text).expect_err("too deep");
        match err {
            PolicyError::TooDeep { line, .. } => assert_eq!(line, 2),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn long_operator_chains_are_refused() {
        let text = format!(
            "forbid(principal, action, resource) when {{ {}true }};",
            "true && ".repeat(200)
        );
        assert!(matches!(
            check_shape(&text),
            Err(PolicyError::TooDeep { .. })
        ));
    }

    #[test]
    fn an_unterminated_string_is_not_a_string() {
        // Cedar would not read a string here, so the brackets after the quote count.
        let text = format!("\"\\\n{}", "(".repeat(40));
        assert!(matches!(
            check_shape(&text),
            Err(PolicyError::TooDeep { .. })
        ));
    }

    #[test]
    fn policy_starts_skip_comments_and_whitespace() {
        let text = "// a\n  @id(\"x;\") forbid(principal, action, resource);\n\nforbid(principal, action, resource);";
        let starts = check_shape(text).expect("shallow");
        assert_eq!(starts, [7, 55]);
    }

    #[test]
    fn chains_reset_between_policies() {
        let one = format!(
            "forbid(principal, action, resource) when {{ {}true }};\n",
            "true && ".repeat(30)
        );
        check_shape(&one.repeat(20)).expect("each policy is shallow");
    }
}
