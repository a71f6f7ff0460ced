//! The `wiresift` command: parse arguments, call the library, choose the exit code.
#![forbid(unsafe_code)]

fn main() {
    println!("wiresift {}", env!("CARGO_PKG_VERSION"));
}
