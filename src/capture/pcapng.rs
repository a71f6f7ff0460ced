//! pcapng files: a sequence of blocks in sections, each section with its own byte order and its
//! own interfaces (link type, snap length, timestamp resolution `if_tsresol` and offset).
//!
//! Packet-carrying blocks become frames: Enhanced, Simple and the obsolete Packet Block, and, as
//! tshark 4.0 does, Custom Blocks and systemd Journal Export Blocks. Name resolution, interface
//! statistics, decryption secrets and unknown blocks are skipped. `frame.interface_id` is the id
//! within the frame's section, as tshark 4.0 shows it; the batch also gives each frame its index
//! in the reader's interface list, which runs across sections.

use super::batch::{FrameBatch, RecordKind, LINKTYPE_NONE};
use super::input::Input;
use super::{max_frame_len, read_error, CaptureError, Interface};
use crate::dissect::FrameInfo;

const SHB: u32 = 0x0A0D_0D0A;
const IDB: u32 = 1;
const PB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;
const JOURNAL: u32 = 9;
const CB_COPY: u32 = 0x0000_0BAD;
const CB_NO_COPY: u32 = 0x4000_0BAD;

const OPT_END: u16 = 0;
const OPT_COMMENT: u16 = 1;
const IF_NAME: u16 = 2;
const IF_DESCRIPTION: u16 = 3;
const IF_TSRESOL: u16 = 9;
const IF_TSOFFSET: u16 = 14;

/// wiretap's MAX_BLOCK_SIZE: a block header claiming more is damage, not a huge packet.
const MAX_BLOCK_LEN: u32 = 16 + 128 * 1024 * 1024 + 131_072;

pub(crate) struct PcapNg {
    big_endian: bool,
    /// Sections seen so far.
    sections: u32,
    /// Global index of the current section's interface 0.
    section_base: usize,
}

fn block_name(t: u32) -> &'static str {
    match t {
        SHB => "section header block",
        IDB => "interface description block",
        PB => "packet block",
        SPB => "simple packet block",
        4 => "name resolution block",
        5 => "interface statistics block",
        EPB => "enhanced packet block",
        JOURNAL => "systemd journal export block",
        0x0A => "decryption secrets block",
        CB_COPY | CB_NO_COPY => "custom block",
        _ => "block",
    }
}

fn is_record(t: u32) -> bool {
    matches!(t, PB | SPB | EPB | JOURNAL | CB_COPY | CB_NO_COPY)
}

/// Byte-order aware reads from a block body; out of range reads give `None`.
#[derive(Clone, Copy)]
struct Body<'a> {
    b: &'a [u8],
    big: bool,
}

impl<'a> Body<'a> {
    fn u16(&self, at: usize) -> Option<u16> {
        let w: [u8; 2] = self.b.get(at..at + 2)?.try_into().ok()?;
        Some(if self.big {
            u16::from_be_bytes(w)
        } else {
            u16::from_le_bytes(w)
        })
    }
    fn u32(&self, at: usize) -> Option<u32> {
        let w: [u8; 4] = self.b.get(at..at + 4)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(w)
        } else {
            u32::from_le_bytes(w)
        })
    }
    fn u64(&self, at: usize) -> Option<u64> {
        let w: [u8; 8] = self.b.get(at..at + 8)?.try_into().ok()?;
        Some(if self.big {
            u64::from_be_bytes(w)
        } else {
            u64::from_le_bytes(w)
        })
    }

    /// The options starting at `at`: (code, value) until opt_endofopt or the end of the body.
    /// An option running past the body ends the list (wiretap is as lenient with packets).
    fn options(self, mut at: usize) -> impl Iterator<Item = (u16, &'a [u8])> {
        std::iter::from_fn(move || {
            let code = self.u16(at)?;
            let len = usize::from(self.u16(at + 2)?);
            if code == OPT_END {
                return None;
            }
            let value = self.b.get(at + 4..at + 4 + len)?;
            at += 4 + len.div_ceil(4) * 4;
            Some((code, value))
        })
    }
}

