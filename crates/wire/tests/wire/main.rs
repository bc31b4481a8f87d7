//! Integration tests of p0fmod-wire: link layers, IP and TCP checks, quirks, the options
//! walk, captures checked against p0f's own log, and property tests.

mod common;
mod ip;
mod link;
mod options;
mod oracle;
mod props;
mod quirks;
