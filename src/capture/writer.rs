//! Writing frames to a new capture file: pcapng by default, pcap when the name ends in `.pcap`.
//!
//! The file is written under a temporary name in the target's directory and renamed into place
//! by [`CaptureWriter::finish`], so an interrupted run never leaves half a capture behind. An
//! existing file is only replaced when [`WriteOptions::overwrite`] is set. Encoding of the file
//! header, section and interface blocks is pcap-file's; packet blocks are encoded here into one
//! reused buffer because pcap-file's EPB refuses frames whose captured length exceeds the
//! original length, which real (fuzzed) captures contain and tshark accepts.

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use pcap_file::pcap::{PcapHeader, PcapTsResolution, PcapWriter, RawPcapPacket};
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption, InterfaceTsResolution,
};
use pcap_file::pcapng::blocks::section_header::SectionHeaderBlock;
use pcap_file::pcapng::{PcapNgWriter, RawBlock};
use pcap_file::{DataLink, Endianness};

use super::batch::{FrameRef, RecordKind};
use super::{CaptureError, Interface};
use crate::dissect::FrameInfo;

const SPB: u32 = 3;
const EPB: u32 = 6;
const CB_COPY: u32 = 0x0000_0BAD;
const CB_NO_COPY: u32 = 0x4000_0BAD;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Pcap,
    PcapNg,
}

impl OutputFormat {
    /// pcap for a name ending in `.pcap`, pcapng otherwise.
    pub fn for_path(path: &Path) -> OutputFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("pcap") => OutputFormat::Pcap,
            _ => OutputFormat::PcapNg,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// Replace an existing file.
    pub overwrite: bool,
    /// Keep nanoseconds (set it when the source had them: [`super::CaptureReader::sub_microsecond`]).
    /// Otherwise timestamps are written in microseconds, as most tools expect.
    pub nanosecond: bool,
    /// Force a format instead of choosing by the file name.
    pub format: Option<OutputFormat>,
}

enum Out {
    /// The pcap header needs the link type, known at the first frame.
    Pcap {
        pending: Option<BufWriter<File>>,
        writer: Option<PcapWriter<BufWriter<File>>>,
        link_type: u32,
    },
    PcapNg {
        writer: PcapNgWriter<BufWriter<File>>,
        /// Output interface i was made for source (interface, link_type) `interfaces[i].0`,
        /// with snap length `interfaces[i].1`.
        interfaces: Vec<((u32, u32), u32)>,
        /// Source section being written: a frame from another one starts a new section, so
        /// interface ids (`frame.interface_id`) stay as they were.
        section: Option<u32>,
        scratch: Vec<u8>,
    },
}

/// Writes frames to a capture file, atomically.
pub struct CaptureWriter {
    target: PathBuf,
    temp: PathBuf,
    overwrite: bool,
    nanosecond: bool,
    out: Option<Out>,
    /// Names and descriptions of source interfaces, by source interface id.
    described: Vec<(u32, Interface)>,
    frames: u64,
}

impl CaptureWriter {
    pub fn create(
        path: impl AsRef<Path>,
        options: &WriteOptions,
    ) -> Result<CaptureWriter, CaptureError> {
        let target = path.as_ref().to_path_buf();
        if !options.overwrite && target.exists() {
            return Err(CaptureError::io(
                format!("refusing to overwrite {}", target.display()),
                io::Error::from(io::ErrorKind::AlreadyExists),
            ));
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "capture".into());
        let (temp, file) = create_temp(&dir, &name)?;
        let buffered = BufWriter::with_capacity(1 << 20, file);
        let format = options
            .format
            .unwrap_or_else(|| OutputFormat::for_path(&target));
        let mut w = CaptureWriter {
            target,
            temp,
            overwrite: options.overwrite,
            nanosecond: options.nanosecond,
            out: None,
            described: Vec::new(),
            frames: 0,
        };
        w.out = Some(match format {
            OutputFormat::Pcap => Out::Pcap {
                pending: Some(buffered),
                writer: None,
                link_type: 0,
            },
            OutputFormat::PcapNg => Out::PcapNg {
                writer: PcapNgWriter::with_endianness(buffered, Endianness::Little)
                    .map_err(|e| w.write_error(e))?,
                interfaces: Vec::new(),
                section: None,
                scratch: Vec::new(),
            },
        });
        Ok(w)
    }

