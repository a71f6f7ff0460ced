//! Classic libpcap files: a 24-byte file header, then 16-byte record headers each followed by
//! the frame's bytes. Either byte order, microsecond or nanosecond timestamps, any link type.
//!
//! Like wiretap, files with the standard or "modified" magic may be one of several old variants
//! whose record headers are longer (Red Hat 6.1's ss990417, SuSE 6.3's ss990915, ss991029,
//! Nokia IPSO) or AIX's; the variant is guessed by reading the first two records each way and
//! keeping the one whose headers look least wrong (wiretap's "figure of merit"). This decides
//! how many frames tshark shows of some damaged files.
//!
//! The record loop parses headers straight out of the input buffer: this is the hot path of the
//! whole engine on pcap files and must stay close to a plain read() loop.

use super::batch::{FrameBatch, RecordKind};
use super::input::Input;
use super::{max_frame_len, read_error, CaptureError, Interface};
use crate::dissect::FrameInfo;

const FILE_HEADER_LEN: usize = 24;
const RECORD_HEADER_LEN: usize = 16;

pub(crate) struct Pcap {
    big_endian: bool,
    nanosecond: bool,
    link_type: u32,
    max_cap_len: u32,
    /// Record header length: 16, or longer for the old variants.
    header_len: usize,
    lengths: Lengths,
    /// AIX puts 3 bytes of padding before FDDI frames.
    skip: u32,
}

/// Files before version 2.3 store orig_len before incl_len.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lengths {
    InOrder,
    Swapped,
    /// Version 2.3: swapped only where incl_len > orig_len.
    MaybeSwapped,
}

/// Record layouts wiretap knows for pcap files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Standard,
    Ss990417,
    Ss990915,
    Ss991029,
    Nokia,
}

impl Variant {
    fn header_len(self) -> usize {
        match self {
            Variant::Standard => 16,
            Variant::Nokia => 20,
            Variant::Ss990417 | Variant::Ss991029 => 24,
            Variant::Ss990915 => 28,
        }
    }
}

/// How many records wiretap 4.0 reads to guess a variant (two reproduces tshark's frame count on
/// fixtures/malformed/suricata_bug-6875-01_fuzz.pcap, which it reads as ss990417).
const RECORDS_TO_TRY: usize = 2;

#[inline(always)]
fn u32_at(b: &[u8; RECORD_HEADER_LEN], at: usize, big_endian: bool) -> u32 {
    let w = match at {
        0 => [b[0], b[1], b[2], b[3]],
        4 => [b[4], b[5], b[6], b[7]],
        8 => [b[8], b[9], b[10], b[11]],
        _ => [b[12], b[13], b[14], b[15]],
    };
    if big_endian {
        u32::from_be_bytes(w)
    } else {
        u32::from_le_bytes(w)
    }
}

impl Pcap {
    /// (big_endian, nanosecond, modified) for a pcap magic number as it appears in the file;
    /// "modified" is the a1b2cd34 magic of Alexey Kuznetzov's patches.
    pub(crate) fn magic(m: [u8; 4]) -> Option<(bool, bool, bool)> {
        match m {
            [0xa1, 0xb2, 0xc3, 0xd4] => Some((true, false, false)),
            [0xd4, 0xc3, 0xb2, 0xa1] => Some((false, false, false)),
            [0xa1, 0xb2, 0x3c, 0x4d] => Some((true, true, false)),
            [0x4d, 0x3c, 0xb2, 0xa1] => Some((false, true, false)),
            [0xa1, 0xb2, 0xcd, 0x34] => Some((true, false, true)),
            [0x34, 0xcd, 0xb2, 0xa1] => Some((false, false, true)),
            _ => None,
        }
    }

