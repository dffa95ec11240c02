//! The types of js-yaml's `DEFAULT_SCHEMA`, which `yaml.load` uses: their tags, kinds, and
//! `resolve`/`construct` rules, ported from `lib/type/*.js` of js-yaml 4.3.2.
//!
//! A plain scalar is tried against the implicit types in the schema's order (null, bool, int,
//! float, timestamp, merge); an explicit tag picks its type by the node's kind. js-yaml hands a
//! type whatever value the node holds; for the rare non-string values a scalar type can meet
//! (`!!str` over a key the loader already resolved, see `loader::compose`) the behaviour of the
//! JavaScript is kept, including the `TypeError`s some of them throw.

mod binary;
mod collection;
mod scalar;
mod timestamp;

use super::js::JsValue;
use super::loader::Kind;

/// A JavaScript `TypeError` thrown by a type's code (not a `YAMLException`): the Hub's reading
/// reports it with an undefined reason and no position.
pub(super) struct TypeError;

/// What a type gives for a node: `None` when its `resolve` refuses the data.
pub(super) type Resolved = Result<Option<JsValue>, TypeError>;

/// A type of the default schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Type {
    /// `!!null`.
    Null,
    /// `!!bool`.
    Bool,
    /// `!!int`.
    Int,
    /// `!!float`.
    Float,
    /// `!!timestamp`.
    Timestamp,
    /// `!!merge` (`<<`).
    Merge,
    /// `!!str`.
    Str,
    /// `!!binary`.
    Binary,
    /// `!!seq`.
    Seq,
    /// `!!omap`.
    Omap,
    /// `!!pairs`.
    Pairs,
    /// `!!map`.
    Map,
    /// `!!set`.
    Set,
}

/// The tag of the merge type, which `storeMappingPair` tests keys against.
pub(super) const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

const IMPLICIT: [Type; 6] = [
    Type::Null,
    Type::Bool,
    Type::Int,
    Type::Float,
    Type::Timestamp,
    Type::Merge,
];
const ALL: [Type; 13] = [
    Type::Null,
    Type::Bool,
    Type::Int,
    Type::Float,
    Type::Timestamp,
    Type::Merge,
    Type::Str,
    Type::Binary,
    Type::Seq,
    Type::Omap,
    Type::Pairs,
    Type::Map,
    Type::Set,
];

impl Type {
    /// The type's tag.
    pub fn tag(self) -> &'static str {
        match self {
            Type::Null => "tag:yaml.org,2002:null",
            Type::Bool => "tag:yaml.org,2002:bool",
            Type::Int => "tag:yaml.org,2002:int",
            Type::Float => "tag:yaml.org,2002:float",
            Type::Timestamp => "tag:yaml.org,2002:timestamp",
            Type::Merge => MERGE_TAG,
            Type::Str => "tag:yaml.org,2002:str",
            Type::Binary => "tag:yaml.org,2002:binary",
            Type::Seq => "tag:yaml.org,2002:seq",
            Type::Omap => "tag:yaml.org,2002:omap",
            Type::Pairs => "tag:yaml.org,2002:pairs",
            Type::Map => "tag:yaml.org,2002:map",
            Type::Set => "tag:yaml.org,2002:set",
        }
    }

    /// The kind of node the type applies to.
    pub fn kind(self) -> Kind {
        match self {
            Type::Seq | Type::Omap | Type::Pairs => Kind::Sequence,
            Type::Map | Type::Set => Kind::Mapping,
            _ => Kind::Scalar,
        }
    }

    /// `resolve` then `construct`.
    pub fn resolve(self, data: &JsValue) -> Resolved {
        match self {
            Type::Null => Ok(scalar::null(data)),
            Type::Bool => Ok(scalar::boolean(data)),
            Type::Int => scalar::int(data),
            Type::Float => scalar::float(data),
            Type::Timestamp => Ok(timestamp::resolve(data)),
            Type::Merge => Ok(match data {
                JsValue::Null => Some(JsValue::Null),
                JsValue::Str(s) if **s == [u16::from(b'<'), u16::from(b'<')] => Some(data.clone()),
                _ => None,
            }),
            Type::Str => Ok(Some(match data {
                JsValue::Null => JsValue::str(Vec::new()),
                other => other.clone(),
            })),
            Type::Binary => binary::resolve(data),
            Type::Seq => Ok(Some(match data {
                JsValue::Null => JsValue::Array(JsValue::new_array()),
                other => other.clone(),
            })),
            Type::Map => Ok(Some(match data {
                JsValue::Null => JsValue::Object(JsValue::new_object()),
                other => other.clone(),
            })),
            Type::Omap => Ok(collection::omap(data)),
            Type::Pairs => Ok(collection::pairs(data)),
            Type::Set => Ok(collection::set(data)),
        }
    }
}

