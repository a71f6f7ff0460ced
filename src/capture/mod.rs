//! Capture files → frames: pcap and pcapng, plain or gzip-compressed, read the way tshark 4.0
//! (wiretap) reads them, and written back as pcap or pcapng.
//!
//! Reading streams through one reused buffer (`input`), so memory does not depend on the file
//! size. [`CaptureReader::fill`] copies the next frames into a [`FrameBatch`] that owns its bytes,
//! so a filled batch can be dissected in parallel while nothing borrows the reader. Damaged files
//! give every good frame first, then a [`CaptureError`] naming the frame and byte offset.
//!
//! | stage | in → out |
//! |---|---|
//! | `input` | file → bytes (gzip recognised by its magic, as Wireshark does) |
//! | `pcap` / `pcapng` | bytes → records, timestamps in ns, interfaces |
//! | `batch` | records → [`FrameBatch`] of ([`FrameInfo`], bytes, kind, comments) |
//! | `writer` | frames → a new pcap/pcapng file ([`CaptureWriter`]), renamed into place on `finish` |
//! | `error` | [`CaptureError`]: NotACapture, Truncated, Damaged, Unsupported, Io |
//!
//! ```no_run
//! use wiresift::capture::{CaptureReader, FrameBatch};
//! use rayon::prelude::*;
//!
//! let mut reader = CaptureReader::open("fixtures/smtp/zeek_smtp.pcap")?;
//! let mut batch = FrameBatch::new();
//! loop {
//!     batch.clear();
//!     if reader.fill(&mut batch, 4096, 4 << 20)? == 0 {
//!         break;
//!     }
//!     let big = batch.par_frames().filter(|f| f.info.len > 1000).count();
//!     println!("{big} large frames");
//! }
//! # Ok::<(), wiresift::capture::CaptureError>(())
//! ```

mod batch;
mod error;
mod input;
mod pcap;
mod pcapng;
mod writer;

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

pub use batch::{FrameBatch, FrameRef, RecordKind, Screen, LINKTYPE_NONE};
pub use error::CaptureError;
pub use writer::{CaptureWriter, OutputFormat, WriteOptions};

use crate::dissect::FrameInfo;
use input::Input;

/// The container format of a capture file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatKind {
    /// Classic libpcap; `nanosecond` for the a1b23c4d magic.
    Pcap {
        nanosecond: bool,
        big_endian: bool,
    },
    PcapNg,
}

/// What a capture file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaptureFormat {
    pub kind: FormatKind,
    /// The file was gzip-compressed.
    pub gzip: bool,
}

impl fmt::Display for CaptureFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.kind {
            FormatKind::Pcap {
                nanosecond: true, ..
            } => "pcap (nanosecond)",
            FormatKind::Pcap { .. } => "pcap",
            FormatKind::PcapNg => "pcapng",
        };
        f.write_str(name)?;
        if self.gzip {
            f.write_str(", gzip-compressed")?;
        }
        Ok(())
    }
}

/// An interface of the capture: pcap has one, pcapng one per Interface Description Block.
/// Indexed by [`FrameRef::interface`], which runs across pcapng sections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// LINKTYPE_* value.
    pub link_type: u32,
    /// 0 means no limit.
    pub snaplen: u32,
    /// `if_name` (`frame.interface_name`).
    pub name: Option<String>,
    /// `if_description` (`frame.interface_description`).
    pub description: Option<String>,
    /// 0-based pcapng section the interface belongs to (0 for pcap).
    pub section: u32,
    /// Timestamp units per second (`if_tsresol`; 10^6 by default, 10^9 for nanosecond pcap).
    pub units_per_second: u64,
    /// `if_tsoffset`, seconds added to every timestamp.
    pub offset_seconds: i64,
}

impl Interface {
    /// Whether timestamps are finer than a microsecond.
    pub fn sub_microsecond(&self) -> bool {
        self.units_per_second > 1_000_000
    }

    /// Timestamp in nanoseconds since the epoch from a raw count of units, as wiretap computes it
    /// (unsigned: a "negative" 64-bit count is a time far in the future). Times beyond what an
    /// i64 of nanoseconds holds (after the year 2262) saturate; tshark shows them exactly.
    pub(crate) fn time_ns(&self, raw: u64) -> i64 {
        let units = self.units_per_second.max(1);
        let secs = i128::from(raw / units) + i128::from(self.offset_seconds);
        let frac = i128::from(raw % units) * 1_000_000_000 / i128::from(units);
        let ns = secs * 1_000_000_000 + frac;
        i64::try_from(ns).unwrap_or(if ns < 0 { i64::MIN } else { i64::MAX })
    }
}

