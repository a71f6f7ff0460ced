//! Copy a capture through `CaptureReader` and `CaptureWriter` (pcap when the output name ends
//! in .pcap, else pcapng; nanoseconds kept when the source has them). Used by
//! tools/make_capture_expectations.sh to check with tshark that written files read back the same.
//!
//! `cargo run --release --example capture_copy -- IN OUT`

use wiresift::capture::{
    CaptureReader, CaptureWriter, FrameBatch, OutputFormat, RecordKind, WriteOptions,
};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(src), Some(dst)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: capture_copy IN OUT");
        std::process::exit(2);
    };
    if let Err(e) = copy(src, dst) {
        eprintln!("capture_copy: {e}");
        std::process::exit(1);
    }
}

fn copy(src: &str, dst: &str) -> Result<(), wiresift::capture::CaptureError> {
    let mut reader = CaptureReader::open(src)?;
    let mut batch = FrameBatch::new();
    let mut writer = None;
    let pcap = OutputFormat::for_path(dst.as_ref()) == OutputFormat::Pcap;
    loop {
        batch.clear();
        if reader.fill(&mut batch, 1024, 8 << 20)? == 0 {
            break;
        }
        let w = match &mut writer {
            Some(w) => w,
            None => writer.insert(CaptureWriter::create(
                dst,
                &WriteOptions {
                    overwrite: false,
                    nanosecond: reader.sub_microsecond(),
                    format: None,
                },
            )?),
        };
        for (id, iface) in reader.interfaces().iter().enumerate() {
            w.describe_interface(id as u32, iface);
        }
        for f in batch.frames() {
            if pcap && !matches!(f.kind, RecordKind::Packet | RecordKind::SimplePacket) {
                continue;
            }
            w.write(&f)?;
        }
    }
    match writer {
        Some(w) => w.finish(),
        None => CaptureWriter::create(dst, &WriteOptions::default())?.finish(),
    }
}