/// The type an explicit tag names for a node of `kind` (`None`: js-yaml's "fallback" list,
/// every type), as `state.typeMap[state.kind || 'fallback'][tag]`.
pub(super) fn lookup(kind: Option<Kind>, tag: &str) -> Option<Type> {
    ALL.into_iter()
        .find(|t| t.tag() == tag && kind.is_none_or(|k| k == t.kind()))
}

/// Implicit resolution of a plain scalar: the first implicit type whose `resolve` accepts the
/// data, with the constructed value.
pub(super) fn resolve_implicit(data: &JsValue) -> Result<Option<(JsValue, Type)>, TypeError> {
    for t in IMPLICIT {
        if let Some(v) = t.resolve(data)? {
            return Ok(Some((v, t)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::super::js::units;
    use super::super::tree;
    use super::super::value::{Pos, Value};
    use super::*;

    /// What a plain scalar reads as.
    fn plain(text: &str) -> Value {
        let data = JsValue::str(units(text));
        let value = match resolve_implicit(&data) {
            Ok(Some((v, _))) => v,
            _ => data,
        };
        tree::build(&value, Pos::default())
            .map(|n| n.value)
            .unwrap_or(Value::Null)
    }

    fn num(v: Value) -> f64 {
        match v {
            Value::Number(n) => n,
            other => panic!("not a number: {other:?}"),
        }
    }

    #[test]
    fn yaml_1_1_booleans_stay_strings() {
        for s in ["yes", "no", "on", "off", "y", "n", "Yes", "NO"] {
            assert_eq!(plain(s), Value::String(s.into()), "{s}");
        }
        assert_eq!(plain("True"), Value::Bool(true));
        assert_eq!(plain("FALSE"), Value::Bool(false));
    }

    #[test]
    fn numbers_follow_js_yaml_4() {
        assert_eq!(num(plain("0777")), 777.0);
        assert_eq!(num(plain("0o17")), 15.0);
        assert_eq!(num(plain("0x1F")), 31.0);
        assert_eq!(num(plain("0b101")), 5.0);
        assert_eq!(num(plain("3.10")), 3.1);
        assert_eq!(num(plain("+12")), 12.0);
        assert_eq!(num(plain("1e3")), 1000.0);
        assert_eq!(num(plain(".5")), 0.5);
        assert_eq!(num(plain("1.")), 1.0);
        assert!(num(plain(".nan")).is_nan());
        assert_eq!(num(plain("-.inf")), f64::NEG_INFINITY);
        assert_eq!(plain("1_000"), Value::String("1_000".into()));
        assert_eq!(plain("-.5"), Value::String("-.5".into()));
        assert_eq!(plain("0x"), Value::String("0x".into()));
        assert_eq!(plain("1e"), Value::String("1e".into()));
    }

    #[test]
    fn nulls() {
        for s in ["~", "null", "Null", "NULL"] {
            assert_eq!(plain(s), Value::Null);
        }
        assert_eq!(plain("nULL"), Value::String("nULL".into()));
    }

    #[test]
    fn timestamps_print_as_javascript_dates() {
        assert_eq!(plain("2023-01-15"), Value::Timestamp("2023-01-15T00:00:00.000Z".into()));
        assert_eq!(
            plain("2001-12-14t21:59:43.10-05:00"),
            Value::Timestamp("2001-12-15T02:59:43.100Z".into())
        );
        assert_eq!(
            plain("2001-12-14 21:59:43.10 -5"),
            Value::Timestamp("2001-12-15T02:59:43.100Z".into())
        );
        assert_eq!(plain("2023-02-30"), Value::Timestamp("2023-03-02T00:00:00.000Z".into()));
        assert_eq!(plain("0050-01-01"), Value::Timestamp("1950-01-01T00:00:00.000Z".into()));
        assert_eq!(plain("2023-1-5"), Value::String("2023-1-5".into()));
    }
}