    /// Read the file header (the magic was already recognised).
    pub(crate) fn open(
        input: &mut Input,
        big_endian: bool,
        nanosecond: bool,
        modified: bool,
    ) -> Result<(Pcap, Interface), CaptureError> {
        let n = input
            .fill_to(FILE_HEADER_LEN)
            .map_err(|e| read_error(input, e, 1, 0))?;
        let h = match input.available().get(..FILE_HEADER_LEN) {
            Some(h) => h,
            None => {
                return Err(CaptureError::Truncated {
                    frame: 1,
                    offset: 0,
                    what: "pcap file header",
                    is_frame: false,
                    present: n as u64,
                    needed: FILE_HEADER_LEN as u64,
                    compressed: input.cut_short(),
                })
            }
        };
        let rd16 = |at: usize| {
            let w = [
                h.get(at).copied().unwrap_or(0),
                h.get(at + 1).copied().unwrap_or(0),
            ];
            if big_endian {
                u16::from_be_bytes(w)
            } else {
                u16::from_le_bytes(w)
            }
        };
        let rd32 = |at: usize| {
            let mut w = [0u8; 4];
            if let Some(s) = h.get(at..at + 4) {
                w.copy_from_slice(s);
            }
            if big_endian {
                u32::from_be_bytes(w)
            } else {
                u32::from_le_bytes(w)
            }
        };
        let (major, minor) = (rd16(4), rd16(6));
        if major < 2 {
            return Err(CaptureError::Unsupported {
                offset: Some(4),
                reason: format!("pcap version {major}.{minor}"),
            });
        }
        let snaplen = rd32(16);
        let mut network = rd32(20);
        let mut nanosecond = nanosecond;
        let lengths = match (major, minor) {
            (2, 0..=2) | (543, _) => Lengths::Swapped,
            (2, 3) => Lengths::MaybeSwapped,
            _ => Lengths::InOrder,
        };
        // Only 2.4+ files with the standard or modified magic may be an old variant.
        let mut guess = !nanosecond && !matches!(lengths, Lengths::Swapped | Lengths::MaybeSwapped);
        let mut aix = false;
        if !modified && major == 2 && minor == 2 {
            // AIX writes RFC 1573 ifType values and nanosecond times.
            let mapped = match network {
                6 => Some(1),
                9 => Some(6),
                15 => Some(10),
                24 => Some(0),
                _ => None,
            };
            if let Some(m) = mapped {
                network = m;
                nanosecond = true;
                aix = true;
                guess = false;
            }
        }
        if network & 0x03FF_0000 != 0 {
            // LT_RESERVED1: wiretap refuses these.
            return Err(CaptureError::Unsupported {
                offset: Some(20),
                reason: format!(
                    "pcap link-layer type field has reserved bits set ({network:#010x})"
                ),
            });
        }
        // The upper bits carry FCS information (libpcap's LT_LINKTYPE mask).
        let link_type = network & 0x0000_FFFF;
        input.consume(FILE_HEADER_LEN);
        let max_cap_len = max_frame_len(link_type);
        let variant = if modified {
            guess_variant(
                input,
                big_endian,
                snaplen,
                max_cap_len,
                &[Variant::Ss991029, Variant::Ss990915],
            )
            .map_err(|e| read_error(input, e, 1, FILE_HEADER_LEN as u64))?
        } else if guess {
            guess_variant(
                input,
                big_endian,
                snaplen,
                max_cap_len,
                &[Variant::Standard, Variant::Ss990417, Variant::Nokia],
            )
            .map_err(|e| read_error(input, e, 1, FILE_HEADER_LEN as u64))?
        } else {
            Variant::Standard
        };
        let iface = Interface {
            link_type,
            snaplen,
            name: None,
            description: None,
            section: 0,
            units_per_second: if nanosecond { 1_000_000_000 } else { 1_000_000 },
            offset_seconds: 0,
        };
        Ok((
            Pcap {
                big_endian,
                nanosecond,
                link_type,
                max_cap_len,
                header_len: variant.header_len(),
                lengths,
                skip: if aix && link_type == 10 { 3 } else { 0 },
            },
            iface,
        ))
    }

    pub(crate) fn fill(
        &mut self,
        input: &mut Input,
        batch: &mut FrameBatch,
        next_number: &mut u32,
        max_frames: usize,
        max_bytes: usize,
    ) -> Result<usize, CaptureError> {
        let big = self.big_endian;
        let hlen = self.header_len;
        let lengths = self.lengths;
        let skip = self.skip;
        let frac_ns: u32 = if self.nanosecond { 1 } else { 1000 };
        let mut added = 0usize;
        let mut bytes = 0usize;
        loop {
            let avail = input.available();
            let mut p = 0usize;
            let mut damage = None;
            while added < max_frames && bytes < max_bytes {
                if avail.len() < p + hlen {
                    break;
                }
                let Some(h) = avail
                    .get(p..p + RECORD_HEADER_LEN)
                    .and_then(|h| <&[u8; RECORD_HEADER_LEN]>::try_from(h).ok())
                else {
                    break;
                };
                let (incl, orig) = record_lengths(h, big, lengths);
                if incl > self.max_cap_len {
                    damage = Some(CaptureError::Damaged {
                        frame: Some(*next_number),
                        offset: input.offset() + p as u64,
                        reason: format!(
                            "record claims {incl} bytes, more than the {} a frame may have",
                            self.max_cap_len
                        ),
                    });
                    break;
                }
                let start = p + hlen;
                let Some(record) = avail.get(start..start + incl as usize) else {
                    break;
                };
                let data = record.get(skip as usize..).unwrap_or(&[]);
                let ts_sec = i64::from(u32_at(h, 0, big));
                // wiretap keeps the fraction in a 32-bit int of nanoseconds, so a (damaged)
                // microsecond field of 2^31/1000 or more wraps; do the same to agree with tshark.
                let ts_frac = i64::from(u32_at(h, 4, big).wrapping_mul(frac_ns) as i32);
                let info = FrameInfo {
                    number: *next_number,
                    time_ns: ts_sec * 1_000_000_000 + ts_frac,
                    len: orig.saturating_sub(skip),
                    cap_len: data.len() as u32,
                    interface_id: 0,
                    has_interface_id: false,
                    has_ts: true,
                    link_type: self.link_type,
                };
                batch.push(info, RecordKind::Packet, Some(0), data);
                *next_number = next_number.wrapping_add(1);
                added += 1;
                bytes += data.len();
                p = start + record.len();
            }
            input.consume(p);
            if let Some(e) = damage {
                return Err(e);
            }
            if added >= max_frames || bytes >= max_bytes {
                return Ok(added);
            }
            // The next record is not wholly in the buffer: read more.
            let offset = input.offset();
            let have = input.available();
            let need = match have
                .get(..RECORD_HEADER_LEN)
                .and_then(|h| <&[u8; RECORD_HEADER_LEN]>::try_from(h).ok())
            {
                Some(h) if have.len() >= hlen => hlen + record_lengths(h, big, lengths).0 as usize,
                _ => hlen,
            };
            let got = input
                .fill_to(need)
                .map_err(|e| read_error(input, e, *next_number, offset))?;
            if got == 0 && !input.cut_short() {
                return Ok(added);
            }
            if got < need {
                if got < hlen {
                    // Cut inside the header: the frame's length is unknown.
                    return Err(CaptureError::Truncated {
                        frame: *next_number,
                        offset,
                        what: "record header",
                        is_frame: true,
                        present: got as u64,
                        needed: hlen as u64,
                        compressed: input.cut_short(),
                    });
                }
                // The header may be complete now and claim too much; report that first.
                let h = input
                    .available()
                    .get(..RECORD_HEADER_LEN)
                    .and_then(|h| <&[u8; RECORD_HEADER_LEN]>::try_from(h).ok());
                let incl = h.map_or(0, |h| record_lengths(h, big, lengths).0);
                if incl > self.max_cap_len {
                    continue;
                }
                return Err(CaptureError::Truncated {
                    frame: *next_number,
                    offset,
                    what: "record",
                    is_frame: true,
                    present: got as u64,
                    needed: (hlen + incl as usize) as u64,
                    compressed: input.cut_short(),
                });
            }
        }
    }
}

