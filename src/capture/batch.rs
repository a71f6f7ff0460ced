//! A reusable batch of frames that owns its bytes, so it can be handed to rayon after the reader
//! filled it (frames never borrow the reader's buffer).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::dissect::FrameInfo;

/// What kind of record a frame came from. tshark 4.0 numbers some non-packet pcapng blocks as
/// frames too (custom blocks, systemd journal entries), so they are frames here as well: frame
/// numbers must agree with tshark's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    /// A pcap record, pcapng Enhanced Packet Block or (obsolete) Packet Block.
    Packet,
    /// A pcapng Simple Packet Block: no timestamp (tshark shows no `frame.time_epoch`).
    SimplePacket,
    /// A pcapng Custom Block; `data` is what follows the Private Enterprise Number.
    CustomBlock { pen: u32, copy_allowed: bool },
    /// A pcapng systemd Journal Export Block; `data` is the journal entry.
    SystemdJournal,
}

impl RecordKind {
    /// Whether the record carries a timestamp (`frame.time_epoch` exists).
    pub fn has_time(self) -> bool {
        matches!(self, RecordKind::Packet)
    }

    /// Whether the record belongs to an interface (`frame.interface_id` exists).
    pub fn has_interface(self) -> bool {
        matches!(self, RecordKind::Packet | RecordKind::SimplePacket)
    }
}

/// `FrameInfo::link_type` of records that have no link layer (custom blocks, journal entries).
pub const LINKTYPE_NONE: u32 = u32::MAX;

/// A test run on each frame as it is read (the engine's prefilter): a frame it rejects keeps its
/// place in the batch (number, time, length) but not its bytes, which are never copied.
#[derive(Clone)]
pub struct Screen(pub Arc<ScreenFn>);

/// The screen's test: keep this frame?
pub type ScreenFn = dyn Fn(&FrameInfo, &[u8]) -> bool + Send + Sync;

impl fmt::Debug for Screen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Screen")
    }
}

#[derive(Clone, Debug)]
struct Entry {
    info: FrameInfo,
    /// Rejected by the screen: no bytes were kept.
    screened: bool,
    kind: RecordKind,
    data: Range<usize>,
    interface: Option<u32>,
    /// Range into `FrameBatch::comment_spans`.
    comments: Range<usize>,
}

/// Frames read by [`super::CaptureReader::fill`]: their bytes in one buffer, reused across fills.
#[derive(Clone, Debug, Default)]
pub struct FrameBatch {
    data: Vec<u8>,
    entries: Vec<Entry>,
    comment_text: String,
    comment_spans: Vec<Range<usize>>,
    screen: Option<Screen>,
}

/// One frame of a batch.
#[derive(Clone, Copy, Debug)]
pub struct FrameRef<'a> {
    pub info: &'a FrameInfo,
    pub data: &'a [u8],
    pub kind: RecordKind,
    /// Index into [`super::CaptureReader::interfaces`] (numbered across pcapng sections, unlike
    /// `info.interface_id`, which is the id within the frame's section as tshark shows it).
    pub interface: Option<u32>,
    /// Rejected by the batch's [`Screen`]: `data` is empty.
    pub screened: bool,
    batch: &'a FrameBatch,
    comments: &'a Range<usize>,
}

impl<'a> FrameRef<'a> {
    /// The frame's pcapng comments (`frame.comment`), in file order.
    pub fn comments(&self) -> impl Iterator<Item = &'a str> + 'a {
        let batch = self.batch;
        batch
            .comment_spans
            .get(self.comments.clone())
            .unwrap_or(&[])
            .iter()
            .map(move |r| batch.comment_text.get(r.clone()).unwrap_or(""))
    }
}

impl FrameBatch {
    pub fn new() -> FrameBatch {
        FrameBatch::default()
    }

    /// Test every frame pushed from now on (None: keep them all).
    pub fn set_screen(&mut self, screen: Option<Screen>) {
        self.screen = screen;
    }

    /// Forget the frames, keeping the allocations.
    pub fn clear(&mut self) {
        self.data.clear();
        self.entries.clear();
        self.comment_text.clear();
        self.comment_spans.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Total captured bytes held.
    pub fn bytes(&self) -> usize {
        self.data.len()
    }

    pub fn get(&self, i: usize) -> Option<FrameRef<'_>> {
        self.entries.get(i).map(|e| self.frame_ref(e))
    }

    /// The frames as (info, bytes).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&FrameInfo, &[u8])> + '_ {
        self.entries
            .iter()
            .map(|e| (&e.info, self.data.get(e.data.clone()).unwrap_or(&[])))
    }

    /// The frames with their kind and comments.
    pub fn frames(&self) -> impl ExactSizeIterator<Item = FrameRef<'_>> + '_ {
        self.entries.iter().map(|e| self.frame_ref(e))
    }

    /// The frames as a rayon parallel iterator, in order.
    pub fn par_frames(&self) -> impl IndexedParallelIterator<Item = FrameRef<'_>> + '_ {
        self.entries.par_iter().map(|e| self.frame_ref(e))
    }

    fn frame_ref<'a>(&'a self, e: &'a Entry) -> FrameRef<'a> {
        FrameRef {
            info: &e.info,
            data: self.data.get(e.data.clone()).unwrap_or(&[]),
            kind: e.kind,
            interface: e.interface,
            screened: e.screened,
            batch: self,
            comments: &e.comments,
        }
    }

    #[inline]
    pub(crate) fn push(
        &mut self,
        info: FrameInfo,
        kind: RecordKind,
        interface: Option<u32>,
        bytes: &[u8],
    ) {
        let screened = self.screen.as_ref().is_some_and(|s| !(s.0)(&info, bytes));
        let start = self.data.len();
        if !screened {
            self.data.extend_from_slice(bytes);
        }
        let n = self.comment_spans.len();
        self.entries.push(Entry {
            info,
            screened,
            kind,
            data: start..self.data.len(),
            interface,
            comments: n..n,
        });
    }

    /// Attach a comment to the frame pushed last.
    pub(crate) fn add_comment(&mut self, text: &str) {
        let start = self.comment_text.len();
        self.comment_text.push_str(text);
        self.comment_spans.push(start..self.comment_text.len());
        if let Some(e) = self.entries.last_mut() {
            e.comments.end = self.comment_spans.len();
        }
    }
}
