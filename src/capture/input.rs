//! The byte source under both formats: large `read()` calls into one reused buffer, with the
//! stream offset of every byte known, and transparent gzip decompression.
//!
//! Reading into a ~1 MiB buffer that stays in L2 is the fastest way through a cached file on the
//! project machine (faster than mmap, see shared/bench/BASELINE.md); the buffer only grows when a
//! single record is larger than it.

use std::io::{self, Read};

use flate2::read::MultiGzDecoder;

/// Size of the reused read buffer: 256 KiB stays in L2 while its records are parsed and prefiltered
/// (measured 1 MiB → 256 KiB: `--count 'tcp.port == 25'` on 1M frames 156 → 147 ms, 2 threads).
pub(crate) const BUFFER_SIZE: usize = 1 << 18;

/// gzip's magic bytes; Wireshark recognises compressed captures by them, not by the file name.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

pub(crate) struct Input {
    src: Box<dyn Read + Send>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
    compressed: bool,
    /// The gzip stream ended before its trailer: the file was cut short.
    cut_short: bool,
}

impl Input {
    /// Wrap `src`, decompressing it if it starts with the gzip magic.
    pub(crate) fn new(mut src: Box<dyn Read + Send>) -> io::Result<Input> {
        let mut head = [0u8; 2];
        let mut n = 0;
        while let Some(rest) = head.get_mut(n..).filter(|r| !r.is_empty()) {
            match src.read(rest) {
                Ok(0) => break,
                // A reader that claims more than it was given is not believed.
                Ok(k) => n += k.min(rest.len()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let prefix = io::Cursor::new(head.get(..n).unwrap_or(&head).to_vec());
        let whole = prefix.chain(src);
        let compressed = n == 2 && head == GZIP_MAGIC;
        let src: Box<dyn Read + Send> = if compressed {
            Box::new(MultiGzDecoder::new(whole))
        } else {
            Box::new(whole)
        };
        Ok(Input {
            src,
            buf: vec![0; BUFFER_SIZE],
            start: 0,
            end: 0,
            base: 0,
            eof: false,
            compressed,
            cut_short: false,
        })
    }

    pub(crate) fn compressed(&self) -> bool {
        self.compressed
    }

    pub(crate) fn cut_short(&self) -> bool {
        self.cut_short
    }

    /// The bytes read but not yet consumed.
    #[inline]
    pub(crate) fn available(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }

    /// Stream offset of the first available byte.
    #[inline]
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.start as u64
    }

    #[inline]
    pub(crate) fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
    }

    /// Make at least `n` bytes available, reading as much as fits in the buffer. Returns how many
    /// are available: fewer than `n` only at the end of the stream.
    pub(crate) fn fill_to(&mut self, n: usize) -> io::Result<usize> {
        if self.end - self.start >= n || self.eof {
            return Ok(self.end - self.start);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() < n {
            // Grow only as far as this record needs; a damaged length never reaches here
            // unchecked (callers bound `n` first).
            self.buf.resize(n, 0);
        }
        while self.end < n {
            let Some(dst) = self.buf.get_mut(self.end..) else {
                break;
            };
            match self.src.read(dst) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => self.end += k.min(dst.len()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if self.compressed && e.kind() == io::ErrorKind::UnexpectedEof => {
                    self.eof = true;
                    self.cut_short = true;
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.start)
    }
}
