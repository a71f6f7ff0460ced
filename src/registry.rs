//! The field registry: every protocol and field wiresift knows, with Wireshark 4.0's abbreviations,
//! types and value names.
//!
//! Each dissector declares its fields as data (`dissect::fields::<proto>::FIELDS`, generated from
//! `tshark -G fields` by `tools/gen_fields.py`); this module concatenates them into one table whose
//! index is the [`FieldId`]. Ids are computed at compile time by [`id`], so a dissector names a field
//! by its abbreviation (`registry::id("tcp.srcport")`) and a typo fails the build.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Wireshark's field types (`FT_*`), as `tshark -G fields` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    None,
    Protocol,
    Boolean,
    Char,
    U8,
    U16,
    U24,
    U32,
    U40,
    U48,
    U56,
    U64,
    I8,
    I16,
    I24,
    I32,
    I40,
    I48,
    I56,
    I64,
    Float,
    Double,
    AbsoluteTime,
    RelativeTime,
    String,
    StringZ,
    UintString,
    StringZPad,
    StringZTrunc,
    Ether,
    Bytes,
    UintBytes,
    Ipv4,
    Ipv6,
    IpxNet,
    FrameNum,
    Guid,
    Oid,
    RelOid,
    SystemId,
    Eui64,
    Ax25,
    Vines,
    FcWwn,
    Ieee11073SFloat,
    Ieee11073Float,
}

impl FieldType {
    /// The `FT_*` name, as `tshark -G fields` prints it.
    pub fn ft_name(self) -> &'static str {
        use FieldType::*;
        match self {
            None => "FT_NONE",
            Protocol => "FT_PROTOCOL",
            Boolean => "FT_BOOLEAN",
            Char => "FT_CHAR",
            U8 => "FT_UINT8",
            U16 => "FT_UINT16",
            U24 => "FT_UINT24",
            U32 => "FT_UINT32",
            U40 => "FT_UINT40",
            U48 => "FT_UINT48",
            U56 => "FT_UINT56",
            U64 => "FT_UINT64",
            I8 => "FT_INT8",
            I16 => "FT_INT16",
            I24 => "FT_INT24",
            I32 => "FT_INT32",
            I40 => "FT_INT40",
            I48 => "FT_INT48",
            I56 => "FT_INT56",
            I64 => "FT_INT64",
            Float => "FT_FLOAT",
            Double => "FT_DOUBLE",
            AbsoluteTime => "FT_ABSOLUTE_TIME",
            RelativeTime => "FT_RELATIVE_TIME",
            String => "FT_STRING",
            StringZ => "FT_STRINGZ",
            UintString => "FT_UINT_STRING",
            StringZPad => "FT_STRINGZPAD",
            StringZTrunc => "FT_STRINGZTRUNC",
            Ether => "FT_ETHER",
            Bytes => "FT_BYTES",
            UintBytes => "FT_UINT_BYTES",
            Ipv4 => "FT_IPv4",
            Ipv6 => "FT_IPv6",
            IpxNet => "FT_IPXNET",
            FrameNum => "FT_FRAMENUM",
            Guid => "FT_GUID",
            Oid => "FT_OID",
            RelOid => "FT_REL_OID",
            SystemId => "FT_SYSTEM_ID",
            Eui64 => "FT_EUI64",
            Ax25 => "FT_AX25",
            Vines => "FT_VINES",
            FcWwn => "FT_FCWWN",
            Ieee11073SFloat => "FT_IEEE_11073_SFLOAT",
            Ieee11073Float => "FT_IEEE_11073_FLOAT",
        }
    }

    /// The description Wireshark uses in messages ("Unsigned integer (2 bytes)").
    pub fn pretty_name(self) -> &'static str {
        use FieldType::*;
        match self {
            None => "Label",
            Protocol => "Protocol",
            Boolean => "Boolean",
            Char => "Character (8 bits)",
            U8 => "Unsigned integer (1 byte)",
            U16 => "Unsigned integer (2 bytes)",
            U24 => "Unsigned integer (3 bytes)",
            U32 => "Unsigned integer (4 bytes)",
            U40 => "Unsigned integer (5 bytes)",
            U48 => "Unsigned integer (6 bytes)",
            U56 => "Unsigned integer (7 bytes)",
            U64 => "Unsigned integer (8 bytes)",
            I8 => "Signed integer (1 byte)",
            I16 => "Signed integer (2 bytes)",
            I24 => "Signed integer (3 bytes)",
            I32 => "Signed integer (4 bytes)",
            I40 => "Signed integer (5 bytes)",
            I48 => "Signed integer (6 bytes)",
            I56 => "Signed integer (7 bytes)",
            I64 => "Signed integer (8 bytes)",
            Float => "Floating point (single-precision)",
            Double => "Floating point (double-precision)",
            AbsoluteTime => "Date and time",
            RelativeTime => "Time offset",
            String => "Character string",
            StringZ => "Character string",
            UintString => "Character string",
            StringZPad => "Character string",
            StringZTrunc => "Character string",
            Ether => "Ethernet or other MAC address",
            Bytes => "Byte sequence",
            UintBytes => "Byte sequence",
            Ipv4 => "IPv4 address",
            Ipv6 => "IPv6 address",
            IpxNet => "IPX network number",
            FrameNum => "Frame number",
            Guid => "Globally Unique Identifier",
            Oid => "ASN.1 object identifier",
            RelOid => "ASN.1 relative object identifier",
            SystemId => "OSI System-ID",
            Eui64 => "EUI64 address",
            Ax25 => "AX.25 address",
            Vines => "VINES address",
            FcWwn => "Fibre Channel WWN",
            Ieee11073SFloat => "IEEE-11073 floating point (16-bit)",
            Ieee11073Float => "IEEE-11073 Floating point (32-bit)",
        }
    }

    /// Signed or unsigned integer types (including char and frame numbers), with their width in bits.
    pub fn int_bits(self) -> Option<(bool, u32)> {
        use FieldType::*;
        Some(match self {
            Char | U8 => (false, 8),
            U16 => (false, 16),
            U24 => (false, 24),
            U32 | FrameNum | IpxNet => (false, 32),
            U40 => (false, 40),
            U48 => (false, 48),
            U56 => (false, 56),
            U64 => (false, 64),
            I8 => (true, 8),
            I16 => (true, 16),
            I24 => (true, 24),
            I32 => (true, 32),
            I40 => (true, 40),
            I48 => (true, 48),
            I56 => (true, 56),
            I64 => (true, 64),
            _ => return Option::None,
        })
    }

    pub fn is_string(self) -> bool {
        use FieldType::*;
        matches!(
            self,
            String | StringZ | UintString | StringZPad | StringZTrunc
        )
    }

    /// Types whose values are a sequence of bytes (compare, slice and `contains` as bytes).
    pub fn is_bytes_like(self) -> bool {
        use FieldType::*;
        matches!(
            self,
            Bytes | UintBytes | Ether | Ax25 | Vines | FcWwn | Oid | RelOid | SystemId | Protocol
        )
    }
}

