//! Terraform's built-in functions that network code uses: CIDR arithmetic,
//! collections, strings and type conversions. A function Terraform has but
//! vpcd does not is an error naming it, never a silent guess.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use super::eval::equal;
use super::value::{number_text, Value};

type F = Result<Value, String>;

fn arity(args: &[Value], n: usize) -> Result<(), String> {
    if args.len() != n {
        return Err(format!("takes {n} argument(s), got {}", args.len()));
    }
    Ok(())
}

fn s(v: &Value) -> Result<String, String> {
    v.as_string().ok_or_else(|| format!("expected a string, got {v}"))
}

fn n(v: &Value) -> Result<f64, String> {
    v.as_f64().ok_or_else(|| format!("expected a number, got {v}"))
}

fn int(v: &Value) -> Result<i64, String> {
    v.as_i64().ok_or_else(|| format!("expected a whole number, got {v}"))
}

fn list(v: &Value) -> Result<Vec<Value>, String> {
    match v {
        Value::List(l) => Ok(l.clone()),
        Value::Null => Ok(Vec::new()),
        other => Err(format!("expected a list, got {other}")),
    }
}

fn map(v: &Value) -> Result<BTreeMap<String, Value>, String> {
    match v {
        Value::Map(m) => Ok(m.clone()),
        Value::Null => Ok(BTreeMap::new()),
        other => Err(format!("expected a map, got {other}")),
    }
}

fn cidr(v: &Value) -> Result<IpNet, String> {
    let t = s(v)?;
    t.parse::<IpNet>().map_err(|_| format!("\"{t}\" is not a CIDR block"))
}

/// `cidrsubnet(prefix, newbits, netnum)`: the `netnum`-th block of `newbits` more bits.
fn cidrsubnet(prefix: IpNet, newbits: i64, netnum: i64) -> Result<IpNet, String> {
    let new_len = i64::from(prefix.prefix_len()) + newbits;
    if newbits < 0 || new_len > i64::from(prefix.max_prefix_len()) {
        return Err(format!("{prefix} has no room for {newbits} more bits"));
    }
    if netnum < 0 || (newbits < 64 && netnum >= 1_i64 << newbits) {
        return Err(format!("netnum {netnum} does not fit in {newbits} bits"));
    }
    let host_bits = u32::from(prefix.max_prefix_len()) - new_len as u32;
    match prefix {
        IpNet::V4(p) => {
            let base = u32::from(p.network());
            let addr = base | ((netnum as u32) << host_bits);
            format!("{}/{new_len}", std::net::Ipv4Addr::from(addr))
                .parse()
                .map_err(|_| "bad result".into())
        }
        IpNet::V6(p) => {
            let base = u128::from(p.network());
            let addr = base | ((netnum as u128) << host_bits);
            format!("{}/{new_len}", std::net::Ipv6Addr::from(addr))
                .parse()
                .map_err(|_| "bad result".into())
        }
    }
}

/// `cidrhost(prefix, hostnum)`: the address at `hostnum` (negative counts from the end).
fn cidrhost(prefix: IpNet, hostnum: i64) -> Result<IpAddr, String> {
    let host_bits = u32::from(prefix.max_prefix_len() - prefix.prefix_len());
    let size: u128 = if host_bits >= 128 {
        u128::MAX
    } else {
        1u128 << host_bits
    };
    let idx: u128 = if hostnum >= 0 {
        hostnum as u128
    } else {
        size.checked_sub(hostnum.unsigned_abs() as u128)
            .ok_or_else(|| format!("host number {hostnum} is outside {prefix}"))?
    };
    if idx >= size {
        return Err(format!("host number {hostnum} is outside {prefix}"));
    }
    Ok(match prefix {
        IpNet::V4(p) => IpAddr::V4(std::net::Ipv4Addr::from(u32::from(p.network()) + idx as u32)),
        IpNet::V6(p) => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(p.network()) + idx)),
    })
}

/// `format`'s verbs: `%s`, `%d`, `%v`, `%q`, `%%` (widths and flags are not used by network code).
fn format(spec: &str, args: &[Value]) -> F {
    let mut out = String::new();
    let mut it = args.iter();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut verb = chars.next().ok_or("a lone % at the end")?;
        // Skip a width or precision such as %02d or %.1f.
        let mut width = String::new();
        while verb.is_ascii_digit() || verb == '.' {
            width.push(verb);
            verb = chars.next().ok_or("an unfinished verb")?;
        }
        if verb == '%' {
            out.push('%');
            continue;
        }
        let v = it.next().ok_or("more verbs than arguments")?;
        let text = match verb {
            's' | 'v' => v.as_string().unwrap_or_else(|| v.to_string()),
            'd' => number_text(n(v)?.trunc()),
            'f' => {
                let prec: usize = width.split('.').nth(1).and_then(|p| p.parse().ok()).unwrap_or(6);
                format!("{:.*}", prec, n(v)?)
            }
            'q' => format!("{:?}", s(v)?),
            'x' => format!("{:x}", int(v)?),
            other => return Err(format!("the verb %{other} is not supported")),
        };
        if verb == 'd' {
            if let Some(w) = width.strip_prefix('0').and_then(|w| w.parse::<usize>().ok()) {
                out.push_str(&format!("{text:0>w$}"));
                continue;
            }
        }
        out.push_str(&text);
    }
    Ok(Value::String(out))
}

