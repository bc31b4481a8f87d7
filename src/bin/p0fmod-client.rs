//! `p0fmod-client SOCKET ADDRESS`: asks a running p0fmod (or p0f 3) what it knows about a
//! host and prints the answer as p0f's own p0f-client does (spec §12.4), for IPv4 and IPv6
//! (IPv6 in any standard form, `::` included).
//!
//! `p0fmod-client --json SOCKET ADDRESS` asks with the JSON query instead and prints the
//! answer line as it comes (`{"status":"ok","host":{...}}`, docs/json.md); the exit status
//! is 1 when the server did not understand the query.

#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use p0fmod_api::{ClientError, client_report, parse_address, query, query_json};
use p0fmod_session::{print_err, print_out};

/// p0f's FATAL (or PFATAL, when a system error is behind it): stderr, exit status 1.
fn fail(e: &ClientError) -> ExitCode {
    let _ = io::stdout().flush();
    match e.os_error() {
        Some(os) => print_err(&format!(
            "[-] SYSTEM ERROR : {}\n      OS message : {}\n",
            e.message(),
            p0fmod_live::os_message(os)
        )),
        None => print_err(&format!("[-] PROGRAM ABORT : {}\n", e.message())),
    }
    ExitCode::from(1)
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().collect();
    let json = args.get(1).is_some_and(|a| a == "--json");
    if json {
        args.remove(1);
    }
    if args.len() != 3 {
        print_err("Usage: p0fmod-client [--json] /path/to/socket host_ip\n");
        return ExitCode::from(1);
    }
    let addr = match parse_address(&args[2]) {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    if json {
        return match query_json(Path::new(&args[1]), addr) {
            Ok(line) => {
                print_out(&format!("{line}\n"));
                if line.starts_with(r#"{"status":"bad_query""#) {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => fail(&e),
        };
    }
    let answer = match query(Path::new(&args[1]), addr) {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    match client_report(&answer) {
        Ok(text) => {
            print_out(&text);
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