fn text(v: &[u8]) -> String {
    let end = v.iter().position(|&b| b == 0).unwrap_or(v.len());
    String::from_utf8_lossy(v.get(..end).unwrap_or(v)).into_owned()
}

impl PcapNg {
    pub(crate) fn new() -> PcapNg {
        PcapNg {
            big_endian: false,
            sections: 0,
            section_base: 0,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fill(
        &mut self,
        input: &mut Input,
        batch: &mut FrameBatch,
        interfaces: &mut Vec<Interface>,
        next_number: &mut u32,
        max_frames: usize,
        max_bytes: usize,
    ) -> Result<usize, CaptureError> {
        let mut added = 0usize;
        let mut bytes = 0usize;
        while added < max_frames && bytes < max_bytes {
            let offset = input.offset();
            let frame = *next_number;
            let got = input
                .fill_to(12)
                .map_err(|e| read_error(input, e, frame, offset))?;
            if got == 0 && !input.cut_short() {
                return Ok(added);
            }
            let head = input.available();
            let hb = Body {
                b: head,
                big: self.big_endian,
            };
            let Some(btype) = hb.u32(0) else {
                return Err(truncated(
                    input,
                    frame,
                    offset,
                    "block header",
                    false,
                    got,
                    8,
                ));
            };
            // A section header sets its own byte order, from its byte-order magic.
            let big = if btype == SHB {
                match head.get(8..12) {
                    Some([0x1a, 0x2b, 0x3c, 0x4d]) => true,
                    Some([0x4d, 0x3c, 0x2b, 0x1a]) => false,
                    Some(m) if self.sections == 0 => {
                        return Err(CaptureError::NotACapture {
                            seen: format!(
                                "it starts like a pcapng file but the byte-order magic is \
                                 {:02x} {:02x} {:02x} {:02x}",
                                m.first().unwrap_or(&0),
                                m.get(1).unwrap_or(&0),
                                m.get(2).unwrap_or(&0),
                                m.get(3).unwrap_or(&0)
                            ),
                        })
                    }
                    Some(_) => {
                        return Err(CaptureError::Damaged {
                            frame: None,
                            offset,
                            reason: "section header block with a bad byte-order magic".into(),
                        })
                    }
                    None => {
                        return Err(truncated(
                            input,
                            frame,
                            offset,
                            block_name(SHB),
                            false,
                            got,
                            12,
                        ))
                    }
                }
            } else {
                self.big_endian
            };
            let hb = Body { b: head, big };
            let Some(len) = hb.u32(4) else {
                return Err(truncated(
                    input,
                    frame,
                    offset,
                    "block header",
                    false,
                    got,
                    8,
                ));
            };
            let record = is_record(btype);
            let damaged = |reason: String| CaptureError::Damaged {
                frame: record.then_some(frame),
                offset,
                reason,
            };
            if len < 12 || len % 4 != 0 {
                return Err(damaged(format!(
                    "{} has length {len}, which is {}",
                    block_name(btype),
                    if len < 12 {
                        "less than the 12 bytes of an empty block"
                    } else {
                        "not a multiple of 4"
                    }
                )));
            }
            if len > MAX_BLOCK_LEN {
                return Err(damaged(format!(
                    "{} claims {len} bytes, more than the {MAX_BLOCK_LEN} a block may have",
                    block_name(btype)
                )));
            }
            let len = len as usize;
            let got = input
                .fill_to(len)
                .map_err(|e| read_error(input, e, frame, offset))?;
            if got < len {
                return Err(truncated(
                    input,
                    frame,
                    offset,
                    block_name(btype),
                    record,
                    got,
                    len,
                ));
            }
            let block = input.available().get(..len).unwrap_or(&[]);
            let whole = Body { b: block, big };
            if whole.u32(len - 4) != Some(len as u32) {
                return Err(damaged(format!(
                    "{} has trailing length {} but leading length {len}",
                    block_name(btype),
                    whole.u32(len - 4).unwrap_or(0)
                )));
            }
            let body = Body {
                b: block.get(8..len - 4).unwrap_or(&[]),
                big,
            };
            let section_ifaces = interfaces.len() - self.section_base;
            match btype {
                SHB => {
                    let major = body.u16(4).unwrap_or(0);
                    let minor = body.u16(6).unwrap_or(0);
                    if major != 1 {
                        return Err(CaptureError::Unsupported {
                            offset: Some(offset),
                            reason: format!("pcapng version {major}.{minor}"),
                        });
                    }
                    self.big_endian = big;
                    self.sections += 1;
                    self.section_base = interfaces.len();
                }
                _ if self.sections == 0 => {
                    return Err(CaptureError::NotACapture {
                        seen: "it does not start with a pcapng section header block".into(),
                    })
                }
                IDB => {
                    let iface = self.interface(body, offset)?;
                    interfaces.push(iface);
                }
                EPB | PB => {
                    let (local, fixed) = if btype == EPB {
                        (body.u32(0), 20)
                    } else {
                        (body.u16(0).map(u32::from), 20)
                    };
                    let (Some(local), Some(hi), Some(lo), Some(cap), Some(orig)) =
                        (local, body.u32(4), body.u32(8), body.u32(12), body.u32(16))
                    else {
                        return Err(damaged(format!(
                            "{} is too short ({len} bytes)",
                            block_name(btype)
                        )));
                    };
                    let Some(iface) = (local as usize)
                        .checked_add(self.section_base)
                        .and_then(|i| interfaces.get(i))
                        .filter(|_| (local as usize) < section_ifaces)
                    else {
                        return Err(damaged(if section_ifaces == 0 {
                            format!(
                                "{} comes before any interface description block",
                                block_name(btype)
                            )
                        } else {
                            format!(
                                "{} names interface {local}, but its section has only {} \
                                 interface description block(s)",
                                block_name(btype),
                                section_ifaces
                            )
                        }));
                    };
                    let max = max_frame_len(iface.link_type);
                    if cap > max {
                        return Err(damaged(format!(
                            "record claims {cap} bytes, more than the {max} a frame may have"
                        )));
                    }
                    let room = body.b.len().saturating_sub(fixed);
                    let Some(data) = body.b.get(fixed..fixed + cap as usize) else {
                        return Err(damaged(format!(
                            "{} claims {cap} captured bytes but has room for only {room}",
                            block_name(btype)
                        )));
                    };
                    let raw = (u64::from(hi) << 32) | u64::from(lo);
                    let time_ns = iface.time_ns(raw);
                    let info = FrameInfo {
                        number: frame,
                        time_ns,
                        len: orig,
                        cap_len: cap,
                        interface_id: local,
                        has_interface_id: true,
                        has_ts: true,
                        link_type: iface.link_type,
                    };
                    let global = (self.section_base + local as usize) as u32;
                    batch.push(info, RecordKind::Packet, Some(global), data);
                    let opts = fixed + (cap as usize).div_ceil(4) * 4;
                    for (code, value) in body.options(opts) {
                        if code == OPT_COMMENT {
                            batch.add_comment(&text(value));
                        }
                    }
                    bytes += data.len();
                    added += 1;
                    *next_number = frame.wrapping_add(1);
                }
                SPB => {
                    let Some(iface) = interfaces
                        .get(self.section_base)
                        .filter(|_| section_ifaces > 0)
                    else {
                        return Err(damaged(
                            "simple packet block comes before any interface description block"
                                .into(),
                        ));
                    };
                    let Some(orig) = body.u32(0) else {
                        return Err(damaged(format!(
                            "simple packet block is too short ({len} bytes)"
                        )));
                    };
                    // The captured length is not stored: it is the original length cut to the
                    // interface's snap length.
                    let cap = if iface.snaplen != 0 {
                        orig.min(iface.snaplen)
                    } else {
                        orig
                    };
                    let max = max_frame_len(iface.link_type);
                    if cap > max {
                        return Err(damaged(format!(
                            "record claims {cap} bytes, more than the {max} a frame may have"
                        )));
                    }
                    let Some(data) = body.b.get(4..4 + cap as usize) else {
                        return Err(damaged(format!(
                            "simple packet block needs {cap} captured bytes but has room for only {}",
                            body.b.len().saturating_sub(4)
                        )));
                    };
                    let info = FrameInfo {
                        number: frame,
                        time_ns: 0,
                        len: orig,
                        cap_len: cap,
                        interface_id: 0,
                        has_interface_id: true,
                        has_ts: false,
                        link_type: iface.link_type,
                    };
                    let global = self.section_base as u32;
                    batch.push(info, RecordKind::SimplePacket, Some(global), data);
                    bytes += data.len();
                    added += 1;
                    *next_number = frame.wrapping_add(1);
                }
                CB_COPY | CB_NO_COPY | JOURNAL => {
                    let (kind, data) = if btype == JOURNAL {
                        (RecordKind::SystemdJournal, body.b)
                    } else {
                        let Some(pen) = body.u32(0) else {
                            return Err(damaged(format!(
                                "custom block is too short ({len} bytes)"
                            )));
                        };
                        (
                            RecordKind::CustomBlock {
                                pen,
                                copy_allowed: btype == CB_COPY,
                            },
                            body.b.get(4..).unwrap_or(&[]),
                        )
                    };
                    let info = FrameInfo {
                        number: frame,
                        time_ns: 0,
                        len: data.len() as u32,
                        cap_len: data.len() as u32,
                        interface_id: 0,
                        has_interface_id: false,
                        has_ts: false,
                        link_type: LINKTYPE_NONE,
                    };
                    batch.push(info, kind, None, data);
                    bytes += data.len();
                    added += 1;
                    *next_number = frame.wrapping_add(1);
                }
                _ => {}
            }
            input.consume(len);
        }
        Ok(added)
    }

    /// An Interface Description Block: link type, snap length and the options that matter.
    fn interface(&self, body: Body<'_>, offset: u64) -> Result<Interface, CaptureError> {
        let (Some(link_type), Some(snaplen)) = (body.u16(0), body.u32(4)) else {
            return Err(CaptureError::Damaged {
                frame: None,
                offset,
                reason: "interface description block is too short".into(),
            });
        };
        let mut iface = Interface {
            link_type: u32::from(link_type),
            snaplen,
            name: None,
            description: None,
            section: self.sections.saturating_sub(1),
            units_per_second: 1_000_000,
            offset_seconds: 0,
        };
        for (code, value) in body.options(8) {
            match code {
                IF_NAME => iface.name = Some(text(value)),
                IF_DESCRIPTION => iface.description = Some(text(value)),
                IF_TSRESOL => {
                    let v = value.first().copied().unwrap_or(6);
                    let exp = u32::from(v & 0x7f);
                    let units = if v & 0x80 != 0 {
                        2u64.checked_pow(exp)
                    } else {
                        10u64.checked_pow(exp)
                    };
                    iface.units_per_second = units.ok_or_else(|| CaptureError::Unsupported {
                        offset: Some(offset),
                        reason: format!("interface timestamp resolution if_tsresol = {v:#04x}"),
                    })?;
                }
                IF_TSOFFSET => {
                    if let Some(o) = (Body {
                        b: value,
                        big: body.big,
                    })
                    .u64(0)
                    {
                        iface.offset_seconds = o as i64;
                    }
                }
                _ => {}
            }
        }
        Ok(iface)
    }
}

fn truncated(
    input: &Input,
    frame: u32,
    offset: u64,
    what: &'static str,
    is_frame: bool,
    present: usize,
    needed: usize,
) -> CaptureError {
    CaptureError::Truncated {
        frame,
        offset,
        what,
        is_frame,
        present: present as u64,
        needed: needed as u64,
        compressed: input.cut_short(),
    }
}
