//! A small YAML writer for CloudFormation templates: block style, strings
//! double-quoted (JSON escapes are valid YAML), intrinsic functions as the
//! short tags `!Ref`, `!GetAtt`, `!Sub`.

use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Y {
    Str(String),
    Int(i64),
    Bool(bool),
    /// `!Ref Logical`
    Ref(String),
    /// `!GetAtt Logical.Attribute`
    GetAtt(String, String),
    /// `!Sub "…${AWS::Region}…"`
    Sub(String),
    /// A tagged sequence: `!Select [0, …]`-style functions in flow form.
    Fn(&'static str, Vec<Y>),
    List(Vec<Y>),
    Map(Vec<(String, Y)>),
}

impl Y {
    pub(crate) fn s(v: impl Into<String>) -> Y {
        Y::Str(v.into())
    }
    pub(crate) fn r(v: impl Into<String>) -> Y {
        Y::Ref(v.into())
    }
    pub(crate) fn att(l: impl Into<String>, a: &str) -> Y {
        Y::GetAtt(l.into(), a.to_string())
    }
    pub(crate) fn map(entries: Vec<(&str, Y)>) -> Y {
        Y::Map(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
    fn is_block(&self) -> bool {
        matches!(self, Y::List(l) if !l.is_empty()) || matches!(self, Y::Map(m) if !m.is_empty())
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A scalar or a flow-style value on one line.
fn inline(v: &Y) -> String {
    match v {
        Y::Str(s) => quote(s),
        Y::Int(n) => n.to_string(),
        Y::Bool(b) => b.to_string(),
        Y::Ref(r) => format!("!Ref {r}"),
        Y::GetAtt(l, a) => format!("!GetAtt {l}.{a}"),
        Y::Sub(s) => format!("!Sub {}", quote(s)),
        Y::Fn(name, args) => format!("!{name} [{}]", args.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Y::List(l) if l.is_empty() => "[]".into(),
        Y::Map(m) if m.is_empty() => "{}".into(),
        other => flow(other),
    }
}

/// Flow style, for arguments of functions: tags become the long form.
fn flow(v: &Y) -> String {
    match v {
        Y::Ref(r) => format!("{{\"Ref\": {}}}", quote(r)),
        Y::GetAtt(l, a) => format!("{{\"Fn::GetAtt\": [{}, {}]}}", quote(l), quote(a)),
        Y::Sub(s) => format!("{{\"Fn::Sub\": {}}}", quote(s)),
        Y::Fn(name, args) => format!(
            "{{\"Fn::{name}\": [{}]}}",
            args.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Y::List(l) => format!("[{}]", l.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Y::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", quote(k), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => inline(other),
    }
}

fn key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else {
        quote(k)
    }
}

/// Writes `v` as the value of a mapping entry or sequence item whose line is already started.
fn block(v: &Y, indent: usize, out: &mut String) {
    match v {
        Y::Map(m) if !m.is_empty() => {
            out.push('\n');
            map_entries(m, indent, out);
        }
        Y::List(l) if !l.is_empty() => {
            out.push('\n');
            for item in l {
                let _ = write!(out, "{:indent$}-", "");
                match item {
                    Y::Map(m) if !m.is_empty() => {
                        // The first key shares the dash's line.
                        let mut first = String::new();
                        map_entries(m, indent + 2, &mut first);
                        out.push(' ');
                        out.push_str(first.trim_start());
                    }
                    other if other.is_block() => block(other, indent + 2, out),
                    other => {
                        let _ = writeln!(out, " {}", inline(other));
                    }
                }
            }
        }
        other => {
            let _ = writeln!(out, " {}", inline(other));
        }
    }
}

fn map_entries(m: &[(String, Y)], indent: usize, out: &mut String) {
    for (k, v) in m {
        let _ = write!(out, "{:indent$}{}:", "", key(k));
        block(v, indent + 2, out);
    }
}

/// The document: top-level keys at column 0.
pub(crate) fn document(top: &[(String, Y)]) -> String {
    let mut out = String::new();
    map_entries(top, 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_maps_lists_and_tags() {
        let doc = document(&[(
            "Resources".into(),
            Y::map(vec![(
                "Vpc",
                Y::map(vec![
                    ("Type", Y::s("AWS::EC2::VPC")),
                    (
                        "Properties",
                        Y::map(vec![
                            ("CidrBlock", Y::s("10.0.0.0/16")),
                            (
                                "Tags",
                                Y::List(vec![Y::map(vec![("Key", Y::s("Name")), ("Value", Y::s("shop"))])]),
                            ),
                            ("Ids", Y::List(vec![Y::r("A"), Y::att("B", "Id")])),
                        ]),
                    ),
                ]),
            )]),
        )]);
        assert_eq!(
            doc,
            "Resources:\n  Vpc:\n    Type: \"AWS::EC2::VPC\"\n    Properties:\n      CidrBlock: \"10.0.0.0/16\"\n      Tags:\n        - Key: \"Name\"\n          Value: \"shop\"\n      Ids:\n        - !Ref A\n        - !GetAtt B.Id\n"
        );
    }
}