fn flatten(v: &[Value], out: &mut Vec<Value>) {
    for x in v {
        match x {
            Value::List(l) => flatten(l, out),
            other => out.push(other.clone()),
        }
    }
}

/// Calls a built-in function on evaluated arguments.
pub fn call(name: &str, args: Vec<Value>) -> F {
    if let Some(u) = args.iter().find(|a| a.is_unknown()) {
        return Ok(u.clone());
    }
    let a = &args;
    Ok(match name {
        "cidrsubnet" => {
            arity(a, 3)?;
            Value::String(cidrsubnet(cidr(&a[0])?, int(&a[1])?, int(&a[2])?)?.to_string())
        }
        "cidrsubnets" => {
            let prefix = cidr(a.first().ok_or("needs a prefix")?)?;
            // Consecutive blocks, each aligned to its own size, as Terraform allocates them.
            let mut out = Vec::new();
            let mut next: u128 = match prefix {
                IpNet::V4(p) => u128::from(u32::from(p.network())),
                IpNet::V6(p) => u128::from(p.network()),
            };
            for b in &a[1..] {
                let bits = int(b)?;
                let len = i64::from(prefix.prefix_len()) + bits;
                if bits <= 0 || len > i64::from(prefix.max_prefix_len()) {
                    return Err(format!("{prefix} has no room for {bits} more bits"));
                }
                let size = 1u128 << (u32::from(prefix.max_prefix_len()) - len as u32);
                next = next.div_ceil(size) * size;
                let text = match prefix {
                    IpNet::V4(_) => format!("{}/{len}", std::net::Ipv4Addr::from(next as u32)),
                    IpNet::V6(_) => format!("{}/{len}", std::net::Ipv6Addr::from(next)),
                };
                let net: IpNet = text.parse().map_err(|_| "bad result")?;
                if !prefix.contains(&net) {
                    return Err(format!("not enough room in {prefix}"));
                }
                out.push(Value::String(net.to_string()));
                next += size;
            }
            Value::List(out)
        }
        "cidrhost" => {
            arity(a, 2)?;
            Value::String(cidrhost(cidr(&a[0])?, int(&a[1])?)?.to_string())
        }
        "cidrnetmask" => {
            arity(a, 1)?;
            match cidr(&a[0])? {
                IpNet::V4(p) => Value::String(p.netmask().to_string()),
                IpNet::V6(_) => return Err("only IPv4 prefixes have a netmask".into()),
            }
        }
        "element" => {
            arity(a, 2)?;
            let l = list(&a[0])?;
            if l.is_empty() {
                return Err("the list is empty".into());
            }
            let i = int(&a[1])?;
            l[i.rem_euclid(l.len() as i64) as usize].clone()
        }
        "lookup" => {
            if a.len() != 2 && a.len() != 3 {
                return Err("takes 2 or 3 arguments".into());
            }
            let m = map(&a[0])?;
            match m.get(&s(&a[1])?) {
                Some(v) => v.clone(),
                None => a
                    .get(2)
                    .cloned()
                    .ok_or_else(|| format!("no key \"{}\" and no default", s(&a[1]).unwrap_or_default()))?,
            }
        }
        "concat" => {
            let mut out = Vec::new();
            for x in a {
                out.extend(list(x)?);
            }
            Value::List(out)
        }
        "length" => {
            arity(a, 1)?;
            Value::Number(match &a[0] {
                Value::List(l) => l.len(),
                Value::Map(m) => m.len(),
                Value::String(t) => t.chars().count(),
                other => return Err(format!("no length for {other}")),
            } as f64)
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for x in a {
                out.extend(map(x)?);
            }
            Value::Map(out)
        }
        "format" => {
            let spec = s(a.first().ok_or("needs a format")?)?;
            format(&spec, &a[1..])?
        }
        "formatlist" => {
            let spec = s(a.first().ok_or("needs a format")?)?;
            let len = a[1..].iter().filter_map(|x| match x {
                Value::List(l) => Some(l.len()),
                _ => None,
            });
            let len = len.max().unwrap_or(1);
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Value> = a[1..]
                    .iter()
                    .map(|x| match x {
                        Value::List(l) => l.get(i).cloned().unwrap_or(Value::Null),
                        other => other.clone(),
                    })
                    .collect();
                out.push(format(&spec, &row)?);
            }
            Value::List(out)
        }
        "tolist" => {
            arity(a, 1)?;
            Value::List(list(&a[0])?)
        }
        "toset" | "distinct" => {
            arity(a, 1)?;
            let mut out: Vec<Value> = Vec::new();
            for x in list(&a[0])? {
                if !out.iter().any(|y| equal(y, &x)) {
                    out.push(x);
                }
            }
            if name == "toset" {
                // Sets of strings iterate in lexical order.
                out.sort_by_key(|v| v.as_string().unwrap_or_default());
            }
            Value::List(out)
        }
        "tomap" => {
            arity(a, 1)?;
            Value::Map(map(&a[0])?)
        }
        "tostring" => {
            arity(a, 1)?;
            match &a[0] {
                Value::Null => Value::Null,
                v => Value::String(s(v)?),
            }
        }
        "tonumber" => {
            arity(a, 1)?;
            match &a[0] {
                Value::Null => Value::Null,
                v => Value::Number(n(v)?),
            }
        }
        "tobool" => {
            arity(a, 1)?;
            match &a[0] {
                Value::Null => Value::Null,
                v => Value::Bool(v.as_bool().ok_or_else(|| format!("{v} is not a bool"))?),
            }
        }
        "keys" => {
            arity(a, 1)?;
            Value::List(map(&a[0])?.into_keys().map(Value::String).collect())
        }
        "values" => {
            arity(a, 1)?;
            Value::List(map(&a[0])?.into_values().collect())
        }
        "zipmap" => {
            arity(a, 2)?;
            let ks = list(&a[0])?;
            let vs = list(&a[1])?;
            if ks.len() != vs.len() {
                return Err("the lists differ in length".into());
            }
            let mut out = BTreeMap::new();
            for (k, v) in ks.iter().zip(vs) {
                out.insert(s(k)?, v);
            }
            Value::Map(out)
        }
        "join" => {
            arity(a, 2)?;
            let sep = s(&a[0])?;
            let parts: Result<Vec<String>, String> = list(&a[1])?.iter().map(s).collect();
            Value::String(parts?.join(&sep))
        }
        "split" => {
            arity(a, 2)?;
            let sep = s(&a[0])?;
            let t = s(&a[1])?;
            Value::List(t.split(sep.as_str()).map(|x| Value::String(x.to_string())).collect())
        }
        "replace" => {
            arity(a, 3)?;
            Value::String(s(&a[0])?.replace(&s(&a[1])?, &s(&a[2])?))
        }
        "lower" => Value::String(s(a.first().ok_or("needs a string")?)?.to_lowercase()),
        "upper" => Value::String(s(a.first().ok_or("needs a string")?)?.to_uppercase()),
        "trimspace" => Value::String(s(a.first().ok_or("needs a string")?)?.trim().to_string()),
        "substr" => {
            arity(a, 3)?;
            let t: Vec<char> = s(&a[0])?.chars().collect();
            let off = int(&a[1])?.clamp(0, t.len() as i64) as usize;
            let len = int(&a[2])?;
            let end = if len < 0 {
                t.len()
            } else {
                (off + len as usize).min(t.len())
            };
            Value::String(t[off..end].iter().collect())
        }
        "flatten" => {
            arity(a, 1)?;
            let mut out = Vec::new();
            flatten(&list(&a[0])?, &mut out);
            Value::List(out)
        }
        "contains" => {
            arity(a, 2)?;
            Value::Bool(list(&a[0])?.iter().any(|x| equal(x, &a[1])))
        }
        "index" => {
            arity(a, 2)?;
            let i = list(&a[0])?
                .iter()
                .position(|x| equal(x, &a[1]))
                .ok_or("the value is not in the list")?;
            Value::Number(i as f64)
        }
        "range" => {
            let (start, end, step) = match a.len() {
                1 => (0.0, n(&a[0])?, 1.0),
                2 => (n(&a[0])?, n(&a[1])?, 1.0),
                3 => (n(&a[0])?, n(&a[1])?, n(&a[2])?),
                _ => return Err("takes 1 to 3 arguments".into()),
            };
            if step == 0.0 {
                return Err("step must not be 0".into());
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(Value::Number(x));
                x += step;
                if out.len() > 1_000_000 {
                    return Err("the range is too long".into());
                }
            }
            Value::List(out)
        }
        "slice" => {
            arity(a, 3)?;
            let l = list(&a[0])?;
            let from = int(&a[1])?;
            let to = int(&a[2])?;
            if from < 0 || to < from || to as usize > l.len() {
                return Err(format!("{from}..{to} is outside the list of {}", l.len()));
            }
            Value::List(l[from as usize..to as usize].to_vec())
        }
        "reverse" => {
            arity(a, 1)?;
            let mut l = list(&a[0])?;
            l.reverse();
            Value::List(l)
        }
        "sort" => {
            arity(a, 1)?;
            let mut l: Vec<String> = list(&a[0])?.iter().map(s).collect::<Result<_, _>>()?;
            l.sort();
            Value::List(l.into_iter().map(Value::String).collect())
        }
        "compact" => {
            arity(a, 1)?;
            Value::List(
                list(&a[0])?
                    .into_iter()
                    .filter(|v| !matches!(v, Value::Null) && v.as_string().is_none_or(|t| !t.is_empty()))
                    .collect(),
            )
        }
        "coalesce" => a
            .iter()
            .find(|v| !matches!(v, Value::Null) && v.as_string().is_none_or(|t| !t.is_empty()))
            .cloned()
            .ok_or("every argument is null or empty")?,
        "coalescelist" => a
            .iter()
            .find(|v| matches!(v, Value::List(l) if !l.is_empty()))
            .cloned()
            .unwrap_or(Value::List(Vec::new())),
        "one" => {
            arity(a, 1)?;
            let l = list(&a[0])?;
            match l.len() {
                0 => Value::Null,
                1 => l[0].clone(),
                k => return Err(format!("the list has {k} elements, not at most one")),
            }
        }
        "min" | "max" => {
            let nums: Vec<f64> = a.iter().map(n).collect::<Result<_, _>>()?;
            let pick = if name == "min" { f64::min } else { f64::max };
            Value::Number(nums.into_iter().reduce(pick).ok_or("needs at least one number")?)
        }
        "abs" => Value::Number(n(a.first().ok_or("needs a number")?)?.abs()),
        "floor" => Value::Number(n(a.first().ok_or("needs a number")?)?.floor()),
        "ceil" => Value::Number(n(a.first().ok_or("needs a number")?)?.ceil()),
        "pow" => {
            arity(a, 2)?;
            Value::Number(n(&a[0])?.powf(n(&a[1])?))
        }
        "startswith" => {
            arity(a, 2)?;
            Value::Bool(s(&a[0])?.starts_with(&s(&a[1])?))
        }
        "endswith" => {
            arity(a, 2)?;
            Value::Bool(s(&a[0])?.ends_with(&s(&a[1])?))
        }
        "jsonencode" => {
            arity(a, 1)?;
            Value::String(to_json(&a[0]).to_string())
        }
        "file" | "templatefile" | "filebase64" => {
            // File contents (keys, user data) never shape the network.
            Value::Unknown(format!("{name}() reads a file vpcd does not open"))
        }
        "timestamp" | "uuid" => Value::Unknown(format!("{name}() is known only at apply")),
        _ => return Err("this function is not supported".into()),
    })
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null | Value::Res(_) | Value::Unknown(_) => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(x) => serde_json::Number::from_f64(*x)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::String(t) => serde_json::Value::String(t.clone()),
        Value::List(l) => serde_json::Value::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn str_of(v: Value) -> String {
        v.as_string().unwrap()
    }

    #[test]
    fn cidrsubnet_and_cidrhost_match_terraform() {
        // Examples from Terraform's function documentation.
        let p: IpNet = "172.16.0.0/12".parse().unwrap();
        assert_eq!(cidrsubnet(p, 4, 2).unwrap().to_string(), "172.18.0.0/16");
        let p: IpNet = "10.1.2.0/24".parse().unwrap();
        assert_eq!(cidrsubnet(p, 4, 15).unwrap().to_string(), "10.1.2.240/28");
        let p: IpNet = "fd00:fd12:3456:7890::/56".parse().unwrap();
        assert_eq!(
            cidrsubnet(p, 16, 162).unwrap().to_string(),
            "fd00:fd12:3456:7800:a200::/72"
        );
        let p: IpNet = "10.12.112.0/20".parse().unwrap();
        assert_eq!(cidrhost(p, 16).unwrap().to_string(), "10.12.112.16");
        assert_eq!(cidrhost(p, 268).unwrap().to_string(), "10.12.113.12");
        assert_eq!(cidrhost(p, -1).unwrap().to_string(), "10.12.127.255");
        assert!(cidrsubnet("10.0.0.0/30".parse().unwrap(), 4, 0).is_err());
        assert!(cidrsubnet("10.0.0.0/16".parse().unwrap(), 2, 4).is_err());
    }

    #[test]
    fn format_handles_the_usual_verbs() {
        let v = format(
            "%s_public-%d (%q) %03d%%",
            &[
                Value::String("vpc_a".into()),
                Value::Number(3.0),
                Value::String("x".into()),
                Value::Number(7.0),
            ],
        )
        .unwrap();
        assert_eq!(str_of(v), "vpc_a_public-3 (\"x\") 007%");
        assert!(format("%s %s", &[Value::String("a".into())]).is_err());
    }
}
