//! `wiresift follow --stream N <capture>`: a TCP conversation's two directions, as
//! `tshark -q -z follow,tcp,ascii|hex|raw,N` prints them.
//!
//! Segments are put in order per direction the way Wireshark's follow tap does
//! (`follow_tcp_tap_listener`): a segment that continues the stream is a chunk; a retransmission
//! adds only bytes not seen yet; a segment after a gap waits until the gap is filled, or until the
//! other side acknowledges past it (then a "[N bytes missing in capture file]" chunk stands in).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::Path;

use crate::dissect::{side, side_mut, Interest};
use crate::engine::{self, Flow, Match, Options, RunError, Sink};
use crate::filter::{self, Filter, FilterError};
use crate::registry::{self, FieldId};

/// What `--format` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// As `follow,tcp,ascii`.
    Ascii,
    /// As `follow,tcp,hex`.
    Hex,
    /// The bytes themselves, both directions in stream order (for piping to a file).
    Raw,
    /// As `follow,tcp,raw`: each chunk's bytes as one line of hex.
    TsharkRaw,
}

/// How tshark shows the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Printable characters, CR and LF as they are, others as `.`; each chunk after its length.
    Ascii,
    /// Offset, 16 bytes in hex, and their ASCII, per chunk.
    Hex,
    /// The bytes in hex, one chunk per line.
    Raw,
}

impl Style {
    fn name(self) -> &'static str {
        match self {
            Style::Ascii => "ascii",
            Style::Hex => "hex",
            Style::Raw => "raw",
        }
    }
}

/// Bytes one side sent, as one segment delivered them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// From the server (Node 1): the side that did not send the conversation's first frame.
    pub server: bool,
    pub frame: u32,
    pub data: Vec<u8>,
}

/// One TCP segment as the follow tap sees it.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    pub src: (IpAddr, u16),
    pub dst: (IpAddr, u16),
    /// Raw sequence and acknowledgement numbers.
    pub seq: u32,
    pub ack: u32,
    pub syn: bool,
    /// The TCP length on the wire (`tcp.len`).
    pub seglen: u32,
    /// The captured payload (shorter than `seglen` when the frame was cut).
    pub data: &'a [u8],
    pub frame: u32,
}

/// A segment waiting for the bytes before it.
struct Pending {
    seq: u32,
    data: Vec<u8>,
}

/// The follow state of one conversation (Wireshark's `follow_info_t`).
#[derive(Default)]
pub struct Conversation {
    pub client: Option<(IpAddr, u16)>,
    pub server: Option<(IpAddr, u16)>,
    /// Chunks in the order they became contiguous.
    pub chunks: Vec<Chunk>,
    /// Next expected sequence number per direction (client, server).
    next: [Option<u32>; 2],
    written: [u64; 2],
    pending: [Vec<Pending>; 2],
}

fn lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}
fn gt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

impl Conversation {
    /// One TCP segment of the conversation.
    pub fn segment(&mut self, seg: &Segment) {
        let Segment {
            src,
            dst,
            seq,
            ack,
            syn,
            seglen,
            data,
            frame,
        } = *seg;
        let mut seq = if syn { seq.wrapping_add(1) } else { seq };
        if self.client.is_none() {
            self.client = Some(src);
            self.server = Some(dst);
        }
        let server = self.client != Some(src);
        // A frame that acknowledges data held back in the other direction: those bytes were seen by
        // the receiver, so the gap is in the capture, not in the stream.
        while self.check_pending(!server, Some(ack), frame) {}

        let next = side_mut(&mut self.next, server);
        if *side(&self.written, server) == 0 && next.unwrap_or(0) == 0 {
            *next = Some(seq);
        }
        let next = next.unwrap_or(seq);
        let mut length = seglen;
        let mut data = data;
        if lt(seq, next) {
            let end = seq.wrapping_add(seglen);
            if gt(end, next) {
                let skip = next.wrapping_sub(seq) as usize;
                data = data.get(skip..).unwrap_or(&[]);
                seq = next;
                length = end.wrapping_sub(next);
            }
        }
        if data.is_empty() || lt(seq, next) {
            return;
        }
        if seq == next {
            *side_mut(&mut self.next, server) = Some(next.wrapping_add(length));
            *side_mut(&mut self.written, server) += data.len() as u64;
            self.chunks.push(Chunk {
                server,
                frame,
                data: data.to_vec(),
            });
            while self.check_pending(server, None, frame) {}
        } else {
            side_mut(&mut self.pending, server).push(Pending {
                seq,
                data: data.to_vec(),
            });
        }
    }

