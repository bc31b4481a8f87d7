//! Runs p0f on eth0 (or the interface given) through the p0fmod library, as `p0f -i eth0`
//! would: p0f's status lines, then its console blocks on stdout until Ctrl-C.
//!
//! ```sh
//! cargo build --release --example run && sudo target/release/examples/run eth0
//! ```

use std::process::ExitCode;

use p0fmod_session::p0fmod::Config;
use p0fmod_session::{ConfigExt, print_error};

fn main() -> ExitCode {
    let iface = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "eth0".to_string());
    let mut config = Config::new();
    if let Err(e) = config.set_iface(iface) {
        eprintln!("[-] {e} (code {})", e.code());
        return ExitCode::from(1);
    }
    match config.start() {
        Ok(summary) => {
            eprintln!("{} observations.", summary.observations);
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_error(&e);
            ExitCode::from(1)
        }
    }
}