    /// Give a source interface (name, description, snap length, section), so that its pcapng
    /// interface block says the same. `id` is the reader's interface index
    /// ([`FrameRef::interface`]). With every interface described in order, output sections and
    /// interface ids match the source's.
    pub fn describe_interface(&mut self, id: u32, iface: &Interface) {
        if !self.described.iter().any(|(i, _)| *i == id) {
            self.described.push((id, iface.clone()));
            self.described.sort_by_key(|(i, _)| *i);
        }
    }

    /// Write a frame from a batch, with its comments (pcapng) and kind.
    pub fn write(&mut self, frame: &FrameRef<'_>) -> Result<(), CaptureError> {
        match frame.kind {
            RecordKind::Packet | RecordKind::SimplePacket => {
                let comments: Vec<&str> = frame.comments().collect();
                let key = frame.interface.unwrap_or(frame.info.interface_id);
                let simple = frame.kind == RecordKind::SimplePacket;
                self.write_packet(frame.info, key, simple, frame.data, &comments)
            }
            RecordKind::CustomBlock { pen, copy_allowed } => {
                self.write_custom(frame.info.number, pen, copy_allowed, frame.data)
            }
            RecordKind::SystemdJournal => Err(CaptureError::Unsupported {
                offset: None,
                reason: format!(
                    "frame {} is a systemd journal entry, which is not written",
                    frame.info.number
                ),
            }),
        }
    }

    /// Write one packet: its timestamp, original length and link type are kept. Frames with the
    /// same `info.interface_id` and link type share an output interface.
    pub fn write_frame(
        &mut self,
        info: &FrameInfo,
        data: &[u8],
        comments: &[&str],
    ) -> Result<(), CaptureError> {
        self.write_packet(info, info.interface_id, false, data, comments)
    }