    /// Move one held-back segment into the stream if it now fits (Wireshark's
    /// `check_follow_fragments`); true when something changed.
    fn check_pending(&mut self, server: bool, acked: Option<u32>, frame: u32) -> bool {
        let pending = side_mut(&mut self.pending, server);
        let next_seq = side_mut(&mut self.next, server);
        let Some(first) = pending.first() else {
            return false;
        };
        let next = next_seq.unwrap_or(0);
        let mut lowest = first.seq;
        for i in 0..pending.len() {
            let Some(p) = pending.get(i) else {
                break;
            };
            if gt(lowest, p.seq) {
                lowest = p.seq;
            }
            if lt(p.seq, next) {
                let end = p.seq.wrapping_add(p.data.len() as u32);
                if gt(end, next) {
                    let skip = next.wrapping_sub(p.seq) as usize;
                    if let Some(rest) = p.data.get(skip..).filter(|r| !r.is_empty()) {
                        self.chunks.push(Chunk {
                            server,
                            frame,
                            data: rest.to_vec(),
                        });
                    }
                    let added = (p.data.len() - skip.min(p.data.len())) as u32;
                    *next_seq = Some(next.wrapping_add(added));
                }
                pending.remove(i);
                return true;
            }
            if p.seq == next {
                let p = pending.remove(i);
                *next_seq = Some(next.wrapping_add(p.data.len() as u32));
                if !p.data.is_empty() {
                    self.chunks.push(Chunk {
                        server,
                        frame,
                        data: p.data,
                    });
                }
                return true;
            }
        }
        if let Some(ack) = acked {
            if lt(lowest, ack) {
                // Wireshark counts the terminating NUL of the message as data.
                let mut text = format!(
                    "[{} bytes missing in capture file]",
                    lowest.wrapping_sub(next) as i32
                )
                .into_bytes();
                text.push(0);
                self.chunks.push(Chunk {
                    server,
                    frame,
                    data: text,
                });
                *next_seq = Some(lowest);
                return true;
            }
        }
        false
    }
}

const SEPARATOR: &str = "===================================================================\n";

fn node(n: Option<(IpAddr, u16)>) -> String {
    match n {
        None => ":0".into(),
        Some((IpAddr::V6(a), p)) => format!("[{a}]:{p}"),
        Some((a, p)) => format!("{a}:{p}"),
    }
}

/// `follow_print_hex`: 8-digit offset, 16 bytes in hex with a gap after 8, and their ASCII.
fn hex_lines(out: &mut String, prefix: &str, mut offset: u64, data: &[u8]) {
    for row in data.chunks(16) {
        let mut hex = String::with_capacity(49);
        let mut ascii = String::with_capacity(17);
        for (i, b) in row.iter().enumerate() {
            let _ = write!(hex, "{b:02x} ");
            ascii.push(if (0x20..0x7f).contains(b) {
                *b as char
            } else {
                '.'
            });
            if i == 7 {
                hex.push(' ');
                ascii.push(' ');
            }
        }
        // Wireshark drops one trailing space, whether it is the gap or a space byte.
        if ascii.ends_with(' ') {
            ascii.pop();
        }
        let _ = writeln!(out, "{prefix}{:08X}  {hex:<50}{ascii}", offset as u32);
        offset += 16;
    }
}

/// The whole report, byte for byte as tshark prints it.
pub fn render(conv: &Conversation, stream: u64, style: Style) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "\n{SEPARATOR}Follow: tcp,{}\nFilter: tcp.stream eq {stream}\n",
        style.name()
    );
    let _ = writeln!(out, "Node 0: {}", node(conv.client));
    let _ = writeln!(out, "Node 1: {}", node(conv.server));
    let mut pos = [0u64; 2];
    for c in &conv.chunks {
        let prefix = if c.server { "\t" } else { "" };
        match style {
            Style::Ascii => {
                let _ = writeln!(out, "{prefix}{}", c.data.len());
                out.extend(c.data.iter().map(|&b| match b {
                    b'\r' | b'\n' | 0x20..=0x7e => b as char,
                    _ => '.',
                }));
                out.push('\n');
            }
            Style::Hex => hex_lines(&mut out, prefix, *side(&pos, c.server), &c.data),
            Style::Raw => {
                out.push_str(prefix);
                for b in &c.data {
                    let _ = write!(out, "{b:02x}");
                }
                out.push('\n');
            }
        }
        *side_mut(&mut pos, c.server) += c.data.len() as u64;
    }
    out.push_str(SEPARATOR);
    out
}

/// Builds the [`Conversation`] from the frames of one TCP stream, handed to it in frame order
/// (run it with [`stream_filter`] and [`interest`]).
pub struct FollowSink {
    conv: Conversation,
    len: FieldId,
}

impl FollowSink {
    pub fn new() -> FollowSink {
        FollowSink {
            conv: Conversation::default(),
            len: const { registry::id("tcp.len") },
        }
    }

    pub fn into_conversation(self) -> Conversation {
        self.conv
    }
}

impl Default for FollowSink {
    fn default() -> Self {
        FollowSink::new()
    }
}

/// The frames of one conversation: `tcp.stream == N`.
pub fn stream_filter(stream: u64) -> Result<Filter, FilterError> {
    filter::compile(&format!("tcp.stream == {stream}"))
}

/// The fields [`FollowSink`] reads besides the transport.
pub fn interest() -> Interest {
    let mut i = Interest::none();
    i.add(const { registry::id("tcp.len") });
    i
}

