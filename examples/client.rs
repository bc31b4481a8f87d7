//! Asks a running p0f (or p0fmod) what it knows about a host through its query socket,
//! and prints the answer as p0f-client does, then a few of its typed fields.
//!
//! ```sh
//! cargo build --release --example client
//! sudo target/release/examples/client /path/to/socket 192.0.2.7
//! ```

use std::process::ExitCode;

use p0fmod_session::p0fmod_api::{Query, Status, client_report, parse_address, query};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [socket, host] = args.as_slice() else {
        eprintln!("usage: client /path/to/socket host_ip");
        return ExitCode::from(1);
    };
    let addr = match parse_address(host) {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("[-] {}", e.message());
            return ExitCode::from(1);
        }
    };
    // The 21 bytes on the wire; query() sends them and decodes the 232-byte answer.
    let bytes = Query::new(addr).encode();
    assert_eq!(bytes.len(), 21);
    let response = match query(socket.as_ref(), addr) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("[-] {e}");
            return ExitCode::from(1);
        }
    };
    match client_report(&response) {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("[-] {}", e.message());
            return ExitCode::from(1);
        }
    }
    if response.status == Status::Ok {
        println!(
            "(typed: os_name={:?}, total_conn={}, distance={})",
            response.os_name.to_string_lossy(),
            response.total_conn,
            response.distance
        );
    }
    ExitCode::SUCCESS
}
