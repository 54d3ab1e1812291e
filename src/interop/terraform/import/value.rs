//! Terraform's values as the evaluator computes them: the JSON-like types,
//! a reference to a resource instance (its attributes are read only when
//! asked for, so resources may refer to each other in any order), and
//! "unknown" — what AWS decides at apply time and no `.tf` file says.

use std::collections::BTreeMap;
use std::fmt;

/// Which instance of a resource: the only one, `count.index` or `each.key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstKey {
    Single,
    Index(i64),
    Key(String),
}

impl fmt::Display for InstKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstKey::Single => Ok(()),
            InstKey::Index(i) => write!(f, "[{i}]"),
            InstKey::Key(k) => write!(f, "[\"{k}\"]"),
        }
    }
}

/// One resource instance: module instance, resource index in that module, key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResRef {
    pub module: usize,
    pub resource: usize,
    pub key: InstKey,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Res(ResRef),
    /// Known only once AWS has created something; the text says what.
    Unknown(String),
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "object",
            Value::Res(_) => "resource",
            Value::Unknown(_) => "unknown value",
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// The text of a primitive value (Terraform converts numbers and bools to strings freely).
    pub fn as_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(number_text(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_f64().filter(|n| n.fract() == 0.0).map(|n| n as i64)
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// The elements of a list, or of a map in key order (what `for` and most functions iterate).
    pub fn elements(&self) -> Option<Vec<Value>> {
        match self {
            Value::List(l) => Some(l.clone()),
            Value::Map(m) => Some(m.values().cloned().collect()),
            _ => None,
        }
    }
}

/// A number as Terraform prints it: integers without a fraction.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{}", number_text(*n)),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(l) => {
                write!(f, "[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "]")
            }
            Value::Map(m) => {
                write!(f, "{{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                write!(f, "}}")
            }
            Value::Res(r) => write!(f, "<resource {}{}>", r.resource, r.key),
            Value::Unknown(why) => write!(f, "(known after apply: {why})"),
        }
    }
}