impl Sink for FollowSink {
    fn frame(&mut self, m: &Match) -> io::Result<Flow> {
        let p = m.packet;
        let Some(t) = p.transport else {
            return Ok(Flow::Continue);
        };
        let Some(tcp) = t.tcp else {
            return Ok(Flow::Continue);
        };
        let data = p.bytes(t.payload);
        let seglen = match p.first(self.len).map(|i| i.value) {
            Some(crate::dissect::Value::UInt(n)) => n as u32,
            _ => data.len() as u32,
        };
        let syn = tcp.flags & 0x002 != 0;
        self.conv.segment(&Segment {
            src: (t.src, t.src_port),
            dst: (t.dst, t.dst_port),
            seq: tcp.seq,
            ack: tcp.ack,
            syn,
            seglen,
            data,
            frame: p.info.number,
        });
        Ok(Flow::Continue)
    }
}

/// The conversation `tcp.stream == stream` of a capture.
pub fn follow(path: &Path, stream: u64) -> Result<Conversation, RunError> {
    let f = stream_filter(stream).map_err(|e| RunError::Output(io::Error::other(e.message)))?;
    let opts = Options {
        output: interest(),
        ..Options::default()
    };
    let mut sink = FollowSink::new();
    engine::run_file(path, Some(&f), &opts, &mut sink)?;
    Ok(sink.into_conversation())
}

/// Run the command; returns the exit code. `raw` output is the bytes themselves, both directions
/// in stream order.
pub fn run<W: Write, E: Write>(
    out: &mut W,
    err: &mut E,
    path: &Path,
    stream: u64,
    format: Format,
) -> io::Result<i32> {
    let style = match format {
        Format::Ascii => Some(Style::Ascii),
        Format::Hex => Some(Style::Hex),
        Format::TsharkRaw => Some(Style::Raw),
        Format::Raw => None,
    };
    match follow(path, stream) {
        Ok(conv) => {
            match style {
                Some(s) => out.write_all(render(&conv, stream, s).as_bytes())?,
                None => {
                    for c in &conv.chunks {
                        out.write_all(&c.data)?;
                    }
                }
            }
            Ok(super::exit::OK)
        }
        Err(RunError::Open(e)) => {
            writeln!(err, "wiresift: {}: {e}", path.display())?;
            Ok(super::exit::ERROR)
        }
        Err(RunError::Output(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_rows_as_follow_print_hex() {
        // `tshark -q -z follow,tcp,hex,0` on fixtures/lab/lab_smtp_telnet_helo.pcap: the greeting.
        let mut out = String::new();
        hex_lines(
            &mut out,
            "\t",
            0,
            b"220 mail.lab.example ESMTP aiosmtpd\r\n",
        );
        assert_eq!(
            out,
            "\t00000000  32 32 30 20 6d 61 69 6c  2e 6c 61 62 2e 65 78 61  220 mail .lab.exa\n\
             \t00000010  6d 70 6c 65 20 45 53 4d  54 50 20 61 69 6f 73 6d  mple ESM TP aiosm\n\
             \t00000020  74 70 64 0d 0a                                    tpd..\n"
        );
    }

    fn v4(last: u8, port: u16) -> (IpAddr, u16) {
        (IpAddr::from([10, 0, 0, last]), port)
    }

    #[allow(clippy::too_many_arguments)]
    fn seg(
        src: (IpAddr, u16),
        dst: (IpAddr, u16),
        seq: u32,
        ack: u32,
        syn: bool,
        seglen: u32,
        data: &[u8],
        frame: u32,
    ) -> Segment<'_> {
        Segment {
            src,
            dst,
            seq,
            ack,
            syn,
            seglen,
            data,
            frame,
        }
    }

    #[test]
    fn retransmissions_once_and_gaps_filled_in_order() {
        let (c, s) = (v4(1, 1000), v4(2, 25));
        let mut conv = Conversation::default();
        conv.segment(&seg(c, s, 100, 0, true, 0, b"", 1));
        conv.segment(&seg(c, s, 101, 0, false, 3, b"abc", 2));
        conv.segment(&seg(c, s, 101, 0, false, 5, b"abcde", 3)); // retransmission with 2 new bytes
        conv.segment(&seg(c, s, 109, 0, false, 2, b"hi", 4)); // after a gap: held back
        conv.segment(&seg(c, s, 106, 0, false, 3, b"fgh", 5)); // fills it
        let got: Vec<(u32, &[u8])> = conv
            .chunks
            .iter()
            .map(|c| (c.frame, c.data.as_slice()))
            .collect();
        assert_eq!(
            got,
            vec![(2, &b"abc"[..]), (3, b"de"), (5, b"fgh"), (5, b"hi")]
        );
    }

    #[test]
    fn a_gap_acknowledged_by_the_peer_is_reported() {
        let (c, s) = (v4(1, 1000), v4(2, 25));
        let mut conv = Conversation::default();
        conv.segment(&seg(c, s, 1, 0, false, 2, b"ab", 1));
        conv.segment(&seg(c, s, 8, 0, false, 2, b"yz", 2));
        conv.segment(&seg(s, c, 50, 10, false, 0, b"", 3));
        assert_eq!(conv.chunks[1].data, b"[5 bytes missing in capture file]\0");
        assert_eq!(conv.chunks[2].data, b"yz");
    }
}