/// The largest frame wiretap accepts for a link type (WTAP_MAX_PACKET_SIZE_*); tshark refuses a
/// record claiming more, calling the file damaged.
pub fn max_frame_len(link_type: u32) -> u32 {
    match link_type {
        // LINKTYPE_DBUS, LINKTYPE_USBPCAP
        231 | 249 => 128 * 1024 * 1024,
        _ => 262_144,
    }
}

enum Parser {
    Pcap(pcap::Pcap),
    PcapNg(pcapng::PcapNg),
}

/// Reads frames from a capture file, in order, through a bounded buffer.
pub struct CaptureReader {
    input: Input,
    parser: Parser,
    format: CaptureFormat,
    interfaces: Vec<Interface>,
    next_number: u32,
    /// An error met after some frames of a fill: returned by the next call.
    pending: Option<CaptureError>,
    finished: bool,
}

impl CaptureReader {
    /// Open a capture file.
    pub fn open(path: impl AsRef<Path>) -> Result<CaptureReader, CaptureError> {
        let path = path.as_ref();
        let file = File::open(path)
            .map_err(|e| CaptureError::io(format!("cannot open {}", path.display()), e))?;
        CaptureReader::from_reader(file)
    }

    /// Read a capture from any byte stream (a file, a pipe, bytes in memory).
    pub fn from_reader(src: impl Read + Send + 'static) -> Result<CaptureReader, CaptureError> {
        let mut input =
            Input::new(Box::new(src)).map_err(|e| CaptureError::io("cannot read capture", e))?;
        let gzip = input.compressed();
        let n = input.fill_to(4).map_err(|e| read_error(&input, e, 1, 0))?;
        let head: Vec<u8> = input.available().iter().take(16).copied().collect();
        let magic: [u8; 4] = match head.get(..4).and_then(|m| m.try_into().ok()) {
            Some(m) => m,
            None if input.cut_short() => {
                return Err(CaptureError::Truncated {
                    frame: 1,
                    offset: 0,
                    what: "file header",
                    is_frame: false,
                    present: n as u64,
                    needed: 4,
                    compressed: true,
                })
            }
            None => {
                return Err(CaptureError::NotACapture {
                    seen: describe_start(&head, gzip, n),
                })
            }
        };
        let (parser, kind, interfaces) = match magic {
            [0x0a, 0x0d, 0x0d, 0x0a] => (
                Parser::PcapNg(pcapng::PcapNg::new()),
                FormatKind::PcapNg,
                Vec::new(),
            ),
            _ => match pcap::Pcap::magic(magic) {
                Some((big_endian, nanosecond, modified)) => {
                    let (p, iface) =
                        pcap::Pcap::open(&mut input, big_endian, nanosecond, modified)?;
                    let nanosecond = iface.units_per_second > 1_000_000;
                    (
                        Parser::Pcap(p),
                        FormatKind::Pcap {
                            nanosecond,
                            big_endian,
                        },
                        vec![iface],
                    )
                }
                None => {
                    return Err(CaptureError::NotACapture {
                        seen: describe_start(&head, gzip, n),
                    })
                }
            },
        };
        Ok(CaptureReader {
            input,
            parser,
            format: CaptureFormat { kind, gzip },
            interfaces,
            next_number: 1,
            pending: None,
            finished: false,
        })
    }

    pub fn format(&self) -> CaptureFormat {
        self.format
    }

    /// Interfaces seen so far (pcapng adds them as their blocks are read; the list only grows,
    /// so an `interface_id` from an earlier batch stays valid).
    /// Bytes of the (decompressed) capture consumed so far.
    pub fn position(&self) -> u64 {
        self.input.offset()
    }

    pub fn interfaces(&self) -> &[Interface] {
        &self.interfaces
    }

    pub fn interface(&self, id: u32) -> Option<&Interface> {
        self.interfaces.get(id as usize)
    }

    /// Whether any interface so far has timestamps finer than a microsecond.
    pub fn sub_microsecond(&self) -> bool {
        self.interfaces.iter().any(Interface::sub_microsecond)
    }

