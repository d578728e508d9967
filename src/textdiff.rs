//! A line diff for `ployctl config diff`: the longest common subsequence of
//! two small files, shown as unified-diff hunks with context. URL passwords
//! (`postgres://user:secret@…`) are masked in what is shown.

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line<'a> {
    /// In both.
    Same(&'a str),
    /// Only in the old text.
    Removed(&'a str),
    /// Only in the new text.
    Added(&'a str),
}

/// The edit script from `old` to `new`, line by line.
pub fn diff<'a>(old: &'a str, new: &'a str) -> Vec<Line<'a>> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(Line::Same(a[i]));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            out.push(Line::Removed(a[i]));
            i += 1;
        } else {
            out.push(Line::Added(b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| Line::Removed(l)));
    out.extend(b[j..].iter().map(|l| Line::Added(l)));
    out
}

/// Masks the password of any `scheme://user:password@` in a line.
pub fn mask_passwords(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c == '/' || c == '"' || c == '\'' || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..=colon]);
                out.push_str("***");
                out.push_str(&authority[at..]);
            },
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Unified-diff hunks (`@@ -a,b +c,d @@`) with `context` lines around each
/// change; empty when the texts are equal.
pub fn unified(old: &str, new: &str, context: usize) -> Vec<String> {
    let lines = diff(old, new);
    let changed: Vec<usize> = (0..lines.len())
        .filter(|&k| !matches!(lines[k], Line::Same(_)))
        .collect();
    if changed.is_empty() {
        return Vec::new();
    }
    // Group changes whose context overlaps.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &k in &changed {
        let start = k.saturating_sub(context);
        let end = (k + context + 1).min(lines.len());
        match groups.last_mut() {
            Some((_, e)) if start <= *e => *e = end,
            _ => groups.push((start, end)),
        }
    }
    // Line numbers before each position.
    let mut old_no = vec![0usize; lines.len() + 1];
    let mut new_no = vec![0usize; lines.len() + 1];
    for (k, l) in lines.iter().enumerate() {
        old_no[k + 1] = old_no[k] + usize::from(!matches!(l, Line::Added(_)));
        new_no[k + 1] = new_no[k] + usize::from(!matches!(l, Line::Removed(_)));
    }
    let mut out = Vec::new();
    for (start, end) in groups {
        out.push(format!(
            "@@ -{},{} +{},{} @@",
            old_no[start] + 1,
            old_no[end] - old_no[start],
            new_no[start] + 1,
            new_no[end] - new_no[start]
        ));
        for l in &lines[start..end] {
            out.push(match l {
                Line::Same(t) => format!(" {}", mask_passwords(t)),
                Line::Removed(t) => format!("-{}", mask_passwords(t)),
                Line::Added(t) => format!("+{}", mask_passwords(t)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_show_changes_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nb\nC\nd\ne\nf\ng\nh\n";
        assert_eq!(
            unified(old, new, 1),
            [
                "@@ -2,3 +2,3 @@",
                " b",
                "-c",
                "+C",
                " d",
                "@@ -7,1 +7,2 @@",
                " g",
                "+h"
            ]
        );
        assert!(unified(old, old, 3).is_empty());
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            mask_passwords("url = \"postgres://ploy:s3cret@db:5432/ploy\""),
            "url = \"postgres://ploy:***@db:5432/ploy\""
        );
        assert_eq!(
            mask_passwords("clob_url = \"https://clob.polymarket.com\""),
            "clob_url = \"https://clob.polymarket.com\""
        );
    }
}