/// How Wireshark displays a field (`BASE_*`), or for booleans the width of the parent bit field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Display {
    None,
    Dec,
    Hex,
    Oct,
    DecHex,
    HexDec,
    Custom,
    Oui,
    PtTcp,
    PtUdp,
    /// FT_BOOLEAN: bit width of the parent field (0 = a stand-alone boolean).
    Bits(u8),
    /// FT_ABSOLUTE_TIME and other displays that only matter for printing.
    Other,
}

/// Names for a field's values (`value_string`, `range_string`, `true_false_string`).
#[derive(Clone, Copy, Debug)]
pub enum ValueNames {
    None,
    Vals(&'static [(u64, &'static str)]),
    Ranges(&'static [(u64, u64, &'static str)]),
    Tfs(&'static str, &'static str),
}

/// One field or protocol, as Wireshark registers it (`header_field_info`).
#[derive(Clone, Copy, Debug)]
pub struct FieldDef {
    /// The filter name: `tcp.srcport`.
    pub abbrev: &'static str,
    /// The label in the details tree: `Source Port`.
    pub name: &'static str,
    pub ftype: FieldType,
    pub display: Display,
    pub bitmask: u64,
    /// One-line description (may be empty).
    pub blurb: &'static str,
    pub strings: ValueNames,
}

impl FieldDef {
    /// The protocol this field belongs to: the abbreviation up to the first dot.
    pub fn protocol(&self) -> &'static str {
        match self.abbrev.find('.') {
            Some(i) => &self.abbrev[..i],
            None => self.abbrev,
        }
    }

    /// The name for a value, if the field has value names.
    pub fn value_name(&self, v: u64) -> Option<&'static str> {
        match self.strings {
            ValueNames::Vals(vals) => vals.iter().find(|(k, _)| *k == v).map(|(_, s)| *s),
            ValueNames::Ranges(r) => r
                .iter()
                .find(|(lo, hi, _)| *lo <= v && v <= *hi)
                .map(|(_, _, s)| *s),
            ValueNames::Tfs(t, f) => Some(if v != 0 { t } else { f }),
            ValueNames::None => None,
        }
    }
}

/// Index of a field in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(pub u16);

impl FieldId {
    pub fn def(self) -> &'static FieldDef {
        def(self)
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Every table, in registry order. The order decides ids, nothing else.
pub const TABLES: &[&[FieldDef]] = crate::dissect::fields::TABLES;

const fn str_eq(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a, b) {
            ([], []) => return true,
            ([x, ra @ ..], [y, rb @ ..]) if *x == *y => {
                a = ra;
                b = rb;
            }
            _ => return false,
        }
    }
}