    /// Append up to `max_frames` frames (stopping once `max_bytes` of frame data were added; at
    /// least one frame is read either way) to `batch`. Returns how many were added: 0 only at the
    /// end of the file. An error found after some
    /// frames is returned by the next call, so every good frame comes first; after an error
    /// the reader is finished and returns `Ok(0)`.
    pub fn fill(
        &mut self,
        batch: &mut FrameBatch,
        max_frames: usize,
        max_bytes: usize,
    ) -> Result<usize, CaptureError> {
        if let Some(e) = self.pending.take() {
            self.finished = true;
            return Err(e);
        }
        if self.finished {
            return Ok(0);
        }
        // Zero limits would make 0 mean something other than "end of file".
        let (max_frames, max_bytes) = (max_frames.max(1), max_bytes.max(1));
        let before = batch.len();
        let result = match &mut self.parser {
            Parser::Pcap(p) => p.fill(
                &mut self.input,
                batch,
                &mut self.next_number,
                max_frames,
                max_bytes,
            ),
            Parser::PcapNg(p) => p.fill(
                &mut self.input,
                batch,
                &mut self.interfaces,
                &mut self.next_number,
                max_frames,
                max_bytes,
            ),
        };
        let added = batch.len() - before;
        match result {
            Ok(_) => {
                if added == 0 {
                    self.finished = true;
                }
                Ok(added)
            }
            Err(e) if added > 0 => {
                self.pending = Some(e);
                Ok(added)
            }
            Err(e) => {
                self.finished = true;
                Err(e)
            }
        }
    }

    /// The frames one at a time, each with its own copy of the bytes: for small uses and tests.
    pub fn frames(&mut self) -> Frames<'_> {
        Frames {
            reader: self,
            batch: FrameBatch::new(),
            next: 0,
        }
    }
}

/// One frame with its own bytes (from [`CaptureReader::frames`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub info: FrameInfo,
    pub kind: RecordKind,
    /// Index into [`CaptureReader::interfaces`].
    pub interface: Option<u32>,
    pub data: Vec<u8>,
    pub comments: Vec<String>,
}

pub struct Frames<'r> {
    reader: &'r mut CaptureReader,
    batch: FrameBatch,
    next: usize,
}

impl Iterator for Frames<'_> {
    type Item = Result<Frame, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.batch.len() {
            self.batch.clear();
            self.next = 0;
            match self.reader.fill(&mut self.batch, 256, 4 << 20) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(e)),
            }
        }
        let f = self.batch.get(self.next)?;
        self.next += 1;
        Some(Ok(Frame {
            info: *f.info,
            kind: f.kind,
            interface: f.interface,
            data: f.data.to_vec(),
            comments: f.comments().map(str::to_owned).collect(),
        }))
    }
}

/// Map a read failure to an error: corrupt gzip data is damage, anything else is I/O.
pub(crate) fn read_error(
    input: &Input,
    e: std::io::Error,
    frame: u32,
    offset: u64,
) -> CaptureError {
    if input.compressed()
        && matches!(
            e.kind(),
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
        )
    {
        CaptureError::Damaged {
            frame: Some(frame),
            offset,
            reason: format!("the gzip-compressed data is corrupt ({e})"),
        }
    } else {
        CaptureError::io(format!("read error near byte offset {offset}"), e)
    }
}

/// Say what the start of a non-capture looks like: hex, and text if it is printable.
fn describe_start(head: &[u8], gzip: bool, n: usize) -> String {
    let what = if gzip {
        "gzip-compressed data"
    } else {
        "the file"
    };
    if n == 0 {
        return format!("{what} is empty");
    }
    let shown = head.get(..n.min(8)).unwrap_or(head);
    let hex: Vec<String> = shown.iter().map(|b| format!("{b:02x}")).collect();
    let text: String = shown
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    let printable = shown.iter().filter(|b| (0x20..0x7f).contains(*b)).count();
    let short = if n < 4 {
        format!(" (only {n} bytes)")
    } else {
        String::new()
    };
    let as_text = if printable * 2 >= shown.len() {
        format!(" (\"{text}\")")
    } else {
        String::new()
    };
    format!(
        "{what}{short} starts with bytes {}{as_text}; a pcap file starts with a1 b2 c3 d4 \
         (or a variant) and a pcapng file with 0a 0d 0d 0a",
        hex.join(" ")
    )
}