/// (incl_len, orig_len) of a record header.
#[inline(always)]
fn record_lengths(h: &[u8; RECORD_HEADER_LEN], big: bool, lengths: Lengths) -> (u32, u32) {
    let (a, b) = (u32_at(h, 8, big), u32_at(h, 12, big));
    match lengths {
        Lengths::InOrder => (a, b),
        Lengths::Swapped => (b, a),
        Lengths::MaybeSwapped if a > b => (b, a),
        Lengths::MaybeSwapped => (a, b),
    }
}

/// wiretap's libpcap_try_variants: the first variant whose first records look right, else the
/// one with the fewest oddities.
fn guess_variant(
    input: &mut Input,
    big: bool,
    snaplen: u32,
    max_cap_len: u32,
    variants: &[Variant],
) -> std::io::Result<Variant> {
    // Two records and their headers, but never more than the usual buffer (link types such as
    // USBPcap allow 128 MiB records; a guess cut short assumes the format, as wiretap does).
    input.fill_to((2 * (max_cap_len as usize + 28)).min(super::input::BUFFER_SIZE))?;
    let data = input.available();
    let mut best = (usize::MAX, Variant::Standard);
    for &v in variants {
        let merit = figure_of_merit(data, v, big, snaplen, max_cap_len);
        if merit == 0 {
            return Ok(v);
        }
        if merit < best.0 {
            best = (merit, v);
        }
    }
    Ok(best.1)
}

/// How wrong the first records look when read as `variant`, as wiretap 4.0's libpcap_try does
/// it: the oddities of the first record header if it has any, else those of the second. (Later
/// Wiretaps read three records and also check the variants' extra fields; 4.0 does not, and
/// reading fixtures/malformed/suricata_bug-6875-01_fuzz.pcap as ss990417 depends on that.)
fn figure_of_merit(data: &[u8], variant: Variant, big: bool, snaplen: u32, max: u32) -> usize {
    let rd32 = |at: usize| -> Option<u32> {
        let w: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(w)
        } else {
            u32::from_le_bytes(w)
        })
    };
    // An end of data anywhere (even mid-record) counts as "this format", as in wiretap 4.0:
    // reading the frames will meet the same end.
    let mut p = 0usize;
    for record in 0..RECORDS_TO_TRY {
        let (Some(usec), Some(incl), Some(orig)) = (rd32(p + 4), rd32(p + 8), rd32(p + 12)) else {
            return 0;
        };
        if data.len() < p + variant.header_len() {
            return 0;
        }
        let merit = usize::from(usec >= 1_000_000)
            + usize::from(incl > max)
            + usize::from(incl > snaplen)
            + usize::from(orig > 128 * 1024 * 1024)
            + usize::from(incl > orig);
        if merit > 0 || record + 1 == RECORDS_TO_TRY {
            return merit;
        }
        p += variant.header_len() + incl as usize;
    }
    0
}