/// The id of a field by its abbreviation, at compile time: `const SRCPORT: FieldId = id("tcp.srcport");`
/// An unknown name stops the build (in a `const`) or panics (at run time); use [`lookup`] for user input.
pub const fn id(abbrev: &str) -> FieldId {
    let mut base = 0usize;
    let mut tables = TABLES;
    while let [table, rest @ ..] = tables {
        let mut i = 0;
        let mut defs = *table;
        while let [d, more @ ..] = defs {
            if str_eq(d.abbrev, abbrev) {
                return FieldId((base + i) as u16);
            }
            i += 1;
            defs = more;
        }
        base += table.len();
        tables = rest;
    }
    panic!("field is not in the registry")
}

struct Registry {
    defs: Vec<&'static FieldDef>,
    by_name: HashMap<&'static str, FieldId>,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let defs: Vec<&'static FieldDef> = TABLES.iter().flat_map(|t| t.iter()).collect();
    let mut by_name = HashMap::with_capacity(defs.len());
    for (i, d) in defs.iter().enumerate() {
        // First registration wins, as in Wireshark (same-name fields share an abbreviation).
        by_name.entry(d.abbrev).or_insert(FieldId(i as u16));
    }
    Registry { defs, by_name }
});

/// The definition of a field.
// A `FieldId` comes from this registry (`id`, `lookup`, `all`: positions in `defs`), never from
// input, so the index is in range; a made-up id is a caller's bug.
#[allow(clippy::indexing_slicing)]
pub fn def(id: FieldId) -> &'static FieldDef {
    REGISTRY.defs[id.index()]
}

/// A field or protocol by its filter name.
pub fn lookup(abbrev: &str) -> Option<FieldId> {
    REGISTRY.by_name.get(abbrev).copied()
}

/// Number of fields in the registry (the bound of every [`FieldId`]).
pub fn len() -> usize {
    REGISTRY.defs.len()
}

/// All fields, in registry order.
pub fn all() -> impl Iterator<Item = (FieldId, &'static FieldDef)> {
    REGISTRY
        .defs
        .iter()
        .enumerate()
        .map(|(i, d)| (FieldId(i as u16), *d))
}

/// The registered name closest to an unknown one, for "did you mean ...".
/// Prefers a field of the same protocol whose last part is the same word (`smtp.command` →
/// `smtp.req.command`), then the nearest name by edit distance (`ip.adr` → `ip.addr`).
pub fn suggest(unknown: &str) -> Option<&'static str> {
    let proto = unknown.split('.').next().unwrap_or(unknown);
    let last = unknown.rsplit('.').next().unwrap_or(unknown);
    if unknown.contains('.') {
        let same_word = all()
            .map(|(_, d)| d.abbrev)
            .filter(|a| a.split('.').next() == Some(proto) && a.rsplit('.').next() == Some(last))
            .min_by_key(|a| a.len());
        if same_word.is_some() {
            return same_word;
        }
    }
    let len = unknown.chars().count();
    let limit = (len / 4).clamp(1, 3);
    // The distance is at least the difference in length: skipping those first keeps a hostile
    // megabyte-long name from costing a quadratic comparison with every field.
    all()
        .filter(|(_, d)| d.abbrev.len().abs_diff(len) <= limit)
        .map(|(_, d)| (strsim::damerau_levenshtein(unknown, d.abbrev), d.abbrev))
        .filter(|(dist, _)| *dist <= limit)
        .min_by_key(|(dist, a)| (*dist, a.len()))
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRCPORT: FieldId = id("tcp.srcport");

    #[test]
    fn compile_time_ids_match_lookup() {
        assert_eq!(lookup("tcp.srcport"), Some(SRCPORT));
        assert_eq!(def(SRCPORT).name, "Source Port");
        assert_eq!(def(SRCPORT).ftype, FieldType::U16);
        assert_eq!(
            lookup("smtp").map(|f| def(f).name),
            Some("Simple Mail Transfer Protocol")
        );
        assert_eq!(lookup("nosuch.field"), None);
    }

    #[test]
    fn suggestions_for_near_misses() {
        assert_eq!(suggest("ip.adr"), Some("ip.addr"));
        assert_eq!(suggest("smtp.command"), Some("smtp.req.command"));
        assert_eq!(suggest("tcp.prot"), Some("tcp.port"));
        assert_eq!(suggest("zzzzzzzzzzzz"), None);
    }

    #[test]
    fn value_names_from_tshark() {
        let code = def(lookup("smtp.response.code").unwrap());
        assert_eq!(
            code.value_name(250),
            Some("Requested mail action okay, completed")
        );
        let syn = def(lookup("tcp.flags.syn").unwrap());
        assert_eq!(syn.value_name(1), Some("Set"));
    }
}

/// Whether wiresift dissects this field's protocol. The last table holds the protocols tshark
/// knows and wiresift does not (`http`): they are valid in filters and never present.
pub fn dissected(id: FieldId) -> bool {
    id.index() < len() - crate::dissect::fields::other::FIELDS.len()
}
