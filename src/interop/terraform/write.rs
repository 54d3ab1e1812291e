//! A small HCL writer that lays text out as `terraform fmt` does: two-space
//! indents, the `=` of consecutive one-line attributes aligned, nested blocks
//! and multi-line values ending an alignment group.

use std::fmt::Write as _;

/// An HCL expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A quoted string (escaped on output).
    Str(String),
    /// A raw expression: a number, `true`, a reference such as `aws_vpc.shop.id`.
    Raw(String),
    List(Vec<Expr>),
    /// An object, written one key per line.
    Map(Vec<(String, Expr)>),
}

impl Expr {
    pub(crate) fn s(v: impl Into<String>) -> Expr {
        Expr::Str(v.into())
    }
    pub(crate) fn raw(v: impl Into<String>) -> Expr {
        Expr::Raw(v.into())
    }
    pub(crate) fn bool(b: bool) -> Expr {
        Expr::Raw(b.to_string())
    }
    pub(crate) fn num(n: impl std::fmt::Display) -> Expr {
        Expr::Raw(n.to_string())
    }
    fn is_multiline(&self) -> bool {
        matches!(self, Expr::Map(m) if !m.is_empty())
    }
}

/// Escapes a string for an HCL quoted template: `${` and `%{` would start an
/// interpolation or a directive, so they are doubled.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `k` can be written bare as an object key or attribute name.
fn is_identifier(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn key(k: &str) -> String {
    if is_identifier(k) {
        k.to_string()
    } else {
        quote(k)
    }
}

fn render_expr(e: &Expr, indent: usize, out: &mut String) {
    match e {
        Expr::Str(s) => out.push_str(&quote(s)),
        Expr::Raw(r) => out.push_str(r),
        Expr::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_expr(item, indent, out);
            }
            out.push(']');
        }
        Expr::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Expr::Map(entries) => {
            out.push_str("{\n");
            let width = entries.iter().map(|(k, _)| key(k).len()).max().unwrap_or(0);
            for (k, v) in entries {
                let k = key(k);
                let _ = write!(out, "{:indent$}{k:width$} = ", "", indent = indent + 2);
                render_expr(v, indent + 2, out);
                out.push('\n');
            }
            let _ = write!(out, "{:indent$}}}", "");
        }
    }
}

#[derive(Debug, Clone)]
enum Item {
    Attr(String, Expr),
    Block(Block),
    Blank,
}

/// A block: `resource "aws_vpc" "shop" { … }`, or a nested `ingress { … }`.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    kind: String,
    labels: Vec<String>,
    items: Vec<Item>,
}

impl Block {
    pub(crate) fn new(kind: &str, labels: &[&str]) -> Block {
        Block {
            kind: kind.to_string(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            items: Vec::new(),
        }
    }
    pub(crate) fn resource(ty: &str, label: &str) -> Block {
        Block::new("resource", &[ty, label])
    }
    pub(crate) fn attr(&mut self, k: &str, v: Expr) -> &mut Self {
        self.items.push(Item::Attr(k.to_string(), v));
        self
    }
    pub(crate) fn attr_opt(&mut self, k: &str, v: Option<Expr>) -> &mut Self {
        if let Some(v) = v {
            self.attr(k, v);
        }
        self
    }
    pub(crate) fn block(&mut self, b: Block) -> &mut Self {
        if !self.items.is_empty() && !matches!(self.items.last(), Some(Item::Blank)) {
            self.items.push(Item::Blank);
        }
        self.items.push(Item::Block(b));
        self
    }
    /// Adds `tags = { … }` after a blank line (multi-line values are set apart,
    /// as in the provider's examples).
    pub(crate) fn tags(&mut self, tags: Vec<(String, Expr)>) -> &mut Self {
        if tags.is_empty() {
            return self;
        }
        if !self.items.is_empty() {
            self.items.push(Item::Blank);
        }
        self.items.push(Item::Attr("tags".into(), Expr::Map(tags)));
        self
    }

    pub(crate) fn render(&self, indent: usize, out: &mut String) {
        let _ = write!(out, "{:indent$}{}", "", self.kind);
        for l in &self.labels {
            out.push(' ');
            out.push_str(&quote(l));
        }
        if self.items.is_empty() {
            out.push_str(" {}\n");
            return;
        }
        out.push_str(" {\n");
        let mut i = 0;
        while i < self.items.len() {
            match &self.items[i] {
                Item::Blank => {
                    out.push('\n');
                    i += 1;
                }
                Item::Block(b) => {
                    b.render(indent + 2, out);
                    i += 1;
                }
                Item::Attr(..) => {
                    // One alignment group: consecutive one-line attributes; a multi-line
                    // one stands alone (as `terraform fmt` aligns them).
                    let mut j = i + 1;
                    if !matches!(&self.items[i], Item::Attr(_, v) if v.is_multiline()) {
                        while j < self.items.len() && matches!(&self.items[j], Item::Attr(_, v) if !v.is_multiline()) {
                            j += 1;
                        }
                    }
                    let width = self.items[i..j]
                        .iter()
                        .map(|it| match it {
                            Item::Attr(k, _) => key(k).len(),
                            _ => 0,
                        })
                        .max()
                        .unwrap_or(0);
                    for it in &self.items[i..j] {
                        if let Item::Attr(k, v) = it {
                            let _ = write!(out, "{:ind$}{:width$} = ", "", key(k), ind = indent + 2);
                            render_expr(v, indent + 2, out);
                            out.push('\n');
                        }
                    }
                    i = j;
                }
            }
        }
        let _ = writeln!(out, "{:indent$}}}", "");
    }
}

/// A file: top-level blocks separated by one blank line, after an optional comment.
pub(crate) fn render_file(header: &[String], blocks: &[Block]) -> String {
    let mut out = String::new();
    for line in header {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {line}");
        }
    }
    if !header.is_empty() && !blocks.is_empty() {
        out.push('\n');
    }
    for (i, b) in blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        b.render(0, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_align_like_terraform_fmt() {
        let mut b = Block::resource("aws_subnet", "a");
        b.attr("vpc_id", Expr::raw("aws_vpc.shop.id"))
            .attr("cidr_block", Expr::s("10.0.0.0/24"))
            .tags(vec![("Name".into(), Expr::s("a")), ("Tier".into(), Expr::s("web"))]);
        let text = render_file(&[], &[b]);
        assert_eq!(
            text,
            "resource \"aws_subnet\" \"a\" {\n  vpc_id     = aws_vpc.shop.id\n  cidr_block = \"10.0.0.0/24\"\n\n  tags = {\n    Name = \"a\"\n    Tier = \"web\"\n  }\n}\n"
        );
    }

    #[test]
    fn interpolation_markers_are_escaped() {
        assert_eq!(quote("a ${b} %{c} \"d\""), "\"a $${b} %%{c} \\\"d\\\"\"");
    }
}
