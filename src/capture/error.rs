//! Errors from reading or writing capture files, as plain data rendered only by `Display`.
//!
//! Every error that concerns a place in the file names the byte offset (in the uncompressed data
//! for gzip files) and, where a frame is involved, the frame number tshark would give it.

use std::fmt;
use std::io;

/// What went wrong while reading or writing a capture file.
#[derive(Debug)]
pub enum CaptureError {
    /// The data is neither pcap nor pcapng (nor a gzip-compressed one). `seen` says what it is.
    NotACapture { seen: String },
    /// The file ends inside a header, block or frame. `frame` is the number of the frame being
    /// read (or that would have come next, for a non-packet block); `offset` is where the cut
    /// record or block starts.
    Truncated {
        frame: u32,
        offset: u64,
        /// "record" (pcap), "enhanced packet block", "pcap file header", ...
        what: &'static str,
        /// Whether `what` holds the frame itself (then the message says "inside frame N").
        is_frame: bool,
        present: u64,
        needed: u64,
        /// The gzip stream itself was cut short (rather than a complete stream ending early).
        compressed: bool,
    },
    /// A header or record whose contents cannot be right: a length too large or inconsistent,
    /// an interface that does not exist. Frames before it were good.
    Damaged {
        frame: Option<u32>,
        offset: u64,
        reason: String,
    },
    /// Valid data this reader (or tshark 4.0) does not handle: an unknown pcap variant, a pcapng
    /// version other than 1.x, a frame that cannot be written in the chosen format.
    Unsupported { offset: Option<u64>, reason: String },
    /// The operating system failed a read or write.
    Io { context: String, source: io::Error },
}

impl CaptureError {
    /// The frame the error concerns, if any.
    pub fn frame(&self) -> Option<u32> {
        match self {
            CaptureError::Truncated { frame, .. } => Some(*frame),
            CaptureError::Damaged { frame, .. } => *frame,
            _ => None,
        }
    }

    /// The byte offset the error concerns, if any.
    pub fn offset(&self) -> Option<u64> {
        match self {
            CaptureError::Truncated { offset, .. } | CaptureError::Damaged { offset, .. } => {
                Some(*offset)
            }
            CaptureError::Unsupported { offset, .. } => *offset,
            _ => None,
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> CaptureError {
        CaptureError::Io {
            context: context.into(),
            source,
        }
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::NotACapture { seen } => {
                write!(f, "not a pcap or pcapng capture file: {seen}")
            }
            CaptureError::Truncated {
                frame,
                offset,
                what,
                is_frame,
                present,
                needed,
                compressed,
            } => {
                let ends = if *compressed {
                    "the gzip-compressed data is cut short"
                } else {
                    "file ends"
                };
                let of = if *compressed {
                    " of the uncompressed data"
                } else {
                    ""
                };
                if *is_frame {
                    write!(
                        f,
                        "{ends} inside frame {frame} ({what} at byte offset {offset}{of}): \
                         {present} of {needed} bytes present"
                    )
                } else {
                    write!(
                        f,
                        "{ends} inside the {what} at byte offset {offset}{of} (before frame {frame}): \
                         {present} of {needed} bytes present"
                    )
                }
            }
            CaptureError::Damaged {
                frame: Some(n),
                offset,
                reason,
            } => write!(f, "frame {n} at byte offset {offset}: {reason}"),
            CaptureError::Damaged {
                frame: None,
                offset,
                reason,
            } => write!(f, "at byte offset {offset}: {reason}"),
            CaptureError::Unsupported {
                offset: Some(o),
                reason,
            } => write!(f, "unsupported at byte offset {o}: {reason}"),
            CaptureError::Unsupported {
                offset: None,
                reason,
            } => write!(f, "unsupported: {reason}"),
            CaptureError::Io { context, source } => write!(f, "{context}: {source}"),
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CaptureError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