    /// `simple`: the frame came from a Simple Packet Block (no timestamp); it is written as one
    /// when pcapng can say the same thing, else as an Enhanced Packet Block stamped 0.
    fn write_packet(
        &mut self,
        info: &FrameInfo,
        interface: u32,
        simple: bool,
        data: &[u8],
        comments: &[&str],
    ) -> Result<(), CaptureError> {
        if info.time_ns < 0 {
            return Err(CaptureError::Unsupported {
                offset: None,
                reason: format!("frame {} has a timestamp before 1970", info.number),
            });
        }
        let cap = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let ns = info.time_ns as u64;
        let nano = self.nanosecond;
        let result = match self.out.as_mut() {
            None => return Err(finished()),
            Some(Out::Pcap {
                pending,
                writer,
                link_type,
            }) => {
                if writer.is_none() {
                    let file = pending.take().ok_or_else(finished)?;
                    let header = PcapHeader {
                        version_major: 2,
                        version_minor: 4,
                        ts_correction: 0,
                        ts_accuracy: 0,
                        snaplen: 262_144,
                        datalink: DataLink::from(info.link_type),
                        ts_resolution: if nano {
                            PcapTsResolution::NanoSecond
                        } else {
                            PcapTsResolution::MicroSecond
                        },
                        endianness: Endianness::Little,
                    };
                    *link_type = info.link_type;
                    *writer = Some(PcapWriter::with_header(file, header).map_err(|e| {
                        CaptureError::io("cannot write pcap header", io::Error::other(e))
                    })?);
                }
                if *link_type != info.link_type {
                    return Err(CaptureError::Unsupported {
                        offset: None,
                        reason: format!(
                            "frame {} has link type {} but a pcap file holds only one ({}); \
                             write pcapng instead",
                            info.number, info.link_type, link_type
                        ),
                    });
                }
                let w = writer.as_mut().ok_or_else(finished)?;
                let (sec, frac) = if nano {
                    (ns / 1_000_000_000, ns % 1_000_000_000)
                } else {
                    (ns / 1_000_000_000, ns % 1_000_000_000 / 1000)
                };
                let sec = u32::try_from(sec).map_err(|_| CaptureError::Unsupported {
                    offset: None,
                    reason: format!(
                        "frame {} is after 2106, beyond pcap's timestamps",
                        info.number
                    ),
                })?;
                w.write_raw_packet(&RawPcapPacket {
                    ts_sec: sec,
                    ts_frac: frac as u32,
                    incl_len: cap,
                    orig_len: info.len,
                    data: Cow::Borrowed(data),
                })
                .map(|_| ())
                .map_err(|e| io::Error::other(e.to_string()))
            }
            Some(Out::PcapNg {
                writer,
                interfaces,
                section,
                scratch,
            }) => {
                let source = self.described.iter().find(|(i, _)| *i == interface);
                let src_section = source.map_or(0, |(_, s)| s.section);
                if section.is_some_and(|s| s != src_section) {
                    let shb = SectionHeaderBlock {
                        endianness: Endianness::Little,
                        ..SectionHeaderBlock::default()
                    };
                    writer.write_pcapng_block(shb).map_err(|e| {
                        CaptureError::io(
                            "cannot write section header",
                            io::Error::other(e.to_string()),
                        )
                    })?;
                    interfaces.clear();
                }
                *section = Some(src_section);
                // Described interfaces of the section come out in their order, used or not, so
                // that interface ids stay the same; others get a block when first used.
                if let Some((_, src)) = source {
                    for (gid, other) in &self.described {
                        if other.section == src.section
                            && *gid <= interface
                            && !interfaces.iter().any(|((g, _), _)| g == gid)
                        {
                            write_idb(writer, nano, other.link_type, Some(other), info.number)?;
                            interfaces.push(((*gid, other.link_type), other.snaplen));
                        }
                    }
                }
                let key = (interface, info.link_type);
                let id = match interfaces.iter().position(|(k, _)| *k == key) {
                    Some(i) => i,
                    None => {
                        let src = source.map(|(_, s)| s);
                        write_idb(writer, nano, info.link_type, src, info.number)?;
                        interfaces.push((key, src.map_or(0, |s| s.snaplen)));
                        interfaces.len() - 1
                    }
                };
                // A Simple Packet Block belongs to interface 0 and its captured length is the
                // original length cut to that interface's snap length.
                let snaplen = interfaces.get(id).map_or(0, |(_, s)| *s);
                let spb_cap = if snaplen != 0 {
                    info.len.min(snaplen)
                } else {
                    info.len
                };
                if simple && id == 0 && comments.is_empty() && spb_cap == cap {
                    scratch.clear();
                    scratch.extend_from_slice(&info.len.to_le_bytes());
                    scratch.extend_from_slice(data);
                    pad4(scratch);
                    write_raw(writer, SPB, scratch).map_err(|e| {
                        CaptureError::io(format!("cannot write frame {}", info.number), e)
                    })?;
                    self.frames += 1;
                    return Ok(());
                }
                let raw = if nano { ns } else { ns / 1000 };
                scratch.clear();
                for v in [id as u32, (raw >> 32) as u32, raw as u32, cap, info.len] {
                    scratch.extend_from_slice(&v.to_le_bytes());
                }
                scratch.extend_from_slice(data);
                pad4(scratch);
                for c in comments {
                    let c = c.as_bytes();
                    let c = c.get(..usize::from(u16::MAX) & !3).unwrap_or(c);
                    scratch.extend_from_slice(&1u16.to_le_bytes());
                    scratch.extend_from_slice(&(c.len() as u16).to_le_bytes());
                    scratch.extend_from_slice(c);
                    pad4(scratch);
                }
                if !comments.is_empty() {
                    scratch.extend_from_slice(&[0; 4]);
                }
                write_raw(writer, EPB, scratch)
            }
        };
        result.map_err(|e| CaptureError::io(format!("cannot write frame {}", info.number), e))?;
        self.frames += 1;
        Ok(())
    }

