//! Streaming JSON reader: serde visitors that feed a [`Builder`] directly.
//!
//! No intermediate tree and no `String` per id: ids are borrowed from the input
//! (`Cow::Borrowed`) unless they contain escapes, and object order is kept because
//! the visitors see entries in file order.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::build::Builder;
use crate::error::InstanceError;
use crate::instance::Instance;

pub(crate) fn parse(bytes: &[u8]) -> Result<Instance, InstanceError> {
    let mut builder = Builder::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = TopSeed(&mut builder)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if let Err(e) = result {
        // A visitor that stored a precise error aborted with a placeholder.
        return Err(builder
            .pending
            .take()
            .unwrap_or_else(|| InstanceError::from_json(&e)));
    }
    builder.finish()
}

/// Records `err` for [`parse`] and returns the placeholder that aborts serde.
fn fail<E: de::Error>(b: &mut Builder<'_>, err: InstanceError) -> E {
    let e = E::custom(&err);
    b.pending = Some(err);
    e
}

/// An id string, borrowed from the input when it has no escapes.
struct IdSeed;

impl<'de> DeserializeSeed<'de> for IdSeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(IdVisitor)
    }
}

struct IdVisitor;

impl<'de> Visitor<'de> for IdVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an id string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Generates a seed whose `deserialize` calls `$method` with a visitor of the same
/// struct, holding the builder.
macro_rules! seed_visitor {
    ($name:ident, $method:ident, $expecting:literal) => {
        struct $name<'b, 'de>(&'b mut Builder<'de>);

        impl<'de> DeserializeSeed<'de> for $name<'_, 'de> {
            type Value = ();

            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.$method(self)
            }
        }

        impl $name<'_, '_> {
            fn expecting_str(f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str($expecting)
            }
        }
    };
}

seed_visitor!(
    TopSeed,
    deserialize_map,
    "an object with \"applicants\" and \"complexes\""
);
seed_visitor!(
    ApplicantsSeed,
    deserialize_map,
    "an object mapping applicant ids to preference lists"
);
seed_visitor!(PrefsSeed, deserialize_seq, "a list of complex ids");
seed_visitor!(
    ComplexesSeed,
    deserialize_map,
    "an object mapping complex ids to complexes"
);
seed_visitor!(PrioritySeed, deserialize_seq, "a list of applicant ids");

const TOP_FIELDS: &[&str] = &["applicants", "complexes"];
const COMPLEX_FIELDS: &[&str] = &["capacity", "priority"];

impl<'de> Visitor<'de> for TopSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        Self::expecting_str(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut applicants, mut complexes) = (false, false);
        while let Some(key) = map.next_key_seed(IdSeed)? {
            match key.as_ref() {
                "applicants" if !applicants => {
                    applicants = true;
                    map.next_value_seed(ApplicantsSeed(&mut *self.0))?;
                }
                "complexes" if !complexes => {
                    complexes = true;
                    map.next_value_seed(ComplexesSeed(&mut *self.0))?;
                }
                "applicants" | "complexes" => {
                    return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                }
                other => return Err(de::Error::unknown_field(other, TOP_FIELDS)),
            }
        }
        if !applicants {
            return Err(de::Error::missing_field("applicants"));
        }
        if !complexes {
            return Err(de::Error::missing_field("complexes"));
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for ApplicantsSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        Self::expecting_str(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.0;
        while let Some(id) = map.next_key_seed(IdSeed)? {
            b.begin_applicant(id).map_err(|e| fail(b, e))?;
            map.next_value_seed(PrefsSeed(&mut *b))?;
            b.end_applicant().map_err(|e| fail(b, e))?;
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for PrefsSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        Self::expecting_str(f)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let b = self.0;
        while let Some(id) = seq.next_element_seed(IdSeed)? {
            b.add_preference(id).map_err(|e| fail(b, e))?;
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for ComplexesSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        Self::expecting_str(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.0;
        while let Some(id) = map.next_key_seed(IdSeed)? {
            // Kept for capacity error messages; borrowed ids make this a pointer copy.
            let name = id.clone();
            b.begin_complex(id).map_err(|e| fail(b, e))?;
            map.next_value_seed(ComplexSeed {
                b: &mut *b,
                name: &name,
            })?;
            b.end_complex().map_err(|e| fail(b, e))?;
        }
        Ok(())
    }
}

/// One complex's object; `name` is its id, for capacity errors.
struct ComplexSeed<'b, 'de> {
    b: &'b mut Builder<'de>,
    name: &'b str,
}

impl<'de> DeserializeSeed<'de> for ComplexSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ComplexSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with \"capacity\" and \"priority\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.b;
        let (mut capacity, mut priority) = (false, false);
        while let Some(key) = map.next_key_seed(IdSeed)? {
            match key.as_ref() {
                "capacity" if !capacity => {
                    capacity = true;
                    // A single small value per complex: a `Value` keeps the checks simple.
                    let value: serde_json::Value = map.next_value()?;
                    let cap = check_capacity(self.name, &value).map_err(|e| fail(b, e))?;
                    b.set_capacity(cap);
                }
                "priority" if !priority => {
                    priority = true;
                    map.next_value_seed(PrioritySeed(&mut *b))?;
                }
                "capacity" | "priority" => {
                    return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                }
                other => return Err(de::Error::unknown_field(other, COMPLEX_FIELDS)),
            }
        }
        if !capacity {
            return Err(de::Error::missing_field("capacity"));
        }
        if !priority {
            return Err(de::Error::missing_field("priority"));
        }
        Ok(())
    }
}

/// Capacity must be a JSON integer in `0..=u32::MAX` (`3.0` is refused too: a
/// float in the file means it was not produced from an integer column).
fn check_capacity(complex: &str, value: &serde_json::Value) -> Result<u32, InstanceError> {
    if let Some(n) = value.as_u64() {
        if let Ok(n) = u32::try_from(n) {
            return Ok(n);
        }
    } else if let Some(n) = value.as_i64() {
        // as_u64 failed, so this integer is negative.
        return Err(InstanceError::NegativeCapacity {
            complex: complex.to_owned(),
            capacity: n,
        });
    }
    Err(InstanceError::InvalidCapacity {
        complex: complex.to_owned(),
        found: value.to_string(),
    })
}

impl<'de> Visitor<'de> for PrioritySeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        Self::expecting_str(f)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let b = self.0;
        while let Some(id) = seq.next_element_seed(IdSeed)? {
            b.add_priority(id).map_err(|e| fail(b, e))?;
        }
        Ok(())
    }
}