    fn write_custom(
        &mut self,
        number: u32,
        pen: u32,
        copy: bool,
        data: &[u8],
    ) -> Result<(), CaptureError> {
        match self.out.as_mut() {
            Some(Out::PcapNg {
                writer, scratch, ..
            }) => {
                scratch.clear();
                scratch.extend_from_slice(&pen.to_le_bytes());
                scratch.extend_from_slice(data);
                pad4(scratch);
                write_raw(writer, if copy { CB_COPY } else { CB_NO_COPY }, scratch)
                    .map_err(|e| CaptureError::io(format!("cannot write frame {number}"), e))?;
                self.frames += 1;
                Ok(())
            }
            Some(Out::Pcap { .. }) => Err(CaptureError::Unsupported {
                offset: None,
                reason: format!("frame {number} is a pcapng custom block, which pcap cannot hold"),
            }),
            None => Err(finished()),
        }
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Flush, sync and move the file into place.
    pub fn finish(mut self) -> Result<(), CaptureError> {
        let out = self.out.take().ok_or_else(finished)?;
        let buffered = match out {
            Out::Pcap {
                pending: Some(file),
                ..
            } => {
                // No frame came: write a header for Ethernet so the file is still a valid pcap.
                let header = PcapHeader {
                    datalink: DataLink::ETHERNET,
                    ts_resolution: if self.nanosecond {
                        PcapTsResolution::NanoSecond
                    } else {
                        PcapTsResolution::MicroSecond
                    },
                    endianness: Endianness::Little,
                    ..PcapHeader::default()
                };
                PcapWriter::with_header(file, header)
                    .map_err(|e| {
                        CaptureError::io(
                            "cannot write pcap header",
                            io::Error::other(e.to_string()),
                        )
                    })?
                    .into_inner()
            }
            Out::Pcap {
                writer: Some(w), ..
            } => w.into_inner(),
            Out::Pcap { .. } => return Err(finished()),
            Out::PcapNg { writer, .. } => writer.into_inner(),
        };
        let file = buffered.into_inner().map_err(|e| {
            CaptureError::io(
                format!("cannot write {}", self.temp.display()),
                e.into_error(),
            )
        })?;
        file.sync_all()
            .map_err(|e| CaptureError::io(format!("cannot write {}", self.temp.display()), e))?;
        drop(file);
        let placed = if self.overwrite {
            fs::rename(&self.temp, &self.target)
        } else {
            // A hard link fails if the target appeared meanwhile: never clobber.
            fs::hard_link(&self.temp, &self.target).and_then(|_| fs::remove_file(&self.temp))
        };
        placed
            .map_err(|e| CaptureError::io(format!("cannot create {}", self.target.display()), e))?;
        self.temp = PathBuf::new();
        Ok(())
    }

    fn write_error(&self, e: impl std::fmt::Display) -> CaptureError {
        CaptureError::io(
            format!("cannot write {}", self.temp.display()),
            io::Error::other(e.to_string()),
        )
    }
}

impl Drop for CaptureWriter {
    fn drop(&mut self) {
        // Not finished: leave no half file behind.
        if !self.temp.as_os_str().is_empty() {
            self.out = None;
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Write an Interface Description Block keeping the source interface's details.
fn write_idb(
    writer: &mut PcapNgWriter<BufWriter<File>>,
    nano: bool,
    link_type: u32,
    src: Option<&Interface>,
    frame: u32,
) -> Result<(), CaptureError> {
    let link = u16::try_from(link_type).map_err(|_| CaptureError::Unsupported {
        offset: None,
        reason: format!("frame {frame} has link type {link_type}, which pcapng cannot hold"),
    })?;
    let mut options = vec![InterfaceDescriptionOption::IfTsResol(if nano {
        InterfaceTsResolution::NANO
    } else {
        InterfaceTsResolution::MICRO
    })];
    if let Some(n) = src.and_then(|s| s.name.as_ref()) {
        options.push(InterfaceDescriptionOption::IfName(Cow::Owned(n.clone())));
    }
    if let Some(d) = src.and_then(|s| s.description.as_ref()) {
        options.push(InterfaceDescriptionOption::IfDescription(Cow::Owned(
            d.clone(),
        )));
    }
    let idb = InterfaceDescriptionBlock {
        linktype: DataLink::from(u32::from(link)),
        snaplen: src.map_or(0, |s| s.snaplen),
        options,
    };
    writer.write_pcapng_block(idb).map(|_| ()).map_err(|e| {
        CaptureError::io(
            "cannot write interface block",
            io::Error::other(e.to_string()),
        )
    })
}

fn finished() -> CaptureError {
    CaptureError::io("capture writer", io::Error::other("already finished"))
}

fn pad4(v: &mut Vec<u8>) {
    while !v.len().is_multiple_of(4) {
        v.push(0);
    }
}

fn write_raw(
    writer: &mut PcapNgWriter<BufWriter<File>>,
    type_: u32,
    body: &[u8],
) -> io::Result<()> {
    let len = u32::try_from(body.len() + 12).map_err(|_| io::Error::other("block too large"))?;
    writer
        .write_raw_block(&RawBlock {
            type_,
            initial_len: len,
            body: Cow::Borrowed(body),
            trailer_len: len,
        })
        .map(|_| ())
        .map_err(|e| io::Error::other(e.to_string()))
}

fn create_temp(dir: &Path, name: &str) -> Result<(PathBuf, File), CaptureError> {
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let temp = dir.join(format!(".{name}.{pid}.{attempt}.partial"));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(f) => return Ok((temp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(CaptureError::io(
                    format!("cannot create a file in {}", dir.display()),
                    e,
                ))
            }
        }
    }
    Err(CaptureError::io(
        format!("cannot create a file in {}", dir.display()),
        io::Error::from(io::ErrorKind::AlreadyExists),
    ))
}
